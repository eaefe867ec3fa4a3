// The sign-in routes on the environment URL: /oauth/authorize, the IdP pages under /sso/idp, and /oidc/logout.
// The code exchange lives with the other grants in rest/token.ts.
import { Hono } from 'hono';
import { limitBody } from '../body-limit.js';
import { authorize } from './authorize.js';
import { choose } from './choose.js';
import type { SsoContext } from './context.js';
import { idpInitiated } from './idp-initiated.js';
import { logout } from './logout.js';
import { methodNotAllowed, refusalPage } from './responses.js';

export function ssoRoutes(ctx: SsoContext): Hono {
  const app = new Hono();
  app.get('/oauth/authorize', authorize(ctx));
  app.all('/oauth/authorize', methodNotAllowed('GET', '/oauth/authorize'));
  app.get('/sso/idp', idpInitiated(ctx));
  app.all('/sso/idp', methodNotAllowed('GET', '/sso/idp'));
  app.post(
    '/sso/idp/choose',
    limitBody(16 * 1024, (c) => refusalPage(c, 400, 'This sign-in request is malformed', 'The form is too large.')),
    choose(ctx),
  );
  app.all('/sso/idp/choose', methodNotAllowed('POST', '/sso/idp/choose'));
  app.get('/oidc/logout', logout(ctx));
  app.all('/oidc/logout', methodNotAllowed('GET', '/oidc/logout'));
  return app;
}
