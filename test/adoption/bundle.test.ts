// The single-file build (dist/scalekit-admin-portal.min.js, built here from source the way scripts/build.mjs
// builds it) in a plain page with no bundler: real Chromium, a real token endpoint, the real SDK on the emulator.
// Also the failure it answers: a bare `import 'scalekit-admin-portal'` that a browser cannot resolve.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Scalekit } from '@scalekit-sdk/node';
import { build } from 'esbuild';
import { Hono } from 'hono';
import type { Browser } from 'puppeteer-core';
import { startEmulator, type Emulator } from '../../emulator/src/index.js';
import { scalekitPortal } from '../../server/index.js';
import { launchBrowser } from '../support/browser.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

let emulator: Emulator;
let server: Server;
let origin: string;
let browser: Browser;

// Each page records the element's outcome before the module can run, so the test awaits it without racing.
const OUTCOME = `<script>
  window.outcome = new Promise((resolve) => {
    addEventListener('scalekit-ready', (e) => resolve({ ready: e.detail.expiresAt }), { once: true });
    addEventListener('scalekit-error', (e) => resolve({ error: e.detail.code }), { once: true });
    addEventListener('error', (e) => resolve({ script: e.message }), { once: true });
  });
</script>`;
const ELEMENT = '<scalekit-admin-portal loading="eager"></scalekit-admin-portal>';

const PAGES: Record<string, string> = {
  '/script-tag': `<!doctype html>${OUTCOME}<script type="module" src="/vendor/scalekit-admin-portal.min.js"></script>${ELEMENT}`,
  '/import-map': `<!doctype html>${OUTCOME}
<script type="importmap">{ "imports": { "scalekit-admin-portal": "/vendor/scalekit-admin-portal.min.js" } }</script>
<script type="module">import 'scalekit-admin-portal';</script>${ELEMENT}`,
  '/bare': `<!doctype html>${OUTCOME}<script type="module">import 'scalekit-admin-portal';</script>${ELEMENT}`,
};

before(async () => {
  const bundle = await build({
    entryPoints: [`${root}component/index.ts`],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    tsconfig: `${root}tsconfig.json`,
    write: false,
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]!.text;
  assert.doesNotMatch(code, /\bfrom\s*["'](?!\.)/, 'no bare import left in the bundle');

  emulator = await startEmulator({ port: 0 });
  const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  const orgId = emulator.organizations()[0]!.id;

  const app = new Hono();
  app.get('/vendor/scalekit-admin-portal.min.js', (c) => c.body(code, 200, { 'content-type': 'text/javascript' }));
  for (const [path, html] of Object.entries(PAGES)) app.get(path, (c) => c.html(html));
  app.route('/api/scalekit', scalekitPortal({ scalekit, authorize: () => ({ organizationId: orgId }), rateLimit: false }));
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await emulator?.close();
});

async function outcomeOf(path: string): Promise<Record<string, string>> {
  const page = await browser.newPage();
  try {
    await page.goto(`${origin}${path}`);
    return await page.evaluate(() => (window as unknown as { outcome: Promise<Record<string, string>> }).outcome);
  } finally {
    await page.close();
  }
}

describe('the single-file bundle in a page without a bundler', () => {
  it('loads from a plain <script type="module" src> and shows the portal', async () => {
    const outcome = await outcomeOf('/script-tag');
    assert.ok(outcome.ready, JSON.stringify(outcome));
  });

  it('keeps `import \'scalekit-admin-portal\'` working through an import map', async () => {
    const outcome = await outcomeOf('/import-map');
    assert.ok(outcome.ready, JSON.stringify(outcome));
  });

  it('(why) a bare import without an import map does not resolve in a browser', async () => {
    const page = await browser.newPage();
    try {
      const failure = new Promise<string>((resolve) => page.once('pageerror', (error) => resolve(String(error))));
      await page.goto(`${origin}/bare`);
      assert.match(await failure, /Failed to resolve module specifier/);
    } finally {
      await page.close();
    }
  });
});
