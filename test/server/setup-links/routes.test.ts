// scalekitSetupLinks(): every route and error of the onboarding setup links, through app.request(), with the
// real SDK minting and deleting portal links on the emulator, on both shipped stores.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { emptyPglite } from '../../support/pglite.js';
import { Scalekit } from '@scalekit-sdk/node';
import { MemorySetupLinkStore, scalekitRest, scalekitSetupLinks, sqlSetupLinkStore } from '../../../server/index.js';
import type { SetupLinkPortalLinkIssuedEvent, SetupLinkStore } from '../../../server/index.js';
import type { ScalekitClientLike } from '../../../server/scalekit/types.js';
import { sdkOrganizationClient } from '../../../emulator/test/support/sdk.js';
import {
  PUBLIC_URL,
  createLink,
  expectError,
  hostApp,
  portalLink,
  request,
  startHarness,
  type Harness,
} from '../support/setup-links-harness.js';

let h: Harness;
let pglite: PGlite;
before(async () => {
  h = await startHarness();
  pglite = await emptyPglite();
});
after(async () => {
  await h.close();
  await pglite.close();
});
beforeEach(() => {
  h.emulator.faults.clear();
  h.logLines.length = 0;
});

async function sessionTokenOf(location: string): Promise<string> {
  const html = await (await fetch(location)).text();
  return JSON.parse(/<script type="application\/json"[^>]*>(.*?)<\/script>/s.exec(html)![1]!).sessionToken;
}

const stores: Array<[string, () => SetupLinkStore]> = [
  ['memory store', () => new MemorySetupLinkStore()],
  ['SQL store on PGlite', () => sqlSetupLinkStore(pglite, { table: `links_${Math.random().toString(36).slice(2, 10)}` })],
];

// The same routes through scalekitRest() (fetch only, the REST API) instead of the SDK.
const clients: Array<[string, () => ScalekitClientLike]> = [
  ['the Node SDK', () => h.scalekit],
  ['scalekitRest()', () => scalekitRest({ environmentUrl: h.emulator.url, clientId: h.emulator.clientId, clientSecret: h.emulator.clientSecret })],
];

