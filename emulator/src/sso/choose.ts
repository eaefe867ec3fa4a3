// POST /sso/idp/choose: what the person picked on the IdP page — someone from the directory, or a failure
// scenario. The pending request is taken (single use) by the id the page carried; the page itself can change
// nothing else, so no field of it can send a code to another redirect_uri or sign in someone else.
import type { Context } from 'hono';
import type { SsoContext } from './context.js';
import { redirectError, refusalPage } from './responses.js';
import { completeSignIn } from './sign-in.js';

const REQUEST_ID = /^[A-Za-z0-9_-]{32}$/;
const ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The error each failure scenario sends back to the app, as an IdP's failure reaches it through Scalekit. */
const SCENARIOS: Record<string, { error: string; description: string }> = {
  idp_error: { error: 'server_error', description: 'The identity provider answered with an error (simulated). Try again, or ask your IT admin to check the SSO connection.' },
  expired_assertion: { error: 'access_denied', description: 'The identity provider\'s response has expired (simulated: an expired SAML assertion or ID token). Sign in again.' },
  cancel: { error: 'access_denied', description: 'The sign-in was cancelled at the identity provider.' },
};

export function choose(ctx: SsoContext) {
  return async (c: Context): Promise<Response> => {
    if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header('content-type') ?? '')) {
      return refusalPage(c, 400, 'This sign-in request is malformed', 'The IdP page posts a form; nothing else is accepted here.');
    }
    const form = new URLSearchParams(await c.req.text());
    const requestId = form.get('request') ?? '';
    const request = REQUEST_ID.test(requestId) ? ctx.store.pending.take(requestId) : undefined;
    if (!request) {
      return refusalPage(c, 400, 'This sign-in has expired', 'It was already used or waited too long. Start again from the app.');
    }
    const fail = (error: string, description: string) => redirectError(c, request.redirectUri, error, description, request.state);

    const scenario = form.get('scenario');
    if (scenario !== null) {
      const outcome = SCENARIOS[scenario];
      return outcome ? fail(outcome.error, outcome.description) : fail('invalid_request', 'unknown failure scenario');
    }
    const org = ctx.state.organizations.get(request.organizationId);
    if (!org?.sso?.enabled || org.sso.id !== request.connectionId) {
      return fail('access_denied', 'single sign-on is no longer enabled for this organization');
    }
    const userId = form.get('user') ?? '';
    const user = ID.test(userId) ? ctx.people(request.organizationId).find((u) => u.id === userId) : undefined;
    if (!user) return fail('access_denied', 'this person is no longer in the organization\'s directory');
    if (!user.active) return fail('access_denied', 'this person is deactivated in the organization\'s directory');
    return completeSignIn(ctx, c, request, user);
  };
}
