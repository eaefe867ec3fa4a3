// The routes mounted the ways users mount them: behind Hono middleware that reads the body first, inside Express,
// Fastify and a Next.js route handler. One list of compositions, one assertion loop: each answers as with nothing
// in front (a link with the requested features, 401, 403, a setup link redeemed, a webhook handled once and a
// tampered one refused, an SSO sign-in started and an IdP-initiated one verified), or exactly what the compositions table in docs/compositions.md says it answers.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { getRequestListener, serve } from '@hono/node-server';
import { Scalekit } from '@scalekit-sdk/node';
import express from 'express';
import Fastify from 'fastify';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { csrf } from 'hono/csrf';
import { logger } from 'hono/logger';
import { secureHeaders } from 'hono/secure-headers';
import { timing } from 'hono/timing';
import { validator } from 'hono/validator';
import { startEmulator, type Emulator } from '../../emulator/src/index.js';
import { generateWebhookSecret, webhookHeaders } from '../../emulator/src/directory/webhook-signer.js';
import { signJwt } from '../../emulator/src/rest/signing-key.js';
import { scalekitPortal, scalekitSetupLinks, scalekitSso, scalekitWebhooks } from '../../server/index.js';

let emulator: Emulator;
let scalekit: Scalekit;
let orgId: string;
const secret = generateWebhookSecret();
/** Webhook event ids `onEvent` saw, per composition. */
const handled = new Map<string, string[]>();

before(async () => {
  emulator = await startEmulator({ port: 0 });
  scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  orgId = emulator.organizations()[0]!.id;
});
after(() => emulator.close());

/** The three routes as a host mounts them; the session is a cookie, read the same way in every framework. */
function productRoutes(name: string): Hono {
  const authorize = (c: { req: { header(name: string): string | undefined } }) =>
    c.req.header('cookie') === 'session=admin' ? { organizationId: orgId, userId: 'user_1' } : null;
  const log = () => {}; // the one expected log line (a lost body) is asserted through the answer
  return new Hono()
    .route('/api/scalekit', scalekitPortal({ scalekit, authorize, log }))
    .route('/api/setup', scalekitSetupLinks({ scalekit, authorize, publicUrl: 'https://app.example.com/setup', log }))
    .route('/webhooks/scalekit', scalekitWebhooks({
      secret,
      log,
      onEvent: (event) => void handled.get(name)!.push(event.id),
    }))
    .route('/auth/sso', scalekitSso({ scalekit, redirectUri: 'http://localhost/auth/sso/callback', onSignIn: (c) => c.text('signed in'), log }));
}

interface Served {
  /** Sends a request to `path` below where the host mounted the routes. */
  send(path: string, init: RequestInit): Promise<Response>;
  /** The origin the host's pages are served from (what a same-site `Origin` says). */
  origin: string;
  close(): Promise<void>;
}

async function onNode(app: { fetch: (request: Request) => Response | Promise<Response> }, prefix = ''): Promise<Served> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  return fromServer(server as Server, prefix);
}

