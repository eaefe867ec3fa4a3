// `npm start`'s entry (demo/server/main.ts) as a child process: start-up in both modes, /healthz, the built demo
// under its CSP in real Chromium, misconfiguration, graceful shutdown, and no secret in anything it prints.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../../emulator/src/index.js';
import type { Emulator } from '../../emulator/src/index.js';
import { launchBrowser } from '../support/browser.js';
import { ensureDemoBuilt } from '../e2e/harness.js';

const root = resolve(import.meta.dirname, '../..');
let demoDir: string;

before(async () => {
  // The real demo, built the way `npm start` builds it (once per test run, shared with the end-to-end tests).
  await ensureDemoBuilt();
  demoDir = join(root, 'demo-dist');
});

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  lines: () => string[];
  exit: Promise<number | null>;
}

/** A clean environment: nothing from the developer's shell that could point at a real Scalekit. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // Northwind's data in memory: nothing written into the repository's .data/ by a test.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DEMO_DIR: demoDir, NORTHWIND_DATA_DIR: 'memory', ...extra };
  for (const name of ['SCALEKIT_ENVIRONMENT_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

function run(extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/server/main.ts'], {
    cwd: root,
    env: cleanEnv(extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exit, stdout: () => stdout, stderr: () => stderr };
}

/** Start main.ts and resolve once it printed its URL (or reject with what it printed if it exited). */
async function start(extra: Record<string, string> = {}): Promise<Started> {
  const proc = run(extra);
  const url = await new Promise<string>((resolvePromise, reject) => {
    const onData = () => {
      const match = /Demo: http:\/\/localhost:(\d+)/.exec(proc.stdout());
      if (match) {
        proc.child.stdout!.off('data', onData);
        resolvePromise(`http://127.0.0.1:${match[1]}`);
      }
    };
    proc.child.stdout!.on('data', onData);
    void proc.exit.then((code) => reject(new Error(`main.ts exited (${code}) before listening:\n${proc.stdout()}\n${proc.stderr()}`)));
  });
  return {
    child: proc.child,
    url,
    exit: proc.exit,
    output: () => proc.stdout() + proc.stderr(),
    lines: () => proc.stdout().split('\n').filter(Boolean),
  };
}

async function stop(started: Started, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  started.child.kill(signal);
  return started.exit;
}

describe('demo/server/main.ts on the emulator', () => {
  let app: Started;
  before(async () => {
    app = await start();
  });
  after(async () => {
    if (app.child.exitCode === null) await stop(app);
  });

  it('says so in its first log line', () => {
    assert.match(app.lines()[0] ?? '', /emulator/i);
    assert.match(app.lines()[0] ?? '', /SCALEKIT_/);
  });

  it('answers /healthz and serves the built demo under its CSP', async () => {
    const health = await fetch(`${app.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok', mode: 'emulator' });
    const page = await fetch(`${app.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /<scalekit-admin-portal|type="module"/);
    const session = (await (await fetch(`${app.url}/api/demo/session`)).json()) as { environmentOrigin: string };
    assert.match(page.headers.get('content-security-policy') ?? '', new RegExp(`frame-src ${session.environmentOrigin.replace(/[.:/]/g, '\\$&')}(;|$)`));
  });

  it('runs the demo in Chromium with no CSP violation, the portal framed from the environment', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
      await page.evaluateOnNewDocument(() => {
        document.addEventListener('securitypolicyviolation', (event) => {
          (window as unknown as { reportViolation(text: string): void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`);
        });
      });
      await page.goto(`${app.url.replace('127.0.0.1', 'localhost')}/`);
      const { organizations } = (await (await fetch(`${app.url}/api/demo/session`)).json()) as { organizations: Array<{ id: string }> };
      const status = await page.evaluate(async (organizationId) => {
        const response = await fetch('/api/demo/session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ organizationId }),
        });
        return response.status;
      }, organizations[0]!.id);
      assert.equal(status, 200);
      await page.reload();
      await page.waitForSelector('scalekit-admin-portal[status="ready"]');
      assert.deepEqual(violations, []);
    } finally {
      await browser.close();
    }
  });

  it('shuts down on SIGTERM with exit code 0', async () => {
    assert.equal(await stop(app, 'SIGTERM'), 0);
    assert.match(app.output(), /SIGTERM: shutting down/);
    await assert.rejects(fetch(`${app.url}/healthz`));
  });
});

describe('demo/server/main.ts start-up checks', () => {
  /** Exit code 1 and exactly one line on stderr; `quiet`: nothing on stdout either (nothing was started). */
  async function refused(extra: Record<string, string>, quiet = true) {
    const proc = run(extra);
    const listening = new Promise<'listening'>((resolvePromise) =>
      proc.child.stdout!.on('data', () => /Demo: http/.test(proc.stdout()) && resolvePromise('listening')),
    );
    const code = await Promise.race([proc.exit, listening]);
    if (code === 'listening') {
      proc.child.kill('SIGKILL');
      await proc.exit;
      assert.fail(`started instead of refusing:\n${proc.stdout()}`);
    }
    assert.equal(code, 1);
    const lines = proc.stderr().split('\n').filter(Boolean);
    assert.equal(lines.length, 1, proc.stderr());
    assert.match(lines[0]!, /^Not started: /);
    if (quiet) assert.equal(proc.stdout(), '');
    return lines[0]!;
  }

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

  it('stops with one clear line when another demo server uses the same data folder, and not after that one crashed; stops on SIGINT', { timeout: 600_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'northwind-lock-'));
    try {
      const first = await start({ NORTHWIND_DATA_DIR: dataDir });
      try {
        const line = await refused({ NORTHWIND_DATA_DIR: dataDir }, false);
        assert.match(line, new RegExp(`another demo server \\(pid ${first.child.pid}\\) is using the data folder .*; stop it, or set NORTHWIND_DATA_DIR`));
      } finally {
        first.child.kill('SIGKILL'); // a crash: its lock file stays behind, naming a pid that no longer runs
        await first.exit;
      }
      // It starts after a crash, and stops cleanly on SIGINT (Ctrl+C) as on SIGTERM.
      const next = await start({ NORTHWIND_DATA_DIR: dataDir });
      assert.equal(await stop(next, 'SIGINT'), 0, next.output());
      assert.match(next.output(), /SIGINT: shutting down/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
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

  it('never prints a wrong secret either, and says the credentials were refused', async () => {
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
      assert.equal(await stop(app), 0);
    }
    assert.match(app.output(), /upstream_auth_failed/);
    assert.ok(!app.output().includes(wrong));
  });
});
