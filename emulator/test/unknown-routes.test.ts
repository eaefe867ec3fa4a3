// Requests to routes the emulator does not serve: a 404 (or gRPC UNIMPLEMENTED) that names the method and path,
// one log line through the `log` option, and a bounded count in stats() — never a query string or a link id.
// Also the other log line: a page outside allowedOrigins framing the portal is named, with the setting that
// would admit it (the Chromium side of that is in portal.test.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { UserService } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/users/users_pb.js';
import { startEmulator, type Emulator } from '../src/index.js';

const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';

function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('routes the emulator does not serve', () => {
  let emulator: Emulator;
  const lines: string[] = [];
  before(async () => {
    emulator = await startEmulator({ log: (line) => lines.push(line) });
  });
  after(() => emulator.close());

  it('answer 404 naming the method and path, log one line, and count in stats', async () => {
    emulator.reset();
    lines.length = 0;
    const res = await get(`${emulator.url}/no/such/route?client_secret=hunter2&token=abc`);
    assert.equal(res.status, 404);
    assert.deepEqual(JSON.parse(res.text), { error: { code: 'not_found', message: 'the emulator does not serve GET /no/such/route' } });
    const post = await get(`${emulator.url}/v1/oauth/token`, {}, 'POST');
    assert.equal(JSON.parse(post.text).error.message, 'the emulator does not serve POST /v1/oauth/token');
    assert.deepEqual(lines, [
      '[emulator] GET /no/such/route: not served by the emulator (answered 404)',
      '[emulator] POST /v1/oauth/token: not served by the emulator (answered 404)',
    ]);
    assert.deepEqual(emulator.stats().unknownRoutes, {
      count: 2,
      recent: [{ method: 'GET', path: '/no/such/route' }, { method: 'POST', path: '/v1/oauth/token' }],
    });
  });

  it('over HTTP too: GET /_emulator/stats shows them, and reset clears them', async () => {
    emulator.reset();
    await get(`${emulator.url}/nope`);
    const stats = JSON.parse((await get(`${emulator.url}/_emulator/stats`, { authorization: `Bearer ${emulator.controlToken}` })).text);
    assert.deepEqual(stats.unknownRoutes, { count: 1, recent: [{ method: 'GET', path: '/nope' }] });
    emulator.reset();
    assert.deepEqual(emulator.stats().unknownRoutes, { count: 0, recent: [] });
  });

  it('an unknown control (with the token), REST path and gRPC service are counted and named too', async () => {
    emulator.reset();
    lines.length = 0;
    const control = await get(`${emulator.url}/_emulator/nope`, { authorization: `Bearer ${emulator.controlToken}` });
    assert.equal(control.status, 404);
    assert.equal(JSON.parse(control.text).error.message, 'the emulator does not serve GET /_emulator/nope');
    const rest = await get(`${emulator.url}/api/v1/users?page_size=1`);
    assert.equal(rest.status, 404);
    assert.deepEqual(JSON.parse(rest.text), { code: 5, message: 'the emulator does not serve GET /api/v1/users', details: [] });
    const users = createClient(UserService, createGrpcTransport({ baseUrl: emulator.url }));
    await assert.rejects(users.listUsers({}), (error: { code?: number; rawMessage?: string }) => {
      assert.equal(error.code, 12);
      assert.equal(error.rawMessage, 'the emulator does not serve POST /scalekit.v1.users.UserService/ListUsers');
      return true;
    });
    assert.deepEqual(emulator.stats().unknownRoutes.recent.map((r) => `${r.method} ${r.path}`), [
      'GET /_emulator/nope',
      'GET /api/v1/users',
      'POST /scalekit.v1.users.UserService/ListUsers',
    ]);
    assert.equal(lines.length, 3);
    assert.match(lines[2]!, /UserService\/ListUsers: not served by the emulator \(answered UNIMPLEMENTED\)$/);
  });

  it('never show a query, a link id or a whole long path; the list stays bounded', async () => {
    emulator.reset();
    lines.length = 0;
    await get(`${emulator.url}/magicLink/${UUID}/extra?session=s3cret`);
    await get(`${emulator.url}/${'a'.repeat(5000)}`);
    await get(`${emulator.url}/%0d%0aSet-Cookie:%20x=1/%1b[31m`);
    for (let i = 0; i < 30; i++) await get(`${emulator.url}/spam/${i}`);
    const { count, recent } = emulator.stats().unknownRoutes;
    assert.equal(count, 33);
    assert.equal(recent.length, 20);
    assert.deepEqual(recent.at(-1), { method: 'GET', path: '/spam/29' });
    const all = lines.join('\n');
    for (const secret of [UUID, 's3cret', 'session=', 'a'.repeat(101)]) assert.ok(!all.includes(secret), secret);
    assert.equal(lines[0], '[emulator] GET /magicLink/{id}/extra: not served by the emulator (answered 404)');
    assert.ok(lines[1]!.includes(`/${'a'.repeat(99)}…:`), 'cut at 100 characters');
    assert.ok(lines.every((line) => !/[\r\n\x1b]/.test(line)), 'one plain line each');
  });

  it('a route the emulator serves is not counted, nor is /favicon.ico, a browser asking for an icon', async () => {
    emulator.reset();
    await get(`${emulator.url}/`);
    assert.equal((await get(`${emulator.url}/favicon.ico`)).status, 204);
    await get(`${emulator.url}/_emulator/stats`, { authorization: `Bearer ${emulator.controlToken}` });
    assert.deepEqual(emulator.stats().unknownRoutes, { count: 0, recent: [] });
  });
});

