// `publicOrigin` and DNS rebinding, through app.request() with crafted headers: once the host names its public
// origin, "the request's own origin" is that origin, never what `Host` says. A rebinding page
// (attacker.example resolved to the host's address) reaches the server with `Host: attacker.example`, a matching
// `Origin` and `Sec-Fetch-Site: same-origin`; it must be refused by the token endpoint and by setup-link
// redemption alike, while the host's own browsers keep working.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { scalekitPortal } from '../../../server/index.js';
import { hostApp, startHarness, type Harness } from '../support/setup-links-harness.js';

const PUBLIC_ORIGIN = 'https://app.example.com';
const ALLOWED = 'https://admin.example.com';
const INTERNAL = 'http://localhost:3000'; // what the server sees behind a proxy
const ATTACKER = 'http://attacker.example';

interface Case {
  name: string;
  /** The URL the server sees (its host is the `Host` header). */
  url: string;
  headers: Record<string, string>;
  /** With `publicOrigin` set. */
  passes: boolean;
}

const rebinding = { origin: ATTACKER, 'sec-fetch-site': 'same-origin', host: 'attacker.example' };

const CASES: Case[] = [
  { name: 'DNS rebinding: Host, Origin and Sec-Fetch-Site all agree on the attacker', url: ATTACKER, headers: rebinding, passes: false },
  { name: 'Sec-Fetch-Site: same-origin without an Origin', url: ATTACKER, headers: { 'sec-fetch-site': 'same-origin', host: 'attacker.example' }, passes: false },
  { name: 'Host names the public origin, Origin is the attacker', url: PUBLIC_ORIGIN, headers: { ...rebinding, host: 'app.example.com' }, passes: false },
  { name: 'no Origin and no Sec-Fetch-Site', url: INTERNAL, headers: {}, passes: false },
  { name: 'Origin: null', url: INTERNAL, headers: { origin: 'null', 'sec-fetch-site': 'same-origin' }, passes: false },
  { name: 'a browser on the public origin, behind a proxy', url: INTERNAL, headers: { origin: PUBLIC_ORIGIN, 'sec-fetch-site': 'same-origin' }, passes: true },
  { name: 'a browser on the public origin without Sec-Fetch-Site (Safari < 16.4)', url: INTERNAL, headers: { origin: PUBLIC_ORIGIN }, passes: true },
  { name: 'a browser on the public origin, reached directly', url: PUBLIC_ORIGIN, headers: { origin: PUBLIC_ORIGIN, 'sec-fetch-site': 'same-origin', host: 'app.example.com' }, passes: true },
  { name: 'an allowed origin, cross-site', url: INTERNAL, headers: { origin: ALLOWED, 'sec-fetch-site': 'same-site' }, passes: true },
];

const BROWSER = CASES[5]!;

function send(app: Hono, path: string, c: Case, body: string) {
  return app.request(`${c.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-org': h.acme, ...c.headers },
    body,
  });
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

describe('publicOrigin replaces the request\'s own origin (DNS rebinding)', () => {
  const portal = (publicOrigin?: string) =>
    scalekitPortal({
      scalekit: h.scalekit,
      authorize: (c) => ({ organizationId: c.req.header('x-org')! }),
      allowedOrigins: [ALLOWED],
      publicOrigin,
      rateLimit: false,
      log: (line) => h.logLines.push(line),
    });

  it('token endpoint: only the public origin and allowed origins get a link', async () => {
    const app = portal(PUBLIC_ORIGIN);
    for (const c of CASES) {
      const response = await send(app, '/portal-link', c, '{}');
      assert.equal(response.status, c.passes ? 200 : 403, c.name);
      if (!c.passes) assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'forbidden', c.name);
    }
  });

  it('setup-link redemption: only the public origin and allowed origins get a link', async () => {
    const app = hostApp(h, { publicOrigin: PUBLIC_ORIGIN, allowedOrigins: [ALLOWED] });
    const created = await send(app, '/api/scalekit/setup-links', BROWSER, '{}');
    const token = new URL(((await created.json()) as { url: string }).url).hash.slice(1);
    const issuedBefore = h.emulator.stats().links.length;
    let passed = 0;
    for (const c of CASES) {
      const response = await send(app, '/api/scalekit/setup-links/portal-link', c, JSON.stringify({ token }));
      assert.equal(response.status, c.passes ? 200 : 403, c.name);
      if (c.passes) passed++;
      else assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'forbidden', c.name);
    }
    assert.equal(h.emulator.stats().links.length - issuedBefore, passed, 'a refused request mints nothing');
  });

  it('setup-link creation and revocation follow the same rule', async () => {
    const app = hostApp(h, { publicOrigin: PUBLIC_ORIGIN });
    const create = (c: Case) => send(app, '/api/scalekit/setup-links', c, '{}');
    assert.equal((await create(CASES[0]!)).status, 403);
    const created = await create(BROWSER);
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    const revoke = (c: Case) =>
      app.request(`${c.url}/api/scalekit/setup-links/${id}`, { method: 'DELETE', headers: { 'x-org': h.acme, ...c.headers } });
    assert.equal((await revoke(CASES[0]!)).status, 403);
    assert.equal((await revoke(BROWSER)).status, 204);
  });

  it('listing setup links: a same-origin GET carries no Origin, so it passes on Sec-Fetch-Site; a foreign Origin does not', async () => {
    const app = hostApp(h, { publicOrigin: PUBLIC_ORIGIN });
    const list = (headers: Record<string, string>) =>
      app.request(`${INTERNAL}/api/scalekit/setup-links`, { headers: { 'x-org': h.acme, ...headers } });
    assert.equal((await list({ 'sec-fetch-site': 'same-origin' })).status, 200);
    assert.equal((await list({ origin: PUBLIC_ORIGIN, 'sec-fetch-site': 'same-origin' })).status, 200);
    assert.equal((await list({ origin: ATTACKER, 'sec-fetch-site': 'same-origin' })).status, 403);
    assert.equal((await list({ 'sec-fetch-site': 'cross-site' })).status, 403);
  });

  it('without publicOrigin the own origin still comes from the request URL (why production sets publicOrigin)', async () => {
    const app = portal();
    assert.equal((await send(app, '/portal-link', CASES[0]!, '{}')).status, 200, 'the rebinding request passes: nothing names the real origin');
    assert.equal((await send(app, '/portal-link', { ...CASES[6]!, url: PUBLIC_ORIGIN }, '{}')).status, 200);
    assert.equal((await send(app, '/portal-link', CASES[6]!, '{}')).status, 403, 'behind a proxy, Safari < 16.4 is refused');
  });
});