for (const [[storeName, makeStore], [clientName, makeClient]] of [
  [stores[0]!, clients[0]!],
  [stores[1]!, clients[0]!],
  [stores[1]!, clients[1]!],
] as const) {
  describe(`scalekitSetupLinks() with the ${storeName} and ${clientName}`, () => {
    it('create → list → portal link for the link\'s organization → revoke → refused, its portal links deleted', async () => {
      const issued: SetupLinkPortalLinkIssuedEvent[] = [];
      const app = hostApp(h, { scalekit: makeClient(), store: makeStore(), onLinkIssued: (event) => void issued.push(event) });

      const response = await request(app, 'POST', '/setup-links', { body: JSON.stringify({ note: '  For Jane (IT)  ' }), headers: { 'x-org': h.acme, 'x-user': 'staff_1' } });
      assert.equal(response.status, 201);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const created = (await response.json()) as Record<string, string>;
      assert.deepEqual(Object.keys(created).sort(), ['createdAt', 'expiresAt', 'id', 'note', 'url']);
      assert.equal(created['note'], 'For Jane (IT)');
      assert.match(created['id']!, /^sl_[A-Za-z0-9_-]{22}$/);
      const url = new URL(created['url']!);
      assert.equal(`${url.origin}${url.pathname}`, PUBLIC_URL);
      assert.match(url.hash, /^#sksl_[A-Za-z0-9_-]{43}$/);
      const token = url.hash.slice(1);
      assert.equal(Date.parse(created['expiresAt']!) - Date.parse(created['createdAt']!), 7 * 24 * 60 * 60 * 1000);

      // the token holder (no session at all) gets a portal link for acme
      const minted = await portalLink(app, token);
      assert.equal(minted.status, 200);
      assert.equal(minted.headers.get('cache-control'), 'no-store');
      const link = (await minted.json()) as { id: string; location: string; expiresAt: string };
      assert.deepEqual(Object.keys(link), ['id', 'location', 'expiresAt']);
      const sdkLinks = sdkOrganizationClient(h.scalekit);
      const acmeLinks = async () => (await sdkLinks.exec(sdkLinks.client.getPortalLinks, { id: h.acme })).links.map((l) => l.id);
      assert.ok((await acmeLinks()).includes(link.id), 'minted for the setup link\'s organization');
      assert.deepEqual(issued, [{ organizationId: h.acme, userId: undefined, setupLinkId: created['id'], linkId: link.id, expiresAt: link.expiresAt, features: ['sso', 'dir_sync'] }]);
      const session = await sessionTokenOf(link.location); // the admin opens it
      const second = (await (await portalLink(app, token)).json()) as { id: string; location: string };

      // the listing: counts, never a token or url
      const listed = await request(app, 'GET', '/setup-links', { headers: { 'x-org': h.acme } });
      assert.equal(listed.status, 200);
      assert.equal(listed.headers.get('cache-control'), 'no-store');
      const text = await listed.text();
      assert.ok(!text.includes(token) && !text.includes(PUBLIC_URL) && !text.includes('magicLink'));
      const { setupLinks } = JSON.parse(text) as { setupLinks: Array<Record<string, unknown>> };
      assert.equal(setupLinks.length, 1);
      assert.deepEqual(Object.keys(setupLinks[0]!).sort(), ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'note', 'revokedAt', 'uses']);
      assert.equal(setupLinks[0]!['uses'], 2);
      assert.equal(typeof setupLinks[0]!['lastUsedAt'], 'string');
      assert.equal(setupLinks[0]!['revokedAt'], null);
      // another organization sees none of it
      const globexList = await request(app, 'GET', '/setup-links', { headers: { 'x-org': h.globex } });
      assert.deepEqual(await globexList.json(), { setupLinks: [] });

      // revoke: the open session ends, the unopened link no longer opens, the token is refused
      const waiting = await fetch(`${h.emulator.url}/portal/api/session/wait`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-portal-session': session }, body: '{}',
      });
      const revoked = await request(app, 'DELETE', `/setup-links/${created['id']}`, { headers: { 'x-org': h.acme } });
      assert.equal(revoked.status, 204);
      assert.deepEqual(await waiting.json(), { ended: true });
      assert.equal((await fetch(second.location)).status, 410);
      assert.deepEqual((await acmeLinks()).filter((id) => id === link.id || id === second.id), []);
      await expectError(await portalLink(app, token), 410, 'setup_link_revoked');
      const after = (await (await request(app, 'GET', '/setup-links', { headers: { 'x-org': h.acme } })).json()) as { setupLinks: Array<{ revokedAt: string | null }> };
      assert.equal(typeof after.setupLinks[0]!.revokedAt, 'string');
      // revoking again is fine
      assert.equal((await request(app, 'DELETE', `/setup-links/${created['id']}`, { headers: { 'x-org': h.acme } })).status, 204);
    });

    it('a link past its TTL refuses with 410 setup_link_expired (injected clock), and stays listed', async () => {
      let clock = Date.parse('2026-03-01T00:00:00Z');
      const app = hostApp(h, { scalekit: makeClient(), store: makeStore(), ttlMs: 60_000, now: () => clock });
      const { token, expiresAt } = await createLink(app, h.acme);
      assert.equal(expiresAt, '2026-03-01T00:01:00.000Z');
      clock += 59_999;
      assert.equal((await portalLink(app, token)).status, 200);
      clock += 1;
      await expectError(await portalLink(app, token), 410, 'setup_link_expired');
      const list = (await (await request(app, 'GET', '/setup-links', { headers: { 'x-org': h.acme } })).json()) as { setupLinks: unknown[] };
      assert.equal(list.setupLinks.length, 1);
    });
  });
}

