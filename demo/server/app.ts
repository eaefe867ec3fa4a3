// The demo host application behind `npm start`: the token endpoint, a demo-only sign-in, the built demo page,
// and (when no Scalekit credentials are configured) the emulator in-process. `createDemoApp` composes small
// sub-apps and is side-effect free (tests drive it with `app.request()`); `createDemoServer` listens.

import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Scalekit } from '@scalekit-sdk/node';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { DEFAULT_ORGANIZATIONS, startEmulator } from '../../emulator/src/index.js';
import type { Emulator, EmulatorOptions } from '../../emulator/src/index.js';
import { scalekitConfigFromEnv, webhookSecretFromEnv } from './config.js';
import { demoSessions } from './session.js';
import type { DemoDirectory, DemoSessions } from './session.js';
import type { PortalPrincipal } from '../../server/portal/portal-link.js';
import { errorBody, statusOf } from '../../server/http/route-error.js';
import { describeError } from '../../server/http/log-safe.js';
import { fromUpstreamError } from '../../server/scalekit/upstream-errors.js';
import { isSameSiteRequest, scalekitPortal } from '../../server/portal/portal-link.js';
import { scalekitApi } from '../../server/scalekit/sdk-adapter.js';
import { demoProvisioning, type DemoProvisioning } from './provisioning.js';
import { allowedHosts, allowedHostsFromEnv } from './allowed-hosts.js';
import { demoConfigurationRoutes } from './configuration.js';
import { DemoMemberStore } from './members.js';
import { openDemoDatabase, type DemoDatabase } from './database.js';
import { NorthwindData, type Branding } from './northwind-data.js';
import { ensureOrganization } from '../../server/organizations/ensure-organization.js';
import { scalekitSetupLinks } from '../../server/setup-links/routes.js';
import { sqlSetupLinkStore } from '../../server/stores/sql-setup-link-store.js';
import { staffConsole, type StaffConsole } from './staff.js';
import { EmployeeSessions } from './employee-sessions.js';
import { employeeSignIn } from './employee-sign-in.js';
import { readFile } from 'node:fs/promises';

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

