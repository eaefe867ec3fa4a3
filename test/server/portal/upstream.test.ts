// scalekitPortal() when Scalekit misbehaves, and what it costs upstream: the real SDK against the emulator,
// failures injected through the emulator's faults (the endpoint's error table).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Scalekit } from '@scalekit-sdk/node';
import type { Hono } from 'hono';
import { startEmulator } from '../../../emulator/src/index.js';
import type { Emulator } from '../../../emulator/src/index.js';
import { ScalekitSdkShapeError, UPSTREAM_RETRY_AFTER_SECONDS, scalekitPortal } from '../../../server/index.js';

let emulator: Emulator;
let acme: string;
let logLines: string[];

before(async () => {
  emulator = await startEmulator({ port: 0 });
  acme = emulator.organizations()[0]!.id;
});
after(() => emulator.close());
beforeEach(() => {
  emulator.faults.clear();
  logLines = [];
});

function freshClient(options: { secret?: string; timeoutMs?: number; url?: string } = {}) {
  return new Scalekit(options.url ?? emulator.url, emulator.clientId, options.secret ?? emulator.clientSecret, {
    timeoutMs: options.timeoutMs ?? 20_000,
  });
}

function portal(scalekit: Scalekit, organizationId = acme) {
  return scalekitPortal({
    scalekit,
    authorize: () => ({ organizationId }),
    rateLimit: false,
    log: (line) => logLines.push(line),
  });
}

function post(app: Hono) {
  return app.request('/portal-link', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: '{}',
  });
}

async function expectError(response: Response, status: number, code: string) {
  const text = await response.text();
  assert.equal(response.status, status, `expected ${status} ${code}, got ${response.status} ${text}`);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  assert.equal(body.error.code, code);
  assert.ok(!text.includes('magicLink'));
  assert.ok(!text.includes(emulator.clientSecret));
  return body.error;
}

/** A client that already holds a token, so a fault hits the RPC rather than the token request. */
async function warmPortal(options: Parameters<typeof freshClient>[0] = {}) {
  const app = portal(freshClient(options));
  assert.equal((await post(app)).status, 200);
  return app;
}

const delta = (before: ReturnType<Emulator['stats']>) => {
  const now = emulator.stats();
  return {
    tokenRequests: now.tokenRequests - before.tokenRequests,
    rpcs: (now.rpcs['GeneratePortalLink'] ?? 0) - (before.rpcs['GeneratePortalLink'] ?? 0),
  };
};

describe('scalekitPortal(): upstream failures → the error table', () => {
  it('404 organization_not_found when Scalekit does not know the organization', async () => {
    await expectError(await post(portal(freshClient(), 'org_does_not_exist')), 404, 'organization_not_found');
    const warm = await warmPortal();
    emulator.faults.failRpcs(1, 'not_found', 'GeneratePortalLink');
    await expectError(await post(warm), 404, 'organization_not_found');
  });

  it('502 upstream_auth_failed on wrong client credentials, naming what to check but never the secret', async () => {
    const before = emulator.stats();
    const error = await expectError(await post(portal(freshClient({ secret: 'definitely-wrong-secret' }))), 502, 'upstream_auth_failed');
    assert.match(error.message, /SCALEKIT_CLIENT_SECRET/);
    assert.ok(!error.message.includes('definitely-wrong-secret'));
    assert.equal(delta(before).tokenRequests, 1);
    assert.ok(logLines.length > 0);
    for (const line of logLines) {
      assert.ok(!line.includes('definitely-wrong-secret'));
      assert.ok(!line.includes(emulator.clientSecret));
    }
  });

  it('502 upstream_auth_failed when the token endpoint answers 401, or Scalekit keeps refusing the token', async () => {
    emulator.faults.failTokenRequests(1, 401);
    await expectError(await post(portal(freshClient())), 502, 'upstream_auth_failed');
    const warm = await warmPortal();
    emulator.faults.failRpcs(10, 'unauthenticated', 'GeneratePortalLink');
    await expectError(await post(warm), 502, 'upstream_auth_failed');
    emulator.faults.clear();
    emulator.faults.failRpcs(1, 'permission_denied', 'GeneratePortalLink');
    await expectError(await post(warm), 502, 'upstream_auth_failed');
  });

  it('503 upstream_unavailable when Scalekit is unreachable', async () => {
    const gone = await startEmulator({ port: 0 });
    const url = gone.url;
    await gone.close();
    await expectError(await post(portal(freshClient({ url }))), 503, 'upstream_unavailable');
    emulator.faults.failTokenRequests(1, 503);
    await expectError(await post(portal(freshClient())), 503, 'upstream_unavailable');
  });

  it('503 upstream_unavailable when GeneratePortalLink stays UNAVAILABLE through the SDK\'s retries', async () => {
    const warm = await warmPortal();
    const before = emulator.stats();
    emulator.faults.failRpcs(4, 'unavailable', 'GeneratePortalLink');
    await expectError(await post(warm), 503, 'upstream_unavailable');
    assert.equal(delta(before).rpcs, 4, 'the SDK tried once and retried three times');
  });

  it('200 when UNAVAILABLE clears within the SDK\'s retries', async () => {
    const warm = await warmPortal();
    emulator.faults.failRpcs(1, 'unavailable', 'GeneratePortalLink');
    assert.equal((await post(warm)).status, 200);
  });

  it('504 upstream_timeout on DEADLINE_EXCEEDED and when Scalekit answers after the SDK\'s timeoutMs', async () => {
    const warm = await warmPortal({ timeoutMs: 1_000 });
    emulator.faults.failRpcs(1, 'deadline_exceeded', 'GeneratePortalLink');
    await expectError(await post(warm), 504, 'upstream_timeout');
    emulator.faults.setLatency(10_000);
    await expectError(await post(warm), 504, 'upstream_timeout');
    // A cold client times out on the token request instead: the same answer.
    await expectError(await post(portal(freshClient({ timeoutMs: 1_000 }))), 504, 'upstream_timeout');
  });

  it('429 rate_limited with Retry-After when Scalekit says RESOURCE_EXHAUSTED', async () => {
    const warm = await warmPortal();
    emulator.faults.failRpcs(1, 'resource_exhausted', 'GeneratePortalLink');
    const response = await post(warm);
    assert.equal(response.headers.get('retry-after'), String(UPSTREAM_RETRY_AFTER_SECONDS));
    await expectError(response, 429, 'rate_limited');
    emulator.faults.failTokenRequests(1, 429);
    const cold = await post(portal(freshClient()));
    assert.ok(Number(cold.headers.get('retry-after')) >= 1);
    await expectError(cold, 429, 'rate_limited');
  });

  it('500 internal for anything else, with details in the log only', async () => {
    const warm = await warmPortal();
    emulator.faults.failRpcs(1, 'internal', 'GeneratePortalLink');
    const error = await expectError(await post(warm), 500, 'internal');
    assert.ok(!/injected|grpc|INTERNAL/i.test(error.message));
    assert.equal(logLines.length, 1, logLines.join('\n'));
    assert.match(logLines[0]!, /grpc=13/);
  });
});

