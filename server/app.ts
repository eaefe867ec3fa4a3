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
import { startEmulator } from './emulator/index.js';
import type { Emulator, EmulatorOptions } from './emulator/index.js';
import { demoSessions } from './demo-session.js';
import type { DemoDirectory, DemoSessions } from './demo-session.js';
import { describeError, errorBody, fromUpstreamError, statusOf } from './errors.js';
import { isSameSiteRequest, scalekitPortal } from './portal-link.js';
import { scalekitApi } from './sdk-client.js';
import { demoProvisioning, generateDemoWebhookSecret } from './demo-members.js';
import type { DemoProvisioning } from './demo-members.js';
import { demoConfigurationRoutes } from './demo-configuration.js';

// --- Configuration --------------------------------------------------------------------------------------------

/** A start-up problem the operator must fix; its message is one line and never contains a secret. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type ScalekitConfig =
  | { mode: 'scalekit'; environmentUrl: string; clientId: string; clientSecret: string }
  | { mode: 'emulator' };

const SCALEKIT_VARIABLES = ['SCALEKIT_ENVIRONMENT_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET'] as const;

/**
 * All three `SCALEKIT_*` variables: a real environment. None: the emulator. Anything in between, or an
 * environment URL that is not an http(s) URL, is a {@link ConfigError}. Values are never echoed.
 */
export function scalekitConfigFromEnv(env: Record<string, string | undefined>): ScalekitConfig {
  const present = SCALEKIT_VARIABLES.filter((name) => (env[name] ?? '').trim() !== '');
  if (present.length === 0) return { mode: 'emulator' };
  if (present.length < SCALEKIT_VARIABLES.length) {
    const missing = SCALEKIT_VARIABLES.filter((name) => !present.includes(name));
    throw new ConfigError(
      `Set all of ${SCALEKIT_VARIABLES.join(', ')} to use a Scalekit environment, or none to use the local ` +
        `emulator (missing: ${missing.join(', ')}).`,
    );
  }
  const raw = env['SCALEKIT_ENVIRONMENT_URL']!.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('SCALEKIT_ENVIRONMENT_URL is not a URL (expected e.g. https://your-env.scalekit.dev).');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash) {
    throw new ConfigError('SCALEKIT_ENVIRONMENT_URL must be a plain http(s) URL (expected e.g. https://your-env.scalekit.dev).');
  }
  return {
    mode: 'scalekit',
    environmentUrl: url.href.replace(/\/+$/, ''),
    clientId: env['SCALEKIT_CLIENT_ID']!.trim(),
    clientSecret: env['SCALEKIT_CLIENT_SECRET']!.trim(),
  };
}

/**
 * The demo's webhook signing secret: generated per process on the emulator (it signs with the same secret);
 * `SCALEKIT_WEBHOOK_SECRET` against a real environment, or null (no receiver). Never echoed.
 */
export function webhookSecretFromEnv(config: ScalekitConfig, env: Record<string, string | undefined>): string | null {
  if (config.mode === 'emulator') return generateDemoWebhookSecret();
  const secret = (env['SCALEKIT_WEBHOOK_SECRET'] ?? '').trim();
  if (secret === '') return null;
  if (!/^[^_\s]+_\S+$/.test(secret)) {
    throw new ConfigError('SCALEKIT_WEBHOOK_SECRET must be the webhook endpoint signing secret (whsec_…).');
  }
  return secret;
}

/** `PORT`-style value → port number, or a {@link ConfigError}. */
export function parsePort(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(`${name} must be a port number between 0 and 65535.`);
  }
  return port;
}

// --- The app --------------------------------------------------------------------------------------------------

/** What every part of the demo app is built from; one more sub-app takes the same. */
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
}

/** The built demo page, next to the package: `demo-dist/`. */
export const DEFAULT_DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo-dist');

