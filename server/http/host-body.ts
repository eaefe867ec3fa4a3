// Mounted in a Node framework (Express, Fastify, Koa…) through @hono/node-server's `getRequestListener`, the route
// reads the body from the Node request (`c.env.incoming`). A body parser mounted before it (a global
// `express.json()`) has already read that stream, and what is left is empty. A middleware that read the body
// through Hono (`c.req.json()`, a clone) ended the same stream, but Hono still holds the bytes. These helpers
// tell the three apart.
// Property reads only: nothing here needs Node, so the module stays safe in Workers, Deno and Bun.

import type { Context } from 'hono';
import { ScalekitRouteError } from './route-error.js';

/** The Node request behind a Hono context, when there is one. */
interface NodeIncoming {
  readableEnded?: unknown;
  readableDidRead?: unknown;
  body?: unknown;
  rawBody?: unknown;
}

function nodeIncoming(c: Context): NodeIncoming | null {
  const env = c.env as { incoming?: unknown } | undefined;
  const incoming = typeof env === 'object' && env !== null ? env.incoming : undefined;
  return typeof incoming === 'object' && incoming !== null ? (incoming as NodeIncoming) : null;
}

/** A middleware read the body through Hono (`c.req.json()`, `c.req.text()`, validators): Hono keeps the result. */
function honoCachedBody(c: Context): boolean {
  return Object.keys(c.req.bodyCache as Record<string, unknown>).length > 0;
}

/**
 * The Node stream was read before this route, and Hono kept no result of it. Either a middleware read a clone
 * through Hono (`c.req.raw.clone().text()`: the original still holds the bytes) or Node code outside Hono
 * swallowed it: only reading through Hono tells which.
 */
function streamReadOutsideBodyCache(c: Context): boolean {
  const incoming = nodeIncoming(c);
  if (!incoming || honoCachedBody(c)) return false;
  return incoming.readableEnded === true || incoming.readableDidRead === true;
}

/**
 * What a Node framework's body parser left on the Node request, when it read the stream outside Hono:
 * `{ text, exact }` — the body as text, `exact` when those are the bytes that arrived (`express.text()`,
 * `express.raw()`) rather than a re-serialised parse (`express.json()`). `null` when there is nothing of the kind
 * (no Node request, an unread stream, or a body Hono itself read and still holds): read through Hono as usual.
 * A `rawBody` Buffer is not handled here: @hono/node-server already reads the request from it.
 */
export function bodyReadByHost(c: Context): { text: string; exact: boolean } | null {
  const incoming = nodeIncoming(c);
  if (!incoming || honoCachedBody(c)) return null;
  if (incoming.readableEnded !== true && incoming.readableDidRead !== true) return null;
  if (incoming.rawBody instanceof Uint8Array) return null;
  const body = incoming.body;
  if (body === undefined) return null;
  if (typeof body === 'string') return { text: body, exact: true };
  // ignoreBOM keeps a leading BOM: it is part of what was signed.
  if (body instanceof Uint8Array) return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(body), exact: true };
  // express.json() and its kin: already parsed; re-serialised so the same checks (size, shape) apply.
  try {
    const text = JSON.stringify(body);
    return typeof text === 'string' ? { text, exact: false } : null;
  } catch {
    return null;
  }
}

/**
 * Reads the body through Hono with `read`; `null` when the Node stream is gone and Hono never held it (Node
 * code outside Hono read it and kept nothing). Other failures are thrown as they are.
 */
export async function readThroughHono<T>(c: Context, read: () => Promise<T>): Promise<T | null> {
  const readBefore = streamReadOutsideBodyCache(c);
  try {
    return await read();
  } catch (error) {
    if (readBefore) return null;
    throw error;
  }
}

/** The sentence an operator needs when the body is gone: which middleware took it and what to do. */
export const BODY_CONSUMED_HINT =
  'The request body was already read by a body parser mounted before this route (e.g. a global express.json()) ' +
  'and nothing usable was left on req.body. Mount this route before the body parser, or keep the raw body ' +
  '(express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })).';

/**
 * For the JSON routes: when a Node framework's body parser already read the body, hand its result to the route
 * (through Hono's body cache, which `c.req.text()` reads) instead of an empty stream. A body a middleware read
 * through Hono is left where Hono keeps it. When the stream is gone and nothing usable was kept, `onLost`
 * decides the answer. A promise only when it has to read the body itself (a clone read it before), undefined
 * otherwise, so the usual request is not made to wait a turn for nothing.
 */
export function takeBodyParsedByHost(c: Context, onLost: (c: Context) => never): Promise<void> | undefined {
  const incoming = nodeIncoming(c);
  // An unread Node stream (or none): nothing was taken, nothing to hand over.
  if (!incoming || (incoming.readableEnded !== true && incoming.readableDidRead !== true)) return undefined;
  const read = bodyReadByHost(c);
  if (read) {
    // Hono keeps each body reader's promise in `bodyCache`; `c.req.text()` returns a cached one as is.
    (c.req.bodyCache as Record<string, unknown>)['text'] = Promise.resolve(read.text);
    return undefined;
  }
  if (!streamReadOutsideBodyCache(c)) return undefined;
  // A clone read through Hono left the bytes with it (and `text()` caches them); Node code outside Hono left none.
  return readThroughHono(c, () => c.req.text()).then((text) => {
    if (text === null) onLost(c);
  });
}

/**
 * What a route does when a body parser of the host read the body and kept nothing usable: a server set-up
 * mistake, not the caller's, so 500 `internal`; the log says which middleware to move once per route rather
 * than once per request.
 */
export function bodyLostOnce(routeName: string, log: (line: string) => void, message?: string): () => never {
  let told = false;
  return () => {
    if (!told) log(`${routeName}: ${BODY_CONSUMED_HINT}`);
    told = true;
    throw new ScalekitRouteError('internal', { message, cause: new Error('request body consumed before the route') });
  };
}
