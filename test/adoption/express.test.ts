// The Express 5 recipe of docs/express.md, as written there: a real Express app on 127.0.0.1:0, real HTTP
// requests, the real SDK minting links on the emulator. Also the common trap: a global express.json() mounted
// before the token endpoint.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { getRequestListener } from '@hono/node-server';
import { Scalekit } from '@scalekit-sdk/node';
import express, { type Request } from 'express';
import { startEmulator, type Emulator } from '../../emulator/src/index.js';
import { scalekitPortal, scalekitWebhooks, type PortalLinkIssuedEvent } from '../../server/index.js';
import { generateWebhookSecret, signWebhook } from '../../emulator/src/directory/webhook-signer.js';

let emulator: Emulator;
let scalekit: Scalekit;
let orgId: string;

before(async () => {
  emulator = await startEmulator({ port: 0 });
  scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  orgId = emulator.organizations()[0]!.id;
});
after(() => emulator.close());

// Stands in for the host's own session middleware (express-session, passport…): it puts the user on `req`.
declare module 'express-serve-static-core' {
  interface Request {
    user?: { id: string; organizationId: string };
  }
}
function fakeSession(req: Request, _res: express.Response, next: express.NextFunction) {
  if (req.headers.cookie === 'session=admin') req.user = { id: 'user_1', organizationId: orgId };
  next();
}

interface Setup {
  /** Middleware the host mounts before the token endpoint (e.g. a global `express.json()`). */
  before?: express.RequestHandler[];
}

async function listen(setup: Setup = {}) {
  const log: string[] = [];
  const issued: PortalLinkIssuedEvent[] = [];

  // --- the recipe -------------------------------------------------------------------------------------------
  const app = express();
  app.use(fakeSession);
  for (const middleware of setup.before ?? []) app.use(middleware);

  const portal = scalekitPortal<{ Bindings: { incoming: Request } }>({
    scalekit,
    // The Express request (and so the session) is c.env.incoming.
    authorize: (c) => {
      const user = c.env.incoming.user;
      return user ? { organizationId: user.organizationId, userId: user.id } : null;
    },
    onLinkIssued: (event) => void issued.push(event),
    log: (line) => log.push(line),
  });
  app.use('/api/scalekit', getRequestListener(portal.fetch));
  // -----------------------------------------------------------------------------------------------------------

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { origin, log, issued, close };
}

function requestLink(origin: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${origin}/api/scalekit/portal-link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, cookie: 'session=admin', ...headers },
    body,
  });
}

describe('Express 5: the token endpoint through getRequestListener', () => {
  it('mints a link for the organization of the Express session', async () => {
    const { origin, issued, close } = await listen();
    try {
      const response = await requestLink(origin, '{"features":["sso"]}');
      assert.equal(response.status, 200);
      const link = (await response.json()) as { location: string };
      assert.ok(link.location.startsWith(emulator.url));
      assert.deepEqual(issued.map((e) => [e.organizationId, e.userId, e.features]), [[orgId, 'user_1', ['sso']]]);
    } finally {
      await close();
    }
  });

  it('answers 401 without a session and 403 cross-site, as on Hono', async () => {
    const { origin, close } = await listen();
    try {
      assert.equal((await requestLink(origin, '{}', { cookie: '' })).status, 401);
      assert.equal((await requestLink(origin, '{}', { origin: 'https://evil.example' })).status, 403);
    } finally {
      await close();
    }
  });

  describe('after a global express.json()', () => {
    it('uses the body express.json() already parsed', async () => {
      const { origin, issued, log, close } = await listen({ before: [express.json()] });
      try {
        const response = await requestLink(origin, '{"features":["sso"]}');
        assert.equal(response.status, 200);
        assert.deepEqual(issued[0]?.features, ['sso']);
        assert.deepEqual(log, []);
      } finally {
        await close();
      }
    });

    it('keeps the endpoint\'s own checks on that body (features, size)', async () => {
      const { origin, close } = await listen({ before: [express.json()] });
      try {
        const bad = await requestLink(origin, '{"features":["billing"]}');
        assert.equal(bad.status, 400);
        assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'invalid_request');
        const big = await requestLink(origin, JSON.stringify({ features: ['sso'], pad: 'x'.repeat(5000) }));
        assert.equal(big.status, 413);
        const notAnObject = await requestLink(origin, '[]');
        assert.equal(notAnObject.status, 400);
      } finally {
        await close();
      }
    });

    it('uses a body kept as text (express.text({ type: "application/json" }))', async () => {
      const { origin, issued, close } = await listen({ before: [express.text({ type: 'application/json' })] });
      try {
        assert.equal((await requestLink(origin, '{"features":["dir_sync"]}')).status, 200);
        assert.deepEqual(issued[0]?.features, ['dir_sync']);
      } finally {
        await close();
      }
    });
  });

  it('a middleware that swallowed the body is named in one log line, however many requests fail', async () => {
    const swallow: express.RequestHandler = (req, _res, next) => {
      req.resume();
      req.once('end', () => next());
    };
    const { origin, log, close } = await listen({ before: [swallow] });
    try {
      for (let i = 0; i < 3; i += 1) {
        const response = await requestLink(origin, '{}');
        assert.equal(response.status, 500);
        const body = (await response.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, 'internal');
      }
      const hints = log.filter((line) => line.includes('body parser'));
      assert.equal(hints.length, 1);
      assert.match(hints[0]!, /express\.json\(\)/);
    } finally {
      await close();
    }
  });
});

