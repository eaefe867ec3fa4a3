// GET /oidc/logout (the SDK's getLogoutUrl): ends this browser's IdP session — and, given an ID token this
// emulator issued, the session it names — then goes back to post_logout_redirect_uri when its origin is allowed.
import type { Context } from 'hono';
import { verifyJwt } from '../rest/signing-key.js';
import type { SsoContext } from './context.js';
import { endSessions } from './idp-session.js';
import { describeProblem, readQuery } from './query.js';
import { newNonce, pageHeaders, redirectToApp, refusalPage } from './responses.js';
import { renderMessagePage } from './idp-page.js';

const LIMITS = { id_token_hint: 8192, state: 2048 };

export function logout(ctx: SsoContext) {
  return (c: Context): Response => {
    const { params, problem } = readQuery(c.req.url, LIMITS);
    if (problem) return refusalPage(c, 400, 'This sign-out request is malformed', `${describeProblem(problem)}.`);
    const hint = params.get('id_token_hint');
    const claims = hint ? verifyJwt(hint) : null;
    if (hint && !claims) return refusalPage(c, 400, 'Not signed out', 'id_token_hint is not an ID token this environment issued.');
    endSessions(ctx, c, typeof claims?.['sid'] === 'string' ? claims['sid'] : null);

    const target = params.get('post_logout_redirect_uri');
    if (target !== undefined) {
      const redirect = ctx.checkRedirect(target);
      if (!redirect.ok) return refusalPage(c, 400, 'Signed out, but not sent back', `${redirect.reason}.`);
      return redirectToApp(c, target, { state: params.get('state') });
    }
    const nonce = newNonce();
    pageHeaders(c, nonce);
    return c.html(renderMessagePage(nonce, 'Signed out', 'You are signed out of the simulated identity provider.', false));
  };
}
