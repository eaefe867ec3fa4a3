// The SDK adapter's onboarding calls (scalekitApi(sdk)): getOrganizationByExternalId, createOrganization and
// deletePortalLink, through the unmodified SDK's generated client against the emulator.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, type Emulator } from '../../../emulator/src/index.js';
import { ScalekitSdkShapeError } from '../../../server/index.js';
import { scalekitApi } from '../../../server/scalekit/sdk-adapter.js';
import { sdkOrganizationClient } from '../../../emulator/test/support/sdk.js';

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator({ port: 0 });
});
after(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.faults.clear();
});

const fresh = () => new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);

describe('scalekitApi(sdk): organizations by external id', () => {
  it('createOrganization sends name, external id and metadata; getOrganizationByExternalId finds it', async () => {
    const sdk = fresh();
    const api = scalekitApi(sdk);
    const created = await api.createOrganization({ name: 'Initech', externalId: 'tenant-9', metadata: { plan: 'enterprise' } });
    assert.deepEqual(Object.keys(created).sort(), ['externalId', 'id', 'name']);
    assert.equal(created.name, 'Initech');
    assert.equal(created.externalId, 'tenant-9');
    assert.deepEqual(await api.getOrganizationByExternalId('tenant-9'), created);
    const stored = await sdk.organization.getOrganization(created.id);
    assert.deepEqual(stored.organization?.metadata, { plan: 'enterprise' });
  });

  it('getOrganizationByExternalId is null when Scalekit has none, and throws other failures', async () => {
    const api = scalekitApi(fresh());
    assert.equal(await api.getOrganizationByExternalId('tenant-none'), null);
    emulator.faults.failRpcs(1, 'permission_denied', 'GetOrganization');
    await assert.rejects(api.getOrganizationByExternalId('tenant-none'), { grpcStatus: 7 });
  });

  it('a duplicate external id rejects with grpcStatus 6 (ALREADY_EXISTS)', async () => {
    const api = scalekitApi(fresh());
    await api.createOrganization({ name: 'A', externalId: 'dup' });
    await assert.rejects(api.createOrganization({ name: 'B', externalId: 'dup' }), { grpcStatus: 6, errorCode: 'ORGANIZATION_ALREADY_EXISTS' });
  });
});

describe('scalekitApi(sdk): deletePortalLink', () => {
  it('deletes one link (DeletePortalLinkByID), and resolves for a link already gone', async () => {
    const sdk = fresh();
    const api = scalekitApi(sdk);
    const keep = await api.generatePortalLink('org_acme');
    const gone = await api.generatePortalLink('org_acme');
    await api.deletePortalLink('org_acme', gone.id);
    const { client, exec } = sdkOrganizationClient(sdk);
    assert.deepEqual((await exec(client.getPortalLinks, { id: 'org_acme' })).links.map((l) => l.id), [keep.id]);
    assert.equal((await fetch(gone.location)).status, 410);
    await api.deletePortalLink('org_acme', gone.id); // again: NOT_FOUND is success
    await api.deletePortalLink('org_acme', '00000000-0000-4000-8000-000000000000');
    await api.deletePortalLink('org_gone', gone.id);
    assert.equal(emulator.stats().rpcs['DeletePortalLinkByID'], 4);
  });

  it('other failures reach the caller', async () => {
    const api = scalekitApi(fresh());
    const link = await api.generatePortalLink('org_acme');
    emulator.faults.failRpcs(1, 'deadline_exceeded', 'DeletePortalLinkByID');
    await assert.rejects(api.deletePortalLink('org_acme', link.id), { grpcStatus: 4 });
  });

  it('every call shares the client\'s token: one token request for a cold burst of mixed calls', async () => {
    const api = scalekitApi(fresh());
    const link = await (async () => {
      const before = emulator.stats().tokenRequests;
      const [l] = await Promise.all([
        api.generatePortalLink('org_acme'),
        api.getOrganizationByExternalId('x'),
        api.createOrganization({ name: 'C', externalId: 'c' }),
      ]);
      assert.equal(emulator.stats().tokenRequests - before, 1);
      return l;
    })();
    // a token Scalekit stopped accepting is replaced once for everyone who saw it refused
    emulator.faults.failRpcs(3, 'unauthenticated');
    const before = emulator.stats().tokenRequests;
    await Promise.all([api.deletePortalLink('org_acme', link.id), api.getOrganizationByExternalId('c'), api.getOrganizationByExternalId('d')]);
    assert.equal(emulator.stats().tokenRequests - before, 1);
  });
});

describe('scalekitApi(sdk): the SDK shape it relies on', () => {
  it('fails loudly if a generated method it calls moved', () => {
    for (const method of ['generatePortalLink', 'getOrganization', 'createOrganization', 'deletePortalLinkByID']) {
      const sdk = fresh() as unknown as { organization: { client: Record<string, unknown> } };
      sdk.organization.client = { ...sdk.organization.client, [method]: undefined };
      assert.throws(() => scalekitApi(sdk as unknown as Scalekit), (error: Error) => error instanceof ScalekitSdkShapeError && error.message.includes(method));
    }
  });
});
