// The emulator as the unmodified @scalekit-sdk/node sees it: token flow, OrganizationService, errors, faults.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  Scalekit,
  ScalekitForbiddenException,
  ScalekitGatewayTimeoutException,
  ScalekitNotFoundException,
  ScalekitServerException,
  ScalekitServiceUnavailableException,
  ScalekitTooManyRequestsException,
  ScalekitUnauthorizedException,
} from '@scalekit-sdk/node';
import { Feature } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/organizations/organizations_pb.js';
import { DEFAULT_ORGANIZATIONS, startEmulator, type Emulator } from '../src/index.js';
import { rawOrganizationClient, sdkOrganizationClient } from './support/sdk.js';

/** The SDK's axios (CommonJS) is not the class an ESM `import 'axios'` would give, so check the shape axios documents. */
interface HttpError {
  isAxiosError: true;
  response?: { status: number; data: unknown };
  toJSON(): unknown;
}
function isHttpError(error: unknown): error is HttpError {
  return typeof error === 'object' && error !== null && (error as { isAxiosError?: unknown }).isAxiosError === true;
}

describe('emulator: the real SDK against it', () => {
  let emulator: Emulator;
  let warm: Scalekit; // a client that already holds a token
  const orgId = DEFAULT_ORGANIZATIONS[0]!.id;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    warm = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    await warm.organization.getOrganization(orgId);
  });
  after(() => emulator.close());

  it('serves a fresh client its first portal link: UNAUTHENTICATED, one token request, retry', async () => {
    emulator.reset();
    const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    const link = await scalekit.organization.generatePortalLink(orgId);
    assert.match(link.location, new RegExp(`^${emulator.url}/magicLink/[0-9a-f-]{36}$`));
    assert.equal(link.location.endsWith(link.id), true);
    const expires = Number(link.expireTime!.seconds) * 1000;
    assert.ok(expires > Date.now() && expires <= Date.now() + 61_000, 'expires one TTL (60 s) after minting');
    const stats = emulator.stats();
    assert.equal(stats.tokenRequests, 1);
    assert.deepEqual(stats.rpcs, { GeneratePortalLink: 2 });
    assert.equal(stats.linksIssued, 1);
    assert.deepEqual(stats.links.map((l) => [l.id, l.organizationId, l.loadedAt]), [[link.id, orgId, null]]);
  });

  it('scopes a link to the features that reach the wire', async () => {
    const { client, exec } = sdkOrganizationClient(warm);
    const cases: Array<[Feature[], string[]]> = [
      [[Feature.sso], ['sso']],
      [[Feature.dir_sync], ['dir_sync']],
      [[Feature.dir_sync, Feature.sso], ['sso', 'dir_sync']],
      [[], ['sso', 'dir_sync']],
    ];
    for (const [features, expected] of cases) {
      const res = await exec(client.generatePortalLink, { id: orgId, features });
      const record = emulator.stats().links.at(-1)!;
      assert.equal(record.id, res.link!.id);
      assert.deepEqual(record.features, expected, `features ${JSON.stringify(features)}`);
    }
  });

  it('answers an unknown organization with NOT_FOUND and ErrorInfo ORGANIZATION_NOT_FOUND', async () => {
    for (const call of [
      () => warm.organization.generatePortalLink('org_does_not_exist'),
      () => warm.organization.getOrganization('org_does_not_exist'),
      () => warm.organization.generatePortalLink('x'.repeat(10_000)),
    ]) {
      await assert.rejects(call, (error: unknown) => {
        assert.ok(error instanceof ScalekitNotFoundException);
        assert.equal(error.errorCode, 'ORGANIZATION_NOT_FOUND');
        assert.equal(error.httpStatus, 404);
        return true;
      });
    }
  });

  it('rejects a wrong client secret at /oauth/token with a 401 AxiosError that does not carry the secret', async () => {
    const secret = 'definitely-wrong-secret';
    const scalekit = new Scalekit(emulator.url, emulator.clientId, secret);
    await assert.rejects(scalekit.organization.generatePortalLink(orgId), (error: unknown) => {
      assert.ok(isHttpError(error));
      assert.equal(error.response?.status, 401);
      assert.deepEqual(error.response?.data, { error: 'invalid_client', error_description: 'client authentication failed' });
      assert.equal(JSON.stringify(error.toJSON()).includes(secret), false);
      return true;
    });
  });

  it('refuses RPCs without a bearer token or with one it never issued', async () => {
    for (const authorization of [undefined, 'Bearer forged_token', 'Basic abc', 'Bearer ', `Bearer ${'a'.repeat(5000)}`]) {
      const client = rawOrganizationClient(emulator.url, authorization);
      await assert.rejects(client.getOrganization({ identities: { case: 'id', value: orgId } }), (error: unknown) => {
        assert.ok(error instanceof ConnectError);
        assert.equal(error.code, Code.Unauthenticated);
        return true;
      });
    }
  });

  it('retries an injected UNAVAILABLE like the SDK does, and surfaces it once retries run out', async () => {
    emulator.reset();
    emulator.faults.failRpcs(1, 'unavailable');
    const link = await warm.organization.generatePortalLink(orgId);
    assert.ok(link.id);
    assert.equal(emulator.stats().rpcs.GeneratePortalLink, 2, 'one failed attempt, one retry');

    emulator.faults.failRpcs(4, 'unavailable', 'GetOrganization');
    await assert.rejects(warm.organization.getOrganization(orgId), ScalekitServiceUnavailableException);
    assert.equal(emulator.stats().rpcs.GetOrganization, 4);
  });

  it('surfaces injected RESOURCE_EXHAUSTED and PERMISSION_DENIED without retrying, only on the targeted method', async () => {
    emulator.reset();
    emulator.faults.failRpcs(1, 'resource_exhausted', 'GeneratePortalLink');
    await warm.organization.getOrganization(orgId); // another method is untouched
    await assert.rejects(warm.organization.generatePortalLink(orgId), ScalekitTooManyRequestsException);
    emulator.faults.failRpcs(1, 'permission_denied');
    await assert.rejects(warm.organization.getOrganization(orgId), ScalekitForbiddenException);
    await warm.organization.getOrganization(orgId); // the faults are used up
    assert.deepEqual(emulator.stats().rpcs, { GetOrganization: 3, GeneratePortalLink: 1 });
  });

  it('turns latency beyond the SDK timeout into DEADLINE_EXCEEDED', async () => {
    emulator.reset();
    const impatient = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret, { timeoutMs: 100 });
    emulator.faults.setLatency(1_000); // the first RPC already outlasts the deadline, before any token is needed
    try {
      await assert.rejects(impatient.organization.generatePortalLink(orgId), (error: unknown) => {
        assert.ok(error instanceof ScalekitGatewayTimeoutException);
        return true;
      });
    } finally {
      emulator.faults.clear();
    }
  });

  it('fails injected token requests with the chosen status', async () => {
    emulator.faults.failTokenRequests(1, 503);
    const cold = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    await assert.rejects(cold.organization.getOrganization(orgId), (error: unknown) => {
      assert.ok(isHttpError(error));
      assert.equal(error.response?.status, 503);
      return true;
    });
    await cold.organization.getOrganization(orgId); // the next one goes through
  });

  it('answers an injected UNAUTHENTICATED by fetching a fresh token', async () => {
    emulator.reset();
    emulator.faults.failRpcs(1, 'unauthenticated');
    await warm.organization.getOrganization(orgId);
    assert.equal(emulator.stats().tokenRequests, 1);
    emulator.faults.failRpcs(4, 'unauthenticated');
    await assert.rejects(warm.organization.getOrganization(orgId), ScalekitUnauthorizedException);
  });

  it('creates, finds, lists, updates and deletes organizations', async () => {
    emulator.reset();
    const created = await warm.organization.createOrganization('Hooli', { externalId: 'hooli-1' });
    const id = created.organization!.id;
    assert.match(id, /^org_\d{17}$/);
    assert.equal((await warm.organization.getOrganization(id)).organization!.displayName, 'Hooli');
    assert.equal((await warm.organization.getOrganizationByExternalId('hooli-1')).organization!.id, id);
    assert.ok(emulator.organizations().some((o) => o.id === id && o.displayName === 'Hooli'));

    const first = await warm.organization.listOrganization({ pageSize: 2 });
    assert.equal(first.totalSize, DEFAULT_ORGANIZATIONS.length + 1);
    assert.equal(first.organizations.length, 2);
    const rest = await warm.organization.listOrganization({ pageSize: 2, pageToken: first.nextPageToken });
    assert.deepEqual(
      [...first.organizations, ...rest.organizations].map((o) => o.id),
      emulator.organizations().map((o) => o.id),
    );
    assert.equal(rest.nextPageToken, '');

    const updated = await warm.organization.updateOrganizationSettings(id, { features: [{ name: 'sso', enabled: true }, { name: 'dir_sync', enabled: false }] });
    assert.deepEqual(
      updated.organization!.settings!.features.map((f) => [f.name, f.enabled]),
      [['sso', true], ['dir_sync', false]],
    );
    await warm.organization.deleteOrganization(id);
    await assert.rejects(warm.organization.getOrganization(id), ScalekitNotFoundException);
  });

  it('rejects malformed API input with INVALID_ARGUMENT', async () => {
    for (const call of [
      () => warm.organization.generatePortalLink(''),
      () => warm.organization.createOrganization('   '),
      () => warm.organization.createOrganization('n'.repeat(201)),
      () => warm.organization.listOrganization({ pageToken: 'garbage' }),
      () => warm.organization.updateOrganizationSettings(orgId, { features: [{ name: 'Robert"); DROP', enabled: true }] }),
    ]) {
      await assert.rejects(call, (error: unknown) => {
        assert.ok(error instanceof ScalekitServerException);
        assert.equal(error.grpcStatus, Code.InvalidArgument);
        return true;
      });
    }
    const { client, exec } = sdkOrganizationClient(warm);
    await assert.rejects(exec(client.generatePortalLink, { id: orgId, features: [99 as Feature] }), (error: unknown) => {
      assert.ok(error instanceof ScalekitServerException);
      assert.equal(error.grpcStatus, Code.InvalidArgument);
      return true;
    });
  });

  it('reset() restores the seed and clears stats and faults, but keeps issued tokens valid', async () => {
    await warm.organization.createOrganization('Temporary');
    emulator.faults.failRpcs(5, 'internal');
    emulator.reset();
    assert.deepEqual(emulator.organizations(), DEFAULT_ORGANIZATIONS);
    await warm.organization.getOrganization(orgId); // no fault left, no new token needed
    assert.deepEqual(emulator.stats(), { tokenRequests: 0, rpcs: { GetOrganization: 1 }, linksIssued: 0, linksLoaded: 0, links: [], unknownRoutes: { count: 0, recent: [] } });
  });
});
