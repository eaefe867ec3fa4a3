// scalekitRest(): the fetch-only client against the emulator's REST routes — what it sends, what it costs
// upstream (token sharing), and how its failures reach the token endpoint's error table.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { startEmulator } from '../../../emulator/src/index.js';
import type { Emulator } from '../../../emulator/src/index.js';
import { ScalekitRestError, ensureOrganization, scalekitPortal, scalekitRest } from '../../../server/index.js';
import type { ScalekitRestOptions } from '../../../server/index.js';
import { SCALEKIT_API } from '../../../server/scalekit/types.js';
import { createLink, hostApp, portalLink, request } from '../support/setup-links-harness.js';

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

function client(options: Partial<ScalekitRestOptions> = {}) {
  return scalekitRest({
    environmentUrl: emulator.url,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    ...options,
  });
}

/** Token requests and portal-link calls since `before`. */
function cost(before: ReturnType<Emulator['stats']>) {
  const now = emulator.stats();
  const calls = (stats: typeof now) => stats.rpcs['GeneratePortalLink'] ?? 0;
  return { tokenRequests: now.tokenRequests - before.tokenRequests, calls: calls(now) - calls(before) };
}

function portal(scalekit: ReturnType<typeof scalekitRest>, organizationId = acme): Hono {
  return scalekitPortal({
    scalekit,
    authorize: () => ({ organizationId }),
    rateLimit: false,
    log: (line) => logLines.push(line),
  });
}

function post(app: Hono, body = '{}') {
  return app.request('/portal-link', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body,
  });
}

async function expectError(response: Response, status: number, code: string) {
  const text = await response.text();
  assert.equal(response.status, status, `expected ${status} ${code}, got ${response.status} ${text}`);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  assert.equal(body.error.code, code);
  assert.ok(!text.includes(emulator.clientSecret));
  for (const line of logLines) assert.ok(!line.includes(emulator.clientSecret), 'the secret reached a log line');
  return { body: body.error, headers: response.headers };
}

describe('scalekitRest(): options', () => {
  it('names the missing or malformed field in a TypeError', () => {
    const base = { environmentUrl: 'https://acme.scalekit.dev', clientId: 'skc_1', clientSecret: 's3cr3t-value' };
    const cases: Array<[Partial<Record<keyof ScalekitRestOptions, unknown>>, RegExp]> = [
      [{ environmentUrl: undefined }, /`environmentUrl`/],
      [{ environmentUrl: 'acme.scalekit.dev' }, /`environmentUrl` must be an http\(s\) URL/],
      [{ environmentUrl: 'https://acme.scalekit.dev/?x=1' }, /`environmentUrl` must not carry/],
      [{ clientId: '' }, /`clientId`/],
      [{ clientSecret: undefined }, /`clientSecret`/],
      [{ clientSecret: '   ' }, /`clientSecret`/],
      [{ fetch: 'fetch' }, /`fetch` must be a function/],
      [{ timeoutMs: 0 }, /`timeoutMs`/],
      [{ timeoutMs: 1.5 }, /`timeoutMs`/],
    ];
    for (const [patch, message] of cases) {
      assert.throws(
        () => scalekitRest({ ...base, ...patch } as ScalekitRestOptions),
        (error: unknown) => error instanceof TypeError && message.test(error.message) && !error.message.includes('s3cr3t'),
        `${JSON.stringify(patch)} should throw ${message}`,
      );
    }
    assert.throws(() => scalekitRest(undefined as never), TypeError);
  });

  it('keeps the secret out of the object a host might log', () => {
    const scalekit = scalekitRest({ environmentUrl: 'https://acme.scalekit.dev/', clientId: 'skc_1', clientSecret: 's3cr3t-value' });
    assert.equal(scalekit.environmentUrl, 'https://acme.scalekit.dev');
    assert.ok(!JSON.stringify(scalekit).includes('s3cr3t'));
    assert.equal(scalekit[SCALEKIT_API](), scalekit);
  });
});

