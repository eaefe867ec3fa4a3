// Hostile input on every setup-link route: methods, media types, sizes, bodies and tokens of every shape, other
// organizations' ids. Each answer is a clear 4xx with the JSON error shape — never a 5xx, never a link.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { hashSetupToken } from '../../../server/setup-links/token.js';
import type { PGlite } from '@electric-sql/pglite';
import { emptyPglite } from '../../support/pglite.js';
import { MAX_BODY_BYTES, MemorySetupLinkStore, sqlSetupLinkStore } from '../../../server/index.js';
import type { SetupLinkStore } from '../../../server/index.js';
import { createLink, hostApp, request, startHarness, type Harness } from '../support/setup-links-harness.js';
import { seededRandom } from '../../support/seeded-random.js';

let h: Harness;
let pglite: PGlite;
before(async () => {
  h = await startHarness();
  pglite = await emptyPglite();
});
after(async () => {
  await h.close();
  await pglite.close();
});

const linksIssued = () => h.emulator.stats().linksIssued;

/** A refusal as the routes promise it: 4xx, no-store, `{ error: { code, message } }`, nothing link-like. */
async function assertRefused(response: Response, label: string, allowed?: number[]) {
  assert.ok(response.status >= 400 && response.status < 500, `${label}: answered ${response.status}`);
  // A path none of the routes matches (`/setup-links/`) falls through to the host app's own 404.
  if (response.status === 404 && (await response.clone().text()) === '404 Not Found') return;
  if (allowed) assert.ok(allowed.includes(response.status), `${label}: answered ${response.status}, expected ${allowed}`);
  assert.equal(response.headers.get('cache-control'), 'no-store', label);
  const text = await response.text();
  if (response.status === 405 || text !== '') {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    assert.equal(typeof body.error?.code, 'string', label);
    assert.equal(typeof body.error?.message, 'string', label);
  }
  assert.ok(!/magicLink|sksl_|"location"|"url"/.test(text), `${label}: ${text.slice(0, 200)}`);
}

const stores: Array<[string, () => SetupLinkStore]> = [
  ['memory store', () => new MemorySetupLinkStore()],
  ['SQL store on PGlite', () => sqlSetupLinkStore(pglite)],
];

