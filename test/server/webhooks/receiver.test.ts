import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Scalekit } from '@scalekit-sdk/node';
import { scalekitWebhooks, type ScalekitWebhooksOptions } from '../../../server/webhooks/receiver.js';
import type { ScalekitWebhookEvent, UnknownScalekitWebhookEvent } from '../../../server/webhooks/events.js';
import { generateWebhookSecret, signWebhook } from '../../../emulator/src/directory/webhook-signer.js';
import { MemoryIdempotencyStore, type IdempotencyStore } from '../../../server/stores/idempotency.js';
import { seededRandom } from '../../support/seeded-random.js';

// The real SDK verifies; it makes no network call for that, so the URL is never contacted.
const scalekit = new Scalekit('http://127.0.0.1:9', 'skc_test', 'test_secret');
const SECRET = generateWebhookSecret();
const nowSeconds = () => Math.floor(Date.now() / 1000);

function userEvent(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return {
    spec_version: '1',
    id: 'evt_100',
    type: 'organization.directory.user_created',
    occurred_at: '2026-11-28T17:00:00.000Z',
    environment_id: 'env_1',
    organization_id: 'org_acme',
    object: 'DirectoryUser',
    data: {
      id: 'diruser_1',
      organization_id: 'org_acme',
      email: 'ada@acme.test',
      given_name: 'Ada',
      family_name: 'Lovelace',
      name: 'Ada Lovelace',
      active: true,
      groups: [{ id: 'dirgroup_1', name: 'Engineering' }],
      ...data,
    },
    ...overrides,
  };
}

interface Delivery {
  body: string;
  webhookId?: string;
  timestamp?: number;
  secret?: string;
  headers?: Record<string, string>;
  method?: string;
}

