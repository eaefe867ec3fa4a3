// Two instances of a host as two processes (test/support/redis-instance.ts), one emulator, one redis-server: the
// rate limit holds across both, one webhook delivered to both is handled once, and with Redis killed each answers
// as documented (503 / 500) and recovers, with nothing lost, once Redis is back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startEmulator, type Emulator } from '../../../emulator/src/index.js';
import { generateWebhookSecret, webhookHeaders } from '../../../emulator/src/directory/webhook-signer.js';
import { startRedis, type RedisServer } from '../../support/redis.js';
import { bundledEntry } from '../../support/bundled-entry.js';

const RATE_LIMIT = 5;

interface Instance {
  name: string;
  child: ChildProcess;
  port: number;
  lines: string[];
  /** Resolves with the first line matching `pattern` at or after index `from` of `lines`. */
  waitFor(pattern: RegExp, from?: number): Promise<string>;
}

function spawnInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [bundledEntry('test/support/redis-instance.ts')], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; from: number; resolve: (line: string) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(line) && lines.length - 1 >= waiter.from) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const waitFor = (pattern: RegExp, from = 0) => {
    const seen = lines.slice(from).find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      waiters.push({ pattern, from, resolve });
      child.once('exit', (code) => reject(new Error(`${name} exited (${code}) while waiting for ${pattern}`)));
    });
  };
  return waitFor(/^ready \d+$/).then((line) => ({ name, child, port: Number(line.split(' ')[1]), lines, waitFor }));
}

