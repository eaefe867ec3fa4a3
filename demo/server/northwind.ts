// Northwind's start-up: its database, Scalekit (the emulator in-process when no SCALEKIT_* are set), the stores,
// the staff console and the employees' sign-in, wired into the app of app.ts. It opens no socket itself: the caller's
// `listen` does (main.ts on PORT, tests on a free loopback port), because setup links and the emulator's webhooks
// need the URL the server ends up on.

import { Scalekit } from '@scalekit-sdk/node';
import type { Context, Hono } from 'hono';
import { DEFAULT_ORGANIZATIONS, startEmulator } from '../../emulator/src/index.js';
import type { Emulator, EmulatorOptions } from '../../emulator/src/index.js';
import { scalekitConfigFromEnv, webhookSecretFromEnv } from './config.js';
import { demoSessions } from './session.js';
import type { DemoDirectory } from './session.js';
import { errorBody, statusOf } from '../../server/http/route-error.js';
import { describeError } from '../../server/http/log-safe.js';
import { fromUpstreamError } from '../../server/scalekit/upstream-errors.js';
import { isSameSiteRequest } from '../../server/portal/portal-link.js';
import { scalekitApi } from '../../server/scalekit/sdk-adapter.js';
import { demoProvisioning } from './provisioning.js';
import { allowedHostsFromEnv } from './allowed-hosts.js';
import { DemoMemberStore } from './members.js';
import { openDemoDatabase, type DemoDatabase } from './database.js';
import { NorthwindData, type Branding } from './northwind-data.js';
import { ensureOrganization } from '../../server/organizations/ensure-organization.js';
import { scalekitSetupLinks } from '../../server/setup-links/routes.js';
import { sqlSetupLinkStore } from '../../server/stores/sql-setup-link-store.js';
import { staffConsole } from './staff.js';
import { EmployeeSessions } from './employee-sessions.js';
import { employeeSignIn } from './employee-sign-in.js';
import { createDemoApp, DEFAULT_DEMO_DIR, DEMO_PORTAL_FEATURES, organizationOf } from './app.js';

/** Serves `fetch` somewhere and says where: the URL browsers reach it at, and how to stop it. */
export type DemoListener = (fetch: (request: Request) => Response | Promise<Response>) => Promise<ListeningServer>;

export interface ListeningServer {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
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

export interface DemoServerOptions {
  /** Serves the app and says at which URL: `nodeListener({ port, host })` from node-listener.ts on Node. */
  listen: DemoListener;
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
export async function createDemoServer(options: DemoServerOptions): Promise<DemoServer> {
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
    const server = await options.listen((request) => (app ? app.fetch(request) : new Response('Starting', { status: 503 })));
    cleanup.push(() => server.close());
    const url = server.url;
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
          await server.close();
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

export { ConfigError, parsePort, scalekitConfigFromEnv, setupLinkTtlFromEnv, webhookSecretFromEnv } from './config.js';
export type { ScalekitConfig } from './config.js';