describe('scalekitSetupLinks(): authorization, scoping and errors', () => {
  it('DELETE answers 404 setup_link_not_found for unknown, malformed and other organizations\' ids, and leaves them be', async () => {
    const app = hostApp(h);
    const globexLink = await createLink(app, h.globex);
    for (const id of [globexLink.id, 'sl_AAAAAAAAAAAAAAAAAAAAAA', 'nope', 'portal-link-x', '%F0%9F%98%80', 'x'.repeat(3000)]) {
      await expectError(await request(app, 'DELETE', `/setup-links/${id}`, { headers: { 'x-org': h.acme } }), 404, 'setup_link_not_found');
    }
    assert.equal((await portalLink(app, globexLink.token)).status, 200, 'globex\'s link still works');
  });

  it('management routes need authorize: null is 401, a refusal 403; the token route does not ask it', async () => {
    let asked = 0;
    const app = hostApp(h);
    const { id, token } = await createLink(app, h.acme);
    for (const [method, path, body] of [['POST', '/setup-links', '{}'], ['GET', '/setup-links', undefined], ['DELETE', `/setup-links/${id}`, undefined]] as const) {
      await expectError(await request(app, method, path, { body }), 401, 'unauthenticated');
      await expectError(await request(app, method, path, { body, headers: { 'x-org': 'forbidden' } }), 403, 'forbidden');
    }
    const counting = hostApp(h, { authorize: () => (asked++, null) });
    await expectError(await portalLink(counting, token), 401, 'setup_link_invalid'); // another app's store: unknown token
    assert.equal(asked, 0);
  });

  it('the organization always comes from authorize or the link, never from the body', async () => {
    const app = hostApp(h);
    const created = await request(app, 'POST', '/setup-links', { body: JSON.stringify({ organizationId: h.globex }), headers: { 'x-org': h.acme } });
    const { url } = (await created.json()) as { url: string };
    const token = new URL(url).hash.slice(1);
    const minted = (await (await portalLink(app, token, { organizationId: h.globex })).json()) as { id: string };
    const sdk = sdkOrganizationClient(h.scalekit);
    assert.ok((await sdk.exec(sdk.client.getPortalLinks, { id: h.acme })).links.some((l) => l.id === minted.id));
  });

  it('features: scoped within the allow-list, 400 outside it', async () => {
    const app = hostApp(h, { features: ['sso'] });
    const { token } = await createLink(app, h.acme);
    const minted = (await (await portalLink(app, token)).json()) as { id: string };
    assert.deepEqual(h.emulator.stats().links.find((l) => l.id === minted.id)?.features, ['sso']);
    await expectError(await portalLink(app, token, { features: ['dir_sync'] }), 400, 'invalid_request');
    const all = hostApp(h);
    const other = await createLink(all, h.acme);
    const scoped = (await (await portalLink(all, other.token, { features: ['dir_sync'] })).json()) as { id: string };
    assert.deepEqual(h.emulator.stats().links.find((l) => l.id === scoped.id)?.features, ['dir_sync']);
  });

  it('rate limits per setup link (429 with Retry-After), not per organization', async () => {
    const app = hostApp(h, { rateLimit: { limit: 2, windowMs: 60_000 } });
    const one = await createLink(app, h.acme);
    const two = await createLink(app, h.acme);
    assert.equal((await portalLink(app, one.token)).status, 200);
    assert.equal((await portalLink(app, one.token)).status, 200);
    const limited = await portalLink(app, one.token);
    await expectError(limited.clone(), 429, 'rate_limited');
    assert.match(limited.headers.get('retry-after') ?? '', /^\d+$/);
    assert.equal((await portalLink(app, two.token)).status, 200);
    // creating setup links is limited per principal
    await expectError(await request(app, 'POST', '/setup-links', { body: '{}', headers: { 'x-org': h.acme } }), 429, 'rate_limited');
  });

  it('a rate-limit store that fails refuses with 503 rate_limit_unavailable, unless failOpen', async () => {
    const broken = { hit: () => Promise.reject(new Error('redis down')) };
    const closed = hostApp(h, { rateLimit: { store: broken } });
    await expectError(await request(closed, 'POST', '/setup-links', { body: '{}', headers: { 'x-org': h.acme } }), 503, 'rate_limit_unavailable');
    const store = new MemorySetupLinkStore();
    const open = hostApp(h, { store, rateLimit: { store: broken, failOpen: true } });
    const { token } = await createLink(open, h.acme);
    assert.equal((await portalLink(open, token)).status, 200);
    const shut = hostApp(h, { store, rateLimit: { store: broken } });
    await expectError(await portalLink(shut, token), 503, 'rate_limit_unavailable');
    assert.ok(!h.logLines.join('\n').includes(token));
  });

  it('publicOrigin: behind a proxy, the public origin passes the same-site check', async () => {
    const headers = { origin: 'https://staff.example.com', 'sec-fetch-site': 'same-site', 'x-org': h.acme };
    await expectError(await request(hostApp(h), 'POST', '/setup-links', { body: '{}', headers }), 403, 'forbidden');
    const proxied = hostApp(h, { publicOrigin: 'https://staff.example.com' });
    assert.equal((await request(proxied, 'POST', '/setup-links', { body: '{}', headers })).status, 201);
    assert.throws(() => hostApp(h, { publicOrigin: 'not an origin' }), TypeError);
  });

  it('upstream failures map as in the token endpoint; a failed portal-link deletion on revoke is reported, and a retry finishes it', async () => {
    const app = hostApp(h);
    const { id, token } = await createLink(app, h.acme);
    h.emulator.faults.failRpcs(1, 'permission_denied', 'GeneratePortalLink');
    await expectError(await portalLink(app, token), 502, 'upstream_auth_failed');
    h.emulator.faults.failRpcs(1, 'resource_exhausted', 'GeneratePortalLink');
    await expectError(await portalLink(app, token), 429, 'rate_limited');
    h.emulator.faults.failRpcs(1, 'deadline_exceeded', 'GeneratePortalLink');
    await expectError(await portalLink(app, token), 504, 'upstream_timeout');

    const minted = (await (await portalLink(app, token)).json()) as { location: string };
    h.emulator.faults.failRpcs(1, 'deadline_exceeded', 'DeletePortalLinkByID');
    await expectError(await request(app, 'DELETE', `/setup-links/${id}`, { headers: { 'x-org': h.acme } }), 504, 'upstream_timeout');
    await expectError(await portalLink(app, token), 410, 'setup_link_revoked'); // the revocation itself stands
    assert.equal((await request(app, 'DELETE', `/setup-links/${id}`, { headers: { 'x-org': h.acme } })).status, 204);
    assert.equal((await fetch(minted.location)).status, 410);

    // an organization Scalekit does not know
    const ghost = await createLink(app, 'org_ghost');
    await expectError(await portalLink(app, ghost.token), 404, 'organization_not_found');
    const text = h.logLines.join('\n');
    assert.ok(!text.includes(token) && !text.includes('magicLink') && !text.includes(PUBLIC_URL), text);
  });

  it('a revocation that lands while a portal link is being minted: the new link is deleted and refused', async () => {
    const inner = new MemorySetupLinkStore();
    let release!: () => void;
    let arrived!: () => void;
    const atRecordUse = new Promise<void>((resolve) => (arrived = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const store: SetupLinkStore = {
      create: (r) => inner.create(r),
      findByTokenHash: (hash) => inner.findByTokenHash(hash),
      list: (org) => inner.list(org),
      revoke: (org, id, at) => inner.revoke(org, id, at),
      recordUse: async (id, link, keepSince) => {
        arrived();
        await gate;
        return inner.recordUse(id, link, keepSince);
      },
    };
    const app = hostApp(h, { store });
    const { id, token } = await createLink(app, h.acme);
    const pending = portalLink(app, token);
    await atRecordUse;
    assert.equal((await request(app, 'DELETE', `/setup-links/${id}`, { headers: { 'x-org': h.acme } })).status, 204);
    release();
    await expectError(await pending, 410, 'setup_link_revoked');
    const minted = h.emulator.stats().links.at(-1)!;
    const sdk = sdkOrganizationClient(h.scalekit);
    assert.ok(!(await sdk.exec(sdk.client.getPortalLinks, { id: h.acme })).links.some((l) => l.id === minted.id), 'deleted in Scalekit');
  });

  it('a store that fails to record a use: 500 internal, and the portal link it could not record is deleted', async () => {
    const inner = new MemorySetupLinkStore();
    const store: SetupLinkStore = {
      create: (r) => inner.create(r),
      findByTokenHash: (hash) => inner.findByTokenHash(hash),
      list: (org) => inner.list(org),
      revoke: (org, id, at) => inner.revoke(org, id, at),
      recordUse: () => Promise.reject(new Error('database went away')),
    };
    const app = hostApp(h, { store });
    const { token } = await createLink(app, h.acme);
    await expectError(await portalLink(app, token), 500, 'internal');
    const minted = h.emulator.stats().links.at(-1)!;
    const sdk = sdkOrganizationClient(h.scalekit);
    assert.ok(!(await sdk.exec(sdk.client.getPortalLinks, { id: h.acme })).links.some((l) => l.id === minted.id), 'deleted in Scalekit');
    assert.match(h.logLines.join('\n'), /database went away/);
    assert.ok(!h.logLines.join('\n').includes(token));
  });

  it('a cross-site caller is refused; publicUrl\'s origin and allowedOrigins are allowed', async () => {
    const app = hostApp(h, { allowedOrigins: ['https://admin.example.com'] });
    const { token } = await createLink(app, h.acme);
    await expectError(await portalLink(app, token, {}, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }), 403, 'forbidden');
    await expectError(await request(app, 'POST', '/setup-links', { body: '{}', headers: { 'x-org': h.acme, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } }), 403, 'forbidden');
    const fromInvitePage = await portalLink(app, token, {}, { origin: 'https://app.example.com', 'sec-fetch-site': 'same-site' });
    assert.equal(fromInvitePage.status, 200);
    assert.equal(fromInvitePage.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal((await portalLink(app, token, {}, { origin: 'https://admin.example.com', 'sec-fetch-site': 'cross-site' })).status, 200);
    // an allowed origin's preflight names each route's own methods; anyone else's gets no CORS at all
    for (const [path, method, allow] of [['/setup-links', 'GET', 'GET, POST'], ['/setup-links/sl_AAAAAAAAAAAAAAAAAAAAAA', 'DELETE', 'DELETE'], ['/setup-links/portal-link', 'POST', 'POST']] as const) {
      const preflight = await request(app, 'OPTIONS', path, { headers: { origin: 'https://admin.example.com', 'access-control-request-method': method } });
      assert.equal(preflight.status, 204, path);
      assert.equal(preflight.headers.get('access-control-allow-methods'), allow);
      const stranger = await request(app, 'OPTIONS', path, { headers: { origin: 'https://evil.example', 'access-control-request-method': method } });
      assert.equal(stranger.status, 405);
      assert.equal(stranger.headers.get('access-control-allow-origin'), null);
    }
  });

  it('notes: optional, trimmed, at most 200 characters, no control characters', async () => {
    const app = hostApp(h);
    assert.equal((await createLink(app, h.acme, { note: null })).note, null);
    assert.equal((await createLink(app, h.acme, { note: '   ' })).note, null);
    assert.equal((await createLink(app, h.acme, { note: '✓'.repeat(200) })).note, '✓'.repeat(200));
    for (const note of ['x'.repeat(201), 42, ['a'], { a: 1 }, 'bell\u0007']) {
      await expectError(await request(app, 'POST', '/setup-links', { body: JSON.stringify({ note }), headers: { 'x-org': h.acme } }), 400, 'invalid_request');
    }
  });

  it('options are checked when the app is built', () => {
    const base = { scalekit: h.scalekit, authorize: () => null, publicUrl: PUBLIC_URL };
    for (const bad of [
      { publicUrl: undefined },
      { publicUrl: '/setup' },
      { publicUrl: 'ftp://app.example.com/setup' },
      { publicUrl: 'https://app.example.com/setup#x' },
      { publicUrl: 'https://user:pw@app.example.com/setup' },
      { ttlMs: 59_999 },
      { ttlMs: 30 * 24 * 60 * 60 * 1000 + 1 },
      { ttlMs: Number.NaN },
      { ttlMs: '60000' },
      { authorize: undefined },
      { scalekit: undefined },
      { features: [] },
      { features: ['scim'] },
      { allowedOrigins: ['not an origin'] },
      { store: {} },
      { onLinkIssued: 'yes' },
    ]) {
      assert.throws(() => scalekitSetupLinks({ ...base, ...bad } as never), TypeError, JSON.stringify(bad));
    }
    assert.doesNotThrow(() => scalekitSetupLinks({ ...base, ttlMs: 60_000 }));
    assert.doesNotThrow(() => scalekitSetupLinks({ ...base, ttlMs: 30 * 24 * 60 * 60 * 1000 }));
  });

  it('a cold SDK client shares one token across setup-link portal links', async () => {
    const cold = new Scalekit(h.emulator.url, h.emulator.clientId, h.emulator.clientSecret);
    const app = hostApp(h, { scalekit: cold });
    const links = await Promise.all([createLink(app, h.acme), createLink(app, h.acme), createLink(app, h.acme)]);
    const before = h.emulator.stats().tokenRequests;
    const answers = await Promise.all(links.map((l) => portalLink(app, l.token)));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
    assert.equal(h.emulator.stats().tokenRequests - before, 1);
  });
});
