// /_emulator/* over HTTP, the same controls on the returned object, the token endpoint's HTTP surface,
// and startEmulator's option checks — each with malformed and hostile input.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scalekit } from '@scalekit-sdk/node';
import { DEFAULT_ORGANIZATIONS, startEmulator, type Emulator, type EmulatorOptions } from '../src/index.js';

const orgId = DEFAULT_ORGANIZATIONS[0]!.id;

describe('emulator controls', () => {
  let emulator: Emulator;
  let scalekit: Scalekit;

  before(async () => {
    emulator = await startEmulator();
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  });
  after(() => emulator.close());

  const auth = () => ({ authorization: `Bearer ${emulator.controlToken}` });
  const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${emulator.url}${path}`, { method: 'POST', body, headers: { ...auth(), ...headers } });

  it('GET /_emulator/stats reports what the SDK did', async () => {
    emulator.reset();
    const link = await scalekit.organization.generatePortalLink(orgId);
    const res = await fetch(`${emulator.url}/_emulator/stats`, { headers: auth() });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const stats = await res.json();
    assert.deepEqual(stats, emulator.stats());
    assert.equal(stats.linksIssued, 1);
    assert.equal(stats.links[0].id, link.id);
    assert.equal(JSON.stringify(stats).includes(link.location), false, 'stats never carry a portal link');
  });

  it('POST /_emulator/faults injects token and RPC failures and latency', async () => {
    emulator.reset();
    const res = await post('/_emulator/faults', JSON.stringify({ rpc: { count: 1, code: 'permission_denied', method: 'GetOrganization' } }));
    assert.equal(res.status, 200);
    await assert.rejects(scalekit.organization.getOrganization(orgId), { name: 'ScalekitForbiddenException' });
    await scalekit.organization.getOrganization(orgId);

    assert.equal((await post('/_emulator/faults', JSON.stringify({ token: { count: 2, status: 500 } }))).status, 200);
    const cold = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    await assert.rejects(cold.organization.getOrganization(orgId), (e: { response?: { status: number } }) => e.response?.status === 500);
    await assert.rejects(cold.organization.getOrganization(orgId), (e: { response?: { status: number } }) => e.response?.status === 500);
    await cold.organization.getOrganization(orgId);

    assert.equal((await post('/_emulator/faults', JSON.stringify({ latencyMs: 1000 }))).status, 200);
    const impatient = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret, { timeoutMs: 100 });
    await assert.rejects(impatient.organization.getOrganization(orgId), { name: 'ScalekitGatewayTimeoutException' });
    assert.equal((await post('/_emulator/faults', JSON.stringify({ clear: true }))).status, 200);
    await scalekit.organization.getOrganization(orgId);
  });

  it('POST /_emulator/faults answers malformed input with 400 and changes nothing', async () => {
    emulator.reset();
    const bad: Array<[string, RegExp]> = [
      ['not json', /not valid JSON/],
      ['[]', /JSON object/],
      ['null', /JSON object/],
      ['{}', /at least one/],
      ['{"tokn":{"count":1,"status":500}}', /unknown field: tokn/],
      ['{"token":{"count":-1,"status":500}}', /count/],
      ['{"token":{"count":1.5,"status":500}}', /count/],
      ['{"token":{"count":"2","status":500}}', /count/],
      ['{"token":{"count":1e9,"status":500}}', /count/],
      ['{"token":{"count":1,"status":200}}', /status/],
      ['{"token":[1,500]}', /token must be/],
      ['{"rpc":{"count":1,"code":"nope"}}', /code must be one of/],
      ['{"rpc":{"count":1,"code":"__proto__"}}', /code must be one of/],
      ['{"rpc":{"count":1,"code":"toString"}}', /code must be one of/],
      ['{"rpc":{"count":1,"code":"internal","method":"DropTables"}}', /method must be one of/],
      ['{"rpc":{"count":1,"code":"internal","method":{"$ne":1}}}', /method must be one of/],
      ['{"latencyMs":-5}', /latency/],
      ['{"latencyMs":1e12}', /latency/],
      ['{"latencyMs":"300"}', /latency/],
      ['{"clear":"yes"}', /clear must be true/],
      // valid token part, invalid rpc part: the whole request is refused
      ['{"token":{"count":1,"status":500},"rpc":{"count":1,"code":"bad"}}', /code must be one of/],
    ];
    for (const [body, message] of bad) {
      const res = await post('/_emulator/faults', body);
      assert.equal(res.status, 400, body);
      const json = await res.json();
      assert.equal(json.error.code, 'invalid_request', body);
      assert.match(json.error.message, message, body);
    }
    const cold = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    await cold.organization.getOrganization(orgId); // no token fault slipped through
    assert.equal(emulator.stats().tokenRequests, 1);
  });

  it('refuses other content types, oversized bodies, cross-site requests and unknown controls', async () => {
    assert.equal((await post('/_emulator/faults', '{"latencyMs":1}', { 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post('/_emulator/faults', `{"latencyMs":1,"pad":"${'x'.repeat(20_000)}"}`)).status, 413);
    const crossSite = await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST', headers: { ...auth(), 'sec-fetch-site': 'cross-site' } });
    assert.equal(crossSite.status, 403);
    const unknown = await fetch(`${emulator.url}/_emulator/../../etc/passwd`, { headers: auth() });
    assert.equal(unknown.status, 404);
    assert.equal((await fetch(`${emulator.url}/_emulator/stats`, { method: 'DELETE', headers: auth() })).status, 404);
  });

  it('POST /_emulator/reset restores the seed and zeroes the stats', async () => {
    await scalekit.organization.createOrganization('Soon gone');
    emulator.faults.setLatency(5);
    const res = await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST', headers: auth() });
    assert.equal(res.status, 200);
    assert.deepEqual(emulator.organizations(), DEFAULT_ORGANIZATIONS);
    assert.equal(emulator.stats().tokenRequests, 0);
    assert.deepEqual(emulator.stats().rpcs, {});
  });

  it('the faults object throws on malformed input instead of guessing', () => {
    const f = emulator.faults;
    assert.throws(() => f.failTokenRequests(Number.NaN, 500), RangeError);
    assert.throws(() => f.failTokenRequests(1, 302), RangeError);
    assert.throws(() => f.failTokenRequests(1, '500' as unknown as number), RangeError);
    assert.throws(() => f.failRpcs(1, 'UNAVAILABLE'), RangeError); // lower snake case only
    assert.throws(() => f.failRpcs(1, 'hasOwnProperty'), RangeError);
    assert.throws(() => f.failRpcs(1, 'internal', 'generatePortalLink'), RangeError);
    assert.throws(() => f.failRpcs(Infinity, 'internal'), RangeError);
    assert.throws(() => f.setLatency(-1), RangeError);
    assert.throws(() => f.setLatency(0.5), RangeError);
    assert.throws(() => f.setLatency(null as unknown as number), RangeError);
  });
});

describe('emulator /oauth/token over HTTP', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ clientId: 'skc_test', clientSecret: 'sks_test_secret' });
  });
  after(() => emulator.close());

  const token = (body: string, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }) =>
    fetch(`${emulator.url}/oauth/token`, { method: 'POST', body, headers });

  it('issues a bearer token for the client-credentials grant, also with HTTP Basic client auth', async () => {
    const res = await token('grant_type=client_credentials&client_id=skc_test&client_secret=sks_test_secret');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const json = await res.json();
    assert.match(json.access_token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'a compact JWT');
    assert.equal(json.token_type, 'Bearer');
    const basic = await token('grant_type=client_credentials', {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('skc_test:sks_test_secret').toString('base64')}`,
    });
    assert.equal(basic.status, 200);
  });

  it('answers malformed and hostile requests with OAuth errors that never echo the secret', async () => {
    const cases: Array<[string, Record<string, string> | undefined, number, string]> = [
      ['grant_type=client_credentials&client_id=skc_test&client_secret=nope', undefined, 401, 'invalid_client'],
      ['grant_type=client_credentials&client_id=other&client_secret=sks_test_secret', undefined, 401, 'invalid_client'],
      ['grant_type=password&client_id=skc_test&client_secret=sks_test_secret', undefined, 400, 'unsupported_grant_type'],
      ['grant_type=client_credentials&client_id=skc_test', undefined, 400, 'invalid_request'],
      ['{"grant_type":"client_credentials"}', { 'content-type': 'application/json' }, 400, 'invalid_request'],
      ['grant_type=client_credentials', { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic %%%' }, 400, 'invalid_request'],
      [`grant_type=client_credentials&client_id=${'a'.repeat(20_000)}`, undefined, 413, 'invalid_request'],
    ];
    for (const [body, headers, status, error] of cases) {
      const res = await token(body, headers);
      assert.equal(res.status, status, body.slice(0, 80));
      const text = await res.text();
      assert.equal(JSON.parse(text).error, error);
      assert.equal(text.includes('nope') || text.includes('sks_test_secret'), false);
    }
    assert.equal((await fetch(`${emulator.url}/oauth/token`)).status, 404);
  });
});