describe('scalekitRest(): against the emulator', () => {
  it('mints a link scoped to the requested features', async () => {
    const scalekit = client();
    const link = await scalekit.generatePortalLink(acme, ['sso']);
    assert.match(link.location, new RegExp(`^${emulator.url}/magicLink/`));
    assert.ok(link.id.length > 0);
    assert.ok(Date.parse(link.expiresAt) > Date.now(), `expiresAt ${link.expiresAt} should be in the future`);
    const issued = emulator.stats().links.at(-1)!;
    assert.equal(issued.id, link.id);
    assert.deepEqual(issued.features, ['sso']);
    assert.deepEqual(issued.requestedFeatures, ['sso']);

    await scalekit.generatePortalLink(acme, ['sso', 'dir_sync']);
    assert.deepEqual(emulator.stats().links.at(-1)!.requestedFeatures, ['sso', 'dir_sync']);
    await scalekit.generatePortalLink(acme);
    const unscoped = emulator.stats().links.at(-1)!;
    assert.deepEqual(unscoped.requestedFeatures, [], 'no features sent means Scalekit’s default');
    assert.deepEqual(unscoped.features, ['sso', 'dir_sync']);
  });

  it('takes expire_time as an RFC 3339 string or as { seconds, nanos }', async () => {
    // The emulator answers one form; the other is made from its real answer.
    const asSeconds = client({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!String(input).includes('/portal_links')) return response;
        const json = (await response.json()) as { link: Record<string, unknown> };
        const ms = Date.parse(String(json.link['expire_time']));
        json.link['expire_time'] = { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
        return Response.json(json, { status: response.status });
      },
    });
    const link = await asSeconds.generatePortalLink(acme);
    assert.ok(Date.parse(link.expiresAt) > Date.now());
    assert.equal(link.expiresAt, new Date(Date.parse(link.expiresAt)).toISOString());
  });

  it('one token request for a cold burst of 50 links, then one call per link', async () => {
    const scalekit = client();
    const start = emulator.stats();
    const links = await Promise.all(Array.from({ length: 50 }, () => scalekit.generatePortalLink(acme)));
    assert.equal(new Set(links.map((link) => link.id)).size, 50);
    assert.deepEqual(cost(start), { tokenRequests: 1, calls: 50 });

    const steady = emulator.stats();
    for (let i = 0; i < 20; i++) await scalekit.generatePortalLink(acme);
    assert.deepEqual(cost(steady), { tokenRequests: 0, calls: 20 }, '1.00 upstream call per link once warm');
  });

  it('re-authenticates once for every caller whose token was refused', async () => {
    const scalekit = client();
    await scalekit.warmUp();
    const start = emulator.stats();
    emulator.faults.failRpcs(10, 'unauthenticated', 'GeneratePortalLink');
    const links = await Promise.all(Array.from({ length: 10 }, () => scalekit.generatePortalLink(acme)));
    assert.equal(links.length, 10);
    assert.deepEqual(cost(start), { tokenRequests: 1, calls: 20 });
  });

  it('finds organizations by external id, creates them, refuses a duplicate with ALREADY_EXISTS', async () => {
    const scalekit = client();
    const externalId = `tenant-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    assert.equal(await scalekit.getOrganizationByExternalId(externalId), null);

    const created = await scalekit.createOrganization({ name: 'Initech', externalId, metadata: { plan: 'enterprise' } });
    assert.match(created.id, /^org_/);
    assert.deepEqual({ name: created.name, externalId: created.externalId }, { name: 'Initech', externalId });
    assert.deepEqual(await scalekit.getOrganizationByExternalId(externalId), created);

    await assert.rejects(
      scalekit.createOrganization({ name: 'Initech again', externalId }),
      (error: unknown) => error instanceof ScalekitRestError && error.grpcStatus === 6 && error.httpStatus === 409,
    );
  });

  it('ensureOrganization() over REST: two hosts racing for one external id end with one organization', async () => {
    const externalId = `race-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    // Two clients, as two host processes would have: nothing coalesces them but Scalekit's ALREADY_EXISTS.
    const [a, b] = await Promise.all([
      ensureOrganization(client(), { externalId, name: 'Umbrella' }),
      ensureOrganization(client(), { externalId, name: 'Umbrella' }),
    ]);
    assert.equal(a.organizationId, b.organizationId);
    assert.deepEqual([a.created, b.created].sort(), [false, true]);
    assert.equal(emulator.organizations().filter((org) => org.id === a.organizationId).length, 1);
  });

  it('never sends a dot segment: "." or ".." as an id in a path is refused with a TypeError naming it', async () => {
    const sent: string[] = [];
    const scalekit = client({ fetch: (input, init) => (sent.push(String(input)), globalThis.fetch(input, init)) });
    await scalekit.warmUp();
    for (const id of ['.', '..']) {
      const refused = (name: RegExp) => (error: unknown) => error instanceof TypeError && name.test(error.message);
      await assert.rejects(scalekit.getOrganizationByExternalId(id), refused(/external id/));
      await assert.rejects(scalekit.generatePortalLink(id), refused(/organization id/));
      await assert.rejects(scalekit.deletePortalLink(id, 'lnk_1'), refused(/organization id/));
      await assert.rejects(scalekit.deletePortalLink(acme, id), refused(/link id/));
    }
    assert.deepEqual(sent.map((url) => new URL(url).pathname), ['/oauth/token'], 'nothing but the token request left');
    // Dots that are not a whole segment travel as they are.
    assert.equal(await scalekit.getOrganizationByExternalId('...'), null);
    assert.equal(await scalekit.getOrganizationByExternalId('.a'), null);
  });

  it('deletes a portal link, and resolves when it is already gone', async () => {
    const scalekit = client();
    const link = await scalekit.generatePortalLink(acme);
    await scalekit.deletePortalLink(acme, link.id);
    const page = await fetch(link.location);
    await page.body?.cancel();
    assert.equal(emulator.stats().links.find((l) => l.id === link.id)?.loadedAt ?? null, null, 'a deleted link never opens');
    await scalekit.deletePortalLink(acme, link.id);
  });
});