function fromServer(server: Server, prefix = ''): Served {
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    send: (path, init) => fetch(`${origin}${prefix}${path}`, init),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function honoBehind(...middleware: MiddlewareHandler[]) {
  return (name: string) => {
    const app = new Hono();
    for (const m of middleware) app.use(m);
    return onNode(app.route('/', productRoutes(name)));
  };
}

async function expressBehind(name: string, ...middleware: express.RequestHandler[]): Promise<Served> {
  const app = express();
  for (const m of middleware) app.use(m);
  app.use(getRequestListener(productRoutes(name).fetch));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return fromServer(server);
}

type Outcome = 'works' | 'body lost';
interface Composition {
  name: string;
  start: (name: string) => Promise<Served>;
  /** What each body-reading route answers; `works` unless the table says otherwise. */
  webhooks?: Outcome;
}

const readsJson: MiddlewareHandler = async (c, next) => {
  if (c.req.header('content-type')?.includes('json')) await c.req.json().catch(() => undefined);
  await next();
};
const readsText: MiddlewareHandler = async (c, next) => {
  await c.req.text();
  await next();
};
const readsClone: MiddlewareHandler = async (c, next) => {
  await c.req.raw.clone().text();
  await next();
};
const quietLogger = logger(() => {});

const compositions: Composition[] = [
  { name: 'Hono on Node, nothing in front', start: honoBehind() },
  { name: 'Hono on Node behind `c.req.json()`', start: honoBehind(readsJson) },
  { name: 'Hono on Node behind `c.req.text()`', start: honoBehind(readsText) },
  { name: 'Hono on Node behind `c.req.raw.clone().text()`', start: honoBehind(readsClone) },
  { name: 'Hono on Node behind `hono/logger`', start: honoBehind(quietLogger) },
  { name: 'Hono on Node behind `hono/body-limit`', start: honoBehind(bodyLimit({ maxSize: 64 * 1024 })) },
  { name: 'Hono on Node behind `hono/cors`', start: honoBehind(cors()) },
  // csrf refuses cross-site form posts: the same-site requests below pass it, as a browser's would.
  { name: 'Hono on Node behind `hono/csrf`', start: honoBehind(csrf()) },
  { name: 'Hono on Node behind `hono/secure-headers`', start: honoBehind(secureHeaders()) },
  { name: 'Hono on Node behind `hono/timing`', start: honoBehind(timing()) },
  {
    name: 'Hono on Node, a parent route with a JSON validator',
    start: (name) => {
      const app = new Hono();
      app.post('*', validator('json', (value) => value));
      return onNode(app.route('/', productRoutes(name)));
    },
  },
  {
    name: 'Hono on Node under a `basePath`',
    start: (name) => onNode(new Hono().basePath('/app').route('/', productRoutes(name)), '/app'),
  },
  { name: 'Express 5, nothing in front', start: (name) => expressBehind(name) },
  // The parse is handed to the JSON routes; a signature is over bytes a parse no longer has.
  { name: 'Express 5 behind `express.json()`', start: (name) => expressBehind(name, express.json()), webhooks: 'body lost' },
  {
    name: 'Express 5 behind `express.json({ verify })` keeping `req.rawBody`',
    start: (name) => expressBehind(name, express.json({ verify: (req, _res, buf) => void ((req as { rawBody?: Buffer }).rawBody = buf) })),
  },
  { name: 'Express 5 behind `express.urlencoded()`', start: (name) => expressBehind(name, express.urlencoded()) },
  { name: "Express 5 behind `express.text({ type: '*/*' })`", start: (name) => expressBehind(name, express.text({ type: '*/*' })) },
  { name: "Express 5 behind `express.raw({ type: '*/*' })`", start: (name) => expressBehind(name, express.raw({ type: '*/*' })) },
  {
    // Fastify parses JSON itself; without its parsers the stream stays for the routes, as docs/compositions.md shows.
    name: 'Fastify 5, its body parsers removed, `reply.hijack()`',
    start: async (name) => {
      const fastify = Fastify();
      const listener = getRequestListener(productRoutes(name).fetch);
      await fastify.register(async (scoped) => {
        scoped.removeAllContentTypeParsers();
        scoped.addContentTypeParser('*', (_request, _payload, done) => done(null));
        scoped.all('/*', (request, reply) => {
          reply.hijack();
          void listener(request.raw, reply.raw);
        });
      });
      await fastify.listen({ host: '127.0.0.1', port: 0 });
      const served = fromServer(fastify.server);
      return { ...served, close: () => fastify.close() };
    },
  },
  {
    name: 'Next.js route handler (`export const POST = (req) => app.fetch(req)`)',
    start: async (name) => {
      const app = productRoutes(name);
      const POST = (request: Request) => app.fetch(request);
      const origin = 'http://localhost:3000';
      return { origin, send: async (path, init) => POST(new Request(`${origin}${path}`, init)), close: async () => {} };
    },
  },
];

function json(served: Served, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: served.origin, 'sec-fetch-site': 'same-origin', cookie: 'session=admin', ...headers },
    body: JSON.stringify(body),
  };
}

async function codeOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

