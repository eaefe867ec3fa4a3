// Northwind's staff console API and the setup-link routes behind it, over HTTP against the real SDK + emulator +
// PGlite: who may do what, idempotent onboarding, the organization always coming from the staff member's
// server-side selection, the checklist fed by signed webhooks, and hostile input answered 4xx, never 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, setupLinkTtlFromEnv, type DemoServer } from '../../demo/server/northwind.js';
import { createDemoServer } from '../support/demo-database.js';
import { nodeListener } from '../../demo/server/node-listener.js';
import type { OnboardingStep } from '../../demo/server/northwind-data.js';
import { ensureDemoBuilt } from '../e2e/harness.js';

let server: DemoServer;
const log: string[] = [];

before(async () => {
  await ensureDemoBuilt(); // /staff and /setup are served from the built pages
  server = await createDemoServer({ listen: nodeListener(), env: {}, log: (line) => log.push(line) });
});
after(async () => {
  await server?.close();
});

/** A browser-like client: keeps its cookies, sends a same-origin Origin on writes. */
function client() {
  const jar = new Map<string, string>();
  return async (path: string, init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) => {
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (method !== 'GET') headers['origin'] ??= server.url;
    if (init.body !== undefined || init.raw !== undefined) headers['content-type'] ??= 'application/json';
    if (jar.size) headers['cookie'] = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0/i.test(cookie) || value.join('=') === '') jar.delete(name!);
      else jar.set(name!, value.join('='));
    }
    return response;
  };
}

async function staffClient() {
  const api = client();
  const response = await api('/api/staff/session', { method: 'POST', body: { name: 'Sam Rivera' } });
  assert.equal(response.status, 200);
  return api;
}

/** Resolves once the customer's progress has `step` (checked on every change Northwind's data reports). */
function progressReaches(organizationId: string, step: OnboardingStep): Promise<void> {
  return new Promise((resolve) => {
    const check = async () => {
      if ((await server.data.progress(organizationId))[step]) {
        unsubscribe();
        resolve();
      }
    };
    const unsubscribe = server.data.subscribe(() => void check());
    void check();
  });
}

