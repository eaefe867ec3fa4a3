// The emulator's control token: `/_emulator/` resets the emulator, injects faults, redirects its signed
// webhooks and lists unopened (live) link ids, so any page or process on the machine that can reach the port
// must not be able to use it. Hono's bearerAuth answers a malformed header 400 and accepts only a narrower
// token alphabet; here every missing, malformed or wrong header is the same 401.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';

const BEARER = /^Bearer +([\x21-\x7e]{1,512}) *$/i;

const digest = (value: string) => createHash('sha256').update(value, 'latin1').digest();

/** True when `header` is `Bearer <token>`; compared as SHA-256 digests, in constant time whatever the lengths. */
export function hasControlToken(header: string | undefined, token: string): boolean {
  const presented = header === undefined ? undefined : BEARER.exec(header)?.[1];
  // A missing or malformed header still costs one comparison, so its timing tells nothing either.
  const equal = timingSafeEqual(digest(presented ?? ''), digest(token));
  return equal && presented !== undefined;
}

export function unauthenticated(c: Context): Response {
  c.header('WWW-Authenticate', 'Bearer realm="scalekit-emulator"');
  c.header('Cache-Control', 'no-store');
  return c.json(
    { error: { code: 'unauthenticated', message: 'emulator controls need Authorization: Bearer <control token> (printed as EMULATOR_CONTROL_TOKEN)' } },
    401,
  );
}

/** Answers 401 unless the request carries the control token. */
export function requireControlToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    if (!hasControlToken(c.req.header('authorization'), token)) return unauthenticated(c);
    await next();
  };
}
