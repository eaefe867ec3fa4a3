// The emulator's control token: every /_emulator/ route answers 401 without `Authorization: Bearer <token>`
// (missing, wrong or malformed), never 5xx, and changes nothing; a page on another origin can neither drive
// the controls nor read their answers; the portal page's own session routes refuse other origins; the CLI
// honours and prints EMULATOR_CONTROL_TOKEN.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledEntry } from '../../test/support/bundled-entry.js';
import { Scalekit } from '@scalekit-sdk/node';
import { DEFAULT_ORGANIZATIONS, startEmulator, type Emulator } from '../src/index.js';
import { portalSession } from './support/portal-api.js';

const ORG = 'org_acme';

/** Every control route, each with a body it would accept. */
const CONTROLS: ReadonlyArray<[method: string, path: string, body?: unknown]> = [
  ['GET', '/_emulator/stats'],
  ['POST', '/_emulator/faults', { latencyMs: 1 }],
  ['POST', '/_emulator/reset'],
  ['GET', '/_emulator/branding'],
  ['PUT', '/_emulator/branding', { accentColor: '#112233' }],
  ['DELETE', '/_emulator/branding'],
  ['GET', '/_emulator/webhooks'],
  ['PUT', '/_emulator/webhooks', { url: 'http://127.0.0.1:9/hook', secret: 'whsec_c2VjcmV0c2VjcmV0' }],
  ['DELETE', '/_emulator/webhooks'],
  ['GET', '/_emulator/webhooks/deliveries'],
  ['GET', `/_emulator/directory/${ORG}`],
  ['POST', `/_emulator/directory/${ORG}/enable`],
  ['POST', `/_emulator/directory/${ORG}/disable`],
  ['POST', `/_emulator/directory/${ORG}/users`, { email: 'mallory@example.com' }],
  ['PATCH', `/_emulator/directory/${ORG}/users/diruser_1`, { givenName: 'M' }],
  ['POST', `/_emulator/directory/${ORG}/users/diruser_1/deactivate`],
  ['DELETE', `/_emulator/directory/${ORG}/users/diruser_1`],
  ['POST', `/_emulator/directory/${ORG}/groups`, { displayName: 'Owned' }],
  ['PATCH', `/_emulator/directory/${ORG}/groups/dirgroup_1`, { displayName: 'Owned' }],
  ['DELETE', `/_emulator/directory/${ORG}/groups/dirgroup_1`],
  ['PUT', `/_emulator/directory/${ORG}/groups/dirgroup_1/members/diruser_1`],
  ['DELETE', `/_emulator/directory/${ORG}/groups/dirgroup_1/members/diruser_1`],
  ['GET', '/_emulator/no-such-control'],
];

