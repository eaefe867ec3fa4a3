// Northwind's employee sign-in, server-level, on the real emulator with the real SDK: home-realm discovery by a
// verified domain, the identity provider's page, onSignIn granting a session only to an active provisioned member,
// and the directory ending that session the moment it deactivates them (next request refused, open stream told).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DemoServer } from '../../demo/server/northwind.js';
import { createDemoServer } from '../support/demo-database.js';
import { nodeListener } from '../../demo/server/node-listener.js';
import type { OnboardingStep } from '../../demo/server/northwind-data.js';
import { portalApi, portalSession } from '../../emulator/test/support/portal-api.js';
import { ensureDemoBuilt } from '../e2e/harness.js';

let server: DemoServer;
const log: string[] = [];
const ORG = 'org_acme';
const DOMAIN = 'acme-sso.test';
const WEBHOOK_SECRET = `whsec_${Buffer.from('northwind sso sign-in test secret').toString('base64')}`;

before(async () => {
  await ensureDemoBuilt();
  server = await createDemoServer({ listen: nodeListener(), env: {}, webhookSecret: WEBHOOK_SECRET, log: (line) => log.push(line) });
});
after(async () => {
  await server?.close();
});

/** A browser: one cookie jar per origin, redirects followed by hand so each hop can be looked at. */
function browser() {
  const jars = new Map<string, Map<string, string>>();
  const jarOf = (origin: string) => jars.get(origin) ?? jars.set(origin, new Map()).get(origin)!;
  async function go(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}) {
    const target = new URL(url, server.url);
    const jar = jarOf(target.origin);
    const headers: Record<string, string> = { ...init.headers };
    if (jar.size) headers['cookie'] = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if ((init.method ?? 'GET') !== 'GET') headers['origin'] ??= target.origin;
    const response = await fetch(target, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      body: init.form ? new URLSearchParams(init.form) : undefined,
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0/i.test(cookie) || value.join('=') === '') jar.delete(name!);
      else jar.set(name!, value.join('='));
    }
    return response;
  }
  /** Follows redirects until a page answers; returns it with the URL it came from. */
  async function follow(url: string, init?: Parameters<typeof go>[1]) {
    let response = await go(url, init);
    let at = new URL(url, server.url).href;
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 10; hops += 1) {
      at = new URL(response.headers.get('location')!, at).href;
      response = await go(at);
    }
    return { response, url: at, html: await response.text() };
  }
  return { go, follow, jars };
}

/** The notice the server set on the sign-in page it answered. */
function noticeOf(html: string): string | null {
  return /<body[^>]*data-notice="([a-z_]+)"/.exec(html)?.[1] ?? null;
}

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

/** The IdP page's choice: posts the form as a person's button would. */
async function pickPerson(b: ReturnType<typeof browser>, idp: { url: string; html: string }, email: string) {
  const action = /<form id="idp-form" method="post" action="([^"]+)"/.exec(idp.html)?.[1];
  const request = /name="request" value="([^"]+)"/.exec(idp.html)?.[1];
  assert.ok(action && request, 'the identity provider shows its sign-in form');
  const button = [...idp.html.matchAll(/<button[^>]*name="user" value="([^"]+)"[^>]*>([\s\S]*?)<\/button>/g)].find((m) => m[2]!.includes(email));
  assert.ok(button, `the identity provider lists ${email}`);
  return b.follow(new URL(action.replace(/&amp;/g, '&'), idp.url).href, { method: 'POST', form: { request, user: button[1]! } });
}


