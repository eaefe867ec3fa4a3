// `npm start`'s entry (demo/server/main.ts) on the emulator, as a child process: start-up, /healthz, the built demo
// under its CSP in real Chromium, one server per data folder, a start after a crash, graceful shutdown.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from '../support/browser.js';
import { buildDemo, refused, start, stop, type Started } from './support/main-process.js';

before(buildDemo);

describe('demo/server/main.ts on the emulator', () => {
  let app: Started;
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'northwind-main-'));
    app = await start({ NORTHWIND_DATA_DIR: dataDir });
  });
  after(async () => {
    if (app.child.exitCode === null) await stop(app);
    await rm(dataDir, { recursive: true, force: true });
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

  it('refuses, with one clear line, a second demo server on the same data folder', async () => {
    const line = await refused({ NORTHWIND_DATA_DIR: dataDir }, false);
    assert.match(line, new RegExp(`another demo server \\(pid ${app.child.pid}\\) is using the data folder .*; stop it, or set NORTHWIND_DATA_DIR`));
  });

  it('starts again on that folder after a crash (its lock file left behind), and stops on SIGINT with exit code 0', async () => {
    app.child.kill('SIGKILL'); // a crash: its lock file stays behind, naming a pid that no longer runs
    await app.exit;
    app = await start({ NORTHWIND_DATA_DIR: dataDir });
    assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
    assert.equal(await stop(app, 'SIGINT'), 0, app.output());
    assert.match(app.output(), /SIGINT: shutting down/);
    await assert.rejects(fetch(`${app.url}/healthz`));
  });
});