/** Runs every check against one composition; returns what each body-reading route did. */
async function exercise(name: string, served: Served): Promise<{ webhooks: Outcome }> {
  const minted = await served.send('/api/scalekit/portal-link', json(served, { features: ['sso'] }));
  assert.equal(minted.status, 200, `${name}: token endpoint ${minted.status} ${await minted.clone().text()}`);
  const link = (await minted.json()) as { id: string; location: string };
  assert.equal(minted.headers.get('cache-control'), 'no-store');
  const record = emulator.stats().links.find((l) => l.id === link.id)!;
  assert.deepEqual([record.organizationId, record.features], [orgId, ['sso']], `${name}: the link has the requested features`);

  assert.equal(await codeOf(await served.send('/api/scalekit/portal-link', json(served, {}, { cookie: '' }))), 'unauthenticated');
  const crossSite = await served.send('/api/scalekit/portal-link',
    json(served, {}, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }));
  assert.equal(crossSite.status, 403, `${name}: cross-site`);

  const created = await served.send('/api/setup/setup-links', json(served, { note: 'for the IT admin' }));
  assert.equal(created.status, 201, `${name}: setup link ${created.status}`);
  const token = new URL(((await created.json()) as { url: string }).url).hash.slice(1);
  const redeemed = await served.send('/api/setup/setup-links/portal-link', json(served, { token, features: ['dir_sync'] }, { cookie: '' }));
  assert.equal(redeemed.status, 200, `${name}: setup link redeemed ${redeemed.status}`);
  const viaSetup = (await redeemed.json()) as { id: string };
  assert.deepEqual(emulator.stats().links.find((l) => l.id === viaSetup.id)!.features, ['dir_sync']);

  // SSO sign-in: a redirect with its flow cookie, an IdP-initiated token verified against the emulator's keys.
  const started = await served.send('/auth/sso/start?email=ada@example.com', { redirect: 'manual' });
  assert.equal(started.status, 302, `${name}: sso start ${started.status} ${await started.clone().text()}`);
  assert.ok(started.headers.get('location')!.startsWith(`${emulator.url}/oauth/authorize?`), `${name}: sso start location`);
  assert.match(started.headers.get('set-cookie') ?? '', /^scalekit_sso=.+; HttpOnly; SameSite=Lax$/, `${name}: the flow cookie`);
  const idpToken = signJwt({ iss: emulator.url, exp: Math.floor(Date.now() / 1000) + 300, connection_id: 'conn_1', organization_id: orgId });
  const restarted = await served.send(`/auth/sso/callback?idp_initiated_login=${idpToken}`, { redirect: 'manual' });
  assert.equal(restarted.status, 302, `${name}: IdP-initiated login ${restarted.status}`);
  assert.equal(await codeOf(await served.send('/auth/sso/callback?code=c&state=s', {})), 'sso_state_invalid', `${name}: sso state`);

  const id = `evt_${name.length}_${Math.random().toString(36).slice(2)}`;
  const event = JSON.stringify({
    spec_version: '1', id, type: 'organization.directory.user_created', occurred_at: new Date().toISOString(),
    environment_id: 'env_1', organization_id: orgId, object: 'DirectoryUser',
    data: { id: 'diruser_1', organization_id: orgId, email: 'ada@example.com', active: true },
  });
  const deliver = (body: string) => served.send('/webhooks/scalekit', {
    method: 'POST', headers: { 'content-type': 'application/json', ...webhookHeaders(secret, id, event) }, body,
  });
  const tampered = await deliver(event.replace('ada@', 'eve@'));
  const first = await deliver(event);
  const retry = await deliver(event);
  if (first.status === 500 && tampered.status === 500) {
    assert.equal(await codeOf(first), 'internal');
    assert.deepEqual(handled.get(name), [], `${name}: nothing reached onEvent`);
    return { webhooks: 'body lost' };
  }
  assert.equal(tampered.status, 401, `${name}: a tampered webhook`);
  assert.deepEqual([first.status, retry.status], [200, 200], `${name}: webhook and its retry`);
  assert.deepEqual(handled.get(name), [id], `${name}: onEvent ran once`);
  return { webhooks: 'works' };
}

describe('the routes behind what hosts mount first', () => {
  for (const composition of compositions) {
    it(composition.name, async () => {
      handled.set(composition.name, []);
      const served = await composition.start(composition.name);
      try {
        const outcome = await exercise(composition.name, served);
        assert.deepEqual(outcome, { webhooks: composition.webhooks ?? 'works' });
      } finally {
        await served.close();
      }
    });
  }

  it('docs/compositions.md has one row per composition, saying what it answers', async () => {
    const page = await readFile(new URL('../../docs/compositions.md', import.meta.url), 'utf8');
    const rows = page.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| composition') && !line.startsWith('|---'));
    const table = rows.map((line) => line.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '').trim()));
    assert.deepEqual(
      table.map(([name, portal, setup, webhooks]) => ({ name, portal, setup, webhooks })),
      compositions.map((c) => ({
        name: c.name,
        portal: 'works',
        setup: 'works',
        webhooks: c.webhooks === 'body lost' ? '500: keep the raw body (see below)' : 'works',
      })),
    );
  });
});
