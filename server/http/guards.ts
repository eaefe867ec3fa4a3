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

// A link must never sit in a browser or proxy cache: set before anything can fail.
export const noStore: MiddlewareHandler = async (c, next) => {
  c.header('Cache-Control', 'no-store');
  await next();
  c.header('Cache-Control', 'no-store');
};

/** Allowed extra origins get CORS headers (credentials included) and a preflight answer; nobody else does. */
export function corsForAllowedOrigins(allowed: ReadonlySet<string>, methods: readonly string[] = ['POST']): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin && allowed.has(origin)) {
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
    }
    await next();
  };
}

export const postOnly: MiddlewareHandler = async (c, next) => {
  if (c.req.method !== 'POST') throw new ScalekitRouteError('method_not_allowed', { headers: { Allow: 'POST' } });
  await next();
};

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
    if (!isSameSiteRequest(c, allowed, publicOrigin)) {
      throw new ScalekitRouteError('forbidden', { message: 'Cross-site requests for a portal link are refused.' });
    }
    await next();
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

export const jsonOnly: MiddlewareHandler = async (c, next) => {
  const type = (c.req.header('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new ScalekitRouteError('unsupported_media_type');
  await next();
};

// --- The request's own content --------------------------------------------------------------------------------

export async function readBody(c: Context, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const text = await c.req.text();
  // bodyLimit trusts Content-Length when present; a body that outgrew it is refused all the same. TextEncoder,
  // not Buffer: Workers and Deno have no Buffer.
  if (new TextEncoder().encode(text).byteLength > maxBytes) throw new ScalekitRouteError('payload_too_large');
  try {
    return JSON.parse(text);
  } catch {
    throw new ScalekitRouteError('invalid_request', { message: 'The body is not valid JSON.' });
  }
}