/** One request with exactly the headers given (node:http, so hostile values go out as written). */
function send(url: string, method: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('latin1').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('emulator control token', () => {
  let emulator: Emulator;
  let scalekit: Scalekit;
  before(async () => {
    emulator = await startEmulator();
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  });
  after(() => emulator.close());

  const call = (method: string, path: string, body: unknown, headers: Record<string, string>) =>
    send(`${emulator.url}${path}`, method, body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body === undefined ? undefined : JSON.stringify(body));

  it('is a fresh random token of at least 128 bits per start, or the one given', async () => {
    assert.match(emulator.controlToken, /^[\x21-\x7e]{22,}$/);
    const other = await startEmulator();
    const chosen = await startEmulator({ controlToken: 'my-own-control-token-0123' });
    try {
      assert.notEqual(other.controlToken, emulator.controlToken);
      assert.equal(chosen.controlToken, 'my-own-control-token-0123');
      assert.equal((await send(`${chosen.url}/_emulator/stats`, 'GET', { authorization: 'Bearer my-own-control-token-0123' })).status, 200);
      assert.equal((await send(`${chosen.url}/_emulator/stats`, 'GET', { authorization: `Bearer ${other.controlToken}` })).status, 401);
    } finally {
      await other.close();
      await chosen.close();
    }
  });

  it('refuses a control token that is short, has spaces or is not a string, without echoing it', async () => {
    for (const controlToken of ['short', 'has spaces in the token value', '', 42, 'é'.repeat(30), 'x'.repeat(300)]) {
      await assert.rejects(startEmulator({ controlToken: controlToken as string }), (error: Error) => {
        assert.ok(error instanceof TypeError, String(controlToken));
        assert.ok(!error.message.includes(String(controlToken)) || String(controlToken) === '', error.message);
        return true;
      });
    }
  });

  it('every control route answers 401 without the token, with a wrong one or a malformed header, and nothing changes', async () => {
    const token = emulator.controlToken;
    const hostile = [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      `Bearer  ${token}x`,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token}x`,
      `Bearer ${token} ${token}`,
      `Bearer ${token}, Bearer ${token}`,
      token,
      `Basic ${Buffer.from(`x:${token}`).toString('base64')}`,
      `Token ${token}`,
      `Bearer ${'a'.repeat(8_000)}`,
      'Bearer \u00e9\u00e9\u00e9',
      `Bearer ${emulator.clientSecret}`,
      'Bearer undefined',
      'Bearer null',
    ];
    emulator.reset();
    await scalekit.organization.createOrganization('Stays put');
    const before = emulator.organizations();
    const failures: string[] = [];
    for (const [method, path, body] of CONTROLS) {
      for (const authorization of hostile) {
        const res = await call(method, path, body, authorization === undefined ? {} : { authorization });
        const label = `${method} ${path} ${authorization === undefined ? '(none)' : JSON.stringify(authorization.slice(0, 30))}`;
        if (res.status !== 401) {
          failures.push(`${label} → ${res.status}`);
          continue;
        }
        const json = JSON.parse(res.text);
        if (json.error?.code !== 'unauthenticated' || typeof json.error.message !== 'string') failures.push(`${label} → ${res.text}`);
        if (res.text.includes(token)) failures.push(`${label} echoes the token`);
        if (!/^Bearer\b/.test(String(res.headers['www-authenticate']))) failures.push(`${label} no WWW-Authenticate`);
        if (res.headers['access-control-allow-origin']) failures.push(`${label} allows an origin`);
      }
    }
    assert.deepEqual(failures, []);
    assert.deepEqual(emulator.organizations(), before, 'no reset went through');
    assert.equal(emulator.webhooks.url(), null, 'no webhook receiver was set');
    assert.equal(emulator.branding().accentColor, null, 'branding unchanged');
    assert.equal(emulator.directory.get(ORG).users.length, 0, 'no user was provisioned');
  });

  it('with the token every control route answers as before (2xx, or 4xx for its own reasons, never 401)', async () => {
    emulator.reset();
    for (const [method, path, body] of CONTROLS) {
      const res = await call(method, path, body, { authorization: `Bearer ${emulator.controlToken}` });
      assert.ok(res.status < 500 && res.status !== 401 && res.status !== 403, `${method} ${path} → ${res.status} ${res.text}`);
    }
    // the scheme is case-insensitive, as HTTP says
    assert.equal((await call('GET', '/_emulator/stats', undefined, { authorization: `bearer ${emulator.controlToken}` })).status, 200);
    emulator.reset();
  });

  it('a page on another origin can neither reset nor read stats, and gets no CORS grant', async () => {
    const link = await scalekit.organization.generatePortalLink(ORG);
    const page = { origin: 'http://localhost:5173', 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors', referer: 'http://localhost:5173/' };
    const stats = await call('GET', '/_emulator/stats', undefined, page);
    assert.equal(stats.status, 401);
    assert.ok(!stats.text.includes(link.id), 'no link id leaks');
    assert.equal(stats.headers['access-control-allow-origin'], undefined);
    const reset = await call('POST', '/_emulator/reset', undefined, { ...page, 'content-type': 'text/plain' });
    assert.equal(reset.status, 401);
    assert.equal(emulator.stats().linksIssued, 1, 'the reset did not happen');
    // A preflight for a request carrying the token is not granted either: the browser never sends it.
    const preflight = await call('OPTIONS', '/_emulator/reset', undefined, {
      ...page,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization',
    });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    assert.equal(preflight.headers['access-control-allow-headers'], undefined);
    // Even holding the token, a cross-site browser request is refused.
    const crossSite = await call('POST', '/_emulator/reset', undefined, { authorization: `Bearer ${emulator.controlToken}`, 'sec-fetch-site': 'cross-site' });
    assert.equal(crossSite.status, 403);
    assert.equal(emulator.stats().linksIssued, 1);
  });

  it("the portal page's session routes answer its own origin and refuse other pages, even with the session", async () => {
    emulator.reset();
    const session = await portalSession(emulator, ORG);
    const own = new URL(emulator.url).origin;
    const body = { enabled: true, provider: 'OKTA' };
    const routes: Array<[string, string, unknown]> = [
      ['POST', '/portal/api/directory', body],
      ['GET', '/portal/directory', undefined],
      ['POST', '/portal/directory/users', { email: 'pat@example.com' }],
    ];
    for (const [method, path, payload] of routes) {
      const foreign: Array<Record<string, string>> = [
        { origin: 'http://localhost:5173', 'sec-fetch-site': 'same-site' },
        { origin: 'http://localhost:5173' },
        { 'sec-fetch-site': 'same-site' },
        { 'sec-fetch-site': 'cross-site' },
        { origin: 'null' },
      ];
      for (const headers of foreign) {
        const res = await call(method, path, payload, { 'x-portal-session': session, ...headers });
        assert.equal(res.status, 403, `${method} ${path} ${JSON.stringify(headers)} → ${res.status}`);
        assert.equal(JSON.parse(res.text).error.code, 'forbidden');
      }
    }
    assert.equal(emulator.directory.get(ORG).directory?.enabled ?? false, false, 'nothing changed');
    for (const [method, path, payload] of routes) {
      const res = await call(method, path, payload, { 'x-portal-session': session, origin: own, 'sec-fetch-site': 'same-origin' });
      assert.ok(res.status === 200 || res.status === 201, `${method} ${path} from its own page → ${res.status} ${res.text}`);
    }
  });

  it('the in-process controls need no token', () => {
    emulator.reset();
    assert.equal(emulator.stats().linksIssued, 0);
    emulator.faults.setLatency(0);
    assert.equal(emulator.setBranding({ accentColor: '#112233' }).accentColor, '#112233');
    emulator.reset();
    assert.deepEqual(emulator.organizations(), DEFAULT_ORGANIZATIONS);
  });
});

describe('npm run emulator and EMULATOR_CONTROL_TOKEN', () => {
  const cli = bundledEntry('emulator/src/cli.ts');
  // The CLI saves the token it makes; here in a folder of this test's own.
  const stateDir = mkdtempSync(join(tmpdir(), 'scalekit-emulator-state-'));

  async function start(env: Record<string, string>) {
    const child = spawn(process.execPath, [cli], {
      env: { ...process.env, EMULATOR_CONTROL_TOKEN: '', EMULATOR_STATE_DIR: stateDir, ...env, EMULATOR_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = once(child, 'exit');
    while (!out.includes('Ctrl+C') && child.exitCode === null) await Promise.race([once(child.stdout, 'data'), exited]);
    return { child, exited, out: () => out, err: () => err };
  }

  it('prints the token it was given beside the credentials, and the controls take it', { timeout: 600_000 }, async () => {
    const token = 'cli-control-token-0123456789';
    const { child, exited, out, err } = await start({ EMULATOR_CONTROL_TOKEN: token });
    try {
      const url = /SCALEKIT_ENVIRONMENT_URL=(\S+)/.exec(out())![1]!;
      assert.match(out(), new RegExp(`^  EMULATOR_CONTROL_TOKEN=${token}$`, 'm'));
      assert.equal(out().split(token).length - 1, 1, 'the token is printed once, in its own line');
      assert.equal((await send(`${url}/_emulator/stats`, 'GET', { authorization: `Bearer ${token}` })).status, 200);
      assert.equal((await send(`${url}/_emulator/stats`, 'GET', {})).status, 401);
      assert.equal(err(), '');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('without it, prints the saved one, which works', { timeout: 600_000 }, async () => {
    const { child, exited, out } = await start({});
    try {
      const url = /SCALEKIT_ENVIRONMENT_URL=(\S+)/.exec(out())![1]!;
      const token = /EMULATOR_CONTROL_TOKEN=(\S+)/.exec(out())![1]!;
      assert.ok(token.length >= 22);
      assert.equal((await send(`${url}/_emulator/reset`, 'POST', { authorization: `Bearer ${token}` })).status, 200);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('refuses a malformed EMULATOR_CONTROL_TOKEN with one line, without echoing it', { timeout: 600_000 }, async () => {
    const { exited, out, err } = await start({ EMULATOR_CONTROL_TOKEN: 'too short' });
    const [code] = await exited;
    assert.equal(code, 1);
    assert.equal(out(), '');
    assert.match(err(), /^Scalekit emulator not started: .+\n$/);
    assert.ok(!err().includes('too short'));
  });
});