describe('staff console: access', () => {
  it('refuses everything but the session to someone who is not signed in as staff', async () => {
    const api = client();
    assert.equal((await api('/api/staff/customers')).status, 401);
    assert.equal((await api('/api/staff/customers', { method: 'POST', body: { name: 'X', externalId: 'xyz' } })).status, 401);
    assert.equal((await api('/api/staff/branding', { method: 'PUT', body: {} })).status, 401);
    assert.equal((await api('/api/staff/stream')).status, 401);
    assert.equal((await api('/api/scalekit/setup-links')).status, 401);
    assert.equal((await api('/api/scalekit/setup-links', { method: 'POST', body: {} })).status, 401);
    assert.deepEqual(await (await api('/api/staff/session')).json(), { staff: null, selected: null });
  });

  it('a customer admin signed in to the settings page cannot manage setup links', async () => {
    const api = client();
    const { organizations } = (await (await api('/api/demo/session')).json()) as { organizations: Array<{ id: string }> };
    assert.equal((await api('/api/demo/session', { method: 'POST', body: { organizationId: organizations[0]!.id } })).status, 200);
    assert.equal((await api('/api/scalekit/setup-links', { method: 'POST', body: {} })).status, 401);
    assert.equal((await api('/api/staff/customers')).status, 401);
  });

  it('refuses cross-site writes', async () => {
    const api = await staffClient();
    const response = await api('/api/staff/customers', {
      method: 'POST',
      body: { name: 'Evil', externalId: 'evil-corp' },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(response.status, 403);
    assert.equal(await server.data.customerByExternalId('evil-corp'), null);
  });
});

describe('staff console: onboarding and setup links', () => {
  it('onboards a customer once: the second call finds the same organization', async () => {
    const api = await staffClient();
    const first = await api('/api/staff/customers', { method: 'POST', body: { name: 'Umbrella', externalId: 'umbrella' } });
    assert.equal(first.status, 201);
    const { customer } = (await first.json()) as { customer: { organizationId: string; progress: object } };
    assert.match(customer.organizationId, /^org_/);
    assert.deepEqual(customer.progress, {});
    const second = await api('/api/staff/customers', { method: 'POST', body: { name: 'Umbrella', externalId: 'umbrella' } });
    assert.equal(second.status, 200);
    assert.equal(((await second.json()) as { customer: { organizationId: string } }).customer.organizationId, customer.organizationId);
    const { customers } = (await (await api('/api/staff/customers')).json()) as { customers: Array<{ externalId: string }> };
    assert.equal(customers.filter((c) => c.externalId === 'umbrella').length, 1);
  });

  it('issues setup links for the selected customer only; the IT admin cannot pick another organization', async () => {
    const api = await staffClient();
    await api('/api/staff/customers', { method: 'POST', body: { name: 'Hooli', externalId: 'hooli' } });
    const hooli = (await server.data.customerByExternalId('hooli'))!;
    const umbrella = (await server.data.customerByExternalId('umbrella'))!;

    // Nothing selected yet: no setup link.
    assert.equal((await api('/api/scalekit/setup-links', { method: 'POST', body: {} })).status, 401);
    assert.equal((await api('/api/staff/selection', { method: 'POST', body: { externalId: 'hooli' } })).status, 200);
    const created = await api('/api/scalekit/setup-links', { method: 'POST', body: { note: 'for IT' } });
    assert.equal(created.status, 201);
    const link = (await created.json()) as { id: string; url: string };
    assert.ok(link.url.startsWith(`${server.url}/setup#`));

    // The IT admin's browser: no cookies at all, and a body naming another organization changes nothing.
    const admin = client();
    const token = link.url.split('#')[1]!;
    const portal = await admin('/api/scalekit/setup-links/portal-link', {
      method: 'POST',
      body: { token, organizationId: umbrella.organizationId },
    });
    assert.equal(portal.status, 200);
    const issued = server.emulator!.stats().links.at(-1)!;
    assert.equal(issued.organizationId, hooli.organizationId);

    // Selecting another customer lists that customer's links, not Hooli's; Hooli's link cannot be revoked from there.
    await api('/api/staff/selection', { method: 'POST', body: { externalId: 'umbrella' } });
    const listed = (await (await api('/api/scalekit/setup-links')).json()) as { setupLinks: Array<{ id: string }> };
    assert.ok(!listed.setupLinks.some((l) => l.id === link.id));
    assert.equal((await api(`/api/scalekit/setup-links/${link.id}`, { method: 'DELETE' })).status, 404);

    // Back on Hooli: listed with its use, never with its token or url.
    await api('/api/staff/selection', { method: 'POST', body: { externalId: 'hooli' } });
    const text = await (await api('/api/scalekit/setup-links')).text();
    assert.ok(!text.includes(token) && !text.includes('/setup#'));
    const [summary] = (JSON.parse(text) as { setupLinks: Array<{ id: string; uses: number; note: string }> }).setupLinks;
    assert.equal(summary!.id, link.id);
    assert.equal(summary!.uses, 1);
    assert.equal(summary!.note, 'for IT');
    assert.ok(!log.some((line) => line.includes(token)), 'the token never reaches the log');
  });

  it('ticks the checklist from the signed webhooks of the customer directory', async () => {
    const hooli = (await server.data.customerByExternalId('hooli'))!;
    const org = hooli.organizationId;
    const directory = server.emulator!.directory;
    const connected = progressReaches(org, 'directory_connected');
    directory.enable(org);
    await connected;
    const provisioned = progressReaches(org, 'user_provisioned');
    const user = directory.addUser(org, { email: 'richard@hooli.example', givenName: 'Richard', familyName: 'Hendricks' });
    await provisioned;
    const changed = progressReaches(org, 'change_propagated');
    directory.updateUser(org, user.id, { familyName: 'Hendricks-Bachman' });
    await changed;
    // A deactivation reaches Northwind's store; with nobody signed in, it proves no revoked access yet (that
    // takes a session ended or a sign-in refused: sso-signin.test.ts).
    const deactivated = new Promise<void>((resolve) => {
      const unsubscribe = server.data.subscribe(() => void staffClient().then(async (api) => {
        const { members } = (await (await api('/api/staff/customers/hooli/members')).json()) as { members: Array<{ active: boolean }> };
        if (members.length === 1 && !members[0]!.active) { unsubscribe(); resolve(); }
      }));
    });
    directory.deactivateUser(org, user.id);
    await deactivated;

    const api = await staffClient();
    const { members } = (await (await api('/api/staff/customers/hooli/members')).json()) as { members: Array<{ email: string; active: boolean; name: string }> };
    assert.deepEqual(members.map((m) => [m.email, m.name, m.active]), [['richard@hooli.example', 'Richard Hendricks-Bachman', false]]);
    const { customers } = (await (await api('/api/staff/customers')).json()) as {
      customers: Array<{ externalId: string; members: { total: number; active: number }; progress: Record<string, string> }>;
    };
    const row = customers.find((c) => c.externalId === 'hooli')!;
    assert.deepEqual(row.members, { total: 1, active: 0 });
    assert.deepEqual(Object.keys(row.progress).sort(), ['change_propagated', 'directory_connected', 'user_provisioned']);
  });

  it('saves the portal branding and refuses anything but an http(s) logo and a #rrggbb colour', async () => {
    const api = await staffClient();
    const saved = await api('/api/staff/branding', { method: 'PUT', body: { logoUrl: 'https://northwind.example/logo.svg', accentColor: '#0E7C66' } });
    assert.equal(saved.status, 200);
    const body = (await saved.json()) as { branding: object; portal: string };
    assert.deepEqual(body.branding, { logoUrl: 'https://northwind.example/logo.svg', accentColor: '#0e7c66' });
    assert.deepEqual(await server.data.branding(), body.branding);
    // Applied to every portal page at once, as Scalekit's Dashboard › Settings › Branding would.
    assert.equal(body.portal, 'applied');
    const portalBranding = server.emulator!.branding();
    assert.equal(portalBranding.logoUrl, 'https://northwind.example/logo.svg');
    assert.equal(portalBranding.accentColor, '#0e7c66');
    for (const hostile of [
      { logoUrl: 'javascript:alert(1)' },
      { logoUrl: 'data:image/svg+xml,<svg onload=alert(1)>' },
      { logoUrl: 'https://user:pass@northwind.example/logo.svg' },
      { logoUrl: 42 },
      { accentColor: 'red; background:url(x)' },
      { accentColor: '#12345' },
      { accentColor: ['#123456'] },
    ]) {
      const response = await api('/api/staff/branding', { method: 'PUT', body: hostile });
      assert.equal(response.status, 400, JSON.stringify(hostile));
    }
  });
});

describe('staff console and setup links: hostile input is answered 4xx, never 5xx', () => {
  const bodies: Array<{ raw?: string; body?: unknown; headers?: Record<string, string> }> = [
    { raw: '' },
    { raw: 'not json' },
    { raw: '{"name":' },
    { raw: 'null' },
    { raw: '[]' },
    { raw: '"string"' },
    { raw: '{"__proto__":{"admin":true}}' },
    { body: { name: 'x'.repeat(10_000), externalId: 'x'.repeat(10_000) } },
    { body: { name: ['array'], externalId: { nested: true } } },
    { body: { name: 'Robert"); DROP TABLE northwind_customers;--', externalId: "x' OR '1'='1" } },
    { body: { name: 'Nul\u0000byte', externalId: 'nul\u0000byte' } },
    { body: { name: '<img src=x onerror=alert(1)>', externalId: '../../etc/passwd' } },
    { body: { name: 'Ok', externalId: 'UPPERCASE' } },
    { body: { externalId: 'a' } },
    { body: { token: 123 } },
    { body: { token: 'A'.repeat(43) } },
    { body: { token: '../../' } },
    { body: { token: 'x'.repeat(5_000) } },
    { body: { note: 42 } },
    { body: { note: 'n'.repeat(201) } },
    { body: {}, headers: { 'content-type': 'text/plain' } },
    { body: {}, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  ];
  const routes: Array<[string, string]> = [
    ['POST', '/api/staff/session'],
    ['POST', '/api/staff/customers'],
    ['POST', '/api/staff/selection'],
    ['PUT', '/api/staff/branding'],
    ['POST', '/api/scalekit/setup-links'],
    ['POST', '/api/scalekit/setup-links/portal-link'],
  ];

  it('for every write route, signed in as staff and not', async () => {
    const staff = await staffClient();
    await staff('/api/staff/selection', { method: 'POST', body: { externalId: 'hooli' } });
    const anonymous = client();
    const before = (await server.data.customers()).length;
    for (const api of [staff, anonymous]) {
      for (const [method, path] of routes) {
        for (const input of bodies) {
          const response = await api(path, { method, ...input });
          await response.arrayBuffer();
          const created = path === '/api/scalekit/setup-links' && response.status === 201;
          const signedIn = path === '/api/staff/session' && response.status === 200;
          const saved = path === '/api/staff/branding' && response.status === 200;
          if (created || signedIn || saved) continue; // an empty `{}` is a valid request there
          assert.ok(response.status >= 400 && response.status < 500, `${method} ${path} ${JSON.stringify(input).slice(0, 80)} -> ${response.status}`);
        }
        // More than 4 KiB: refused before it is read.
        const big = await api(path, { method, raw: JSON.stringify({ name: 'x'.repeat(8_000) }) });
        assert.equal(big.status, 413, `${method} ${path} with 8 KiB`);
      }
      // Wrong methods and odd paths.
      for (const [method, path] of [
        ['GET', '/api/scalekit/setup-links/portal-link'],
        ['DELETE', '/api/scalekit/setup-links/..%2f..%2fetc'],
        ['DELETE', `/api/scalekit/setup-links/${'x'.repeat(3000)}`],
        ['DELETE', "/api/scalekit/setup-links/' OR 1=1 --"],
        ['GET', '/api/staff/customers/..%2f..%2f/members'],
        ['GET', "/api/staff/customers/x' OR '1'='1/members"],
        ['GET', '/api/staff/customers/nobody-here/members'],
        ['PATCH', '/api/staff/customers'],
        ['GET', '/api/staff/nothing'],
      ] as const) {
        const response = await api(path.replace(/ /g, '%20'), { method });
        await response.arrayBuffer();
        assert.ok(response.status >= 400 && response.status < 500, `${method} ${path} -> ${response.status}`);
      }
    }
    assert.equal((await server.data.customers()).length, before, 'no hostile input created a customer');
    assert.ok(!log.some((line) => /internal error/.test(line)), log.join('\n'));
  });

  it('serves the setup page with no cache and the same security headers, whatever follows the path', async () => {
    for (const path of ['/setup', '/staff']) {
      const response = await fetch(`${server.url}${path}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      await response.arrayBuffer();
    }
    const odd = await fetch(`${server.url}/setup/..%2f..%2fpackage.json`);
    assert.ok(odd.status >= 400 && odd.status < 500);
    await odd.arrayBuffer();
  });
});

describe('setupLinkTtlFromEnv()', () => {
  it('reads NORTHWIND_SETUP_LINK_TTL_MS: unset is the default, 1 minute to 30 days, anything else refused', () => {
    assert.equal(setupLinkTtlFromEnv({}), undefined);
    assert.equal(setupLinkTtlFromEnv({ NORTHWIND_SETUP_LINK_TTL_MS: ' ' }), undefined);
    assert.equal(setupLinkTtlFromEnv({ NORTHWIND_SETUP_LINK_TTL_MS: '60000' }), 60_000);
    for (const bad of ['59999', '2592000001', '1e5', '-60000', '60000.5', 'soon', '0x10000']) {
      assert.throws(() => setupLinkTtlFromEnv({ NORTHWIND_SETUP_LINK_TTL_MS: bad }), ConfigError, bad);
    }
  });
});