describe('scalekitPortal({ scalekit: scalekitRest() }): the error table', () => {
  it('200 with the link', async () => {
    const response = await post(portal(client()), '{"features":["dir_sync"]}');
    assert.equal(response.status, 200);
    const body = (await response.json()) as { id: string; location: string; expiresAt: string };
    assert.match(body.location, /\/magicLink\//);
    assert.deepEqual(emulator.stats().links.at(-1)!.requestedFeatures, ['dir_sync']);
  });

  it('404 organization_not_found for an organization Scalekit does not know', async () => {
    await expectError(await post(portal(client(), 'org_does_not_exist')), 404, 'organization_not_found');
  });

  it('502 upstream_auth_failed when the token request is refused, without the secret anywhere', async () => {
    const scalekit = client({ clientSecret: `${emulator.clientSecret}-wrong` });
    const { body } = await expectError(await post(portal(scalekit)), 502, 'upstream_auth_failed');
    assert.match(body.message, /SCALEKIT_CLIENT_SECRET/);
    assert.ok(logLines.some((line) => /upstream_auth_failed/.test(line)));
    for (const line of logLines) assert.ok(!line.includes(`${emulator.clientSecret}-wrong`));
  });

  it('502 upstream_auth_failed when a fresh token is refused too', async () => {
    const app = portal(client());
    emulator.faults.failRpcs(2, 'unauthenticated', 'GeneratePortalLink');
    await expectError(await post(app), 502, 'upstream_auth_failed');
  });

  it('429 rate_limited with Retry-After when Scalekit says ResourceExhausted', async () => {
    const scalekit = client();
    await scalekit.warmUp();
    emulator.faults.failRpcs(1, 'resource_exhausted', 'GeneratePortalLink');
    const { headers } = await expectError(await post(portal(scalekit)), 429, 'rate_limited');
    assert.ok(Number(headers.get('retry-after')) > 0);
  });

  it('503 upstream_unavailable when Scalekit is unavailable, its token endpoint fails, or nothing listens', async () => {
    const scalekit = client();
    await scalekit.warmUp();
    emulator.faults.failRpcs(1, 'unavailable', 'GeneratePortalLink');
    await expectError(await post(portal(scalekit)), 503, 'upstream_unavailable');

    emulator.faults.failTokenRequests(1, 503);
    await expectError(await post(portal(client())), 503, 'upstream_unavailable');

    const closed = await startEmulator({ port: 0 });
    const url = closed.url;
    await closed.close();
    await expectError(await post(portal(client({ environmentUrl: url }))), 503, 'upstream_unavailable');
  });

  it('504 upstream_timeout when Scalekit does not answer within timeoutMs', async () => {
    const scalekit = client({ timeoutMs: 200 });
    await scalekit.warmUp();
    emulator.faults.setLatency(60_000);
    try {
      await expectError(await post(portal(scalekit)), 504, 'upstream_timeout');
    } finally {
      emulator.faults.setLatency(0);
    }
    emulator.faults.failRpcs(1, 'deadline_exceeded', 'GeneratePortalLink');
    await expectError(await post(portal(scalekit)), 504, 'upstream_timeout');
  });

  it('500 internal when Scalekit fails internally or answers without a usable link', async () => {
    const scalekit = client();
    await scalekit.warmUp();
    emulator.faults.failRpcs(1, 'internal', 'GeneratePortalLink');
    await expectError(await post(portal(scalekit)), 500, 'internal');

    const noLink = client({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        return String(input).includes('/portal_links') ? Response.json({ link: { id: 'x' } }) : response;
      },
    });
    await expectError(await post(portal(noLink)), 500, 'internal');
  });
});

describe('scalekitSetupLinks({ scalekit: scalekitRest() })', () => {
  it('mints a portal link through a setup link, and revoking it deletes that link at Scalekit', async () => {
    const [acmeId, globex] = emulator.organizations().map((org) => org.id) as [string, string];
    const harness = { emulator, scalekit: undefined as never, acme: acmeId, globex, logLines, close: async () => {} };
    const app = hostApp(harness, { scalekit: client() });
    const setup = await createLink(app, acmeId);

    const minted = await portalLink(app, setup.token, { features: ['dir_sync'] });
    assert.equal(minted.status, 200, await minted.clone().text());
    const link = (await minted.json()) as { id: string; location: string };
    const issued = emulator.stats().links.at(-1)!;
    assert.deepEqual([issued.id, issued.organizationId, issued.requestedFeatures], [link.id, acmeId, ['dir_sync']]);

    const deletes = () => emulator.stats().rpcs['DeletePortalLinkByID'] ?? 0;
    const before = deletes();
    const revoked = await request(app, 'DELETE', `/setup-links/${setup.id}`, { headers: { 'x-org': acmeId } });
    assert.equal(revoked.status, 204);
    assert.equal(deletes() - before, 1);
    const page = await fetch(link.location);
    await page.body?.cancel();
    assert.equal(emulator.stats().links.find((l) => l.id === link.id)?.loadedAt ?? null, null, 'the revoked link never opens');
  });
});
