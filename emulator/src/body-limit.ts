// A body-size limit that works with @hono/node-server's lightweight Request (overrideGlobalObjects: false).
// Hono's own bodyLimit re-wraps a streamed body with `new Request(c.req.raw, …)`, which undici refuses for
// that Request (a bodiless `curl -X POST` or a chunked upload answered 500); here the copy is made from the
// URL, method and headers instead. Every body within the limit is read in full before the handler runs, so a
// route that answers without looking at it (404, 415, a GET with a body) leaves a clean keep-alive connection
// instead of one node-server gives up draining and closes under the next request.
import type { Context, MiddlewareHandler } from 'hono';

export function limitBody(maxSize: number, onError: (c: Context) => Response | Promise<Response>): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const declared = raw.headers.get('content-length');
    if (declared !== null && !raw.headers.has('transfer-encoding') && !(/^\d{1,15}$/.test(declared) && Number(declared) <= maxSize)) {
      return onError(c);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = raw.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxSize) {
        void reader.cancel().catch(() => {});
        return onError(c);
      }
      chunks.push(value);
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.length;
    }
    const headers = new Headers(raw.headers);
    headers.delete('transfer-encoding');
    headers.set('content-length', String(size));
    c.req.raw = new Request(raw.url, { method: raw.method, headers, body: size ? body : null, signal: raw.signal });
    return next();
  };
}
