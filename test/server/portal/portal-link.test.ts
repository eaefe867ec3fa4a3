// scalekitPortal(): the HTTP surface through app.request(), with the real SDK minting links on
// the emulator wherever a request gets that far.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Scalekit } from '@scalekit-sdk/node';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { startEmulator } from '../../../emulator/src/index.js';
import type { Emulator } from '../../../emulator/src/index.js';
import { MemoryRateLimitStore, PortalLinkError, ScalekitRouteError, SetupLinkError, scalekitPortal } from '../../../server/index.js';
import type { PortalLinkIssuedEvent, ScalekitPortalOptions } from '../../../server/index.js';

const SAME_ORIGIN = { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' };
const JSON_TYPE = { 'content-type': 'application/json' };

let emulator: Emulator;
let scalekit: Scalekit;
let acme: string;
let globex: string;
let logLines: string[];

before(async () => {
  emulator = await startEmulator({ port: 0 });
  scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  [acme, globex] = emulator.organizations().map((org) => org.id) as [string, string];
});
after(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
  logLines = [];
});

function portal(overrides: Partial<ScalekitPortalOptions> = {}) {
  return scalekitPortal({
    scalekit,
    authorize: () => ({ organizationId: acme, userId: 'user_1' }),
    rateLimit: false,
    log: (line) => logLines.push(line),
    ...overrides,
  });
}

function post(app: Hono, body: string | undefined, headers: Record<string, string> = {}) {
  return app.request('/portal-link', { method: 'POST', headers: { ...SAME_ORIGIN, ...JSON_TYPE, ...headers }, body });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  assert.equal(typeof body.error?.code, 'string');
  assert.equal(typeof body.error?.message, 'string');
  assert.deepEqual(Object.keys(body), ['error']);
  return body.error;
}

async function expectError(response: Response, status: number, code: string) {
  assert.equal(response.status, status, `expected ${status} ${code}`);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const error = await errorOf(response);
  assert.equal(error.code, code);
  return error;
}

const lastLink = () => emulator.stats().links.at(-1)!;

describe('scalekitPortal(): a link for the session\'s organization', () => {
  it('answers 200 { id, location, expiresAt } with Cache-Control: no-store', async () => {
    const response = await post(portal(), '{}');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = (await response.json()) as Record<string, string>;
    assert.deepEqual(Object.keys(body).sort(), ['expiresAt', 'id', 'location']);
    assert.ok(body.location!.startsWith(`${emulator.url}/magicLink/`));
    assert.equal(new Date(body.expiresAt!).toISOString(), body.expiresAt);
    assert.ok(Date.parse(body.expiresAt!) > Date.now());
    assert.equal(lastLink().id, body.id);
    assert.equal(lastLink().organizationId, acme);
  });

  it('ignores an organizationId in the body: the link is for the organization authorize named', async () => {
    const response = await post(portal(), JSON.stringify({ organizationId: globex, organization_id: globex, id: globex }));
    assert.equal(response.status, 200);
    const body = (await response.json()) as { id: string };
    assert.equal(lastLink().id, body.id);
    assert.equal(lastLink().organizationId, acme);
    assert.notEqual(acme, globex);
  });

  it('scopes the link to the requested features, through the SDK\'s generated client', async () => {
    const app = portal();
    assert.equal((await post(app, '{}')).status, 200);
    // Naming none would mean "all" to Scalekit, domain_verification included: the default allow-list is sent.
    assert.deepEqual(lastLink().requestedFeatures, ['sso', 'dir_sync'], 'no feature asked: the allow-list is sent');
    assert.deepEqual(lastLink().features, ['sso', 'dir_sync']);
    assert.equal((await post(app, '{"features":["sso"]}')).status, 200);
    assert.deepEqual(lastLink().requestedFeatures, ['sso']);
    assert.deepEqual(lastLink().features, ['sso']);
    assert.equal((await post(app, '{"features":["dir_sync","dir_sync"]}')).status, 200);
    assert.deepEqual(lastLink().features, ['dir_sync']);
    assert.equal((await post(app, '{"features":["dir_sync","sso"]}')).status, 200);
    assert.deepEqual([...lastLink().features].sort(), ['dir_sync', 'sso']);
  });

  it('narrows a request that names no feature to the allow-list, and refuses features outside it', async () => {
    const app = portal({ features: ['sso'] });
    assert.equal((await post(app, '{}')).status, 200);
    assert.deepEqual(lastLink().features, ['sso']);
    assert.equal((await post(app, '{"features":[]}')).status, 200);
    assert.deepEqual(lastLink().features, ['sso']);
    const error = await expectError(await post(app, '{"features":["dir_sync"]}'), 400, 'invalid_request');
    assert.match(error.message, /sso/);
  });

  it('tells onLinkIssued who got which link, without the link itself', async () => {
    const events: PortalLinkIssuedEvent[] = [];
    const app = portal({ onLinkIssued: (event) => void events.push(event) });
    const response = await post(app, '{"features":["sso"]}');
    const body = (await response.json()) as { id: string; location: string; expiresAt: string };
    assert.deepEqual(events, [
      { organizationId: acme, userId: 'user_1', linkId: body.id, expiresAt: body.expiresAt, features: ['sso'] },
    ]);
    assert.ok(!JSON.stringify(events).includes(body.location));
  });

  it('answers 500 and no link when the audit hook fails', async () => {
    const app = portal({
      onLinkIssued: () => {
        throw new Error('audit store down');
      },
    });
    const response = await post(app, '{}');
    const text = await response.clone().text();
    await expectError(response, 500, 'internal');
    assert.ok(!text.includes('magicLink'));
    assert.ok(!text.includes('audit store down'));
    assert.ok(logLines.some((line) => line.includes('audit store down')));
  });
});