function organizationOf(sessions: DemoSessions) {
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

/** The organizations a visitor can sign in as, read through the SDK (the emulator and Scalekit alike). */
function sdkDirectory(scalekit: Scalekit): DemoDirectory {
  const warm = scalekitApi(scalekit);
  return {
    async organizations() {
      await warm.warmUp();
      const { organizations } = await scalekit.organization.listOrganization({ pageSize: 100 });
      return organizations.map((org) => ({ id: org.id, displayName: org.displayName ?? org.id }));
    },
  };
}

function upstreamErrorResponse(log: (line: string) => void) {
  return (c: Context, error: unknown): Response => {
    const failure = fromUpstreamError(error);
    log(`demo: listing organizations failed -> ${failure.status} ${failure.code}: ${describeError(error)}`);
    c.header('Cache-Control', 'no-store');
    for (const [name, value] of Object.entries(failure.headers)) c.header(name, value);
    return c.json(errorBody(failure.code, failure.message), statusOf(failure.code));
  };
}

// --- The server -----------------------------------------------------------------------------------------------

export interface DemoServerOptions {
  /** Default 0 (any free port); `npm start` passes `PORT` (3000). */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Where `SCALEKIT_*` are read from. Default `{}`: the emulator (so a developer's shell never leaks into tests). */
  env?: Record<string, string | undefined>;
  /** Options for the in-process emulator (emulator mode only). */
  emulator?: EmulatorOptions;
  /** Default `console.log`. Lines never contain a secret, token or portal link. */
  log?: (line: string) => void;
  /** Where the built demo lives. Default `demo-dist/` next to the package. */
  demoDir?: string;
  /** Northwind's data folder (PGlite). Default null: in memory, gone when the server closes. */
  dataDir?: string | null;
  /** How long a setup link stays valid. Default 7 days. */
  setupLinkTtlMs?: number;
  /** The clock setup links expire by (tests move it). Default `Date.now`. */
  now?: () => number;
  /** Emulator mode: the webhook receiver's signing secret. Default a fresh one per process (tests sign their own). */
  webhookSecret?: string;
  /** Opens Northwind's database. Default {@link openDemoDatabase} (tests wrap it to make a write fail). */
  openDatabase?: (dir: string | null) => Promise<DemoDatabase>;
}

export interface DemoServer {
  url: string;
  emulator: Emulator | null;
  scalekit: Scalekit;
  /** Northwind's records (customers, onboarding progress, branding). */
  data: NorthwindData;
  close(): Promise<void>;
}

/** Start the demo host: Northwind's database, the emulator (unless `SCALEKIT_*` are set), token endpoint, pages. */
export async function createDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const env = options.env ?? {};
  const log = options.log ?? ((line: string) => console.log(line));
  const config = scalekitConfigFromEnv(env);
  const cleanup: Array<() => Promise<void>> = [];
  const undo = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };

  // The first log line says which Scalekit this is (an operator's first question).
  if (config.mode === 'emulator') {
    log('Scalekit: no SCALEKIT_* variables set, so the local Scalekit emulator runs in-process (no account needed).');
  } else {
    log(`Scalekit: using the environment at ${new URL(config.environmentUrl).origin}`);
  }
  try {
    const database = await (options.openDatabase ?? openDemoDatabase)(options.dataDir ?? null);
    cleanup.push(() => database.close());
    log(database.dir ? `Northwind: data in ${database.dir}` : 'Northwind: data in memory (gone when the server stops)');
    const data = new NorthwindData(database);
    const customers = await data.customers();

    let emulator: Emulator | null = null;
    let scalekit: Scalekit;
    if (config.mode === 'emulator') {
      // The emulator keeps its state in memory, like Scalekit's own servers would keep theirs. A restart gets a
      // new one: it is seeded with the organizations Northwind already has on file, under the same ids.
      const seeds = options.emulator?.organizations ?? DEFAULT_ORGANIZATIONS;
      const known = new Set(seeds.map((org) => org.id));
      const organizations = [
        ...seeds,
        ...customers.filter((c) => !known.has(c.organizationId)).map((c) => ({ id: c.organizationId, displayName: c.name })),
      ];
      // The emulator's own lines (a page it refused to be framed by, a route it does not serve) go to the demo's log.
      emulator = await startEmulator({ log, ...options.emulator, organizations });
      cleanup.push(() => emulator!.close());
      scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
      log(`Scalekit: emulator at ${emulator.url}`);
      for (const customer of customers) {
        // Seeds carry no external id; put it back so ensureOrganization below finds the organization again.
        await scalekit.organization
          .updateOrganization(customer.organizationId, { externalId: customer.externalId })
          .catch(() => log(`Northwind: could not re-seed ${customer.externalId}'s organization`));
      }
    } else {
      scalekit = new Scalekit(config.environmentUrl, config.clientId, config.clientSecret);
    }
    const environmentOrigin = new URL(emulator?.url ?? (config.mode === 'scalekit' ? config.environmentUrl : '')).origin;
    const webhookSecret = config.mode === 'emulator' && options.webhookSecret ? options.webhookSecret : webhookSecretFromEnv(config, env);

    // Every customer on file has its organization (idempotent: found by Northwind's tenant id, created if gone).
    // A Scalekit that cannot be reached now is no reason not to start: the staff page shows what it can read.
    for (const customer of customers) {
      try {
        const org = await ensureOrganization(scalekit, { externalId: customer.externalId, name: customer.name });
        if (org.organizationId !== customer.organizationId) {
          log(`Northwind: ${customer.externalId} now maps to another Scalekit organization`);
          await data.saveCustomer({ ...customer, organizationId: org.organizationId });
        }
      } catch (error) {
        log(`Northwind: could not confirm ${customer.externalId}'s organization (${fromUpstreamError(error).code})`);
      }
    }

    // Memory holds what the database holds: loaded now, and changed by an event only once the database has it.
    const members = new DemoMemberStore({ ledger: data.memberLedger() });
    await data.loadMembers(members);

    const sessions = demoSessions({
      directory: sdkDirectory(scalekit),
      mode: config.mode,
      environmentOrigin,
      isSameSite: (c) => isSameSiteRequest(c),
      onUpstreamError: upstreamErrorResponse(log),
    });

    // Employees' sessions end the moment the directory turns them off: that proves access was revoked.
    const employeeSessions = new EmployeeSessions({
      members,
      onDirectorySignOut: (organizationId) => data.complete(organizationId, ['access_revoked']),
      log,
    });
    cleanup.push(async () => employeeSessions.close());
    const provisioning = demoProvisioning({
      scalekit,
      webhookSecret,
      organizationOf: organizationOf(sessions),
      store: members,
      northwind: data,
      access: employeeSessions,
      log,
    });
    if (config.mode === 'scalekit' && !provisioning.receiving) {
      log('Scalekit: SCALEKIT_WEBHOOK_SECRET is not set, so /webhooks/scalekit is off; Members fill through Reconcile.');
    }

    const applyBranding = async (branding: Branding): Promise<'applied' | 'dashboard'> => {
      if (!emulator) return 'dashboard'; // Scalekit's branding lives in its dashboard (Settings › Branding)
      emulator.setBranding({ logoUrl: branding.logoUrl ?? null, accentColor: branding.accentColor ?? null });
      return 'applied';
    };
    const staff = staffConsole({ data, members, scalekit, isSameSite: (c) => isSameSiteRequest(c), applyBranding, log });

    // The app needs the server's own URL (setup links point at its /setup page), so it is built after listen.
    let app: Hono | null = null;
    const server = createAdaptorServer({
      fetch: (request: Request) => (app ? app.fetch(request) : new Response('Starting', { status: 503 })),
      overrideGlobalObjects: false,
    }) as Server;
    const host = options.host ?? '127.0.0.1';
    await listen(server, options.port ?? 0, host);
    cleanup.push(() => closeServer(server));
    const { port } = server.address() as AddressInfo;
    const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${port}`;
    const publicUrl = (env['PUBLIC_URL'] ?? '').trim().replace(/\/+$/, '') || url;

    const setupLinks = scalekitSetupLinks({
      scalekit,
      authorize: (c) => staff.authorizeSelected(c),
      publicUrl: `${publicUrl}/setup`,
      store: sqlSetupLinkStore(database),
      features: DEMO_PORTAL_FEATURES,
      ...(options.setupLinkTtlMs !== undefined ? { ttlMs: options.setupLinkTtlMs } : {}),
      ...(options.now ? { now: options.now } : {}),
      log,
    });

    const closing = new AbortController();
    cleanup.push(async () => closing.abort());
    const demoDir = options.demoDir ?? DEFAULT_DEMO_DIR;
    const employees = employeeSignIn({
      scalekit,
      sessions: employeeSessions,
      members,
      data,
      publicUrl,
      demoDir,
      isSameSite: (c) => isSameSiteRequest(c),
      closed: closing.signal,
      log,
    });

    app = createDemoApp({
      employees,
      provisioning,
      onboarding: { staff, setupLinks, data },
      scalekit,
      emulator,
      mode: config.mode,
      environmentOrigin,
      sessions,
      env,
      demoDir,
      allowedHosts: allowedHostsFromEnv(env, [url, publicUrl]),
      log,
    });

    // The in-process emulator signs its directory events for our own receiver (unless the caller pointed it elsewhere).
    if (emulator && webhookSecret !== null && !options.emulator?.webhooks) {
      emulator.webhooks.configure({ url: `${url}/webhooks/scalekit`, secret: webhookSecret });
    }
    const branding = await data.branding();
    if (emulator && (branding.logoUrl || branding.accentColor)) {
      await applyBranding(branding).catch((error: unknown) => log(`Northwind: portal branding not applied (${describeError(error)})`));
    }

    // Fetch the access token now, so the first visitor does not wait for it; a refusal is worth a log line.
    scalekitApi(scalekit)
      .warmUp()
      .catch((error: unknown) => {
        const failure = fromUpstreamError(error);
        log(`Scalekit: could not get an access token (${failure.code}): ${failure.message}`);
      });

    let closed: Promise<void> | null = null;
    return {
      url,
      emulator,
      scalekit,
      data,
      close: () => {
        closed ??= (async () => {
          provisioning.close(); // open member streams would otherwise hold the server for its grace period
          staff.close();
          closing.abort(); // and so would open employee session streams
          employeeSessions.close();
          await closeServer(server);
          await emulator?.close();
          await database.close();
        })();
        return closed;
      },
    };
  } catch (error) {
    await undo();
    throw error;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Stop accepting, let requests in flight finish, and cut what is left (e.g. event streams) after a grace period. */
function closeServer(server: Server, graceMs = 3_000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export { ConfigError, parsePort, scalekitConfigFromEnv, setupLinkTtlFromEnv, webhookSecretFromEnv } from './config.js';
export type { ScalekitConfig } from './config.js';
