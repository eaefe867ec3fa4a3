// Northwind's Hono app: the token endpoint, a demo-only sign-in, the staff console, the employees' SSO sign-in and
// the built pages, composed from small sub-apps. Side-effect free: tests drive it with `app.request()`;
// northwind.ts wires it to its database and Scalekit, and main.ts listens.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Scalekit } from '@scalekit-sdk/node';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Emulator } from '../../emulator/src/index.js';
import type { DemoSessions } from './session.js';
import type { PortalPrincipal } from '../../server/portal/portal-link.js';
import { errorBody } from '../../server/http/route-error.js';
import { describeError } from '../../server/http/log-safe.js';
import { fromUpstreamError } from '../../server/scalekit/upstream-errors.js';
import { scalekitPortal } from '../../server/portal/portal-link.js';
import { demoProvisioning, type DemoProvisioning } from './provisioning.js';
import { allowedHosts } from './allowed-hosts.js';
import { demoConfigurationRoutes } from './configuration.js';
import type { NorthwindData } from './northwind-data.js';
import type { StaffConsole } from './staff.js';

export interface DemoAppDeps {
  scalekit: Scalekit;
  emulator: Emulator | null;
  mode: 'emulator' | 'scalekit';
  /** Origin of the Scalekit environment (the portal is framed from it). */
  environmentOrigin: string;
  sessions: DemoSessions;
  env: Record<string, string | undefined>;
  /** Where the built demo lives; missing → a page saying how to build it. */
  demoDir: string;
  log: (line: string) => void;
  /** Provisioning: webhook receiver + members routes. Default: members routes only, fed by Reconcile. */
  provisioning?: DemoProvisioning;
  /** Northwind's staff console (`/api/staff`, `/staff`) and the setup links behind it; absent: not mounted. */
  onboarding?: { staff: StaffConsole; setupLinks: Hono; data: NorthwindData };
  /** Host names the app answers to (see allowed-hosts.ts). Default: the loopback names only. */
  allowedHosts?: readonly string[];
  /** The employees' SSO sign-in (`/signin`, `/auth/sso`, `/workspace`, `/api/employee`); absent: not mounted. */
  employees?: Hono;
}

/** The portal sections Northwind offers its customers' IT admins: SSO, directory sync, and their domains. */
export const DEMO_PORTAL_FEATURES = ['sso', 'dir_sync', 'domain_verification'] as const;

/** The built demo page, next to the package: `demo-dist/`. */
export const DEFAULT_DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'demo-dist');

export function createDemoApp(deps: DemoAppDeps): Hono {
  const app = new Hono();

  // First, before any route can answer a page from a name that only points here.
  app.use('*', allowedHosts(deps.allowedHosts));

  // Northwind's logo is also shown by the portal pages (branding), which live on Scalekit's origin. Registered
  // before the security headers so that it runs after them and has the last word on this one header.
  app.use('/northwind-logo.svg', async (c, next) => {
    await next();
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
  });
  app.use('*', pageSecurityHeaders(deps.environmentOrigin));

  app.get('/healthz', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok', mode: deps.mode });
  });

  app.route('/api/demo', deps.sessions.routes);
  app.route(
    '/api/demo/configuration',
    demoConfigurationRoutes({ scalekit: deps.scalekit, organizationOf: organizationOf(deps.sessions), log: deps.log }),
  );
  app.route(
    '/api/scalekit',
    scalekitPortal({
      scalekit: deps.scalekit,
      authorize: withDomainVerification(deps.scalekit, (c) => deps.sessions.principal(c), deps.log),
      features: DEMO_PORTAL_FEATURES,
      log: deps.log,
    }),
  );
  // Provisioning: POST /webhooks/scalekit (signed directory events) and /api/demo/members (list, stream, reconcile).
  (deps.provisioning ?? demoProvisioning({ scalekit: deps.scalekit, webhookSecret: null, organizationOf: organizationOf(deps.sessions), log: deps.log })).mount(app);

  if (deps.onboarding) {
    const { staff, setupLinks, data } = deps.onboarding;
    app.route('/api/staff', staff.routes);
    // An IT admin opening the portal through a setup link changes its uses, a revocation its status: the staff
    // page (maybe in another tab) wants to know.
    app.use('/api/scalekit/setup-links/*', async (c, next) => {
      await next();
      const used = c.req.method === 'POST' && c.res.status === 200;
      const revoked = c.req.method === 'DELETE' && c.res.status === 204;
      if (used || revoked) data.touch({ kind: 'customers' });
    });
    app.route('/api/scalekit', setupLinks);
  }

  if (deps.employees) app.route('/', deps.employees);

  app.all('/api/*', (c) => c.json(errorBody('invalid_request', 'No such API route.'), 404));
  app.route('/', demoPages(deps.demoDir));

  app.onError((error, c) => {
    deps.log(`demo: internal error on ${c.req.method} ${new URL(c.req.url).pathname}: ${describeError(error)}`);
    return c.json(errorBody('internal'), 500);
  });

  return app;
}

