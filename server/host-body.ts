// Mounted in a Node framework (Express, Fastify, Koa…) through @hono/node-server's `getRequestListener`, the route
// reads the body from the Node request (`c.env.incoming`). A body parser mounted before it (a global
// `express.json()`) has already read that stream, and what is left is empty. These helpers tell the two apart.
// Property reads only: nothing here needs Node, so the module stays safe in Workers, Deno and Bun.

import type { Context, MiddlewareHandler } from 'hono';

/** The Node request behind a Hono context, when there is one. */
interface NodeIncoming {
  readableEnded?: unknown;
  body?: unknown;
  rawBody?: unknown;
}

function nodeIncoming(c: Context): NodeIncoming | null {
  const env = c.env as { incoming?: unknown } | undefined;
  const incoming = typeof env === 'object' && env !== null ? env.incoming : undefined;
  return typeof incoming === 'object' && incoming !== null ? (incoming as NodeIncoming) : null;
}

/**
 * What a host's body parser left on the Node request, when it read the stream before this route did:
 * `{ text, exact }` — the body as text, `exact` when those are the bytes that arrived (`express.text()`,
 * `express.raw()`) rather than a re-serialised parse (`express.json()`) — or `{ text: null }` when the stream is
 * gone and nothing usable was kept. `null` when the stream is unread (or there is no Node request): read it as usual.
 * A `rawBody` Buffer is not handled here: @hono/node-server already reads the request from it.
 */
export function bodyReadByHost(c: Context): { text: string | null; exact: boolean } | null {
  const incoming = nodeIncoming(c);
  if (!incoming || incoming.readableEnded !== true) return null;
  if (incoming.rawBody instanceof Uint8Array) return null;
  const body = incoming.body;
  if (typeof body === 'string') return { text: body, exact: true };
  // ignoreBOM keeps a leading BOM: it is part of what was signed.
  if (body instanceof Uint8Array) return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(body), exact: true };
  if (body === undefined) return { text: null, exact: false };
  // express.json() and its kin: already parsed; re-serialised so the same checks (size, shape) apply.
  try {
    return { text: JSON.stringify(body) ?? null, exact: false };
  } catch {
    return { text: null, exact: false };
  }
}

/** The sentence an operator needs when the body is gone: which middleware took it and what to do. */
export const BODY_CONSUMED_HINT =
  'The request body was already read by a body parser mounted before this route (e.g. a global express.json()) ' +
  'and nothing usable was left on req.body. Mount this route before the body parser, or keep the raw body ' +
  '(express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })).';

/**
 * For the token endpoint: when a host's body parser already read the JSON body, hand its result to the route
 * (through Hono's body cache, which `c.req.text()` reads) instead of an empty stream. When the stream is gone
 * and nothing usable was kept, `onLost` decides the answer.
 */
export function acceptBodyParsedByHost(onLost: (c: Context) => never): MiddlewareHandler {
  return async (c, next) => {
    const read = bodyReadByHost(c);
    if (read) {
      if (read.text === null) onLost(c);
      // Hono keeps each body reader's promise in `bodyCache`; `c.req.text()` returns a cached one as is.
      (c.req.bodyCache as Record<string, unknown>)['text'] = Promise.resolve(read.text);
    }
    await next();
  };
}
