// The HTTP/1.1 side of the environment URL: token endpoint, portal pages, controls.
import { Hono } from 'hono';
import { controlRoutes, type ControlDeps } from './controls/routes.js';
import { tokenRoutes } from './rest/token.js';
import { jwks } from './rest/signing-key.js';
import { openidConfiguration } from './rest/discovery.js';
import { portalPageOnly, portalRoutes, type PortalDeps } from './portal/routes.js';
import type { BrandingStore } from './branding.js';
import type { DirectoryModule } from './directory/index.js';
import { mountRest } from './rest/routes.js';
import { limitBody } from './body-limit.js';
import type { Faults } from './faults.js';
import type { EmulatorState } from './state.js';
import type { Timers } from './timers.js';
import type { ResolvedOptions } from './options.js';
import { notServedMessage, type UnknownRoutes } from './unknown-routes.js';
import { ssoRoutes } from './sso/routes.js';
import type { SsoContext } from './sso/context.js';

export interface HttpDeps {
  state: EmulatorState;
  faults: Faults;
  timers: Timers;
  options: ResolvedOptions;
  control: ControlDeps;
  /** Where more routes plug in (the portal page, the directory controls). */
  extendControl?: (app: Hono) => void;
  extendApp?: (app: Hono) => void;
  directoryPanel?: PortalDeps['directoryPanel'];
  branding: BrandingStore;
  directory?: DirectoryModule;
  unknownRoutes: UnknownRoutes;
  /** SSO sign-in: /oauth/authorize, the IdP pages, the code exchange, /oidc/logout. */
  sso: SsoContext;
}

export function httpApp(deps: HttpDeps): Hono {
  const app = new Hono();
  // Outermost: every body is read (up to 1 MiB) before routing; each route group has its own, smaller limit.
  app.use('*', limitBody(1024 * 1024, (c) => c.json({ error: { code: 'payload_too_large', message: 'body over 1 MiB' } }, 413)));
  app.route('/oauth/token', tokenRoutes({ ...deps, clientId: deps.options.clientId, clientSecret: deps.options.clientSecret, issuer: deps.state.baseUrl, sso: deps.sso }));
  app.route('/', ssoRoutes(deps.sso));
  // What clients that discover endpoints (or verify tokens) read first.
  app.get('/keys', (c) => c.json(jwks()));
  app.get('/.well-known/openid-configuration', (c) => c.json(openidConfiguration(deps.state.baseUrl())));
  app.route('/_emulator', controlRoutes(deps.control, deps.extendControl));
  // The portal page's session API, here and the IdP panel's (mounted by extendApp below).
  app.use('/portal/*', portalPageOnly(deps.options));
  app.route('/', portalRoutes({ state: deps.state, options: deps.options, directoryPanel: deps.directoryPanel, branding: deps.branding }));
  mountRest(app, { ...deps, knownToken: (token) => deps.state.tokens.has(token) });
  deps.extendApp?.(app);
  app.get('/', (c) =>
    c.text('Scalekit emulator: /oauth/token, gRPC (HTTP/2) and REST under /api/v1/ on this port. Controls under /_emulator/.\n'),
  );
  // A browser opening any page here asks for one; answering it keeps the unknown-route log for real misses.
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.notFound((c) => {
    const route = deps.unknownRoutes.record(c.req.method, new URL(c.req.url).pathname, '404');
    return c.json({ error: { code: 'not_found', message: notServedMessage(route) } }, 404);
  });
  app.onError((error, c) => {
    // A request aborted while waiting out injected latency lands here; nobody is listening for the answer.
    if (c.req.raw.signal.aborted) return c.body(null, 499 as 400);
    console.error(`[emulator] ${c.req.method} ${new URL(c.req.url).pathname}: ${(error as Error).message}`);
    return c.json({ error: { code: 'internal', message: 'internal emulator error' } }, 500);
  });
  return app;
}
