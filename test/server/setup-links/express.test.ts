// scalekitSetupLinks() inside Express 5 (through @hono/node-server's getRequestListener), with the usual global
// express.json() mounted first: every route still reads its body, over real HTTP, with the real SDK.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { getRequestListener } from '@hono/node-server';
import { Scalekit } from '@scalekit-sdk/node';
import express, { type Request } from 'express';
import { startEmulator, type Emulator } from '../../../emulator/src/index.js';
import { scalekitSetupLinks } from '../../../server/index.js';

describe('scalekitSetupLinks() in Express behind a global express.json()', () => {
  let emulator: Emulator;
  let server: Server;
  let origin: string;
  const log: string[] = [];

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    const app = express();
    app.use(express.json());
    const setupLinks = scalekitSetupLinks<{ Bindings: { incoming: Request } }>({
      scalekit,
      authorize: (c) => (c.env.incoming.headers.cookie === 'session=staff' ? { organizationId: 'org_acme', userId: 'staff_1' } : null),
      publicUrl: 'https://app.example.com/setup',
      log: (line) => log.push(line),
    });
    app.use('/api/scalekit', getRequestListener(setupLinks.fetch));
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await emulator.close();
  });

  const post = (path: string, body: unknown, cookie?: string) =>
    fetch(`${origin}/api/scalekit${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });

  it('creates a setup link with its note, and trades its token for a portal link', async () => {
    const created = await post('/setup-links', { note: 'Acme IT' }, 'session=staff');
    assert.equal(created.status, 201);
    const { url, note } = (await created.json()) as { url: string; note: string };
    assert.equal(note, 'Acme IT');
    const minted = await post('/setup-links/portal-link', { token: new URL(url).hash.slice(1), features: ['sso'] });
    assert.equal(minted.status, 200);
    const link = (await minted.json()) as { id: string };
    assert.deepEqual(emulator.stats().links.find((l) => l.id === link.id)?.features, ['sso']);
    const bad = await post('/setup-links/portal-link', { token: 'sksl_nope' });
    assert.equal(bad.status, 401);
    assert.deepEqual(log, []);
  });
});
