// The demo host (demo/server/app.ts): configuration, the demo-only session, the token endpoint behind it, the
// page's secure headers and static files — over real HTTP, the real SDK and the emulator.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, parsePort, scalekitConfigFromEnv } from '../../demo/server/northwind.js';
import { createDemoServer } from '../support/demo-database.js';
import { nodeListener } from '../../demo/server/node-listener.js';
import type { DemoServer } from '../../demo/server/northwind.js';
import { startEmulator } from '../../emulator/src/index.js';
import type { Emulator } from '../../emulator/src/index.js';
import { portalApi, portalSession } from '../../emulator/test/support/portal-api.js';

const SCALEKIT_ENV = {
  SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.dev',
  SCALEKIT_CLIENT_ID: 'skc_123',
  SCALEKIT_CLIENT_SECRET: 'test_secret_value_9f8e7d',
};

describe('scalekitConfigFromEnv()', () => {
  it('uses the emulator when no SCALEKIT_* variable is set (blank counts as unset)', () => {
    assert.deepEqual(scalekitConfigFromEnv({}), { mode: 'emulator' });
    assert.deepEqual(scalekitConfigFromEnv({ SCALEKIT_CLIENT_ID: '  ', PATH: '/bin' }), { mode: 'emulator' });
  });

  it('uses a Scalekit environment when all three are set, the URL normalised', () => {
    assert.deepEqual(scalekitConfigFromEnv({ ...SCALEKIT_ENV, SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.dev/' }), {
      mode: 'scalekit',
      environmentUrl: 'https://acme.scalekit.dev',
      clientId: 'skc_123',
      clientSecret: 'test_secret_value_9f8e7d',
    });
  });

  it('refuses one or two of three, naming what is missing and never a value', () => {
    for (const missing of Object.keys(SCALEKIT_ENV)) {
      const env: Record<string, string> = { ...SCALEKIT_ENV };
      delete env[missing];
      assert.throws(() => scalekitConfigFromEnv(env), (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(error.message.includes(`missing: ${missing}`), error.message);
        assert.ok(!error.message.includes(SCALEKIT_ENV.SCALEKIT_CLIENT_SECRET));
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    }
    assert.throws(() => scalekitConfigFromEnv({ SCALEKIT_CLIENT_SECRET: 'only-this' }), /missing: SCALEKIT_ENVIRONMENT_URL, SCALEKIT_CLIENT_ID/);
  });

  it('refuses an environment URL that is not a plain http(s) URL, without echoing it', () => {
    for (const url of ['acme.scalekit.dev', 'not a url', 'ftp://acme.scalekit.dev', 'javascript:alert(1)',
      'https://user:pass@acme.scalekit.dev', 'https://acme.scalekit.dev/?secret=x', 'test_secret_value_9f8e7d']) {
      assert.throws(() => scalekitConfigFromEnv({ ...SCALEKIT_ENV, SCALEKIT_ENVIRONMENT_URL: url }), (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /SCALEKIT_ENVIRONMENT_URL/);
        assert.ok(!error.message.includes(url));
        return true;
      });
    }
  });

  it('parses ports strictly', () => {
    assert.equal(parsePort(undefined, 'PORT', 3000), 3000);
    assert.equal(parsePort('', 'PORT', 3000), 3000);
    assert.equal(parsePort('8080', 'PORT', 3000), 8080);
    assert.equal(parsePort('0', 'PORT', 3000), 0);
    for (const bad of ['-1', '65536', '80abc', '1e3', '3.5', 'http']) assert.throws(() => parsePort(bad, 'PORT', 3000), ConfigError);
  });
});

describe('createDemoServer() on the emulator', () => {
  let server: DemoServer;
  let emulator: Emulator;
  let demoDir: string;
  const logLines: string[] = [];

  before(async () => {
    demoDir = await mkdtemp(join(tmpdir(), 'scalekit-demo-'));
    await writeFile(join(demoDir, 'index.html'), '<!doctype html><title>Demo fixture</title><script type="module" src="/app.js"></script>');
    await writeFile(join(demoDir, 'app.js'), 'export {};');
    server = await createDemoServer({ listen: nodeListener(), env: {}, demoDir, log: (line) => logLines.push(line) });
    emulator = server.emulator!;
  });
  after(async () => {
    await server.close();
    await rm(demoDir, { recursive: true, force: true });
  });

  const api = (path: string, init: RequestInit & { cookie?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.cookie) headers.set('cookie', init.cookie);
    if (init.body !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${server.url}${path}`, { ...init, headers });
  };

  async function signIn(organizationId: string): Promise<string> {
    const response = await api('/api/demo/session', { method: 'POST', body: JSON.stringify({ organizationId }) });
    assert.equal(response.status, 200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Strict/i);
    return setCookie.split(';')[0]!;
  }

  it('says in its first log line that it runs on the emulator', () => {
    assert.match(logLines[0] ?? '', /emulator/i);
    assert.ok(emulator);
  });

  it('answers /healthz', async () => {
    const response = await api('/healthz');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok', mode: 'emulator' });
  });

  it('describes the session: organizations from Scalekit, mode and environment origin', async () => {
    const response = await api('/api/demo/session');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await response.json(), {
      organizationId: null,
      organizations: emulator.organizations(),
      mode: 'emulator',
      environmentOrigin: new URL(emulator.url).origin,
    });
  });

  it('mints a link only for the signed-in visitor\'s organization', async () => {
    const [acme, globex] = emulator.organizations();
    const signedOut = await api('/api/scalekit/portal-link', { method: 'POST', body: '{}' });
    assert.equal(signedOut.status, 401);

    const cookie = await signIn(globex!.id);
    const session = (await (await api('/api/demo/session', { cookie })).json()) as { organizationId: string };
    assert.equal(session.organizationId, globex!.id);

    const response = await api('/api/scalekit/portal-link', { method: 'POST', cookie, body: JSON.stringify({ organizationId: acme!.id }) });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const link = (await response.json()) as { id: string; location: string };
    assert.ok(link.location.startsWith(`${emulator.url}/magicLink/`));
    const issued = emulator.stats().links.find((record) => record.id === link.id);
    assert.equal(issued?.organizationId, globex!.id);
  });

  it('refuses forged, tampered and foreign session cookies', async () => {
    const [acme, globex] = emulator.organizations();
    const cookie = await signIn(acme!.id);
    const [name, value] = cookie.split('=') as [string, string];
    const decoded = decodeURIComponent(value);
    const forged = [
      `${name}=${globex!.id}`,
      `${name}=${encodeURIComponent(decoded.replace(acme!.id, globex!.id))}`,
      `${name}=${encodeURIComponent(`${decoded.slice(0, -2)}AA`)}`,
      `${name}=`,
    ];
    const other = await createDemoServer({ listen: nodeListener(), env: {}, demoDir, log: () => {} });
    try {
      const otherCookie = await (async () => {
        const response = await fetch(`${other.url}/api/demo/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ organizationId: globex!.id }),
        });
        return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
      })();
      forged.push(otherCookie);
    } finally {
      await other.close();
    }
    for (const bad of forged) {
      const response = await api('/api/scalekit/portal-link', { method: 'POST', cookie: bad, body: '{}' });
      assert.equal(response.status, 401, `cookie ${bad}`);
    }
  });

  it('signs in only as a known organization, same-site, with a well-formed body', async () => {
    const acme = emulator.organizations()[0]!;
    for (const body of ['{}', '{"organizationId":"org_nope"}', '{"organizationId":42}', 'not json', '[]',
      JSON.stringify({ organizationId: 'x'.repeat(100) }), JSON.stringify({ organizationId: '../org_acme' })]) {
      const response = await api('/api/demo/session', { method: 'POST', body });
      assert.equal(response.status, 400, body);
      assert.equal(response.headers.get('set-cookie'), null);
    }
    const huge = await api('/api/demo/session', { method: 'POST', body: JSON.stringify({ organizationId: acme.id, pad: 'x'.repeat(5000) }) });
    assert.equal(huge.status, 413);
    assert.equal(huge.headers.get('set-cookie'), null);
    const crossSite = await api('/api/demo/session', {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: JSON.stringify({ organizationId: acme.id }),
    });
    assert.equal(crossSite.status, 403);
    assert.equal(crossSite.headers.get('set-cookie'), null);
  });

  it('signs out', async () => {
    const cookie = await signIn(emulator.organizations()[0]!.id);
    const response = await api('/api/demo/session', { method: 'DELETE', cookie });
    assert.equal(response.status, 204);
    assert.match(response.headers.get('set-cookie') ?? '', /Max-Age=0/i);
  });

  it('serves the demo with a CSP that frames only the Scalekit environment and runs only its own scripts', async () => {
    const response = await api('/');
    assert.equal(response.status, 200);
    assert.match(await response.text(), /Demo fixture/);
    const csp = response.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
    assert.deepEqual(directives.get('frame-src'), [new URL(emulator.url).origin]);
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('default-src'), ["'self'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    const script = await api('/app.js');
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
  });

  it('answers unknown API routes with JSON 404 and refuses path tricks', async () => {
    const response = await api('/api/nope');
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'invalid_request');
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/nope.html']) {
      const res = await api(path);
      assert.ok(res.status === 404 || res.status === 400, `${path} → ${res.status}`);
      assert.ok(!(await res.text()).includes('"name": "scalekit-admin-portal"'));
    }
  });

  it("reports only the signed-in organization's SSO and directory state, read through the SDK", async () => {
    const [acme, globex] = emulator.organizations();
    const signedOut = await api('/api/demo/configuration');
    assert.equal(signedOut.status, 401);
    assert.equal(((await signedOut.json()) as { error: { code: string } }).error.code, 'unauthenticated');
    const forged = await api('/api/demo/configuration', { cookie: 'scalekit_demo_session=forged.value' });
    assert.equal(forged.status, 401);

    const acmeCookie = await signIn(acme!.id);
    const globexCookie = await signIn(globex!.id);
    const configuration = async (cookie: string) => {
      const response = await api('/api/demo/configuration', { cookie });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      return response.json();
    };
    const before = emulator.stats().rpcs;
    assert.deepEqual(await configuration(acmeCookie), { sso: null, directory: null });
    const after = emulator.stats().rpcs;
    assert.equal((after.ListConnections ?? 0) - (before.ListConnections ?? 0), 1, 'asked Scalekit, not a cache');
    assert.equal((after.ListDirectories ?? 0) - (before.ListDirectories ?? 0), 1);

    const token = await portalSession(emulator, acme!.id);
    await portalApi(emulator, token, 'sso', { provider: 'okta', enabled: true });
    await portalApi(emulator, token, 'directory', { provider: 'MICROSOFT_AD', enabled: true });
    assert.deepEqual(await configuration(acmeCookie), {
      sso: { provider: 'OKTA', type: 'SAML', enabled: true },
      directory: { provider: 'MICROSOFT_AD', type: 'SCIM', enabled: true },
    });
    assert.deepEqual(await configuration(globexCookie), { sso: null, directory: null }, 'another organization sees its own');
    // A query naming another organization changes nothing: the session decides.
    const foreign = await api(`/api/demo/configuration?organizationId=${acme!.id}`, { cookie: globexCookie });
    assert.deepEqual(await foreign.json(), { sso: null, directory: null });

    await portalApi(emulator, token, 'sso', { provider: 'okta', enabled: false });
    assert.deepEqual((await configuration(acmeCookie) as { sso: unknown }).sso, { provider: 'OKTA', type: 'SAML', enabled: false });
  });

  it('answers 502 JSON without upstream details when Scalekit fails the read', async () => {
    const cookie = await signIn(emulator.organizations()[0]!.id);
    emulator.faults.failRpcs(5, 'internal', 'ListConnections');
    const linesBefore = logLines.length;
    try {
      const response = await api('/api/demo/configuration', { cookie });
      assert.equal(response.status, 502);
      const body = (await response.json()) as { error: { code: string; message: string } };
      assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
      assert.equal(body.error.code, 'upstream_failed');
      assert.ok(!/injected|emulator|127\.0\.0\.1|secret/i.test(body.error.message), body.error.message);
      const logged = logLines.slice(linesBefore).join('\n');
      assert.match(logged, /demo configuration/);
      assert.ok(!logged.includes(emulator.clientSecret));
    } finally {
      emulator.faults.clear();
    }
  });

  it('closes cleanly: the port stops answering and close() can be called again', async () => {
    const extra = await createDemoServer({ listen: nodeListener(), env: {}, demoDir, log: () => {} });
    await extra.close();
    await extra.close();
    await assert.rejects(fetch(`${extra.url}/healthz`));
    await assert.rejects(fetch(`${extra.emulator!.url}/_emulator/stats`));
  });
});

