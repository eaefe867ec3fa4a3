// The IdP session: a cookie on the emulator's origin naming a server-side record of who signed in, per
// connection — what lets `prompt=none` answer at once and what /oidc/logout ends.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { SsoContext } from './context.js';
import { secretId, type IdpSession } from './sso-store.js';

export const IDP_SESSION_COOKIE = 'scalekit_emulator_idp';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{32}$/;

function cookieId(c: Context): string | null {
  const value = getCookie(c, IDP_SESSION_COOKIE);
  return value !== undefined && COOKIE_VALUE.test(value) ? value : null;
}

/** This browser's live IdP session, if any. */
export function currentSession(ctx: SsoContext, c: Context): IdpSession | null {
  const id = cookieId(c);
  return (id && ctx.store.sessions.get(id)) || null;
}

/** Records that `userId` signed in through `connectionId` in this browser; returns the session's id (`sid`). */
export function rememberSignIn(ctx: SsoContext, c: Context, connectionId: string, userId: string): string {
  const existingId = cookieId(c);
  const existing = existingId ? ctx.store.sessions.get(existingId) : undefined;
  const id = existing ? existingId! : secretId();
  const session: IdpSession = existing ?? { sid: `ses_${secretId().slice(0, 20)}`, users: new Map() };
  session.users.set(connectionId, userId);
  ctx.store.sessions.set(id, session); // also renews its lifetime
  setCookie(c, IDP_SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'Lax', // sent on the app's top-level redirect to /oauth/authorize, not on cross-site subrequests
    secure: new URL(c.req.url).protocol === 'https:' || ctx.state.baseUrl().startsWith('https:'),
    path: ctx.basePath || '/',
  });
  return session.sid;
}

/** Ends this browser's IdP session (and, when named, the session with that `sid`). */
export function endSessions(ctx: SsoContext, c: Context, sid: string | null): void {
  const id = cookieId(c);
  if (id) ctx.store.sessions.delete(id);
  if (sid !== null) ctx.store.sessions.deleteWhere((session) => session.sid === sid);
  deleteCookie(c, IDP_SESSION_COOKIE, { path: ctx.basePath || '/' });
}
