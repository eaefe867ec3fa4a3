// redisRateLimitStore() and redisIdempotencyStore() against a real redis-server, through clients of the official
// `redis` package: atomic under concurrency from several connections, and failing loudly (never silently past
// the limit) when Redis goes away.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createClient, type RedisClientType } from 'redis';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, type Emulator } from '../../../emulator/src/index.js';
import {
  redisIdempotencyStore,
  redisRateLimitStore,
  RedisStoreUnavailableError,
  scalekitPortal,
  scalekitWebhooks,
  type RedisEvalClient,
} from '../../../server/index.js';
import { createRateLimiter } from '../../../server/http/rate-limit.js';
import { generateWebhookSecret, webhookHeaders } from '../../../emulator/src/directory/webhook-signer.js';
import { startRedis, type RedisServer } from '../../support/redis.js';

let redis: RedisServer;
const clients: RedisClientType[] = [];

async function connect(url = redis.url): Promise<RedisClientType> {
  // disableOfflineQueue: while Redis is away a command fails at once instead of waiting for the reconnect.
  const client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 50 } }) as RedisClientType;
  client.on('error', () => {}); // reconnects are expected in these tests; an unhandled 'error' would crash
  await client.connect();
  clients.push(client);
  return client;
}

/** Resolves once `client` is connected again after a restart. */
function ready(client: RedisClientType): Promise<void> {
  return client.isReady ? Promise.resolve() : new Promise((resolve) => client.once('ready', () => resolve()));
}

before(async () => {
  redis = await startRedis();
});
after(async () => {
  await Promise.all(clients.map((client) => (client.isOpen ? client.destroy() : undefined)));
  await redis.stop();
});