describe('scalekitPortal(): upstream cost', () => {
  it('50 concurrent first requests on a fresh client cost 1 token request and 50 GeneratePortalLink RPCs', async () => {
    const app = portal(freshClient());
    const before = emulator.stats();
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(app)));
    assert.deepEqual(responses.map((r) => r.status), Array(50).fill(200));
    const ids = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id)));
    assert.equal(ids.size, 50, 'every request got its own link');
    assert.deepEqual(delta(before), { tokenRequests: 1, rpcs: 50 });
  });

  it('re-authenticates when Scalekit rejects the token, once for a whole burst', async () => {
    const app = await warmPortal();
    let before = emulator.stats();
    emulator.faults.failRpcs(1, 'unauthenticated', 'GeneratePortalLink');
    assert.equal((await post(app)).status, 200);
    assert.deepEqual(delta(before), { tokenRequests: 1, rpcs: 2 });

    before = emulator.stats();
    emulator.faults.failRpcs(20, 'unauthenticated', 'GeneratePortalLink');
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(app)));
    assert.deepEqual(responses.map((r) => r.status), Array(20).fill(200));
    assert.deepEqual(delta(before), { tokenRequests: 1, rpcs: 40 });
  });

  it('maps a failed re-authentication by its cause: refused → 502, Scalekit down → 503', async () => {
    const app = await warmPortal();
    emulator.faults.failRpcs(1, 'unauthenticated', 'GeneratePortalLink');
    emulator.faults.failTokenRequests(2, 503);
    await expectError(await post(app), 503, 'upstream_unavailable');
    emulator.faults.clear();
    emulator.faults.failRpcs(1, 'unauthenticated', 'GeneratePortalLink');
    emulator.faults.failTokenRequests(2, 401);
    await expectError(await post(app), 502, 'upstream_auth_failed');
    emulator.faults.clear();
    assert.equal((await post(app)).status, 200, 'the token it held still works');
  });

  it('a failed token request is not cached: the next request fetches again', async () => {
    const app = portal(freshClient());
    emulator.faults.failTokenRequests(1, 500);
    await expectError(await post(app), 503, 'upstream_unavailable');
    const before = emulator.stats();
    assert.equal((await post(app)).status, 200);
    assert.deepEqual(delta(before), { tokenRequests: 1, rpcs: 1 });
  });
});

describe('scalekitPortal(): the SDK shape it relies on', () => {
  it('accepts the installed @scalekit-sdk/node', () => {
    assert.doesNotThrow(() => portal(freshClient()));
  });

  it('fails loudly, at construction, if the SDK moved what it needs', () => {
    const breakages: Array<(sdk: Record<string, any>) => void> = [
      (sdk) => delete sdk['coreClient'],
      (sdk) => (sdk['coreClient'].connectExec = undefined),
      (sdk) => (sdk['coreClient'].authenticateClient = undefined),
      (sdk) => (sdk['organization'] = { generatePortalLink: () => null }),
      (sdk) => (sdk['organization'].client = {}),
    ];
    for (const breakIt of breakages) {
      const sdk = freshClient() as unknown as Record<string, any>;
      breakIt(sdk);
      assert.throws(() => portal(sdk as unknown as Scalekit), ScalekitSdkShapeError);
    }
  });
});
