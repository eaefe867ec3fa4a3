// ConnectionService on the emulator, through the unmodified SDK's `connection` client: what listConnections and
// getConnection say follows what the organization's admin did in the portal page.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scalekit, ScalekitNotFoundException, ScalekitUnauthorizedException } from '@scalekit-sdk/node';
import {
  ConnectionProvider,
  ConnectionStatus,
  ConnectionType,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connections/connections_pb.js';
import { DEFAULT_ORGANIZATIONS, startEmulator, type Emulator } from '../src/index.js';
import { portalApi, portalSession } from './support/portal-api.js';

describe('emulator: ConnectionService through the real SDK', () => {
  let emulator: Emulator;
  let scalekit: Scalekit;
  const [acme, globex] = DEFAULT_ORGANIZATIONS;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    await scalekit.organization.getOrganization(acme!.id); // warm: holds a token, so RPC counts are exact
  });
  beforeEach(() => emulator.reset());
  after(() => emulator.close());

  it('lists nothing for an organization that never set up SSO', async () => {
    const { connections } = await scalekit.connection.listConnections(acme!.id);
    assert.deepEqual(connections, []);
    assert.deepEqual(emulator.stats().rpcs, { ListConnections: 1 }, 'counted like every other RPC');
  });

  it('lists the connection the admin enabled in the portal, and only for that organization', async () => {
    const token = await portalSession(emulator, acme!.id);
    await portalApi(emulator, token, 'sso', { provider: 'entra', enabled: true });

    const { connections } = await scalekit.connection.listConnections(acme!.id);
    assert.equal(connections.length, 1);
    const [conn] = connections;
    assert.match(conn!.id, /^conn_\d+$/);
    assert.deepEqual(
      [conn!.provider, conn!.type, conn!.enabled, conn!.status, conn!.organizationId, conn!.organizationName],
      [ConnectionProvider.MICROSOFT_AD, ConnectionType.SAML, true, ConnectionStatus.COMPLETED, acme!.id, acme!.displayName],
    );
    assert.deepEqual((await scalekit.connection.listConnections(globex!.id)).connections, []);

    const { connection } = await scalekit.connection.getConnection(acme!.id, conn!.id);
    assert.deepEqual([connection?.id, connection?.provider, connection?.type, connection?.enabled], [conn!.id, ConnectionProvider.MICROSOFT_AD, ConnectionType.SAML, true]);

    // Turned off: the same connection, disabled; switched to OIDC: the provider and type follow.
    await portalApi(emulator, token, 'sso', { provider: 'entra', enabled: false });
    const off = (await scalekit.connection.listConnections(acme!.id)).connections;
    assert.deepEqual(off.map((c) => [c.id, c.enabled]), [[conn!.id, false]]);
    await portalApi(emulator, token, 'sso', { provider: 'oidc', enabled: true });
    const oidc = (await scalekit.connection.listConnections(acme!.id)).connections;
    assert.deepEqual(oidc.map((c) => [c.provider, c.type, c.enabled]), [[ConnectionProvider.CUSTOM, ConnectionType.OIDC, true]]);
  });

  it('answers NOT_FOUND for an unknown organization or connection, as the other services do', async () => {
    for (const id of ['org_nope', 'x'.repeat(5000), '../org_acme']) {
      await assert.rejects(scalekit.connection.listConnections(id), ScalekitNotFoundException, id.slice(0, 20));
    }
    await assert.rejects(scalekit.connection.getConnection(acme!.id, 'conn_123'), ScalekitNotFoundException);
    await assert.rejects(scalekit.connection.getConnection('org_nope', 'conn_123'), ScalekitNotFoundException);
  });

  it('demands the bearer token like every other RPC', async () => {
    const wrong = new Scalekit(emulator.url, emulator.clientId, 'not_the_secret');
    await assert.rejects(wrong.connection.listConnections(acme!.id), (error: Error) => {
      assert.ok(!String(error.message).includes('not_the_secret'));
      return error instanceof ScalekitUnauthorizedException || /401|unauth/i.test(String(error.message));
    });
    assert.equal(emulator.stats().rpcs.ListConnections, 1, 'the unauthenticated attempt was counted');
  });
});
