import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Hono, type Context } from 'hono';
import { serve } from '@hono/node-server';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Scalekit } from '@scalekit-sdk/node';
import {
  DirectoryGroupSchema,
  DirectoryUserSchema,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/directories/directories_pb.js';
import { DemoMemberStore, demoMembersRoutes, memberEventHandler, memberFromDirectoryUser, memoryLedger, type Member } from '../../demo/server/members.js';
import { scalekitWebhooks } from '../../server/webhooks/receiver.js';
import { readEvents } from '../support/sse.js';
import { startEmulator } from '../../emulator/src/index.js';
import type { ScalekitWebhookEvent } from '../../server/webhooks/events.js';
import { generateWebhookSecret, webhookHeaders } from '../../emulator/src/directory/webhook-signer.js';

let sequence = 0;
function userEvent(
  type: 'user_created' | 'user_updated' | 'user_deleted',
  organizationId: string,
  data: Record<string, unknown>,
  occurredAt = new Date(Date.UTC(2026, 10, 28, 17, 0, sequence)).toISOString(),
): ScalekitWebhookEvent {
  sequence += 1;
  return {
    spec_version: '1',
    id: `evt_${sequence}`,
    type: `organization.directory.${type}`,
    occurred_at: occurredAt,
    environment_id: 'env_1',
    organization_id: organizationId,
    object: 'DirectoryUser',
    data: { organization_id: organizationId, ...data },
  } as ScalekitWebhookEvent;
}

const ADA = {
  id: 'diruser_ada',
  email: 'ada@acme.test',
  given_name: 'Ada',
  family_name: 'Lovelace',
  name: 'Ada Lovelace',
  active: true,
  groups: [{ id: 'dirgroup_eng', name: 'Engineering' }],
};

describe('DemoMemberStore', () => {
  it('adds a created user with its attributes, keyed on the directory user id', async () => {
    const store = new DemoMemberStore();
    assert.equal(await store.apply(userEvent('user_created', 'org_acme', ADA, '2026-11-28T17:00:00.000Z')), true);
    assert.deepEqual(store.list('org_acme'), [
      {
        id: 'diruser_ada',
        email: 'ada@acme.test',
        name: 'Ada Lovelace',
        givenName: 'Ada',
        familyName: 'Lovelace',
        groups: ['Engineering'],
        active: true,
        updatedAt: '2026-11-28T17:00:00.000Z',
      },
    ]);
  });

  it('applies an update (even a changed email) to the same member, and keeps fields the update leaves out', async () => {
    const store = new DemoMemberStore();
    await store.apply(userEvent('user_created', 'org_acme', ADA));
    await store.apply(userEvent('user_updated', 'org_acme', { id: 'diruser_ada', email: 'ada.l@acme.test', groups: [] }));
    const [ada] = store.list('org_acme');
    assert.equal(store.list('org_acme').length, 1);
    assert.equal(ada!.email, 'ada.l@acme.test');
    assert.equal(ada!.name, 'Ada Lovelace');
    assert.deepEqual(ada!.groups, []);
  });

  it('deactivates on user_updated with active:false and removes on user_deleted', async () => {
    const store = new DemoMemberStore();
    await store.apply(userEvent('user_created', 'org_acme', ADA));
    await store.apply(userEvent('user_updated', 'org_acme', { ...ADA, active: false }));
    assert.equal(store.list('org_acme')[0]!.active, false);
    const { active: _active, ...withoutStatus } = ADA;
    await store.apply(userEvent('user_updated', 'org_acme', { ...withoutStatus, email: 'still@acme.test' }));
    assert.equal(store.list('org_acme')[0]!.active, false, 'an update that does not mention the status keeps it');
    await store.apply(userEvent('user_deleted', 'org_acme', { id: 'diruser_ada', email: 'ada@acme.test', dp_id: '00u1' }));
    assert.deepEqual(store.list('org_acme'), []);
  });

  it('keeps organizations apart: the same user id in two organizations is two members', async () => {
    const store = new DemoMemberStore();
    await store.apply(userEvent('user_created', 'org_acme', ADA));
    await store.apply(userEvent('user_created', 'org_globex', { ...ADA, email: 'ada@globex.test' }));
    await store.apply(userEvent('user_deleted', 'org_globex', { id: 'diruser_ada' }));
    assert.equal(store.list('org_acme')[0]!.email, 'ada@acme.test');
    assert.deepEqual(store.list('org_globex'), []);
    assert.deepEqual(store.list('org_initech'), []);
  });

  it('ignores a late retry of an older event, and never resurrects a deleted user from one', async () => {
    const store = new DemoMemberStore();
    await store.apply(userEvent('user_created', 'org_acme', ADA, '2026-11-28T17:00:00.000Z'));
    await store.apply(userEvent('user_updated', 'org_acme', { ...ADA, name: 'Countess' }, '2026-11-28T17:05:00.000Z'));
    assert.equal(await store.apply(userEvent('user_updated', 'org_acme', { ...ADA, name: 'Old' }, '2026-11-28T17:01:00.000Z')), false);
    assert.equal(store.list('org_acme')[0]!.name, 'Countess');
    await store.apply(userEvent('user_deleted', 'org_acme', { id: 'diruser_ada' }, '2026-11-28T17:10:00.000Z'));
    assert.equal(await store.apply(userEvent('user_updated', 'org_acme', ADA, '2026-11-28T17:06:00.000Z')), false);
    assert.deepEqual(store.list('org_acme'), []);
    assert.equal(await store.apply(userEvent('user_created', 'org_acme', ADA, '2026-11-28T18:00:00.000Z')), true, 're-created later');
  });

  it('orders events by their time in milliseconds, and lets a deletion win a tie', async () => {
    const store = new DemoMemberStore();
    await store.apply(userEvent('user_created', 'org_acme', ADA, '2026-01-01T00:00:01Z'));
    await store.apply(userEvent('user_deleted', 'org_acme', { id: 'diruser_ada' }, '2026-01-01T00:00:05.300Z'));
    // As text "…:05Z" sorts after "…:05.300Z"; as time it is 300 ms earlier.
    assert.equal(await store.apply(userEvent('user_updated', 'org_acme', ADA, '2026-01-01T00:00:05Z')), false);
    assert.equal(await store.apply(userEvent('user_updated', 'org_acme', ADA, '2026-01-01T00:00:05.300Z')), false, 'an update does not undo a deletion of the same millisecond');
    assert.deepEqual(store.list('org_acme'), []);

    await store.apply(userEvent('user_created', 'org_globex', ADA, '2026-01-01T00:00:07.000Z'));
    await store.apply(userEvent('user_deleted', 'org_globex', { id: 'diruser_ada' }, '2026-01-01T00:00:07Z'));
    assert.deepEqual(store.list('org_globex'), [], 'a deletion of the same millisecond as the update applies');
  });

  it('changes nothing when its ledger fails to write, so the retry of the same event applies it', async () => {
    const ledger = memoryLedger();
    let fail = false;
    const store = new DemoMemberStore({
      ledger: {
        lastChange: (organizationId, userId) => ledger.lastChange(organizationId, userId),
        write: (...args) => (fail ? Promise.reject(new Error('disk full')) : ledger.write(...args)),
      },
    });
    await store.apply(userEvent('user_created', 'org_acme', ADA));
    const deletion = userEvent('user_deleted', 'org_acme', { id: 'diruser_ada' });
    fail = true;
    await assert.rejects(store.apply(deletion), /disk full/);
    assert.deepEqual(store.list('org_acme').map((member) => member.id), ['diruser_ada']);
    fail = false;
    assert.equal(await store.apply(deletion), true);
    assert.deepEqual(store.list('org_acme'), []);
    assert.equal(await store.apply(deletion), true, 'a redelivery of the stored change counts as that change');
  });

  it('survives hostile user data: wrong types, huge strings, thousands of groups', async () => {
    const store = new DemoMemberStore();
    await store.apply(
      userEvent('user_created', 'org_acme', {
        id: 'diruser_odd',
        email: 42,
        name: { first: 'x' },
        given_name: 'G'.repeat(100_000),
        active: 'yes',
        groups: Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? { name: `g${i}` } : i % 3 === 1 ? null : 7)),
      }),
    );
    await store.apply(userEvent('user_created', 'org_acme', { id: 'diruser_2', groups: 'admins', raw_attributes: 'x' }));
    const [odd, second] = store.list('org_acme');
    assert.equal(odd!.email, '');
    assert.ok(odd!.name.length <= 320 && odd!.givenName!.length <= 320);
    assert.equal(odd!.active, true);
    assert.ok(odd!.groups.length <= 100 && odd!.groups.every((group) => typeof group === 'string'));
    assert.deepEqual(second!.groups, []);
    assert.equal(second!.name, '', 'no name, no email: an empty display name, not a crash');
  });

  it('tells only the changed organization\'s listeners, with copies they cannot corrupt the store through', async () => {
    const store = new DemoMemberStore();
    const acme: Member[][] = [];
    const globex: Member[][] = [];
    const stop = store.subscribe('org_acme', (members) => acme.push(members));
    store.subscribe('org_globex', (members) => globex.push(members));
    await store.apply(userEvent('user_created', 'org_acme', ADA));
    acme[0]![0]!.groups.push('Admins');
    acme[0]![0]!.active = false;
    assert.deepEqual(store.list('org_acme')[0]!.groups, ['Engineering']);
    assert.equal(store.list('org_acme')[0]!.active, true);
    assert.equal(globex.length, 0);
    stop();
    await store.apply(userEvent('user_updated', 'org_acme', ADA));
    assert.equal(acme.length, 1);
    assert.equal(store.listenerCount('org_acme'), 0);
  });

  it('is fed by scalekitWebhooks() with verified deliveries only', async () => {
    const store = new DemoMemberStore();
    const secret = generateWebhookSecret();
    const app = scalekitWebhooks({
      scalekit: new Scalekit('http://127.0.0.1:9', 'skc_test', 'test'),
      secret,
      onEvent: memberEventHandler(store),
      log: () => {},
    });
    const body = JSON.stringify(userEvent('user_created', 'org_acme', ADA));
    const forged = await app.request('/', { method: 'POST', headers: webhookHeaders(generateWebhookSecret(), 'msg_1', body), body });
    assert.equal(forged.status, 401);
    assert.deepEqual(store.list('org_acme'), []);
    const signed = await app.request('/', { method: 'POST', headers: webhookHeaders(secret, 'msg_1', body), body });
    assert.equal(signed.status, 200);
    assert.equal(store.list('org_acme')[0]!.email, 'ada@acme.test');
  });
});

