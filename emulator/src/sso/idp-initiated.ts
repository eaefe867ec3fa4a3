// GET /sso/idp: the simulated IdP's own start page, as a person opens an app tile in Okta or Entra ID. It lists
// the organization's people; picking one sends the browser to the app with an `idp_initiated_login` token.
import type { Context } from 'hono';
import type { SsoContext } from './context.js';
import { describeProblem, readQuery } from './query.js';
import { refusalPage } from './responses.js';
import { offerSignIn } from './sign-in.js';
import { findTarget } from './sign-in-target.js';

const LIMITS = { organization_id: 128, connection_id: 128, relay_state: 2048 };

export function idpInitiated(ctx: SsoContext) {
  return (c: Context): Response => {
    const { params, problem } = readQuery(c.req.url, LIMITS);
    if (problem) return refusalPage(c, 400, 'This link is malformed', `${describeProblem(problem)}.`);
    const redirect = ctx.checkRedirect(params.get('redirect_uri'));
    if (!redirect.ok) return refusalPage(c, 400, 'This link cannot open the app', `${redirect.reason}.`);
    if (params.get('organization_id') === undefined && params.get('connection_id') === undefined) {
      return refusalPage(c, 400, 'Which organization?', 'Name it with organization_id or connection_id.');
    }
    const target = findTarget(ctx.state, { organizationId: params.get('organization_id'), connectionId: params.get('connection_id') });
    if (!target.ok) return refusalPage(c, target.error === 'access_denied' ? 403 : 404, 'No sign-in here', `${target.description}.`);

    const request = {
      kind: 'idp_initiated' as const,
      organizationId: target.organization.id,
      connectionId: target.connection.id,
      redirectUri: params.get('redirect_uri')!,
      scope: 'openid',
      relayState: params.get('relay_state'),
    };
    return offerSignIn(ctx, c, request, target, redirect.url.origin);
  };
}