/** Scalekit gives each event its own delivery id (kept across retries); derive one from the event id. */
function webhookIdFor(body: string): string {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    if (typeof id === 'string') return `msg_${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  } catch {
    // not JSON: any fixed id will do
  }
  return 'msg_1';
}

function signedHeaders({ body, webhookId = webhookIdFor(body), timestamp = nowSeconds(), secret = SECRET }: Delivery) {
  return {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, webhookId, timestamp, body),
  };
}

function deliver(app: ReturnType<typeof scalekitWebhooks>, delivery: Delivery) {
  return app.request('/', {
    method: delivery.method ?? 'POST',
    headers: delivery.headers ?? signedHeaders(delivery),
    body: delivery.body,
  });
}

function receiver(overrides: Partial<ScalekitWebhooksOptions> = {}) {
  const events: ScalekitWebhookEvent[] = [];
  const logs: string[] = [];
  const app = scalekitWebhooks({
    scalekit,
    secret: SECRET,
    onEvent: (event) => {
      events.push(event);
    },
    log: (line) => logs.push(line),
    ...overrides,
  });
  return { app, events, logs };
}

async function errorCode(response: Response): Promise<string> {
  const json = (await response.json()) as { error: { code: string; message: string } };
  assert.equal(typeof json.error.message, 'string');
  return json.error.code;
}

describe('scalekitWebhooks(): signatures', () => {
  it('hands a validly signed event to onEvent, typed, and answers 200', async () => {
    const { app, events } = receiver();
    const body = JSON.stringify(userEvent());
    const response = await deliver(app, { body });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { received: true });
    assert.equal(events.length, 1);
    const event = events[0]!;
    assert.equal(event.type, 'organization.directory.user_created');
    if (event.type === 'organization.directory.user_created') {
      assert.equal(event.data.email, 'ada@acme.test');
      assert.equal(event.data.groups?.[0]?.name, 'Engineering');
    }
  });

  it('accepts capitalised header names on a real socket', async () => {
    const { app, events } = receiver();
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    try {
      await new Promise<void>((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const body = JSON.stringify(userEvent());
      const lower = signedHeaders({ body });
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          headers: {
            'Content-Type': 'application/json',
            'Webhook-Id': lower['webhook-id'],
            'Webhook-Timestamp': lower['webhook-timestamp'],
            'WEBHOOK-SIGNATURE': lower['webhook-signature'],
          },
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
      assert.equal(status, 200);
      assert.equal(events.length, 1);
    } finally {
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    }
  });

  it('accepts a signature list where a later entry matches (key rotation)', async () => {
    const { app, events } = receiver();
    const body = JSON.stringify(userEvent());
    const headers = signedHeaders({ body });
    const stale = signWebhook(generateWebhookSecret(), headers['webhook-id'], Number(headers['webhook-timestamp']), body);
    headers['webhook-signature'] = `${stale} ${headers['webhook-signature']}`;
    assert.equal((await deliver(app, { body, headers })).status, 200);
    assert.equal(events.length, 1);
  });

  const rejected: Array<[string, (body: string) => Delivery]> = [
    ['a tampered body', (body) => ({ body: body.replace('ada@acme.test', 'eve@evil.test'), headers: signedHeaders({ body }) })],
    ['a body re-serialised after signing', (body) => ({ body: JSON.stringify(JSON.parse(body), null, 2), headers: signedHeaders({ body }) })],
    ['the wrong secret', (body) => ({ body, secret: generateWebhookSecret() })],
    ['a timestamp over 5 minutes old', (body) => ({ body, timestamp: nowSeconds() - 301 - 5 })],
    ['a timestamp over 5 minutes ahead', (body) => ({ body, timestamp: nowSeconds() + 301 + 5 })],
    ['a signed timestamp swapped for a fresh one', (body) => {
      const headers = signedHeaders({ body, timestamp: nowSeconds() - 600 });
      return { body, headers: { ...headers, 'webhook-timestamp': String(nowSeconds()) } };
    }],
    ['another webhook-id than the one signed', (body) => ({ body, headers: { ...signedHeaders({ body }), 'webhook-id': 'msg_2' } })],
    ['no webhook-id', (body) => ({ body, headers: without(signedHeaders({ body }), 'webhook-id') })],
    ['no webhook-timestamp', (body) => ({ body, headers: without(signedHeaders({ body }), 'webhook-timestamp') })],
    ['no webhook-signature', (body) => ({ body, headers: without(signedHeaders({ body }), 'webhook-signature') })],
    ['no headers at all', (body) => ({ body, headers: { 'content-type': 'application/json' } })],
    ['a v2-only signature', (body) => {
      const headers = signedHeaders({ body });
      return { body, headers: { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') } };
    }],
  ];

  for (const [name, make] of rejected) {
    it(`answers 401 invalid_signature for ${name}, without calling onEvent`, async () => {
      const { app, events } = receiver();
      const response = await deliver(app, make(JSON.stringify(userEvent())));
      assert.equal(response.status, 401);
      assert.equal(await errorCode(response), 'invalid_signature');
      assert.equal(events.length, 0);
    });
  }
});

/** A log sink that resolves `reached` once `count` lines containing `text` were logged. */
function countLines(text: string, count: number) {
  let seen = 0;
  let done!: () => void;
  const reached = new Promise<void>((resolve) => (done = resolve));
  return {
    reached,
    log: (line: string) => {
      if (line.includes(text) && ++seen === count) done();
    },
  };
}

function without(headers: Record<string, string>, name: string): Record<string, string> {
  const copy = { ...headers };
  delete copy[name];
  return copy;
}

describe('scalekitWebhooks(): idempotency', () => {
  it('answers a replayed event id 200 and handles it once', async () => {
    const { app, events } = receiver();
    const body = JSON.stringify(userEvent());
    assert.equal((await deliver(app, { body, webhookId: 'msg_a' })).status, 200);
    // Scalekit's retry: same event, fresh signature (and possibly another delivery id).
    const replay = await deliver(app, { body, webhookId: 'msg_b', timestamp: nowSeconds() + 1 });
    assert.equal(replay.status, 200);
    assert.deepEqual(await replay.json(), { received: true, duplicate: true });
    assert.equal(events.length, 1);
  });

  it('hands concurrent deliveries of one event id to onEvent once', { timeout: 600_000 }, async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const joins = countLines('arrived again while being handled', 2);
    const { app } = receiver({
      onEvent: async () => {
        calls += 1;
        entered();
        await gate;
      },
      log: joins.log,
    });
    const body = JSON.stringify(userEvent());
    const first = deliver(app, { body, webhookId: 'msg_a' });
    await started;
    const others = [deliver(app, { body, webhookId: 'msg_b' }), deliver(app, { body, webhookId: 'msg_c' })];
    await joins.reached;
    release();
    const statuses = (await Promise.all([first, ...others])).map((response) => response.status);
    assert.deepEqual(statuses, [200, 200, 200]);
    assert.equal(calls, 1);
  });

  it('answers 500 when onEvent throws, remembers nothing, and handles the redelivery', async () => {
    let calls = 0;
    const handled: string[] = [];
    const { app } = receiver({
      onEvent: async (event) => {
        calls += 1;
        if (calls === 1) throw new Error('database down for ada@acme.test');
        handled.push(event.id);
      },
    });
    const body = JSON.stringify(userEvent());
    const failed = await deliver(app, { body });
    assert.equal(failed.status, 500);
    assert.equal(await errorCode(failed), 'handler_failed');
    const retried = await deliver(app, { body });
    assert.equal(retried.status, 200);
    assert.deepEqual(handled, ['evt_100']);
    assert.equal((await deliver(app, { body })).status, 200);
    assert.equal(calls, 2);
  });

  it('answers 500 to a delivery that joined a failing run, and a later retry is handled', { timeout: 600_000 }, async () => {
    let calls = 0;
    let fail!: () => void;
    const failing = new Promise<void>((_, reject) => (fail = () => reject(new Error('boom'))));
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const joins = countLines('arrived again while being handled', 1);
    const { app } = receiver({
      onEvent: async () => {
        calls += 1;
        if (calls === 1) {
          entered();
          await failing;
        }
      },
      log: joins.log,
    });
    const body = JSON.stringify(userEvent());
    const first = deliver(app, { body });
    await started;
    const joined = deliver(app, { body });
    await joins.reached;
    fail();
    assert.deepEqual([(await first).status, (await joined).status], [500, 500]);
    assert.equal((await deliver(app, { body })).status, 200);
    assert.equal(calls, 2);
  });

  it('answers 500 handler_timeout when onEvent hangs; a retry once it has finished is not handled again', { timeout: 600_000 }, async () => {
    let calls = 0;
    let finish!: () => void;
    const hanging = new Promise<void>((resolve) => (finish = resolve));
    const { app, logs } = receiver({
      handlerTimeoutMs: 50,
      onEvent: async () => {
        calls += 1;
        await hanging;
      },
    });
    const body = JSON.stringify(userEvent());
    const first = await deliver(app, { body });
    assert.equal(first.status, 500);
    assert.equal(await errorCode(first), 'handler_timeout');
    assert.ok(logs.some((line) => line.includes('still running')), 'the timeout is logged');
    finish();
    await hanging;
    const retried = await deliver(app, { body });
    assert.equal(retried.status, 200);
    assert.equal(calls, 1, 'the handler that finished late counts: the event is not handled twice');
  });

  it('a handler that fails after its timeout leaves the event for the retry, without an unhandled rejection', { timeout: 600_000 }, async () => {
    let calls = 0;
    let fail!: () => void;
    const failing = new Promise<void>((_, reject) => (fail = () => reject(new Error('late failure'))));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { app } = receiver({
        handlerTimeoutMs: 50,
        onEvent: async () => {
          calls += 1;
          if (calls === 1) await failing;
        },
      });
      const body = JSON.stringify(userEvent());
      assert.equal((await deliver(app, { body })).status, 500);
      fail();
      await failing.catch(() => {});
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal((await deliver(app, { body })).status, 200);
      assert.equal(calls, 2);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('also answers 500 when onEvent throws synchronously or throws a non-Error', async () => {
    const { app } = receiver({
      onEvent: () => {
        throw 'plain string';
      },
    });
    assert.equal((await deliver(app, { body: JSON.stringify(userEvent()) })).status, 500);
  });

  it('keeps memory bounded: the least recently seen id is forgotten beyond maxEntries', async () => {
    const { app, events } = receiver({ replay: { maxEntries: 2 } });
    for (const id of ['evt_a', 'evt_b', 'evt_c']) {
      assert.equal((await deliver(app, { body: JSON.stringify(userEvent({ id })) })).status, 200);
    }
    await deliver(app, { body: JSON.stringify(userEvent({ id: 'evt_c' })) });
    assert.equal(events.length, 3, 'evt_c is still remembered');
    await deliver(app, { body: JSON.stringify(userEvent({ id: 'evt_a' })) });
    assert.equal(events.length, 4, 'evt_a was evicted, so it is handled again');
  });

  it('forgets handled ids after the TTL', async () => {
    const { app, events } = receiver({ replay: { ttlMs: 0 } });
    const body = JSON.stringify(userEvent());
    await deliver(app, { body });
    await deliver(app, { body });
    assert.equal(events.length, 2);
  });
});

describe('scalekitWebhooks(): idempotency store', () => {
  it('keys duplicates on the webhook-id header: a redelivery is not handled again', async () => {
    const { app, events } = receiver();
    const first = JSON.stringify(userEvent({ id: 'evt_1' }));
    assert.equal((await deliver(app, { body: first, webhookId: 'msg_same' })).status, 200);
    // The same delivery id with a body whose id differs (a re-serialising relay, say) is still that delivery.
    const second = JSON.stringify(userEvent({ id: 'evt_2' }));
    const replay = await deliver(app, { body: second, webhookId: 'msg_same' });
    assert.deepEqual(await replay.json(), { received: true, duplicate: true });
    assert.equal(events.length, 1);
  });

  it('two instances sharing a store: a delivery in progress on one is answered 409 with Retry-After by the other', async () => {
    const store = new MemoryIdempotencyStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    let calls = 0;
    const a = receiver({ idempotency: store, onEvent: async () => { calls += 1; entered(); await gate; } });
    const b = receiver({ idempotency: store, onEvent: () => void (calls += 1) });
    const body = JSON.stringify(userEvent());
    const first = deliver(a.app, { body });
    await started;
    const busy = await deliver(b.app, { body });
    assert.equal(busy.status, 409);
    assert.equal(busy.headers.get('retry-after'), '5');
    assert.equal(await errorCode(busy), 'delivery_in_progress');
    release();
    assert.equal((await first).status, 200);
    const again = await deliver(b.app, { body });
    assert.deepEqual(await again.json(), { received: true, duplicate: true });
    assert.equal(calls, 1);
  });

  it('two instances sharing a store: a failed delivery is forgotten, so the retry on the other instance runs', async () => {
    const store = new MemoryIdempotencyStore();
    const a = receiver({ idempotency: store, onEvent: () => { throw new Error('db down'); } });
    const b = receiver({ idempotency: store });
    const body = JSON.stringify(userEvent());
    assert.equal((await deliver(a.app, { body })).status, 500);
    assert.equal((await deliver(b.app, { body })).status, 200);
    assert.equal(b.events.length, 1);
    assert.equal(store.size, 2, 'both keys remembered as done');
  });

  it('answers 500 idempotency_unavailable when the store fails, calls no handler, and a retry once it is back succeeds', async () => {
    const memory = new MemoryIdempotencyStore();
    let down = true;
    const flaky: IdempotencyStore = {
      begin: async (key, lease) => {
        if (down) throw new Error('ECONNREFUSED redis://:hunter2@10.0.0.1');
        return memory.begin(key, lease);
      },
      complete: (key, ttl) => memory.complete(key, ttl),
      abandon: (key) => memory.abandon(key),
    };
    const { app, events, logs } = receiver({ idempotency: flaky });
    const body = JSON.stringify(userEvent());
    const failed = await deliver(app, { body });
    assert.equal(failed.status, 500);
    assert.equal(await errorCode(failed), 'idempotency_unavailable');
    assert.equal(events.length, 0);
    assert.equal(logs.filter((line) => line.includes('idempotency store failed')).length, 1);
    assert.ok(logs.every((line) => !line.includes('hunter2') && !line.includes('10.0.0.1')));
    down = false;
    assert.equal((await deliver(app, { body })).status, 200);
    assert.equal((await deliver(app, { body })).status, 200);
    assert.equal(events.length, 1);
  });

  it('answers 200 when the event was handled but the store could not record it (a 500 would only redeliver it)', async () => {
    const memory = new MemoryIdempotencyStore();
    const store: IdempotencyStore = {
      begin: (key, lease) => memory.begin(key, lease),
      complete: async () => {
        throw new Error('READONLY');
      },
      abandon: (key) => memory.abandon(key),
    };
    const { app, events, logs } = receiver({ idempotency: store });
    assert.equal((await deliver(app, { body: JSON.stringify(userEvent()) })).status, 200);
    assert.equal(events.length, 1);
    assert.ok(logs.some((line) => line.includes('could not record it')));
  });

  it('refuses an idempotency option that is not a store', () => {
    for (const idempotency of [{}, 'redis', { begin() {}, complete() {} }]) {
      assert.throws(() => receiver({ idempotency: idempotency as never }), TypeError);
    }
  });
});

describe('scalekitWebhooks(): malformed and hostile input', () => {
  const invalidBodies: Array<[string, string]> = [
    ['not JSON', '{"id": "evt_1", '],
    ['empty', ''],
    ['a JSON array', JSON.stringify([userEvent()])],
    ['a JSON string', JSON.stringify('evt_1')],
    ['null', 'null'],
    ['no id', JSON.stringify({ ...userEvent(), id: undefined })],
    ['a numeric id', JSON.stringify(userEvent({ id: 100 }))],
    ['an empty id', JSON.stringify(userEvent({ id: '' }))],
    ['no type', JSON.stringify({ ...userEvent(), type: undefined })],
    ['an object type', JSON.stringify(userEvent({ type: { toString: 'x' } }))],
    ['a known type without data', JSON.stringify(userEvent({ data: undefined }))],
    ['a known type with array data', JSON.stringify(userEvent({ data: [] }))],
    ['data without an id', JSON.stringify(userEvent({}, { id: undefined }))],
    ['data with a numeric id', JSON.stringify(userEvent({}, { id: 7 }))],
    ['no organization at all', JSON.stringify(userEvent({ organization_id: undefined }, { organization_id: undefined }))],
    ['a numeric organization_id', JSON.stringify(userEvent({ organization_id: 5 }))],
    ['two different organizations', JSON.stringify(userEvent({ organization_id: 'org_acme' }, { organization_id: 'org_globex' }))],
  ];

  for (const [name, body] of invalidBodies) {
    it(`answers 400 invalid_request to a signed body that is ${name}`, async () => {
      const { app, events } = receiver();
      const response = await deliver(app, { body });
      assert.equal(response.status, 400);
      assert.equal(await errorCode(response), 'invalid_request');
      assert.equal(events.length, 0);
    });
  }

  it('fills a user event\'s organization_id from the envelope when data lacks it', async () => {
    const { app, events } = receiver();
    await deliver(app, { body: JSON.stringify(userEvent({}, { organization_id: undefined })) });
    assert.equal((events[0]!.data as { organization_id: string }).organization_id, 'org_acme');
  });

  it('hands SSO and directory events over typed, with the organization taken from the envelope', async () => {
    const { app, events } = receiver();
    const sso = {
      spec_version: '1',
      id: 'evt_sso',
      type: 'organization.sso_enabled',
      occurred_at: '2026-11-28T17:00:00.000Z',
      environment_id: 'env_1',
      organization_id: 'org_acme',
      object: 'Connection',
      data: { id: 'conn_1', connection_type: 'SSO', type: 'SAML', provider: 'OKTA', enabled: true },
    };
    const group = { ...sso, id: 'evt_group', type: 'organization.directory.group_created', object: 'DirectoryGroup', data: { id: 'dirgroup_1', display_name: 'Eng' } };
    assert.equal((await deliver(app, { body: JSON.stringify(sso) })).status, 200);
    assert.equal((await deliver(app, { body: JSON.stringify(group) })).status, 200);
    const [first, second] = events;
    assert.ok(first?.type === 'organization.sso_enabled' && first.data.provider === 'OKTA');
    assert.ok(second?.type === 'organization.directory.group_created' && second.organization_id === 'org_acme');
  });

  it('does not let a prototype-named type through as a known event', async () => {
    const { app, events } = receiver();
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const response = await deliver(app, { body: JSON.stringify(userEvent({ type, id: `evt_${type}` })) });
      assert.equal(response.status, 200, type);
    }
    assert.equal(events.length, 0);
  });

  it('acknowledges verified events of unknown types without calling onEvent, or hands them to onUnknownEvent', async () => {
    const body = JSON.stringify(userEvent({ type: 'organization.directory.role_assigned' }));
    const plain = receiver();
    assert.equal((await deliver(plain.app, { body })).status, 200);
    assert.equal(plain.events.length, 0);
    const unknown: UnknownScalekitWebhookEvent[] = [];
    const withHook = receiver({ onUnknownEvent: (event) => void unknown.push(event) });
    assert.equal((await deliver(withHook.app, { body })).status, 200);
    assert.equal((await deliver(withHook.app, { body })).status, 200);
    assert.deepEqual(unknown.map((event) => event.type), ['organization.directory.role_assigned']);
  });

  it('answers 413 to a body over the limit, signed or not, with or without Content-Length', async () => {
    const { app, events } = receiver();
    const body = JSON.stringify(userEvent({}, { raw_attributes: { blob: 'x'.repeat(300 * 1024) } }));
    const signed = await deliver(app, { body });
    assert.equal(signed.status, 413);
    assert.equal(await errorCode(signed), 'payload_too_large');
    const chunks = new TextEncoder().encode(body);
    const streamed = await app.request('/', {
      method: 'POST',
      headers: signedHeaders({ body }),
      body: new ReadableStream({
        start(controller) {
          for (let offset = 0; offset < chunks.length; offset += 16 * 1024) controller.enqueue(chunks.slice(offset, offset + 16 * 1024));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(streamed.status, 413);
    assert.equal(events.length, 0);
  });

  it('takes a custom maxBodyBytes', async () => {
    const { app } = receiver({ maxBodyBytes: 100 });
    assert.equal((await deliver(app, { body: JSON.stringify(userEvent()) })).status, 413);
  });

  it('answers 400 to a signed body that is not UTF-8', async () => {
    const { app, events } = receiver();
    const bytes = new Uint8Array([...new TextEncoder().encode('{"id":"evt_1","type":"x"'), 0xff, 0xfe, 0x7d]);
    const timestamp = nowSeconds();
    const mac = createHmac('sha256', Buffer.from(SECRET.slice(6), 'base64'))
      .update(Buffer.concat([Buffer.from(`msg_bin.${timestamp}.`), bytes]))
      .digest('base64');
    const response = await app.request('/', {
      method: 'POST',
      headers: { 'webhook-id': 'msg_bin', 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${mac}` },
      body: bytes,
    });
    assert.equal(response.status, 400);
    assert.equal(events.length, 0);
  });

  it('answers 405 to every method but POST', async () => {
    const { app } = receiver();
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const response = await app.request('/', { method, ...(method === 'GET' ? {} : { body: '{}' }) });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get('allow'), 'POST');
    }
  });

  it('answers 401 to hostile header values, never 5xx', async () => {
    const { app, events } = receiver();
    const body = JSON.stringify(userEvent());
    const good = signedHeaders({ body });
    const hostile: Array<Record<string, string>> = [
      { 'webhook-signature': 'v1,' },
      { 'webhook-signature': 'v1' },
      { 'webhook-signature': ',,,' },
      { 'webhook-signature': 'v1,%%%not-base64%%%' },
      { 'webhook-signature': `v1,${'A'.repeat(8000)}` },
      { 'webhook-signature': Array.from({ length: 500 }, () => 'v1,AAAA').join(' ') },
      { 'webhook-timestamp': 'soon' },
      { 'webhook-timestamp': '-1' },
      { 'webhook-timestamp': '1e12' },
      { 'webhook-timestamp': '99999999999999999999999' },
      { 'webhook-timestamp': '' },
      { 'webhook-id': '' },
      { 'webhook-id': 'msg_1.0.{}' },
      { 'webhook-id': 'x'.repeat(8000) },
      { 'webhook-id': 'msg_1\u00e9' },
    ];
    for (const override of hostile) {
      const response = await deliver(app, { body, headers: { ...good, ...override } });
      assert.equal(response.status, 401, JSON.stringify(override).slice(0, 80));
    }
    assert.equal(events.length, 0);
  });

  it('survives 400 generated hostile deliveries without a 5xx or an unsigned event reaching onEvent', async () => {
    const { app, events } = receiver();
    const random = seededRandom(7).next;
    const pieces = ['{', '}', '[', ']', '"', ':', ',', 'null', 'true', '"id"', '"type"', '"data"', '\\u0000', '\u2028', '💥', '1e999', '-0', ' '];
    for (let i = 0; i < 400; i += 1) {
      const body =
        i % 4 === 0
          ? Array.from({ length: Math.floor(random() * 40) }, () => pieces[Math.floor(random() * pieces.length)]).join('')
          : JSON.stringify(userEvent({ id: `evt_fuzz_${i}`, type: random() < 0.5 ? 'organization.directory.user_updated' : random() }));
      const mode = Math.floor(random() * 4);
      const headers: Record<string, string> =
        mode === 0
          ? signedHeaders({ body, webhookId: `msg_${i}` })
          : mode === 1
            ? { ...signedHeaders({ body, webhookId: `msg_${i}` }), 'webhook-signature': `v1,${Buffer.from(String(random())).toString('base64')}` }
            : mode === 2
              ? { 'webhook-id': String(random()), 'webhook-timestamp': String(Math.floor(random() * 4e9)), 'webhook-signature': 'v1,' + 'A'.repeat(Math.floor(random() * 64)) }
              : {};
      const response = await deliver(app, { body, headers });
      assert.ok(response.status < 500, `delivery ${i} answered ${response.status}`);
      if (mode !== 0) assert.equal(response.status, 401, `delivery ${i}`);
    }
    assert.ok(events.every((event) => event.id.startsWith('evt_fuzz_')));
  });

  it('logs event id, type and outcome only: never the secret or the payload', async () => {
    const { app, logs } = receiver({
      onEvent: (event) => {
        if (event.id === 'evt_throws') throw new Error(`cannot store ${event.data.id} ada@acme.test`);
      },
    });
    const body = JSON.stringify(userEvent());
    await deliver(app, { body });
    await deliver(app, { body });
    await deliver(app, { body: JSON.stringify(userEvent({ id: 'evt_throws' })) });
    await deliver(app, { body, secret: generateWebhookSecret() });
    await deliver(app, { body: JSON.stringify(userEvent({ id: 'evt_\n\u001b[31mforged line' })) });
    assert.ok(logs.some((line) => line.includes('evt_100') && line.includes('organization.directory.user_created')));
    assert.ok(logs.some((line) => line.includes('evt_throws') && line.includes('failed')));
    for (const line of logs) {
      assert.ok(!line.includes(SECRET) && !line.includes(SECRET.slice(6)), 'no secret');
      for (const value of ['ada@acme.test', 'Lovelace', 'diruser_1', 'Engineering', 'msg_', 'v1,']) {
        assert.ok(!line.includes(value), `no ${value} in ${line}`);
      }
      assert.ok(!/[\n\r\u001b]/.test(line), 'one printable line');
    }
  });
});