describe('demo: employees sign in with SSO', () => {
  before(async () => {
    const emulator = server.emulator!;
    // The customer's IT admin, through the portal: SSO on, directory on, and the company's domain verified.
    const token = await portalSession(emulator, ORG);
    await portalApi(emulator, token, 'sso', { provider: 'okta', enabled: true });
    emulator.directory.enable(ORG);
  });

  it('tells a person whose domain no organization verified what to do, before any identity provider', async () => {
    const b = browser();
    const response = await b.go(`/signin/start?email=${encodeURIComponent(`pat@${DOMAIN}`)}`);
    assert.equal(response.status, 409);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const html = await response.text();
    assert.equal(noticeOf(html), 'domain_not_verified');
    assert.match(html, new RegExp(`data-domain="${DOMAIN.replace('.', '\\.')}"`));
    assert.ok(!html.includes('pat@'), 'the address is not echoed into the page');
  });

  it('refuses malformed and hostile input on the new routes without a 5xx', async () => {
    const b = browser();
    const cases: Array<[string, number]> = [
      ['/signin/start', 400],
      ['/signin/start?email=', 400],
      ['/signin/start?email=not-an-email', 400],
      ['/signin/start?email=a@b.test&email=c@d.test', 400],
      [`/signin/start?email=${'a'.repeat(300)}@x.test`, 400],
      [`/signin/start?email=x@${'a'.repeat(70)}.test`, 400],
      ['/signin/start?email=%E0%A4%A', 400],
      ['/signin/start?email=javascript:alert(1)//@x.test', 400],
      ['/signin/start?email=%22%3E%3Cscript%3E@x.test', 400],
      ['/signin/start?email=a@x.test%0d%0aSet-Cookie:x=1', 400],
      ['/auth/sso/callback', 400],
      ['/auth/sso/callback?code=abc&state=forged', 400],
      ['/auth/sso/callback?error=access_denied&state=x', 400],
      ['/auth/sso/start?email=a@b.test&email=b@b.test', 400],
      ['/workspace', 302],
      ['/api/employee/me', 401],
      ['/api/employee/stream', 401],
      ['/api/employee/nope', 404],
    ];
    for (const [path, status] of cases) {
      const response = await b.go(path);
      const body = await response.text();
      assert.equal(response.status, status, `${path} → ${response.status}`);
      assert.ok(!body.includes('<script>alert') && !body.includes('"><script'), `${path} reflects nothing`);
    }
    // A forged or huge session cookie is simply no session.
    for (const cookie of ['northwind_employee=forged', `northwind_employee=${'A'.repeat(43)}`, `northwind_employee=${'x'.repeat(8000)}`]) {
      const response = await b.go('/api/employee/me', { headers: { cookie } });
      assert.equal(response.status, 401);
    }
    // Signing out is refused cross-site, and a wrong method is not a route.
    assert.equal((await b.go('/api/employee/sign-out', { method: 'POST', headers: { origin: 'https://evil.example' } })).status, 403);
    assert.equal((await b.go('/api/employee/sign-out', { method: 'POST', headers: { origin: server.url, 'sec-fetch-site': 'same-origin' } })).status, 200);
    assert.equal((await b.go('/api/employee/sign-out')).status, 404);
  });

  it('signs a provisioned member in, shows them, and ends their session the moment the directory deactivates them', async () => {
    const emulator = server.emulator!;
    const domain = emulator.domains.add(ORG, DOMAIN);
    assert.equal(emulator.domains.verify(ORG, domain.id), true);
    const engineering = emulator.directory.addGroup(ORG, { displayName: 'Engineering Managers' });
    const person = emulator.directory.addUser(ORG, { email: `dana@${DOMAIN}`, givenName: 'Dana', familyName: 'Scully' });
    emulator.directory.addMember(ORG, engineering.id, person.id);
    await new Promise<void>((resolve) => {
      const check = () => server.data.progress(ORG).then((p) => p.user_provisioned && resolve());
      server.data.subscribe(() => void check());
      void check();
    });

    const b = browser();
    const idp = await b.follow(`/signin/start?email=${encodeURIComponent(`dana@${DOMAIN}`)}`);
    assert.equal(new URL(idp.url).origin, emulator.url, 'home-realm discovery leads to the identity provider');
    const signedInStep = progressReaches(ORG, 'sso_signed_in');
    const landed = await pickPerson(b, idp, `dana@${DOMAIN}`);
    assert.equal(new URL(landed.url).pathname, '/workspace');
    assert.equal(landed.response.status, 200);
    await signedInStep;
    const sessionCookie = (await b.go('/api/employee/me')).headers.get('set-cookie');
    assert.equal(sessionCookie, null, 'the session cookie is set once, at sign-in');

    const me = await b.go('/api/employee/me');
    assert.equal(me.status, 200);
    assert.equal(me.headers.get('cache-control'), 'no-store');
    const profile = (await me.json()) as { name: string; email: string; role: string; organization: { id: string } };
    assert.equal(profile.name, 'Dana Scully');
    assert.equal(profile.email, `dana@${DOMAIN}`);
    assert.equal(profile.organization.id, ORG);
    assert.equal(profile.role, 'Manager');

    // The workspace's stream is open; the directory deactivates her; the stream says so at once.
    const stream = await b.go('/api/employee/stream');
    assert.equal(stream.status, 200);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    while (!received.includes('event: session')) received += (await reader.read()).value ?? '';
    const revoked = progressReaches(ORG, 'access_revoked');
    emulator.directory.deactivateUser(ORG, person.id);
    while (!received.includes('event: ended')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += value;
    }
    assert.match(received, /event: ended\ndata: \{"reason":"directory"\}/);
    await revoked;

    // The next request is refused, saying why.
    const after = await b.go('/api/employee/me');
    assert.equal(after.status, 401);
    assert.equal(((await after.json()) as { error: { code: string } }).error.code, 'session_ended');
    const page = await b.go('/workspace');
    assert.equal(page.status, 401);
    assert.equal(noticeOf(await page.text()), 'ended_by_directory');

    // Signing in again is refused (by the identity provider, or by Northwind).
    const again = await b.follow(`/signin/start?email=${encodeURIComponent(`dana@${DOMAIN}`)}`);
    const refusal = new URL(again.url).origin === emulator.url ? await pickPerson(b, again, `dana@${DOMAIN}`) : again;
    assert.ok([401, 403].includes(refusal.response.status), `refused with ${refusal.response.status}`);
    assert.ok(['sso_failed', 'deactivated'].includes(noticeOf(refusal.html) ?? ''), 'the sign-in page says why');

    assert.ok(!log.some((line) => line.includes(`dana@${DOMAIN}`)), 'no email in the log');
  });

  it('refuses a person the identity provider knows but the directory never provisioned for Northwind', async () => {
    const emulator = server.emulator!;
    // In the customer's directory, but the event never reached Northwind (no receiver configured meanwhile).
    emulator.webhooks.configure(null);
    emulator.directory.addUser(ORG, { email: `walter@${DOMAIN}`, givenName: 'Walter', familyName: 'Skinner' });
    await emulator.webhooks.settled();
    emulator.webhooks.configure({ url: `${server.url}/webhooks/scalekit`, secret: WEBHOOK_SECRET });
    assert.ok(!(await membersOf(ORG)).includes(`walter@${DOMAIN}`));

    const b = browser();
    const idp = await b.follow(`/signin/start?email=${encodeURIComponent(`walter@${DOMAIN}`)}`);
    assert.equal(new URL(idp.url).origin, emulator.url);
    const refused = await pickPerson(b, idp, `walter@${DOMAIN}`);
    assert.equal(refused.response.status, 403);
    assert.equal(new URL(refused.url).pathname, '/auth/sso/callback');
    assert.equal(noticeOf(refused.html), 'not_provisioned');
    assert.equal(refused.response.headers.getSetCookie().filter((c) => c.startsWith('northwind_employee=')).length, 0, 'no session');
    assert.equal((await b.go('/api/employee/me')).status, 401);
  });
});

/** The emails of the organization's members in Northwind's store, read as its IT admin reads them. */
async function membersOf(organizationId: string): Promise<string[]> {
  const signIn = await fetch(`${server.url}/api/demo/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ organizationId }),
  });
  assert.equal(signIn.status, 200);
  const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
  const list = await fetch(`${server.url}/api/demo/members`, { headers: { cookie } });
  const { members } = (await list.json()) as { members: Array<{ email: string }> };
  return members.map((member) => member.email);
}
