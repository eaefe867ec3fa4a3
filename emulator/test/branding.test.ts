// Branding (logo, accent colour, favicon): set at start, through PUT /_emulator/branding and through the
// returned object; every portal page (live and expired) shows it and its CSP admits the images; hostile
// values are refused with 400 and change nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, type Emulator } from '../src/index.js';
import { launchBrowser } from '../../test/support/browser.js';

const LOGO = 'https://cdn.example.com/brand/logo.svg';
const FAVICON = 'data:image/png;base64,iVBORw0KGgo=';

describe('emulator branding', () => {
  let emulator: Emulator;
  let scalekit: Scalekit;
  before(async () => {
    emulator = await startEmulator({ branding: { logoUrl: LOGO, accentColor: '#0A7C4B', faviconUrl: FAVICON } });
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  });
  after(() => emulator.close());

  const putBranding = (body: string, type = 'application/json') =>
    fetch(`${emulator.url}/_emulator/branding`, { method: 'PUT', body, headers: { 'content-type': type, ...auth() } });
  const auth = () => ({ authorization: `Bearer ${emulator.controlToken}` });

  async function page(): Promise<{ html: string; csp: string; status: number }> {
    const link = await scalekit.organization.generatePortalLink('org_acme');
    const res = await fetch(link.location);
    return { html: await res.text(), csp: res.headers.get('content-security-policy') ?? '', status: res.status };
  }

  async function expiredPage(): Promise<{ html: string; csp: string; status: number }> {
    const res = await fetch(`${emulator.url}/magicLink/00000000-0000-4000-8000-000000000000`);
    return { html: await res.text(), csp: res.headers.get('content-security-policy') ?? '', status: res.status };
  }

  it('the live and the expired page show the start branding, and their CSP admits the logo origin', async () => {
    assert.deepEqual(emulator.branding(), { logoUrl: LOGO, accentColor: '#0a7c4b', faviconUrl: FAVICON });
    for (const { html, csp, status } of [await page(), await expiredPage()]) {
      assert.ok(status === 200 || status === 410);
      assert.match(html, new RegExp(`<img class="logo-img" id="brand-logo"[^>]* src="${LOGO.replace(/[./]/g, '\\$&')}"`));
      assert.match(html, /<link rel="icon" id="brand-favicon"[^>]* href="data:image\/png;base64,iVBORw0KGgo="/);
      assert.match(html, /:root \{ --accent: #0a7c4b; --accent-text: #ffffff; \}/);
      assert.match(csp, /img-src 'self' data: https:\/\/cdn\.example\.com(;|$)/);
    }
  });

  it('PUT /_emulator/branding replaces it; the next page shows the new values; DELETE restores the default', async () => {
    const res = await putBranding(JSON.stringify({ accentColor: '#ffd43b' }));
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).branding, { logoUrl: null, accentColor: '#ffd43b', faviconUrl: null });
    const { html, csp } = await page();
    assert.doesNotMatch(html, /brand-logo|brand-favicon/);
    assert.match(html, /--accent: #ffd43b; --accent-text: #000000;/, 'dark text on a light accent');
    assert.match(csp, /img-src 'self' data:;/);

    const got = await (await fetch(`${emulator.url}/_emulator/branding`, { headers: auth() })).json();
    assert.deepEqual(got.branding, emulator.branding());
    assert.equal((await fetch(`${emulator.url}/_emulator/branding`, { method: 'DELETE', headers: auth() })).status, 200);
    assert.deepEqual(emulator.branding(), { logoUrl: null, accentColor: null, faviconUrl: null });
    assert.doesNotMatch((await page()).html, /\n:root \{ --accent: #/);
  });

  it('setBranding() on the returned object, and reset() returns to the start branding', async () => {
    emulator.setBranding({ logoUrl: 'http://localhost:5173/logo.png' });
    const { html, csp } = await page();
    assert.match(html, /src="http:\/\/localhost:5173\/logo\.png"/);
    assert.match(csp, /img-src 'self' data: http:\/\/localhost:5173;/);
    emulator.reset();
    assert.deepEqual(emulator.branding(), { logoUrl: LOGO, accentColor: '#0a7c4b', faviconUrl: FAVICON });
  });

  it('hostile or malformed values answer 400 and change nothing', async () => {
    emulator.reset();
    const before = emulator.branding();
    const hostile: unknown[] = [
      { logoUrl: 'javascript:alert(1)' },
      { logoUrl: 'data:text/html;base64,PHNjcmlwdD4=' },
      { logoUrl: 'data:image/svg+xml,<svg onload=alert(1)>' },
      { logoUrl: 'https://user:pass@cdn.example.com/logo.png' },
      { logoUrl: '"><script>alert(1)</script>' },
      { logoUrl: 'https://[::1]/logo.png' },
      { logoUrl: `https://cdn.example.com/${'a'.repeat(3000)}` },
      { faviconUrl: `data:image/png;base64,${'A'.repeat(13_000)}` },
      { faviconUrl: 'ftp://example.com/favicon.ico' },
      { accentColor: 'red' },
      { accentColor: '#fff' },
      { accentColor: '#0a7c4b; } body { display: none' },
      { accentColor: 'expression(alert(1))' },
      { accentColor: 123456 },
      { logoUrl: ['https://cdn.example.com/a.png'] },
      { logo: 'https://cdn.example.com/a.png' },
    ];
    for (const body of hostile) {
      const res = await putBranding(JSON.stringify(body));
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal((await res.json()).error.code, 'invalid_request');
      assert.throws(() => emulator.setBranding(body as never), (e) => e instanceof TypeError || e instanceof RangeError);
    }
    for (const [body, type, status] of [
      ['not json', 'application/json', 400],
      ['[]', 'application/json', 400],
      ['null', 'application/json', 400],
      ['{"accentColor":"#000000"}', 'text/plain', 415],
      [JSON.stringify({ logoUrl: `data:image/png;base64,${'A'.repeat(20_000)}` }), 'application/json', 413],
    ] as const) {
      assert.equal((await putBranding(body, type)).status, status, `${type} ${body.slice(0, 30)}`);
    }
    assert.deepEqual(emulator.branding(), before);
    assert.match((await page()).html, /--accent: #0a7c4b;/);
  });

  it('startEmulator refuses a hostile start branding', async () => {
    await assert.rejects(startEmulator({ branding: { accentColor: 'url(x)' } }), TypeError);
    await assert.rejects(startEmulator({ branding: { logoUrl: 'javascript:1' } }), TypeError);
  });
});

it('in Chromium the logo from another origin loads under the page CSP, on the live and the expired page, and the accent colours the controls', async () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="28"><rect width="120" height="28" fill="#0a7c4b"/></svg>';
  const images = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(svg));
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  const logoUrl = `http://localhost:${(images.address() as AddressInfo).port}/logo.svg`;
  const emulator = await startEmulator({ branding: { logoUrl, accentColor: '#c2255c', faviconUrl: FAVICON } });
  const browser = await launchBrowser();
  try {
    const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    const link = await scalekit.organization.generatePortalLink('org_acme');
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    for (const expected of [200, 410]) {
      const response = await page.goto(link.location); // the second load finds the link used: the expired page
      assert.equal(response!.status(), expected);
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('#brand-logo');
        return img !== null && img.complete;
      });
      assert.ok(await page.$eval('#brand-logo', (img) => (img as HTMLImageElement).naturalWidth > 0), 'the logo loaded');
      assert.equal(await page.$eval('link[rel=icon]', (el) => el.getAttribute('href')), FAVICON);
    }
    await page.goto((await scalekit.organization.generatePortalLink('org_acme')).location);
    assert.equal(await page.$eval('#sso-enable', (el) => getComputedStyle(el).backgroundColor), 'rgb(194, 37, 92)');
    assert.deepEqual(violations, []);
  } finally {
    await browser.close();
    await emulator.close();
    await new Promise((resolve) => images.close(resolve));
  }
});