describe('createDemoServer() refuses Host names it does not serve (DNS rebinding)', () => {
  let server: DemoServer;
  let port: number;

  before(async () => {
    server = await createDemoServer({
      listen: nodeListener(),
      env: { PUBLIC_URL: 'https://northwind.example', NORTHWIND_ALLOWED_HOSTS: ' demo.internal ,Intranet.Example:8443' },
      log: () => {},
    });
    port = Number(new URL(server.url).port);
  });
  after(() => server.close());

  /** A request with a Host header of our choosing (fetch does not let a caller set it). */
  function requestAs(host: string, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
    const origin = `http://${host}`;
    return new Promise((resolvePromise, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, path, method, headers: { host, origin, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' } },
        (response) => {
          let body = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolvePromise({ status: response.statusCode!, type: response.headers['content-type'] ?? '', body }));
        },
      );
      request.on('error', reject);
      request.end(method === 'POST' ? JSON.stringify({ organizationId: 'org_acme' }) : undefined);
    });
  }

  const routes = [['GET', '/'], ['GET', '/healthz'], ['POST', '/api/demo/session'], ['GET', '/api/staff/customers'], ['POST', '/webhooks/scalekit']] as const;

  it('answers 403 with a plain line saying how to allow the name, on every route', async () => {
    for (const host of ['attacker.example', `attacker.example:${port}`, `localhost.attacker.example:${port}`]) {
      for (const [method, path] of routes) {
        const response = await requestAs(host, path, method);
        assert.equal(response.status, 403, `${method} ${path} as ${host}`);
        assert.match(response.type, /^text\/plain/);
        assert.match(response.body, /NORTHWIND_ALLOWED_HOSTS/);
      }
    }
  });

  it('serves the loopback names, the public origin\'s host and the configured ones', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'northwind.example', 'demo.internal:3000', 'intranet.example:8443']) {
      const response = await requestAs(host, '/healthz');
      assert.equal(response.status, 200, host);
    }
  });
});