describe('memberFromDirectoryUser()', () => {
  it('reads status and display name from the SDK message\'s userDetail', async () => {
    const user = create(DirectoryUserSchema, {
      id: 'diruser_ada',
      email: 'ada@acme.test',
      givenName: 'Ada',
      familyName: 'Lovelace',
      updatedAt: timestampFromDate(new Date('2026-11-28T17:00:00.000Z')),
      groups: [create(DirectoryGroupSchema, { id: 'dirgroup_eng', displayName: 'Engineering' })],
      userDetail: { name: 'Ada King', active: false },
    });
    assert.deepEqual(memberFromDirectoryUser(user), {
      id: 'diruser_ada',
      email: 'ada@acme.test',
      name: 'Ada King',
      givenName: 'Ada',
      familyName: 'Lovelace',
      groups: ['Engineering'],
      active: false,
      updatedAt: '2026-11-28T17:00:00.000Z',
    });
  });

  it('survives odd userDetail values from the directory API', async () => {
    const member = memberFromDirectoryUser(
      create(DirectoryUserSchema, {
        id: 'diruser_odd',
        emails: ['first@acme.test', 'second@acme.test'],
        familyName: 'Hopper',
        userDetail: { active: 'no', name: 42, raw_attributes: [1, 2], email: { x: 1 } },
      }),
    );
    assert.equal(member.email, 'first@acme.test');
    assert.equal(member.active, true);
    assert.equal(member.name, 'Hopper');
    assert.deepEqual(member.groups, []);
  });

  it('treats a user without status details as active and builds a name from its parts', async () => {
    const member = memberFromDirectoryUser(create(DirectoryUserSchema, { id: 'diruser_b', email: 'b@acme.test', givenName: 'Bo' }));
    assert.equal(member.active, true);
    assert.equal(member.name, 'Bo');
  });
});

