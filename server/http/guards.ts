// The request checks every route that hands out a portal link shares (scalekitPortal() and
// scalekitSetupLinks()): no caching, POST only, same-site only, JSON only, a small body, and the host's
// `authorize` answer checked before anyone trusts it.

import type { Context, MiddlewareHandler } from 'hono';
import { ScalekitRouteError } from './route-error.js';

/** Request bodies larger than this are refused (413). */
export const MAX_BODY_BYTES = 4 * 1024;

/** `https://Example.com:443/` → `https://example.com`; anything that is not an http(s) origin → null. */
export function asOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}

// --- Request checks (each a middleware, in the order they run) -----------------------------------------------
//
// Each check is also a plain function, so a route can run them all inside one handler: every middleware Hono
// runs costs a promise and a closure per request, and under `app.route()` an error boundary of its own.

// A link must never sit in a browser or proxy cache: set before anything can fail.
export function setNoStore(c: Context): void {
  c.header('Cache-Control', 'no-store');
}

export const noStore: MiddlewareHandler = async (c, next) => {
  setNoStore(c);
  await next();
  setNoStore(c);
};

/**
 * CORS headers (credentials included) for an allowed extra origin, and the answer to its preflight; nobody else
 * gets either. Returns the preflight's response, else undefined.
 */
export function applyCors(c: Context, allowed: ReadonlySet<string>, methods: readonly string[] = ['POST']): Response | undefined {
  if (allowed.size === 0) return undefined;
  const origin = c.req.header('origin');
  if (!origin || !allowed.has(origin)) return undefined;
  c.header('Access-Control-Allow-Origin', origin);
  c.header('Access-Control-Allow-Credentials', 'true');
  c.header('Vary', 'Origin');
  const preflightFor = c.req.header('access-control-request-method');
  if (c.req.method === 'OPTIONS' && preflightFor !== undefined && methods.includes(preflightFor)) {
    c.header('Access-Control-Allow-Methods', methods.join(', '));
    c.header('Access-Control-Allow-Headers', 'Content-Type');
    c.header('Access-Control-Max-Age', '600');
    return c.body(null, 204);
  }
  return undefined;
}

/** Allowed extra origins get CORS headers (credentials included) and a preflight answer; nobody else does. */
export function corsForAllowedOrigins(allowed: ReadonlySet<string>, methods: readonly string[] = ['POST']): MiddlewareHandler {
  return async (c, next) => {
    const preflight = applyCors(c, allowed, methods);
    if (preflight) return preflight;
    await next();
  };
}

export function refuseUnlessPost(c: Context): void {
  if (c.req.method !== 'POST') throw new ScalekitRouteError('method_not_allowed', { headers: { Allow: 'POST' } });
}

/** Throws `forbidden` for a cross-site caller; see {@link sameSiteOnly}. */
export function refuseCrossSite(c: Context, allowed: ReadonlySet<string>, publicOrigin: string | null = null): void {
  if (!isSameSiteRequest(c, allowed, publicOrigin)) {
    throw new ScalekitRouteError('forbidden', { message: 'Cross-site requests for a portal link are refused.' });
  }
}

/**
 * Refuse cross-site callers. Browsers mark requests with `Sec-Fetch-Site` and a POST with `Origin`, and a
 * page can forge neither. `Sec-Fetch-Site: same-origin` passes (it stays right behind a proxy that rewrites
 * the host); otherwise an `Origin` must be the request's own or an allowed one, and any other
 * `Sec-Fetch-Site` without an `Origin` is refused. A request with neither header is not from a browser: it
 * carries no victim's cookies, so it is left to `authorize`.
 *
 * With `publicOrigin` the rule is stricter, see {@link isSameSiteRequest}.
 */
export function sameSiteOnly(allowed: ReadonlySet<string>, publicOrigin: string | null = null): MiddlewareHandler {
  return async (c, next) => {
    refuseCrossSite(c, allowed, publicOrigin);
    await next();
  };
}

/**
 * no-store, CORS, POST only and same-site only, in that order, as one synchronous step: the preflight's answer
 * when the request is one, else undefined; a refused request throws.
 */
export function postRequestChecks(allowed: ReadonlySet<string>, publicOrigin: string | null): (c: Context) => Response | undefined {
  return (c) => {
    setNoStore(c);
    const preflight = applyCors(c, allowed);
    if (preflight) return preflight;
    refuseUnlessPost(c);
    refuseCrossSite(c, allowed, publicOrigin);
    return undefined;
  };
}

/**
 * The check behind {@link sameSiteOnly}, for other state-changing routes of a host (the demo's sign-in).
 *
 * Without `publicOrigin`, "own origin" is the request URL's, which comes from the `Host` header: a DNS
 * rebinding page (its own name resolved to this server) sends a `Host`, an `Origin` and a
 * `Sec-Fetch-Site: same-origin` that all agree, and passes. With `publicOrigin`, `Host` is never consulted:
 * a request must carry an `Origin` equal to `publicOrigin` or an allowed one. The one exception is a GET or
 * HEAD without `Origin` (browsers send none on a same-origin read), judged by `Sec-Fetch-Site` as before; it
 * changes nothing.
 */
export function isSameSiteRequest(
  c: Context,
  allowed: ReadonlySet<string> = new Set(),
  publicOrigin: string | null = null,
): boolean {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  if (publicOrigin !== null) {
    if (origin !== undefined) return origin === publicOrigin || allowed.has(origin);
    return isSafeMethod(c.req.method) && (site === 'same-origin' || site === undefined);
  }
  if (site === 'same-origin') return true;
  if (origin !== undefined) return origin === ownOrigin(c) || allowed.has(origin);
  return site === undefined;
}

function ownOrigin(c: Context): string {
  return new URL(c.req.url).origin;
}

function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** Throws `unsupported_media_type` unless the body is declared `application/json` (parameters allowed). */
export function refuseUnlessJson(c: Context): void {
  const header = c.req.header('content-type');
  // The exact value browsers send skips the parse.
  if (header === 'application/json') return;
  if ((header ?? '').split(';', 1)[0]!.trim().toLowerCase() !== 'application/json') throw new ScalekitRouteError('unsupported_media_type');
}

// --- The request's own content --------------------------------------------------------------------------------

export async function readBody(c: Context, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const text = await c.req.text();
  // The body limit trusts Content-Length when present; a body that outgrew it is refused all the same.
  if (utf8Length(text, maxBytes) > maxBytes) throw new ScalekitRouteError('payload_too_large');
  try {
    return JSON.parse(text);
  } catch {
    throw new ScalekitRouteError('invalid_request', { message: 'The body is not valid JSON.' });
  }
}

// TextEncoder, not Buffer: Workers and Deno have no Buffer. One for the module: it holds no state between calls.
const utf8 = new TextEncoder();

/**
 * The UTF-8 length of `text`, or a bound that decides against `maxBytes` as it would: each UTF-16 unit is 1 to 3
 * bytes (a surrogate pair, 2 units, is 4), so only a text between maxBytes / 3 and maxBytes units is encoded.
 */
function utf8Length(text: string, maxBytes: number): number {
  if (text.length * 3 <= maxBytes || text.length > maxBytes) return text.length;
  return utf8.encode(text).byteLength;
}