describe('scalekitWebhooks(): options', () => {
  it('refuses unusable options at construction, without echoing the secret', () => {
    const base = { scalekit, secret: SECRET, onEvent: () => {} };
    const bad: Array<Record<string, unknown>> = [
      { secret: undefined },
      { secret: '' },
      { secret: 'not-a-secret-value-12345' },
      { secret: 'whsec_' },
      { secret: 'whsec_abc def' },
      { onEvent: 'no' },
      { secret: 'whpk_' + Buffer.from('k'.repeat(32)).toString('base64') },
      { secret: 'whsk_' + Buffer.from('k'.repeat(32)).toString('base64') },
      { maxBodyBytes: -1 },
      { replay: { maxEntries: 1.5 } },
      { replay: { ttlMs: Number.NaN } },
      { handlerTimeoutMs: 0 },
      { handlerTimeoutMs: -5 },
      { handlerTimeoutMs: 1.5 },
      { handlerTimeoutMs: '30000' },
    ];
    for (const override of bad) {
      assert.throws(
        () => scalekitWebhooks({ ...base, ...override } as ScalekitWebhooksOptions),
        (error: Error) => error instanceof TypeError && !error.message.includes('not-a-secret-value-12345'),
        JSON.stringify(override),
      );
    }
  });
});
