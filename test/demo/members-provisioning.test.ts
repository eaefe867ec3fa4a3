// Provisioning end to end on Node: the demo server (createDemoServer) with its in-process emulator. A directory change
// in the simulated IdP → a signed webhook → scalekitWebhooks() (the SDK verifies) → the member store → the
// session's server-sent events. Reconcile goes through the real SDK's listDirectoryUsers to the emulator.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DemoServer } from '../../demo/server/northwind.js';
import { createDemoServer } from '../support/demo-database.js';
import { nodeListener } from '../../demo/server/node-listener.js';
import type { Member } from '../../demo/server/members.js';
import { readEvents, type ServerSentEvents as Events } from '../support/sse.js';


async function nextMembers(events: Events): Promise<Member[]> {
  for (;;) {
    const { value, done } = await events.next();
    assert.ok(!done, 'the members stream ended');
    if (value.event === 'members') return (JSON.parse(value.data) as { members: Member[] }).members;
  }
}

/** Reads member lists until one satisfies `accept` (the webhook sender may deliver in several steps). */
async function membersUntil(events: Events, accept: (members: Member[]) => boolean, seen: Member[][] = []): Promise<Member[]> {
  for (;;) {
    const members = await nextMembers(events);
    seen.push(members);
    if (accept(members)) return members;
  }
}