describe('createDemoServer() without a built demo', () => {
  it('says how to build it instead of failing', async () => {
    const server = await createDemoServer({ listen: nodeListener(), env: {}, demoDir: join(tmpdir(), 'scalekit-no-such-dir'), log: () => {} });
    try {
      const response = await fetch(`${server.url}/`);
      assert.equal(response.status, 503);
      assert.match(await response.text(), /npm start/);
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    } finally {
      await server.close();
    }
  });
});

describe('createDemoServer() with SCALEKIT_* set (a real environment; here the emulator stands in for it)', () => {
  let upstream: Emulator;
  before(async () => {
    upstream = await startEmulator({ port: 0, clientSecret: 'test_secret_known_1234567890' });
  });
  after(() => upstream.close());

  it('talks to that environment and starts no emulator of its own', async () => {
    const logLines: string[] = [];
    const server = await createDemoServer({
      listen: nodeListener(),
      env: {
        SCALEKIT_ENVIRONMENT_URL: upstream.url,
        SCALEKIT_CLIENT_ID: upstream.clientId,
        SCALEKIT_CLIENT_SECRET: upstream.clientSecret,
      },
      log: (line) => logLines.push(line),
    });
    try {
      assert.equal(server.emulator, null);
      const session = (await (await fetch(`${server.url}/api/demo/session`)).json()) as { mode: string; environmentOrigin: string };
      assert.equal(session.mode, 'scalekit');
      assert.equal(session.environmentOrigin, new URL(upstream.url).origin);
      const csp = (await fetch(`${server.url}/`)).headers.get('content-security-policy') ?? '';
      assert.match(csp, new RegExp(`frame-src ${new URL(upstream.url).origin.replace(/[.:/]/g, '\\$&')}`));
      assert.ok(logLines.every((line) => !line.includes(upstream.clientSecret)));
      assert.ok(!/emulator runs in-process/.test(logLines[0] ?? ''));
    } finally {
      await server.close();
    }
  });

  it('refuses a partial configuration before starting anything', async () => {
    await assert.rejects(
      createDemoServer({ listen: nodeListener(), env: { SCALEKIT_CLIENT_ID: 'x' }, log: () => {} }),
      (error: Error) => error instanceof ConfigError && /missing/.test(error.message),
    );
  });

  it('reports wrong credentials at start-up as a log line without the secret, and answers 502', async () => {
    const logLines: string[] = [];
    const server = await createDemoServer({
      listen: nodeListener(),
      env: { SCALEKIT_ENVIRONMENT_URL: upstream.url, SCALEKIT_CLIENT_ID: upstream.clientId, SCALEKIT_CLIENT_SECRET: 'wrong_secret_abcdef' },
      log: (line) => logLines.push(line),
    });
    try {
      const org = upstream.organizations()[0]!.id;
      const signIn = await fetch(`${server.url}/api/demo/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ organizationId: org }),
      });
      assert.equal(signIn.status, 502);
      const body = (await signIn.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'upstream_auth_failed');
      assert.ok(logLines.some((line) => /upstream_auth_failed/.test(line)), logLines.join('\n'));
      for (const line of logLines) assert.ok(!line.includes('wrong_secret_abcdef'), line);
    } finally {
      await server.close();
    }
  });
});
