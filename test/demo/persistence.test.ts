// Northwind's data survives a restart of the demo server on the same PGlite folder: customers (and their
// organizations, re-seeded into the new emulator under the same ids), setup links (still usable), members,
// onboarding progress and branding. The emulator itself starts empty, as a new Scalekit would not.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createDemoServer, type DemoServer } from '../../demo/server/northwind.js';
import { nodeListener } from '../../demo/server/node-listener.js';
import { openDemoDatabase } from '../../demo/server/database.js';
import type { OnboardingStep } from '../../demo/server/northwind-data.js';

let dataDir: string;
let server: DemoServer | null = null;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'northwind-persistence-'));
});
after(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function staff(base: string) {
  let cookies = '';
  return async (path: string, method = 'GET', body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        origin: base,
        ...(cookies ? { cookie: cookies } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = response.headers.getSetCookie().map((c) => c.split(';')[0]!).filter((c) => !c.endsWith('='));
    if (set.length) cookies = [...new Map([...cookies.split('; '), ...set].filter(Boolean).map((c) => [c.split('=')[0], c])).values()].join('; ');
    return response;
  };
}

function progressReaches(target: DemoServer, organizationId: string, step: OnboardingStep): Promise<void> {
  return new Promise((resolve) => {
    const check = async () => {
      if ((await target.data.progress(organizationId))[step]) {
        unsubscribe();
        resolve();
      }
    };
    const unsubscribe = target.data.subscribe(() => void check());
    void check();
  });
}

describe('demo server restart on the same data folder', () => {
  it('finds its customers, setup links, members, progress and branding again', async () => {
    server = await createDemoServer({ listen: nodeListener(), env: {}, dataDir, log: () => {} });
    let api = staff(server.url);
    assert.equal((await api('/api/staff/session', 'POST', { name: 'Sam' })).status, 200);
    assert.equal((await api('/api/staff/customers', 'POST', { name: 'Vandelay Industries', externalId: 'vandelay' })).status, 201);
    assert.equal((await api('/api/staff/selection', 'POST', { externalId: 'vandelay' })).status, 200);
    const link = (await (await api('/api/scalekit/setup-links', 'POST', {})).json()) as { id: string; url: string };
    assert.equal((await api('/api/staff/branding', 'PUT', { accentColor: '#0e7c66' })).status, 200);
    const { organizationId } = (await server.data.customerByExternalId('vandelay'))!;
    const provisioned = progressReaches(server, organizationId, 'user_provisioned');
    server.emulator!.directory.enable(organizationId);
    server.emulator!.directory.addUser(organizationId, { email: 'art@vandelay.example', givenName: 'Art', familyName: 'Vandelay' });
    await provisioned;
    await server.close();

    server = await createDemoServer({ listen: nodeListener(), env: {}, dataDir, log: () => {} });
    assert.ok(server.emulator!.organizations().some((org) => org.id === organizationId), 'the new emulator has the organization, same id');
    api = staff(server.url);
    await api('/api/staff/session', 'POST', { name: 'Sam' });
    const { customers } = (await (await api('/api/staff/customers')).json()) as {
      customers: Array<{ externalId: string; organizationId: string; members: { total: number }; progress: Record<string, string> }>;
    };
    const vandelay = customers.find((c) => c.externalId === 'vandelay')!;
    assert.equal(vandelay.organizationId, organizationId);
    assert.equal(vandelay.members.total, 1);
    assert.ok(vandelay.progress.directory_connected && vandelay.progress.user_provisioned);
    assert.deepEqual((await server.data.branding()).accentColor, '#0e7c66');
    assert.equal(server.emulator!.branding().accentColor, '#0e7c66', 'the new emulator got the branding again');

    // Onboarding again is idempotent: the organization is found by Northwind's tenant id.
    const again = await api('/api/staff/customers', 'POST', { name: 'Vandelay Industries', externalId: 'vandelay' });
    assert.equal(again.status, 200);

    await api('/api/staff/selection', 'POST', { externalId: 'vandelay' });
    const { setupLinks } = (await (await api('/api/scalekit/setup-links')).json()) as { setupLinks: Array<{ id: string }> };
    assert.deepEqual(setupLinks.map((l) => l.id), [link.id]);
    // The IT admin's link still opens the portal, for the same organization.
    const portal = await fetch(`${server.url}/api/scalekit/setup-links/portal-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ token: link.url.split('#')[1] }),
    });
    assert.equal(portal.status, 200);
    assert.equal(server.emulator!.stats().links.at(-1)!.organizationId, organizationId);
  });
});

describe('one demo server per data folder', () => {
  it('refuses a second open of the same folder with a line that says what to do, and frees it on close', async () => {
    const dir = join(dataDir, 'lock');
    const first = await openDemoDatabase(dir);
    try {
      await assert.rejects(openDemoDatabase(dir), (error: Error) => {
        assert.match(error.message, /another demo server \(pid \d+\) is using the data folder .*lock.*; stop it, or set NORTHWIND_DATA_DIR/);
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    } finally {
      await first.close();
    }
    const again = await openDemoDatabase(dir);
    await again.close();
  });

  it('takes over the lock of a server that crashed (its pid no longer runs)', async () => {
    const dir = join(dataDir, 'crashed');
    const opened = await openDemoDatabase(dir);
    await opened.close();
    const gone = spawn(process.execPath, ['-e', '']);
    await once(gone, 'exit');
    await writeFile(join(dir, 'northwind-server.pid'), `${gone.pid}\n`);
    const db = await openDemoDatabase(dir);
    await db.close();
  });
});
