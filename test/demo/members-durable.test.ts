// The demo's member store is only as good as its database: a delivery answered 500 leaves nothing applied (so the
// retry applies it), and what orders events (the last change of each user, deletions included) survives a restart.
// Real PGlite on a real data folder; the one failure is injected by a wrapper that fails one write.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDemoServer, type DemoServer } from '../../demo/server/northwind.js';
import { nodeListener } from '../../demo/server/node-listener.js';
import { openDemoDatabase, type DemoDatabase } from '../../demo/server/database.js';
import type { Member } from '../../demo/server/members.js';
import { generateWebhookSecret, webhookHeaders } from '../../emulator/src/directory/webhook-signer.js';

const secret = generateWebhookSecret();
let dataDir: string;
let server: DemoServer | null = null;
/** Set to make the next write to the members table fail, as a full disk would. */
let failNextMembersWrite = false;

async function failingOnce(dir: string | null): Promise<DemoDatabase> {
  const db = await openDemoDatabase(dir);
  return {
    dir: db.dir,
    close: () => db.close(),
    query: (text, params) => {
      if (failNextMembersWrite && /^\s*(INSERT|UPDATE|DELETE|WITH)\b/i.test(text) && text.includes('northwind_members')) {
        failNextMembersWrite = false;
        return Promise.reject(new Error('could not extend file: No space left on device'));
      }
      return db.query(text, params);
    },
  };
}

async function start(): Promise<DemoServer> {
  await server?.close();
  server = await createDemoServer({ listen: nodeListener(), env: {}, dataDir, webhookSecret: secret, openDatabase: failingOnce, log: () => {} });
  return server;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'northwind-durable-'));
});
after(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function userEvent(id: string, type: 'user_created' | 'user_updated' | 'user_deleted', occurredAt: string, data: Record<string, unknown> = {}) {
  return {
    spec_version: '1',
    id,
    type: `organization.directory.${type}`,
    occurred_at: occurredAt,
    environment_id: 'env_1',
    organization_id: 'org_acme',
    object: 'DirectoryUser',
    data: { id: 'diruser_ada', organization_id: 'org_acme', email: 'ada@acme.test', ...data },
  };
}

async function deliver(event: ReturnType<typeof userEvent>): Promise<number> {
  const body = JSON.stringify(event);
  const response = await fetch(`${server!.url}/webhooks/scalekit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...webhookHeaders(secret, event.id, body) },
    body,
  });
  await response.body?.cancel();
  return response.status;
}

async function members(): Promise<Array<Pick<Member, 'id' | 'active' | 'name'>>> {
  const session = await fetch(`${server!.url}/api/demo/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server!.url },
    body: JSON.stringify({ organizationId: 'org_acme' }),
  });
  assert.equal(session.status, 200);
  const cookie = session.headers.get('set-cookie')!.split(';', 1)[0]!;
  const response = await fetch(`${server!.url}/api/demo/members`, { headers: { cookie } });
  const list = ((await response.json()) as { members: Member[] }).members;
  return list.map(({ id, active, name }) => ({ id, active, name }));
}

const CREATED = userEvent('evt_created', 'user_created', '2026-01-01T00:00:01Z', { name: 'Ada Lovelace', active: true });
const DELETED = userEvent('evt_deleted', 'user_deleted', '2026-01-01T00:00:05.300Z');
// Occurred before the deletion, at second precision: 00:00:05 is 300 ms older than 00:00:05.300.
const LATE_UPDATE = userEvent('evt_late', 'user_updated', '2026-01-01T00:00:05Z', { name: 'Ada (late)', active: true });

describe('demo members on a database that can fail', { timeout: 600_000 }, () => {
  it('applies nothing when the write fails, and everything on the retry — even after a restart', async () => {
    await start();
    assert.equal(await deliver(CREATED), 200);
    assert.deepEqual(await members(), [{ id: 'diruser_ada', active: true, name: 'Ada Lovelace' }]);

    failNextMembersWrite = true;
    assert.equal(await deliver(DELETED), 500, 'the failed write is answered 500, so Scalekit retries');
    assert.deepEqual(await members(), [{ id: 'diruser_ada', active: true, name: 'Ada Lovelace' }], 'nothing applied');
    assert.equal(await deliver(DELETED), 200, 'the retry');
    // user_deleted deprovisions (Scalekit sends it for a deactivation too): the member stays, deactivated.
    const deprovisioned = [{ id: 'diruser_ada', active: false, name: 'Ada Lovelace' }];
    assert.deepEqual(await members(), deprovisioned);

    await start();
    assert.deepEqual(await members(), deprovisioned, 'after a restart the deprovisioned user stays deactivated');
  });

  it('refuses an event older than the stored deletion, across a restart between a failed delivery and its retry', async () => {
    await start();
    const RECREATED = userEvent('evt_recreated', 'user_created', '2026-01-01T00:01:00Z', { name: 'Ada again', active: true });
    const REDELETED = userEvent('evt_redeleted', 'user_deleted', '2026-01-01T00:02:00.500Z');
    assert.equal(await deliver(RECREATED), 200);
    failNextMembersWrite = true;
    assert.equal(await deliver(REDELETED), 500);

    await start();
    assert.deepEqual(await members(), [{ id: 'diruser_ada', active: true, name: 'Ada again' }], 'the failed deletion was not kept');
    assert.equal(await deliver(REDELETED), 200, 'the retry, after the restart');
    const deprovisioned = [{ id: 'diruser_ada', active: false, name: 'Ada again' }];
    assert.deepEqual(await members(), deprovisioned);

    const OLDER = userEvent('evt_older', 'user_updated', '2026-01-01T00:02:00Z', { name: 'Ada (older)', active: true });
    assert.equal(await deliver(OLDER), 200, 'acknowledged: retrying it would change nothing');
    assert.deepEqual(await members(), deprovisioned, 'an update older than the deletion does not bring the user back');

    await start();
    assert.equal(await deliver(OLDER), 200);
    assert.equal(await deliver(LATE_UPDATE), 200);
    assert.deepEqual(await members(), deprovisioned, 'nor after a restart');

    const BACK = userEvent('evt_back', 'user_created', '2026-01-01T00:03:00Z', { name: 'Ada back', active: true });
    assert.equal(await deliver(BACK), 200);
    assert.deepEqual(await members(), [{ id: 'diruser_ada', active: true, name: 'Ada back' }], 'a later user_created brings them back');
  });
});
