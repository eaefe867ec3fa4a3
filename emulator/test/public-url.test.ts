// `publicUrl`: the emulator behind a reverse proxy that serves it under another origin and a path prefix.
// Links, the page's own calls, the SCIM endpoint and the service-provider details all name the public
// address; in Chromium the framed portal loads through the proxy and its SSO switch works there.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Scalekit } from '@scalekit-sdk/node';
import type { Browser } from 'puppeteer-core';
import { startEmulator, type Emulator } from '../src/index.js';
import { launchBrowser } from '../../test/support/browser.js';
import { startHostPage, type HostPage } from './support/host-page.js';

const PREFIX = '/scalekit';

/** A proxy that forwards `PREFIX/*` to the emulator without the prefix, as nginx `proxy_pass …/;` would. */
async function startProxy(target: () => string): Promise<{ origin: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (!req.url?.startsWith(`${PREFIX}/`)) {
      res.writeHead(404).end();
      return;
    }
    const upstream = http.request(`${target()}${req.url.slice(PREFIX.length)}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('emulator behind a proxy (publicUrl)', () => {
  let emulator: Emulator;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let publicUrl: string;
  before(async () => {
    proxy = await startProxy(() => emulator.url);
    publicUrl = `${proxy.origin}${PREFIX}`;
    emulator = await startEmulator({ publicUrl: `${publicUrl}/` });
  });
  after(async () => {
    await emulator.close();
    await proxy.close();
  });

  it('links and everything the page references use the public URL; the SDK still talks to url', async () => {
    assert.equal(emulator.publicUrl, publicUrl, 'normalised without the trailing slash');
    assert.notEqual(emulator.url, publicUrl);
    const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    const link = await scalekit.organization.generatePortalLink('org_acme');
    assert.equal(link.location, `${publicUrl}/magicLink/${link.id}`);

    const html = await (await fetch(link.location)).text();
    const config = JSON.parse(/<script type="application\/json"[^>]*>(.*?)<\/script>/s.exec(html)![1]!);
    assert.equal(config.apiBase, `${PREFIX}/portal/api`);
    assert.ok(config.directory.endpoint.startsWith(`${publicUrl}/api/v1/directories/`), 'the SCIM endpoint is the public one');
    assert.match(html, new RegExp(`data-api="${PREFIX}/portal/directory"`));
    assert.ok(html.includes(`${publicUrl}/sso/v1/saml/acs`));
    assert.equal(html.includes(emulator.url), false, 'nothing on the page names the private address');
  });

  it('startEmulator refuses a publicUrl that is not a plain http(s) base URL', async () => {
    for (const bad of ['javascript:alert(1)', 'ftp://x.test', 'https://u:p@x.test', 'https://x.test/?q=1', 'https://x.test/#f', 'not a url']) {
      await assert.rejects(startEmulator({ publicUrl: bad }), TypeError, bad);
    }
  });

  describe('in Chromium', () => {
    let browser: Browser;
    let host: HostPage;
    before(async () => {
      browser = await launchBrowser();
      host = await startHostPage();
    });
    after(async () => {
      await browser.close();
      await host.close();
    });

    it('the framed portal loads through the proxy, posts from the public origin, and its SSO switch works there', async () => {
      emulator.reset();
      const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
      const link = await scalekit.organization.generatePortalLink('org_acme');
      const page = await browser.newPage();
      await page.goto(host.pageUrl(link.location));
      const waitFor = (n: number) =>
        page.waitForFunction((count: number) => (window as unknown as { portalMessages: unknown[] }).portalMessages.length >= count, {}, n);
      await waitFor(1);
      const frame = await (await page.waitForSelector('#portal'))!.contentFrame();
      await frame!.click('#sso-enable');
      await waitFor(2);
      const messages = await page.evaluate(() => (window as unknown as { portalMessages: Array<{ origin: string; data: { event_type: string } }> }).portalMessages);
      assert.deepEqual(messages.map((m) => m.data.event_type), ['PORTAL_LOAD_SUCCESS', 'ORGANIZATION_SSO_ENABLED']);
      assert.ok(messages.every((m) => m.origin === proxy.origin));
      assert.ok(proxy.requests.includes(`POST ${PREFIX}/portal/api/sso`), 'the page called its API through the proxy');
      assert.equal((await scalekit.connection.listConnections('org_acme')).connections[0]?.enabled, true);
      await page.close();
    });
  });
});
