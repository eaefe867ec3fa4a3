// `npm start`'s entry (demo/server/main.ts) as a child process, configured: refusals of a bad configuration with one
// clear line, a real (here: emulated) Scalekit from SCALEKIT_*, graceful shutdown, no secret in anything it prints.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../../emulator/src/index.js';
import type { Emulator } from '../../emulator/src/index.js';
import { buildDemo, refused, start, stop } from './support/main-process.js';

before(buildDemo);

describe('demo/server/main.ts start-up checks', () => {
  it('stops with one clear line when only some SCALEKIT_* variables are set', async () => {
    const line = await refused({ SCALEKIT_CLIENT_ID: 'skc_1', SCALEKIT_CLIENT_SECRET: 'test_secret_partial_123' });
    assert.match(line, /missing: SCALEKIT_ENVIRONMENT_URL/);
    assert.ok(!line.includes('test_secret_partial_123'));
  });

  it('stops with one clear line when the environment URL is not a URL', async () => {
    const line = await refused({
      SCALEKIT_ENVIRONMENT_URL: 'acme.scalekit.dev',
      SCALEKIT_CLIENT_ID: 'skc_1',
      SCALEKIT_CLIENT_SECRET: 'test_secret_url_123',
    });
    assert.match(line, /SCALEKIT_ENVIRONMENT_URL is not a URL/);
    assert.ok(!line.includes('test_secret_url_123'));
  });

  it('stops with one clear line on a bad PORT or a port in use', async () => {
    assert.match(await refused({ PORT: 'eighty' }), /PORT must be a port number/);
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    try {
      // The emulator is up by then (and says so on stdout); it is closed again before the exit.
      const line = await refused({ PORT: String((blocker.address() as AddressInfo).port) }, false);
      assert.match(line, /already in use/);
    } finally {
      await new Promise((done) => blocker.close(done));
    }
  });
});

describe('demo/server/main.ts with SCALEKIT_* set', () => {
  const secret = 'test_secret_KNOWN_5f1c9a7e2b8d4630';
  let upstream: Emulator;
  before(async () => {
    upstream = await startEmulator({ port: 0, clientSecret: secret });
  });
  after(() => upstream.close());

  it('never prints the client secret, a token or a portal link — on success or on failure', async () => {
    const app = await start({
      SCALEKIT_ENVIRONMENT_URL: upstream.url,
      SCALEKIT_CLIENT_ID: upstream.clientId,
      SCALEKIT_CLIENT_SECRET: secret,
    });
    const locations: string[] = [];
    try {
      assert.doesNotMatch(app.lines()[0] ?? '', /emulator/i);
      const org = upstream.organizations()[0]!.id;
      const signIn = await fetch(`${app.url}/api/demo/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ organizationId: org }),
      });
      assert.equal(signIn.status, 200);
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
      const mint = () =>
        fetch(`${app.url}/api/scalekit/portal-link`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: '{}',
        });
      const ok = await mint();
      assert.equal(ok.status, 200);
      locations.push(((await ok.json()) as { location: string }).location);

      // Failures that make the server log: a refused token, an internal error, a timeout-free outage.
      upstream.faults.failRpcs(1, 'unauthenticated', 'GeneratePortalLink');
      upstream.faults.failTokenRequests(5, 401);
      assert.equal((await mint()).status, 502);
      upstream.faults.clear();
      upstream.faults.failRpcs(1, 'internal', 'GeneratePortalLink');
      assert.equal((await mint()).status, 500);
      upstream.faults.failRpcs(1, 'permission_denied', 'GeneratePortalLink');
      assert.equal((await mint()).status, 502);
      const again = await mint();
      assert.equal(again.status, 200);
      locations.push(((await again.json()) as { location: string }).location);
    } finally {
      assert.equal(await stop(app), 0);
    }
    const output = app.output();
    assert.match(output, /upstream_auth_failed/, 'the failures were logged');
    assert.ok(!output.includes(secret), 'the client secret was printed');
    assert.ok(!/Bearer\s+\S/.test(output), 'a bearer token was printed');
    assert.ok(!output.includes('magicLink'), 'a portal link was printed');
    for (const location of locations) assert.ok(!output.includes(location));
  });

  it('never prints a wrong secret either, says the credentials were refused, and shuts down on SIGTERM with exit code 0', async () => {
    const wrong = 'test_secret_WRONG_0a9b8c7d6e5f';
    const app = await start({
      SCALEKIT_ENVIRONMENT_URL: upstream.url,
      SCALEKIT_CLIENT_ID: upstream.clientId,
      SCALEKIT_CLIENT_SECRET: wrong,
    });
    try {
      const session = await fetch(`${app.url}/api/demo/session`);
      assert.equal(session.status, 502);
    } finally {
      assert.equal(await stop(app, 'SIGTERM'), 0);
    }
    assert.match(app.output(), /SIGTERM: shutting down/);
    await assert.rejects(fetch(`${app.url}/healthz`), 'stopped listening');
    assert.match(app.output(), /upstream_auth_failed/);
    assert.ok(!app.output().includes(wrong));
  });
});