describe('demo provisioning end to end (emulator → signed webhook → store → SSE)', { timeout: 600_000 }, () => {
  let server: DemoServer;
  const logs: string[] = [];
  let acme: string;
  let globex: string;

  before(async () => {
    server = await createDemoServer({ listen: nodeListener(), log: (line) => logs.push(line) });
    [acme, globex] = server.emulator!.organizations().map((org) => org.id) as [string, string];
  });
  after(async () => {
    await server.close();
  });

  async function signIn(organizationId: string): Promise<string> {
    const response = await fetch(`${server.url}/api/demo/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ organizationId }),
    });
    assert.equal(response.status, 200);
    return response.headers.get('set-cookie')!.split(';', 1)[0]!;
  }

  async function openStream(cookie: string, signal: AbortSignal): Promise<Events> {
    const response = await fetch(`${server.url}/api/demo/members/stream`, { headers: { cookie }, signal });
    assert.equal(response.status, 200);
    return readEvents(response);
  }

  it('shows a user the simulated IdP creates, edits, deactivates and deletes — only to its own organization', async () => {
    const emulator = server.emulator!;
    const acmeCookie = await signIn(acme);
    const globexCookie = await signIn(globex);
    const stop = new AbortController();
    try {
      const acmeEvents = await openStream(acmeCookie, stop.signal);
      const globexEvents = await openStream(globexCookie, stop.signal);
      assert.deepEqual(await nextMembers(acmeEvents), []);
      assert.deepEqual(await nextMembers(globexEvents), []);
      const acmeSeen: Member[][] = [];

      emulator.directory.enable(acme);
      emulator.directory.enable(globex);
      const engineering = emulator.directory.addGroup(acme, { displayName: 'Engineering' });
      // A user of another organization first: it must never reach Acme's stream.
      const eve = emulator.directory.addUser(globex, { email: 'eve@globex.test', givenName: 'Eve', familyName: 'Intruder' });
      const ada = emulator.directory.addUser(acme, {
        email: 'ada@acme.test',
        givenName: 'Ada',
        familyName: 'Lovelace',
        name: 'Ada Lovelace',
        groups: [engineering.id],
      });

      const created = await membersUntil(acmeEvents, (members) => members.some((m) => m.id === ada.id), acmeSeen);
      assert.deepEqual(
        created.map(({ id, email, name, givenName, familyName, groups, active }) => ({ id, email, name, givenName, familyName, groups, active })),
        [{ id: ada.id, email: 'ada@acme.test', name: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace', groups: ['Engineering'], active: true }],
      );
      const globexMembers = await membersUntil(globexEvents, (members) => members.length > 0);
      assert.deepEqual(globexMembers.map((m) => m.id), [eve.id]);

      emulator.directory.updateUser(acme, ada.id, { email: 'ada.king@acme.test', name: 'Ada King' });
      const edited = await membersUntil(acmeEvents, (members) => members[0]?.email === 'ada.king@acme.test', acmeSeen);
      assert.equal(edited[0]!.name, 'Ada King');

      emulator.directory.deactivateUser(acme, ada.id);
      const deactivated = await membersUntil(acmeEvents, (members) => members[0]?.active === false, acmeSeen);
      assert.equal(deactivated.length, 1, 'a deactivated user stays listed, shown deactivated');

      // Deprovisioning as Scalekit documents it: deactivation arrived as user_deleted, and a deletion in the IdP is
      // another user_deleted; the host keeps the member, deactivated, either way.
      emulator.directory.deleteUser(acme, ada.id);
      await emulator.webhooks.settled();
      const afterDelete = (await (await fetch(`${server.url}/api/demo/members`, { headers: { cookie: acmeCookie } })).json()) as { members: Member[] };
      assert.deepEqual(afterDelete.members.map((m) => [m.id, m.active]), [[ada.id, false]]);

      for (const members of acmeSeen) {
        assert.ok(members.every((m) => m.id !== eve.id && m.email !== 'eve@globex.test'), 'no Globex user ever in Acme\'s stream');
      }
      const listed = (await (await fetch(`${server.url}/api/demo/members`, { headers: { cookie: globexCookie } })).json()) as { members: Member[] };
      assert.deepEqual(listed.members.map((m) => m.email), ['eve@globex.test']);

      await emulator.webhooks.settled();
      const deliveries = emulator.webhooks.deliveries();
      assert.ok(deliveries.length >= 6 && deliveries.every((delivery) => delivery.delivered), 'every event delivered and answered 2xx');
    } finally {
      stop.abort();
    }
  });

  it('answers the members routes 401 without a session and keeps secrets and user data out of the log', async () => {
    for (const [method, path] of [['GET', '/api/demo/members'], ['GET', '/api/demo/members/stream'], ['POST', '/api/demo/members/reconcile']]) {
      const response = await fetch(`${server.url}${path}`, { method });
      assert.equal(response.status, 401, `${method} ${path}`);
    }
    const unsigned = await fetch(`${server.url}/webhooks/scalekit`, { method: 'POST', body: '{"id":"evt_1","type":"x"}' });
    assert.equal(unsigned.status, 401);
    assert.ok(logs.some((line) => /scalekit webhook: evt_\S+ organization\.directory\.user_created handled/.test(line)));
    for (const line of logs) {
      assert.ok(!/whsec_|@acme\.test|@globex\.test|Lovelace/.test(line), line);
    }
  });

  it('rebuilds the list from listDirectoryUsers on Reconcile, including changes whose webhooks never arrived', async () => {
    const emulator = server.emulator!;
    const cookie = await signIn(acme);
    emulator.directory.enable(acme);
    const grace = emulator.directory.addUser(acme, { email: 'grace@acme.test', givenName: 'Grace', familyName: 'Hopper' });
    await emulator.webhooks.settled();

    // The host misses what happens while its receiver is unreachable.
    // (This test runs last: the demo's receiver is not reconnected afterwards.)
    emulator.webhooks.configure(null);
    const linus = emulator.directory.addUser(acme, { email: 'linus@acme.test', givenName: 'Linus' });
    // More users than one page of listDirectoryUsers (100), so reconcile must follow nextPageToken.
    for (let i = 0; i < 230; i += 1) emulator.directory.addUser(acme, { email: `user${i}@acme.test` });
    emulator.directory.deactivateUser(acme, grace.id);
    const before = (await (await fetch(`${server.url}/api/demo/members`, { headers: { cookie } })).json()) as { members: Member[] };
    assert.ok(!before.members.some((m) => m.id === linus.id));

    const rpcsBefore = emulator.stats().rpcs['ListDirectoryUsers'] ?? 0;
    const response = await fetch(`${server.url}/api/demo/members/reconcile`, { method: 'POST', headers: { cookie, origin: server.url } });
    assert.equal(response.status, 200);
    const { members } = (await response.json()) as { members: Member[] };
    assert.ok((emulator.stats().rpcs['ListDirectoryUsers'] ?? 0) > rpcsBefore, 'through the SDK to the emulator');
    const byId = new Map(members.map((m) => [m.id, m]));
    assert.equal(byId.get(linus.id)?.email, 'linus@acme.test');
    assert.equal(byId.get(grace.id)?.active, false);
    assert.equal(byId.get(grace.id)?.name, 'Grace Hopper');
    const expected = emulator.directory.get(acme).users.map((user: { id: string }) => user.id).sort();
    assert.ok(expected.length > 230);
    assert.equal(members.length, expected.length, 'no user lost or repeated across pages');
    assert.deepEqual([...byId.keys()].sort(), expected);
    assert.ok(members.every((m) => !m.email.endsWith('@globex.test')));

  });
});