/**
 * Secure headers for every response; the CSP allows the page's own (Vite-built, inline-free) scripts and
 * styles, and frames only from the Scalekit environment.
 */
function pageSecurityHeaders(environmentOrigin: string) {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameSrc: [environmentOrigin],
      frameAncestors: ["'none'"],
      // The employee sign-in form's answer redirects to the identity provider, on the Scalekit environment.
      formAction: ["'self'", environmentOrigin],
      baseUri: ["'self'"],
      objectSrc: ["'none'"],
    },
    xFrameOptions: 'DENY',
    // The portal may look at who frames it; the origin (never the path) is enough.
    referrerPolicy: 'strict-origin-when-cross-origin',
  });
}

/**
 * Scalekit shows a portal's domain section only to organizations whose `domain_verification` setting is on:
 * Northwind turns it on (once per organization and process) before the first link for that organization.
 */
function withDomainVerification(scalekit: Scalekit, authorize: (c: Context) => Promise<PortalPrincipal | null>, log: (line: string) => void) {
  const enabled = new Set<string>();
  return async (c: Context) => {
    const principal = await authorize(c);
    if (principal && !enabled.has(principal.organizationId)) {
      await scalekit.organization
        .updateOrganizationSettings(principal.organizationId, { features: [{ name: 'domain_verification', enabled: true }] })
        .then(() => enabled.add(principal.organizationId))
        .catch((error: unknown) => log(`Northwind: domain verification not enabled for an organization (${fromUpstreamError(error).code})`));
    }
    return principal;
  };
}

/** The organization of the visitor's demo session, or null. */
export function organizationOf(sessions: DemoSessions) {
  return async (c: Context) => (await sessions.principal(c))?.organizationId ?? null;
}

function demoPages(demoDir: string): Hono {
  const pages = new Hono();
  if (existsSync(join(demoDir, 'index.html'))) {
    // Northwind's other pages: the staff console, and the page a setup link opens (its token is in the fragment,
    // which browsers never send, so it never reaches this server's logs).
    for (const [path, file] of [['/staff', 'staff.html'], ['/setup', 'setup.html']] as const) {
      pages.get(path, async (c) => {
        const html = await readFile(join(demoDir, file), 'utf8').catch(() => null);
        if (html === null) return c.text('Not found', 404);
        c.header('Cache-Control', 'no-store');
        return c.html(html);
      });
    }
    pages.use('/*', serveStatic({ root: demoDir }));
    pages.get('*', (c) => c.text('Not found', 404));
  } else {
    pages.get('*', (c) =>
      c.text(
        'The demo page is not built yet. `npm start` builds it (vite build) before starting the server; ' +
          'or run `npx vite build` and reload.\n',
        503,
      ),
    );
  }
  return pages;
}