describe('scalekitPortal(): the error table, before Scalekit is asked', () => {
  it('400 invalid_request for malformed JSON and wrong types', async () => {
    const app = portal();
    const before = emulator.stats().linksIssued;
    for (const body of ['', '{', '{"features":', 'null', '[]', '"sso"', '42', 'true', '{"features":"sso"}',
      '{"features":[1]}', '{"features":[null]}', '{"features":{"0":"sso"}}', '{"features":["SSO"]}',
      '{"features":["sso "]}', '{"features":["admin"]}', '{"features":[["sso"]]}']) {
      await expectError(await post(app, body), 400, 'invalid_request');
    }
    assert.equal(emulator.stats().linksIssued, before);
  });

  it('401 unauthenticated when authorize returns null', async () => {
    await expectError(await post(portal({ authorize: () => null }), '{}'), 401, 'unauthenticated');
    await expectError(await post(portal({ authorize: async () => null }), '{}'), 401, 'unauthenticated');
  });

  it('403 forbidden when authorize refuses', async () => {
    const app = portal({
      authorize: () => {
        throw new HTTPException(403, { message: 'not an admin of org_secret' });
      },
    });
    const error = await expectError(await post(app, '{}'), 403, 'forbidden');
    assert.ok(!error.message.includes('org_secret'));
  });

  it('a ScalekitRouteError from authorize answers as its code says, with its own message and headers', async () => {
    const app = portal({
      authorize: () => {
        throw new ScalekitRouteError('forbidden', { message: 'Your account is suspended.', headers: { 'X-Reason': 'suspended' } });
      },
    });
    const response = await post(app, '{}');
    assert.equal(response.headers.get('x-reason'), 'suspended');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const error = await expectError(response, 403, 'forbidden');
    assert.equal(error.message, 'Your account is suspended.');
    // A host's HTTPException that happens to carry a `code` and `headers` is judged by its status, whatever
    // the code says (an inherited property name included).
    for (const code of ['constructor', 'toString', 'made_up']) {
      const hostile = portal({
        authorize: () => {
          throw Object.assign(new HTTPException(403), { code, headers: {} });
        },
      });
      await expectError(await post(hostile, '{}'), 403, 'forbidden');
    }
    // The former names are the same class.
    assert.equal(PortalLinkError, ScalekitRouteError);
    assert.equal(SetupLinkError, ScalekitRouteError);
  });

  it('500 internal (logged, not shown) when authorize breaks or returns a malformed principal', async () => {
    const broken = portal({
      authorize: () => {
        throw new Error('session store password=hunter2 unreachable');
      },
    });
    const error = await expectError(await post(broken, '{}'), 500, 'internal');
    assert.ok(!error.message.includes('hunter2'));
    assert.ok(logLines.some((line) => line.includes('session store')));
    assert.ok(logLines.every((line) => !line.includes('hunter2')));
    for (const principal of [{}, { organizationId: '' }, { organizationId: 7 }, { organizationId: acme, userId: 3 }, 'org']) {
      const app = portal({ authorize: () => principal as never });
      logLines = [];
      await expectError(await post(app, '{}'), 500, 'internal');
      assert.equal(logLines.length, 1);
      assert.match(logLines[0]!, /authorize\(\) must return/);
    }
  });

  it('403 forbidden for cross-site callers, by Origin or Sec-Fetch-Site', async () => {
    const app = portal();
    const before = emulator.stats().linksIssued;
    const crossSite: Array<Record<string, string>> = [
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example', 'sec-fetch-site': '' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { origin: 'http://localhost.evil.example', 'sec-fetch-site': 'same-site' },
      { origin: 'http://localhost:8080', 'sec-fetch-site': 'same-site' },
      { origin: 'https://localhost', 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'none' },
    ];
    for (const headers of crossSite) {
      const request = new Request('http://localhost/portal-link', { method: 'POST', headers: { ...JSON_TYPE, ...headers }, body: '{}' });
      await expectError(await app.request(request), 403, 'forbidden');
    }
    assert.equal(emulator.stats().linksIssued, before);
  });

  it('lets same-origin browsers and non-browser callers through', async () => {
    const app = portal();
    const callers: Array<Record<string, string>> = [{ origin: 'http://localhost' }, { 'sec-fetch-site': 'same-origin' }, {}];
    for (const headers of callers) {
      const request = new Request('http://localhost/portal-link', { method: 'POST', headers: { ...JSON_TYPE, ...headers }, body: '{}' });
      assert.equal((await app.request(request)).status, 200);
    }
  });

  it('allows listed extra origins, with CORS headers and a preflight answer', async () => {
    const app = portal({ allowedOrigins: ['https://admin.example.com:443/'] });
    const origin = 'https://admin.example.com';
    const preflight = await app.request('/portal-link', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(preflight.headers.get('cache-control'), 'no-store');

    const response = await post(app, '{}', { origin, 'sec-fetch-site': 'cross-site' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), origin);

    const other = await app.request('/portal-link', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    await expectError(other, 405, 'method_not_allowed');
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('405 method_not_allowed for every method but POST, with Allow: POST', async () => {
    const app = portal();
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND']) {
      const response = await app.request('/portal-link', { method, headers: SAME_ORIGIN });
      await expectError(response, 405, 'method_not_allowed');
      assert.equal(response.headers.get('allow'), 'POST');
    }
    const head = await app.request('/portal-link', { method: 'HEAD', headers: SAME_ORIGIN });
    assert.equal(head.status, 405);
    assert.equal(head.headers.get('cache-control'), 'no-store');
  });

  it('413 payload_too_large for a body over 4 KiB, declared or not', async () => {
    const app = portal();
    const big = JSON.stringify({ features: ['sso'], padding: 'x'.repeat(4096) });
    await expectError(await post(app, big), 413, 'payload_too_large');
    await expectError(await post(app, big, { 'content-length': String(Buffer.byteLength(big)) }), 413, 'payload_too_large');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(1024)));
        controller.enqueue(new TextEncoder().encode('{}'));
        controller.close();
      },
    });
    const request = new Request('http://localhost/portal-link', {
      method: 'POST',
      headers: { ...SAME_ORIGIN, ...JSON_TYPE },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectError(await app.request(request), 413, 'payload_too_large');
    // Exactly 4 KiB is still fine.
    const fits = `{}${' '.repeat(4096 - 2)}`;
    assert.equal((await post(app, fits)).status, 200);
  });

  it('413 by the body\'s UTF-8 bytes, not its characters, whatever Content-Length claims', async () => {
    const app = portal();
    // 1 400 euro signs are 1 413 characters but 4 213 bytes; an understated Content-Length leaves the read body to tell.
    const over = JSON.stringify({ padding: '€'.repeat(1400) });
    await expectError(await post(app, over, { 'content-length': '2' }), 413, 'payload_too_large');
    const fits = JSON.stringify({ padding: '€'.repeat(1300) });
    assert.equal((await post(app, fits, { 'content-length': '2' })).status, 200);
  });

  it('415 unsupported_media_type for anything but application/json', async () => {
    const app = portal();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
      'application/jsonp', 'application/json-patch+json', 'json', '', 'text/json']) {
      await expectError(await post(app, '{}', { 'content-type': type }), 415, 'unsupported_media_type');
    }
    const noType = await app.request('/portal-link', { method: 'POST', headers: SAME_ORIGIN, body: new Uint8Array([123, 125]) });
    await expectError(noType, 415, 'unsupported_media_type');
    assert.equal((await post(app, '{}', { 'content-type': 'Application/JSON; charset=utf-8' })).status, 200);
  });
});