describe('Express 5: the webhook receiver through getRequestListener', () => {
  const secret = generateWebhookSecret();
  const event = {
    spec_version: '1',
    id: 'evt_express_1',
    type: 'organization.directory.user_created',
    occurred_at: '2026-11-28T17:00:00.000Z',
    environment_id: 'env_1',
    organization_id: 'org_acme',
    object: 'DirectoryUser',
    data: { id: 'diruser_1', organization_id: 'org_acme', email: 'ada@acme.test', active: true },
  };

  async function listenWebhooks(before: express.RequestHandler[]) {
    const log: string[] = [];
    const received: string[] = [];
    const app = express();
    for (const middleware of before) app.use(middleware);
    const webhooks = scalekitWebhooks({
      secret,
      onEvent: (e) => void received.push(e.id),
      log: (line) => log.push(line),
    });
    app.use('/webhooks/scalekit', getRequestListener(webhooks.fetch));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return { origin, log, received, close };
  }

  function deliver(origin: string, id: string) {
    const body = JSON.stringify({ ...event, id });
    const timestamp = Math.floor(Date.now() / 1000);
    return fetch(`${origin}/webhooks/scalekit`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': `msg_${id}`,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(secret, `msg_${id}`, timestamp, body),
      },
      body,
    });
  }

  for (const [name, before] of [
    ['with no body parser', []],
    ['after express.json({ verify }) keeping req.rawBody', [
      express.json({ verify: (req, _res, buf) => void ((req as unknown as { rawBody: Buffer }).rawBody = buf) }),
    ]],
    ['after express.raw({ type: "application/json" })', [express.raw({ type: 'application/json' })]],
  ] as const) {
    it(`verifies and hands the event over ${name}`, async () => {
      const { origin, received, close } = await listenWebhooks([...before]);
      try {
        const response = await deliver(origin, 'evt_a');
        assert.equal(response.status, 200);
        assert.deepEqual(received, ['evt_a']);
      } finally {
        await close();
      }
    });
  }

  it('after a plain express.json() it answers 500 so Scalekit retries, and says once which middleware to move', async () => {
    const { origin, received, log, close } = await listenWebhooks([express.json()]);
    try {
      for (const id of ['evt_b', 'evt_c']) {
        const response = await deliver(origin, id);
        assert.equal(response.status, 500);
        assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'internal');
      }
      assert.deepEqual(received, []);
      assert.equal(log.filter((line) => line.includes('express.json()')).length, 1);
      assert.ok(!log.some((line) => line.includes('invalid_signature') || line.includes('signature')), 'not blamed on the signature');
    } finally {
      await close();
    }
  });
});