describe('startEmulator options', () => {
  it('refuses malformed and hostile options before listening', async () => {
    const bad: EmulatorOptions[] = [
      { port: -1 },
      { port: 70_000 },
      { port: 1.5 },
      { host: 'localhost; rm -rf /' },
      { clientSecret: 'has space' },
      { clientSecret: '' },
      { clientId: 'x'.repeat(300) },
      { organizations: [{ id: 'acme', displayName: 'Acme' }] },
      { organizations: [{ id: 'org_a', displayName: '' }] },
      { organizations: [{ id: 'org_a', displayName: 'A' }, { id: 'org_a', displayName: 'B' }] },
      { organizations: 'org_a' as unknown as [] },
      { linkTtlSeconds: 0 },
      { sessionSeconds: Number.POSITIVE_INFINITY },
      { warningSeconds: -1 },
      { allowedOrigins: ["http://localhost:* 'unsafe-inline'"] },
      { allowedOrigins: ['http://localhost:3000; script-src *'] },
      { allowedOrigins: ['*'] },
      { allowedOrigins: ['javascript:alert(1)'] },
      { allowedOrigins: 'http://localhost:*' as unknown as string[] },
      { webhooks: { url: 'file:///etc/passwd', secret: 'whsec_c2VjcmV0c2VjcmV0' } },
      { webhooks: { url: 'http://127.0.0.1:1/hook', secret: 'not-a-whsec' } },
      null as unknown as EmulatorOptions,
    ];
    for (const options of bad) {
      await assert.rejects(startEmulator(options), (e: unknown) => e instanceof TypeError || e instanceof RangeError, JSON.stringify(options));
    }
  });

  it('accepts its own organizations and origin patterns', async () => {
    const emulator = await startEmulator({
      organizations: [{ id: 'org_one', displayName: 'One' }],
      allowedOrigins: ['https://*.example.com', 'http://localhost:5173', 'http://[::1]:*'],
    });
    try {
      assert.deepEqual(emulator.organizations(), [{ id: 'org_one', displayName: 'One' }]);
      assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await emulator.close();
    }
  });
});