async function nextMembers(events: AsyncGenerator<{ event: string; data: string }>): Promise<Member[]> {
  for (;;) {
    const { value, done } = await events.next();
    assert.ok(!done, 'the stream ended');
    if (value.event === 'members') return (JSON.parse(value.data) as { members: Member[] }).members;
  }
}

/** Awaits a condition the server reaches asynchronously (a closed socket has no event the test can hold). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** Closes a test server without waiting out fetch's idle keep-alive socket. */
async function closeServer(server: ReturnType<typeof serve>): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  if ('closeAllConnections' in server) server.closeAllConnections();
  await closed;
}

function routesFixture(scalekit = new Scalekit('http://127.0.0.1:9', 'skc_test', 'test')) {
  const store = new DemoMemberStore();
  // Test stand-in for the demo session: the organization named by a header. app.ts uses the signed cookie.
  const organizationOf = (c: Context) => c.req.header('x-test-organization') ?? null;
  const logs: string[] = [];
  const app = new Hono().route('/api/demo/members', demoMembersRoutes({ store, scalekit, organizationOf, log: (line) => logs.push(line) }));
  return { store, app, logs };
}

describe('demoMembersRoutes()', () => {
  it('answers 401 without a signed-in organization, on every route', async () => {
    const { app } = routesFixture();
    for (const [method, path] of [['GET', '/'], ['GET', '/stream'], ['POST', '/reconcile']] as const) {
      const response = await app.request(`/api/demo/members${path}`, { method });
      assert.equal(response.status, 401, `${method} ${path}`);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'unauthenticated');
    }
  });

  it('lists only the session organization\'s members, never cached', async () => {
    const { app, store } = routesFixture();
    await store.apply(userEvent('user_created', 'org_acme', ADA));
    await store.apply(userEvent('user_created', 'org_globex', { ...ADA, id: 'diruser_eve', email: 'eve@globex.test' }));
    const response = await app.request('/api/demo/members', { headers: { 'x-test-organization': 'org_acme' } });
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const { members } = (await response.json()) as { members: Member[] };
    assert.deepEqual(members.map((member) => member.email), ['ada@acme.test']);
  });

  it('answers 502 reconcile_failed and keeps the members it had when Scalekit fails; rebuilds once it answers', async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
      const { app, store, logs } = routesFixture(scalekit);
      const organizationId = emulator.organizations()[0]!.id;
      await store.apply(userEvent('user_created', organizationId, ADA));
      const reconcile = () =>
        app.request('/api/demo/members/reconcile', { method: 'POST', headers: { 'x-test-organization': organizationId } });

      emulator.faults.failRpcs(1, 'internal', 'ListDirectories');
      const failed = await reconcile();
      assert.equal(failed.status, 502);
      const body = (await failed.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'reconcile_failed');
      assert.ok(!body.error.message.includes(emulator.url));
      assert.deepEqual(store.list(organizationId).map((member) => member.id), ['diruser_ada'], 'a failure keeps what the host had');
      assert.ok(logs.length > 0 && logs.every((line) => !line.includes(emulator.clientSecret) && !line.includes('ada@')));

      // No directory in the emulator yet: the directory API is the truth, so the list empties.
      const rebuilt = await reconcile();
      assert.equal(rebuilt.status, 200);
      assert.deepEqual(((await rebuilt.json()) as { members: Member[] }).members, []);
      assert.deepEqual(store.list(organizationId), []);
    } finally {
      await emulator.close();
    }
  });

  it('keeps the members it had when saving Reconcile\'s list fails', async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
      const store = new DemoMemberStore();
      const organizationId = emulator.organizations()[0]!.id;
      let saved: Member[] | null = null;
      const app = new Hono()
        .route('/api/demo/members', demoMembersRoutes({
          store, scalekit, organizationOf: () => organizationId, log: () => {},
          afterReconcile: (_organizationId, members) => {
            if (saved === null) {
              saved = [];
              throw new Error('disk full');
            }
            saved = members;
          },
        }))
        .onError((_error, c) => c.json({ error: { code: 'internal' } }, 500));
      await store.apply(userEvent('user_created', organizationId, ADA));
      const reconcile = () => app.request('/api/demo/members/reconcile', { method: 'POST' });
      assert.equal((await reconcile()).status, 500);
      assert.deepEqual(store.list(organizationId).map((member) => member.id), ['diruser_ada'], 'nothing saved, nothing changed');
      assert.equal((await reconcile()).status, 200);
      assert.deepEqual(store.list(organizationId), []);
      assert.deepEqual(saved, []);
    } finally {
      await emulator.close();
    }
  });

  it('streams the members on connect and on every change of that organization only, over a real socket', { timeout: 600_000 }, async () => {
    const { app, store } = routesFixture();
    await store.apply(userEvent('user_created', 'org_acme', ADA));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const abort = new AbortController();
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/demo/members/stream`, {
        headers: { 'x-test-organization': 'org_acme' },
        signal: abort.signal,
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      const events = readEvents(response);
      assert.deepEqual((await nextMembers(events)).map((member) => member.id), ['diruser_ada']);

      await store.apply(userEvent('user_created', 'org_globex', { ...ADA, id: 'diruser_eve', email: 'eve@globex.test' }));
      await store.apply(userEvent('user_updated', 'org_acme', { ...ADA, active: false }));
      const afterDeactivation = await nextMembers(events);
      assert.deepEqual(afterDeactivation.map((member) => [member.id, member.active]), [['diruser_ada', false]]);

      await store.apply(userEvent('user_deleted', 'org_acme', { id: 'diruser_ada' }));
      assert.deepEqual(await nextMembers(events), []);
      assert.equal(store.listenerCount('org_acme'), 1);
      assert.equal(store.listenerCount('org_globex'), 0);

      abort.abort();
      await until(() => store.listenerCount() === 0);
    } finally {
      abort.abort();
      await closeServer(server);
    }
  });

  it('ends open streams when the store closes, so the server can shut down', { timeout: 600_000 }, async () => {
    const { app, store } = routesFixture();
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/demo/members/stream`, { headers: { 'x-test-organization': 'org_acme' } });
      const events = readEvents(response);
      assert.deepEqual(await nextMembers(events), []);
      store.close();
      assert.equal((await events.next()).done, true);
      await until(() => store.listenerCount() === 0);
    } finally {
      await closeServer(server);
    }
  });
});