describe('scalekitPortal(): rate limit per principal', () => {
  it('429 rate_limited with Retry-After once a principal is over the limit; others are unaffected', async () => {
    let user = 'alice';
    const app = portal({ rateLimit: { limit: 2, windowMs: 60_000 }, authorize: () => ({ organizationId: acme, userId: user }) });
    assert.equal((await post(app, '{}')).status, 200);
    assert.equal((await post(app, '{}')).status, 200);
    const before = emulator.stats().rpcs['GeneratePortalLink'] ?? 0;
    const limited = await post(app, '{}');
    await expectError(limited, 429, 'rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(emulator.stats().rpcs['GeneratePortalLink'] ?? 0, before, 'a limited request never reaches Scalekit');
    user = 'bob';
    assert.equal((await post(app, '{}')).status, 200);
  });

  it('defaults to 10 per minute per principal', async () => {
    const app = portal({ rateLimit: undefined });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await post(app, '{}')).status);
    assert.deepEqual(statuses, [...Array(10).fill(200), 429]);
  });

  it('counts in a store shared by several instances', async () => {
    const store = new MemoryRateLimitStore();
    const one = portal({ rateLimit: { limit: 1, windowMs: 60_000, store } });
    const two = portal({ rateLimit: { limit: 1, windowMs: 60_000, store } });
    assert.equal((await post(one, '{}')).status, 200);
    await expectError(await post(two, '{}'), 429, 'rate_limited');
  });

  it('counts again once the window has passed', async () => {
    let now = 1_000_000;
    const store = new MemoryRateLimitStore({ now: () => now });
    const app = portal({ rateLimit: { limit: 1, windowMs: 60_000, store } });
    assert.equal((await post(app, '{}')).status, 200);
    assert.equal((await post(app, '{}')).status, 429);
    now += 60_000;
    assert.equal((await post(app, '{}')).status, 200);
  });

  it('keeps the in-memory store bounded: expired windows are swept as new principals arrive', () => {
    let now = 0;
    const store = new MemoryRateLimitStore({ now: () => now });
    for (let i = 0; i < 5_000; i++) store.hit(`user:${i}`, 1_000);
    assert.equal(store.size, 5_000);
    now += 1_000;
    for (let i = 0; i < 5_000; i++) store.hit(`other:${i}`, 1_000);
    assert.equal(store.size, 5_000, 'the first 5 000 (expired) windows are gone');
    now += 1_000;
    for (let i = 0; i < 20_000; i++) store.hit(`late:${i}`, 1_000);
    assert.equal(store.size, 20_000, 'only live windows remain');
  });

  it('turns off with rateLimit: false', async () => {
    const app = portal({ rateLimit: false });
    for (let i = 0; i < 12; i++) assert.equal((await post(app, '{}')).status, 200);
  });
});

