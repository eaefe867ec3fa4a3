// The simulated IdP end to end on a running emulator: /_emulator actions and emulator.directory → signed
// webhook deliveries the real SDK verifies; DirectoryService read back through the real SDK.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, DEFAULT_ORGANIZATIONS, type Emulator } from '../src/index.js';
import { generateWebhookSecret } from '../src/directory/webhook-signer.js';
import { Feature } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/organizations/organizations_pb.js';
import { sdkOrganizationClient } from './support/sdk.js';
import { startReceiver } from './support/receiver.js';

const ACME = DEFAULT_ORGANIZATIONS[0]!.id;
const GLOBEX = DEFAULT_ORGANIZATIONS[1]!.id;

describe('emulator: simulated IdP, webhooks and DirectoryService', () => {
  let emulator: Emulator;
  let scalekit: Scalekit;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const secret = generateWebhookSecret();

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    receiver = await startReceiver(scalekit, secret);
    emulator.webhooks.configure({ url: receiver.url, secret });
  });
  after(async () => {
    await emulator.close();
    await receiver.close();
  });

  const control = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${emulator.url}/_emulator${path}`, {
      method,
      headers: { authorization: `Bearer ${emulator.controlToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as any };
  };

  it('has no directory until one is set up; listDirectories is then empty', async () => {
    emulator.reset();
    const { directories } = await scalekit.directory.listDirectories(ACME);
    assert.deepEqual(directories, []);
    await assert.rejects(scalekit.directory.getPrimaryDirectoryByOrganizationId(ACME));
  });

  it('provisions through /_emulator: every action a signed event the SDK verifies, in order', async () => {
    emulator.reset();
    emulator.webhooks.configure({ url: receiver.url, secret });
    receiver.deliveries.length = 0;

    const enabled = await control('POST', `/directory/${ACME}/enable`);
    assert.equal(enabled.status, 200);
    assert.equal(enabled.json.directory.enabled, true);
    assert.equal(enabled.json.directory.bearerToken, undefined, 'the SCIM token is not echoed by controls');
    const group = await control('POST', `/directory/${ACME}/groups`, { displayName: 'Engineering' });
    assert.equal(group.status, 201);
    const created = await control('POST', `/directory/${ACME}/users`, {
      email: 'ada@acme.test', givenName: 'Ada', familyName: 'Lovelace', groups: [group.json.group.id],
    });
    assert.equal(created.status, 201);
    const userId = created.json.user.id;
    assert.equal((await control('PATCH', `/directory/${ACME}/users/${userId}`, { familyName: 'Byron' })).status, 200);
    assert.equal((await control('POST', `/directory/${ACME}/users/${userId}/deactivate`)).status, 200);
    assert.equal((await control('DELETE', `/directory/${ACME}/users/${userId}`)).status, 200);
    await emulator.webhooks.settled();

    assert.deepEqual(receiver.rejected, []);
    assert.deepEqual(receiver.deliveries.map((d) => d.event.type), [
      'organization.directory_enabled',
      'organization.directory.group_created',
      'organization.directory.user_created',
      'organization.directory.user_updated',
      'organization.directory.user_deleted',
      'organization.directory.user_deleted',
    ]);
    for (const delivery of receiver.deliveries) {
      assert.equal(delivery.headers['webhook-id'], delivery.event.id);
      assert.equal(delivery.event.organization_id, ACME);
    }
    const [, , userCreated, renamed, deactivated, deleted] = receiver.deliveries.map((d) => d.event);
    assert.equal(userCreated!.object, 'DirectoryUser');
    assert.equal(userCreated!.data.email, 'ada@acme.test');
    assert.deepEqual(userCreated!.data.groups, [{ id: group.json.group.id, name: 'Engineering' }]);
    assert.equal(renamed!.data.family_name, 'Byron');
    assert.equal(deactivated!.data.active, false);
    assert.deepEqual(Object.keys(deleted!.data).sort(), ['dp_id', 'email', 'id', 'organization_id']);

    const log = (await control('GET', '/webhooks/deliveries')).json.deliveries;
    assert.equal(log.length, 6);
    assert.ok(log.every((entry: any) => entry.delivered && entry.attempts === 1 && entry.lastStatus === 200), 'log.every((entry: any) => entry.delivered && entry.attempts === 1 && entry.lastStatus === ');
    assert.deepEqual((await control('GET', '/webhooks')).json, { url: receiver.url });
  });

  it('answers DirectoryService calls through the real SDK from the same state', async () => {
    emulator.reset();
    emulator.directory.enable(ACME);
    const eng = emulator.directory.addGroup(ACME, { displayName: 'Engineering' });
    const ops = emulator.directory.addGroup(ACME, { displayName: 'Ops' });
    const ada = emulator.directory.addUser(ACME, { email: 'ada@acme.test', givenName: 'Ada', familyName: 'Lovelace', groups: [eng.id] });
    const bob = emulator.directory.addUser(ACME, { email: 'bob@acme.test', givenName: 'Bob', groups: [eng.id, ops.id] });
    emulator.directory.deactivateUser(ACME, bob.id);
    for (let i = 0; i < 12; i += 1) emulator.directory.addUser(ACME, { email: `user${i}@acme.test` });

    const { directories } = await scalekit.directory.listDirectories(ACME);
    assert.equal(directories.length, 1);
    const directory = directories[0]!;
    assert.match(directory.id, /^dir_/);
    assert.equal(directory.organizationId, ACME);
    assert.equal(directory.enabled, true);
    assert.equal(directory.totalUsers, 14);
    assert.equal(directory.totalGroups, 2);
    assert.ok(directory.directoryEndpoint.startsWith(`${emulator.url}/`) && directory.directoryEndpoint.includes(directory.id), 'directory.directoryEndpoint.startsWith(`${emulator.url}/`) && directory.directoryEndpoint.');
    assert.equal((await scalekit.directory.getPrimaryDirectoryByOrganizationId(ACME)).id, directory.id);
    assert.equal((await scalekit.directory.getDirectory(ACME, directory.id)).directory?.id, directory.id);

    // Pagination: default page of 10, then the rest; the pages together are every user once.
    const first = await scalekit.directory.listDirectoryUsers(ACME, directory.id);
    assert.equal(first.users.length, 10);
    assert.equal(first.totalSize, 14);
    assert.ok(first.nextPageToken, 'first.nextPageToken');
    const second = await scalekit.directory.listDirectoryUsers(ACME, directory.id, { pageToken: first.nextPageToken });
    assert.equal(second.users.length, 4);
    assert.equal(second.nextPageToken, '');
    assert.equal(new Set([...first.users, ...second.users].map((u) => u.id)).size, 14);

    const sdkAda = first.users.find((u) => u.id === ada.id)!;
    assert.equal(sdkAda.email, 'ada@acme.test');
    assert.equal(sdkAda.givenName, 'Ada');
    assert.equal(sdkAda.familyName, 'Lovelace');
    assert.deepEqual(sdkAda.emails, ['ada@acme.test']);
    assert.deepEqual(sdkAda.groups.map((g) => g.displayName), ['Engineering']);
    assert.equal(sdkAda.userDetail, undefined, 'user_detail only with includeDetail');

    const detailed = await scalekit.directory.listDirectoryUsers(ACME, directory.id, { includeDetail: true, directoryGroupId: eng.id });
    assert.deepEqual(detailed.users.map((u) => u.id), [ada.id, bob.id]);
    const bobDetail = detailed.users[1]!.userDetail as Record<string, unknown>;
    assert.equal(bobDetail.active, false);
    assert.equal(bobDetail.email, 'bob@acme.test');

    const changedSince = await scalekit.directory.listDirectoryUsers(ACME, directory.id, { updatedAfter: ada.updatedAt });
    assert.ok(!changedSince.users.some((u) => u.id === ada.id), '!changedSince.users.some((u) => u.id === ada.id)');
    assert.ok(changedSince.users.some((u) => u.id === bob.id), 'changedSince.users.some((u) => u.id === bob.id)');

    const groups = await scalekit.directory.listDirectoryGroups(ACME, directory.id, { includeDetail: true });
    assert.deepEqual(groups.groups.map((g) => [g.displayName, g.totalUsers]), [['Engineering', 2], ['Ops', 1]]);
    assert.equal((groups.groups[0]!.groupDetail as Record<string, unknown>).display_name, 'Engineering');

    const stats = emulator.stats();
    assert.ok((stats.rpcs.ListDirectoryUsers ?? 0) >= 4, '(stats.rpcs.ListDirectoryUsers ?? 0) >= 4');
    assert.ok((stats.rpcs.ListDirectories ?? 0) >= 2, '(stats.rpcs.ListDirectories ?? 0) >= 2');
  });

  it('keeps other organizations out: NOT_FOUND errors with Scalekit error codes', async () => {
    emulator.reset();
    emulator.directory.enable(ACME);
    emulator.directory.addUser(ACME, { email: 'ada@acme.test' });
    const acmeDirectory = emulator.directory.get(ACME).directory!.id;
    await assert.rejects(scalekit.directory.listDirectoryUsers(GLOBEX, acmeDirectory), (error: any) => {
      assert.equal(error.httpStatus, 404);
      assert.equal(error.errorCode, 'DIRECTORY_NOT_FOUND');
      return true;
    });
    await assert.rejects(scalekit.directory.listDirectories('org_does_not_exist'), (error: any) => {
      assert.equal(error.errorCode, 'ORGANIZATION_NOT_FOUND');
      return true;
    });
    await assert.rejects(scalekit.directory.getDirectory(ACME, 'dir_1'), { httpStatus: 404 });
    await assert.rejects(scalekit.directory.listDirectoryUsers(ACME, acmeDirectory, { pageToken: 'garbage!' }), { httpStatus: 400 });
  });

  it('turns directory sync on and off through the SDK, with events', async () => {
    emulator.reset();
    emulator.webhooks.configure({ url: receiver.url, secret });
    receiver.deliveries.length = 0;
    const { directory } = emulator.directory.enable(ACME);
    const off = await scalekit.directory.disableDirectory(ACME, directory!.id);
    assert.equal(off.enabled, false);
    assert.equal(emulator.directory.get(ACME).directory!.enabled, false);
    const on = await scalekit.directory.enableDirectory(ACME, directory!.id);
    assert.equal(on.enabled, true);
    await emulator.webhooks.settled();
    assert.deepEqual(receiver.deliveries.map((d) => [d.event.type, d.event.data.enabled]), [
      ['organization.directory_enabled', true],
      ['organization.directory_disabled', false],
      ['organization.directory_enabled', true],
    ]);
  });

  it('retries a delivery the receiver failed, with the same event id', async () => {
    emulator.reset();
    const quick = await startEmulator({ port: 0, webhooks: { url: receiver.url, secret, retryScheduleMs: [0, 10, 10] } });
    try {
      receiver.deliveries.length = 0;
      receiver.statuses.push(500);
      quick.directory.enable(ACME);
      await quick.webhooks.settled();
      assert.equal(receiver.deliveries.length, 2);
      assert.equal(receiver.deliveries[0]!.event.id, receiver.deliveries[1]!.event.id);
      const [entry] = quick.webhooks.deliveries();
      assert.deepEqual([entry!.attempts, entry!.lastStatus, entry!.delivered], [2, 200, true]);
    } finally {
      await quick.close();
    }
  });

  it('refuses malformed control input with 400 invalid_request and changes nothing', async () => {
    emulator.reset();
    await control('POST', `/directory/${ACME}/enable`);
    const before = (await control('GET', `/directory/${ACME}`)).json;
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', `/directory/${ACME}/users`, '{not json', 400, 'invalid_request'],
      ['POST', `/directory/${ACME}/users`, [], 400, 'invalid_request'],
      ['POST', `/directory/${ACME}/users`, { email: 'x' }, 400, 'invalid_request'],
      ['POST', `/directory/${ACME}/users`, { email: 'a@b.co', admin: true }, 400, 'invalid_request'],
      ['POST', `/directory/${ACME}/users`, { email: 'a@b.co', givenName: 'x'.repeat(10_000) }, 400, 'invalid_request'],
      ['POST', `/directory/${ACME}/groups`, { displayName: '' }, 400, 'invalid_request'],
      ['PATCH', `/directory/${ACME}/users/diruser_404`, { givenName: 'x' }, 404, 'not_found'],
      ['DELETE', `/directory/${ACME}/groups/dirgroup_404`, undefined, 404, 'not_found'],
      ['POST', '/directory/org_nope/users', { email: 'a@b.co' }, 404, 'not_found'],
      ['POST', '/directory/org_nope/enable', undefined, 404, 'not_found'],
      ['POST', `/directory/${GLOBEX}/users`, { email: 'a@b.co' }, 404, 'not_found'],
      ['PUT', '/webhooks', { url: 'ftp://x', secret }, 400, 'invalid_request'],
      ['PUT', '/webhooks', { url: receiver.url, secret: 'nope' }, 400, 'invalid_request'],
      ['PUT', '/webhooks', { url: receiver.url, secret, extra: 1 }, 400, 'invalid_request'],
      ['PUT', '/webhooks', 'null', 400, 'invalid_request'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const answer = await control(method, path, body);
      assert.equal(answer.status, status, `${method} ${path}`);
      assert.equal(answer.json.error.code, code, `${method} ${path}`);
      assert.ok(!JSON.stringify(answer.json).includes(secret), '!JSON.stringify(answer.json).includes(secret)');
    }
    const wrongType = await fetch(`${emulator.url}/_emulator/directory/${ACME}/users`, { method: 'POST', body: '{"email":"a@b.co"}', headers: { 'content-type': 'text/plain', authorization: `Bearer ${emulator.controlToken}` } });
    assert.equal(wrongType.status, 415);
    const crossSite = await control('POST', `/directory/${ACME}/users`, { email: 'a@b.co' }, { 'sec-fetch-site': 'cross-site' });
    assert.equal(crossSite.status, 403);
    const huge = await control('POST', `/directory/${ACME}/users`, { email: 'a@b.co', givenName: 'x'.repeat(20_000) });
    assert.equal(huge.status, 413);
    assert.deepEqual((await control('GET', `/directory/${ACME}`)).json, before);
    assert.deepEqual((await control('GET', '/webhooks')).json, { url: receiver.url }, 'a refused PUT keeps the receiver');
    assert.deepEqual((await control('DELETE', '/webhooks')).json, { url: null });
  });

  it('refuses the portal panel API without a live portal session', async () => {
    emulator.reset();
    emulator.directory.enable(ACME);
    for (const token of [undefined, '', 'forged-session', 'x'.repeat(500)]) {
      const response = await fetch(`${emulator.url}/portal/directory/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { 'x-portal-session': token }) },
        body: JSON.stringify({ email: 'eve@acme.test' }),
      });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as any).error.code, 'session_expired');
    }
    assert.deepEqual(emulator.directory.get(ACME).users, []);
  });
  /** Opens a portal link the way a browser would and returns the page's panel session token. */
  async function openPortal(orgId: string, features?: Feature[]): Promise<string> {
    const { client, exec } = sdkOrganizationClient(scalekit);
    const { link } = await exec(client.generatePortalLink, { id: orgId, features: features ?? [] });
    const html = await (await fetch(link!.location)).text();
    // The page's own session token (in its JSON config), present whether or not the panel is shown.
    return /"sessionToken":"([^"]+)"/.exec(html)?.[1] ?? '';
  }

  it('scopes the portal panel API to its session: own organization only, hostile bodies refused', async () => {
    emulator.reset();
    emulator.directory.enable(ACME);
    emulator.directory.enable(GLOBEX);
    const globexUser = emulator.directory.addUser(GLOBEX, { email: 'bob@globex.test' });
    const token = await openPortal(ACME);
    assert.ok(token.length > 10, 'the portal page carries a panel session token');
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${emulator.url}/portal/directory${path}`, {
        method,
        headers: { 'x-portal-session': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as any };
    };
    const created = await call('POST', '/users', { email: 'ada@acme.test', givenName: 'Ada' });
    assert.equal(created.status, 201);
    assert.deepEqual(emulator.directory.get(ACME).users.map((u) => u.email), ['ada@acme.test']);

    // Another organization's user ids are simply unknown here; a body cannot name another organization.
    assert.equal((await call('PATCH', `/users/${globexUser.id}`, { givenName: 'Eve' })).status, 404);
    assert.equal((await call('DELETE', `/users/${globexUser.id}`)).status, 404);
    assert.equal((await call('POST', '/users', { email: 'eve@acme.test', organizationId: GLOBEX })).json.error.code, 'invalid_request');
    for (const body of ['{', '[]', 'null', { email: '<svg onload=alert(1)>' }, { email: 'a@b.co', groups: ['x'.repeat(500)] }]) {
      const answer = await call('POST', '/users', body);
      assert.ok(answer.status === 400 || answer.status === 404, `refused: ${JSON.stringify(body).slice(0, 40)}`);
    }
    assert.equal((await call('POST', '/users', 'x'.repeat(20_000))).status, 413);
    assert.deepEqual(emulator.directory.get(GLOBEX).users.map((u) => u.email), ['bob@globex.test']);
    assert.deepEqual(emulator.directory.get(ACME).users.map((u) => u.email), ['ada@acme.test']);

    // A link minted for SSO only carries no directory rights.
    const ssoOnly = await openPortal(ACME, [Feature.sso]);
    assert.ok(ssoOnly.length > 10, 'the SSO-only page has a live session too');
    assert.equal((await fetch(`${emulator.url}/portal/api/sso`, { method: 'POST', headers: { 'x-portal-session': ssoOnly, 'content-type': 'application/json' }, body: '{}' })).status, 400, 'that session is live for its own API');
    const refused = await fetch(`${emulator.url}/portal/directory`, { headers: { 'x-portal-session': ssoOnly } });
    assert.equal(refused.status, 401);
  });
});