describe('the log option', () => {
  it('is silent by default: nothing reaches the console', async () => {
    const written: unknown[] = [];
    const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
    Object.assign(console, { log: (...a: unknown[]) => written.push(a), warn: (...a: unknown[]) => written.push(a), error: (...a: unknown[]) => written.push(a), info: (...a: unknown[]) => written.push(a) });
    const emulator = await startEmulator({ allowedOrigins: ['http://localhost:*'] });
    try {
      await get(`${emulator.url}/nope`);
      await get(`${emulator.url}/magicLink/${UUID}`, { 'sec-fetch-dest': 'iframe', referer: 'https://app.example.com/' });
    } finally {
      Object.assign(console, saved);
      await emulator.close();
    }
    assert.deepEqual(written, []);
  });

  it('a logger that throws does not break the request', async () => {
    const emulator = await startEmulator({ log: () => { throw new Error('broken logger'); } });
    try {
      assert.equal((await get(`${emulator.url}/nope`)).status, 404);
      assert.equal(emulator.stats().unknownRoutes.count, 1);
    } finally {
      await emulator.close();
    }
  });

  it('refuses anything but a function', async () => {
    for (const log of ['console', 1, {}, null, true]) {
      const result = await startEmulator({ log: log as never }).catch((error: Error) => error);
      if (!(result instanceof Error)) await result.close(); // an emulator left open would keep the test process alive
      assert.ok(result instanceof TypeError && /^log must be a function/.test(result.message), String(log));
    }
  });
});

describe('a page outside allowedOrigins framing the portal', () => {
  let emulator: Emulator;
  const lines: string[] = [];
  before(async () => {
    emulator = await startEmulator({ allowedOrigins: ['http://localhost:*', 'https://*.example.org'], log: (line) => lines.push(line) });
  });
  after(() => emulator.close());
  const page = (headers: Record<string, string>) => get(`${emulator.url}/magicLink/${UUID}`, headers);

  it('is named once, with the flag, the environment variable and the option that would allow it', async () => {
    lines.length = 0;
    await page({ 'sec-fetch-dest': 'iframe', 'sec-fetch-site': 'cross-site', referer: 'https://app.example.com/settings?tab=sso&token=t0ps3cret' });
    await page({ 'sec-fetch-dest': 'iframe', referer: 'https://app.example.com/other' });
    assert.deepEqual(lines, [
      '[emulator] https://app.example.com tried to frame the portal and was refused: not in the allowed origins ' +
        '(http://localhost:*, https://*.example.org). Allow it with --allowed-origin https://app.example.com ' +
        "(repeated for every origin that may frame it) or EMULATOR_ALLOWED_ORIGINS='http://localhost:*,https://*.example.org,https://app.example.com'; " +
        'in code, allowedOrigins: ["http://localhost:*","https://*.example.org","https://app.example.com"]',
    ]);
  });

  it('says nothing for allowed origins, top-level loads, or a Referer that names no usable origin', async () => {
    lines.length = 0;
    const cases: Array<Record<string, string>> = [
      { 'sec-fetch-dest': 'iframe', referer: 'http://localhost:3000/' },
      { 'sec-fetch-dest': 'iframe', referer: 'https://admin.example.org/x' },
      { 'sec-fetch-dest': 'document', referer: 'https://evil.example.com/' },
      { referer: 'https://evil.example.com/' },
      { 'sec-fetch-dest': 'iframe' },
      { 'sec-fetch-dest': 'iframe', referer: 'not a url' },
      { 'sec-fetch-dest': 'iframe', referer: 'javascript:alert(1)' },
      { 'sec-fetch-dest': 'iframe', referer: 'data:text/html,<b>x</b>' },
      { 'sec-fetch-dest': 'iframe', referer: 'file:///etc/passwd' },
      { 'sec-fetch-dest': 'iframe', referer: `https://${'a'.repeat(5000)}.example.com/` },
    ];
    for (const headers of cases) assert.ok((await page(headers)).status < 500, JSON.stringify(headers).slice(0, 80));
    assert.deepEqual(lines, []);
  });

  it('logs at most 100 distinct origins, so a hostile page cannot flood the log', async () => {
    const own: string[] = [];
    const fresh = await startEmulator({ log: (line) => own.push(line) });
    try {
      for (let i = 0; i < 120; i++) await get(`${fresh.url}/magicLink/${UUID}`, { 'sec-fetch-dest': 'iframe', referer: `https://h${i}.example.net/` });
    } finally {
      await fresh.close();
    }
    assert.equal(own.length, 100);
  });
});