export function createDemoApp(deps: DemoAppDeps): Hono {
  const app = new Hono();

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
    scalekitPortal({ scalekit: deps.scalekit, authorize: (c) => deps.sessions.principal(c), log: deps.log }),
  );
  // Provisioning: POST /webhooks/scalekit (signed directory events) and /api/demo/members (list, stream, reconcile).
  (deps.provisioning ?? demoProvisioning({ scalekit: deps.scalekit, webhookSecret: null, organizationOf: organizationOf(deps.sessions), log: deps.log })).mount(app);

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
      formAction: ["'self'"],
      baseUri: ["'self'"],
      objectSrc: ["'none'"],
    },
    xFrameOptions: 'DENY',
    // The portal may look at who frames it; the origin (never the path) is enough.
    referrerPolicy: 'strict-origin-when-cross-origin',
  });
}

function organizationOf(sessions: DemoSessions) {
  return async (c: Context) => (await sessions.principal(c))?.organizationId ?? null;
}

function demoPages(demoDir: string): Hono {
  const pages = new Hono();
  if (existsSync(join(demoDir, 'index.html'))) {
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
}

export interface DemoServer {
  url: string;
  emulator: Emulator | null;
  scalekit: Scalekit;
  close(): Promise<void>;
}

/** Start the demo host: emulator (unless `SCALEKIT_*` are set), token endpoint, demo page. */
export async function createDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const env = options.env ?? {};
  const log = options.log ?? ((line: string) => console.log(line));
  const config = scalekitConfigFromEnv(env);

  let emulator: Emulator | null = null;
  let scalekit: Scalekit;
  if (config.mode === 'emulator') {
    log('Scalekit: no SCALEKIT_* variables set, so the local Scalekit emulator runs in-process (no account needed).');
    emulator = await startEmulator(options.emulator ?? {});
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    log(`Scalekit: emulator at ${emulator.url}`);
  } else {
    scalekit = new Scalekit(config.environmentUrl, config.clientId, config.clientSecret);
    log(`Scalekit: using the environment at ${new URL(config.environmentUrl).origin}`);
  }
  const environmentOrigin = new URL(emulator?.url ?? (config.mode === 'scalekit' ? config.environmentUrl : '')).origin;
  let webhookSecret: string | null;
  try {
    webhookSecret = webhookSecretFromEnv(config, env);
  } catch (error) {
    await emulator?.close();
    throw error;
  }

  const sessions = demoSessions({
    directory: sdkDirectory(scalekit),
    mode: config.mode,
    environmentOrigin,
    isSameSite: (c) => isSameSiteRequest(c),
    onUpstreamError: upstreamErrorResponse(log),
  });

  const provisioning = demoProvisioning({ scalekit, webhookSecret, organizationOf: organizationOf(sessions), log });
  if (config.mode === 'scalekit' && !provisioning.receiving) {
    log('Scalekit: SCALEKIT_WEBHOOK_SECRET is not set, so /webhooks/scalekit is off; Members fill through Reconcile.');
  }

  const app = createDemoApp({
    provisioning,
    scalekit,
    emulator,
    mode: config.mode,
    environmentOrigin,
    sessions,
    env,
    demoDir: options.demoDir ?? DEFAULT_DEMO_DIR,
    log,
  });

  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  try {
    await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    await emulator?.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${port}`;
  // The in-process emulator signs its directory events for our own receiver (unless the caller pointed it elsewhere).
  if (emulator && webhookSecret !== null && !options.emulator?.webhooks) {
    emulator.webhooks.configure({ url: `${url}/webhooks/scalekit`, secret: webhookSecret });
  }

  // Fetch the access token now, so the first visitor does not wait for it; a refusal is worth a log line.
  scalekitApi(scalekit)
    .warmUp()
    .catch((error: unknown) => {
      const failure = fromUpstreamError(error);
      log(`Scalekit: could not get an access token (${failure.code}): ${failure.message}`);
    });

  let closing: Promise<void> | null = null;
  return {
    url,
    emulator,
    scalekit,
    close: () => {
      closing ??= (async () => {
        provisioning.close(); // open member streams would otherwise hold the server for its grace period
        await closeServer(server);
        await emulator?.close();
      })();
      return closing;
    },
  };
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
