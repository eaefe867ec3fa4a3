// scalekitWebhooks() against the emulator's real sender: signed over HTTP by another process-level component,
// verified by the real SDK, retried on 500 with (shortened) Scalekit back-off.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, type Emulator } from '../../../emulator/src/index.js';
import { scalekitWebhooks } from '../../../server/webhooks/receiver.js';
import type { ScalekitWebhookEvent } from '../../../server/webhooks/events.js';
import { generateDemoWebhookSecret } from '../../../demo/server/config.js';

describe('scalekitWebhooks() receiving from the emulator', { timeout: 600_000 }, () => {
  const secret = generateDemoWebhookSecret();
  const handled: ScalekitWebhookEvent[] = [];
  let failNext = 0;
  let calls = 0;
  let emulator: Emulator;
  let server: ReturnType<typeof serve>;

  before(async () => {
    const app = new Hono().route(
      '/webhooks/scalekit',
      scalekitWebhooks({
        // The receiver's own client: it only verifies, it never calls the emulator.
        scalekit: new Scalekit('http://127.0.0.1:9', 'skc_unused', 'unused'),
        secret,
        onEvent: (event) => {
          calls += 1;
          if (failNext > 0) {
            failNext -= 1;
            throw new Error('store unavailable');
          }
          handled.push(event);
        },
        log: () => {},
      }),
    );
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    emulator = await startEmulator({
      port: 0,
      webhooks: { url: `http://127.0.0.1:${port}/webhooks/scalekit`, secret, retryScheduleMs: [0, 1, 1] },
    });
  });

  after(async () => {
    await emulator.close();
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
  });

  it('verifies every event the emulator signs and hands it over with Scalekit\'s envelope', async () => {
    const [org] = emulator.organizations();
    emulator.directory.enable(org!.id);
    const user = emulator.directory.addUser(org!.id, { email: 'ada@acme.test', givenName: 'Ada' });
    await emulator.webhooks.settled();
    const created = handled.find((event) => event.type === 'organization.directory.user_created');
    assert.ok(created, `events: ${handled.map((event) => event.type).join(', ')}`);
    assert.equal(created.organization_id, org!.id);
    assert.equal(created.object, 'DirectoryUser');
    assert.match(created.id, /^evt_/);
    if (created.type === 'organization.directory.user_created') {
      assert.equal(created.data.id, user.id);
      assert.equal(created.data.email, 'ada@acme.test');
    }
    assert.ok(handled.some((event) => event.type === 'organization.directory_enabled'));
    assert.ok(emulator.webhooks.deliveries().every((delivery) => delivery.delivered && delivery.attempts === 1));
  });

  it('answers 500 when the handler throws, and the emulator\'s retry is handled once', async () => {
    const [org] = emulator.organizations();
    failNext = 1;
    const callsBefore = calls;
    const user = emulator.directory.addUser(org!.id, { email: 'grace@acme.test' });
    await emulator.webhooks.settled();
    const delivery = emulator.webhooks.deliveries().at(-1)!;
    assert.equal(delivery.type, 'organization.directory.user_created');
    assert.equal(delivery.attempts, 2);
    assert.equal(delivery.delivered, true);
    assert.equal(calls - callsBefore, 2);
    assert.equal(handled.filter((event) => event.type === 'organization.directory.user_created' && event.data.id === user.id).length, 1);
  });
});
