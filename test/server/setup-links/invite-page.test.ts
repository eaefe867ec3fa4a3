// The invite page of docs/onboarding.md, for real: a host serving scalekitSetupLinks() and a page that embeds
// <scalekit-admin-portal> (the element's own source, bundled) with a fetchLink that trades the URL fragment's
// token for portal links; headless Chromium opens the setup link; the emulator plays Scalekit.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { Scalekit } from '@scalekit-sdk/node';
import { build } from 'esbuild';
import { Hono } from 'hono';
import type { Browser } from 'puppeteer-core';
import { startEmulator, type Emulator } from '../../../emulator/src/index.js';
import { scalekitSetupLinks } from '../../../server/index.js';
import { launchBrowser } from '../../support/browser.js';

const INVITE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Set up SSO</title>
<meta name="referrer" content="no-referrer"></head><body>
<scalekit-admin-portal id="portal" loading="eager" no-auto-renew></scalekit-admin-portal>
<script type="module">
  import '/element.js';
  const token = decodeURIComponent(location.hash.slice(1));
  history.replaceState(null, '', location.pathname + location.search);
  window.errors = [];
  window.expired = 0;
  const portal = document.getElementById('portal');
  portal.addEventListener('scalekit-error', (event) => window.errors.push(event.detail));
  portal.addEventListener('scalekit-session-expired', () => window.expired++);
  portal.fetchLink = async ({ features, signal }) => {
    const response = await fetch('/api/scalekit/setup-links/portal-link', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, features }),
      signal,
    });
    if (!response.ok) throw { status: response.status, retryAfter: response.headers.get('retry-after') };
    return response.json();
  };
</script></body></html>`;

describe('the invite page: a setup link opened in Chromium', () => {
  let emulator: Emulator;
  let browser: Browser;
  let server: ReturnType<typeof createAdaptorServer>;
  let origin: string;
  let host: Hono;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('../../../component/index.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      write: false,
      tsconfig: fileURLToPath(new URL('../../../tsconfig.json', import.meta.url)),
      logLevel: 'silent',
    });
    const element = bundle.outputFiles[0]!.text;

    host = new Hono();
    host.get('/element.js', (c) => c.body(element, 200, { 'content-type': 'text/javascript' }));
    host.get('/setup', (c) => c.html(INVITE_PAGE));
    server = createAdaptorServer({ fetch: (request) => host.fetch(request) });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    host.route('/api/scalekit', scalekitSetupLinks({
      scalekit,
      authorize: (c) => (c.req.header('x-staff') === 'yes' ? { organizationId: 'org_acme', userId: 'staff_1' } : null),
      publicUrl: `${origin}/setup`,
      log: () => {},
    }));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    (server as unknown as { closeAllConnections(): void }).closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await emulator.close();
  });

  const staff = (method: string, path: string, body?: unknown) =>
    host.request(`${origin}/api/scalekit${path}`, {
      method,
      headers: { 'x-staff': 'yes', origin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('the IT admin opens the link: the portal loads for the organization, the token leaves the address bar; revoking ends the session and refuses renewal', async () => {
    const created = (await (await staff('POST', '/setup-links', { note: 'Acme IT' })).json()) as { id: string; url: string };
    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      await page.goto(created.url);
      await page.waitForSelector('scalekit-admin-portal[status="ready"]');
      assert.equal(await page.evaluate(() => location.hash), '', 'the token is out of the address bar');
      const frameSrc = await page.$eval('scalekit-admin-portal', (el) => el.shadowRoot!.querySelector('iframe')!.src);
      assert.match(frameSrc, /\/magicLink\//);
      assert.equal(emulator.stats().links.at(-1)?.organizationId, 'org_acme');
      const listed = (await (await staff('GET', '/setup-links')).json()) as { setupLinks: Array<{ uses: number }> };
      assert.equal(listed.setupLinks[0]?.uses, 1);

      assert.equal((await staff('DELETE', `/setup-links/${created.id}`)).status, 204);
      // the portal posts PORTAL_SESSION_EXPIRY; the element reports the session over
      await page.waitForFunction(() => (window as unknown as { expired: number }).expired >= 1);
      await page.waitForSelector('scalekit-admin-portal[status="expired"]');
      // a new session is refused: the setup link is revoked
      await page.evaluate(() => (document.getElementById('portal') as unknown as { refresh(): Promise<void> }).refresh().catch(() => {}));
      await page.waitForFunction(() => (window as unknown as { errors: unknown[] }).errors.length >= 1);
      const [error] = await page.evaluate(() => (window as unknown as { errors: Array<{ code: string; status?: number; retryable: boolean }> }).errors);
      assert.deepEqual([error?.code, error?.status, error?.retryable], ['link_request_failed', 410, false]);
    } finally {
      await context.close();
    }
  });
});
