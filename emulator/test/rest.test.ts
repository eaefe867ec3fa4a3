// Scalekit's REST API on the emulator, with plain fetch: the same state as gRPC, snake_case JSON,
// grpc-gateway error bodies with the right HTTP status, a bearer token from /oauth/token, stats per method.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, type Emulator } from '../src/index.js';

const ERROR_INFO = 'type.googleapis.com/scalekit.v1.errdetails.ErrorInfo';

describe('emulator REST API', () => {
  let emulator: Emulator;
  let token: string;
  before(async () => {
    emulator = await startEmulator();
    const res = await fetch(`${emulator.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: emulator.clientId, client_secret: emulator.clientSecret }),
    });
    token = (await res.json()).access_token;
  });
  after(() => emulator.close());

  function api(method: string, path: string, init: { body?: unknown; auth?: string | null; type?: string } = {}) {
    const headers: Record<string, string> = {};
    if (init.auth !== null) headers.authorization = init.auth ?? `Bearer ${token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] = init.type ?? 'application/json';
    }
    return fetch(`${emulator.url}/api/v1${path}`, { method, headers, body });
  }

  async function expectError(res: Response, status: number, code: number, errorCode?: string) {
    assert.equal(res.status, status);
    const body = await res.json();
    assert.equal(body.code, code);
    assert.equal(typeof body.message, 'string');
    assert.ok(Array.isArray(body.details));
    if (errorCode) assert.deepEqual(body.details, [{ '@type': ERROR_INFO, error_code: errorCode }]);
  }

  it('PUT …/portal_links mints a link with features as repeated query parameters, names or numbers', async () => {
    emulator.reset();
    const res = await api('PUT', '/organizations/org_acme/portal_links?features=sso&features=1');
    assert.equal(res.status, 200);
    const { link } = await res.json();
    assert.deepEqual(Object.keys(link), ['id', 'location', 'expire_time']);
    assert.equal(link.location, `${emulator.url}/magicLink/${link.id}`);
    assert.ok(Date.parse(link.expire_time) > Date.now());
    const [record] = emulator.stats().links;
    assert.deepEqual(record!.features, ['sso', 'dir_sync']);

    const html = await (await fetch(link.location)).text();
    assert.match(html, /id="sso-section"/);
    assert.match(html, /id="directory-section"/);
  });

  it('PUT …/portal_links also takes a JSON body { features }, and no features means all', async () => {
    emulator.reset();
    const one = await (await api('PUT', '/organizations/org_acme/portal_links', { body: { features: ['dir_sync'] } })).json();
    const all = await (await api('PUT', '/organizations/org_acme/portal_links')).json();
    const links = emulator.stats().links;
    assert.deepEqual(links.map((l) => l.id), [one.link.id, all.link.id]);
    assert.deepEqual(links[0]!.features, ['dir_sync']);
    assert.deepEqual(links[1]!.features, ['sso', 'dir_sync']);
    const html = await (await fetch(one.link.location)).text();
    assert.doesNotMatch(html, /id="sso-section"/);
  });

  it('GET and DELETE …/portal_links, DELETE …/portal_links/{link_id}: the links the SDK sees, deleted links stop opening', async () => {
    emulator.reset();
    const a = (await (await api('PUT', '/organizations/org_acme/portal_links')).json()).link;
    const b = (await (await api('PUT', '/organizations/org_acme/portal_links?features=sso')).json()).link;
    const listed = await api('GET', '/organizations/org_acme/portal_links');
    assert.equal(listed.status, 200);
    const { links } = await listed.json();
    assert.deepEqual(links.map((l: { id: string }) => l.id).sort(), [a.id, b.id].sort());
    assert.deepEqual(Object.keys(links[0]).sort(), ['expire_time', 'id', 'location']);

    const deleted = await api('DELETE', `/organizations/org_acme/portal_links/${a.id}`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(await deleted.json(), {});
    assert.equal((await fetch(a.location)).status, 410, 'a deleted link no longer opens');
    await expectError(await api('DELETE', `/organizations/org_globex/portal_links/${b.id}`), 404, 5);

    assert.equal((await api('DELETE', '/organizations/org_acme/portal_links')).status, 200);
    assert.equal((await fetch(b.location)).status, 410);
    await expectError(await api('GET', '/organizations/org_missing/portal_links'), 404, 5, 'ORGANIZATION_NOT_FOUND');
  });

  it('organizations: create (bare or wrapped), read by id and by external id, the same state the SDK sees', async () => {
    emulator.reset();
    const created = await api('POST', '/organizations', { body: { display_name: 'Umbrella', external_id: 'tenant-42', metadata: { plan: 'pro' } } });
    assert.equal(created.status, 200);
    const { organization } = await created.json();
    assert.match(organization.id, /^org_\d+$/);
    assert.equal(organization.display_name, 'Umbrella');
    assert.equal(organization.external_id, 'tenant-42');
    assert.deepEqual(organization.metadata, { plan: 'pro' });
    assert.ok(Date.parse(organization.create_time));
    assert.equal('displayName' in organization, false, 'snake_case, as Scalekit answers');

    const byId = await (await api('GET', `/organizations/${organization.id}`)).json();
    assert.deepEqual(byId.organization, organization);
    const byExternal = await (await api('GET', '/organizations:external/tenant-42')).json();
    assert.equal(byExternal.organization.id, organization.id);

    const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    assert.equal((await scalekit.organization.getOrganization(organization.id)).organization?.displayName, 'Umbrella');

    const wrapped = await api('POST', '/organizations', { body: { organization: { display_name: 'Wrapped Inc' } } });
    assert.equal(wrapped.status, 200);
    assert.equal((await wrapped.json()).organization.display_name, 'Wrapped Inc');

    await expectError(await api('POST', '/organizations', { body: { display_name: 'Again', external_id: 'tenant-42' } }), 409, 6, 'ORGANIZATION_ALREADY_EXISTS');
  });

  it('errors are grpc-gateway bodies with the mapped HTTP status', async () => {
    emulator.reset();
    await expectError(await api('GET', '/organizations/org_missing'), 404, 5, 'ORGANIZATION_NOT_FOUND');
    await expectError(await api('PUT', '/organizations/org_missing/portal_links'), 404, 5, 'ORGANIZATION_NOT_FOUND');
    await expectError(await api('GET', '/organizations:external/nobody'), 404, 5, 'ORGANIZATION_NOT_FOUND');
    await expectError(await api('PUT', '/organizations/org_acme/portal_links?features=admin'), 400, 3, 'INVALID_ARGUMENT');
    await expectError(await api('PUT', '/organizations/org_acme/portal_links?features=99'), 400, 3, 'INVALID_ARGUMENT');
    await expectError(await api('POST', '/organizations', { body: { display_name: 123 } }), 400, 3, 'INVALID_ARGUMENT');
    await expectError(await api('POST', '/organizations', { body: { display_name: '' } }), 400, 3, 'INVALID_ARGUMENT');
    await expectError(await api('POST', '/organizations', { body: 'not json' }), 400, 3);
    await expectError(await api('POST', '/organizations'), 400, 3);
    await expectError(await api('POST', '/organizations/org_acme/portal_links'), 405, 12);
    await expectError(await api('GET', '/nothing/here'), 404, 5);
    assert.equal(emulator.stats().linksIssued, 0);
  });

  it('needs a bearer token the emulator issued: 401 UNAUTHENTICATED otherwise', async () => {
    for (const auth of [null, 'Bearer ske_made_up', 'Basic abc', `Bearer ${'a'.repeat(300)}`, `bearer ${token}`]) {
      await expectError(await api('PUT', '/organizations/org_acme/portal_links', { auth }), 401, 16, 'UNAUTHENTICATED');
    }
    await expectError(await api('GET', '/organizations/org_acme', { auth: null }), 401, 16, 'UNAUTHENTICATED');
  });

  it('stats count REST calls under the gRPC method names; faults and latency apply as to RPCs', async () => {
    emulator.reset();
    await api('PUT', '/organizations/org_acme/portal_links');
    await api('GET', '/organizations/org_acme');
    await api('GET', '/organizations:external/x');
    await api('POST', '/organizations', { body: { display_name: 'Counted' } });
    assert.deepEqual(emulator.stats().rpcs, { GeneratePortalLink: 1, GetOrganization: 1, GetOrganizationByExternalId: 1, CreateOrganization: 1 });

    emulator.faults.failRpcs(1, 'resource_exhausted', 'GeneratePortalLink');
    await expectError(await api('PUT', '/organizations/org_acme/portal_links'), 429, 8, 'RESOURCE_EXHAUSTED');
    emulator.faults.failRpcs(1, 'unavailable');
    await expectError(await api('GET', '/organizations/org_acme'), 503, 14, 'UNAVAILABLE');
    assert.equal((await api('GET', '/organizations/org_acme')).status, 200);
  });
});