describe('two instances sharing Redis', { timeout: 600_000 }, () => {
  let redis: RedisServer;
  let emulator: Emulator;
  let a: Instance;
  let b: Instance;
  let dir: string;
  let countFile: string;
  const secret = generateWebhookSecret();

  before(async () => {
    redis = await startRedis();
    emulator = await startEmulator({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'scalekit-instances-'));
    countFile = join(dir, 'handled.txt');
    writeFileSync(countFile, '');
    const env = {
      REDIS_URL: redis.url,
      EMULATOR_URL: emulator.url,
      CLIENT_ID: emulator.clientId,
      CLIENT_SECRET: emulator.clientSecret,
      ORG_ID: emulator.organizations()[0]!.id,
      WEBHOOK_SECRET: secret,
      COUNT_FILE: countFile,
      RATE_LIMIT: String(RATE_LIMIT),
    };
    [a, b] = await Promise.all([spawnInstance('A', env), spawnInstance('B', env)]);
  });

  after(async () => {
    for (const instance of [a, b]) {
      if (instance && instance.child.exitCode === null) {
        const exited = new Promise((resolve) => instance.child.once('exit', resolve));
        instance.child.kill('SIGTERM');
        await exited;
      }
    }
    await emulator?.close();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const askLink = (instance: Instance, user: string) =>
    fetch(`http://127.0.0.1:${instance.port}/api/scalekit/portal-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user': user },
      body: '{}',
    });

  const eventBody = (id: string, name = 'Ada') =>
    JSON.stringify({
      spec_version: '1', id, type: 'organization.directory.user_created', occurred_at: '2026-12-01T00:00:00Z',
      environment_id: 'env_1', organization_id: emulator.organizations()[0]!.id, object: 'DirectoryUser',
      data: { id: 'diruser_1', organization_id: emulator.organizations()[0]!.id, name },
    });

  /** One delivery attempt, signed now; Scalekit signs each attempt afresh with the same webhook-id. */
  const deliver = (instance: Instance, webhookId: string, body: string) =>
    fetch(`http://127.0.0.1:${instance.port}/webhooks/scalekit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...webhookHeaders(secret, webhookId, body) },
      body,
    });

  const handledCount = (id: string) => readFileSync(countFile, 'utf8').split('\n').filter((line) => line === id).length;

  it('holds the rate limit across both instances', async () => {
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => askLink(i % 2 ? a : b, 'user_shared')));
    const statuses = responses.map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 200).length, RATE_LIMIT, statuses.join(' '));
    assert.equal(statuses.filter((status) => status === 429).length, 12 - RATE_LIMIT, statuses.join(' '));
    assert.ok(responses.filter((r) => r.status === 429).every((r) => Number(r.headers.get('retry-after')) >= 1));
    assert.equal((await askLink(b, 'user_other')).status, 200, 'another user has a window of its own');
  });

  it('runs onEvent once for one delivery sent to both at the same time, over 20 deliveries', async () => {
    for (let i = 0; i < 20; i += 1) {
      const id = `evt_race_${i}`;
      const body = eventBody(id);
      const statuses = (await Promise.all([deliver(a, `msg_race_${i}`, body), deliver(b, `msg_race_${i}`, body)])).map((r) => r.status);
      assert.ok(statuses.every((status) => status === 200 || status === 409), statuses.join(' '));
      assert.ok(statuses.includes(200), statuses.join(' '));
      // Scalekit's retry of the 409 is answered as a duplicate.
      for (const instance of [a, b]) assert.equal((await deliver(instance, `msg_race_${i}`, body)).status, 200);
      assert.equal(handledCount(id), 1, id);
    }
  });

  it('answers a delivery that the other instance is still handling with 409, and the retry after it finished as a duplicate', async () => {
    const body = eventBody('evt_hold', 'hold');
    const mark = a.lines.length;
    const first = deliver(a, 'msg_hold', body);
    await a.waitFor(/^handling evt_hold$/, mark);
    const busy = await deliver(b, 'msg_hold', body);
    assert.equal(busy.status, 409);
    assert.equal(((await busy.json()) as { error: { code: string } }).error.code, 'delivery_in_progress');
    a.child.stdin!.write('release evt_hold\n');
    assert.equal((await first).status, 200);
    const retry = await deliver(b, 'msg_hold', body);
    assert.deepEqual(await retry.json(), { received: true, duplicate: true });
    assert.equal(handledCount('evt_hold'), 1);
  });

  it('with Redis killed: 503 rate_limit_unavailable and webhook 500; once Redis is back the retry is handled, once', async () => {
    const marks = [a.lines.length, b.lines.length] as const;
    await redis.stop();
    await Promise.all([a.waitFor(/^redis error$/, marks[0]), b.waitFor(/^redis error$/, marks[1])]);

    const refused = await askLink(a, 'user_during_outage');
    assert.equal(refused.status, 503);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate_limit_unavailable');
    const body = eventBody('evt_outage');
    const failed = await deliver(b, 'msg_outage', body);
    assert.equal(failed.status, 500);
    assert.equal(handledCount('evt_outage'), 0, 'nothing ran unguarded');

    const back = [a.lines.length, b.lines.length] as const;
    redis = await startRedis({ port: redis.port });
    await Promise.all([a.waitFor(/^redis ready$/, back[0]), b.waitFor(/^redis ready$/, back[1])]);

    assert.equal((await askLink(a, 'user_during_outage')).status, 200);
    const retried = await Promise.all([deliver(a, 'msg_outage', body), deliver(b, 'msg_outage', body)]);
    assert.ok(retried.every((r) => r.status === 200 || r.status === 409));
    assert.equal((await deliver(b, 'msg_outage', body)).status, 200);
    assert.equal(handledCount('evt_outage'), 1, 'handled once: nothing lost, nothing doubled');

    const logs = [...a.lines, ...b.lines].filter((line) => line.startsWith('log '));
    assert.ok(logs.some((line) => line.includes('rate limit store failed')));
    assert.ok(logs.some((line) => line.includes('idempotency store failed')));
    for (const line of logs) {
      assert.ok(!line.includes(secret.slice(6)) && !line.includes('user_shared') && !line.includes('user_during_outage') && !line.includes(emulator.clientSecret), line);
    }
  });
});
