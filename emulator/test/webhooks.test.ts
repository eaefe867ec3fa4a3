import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Scalekit } from '@scalekit-sdk/node';
import { generateWebhookSecret, signWebhook, webhookHeaders, isWebhookSecret } from '../src/directory/webhook-signer.js';
import { WebhookSender, SCALEKIT_RETRY_SCHEDULE_MS, type WebhookEnvelope } from '../src/directory/webhook-sender.js';

// The SDK only verifies locally; it never connects for verifyWebhookPayload.
const scalekit = new Scalekit('http://127.0.0.1:9', 'skc_test', 'test-secret');

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1:0 that answers each request with the next status from `statuses` (then 200). */
async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    until: (count: number) => new Promise<void>((resolve) => {
      if (received.length >= count) resolve();
      else waiters.push({ count, resolve });
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function envelope(id = 'evt_100000000000000001', type = 'organization.directory.user_created'): WebhookEnvelope {
  return {
    spec_version: '1', id, type, occurred_at: new Date().toISOString(), environment_id: 'env_1',
    organization_id: 'org_1', object: 'DirectoryUser', data: { id: 'diruser_1', organization_id: 'org_1', email: 'ada@example.com' },
  };
}

describe('webhook signer', () => {
  it('produces signatures the real SDK accepts', () => {
    const secret = generateWebhookSecret();
    assert.ok(isWebhookSecret(secret), 'isWebhookSecret(secret)');
    const body = JSON.stringify(envelope());
    const headers = webhookHeaders(secret, 'evt_100000000000000001', body);
    assert.match(headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+=*$/);
    assert.match(headers['webhook-timestamp'], /^\d+$/);
    assert.equal(scalekit.verifyWebhookPayload(secret, headers, body), true);
  });

  it('matches the Standard Webhooks reference vector', () => {
    // From the Standard Webhooks spec's test suite (svix): same key, id, timestamp and payload.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const signature = signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    assert.equal(signature, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('makes the SDK reject a tampered body, a wrong secret, a changed id and a stale timestamp', () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify(envelope());
    const headers = webhookHeaders(secret, 'evt_100000000000000001', body);
    assert.throws(() => scalekit.verifyWebhookPayload(secret, headers, body.replace('ada@', 'eve@')), { name: 'WebhookVerificationError' });
    assert.throws(() => scalekit.verifyWebhookPayload(generateWebhookSecret(), headers, body), { name: 'WebhookVerificationError' });
    assert.throws(() => scalekit.verifyWebhookPayload(secret, { ...headers, 'webhook-id': 'evt_2' }, body), { name: 'WebhookVerificationError' });
    const stale = webhookHeaders(secret, 'evt_100000000000000001', body, Math.floor(Date.now() / 1000) - 301);
    assert.throws(() => scalekit.verifyWebhookPayload(secret, stale, body), { name: 'WebhookVerificationError' });
  });

  it('refuses malformed secrets, ids, timestamps and bodies without echoing the secret', () => {
    const secret = generateWebhookSecret();
    for (const bad of ['', 'whsec_', 'abc', `whsec_${'!'.repeat(40)}`, 'whsec_c2hvcnQ=', `whsec_${'A'.repeat(2000)}`, 42, null]) {
      assert.equal(isWebhookSecret(bad), false);
      assert.throws(() => signWebhook(bad as string, 'evt_1', 1, '{}'), (error: Error) => {
        assert.ok(error instanceof TypeError, 'error instanceof TypeError');
        if (typeof bad === 'string' && bad.length > 8) assert.ok(!error.message.includes(bad), '!error.message.includes(bad)');
        return true;
      });
    }
    for (const id of ['', 'evt.1', 'evt 1', 'a'.repeat(129), 7]) {
      assert.throws(() => signWebhook(secret, id as string, 1, '{}'), TypeError);
    }
    for (const timestamp of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => signWebhook(secret, 'evt_1', timestamp, '{}'), TypeError);
    }
    assert.throws(() => signWebhook(secret, 'evt_1', 1, { a: 1 } as unknown as string), TypeError);
  });
});

describe('webhook sender', () => {
  const closers: Array<() => Promise<void>> = [];
  after(async () => {
    for (const close of closers) await close();
  });

  it('uses Scalekit\'s retry schedule by default', () => {
    assert.deepEqual(SCALEKIT_RETRY_SCHEDULE_MS,
      [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
  });

  it('delivers a signed envelope the SDK verifies, with the raw JSON body', async () => {
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const secret = generateWebhookSecret();
    const sender = new WebhookSender({ target: { url: receiver.url, secret } });
    closers.push(() => sender.close());
    const event = envelope();
    sender.enqueue(event);
    await sender.settled();
    assert.equal(receiver.received.length, 1);
    const [delivery] = receiver.received;
    assert.equal(delivery!.headers['content-type'], 'application/json');
    assert.equal(delivery!.headers['webhook-id'], event.id);
    assert.deepEqual(JSON.parse(delivery!.body), event);
    assert.equal(scalekit.verifyWebhookPayload(secret, delivery!.headers as Record<string, string>, delivery!.body), true);
    assert.deepEqual(sender.deliveries().map(({ id, attempts, lastStatus, delivered, state }) => ({ id, attempts, lastStatus, delivered, state })),
      [{ id: event.id, attempts: 1, lastStatus: 200, delivered: true, state: 'delivered' }]);
  });

  it('retries after a 500, re-signing each attempt with the same webhook-id', async () => {
    const receiver = await startReceiver([500, 503]);
    closers.push(receiver.close);
    const secret = generateWebhookSecret();
    const lines: string[] = [];
    const sender = new WebhookSender({ target: { url: receiver.url, secret }, retryScheduleMs: [0, 5, 5, 5], log: (line) => lines.push(line) });
    closers.push(() => sender.close());
    sender.enqueue(envelope());
    await sender.settled();
    assert.equal(receiver.received.length, 3);
    for (const delivery of receiver.received) {
      assert.equal(delivery.headers['webhook-id'], 'evt_100000000000000001');
      assert.equal(scalekit.verifyWebhookPayload(secret, delivery.headers as Record<string, string>, delivery.body), true);
    }
    const [record] = sender.deliveries();
    assert.equal(record!.attempts, 3);
    assert.equal(record!.lastStatus, 200);
    assert.equal(record!.delivered, true);
    // Logs name the event and statuses, never the secret, the URL or the payload.
    assert.ok(lines.some((line) => line.includes('500')), 'lines.some((line) => line.includes(\'500\'))');
    for (const line of lines) {
      assert.ok(!line.includes(secret) && !line.includes(receiver.url) && !line.includes('ada@example.com'), line);
    }
  });

  it('gives up after the last scheduled attempt', async () => {
    const receiver = await startReceiver([500, 500, 500, 500]);
    closers.push(receiver.close);
    const sender = new WebhookSender({ target: { url: receiver.url, secret: generateWebhookSecret() }, retryScheduleMs: [0, 1, 1] });
    closers.push(() => sender.close());
    sender.enqueue(envelope());
    await sender.settled();
    assert.equal(receiver.received.length, 3);
    assert.deepEqual(
      sender.deliveries().map(({ attempts, lastStatus, delivered, state }) => ({ attempts, lastStatus, delivered, state })),
      [{ attempts: 3, lastStatus: 500, delivered: false, state: 'failed' }],
    );
  });

  it('retries when nothing listens, then delivers once the receiver is up', async () => {
    // Reserve a port, close it, so the first attempt is refused.
    const probe = http.createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const sender = new WebhookSender({ target: { url: `http://127.0.0.1:${port}/hook`, secret: generateWebhookSecret() }, retryScheduleMs: [0, 1, 1] });
    closers.push(() => sender.close());
    sender.enqueue(envelope());
    await sender.settled();
    const [record] = sender.deliveries();
    assert.equal(record!.state, 'failed');
    assert.equal(record!.lastStatus, null);
    assert.equal(record!.lastError, 'network');
    assert.equal(record!.attempts, 3);
  });

  it('keeps the order of first attempts', async () => {
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const sender = new WebhookSender({ target: { url: receiver.url, secret: generateWebhookSecret() } });
    closers.push(() => sender.close());
    const ids = Array.from({ length: 5 }, (_, i) => `evt_10000000000000000${i}`);
    for (const id of ids) sender.enqueue(envelope(id));
    await sender.settled();
    assert.deepEqual(receiver.received.map((r) => r.headers['webhook-id']), ids);
  });

  it('is bounded: beyond maxPending new events are dropped and recorded, the log keeps maxLog entries', async () => {
    const receiver = await startReceiver([500, 500, 500, 500, 500]);
    closers.push(receiver.close);
    // A long retry delay keeps deliveries pending; close() must clear those timers.
    const sender = new WebhookSender({ target: { url: receiver.url, secret: generateWebhookSecret() }, retryScheduleMs: [0, 3_600_000], maxPending: 2, maxLog: 3 });
    const results = [1, 2, 3, 4].map((n) => sender.enqueue(envelope(`evt_${n}`)));
    assert.deepEqual(results.map((r) => r!.state), ['pending', 'pending', 'dropped', 'dropped']);
    await receiver.until(2);
    assert.deepEqual(sender.deliveries().map((d) => d.id), ['evt_2', 'evt_3', 'evt_4']);
    await sender.close();
    await sender.settled(); // resolves after close even though retries were scheduled
    assert.equal(sender.enqueue(envelope('evt_5')), null);
  });

  it('sends nothing without a target, and validates targets without echoing them', async () => {
    const sender = new WebhookSender();
    assert.equal(sender.enqueue(envelope()), null);
    assert.deepEqual(sender.deliveries(), []);
    const secret = generateWebhookSecret();
    for (const target of ['x', {}, { url: 'ftp://x/', secret }, { url: 'not a url', secret }, { url: 'http://x/', secret: 'nope' },
      { url: `http://x/${'a'.repeat(3000)}`, secret }, { url: 'http://x/', secret: 42 }, []]) {
      assert.throws(() => sender.setTarget(target as never), (error: Error) => {
        assert.ok(error instanceof TypeError, 'error instanceof TypeError');
        assert.ok(!error.message.includes(secret), '!error.message.includes(secret)');
        return true;
      }, JSON.stringify(target)?.slice(0, 40));
    }
    for (const options of [{ retryScheduleMs: [] }, { retryScheduleMs: [-1] }, { retryScheduleMs: [Number.NaN] }, { maxPending: 0 }, { maxLog: 1.5 }]) {
      assert.throws(() => new WebhookSender(options as never), TypeError);
    }
    await sender.close();
  });
});