describe('redis as an optional peer', () => {
  it('no module of server/ imports redis at run time (the stores take the host\'s client)', () => {
    const dir = new URL('../../../server/', import.meta.url);
    for (const file of readdirSync(dir, { recursive: true }) as string[]) {
      if (!file.endsWith('.ts')) continue;
      const source = readFileSync(new URL(file, dir), 'utf8');
      assert.doesNotMatch(source, /^\s*import\s+(?!type\b)[^;]*from\s+['"](redis|@redis\/[^'"]+)['"]/m, file);
      assert.doesNotMatch(source, /import\(\s*['"]redis['"]\s*\)/, file);
    }
  });
});

describe('redisRateLimitStore()', () => {
  it('accepts a client of the redis package as it is typed', async () => {
    const client: RedisEvalClient = await connect();
    assert.ok(redisRateLimitStore(client));
  });

  it('counts 200 concurrent hits from 4 connections exactly: 50 allowed, counts 1..200 each once', async () => {
    const stores = await Promise.all([1, 2, 3, 4].map(async () => redisRateLimitStore(await connect())));
    const limiters = stores.map((store) => createRateLimiter({ limit: 50, windowMs: 60_000, store }));
    const key = `user:org_1:${crypto.randomUUID()}`;
    const hits = await Promise.all(Array.from({ length: 200 }, (_, i) => stores[i % 4]!.hit(`${key}:raw`, 60_000)));
    assert.deepEqual(hits.map((hit) => hit.count).sort((a, b) => a - b), Array.from({ length: 200 }, (_, i) => i + 1));
    assert.ok(hits.every((hit) => hit.resetAt > Date.now() && hit.resetAt <= Date.now() + 60_000));

    const decisions = await Promise.all(Array.from({ length: 200 }, (_, i) => limiters[i % 4]!.check(key)));
    assert.equal(decisions.filter((d) => d.allowed).length, 50);
    const refused = decisions.filter((d) => !d.allowed);
    assert.ok(refused.every((d) => 'retryAfterSeconds' in d && d.retryAfterSeconds >= 1 && d.retryAfterSeconds <= 60));
  });

  it('gives every window an expiry, so a key never counts forever', async () => {
    const client = await connect();
    const key = crypto.randomUUID();
    await redisRateLimitStore(client).hit(key, 30_000);
    const ttl = await client.pTTL(`scalekit:ratelimit:${key}`);
    assert.ok(ttl > 0 && ttl <= 30_000, `pttl ${ttl}`);
  });
});

describe('redisIdempotencyStore()', () => {
  it('lets exactly one of 60 concurrent claims from 3 connections win', async () => {
    const stores = await Promise.all([1, 2, 3].map(async () => redisIdempotencyStore(await connect())));
    const key = `msg:${crypto.randomUUID()}`;
    const states = await Promise.all(Array.from({ length: 60 }, (_, i) => stores[i % 3]!.begin(key, 60_000)));
    assert.equal(states.filter((s) => s === 'new').length, 1);
    assert.equal(states.filter((s) => s === 'in_progress').length, 59);
  });

  it('remembers a completed key as done, forgets an abandoned one, and never lets another instance drop a claim', async () => {
    const [a, b] = await Promise.all([1, 2].map(async () => redisIdempotencyStore(await connect())));
    const done = `msg:${crypto.randomUUID()}`;
    assert.equal(await a!.begin(done, 60_000), 'new');
    await a!.complete(done, 60_000);
    assert.equal(await b!.begin(done, 60_000), 'done');

    const failed = `msg:${crypto.randomUUID()}`;
    assert.equal(await a!.begin(failed, 60_000), 'new');
    await b!.abandon(failed); // not b's claim: nothing happens
    assert.equal(await b!.begin(failed, 60_000), 'in_progress');
    await a!.abandon(failed);
    assert.equal(await b!.begin(failed, 60_000), 'new', 'a failed delivery is not remembered');
  });

  it('holds a claim for the lease only, and a done key for its TTL', async () => {
    const client = await connect();
    const store = redisIdempotencyStore(client);
    const key = crypto.randomUUID();
    await store.begin(key, 45_000);
    const lease = await client.pTTL(`scalekit:webhook:${key}`);
    assert.ok(lease > 0 && lease <= 45_000, `lease ${lease}`);
    await store.complete(key, 172_800_000);
    const ttl = await client.pTTL(`scalekit:webhook:${key}`);
    assert.ok(ttl > 45_000 && ttl <= 172_800_000, `ttl ${ttl}`);
  });
});

describe('Redis down', () => {
  let emulator: Emulator;
  let down: RedisServer;
  before(async () => {
    emulator = await startEmulator({ port: 0 });
    down = await startRedis();
  });
  after(async () => {
    await emulator.close();
    await down.stop();
  });

  it('token endpoint: 503 rate_limit_unavailable (or through with failOpen), webhooks: 500; both recover when Redis is back', async () => {
    const client = await connect(down.url);
    const org = emulator.organizations()[0]!.id;
    const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    const logs: string[] = [];
    const log = (line: string) => logs.push(line);
    const portalApp = (failOpen: boolean) =>
      scalekitPortal({
        scalekit,
        authorize: () => ({ organizationId: org, userId: 'user_down' }),
        rateLimit: { limit: 100, store: redisRateLimitStore(client), failOpen },
        log,
      });
    const closed = portalApp(false);
    const open = portalApp(true);
    const ask = (app: ReturnType<typeof portalApp>) =>
      app.request('/portal-link', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
        body: '{}',
      });

    const secret = generateWebhookSecret();
    let handled = 0;
    const webhooks = scalekitWebhooks({
      secret,
      idempotency: redisIdempotencyStore(client),
      onEvent: () => void (handled += 1),
      log,
    });
    const body = JSON.stringify({
      spec_version: '1', id: 'evt_down', type: 'organization.directory.user_created', occurred_at: '2026-12-01T00:00:00Z',
      environment_id: 'env_1', organization_id: org, object: 'DirectoryUser', data: { id: 'diruser_1', organization_id: org },
    });
    const deliver = () => webhooks.request('/', { method: 'POST', headers: webhookHeaders(secret, 'msg_down', body), body });

    assert.equal((await ask(closed)).status, 200, 'up: a link');

    const disconnected = new Promise<void>((resolve) => client.once('end', resolve).once('error', () => resolve()));
    await down.stop();
    await disconnected;

    const refused = await ask(closed);
    assert.equal(refused.status, 503);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate_limit_unavailable');
    assert.ok(refused.headers.get('retry-after'));
    assert.equal((await ask(open)).status, 200, 'failOpen lets it through');
    const webhook = await deliver();
    assert.equal(webhook.status, 500);
    assert.equal(((await webhook.json()) as { error: { code: string } }).error.code, 'idempotency_unavailable');
    assert.equal(handled, 0, 'no handler runs unguarded');

    assert.equal(logs.filter((line) => line.includes('rate limit store failed')).length, 2, 'one line per request');
    assert.equal(logs.filter((line) => line.includes('idempotency store failed')).length, 1);
    for (const line of logs) assert.ok(!line.includes(secret.slice(6)) && !line.includes('user_down') && !line.includes(String(down.port)), line);

    down = await startRedis({ port: down.port });
    await ready(client);
    assert.equal((await ask(closed)).status, 200, 'back: a link');
    assert.equal((await deliver()).status, 200, 'the retried delivery is handled');
    assert.equal(((await (await deliver()).json()) as { duplicate?: boolean }).duplicate, true);
    assert.equal(handled, 1);
  });

  it('a hung Redis: the webhook is answered 500 after timeoutMs, and once Redis answers again the retry is handled once', async () => {
    const client = await connect(down.url);
    const secret = generateWebhookSecret();
    let handled = 0;
    const webhooks = scalekitWebhooks({
      secret,
      idempotency: redisIdempotencyStore(client, { timeoutMs: 200 }),
      onEvent: () => void (handled += 1),
      log: () => {},
    });
    const body = JSON.stringify({
      spec_version: '1', id: 'evt_hung', type: 'organization.directory.user_created', occurred_at: '2026-12-01T00:00:00Z',
      environment_id: 'env_1', organization_id: 'org_1', object: 'DirectoryUser', data: { id: 'diruser_1', organization_id: 'org_1' },
    });
    const deliver = () => webhooks.request('/', { method: 'POST', headers: webhookHeaders(secret, 'msg_hung', body), body });
    down.pause();
    try {
      const failed = await deliver();
      assert.equal(failed.status, 500);
      assert.equal(handled, 0);
    } finally {
      down.resume();
    }
    // The claim sent while Redis hung lands now, followed by its release, so the retry is not locked out.
    assert.equal((await deliver()).status, 200);
    assert.equal((await deliver()).status, 200);
    assert.equal(handled, 1);
  });

  it('fails with RedisStoreUnavailableError at once on a disconnected client', async () => {
    const client = createClient({ url: down.url });
    await assert.rejects(async () => redisRateLimitStore(client).hit('k', 1000), RedisStoreUnavailableError);
    await assert.rejects(async () => redisIdempotencyStore(client).begin('k', 1000), RedisStoreUnavailableError);
  });
});