describe('scalekitPortal(): options', () => {
  it('refuses options it cannot honour, at construction', () => {
    const base = { scalekit, authorize: () => null };
    assert.throws(() => scalekitPortal(undefined as never), TypeError);
    assert.throws(() => scalekitPortal({ ...base, scalekit: undefined as never }), /scalekit/);
    assert.throws(() => scalekitPortal({ ...base, authorize: undefined as never }), /authorize/);
    assert.throws(() => scalekitPortal({ ...base, features: [] }), /features/);
    assert.throws(() => scalekitPortal({ ...base, features: ['admin' as never] }), /features/);
    assert.throws(() => scalekitPortal({ ...base, allowedOrigins: ['not a url'] }), /allowedOrigins/);
    assert.throws(() => scalekitPortal({ ...base, allowedOrigins: ['https://a.example/path'] }), /allowedOrigins/);
    assert.throws(() => scalekitPortal({ ...base, allowedOrigins: ['javascript:alert(1)'] }), /allowedOrigins/);
    assert.throws(() => scalekitPortal({ ...base, rateLimit: { limit: 0 } }), /limit/);
    assert.throws(() => scalekitPortal({ ...base, rateLimit: { windowMs: -1 } }), /windowMs/);
  });

  it('mounts under any path and leaves the host\'s other routes alone', async () => {
    const host = new Hono();
    host.get('/api/scalekit/other', (c) => c.text('host route'));
    host.route('/api/scalekit', portal());
    const response = await host.request('/api/scalekit/portal-link', { method: 'POST', headers: { ...SAME_ORIGIN, ...JSON_TYPE }, body: '{}' });
    assert.equal(response.status, 200);
    const other = await host.request('/api/scalekit/other');
    assert.equal(await other.text(), 'host route');
    assert.equal(other.headers.get('cache-control'), null);
  });
});