for (const [storeName, makeStore] of stores) describe(`scalekitSetupLinks() under hostile input (${storeName})`, () => {
  let app: Hono;
  let valid: { id: string; token: string };
  let revoked: { id: string; token: string };
  let globexLink: { id: string; token: string };

  before(async () => {
    app = hostApp(h, { store: makeStore() });
    valid = await createLink(app, h.acme);
    revoked = await createLink(app, h.acme);
    globexLink = await createLink(app, h.globex);
    assert.equal((await request(app, 'DELETE', `/setup-links/${revoked.id}`, { headers: { 'x-org': h.acme } })).status, 204);
  });

  it('every other method on every route: 405 with Allow', async () => {
    const routes: Array<[string, string[]]> = [
      ['/setup-links', ['GET', 'POST']],
      ['/setup-links/portal-link', ['POST']],
      [`/setup-links/${valid.id}`, ['DELETE']],
    ];
    for (const [path, allowed] of routes) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'LINK', 'X-CUSTOM']) {
        if (allowed.includes(method)) continue;
        const response = await request(app, method, path, { headers: { 'x-org': h.acme } });
        assert.equal(response.status, 405, `${method} ${path}`);
        assert.equal(response.headers.get('allow'), allowed.join(', '));
        if (method !== 'HEAD') await assertRefused(response, `${method} ${path}`, [405]);
      }
    }
    assert.equal((await request(app, 'GET', '/setup-links', { headers: { 'x-org': h.acme } })).status, 200, 'and the valid link still lists');
  });

  it('media types other than JSON: 415 on both POST routes', async () => {
    const before = linksIssued();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-patch+json', 'application/jsonx', 'json', '', '*/*', 'application/json\u0000']) {
      for (const path of ['/setup-links', '/setup-links/portal-link']) {
        let response: Response;
        try {
          response = await request(app, 'POST', path, { body: JSON.stringify({ token: valid.token }), headers: { 'x-org': h.acme, 'content-type': type } });
        } catch {
          continue; // a header value fetch itself refuses never reaches a server
        }
        await assertRefused(response, `${path} as ${JSON.stringify(type)}`, [415]);
      }
    }
    const upper = await request(app, 'POST', '/setup-links/portal-link', { body: JSON.stringify({ token: valid.token }), headers: { 'content-type': 'Application/JSON; charset=utf-8' } });
    assert.equal(upper.status, 200, 'a JSON type with parameters and odd case is JSON');
    assert.equal(linksIssued(), before + 1);
  });

  it('bodies over 4 KiB: 413, with or without a Content-Length', async () => {
    const before = linksIssued();
    const big = JSON.stringify({ token: valid.token, pad: 'x'.repeat(MAX_BODY_BYTES) });
    for (const path of ['/setup-links', '/setup-links/portal-link']) {
      await assertRefused(await request(app, 'POST', path, { body: big, headers: { 'x-org': h.acme } }), `${path} big`, [413]);
      const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } });
      const streamed = await app.request(`/api/scalekit${path}`, {
        method: 'POST', body: stream, duplex: 'half', headers: { 'content-type': 'application/json', 'x-org': h.acme },
      } as RequestInit);
      await assertRefused(streamed, `${path} streamed`, [413]);
    }
    await assertRefused(await request(app, 'POST', '/setup-links/portal-link', { body: JSON.stringify({ token: 'a'.repeat(1 << 20) }) }), 'megabyte token', [413]);
    assert.equal(linksIssued(), before);
  });

  it('tokens of every shape: 400 for the wrong type, 401 setup_link_invalid otherwise; 410 for a revoked one', async () => {
    const before = linksIssued();
    const body = valid.token.slice(5);
    const hashed = await hashSetupToken(valid.token);
    const shapes: unknown[] = [
      '', ' ', 'sksl_', 'sksl', `sksl_${body.slice(1)}`, `${valid.token}A`, `${valid.token} `, ` ${valid.token}`,
      valid.token.toUpperCase(), valid.token.replace('sksl_', 'SKSL_'), `#${valid.token}`, `sksl_${'A'.repeat(43)}`,
      `sksl_${'é'.repeat(43)}`, `sksl_${'😀'.repeat(43)}`, `sksl_${body.slice(0, 42)}=`, `sksl_${body.slice(0, 42)}+`,
      `sksl_${body.slice(0, 42)}\u0000`, hashed, `https://app.example.com/setup#${valid.token}`, valid.id, globexLink.id,
      'null', 'undefined', '__proto__', 'x'.repeat(3000), '\ud800', '../../etc/passwd', "' OR 1=1 --",
    ];
    for (const token of shapes) {
      await assertRefused(await request(app, 'POST', '/setup-links/portal-link', { body: JSON.stringify({ token }) }), `token ${JSON.stringify(token).slice(0, 60)}`, [401]);
    }
    for (const token of [null, 42, true, [], [valid.token], { token: valid.token }, { toString: valid.token }]) {
      await assertRefused(await request(app, 'POST', '/setup-links/portal-link', { body: JSON.stringify({ token }) }), `token ${JSON.stringify(token)}`, [400]);
    }
    for (const raw of ['', 'null', '[]', `"${valid.token}"`, '42', '{', '{"token":', `{"token":"${valid.token}"`, '\ufeff{}', '{}', '{"__proto__":{"token":"x"}}', `{"constructor":{"prototype":{"token":"${valid.token}"}}}`]) {
      await assertRefused(await request(app, 'POST', '/setup-links/portal-link', { body: raw }), `body ${raw.slice(0, 40)}`, [400]);
    }
    await assertRefused(await request(app, 'POST', '/setup-links/portal-link', { body: JSON.stringify({ token: revoked.token }) }), 'revoked', [410]);
    assert.equal(linksIssued(), before, 'not one link was minted');
    // another organization's valid token works — for that organization only (checked in setup-links.test.ts)
  });

  it('random bodies, headers and tokens (seeded): never a 5xx, never a link', async () => {
    const { next: random, pick } = seededRandom(20261201);
    const alphabet = 'abcXYZ019_-+/=.~ "\\{}[]:,\u0000\u00e9\u4e2d\ud83d\ude00\ud800#%';
    const randomText = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => pick([...alphabet])).join('');
    const before = linksIssued();
    for (let i = 0; i < 300; i++) {
      const path = pick(['/setup-links', '/setup-links/portal-link', `/setup-links/${valid.id}`, `/setup-links/${globexLink.id}`, `/setup-links/${encodeURIComponent(randomText(20).replace(/[\ud800-\udfff]/g, 'x'))}`, '/setup-links/%ED%A0%80', '/setup-links/%', '/setup-links/%00', '/setup-links/..%2F..%2Fsetup-links']);
      const method = pick(['POST', 'GET', 'DELETE', 'PUT']);
      const body = pick([
        () => randomText(200),
        () => JSON.stringify({ token: randomText(60), features: pick([undefined, ['sso'], [randomText(5)], 'sso', [1]]) }),
        () => JSON.stringify({ note: pick([randomText(250), 7, null]) }),
        () => JSON.stringify({ token: `sksl_${randomText(43)}` }),
        () => '['.repeat(1 + Math.floor(random() * 2000)),
      ])();
      const headers: Record<string, string> = {};
      if (random() < 0.7) headers['x-org'] = pick([h.acme, h.globex, 'org_unknown', 'forbidden']);
      if (random() < 0.2) headers['origin'] = pick(['https://evil.example', 'null', 'http://localhost']);
      if (random() < 0.2) headers['sec-fetch-site'] = pick(['cross-site', 'same-site', 'none', 'same-origin']);
      if (random() < 0.2) headers['content-type'] = pick(['text/plain', 'application/json', 'application/json; charset=latin1']);
      const label = `#${i} ${method} ${path.slice(0, 60)}`;
      const response = await request(app, method, path, { body: method === 'GET' ? undefined : body, headers });
      assert.ok(response.status < 500, `${label}: ${response.status} ${await response.clone().text()}`);
      if (response.status >= 400) await assertRefused(response, label);
    }
    assert.equal(linksIssued(), before, 'no random request minted a link');
    assert.ok(!h.logLines.join('\n').includes('sksl_'), 'no token was ever logged');
  });
});
