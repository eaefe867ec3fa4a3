// `tls: true`: an https:// environment URL with HTTP/2 and HTTP/1.1 chosen by ALPN on one port, a certificate
// signed by a CA made at start. The unmodified SDK (trusting the CA through NODE_EXTRA_CA_CERTS, in a child
// process) mints a link with features and creates an organization; Chromium loads the portal over https.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import puppeteer from 'puppeteer-core';
import { startEmulator, type Emulator } from '../src/index.js';
import { chromeLaunchOptions } from '../../test/support/chromium.mjs';
import { startHostPage } from './support/host-page.js';
import { bundledEntry } from '../../test/support/bundled-entry.js';


describe('emulator over TLS', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ tls: true });
  });
  after(() => emulator.close());

  it('hands out an https:// URL and the CA that signed its certificate, as PEM and as a file', () => {
    assert.match(emulator.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(emulator.tls);
    assert.match(emulator.tls.caPem, /^-----BEGIN CERTIFICATE-----/);
    assert.equal(readFileSync(emulator.tls.caPath, 'utf8'), emulator.tls.caPem);
    assert.match(emulator.tls.spkiSha256, /^[A-Za-z0-9+/]{43}=$/);
  });

  it('is real TLS: refused without the CA, HTTP/2 and HTTP/1.1 by ALPN with it', async () => {
    await assert.rejects(fetch(`${emulator.url}/_emulator/stats`));
    const ca = emulator.tls!.caPem;

    const h1 = await new Promise<{ status: number; alpn: string | false | null }>((resolve, reject) => {
      https
        .get(`${emulator.url}/_emulator/stats`, { ca, ALPNProtocols: ['http/1.1'], headers: { authorization: `Bearer ${emulator.controlToken}` } } as https.RequestOptions, (res) => {
          res.resume();
          resolve({ status: res.statusCode!, alpn: (res.socket as TLSSocket).alpnProtocol });
        })
        .on('error', reject);
    });
    assert.deepEqual(h1, { status: 200, alpn: 'http/1.1' });

    const session = http2.connect(emulator.url.replace('127.0.0.1', 'localhost'), { ca });
    try {
      const req = session.request({ ':path': '/_emulator/stats', authorization: `Bearer ${emulator.controlToken}` });
      const response = new Promise<http2.IncomingHttpHeaders>((resolve) => req.once('response', resolve));
      req.end();
      const headers = await response;
      req.resume();
      assert.equal(headers[':status'], 200);
      assert.equal(session.alpnProtocol, 'h2');
    } finally {
      session.close();
    }
  });

  it('the unmodified SDK, trusting the CA via NODE_EXTRA_CA_CERTS, creates an organization and mints a link with features', async () => {
    emulator.reset();
    const { stdout } = await promisify(execFile)(process.execPath, [bundledEntry('emulator/test/support/tls-sdk-child.ts')], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: emulator.tls!.caPath,
        EMULATOR_URL: emulator.url,
        EMULATOR_CLIENT_ID: emulator.clientId,
        EMULATOR_CLIENT_SECRET: emulator.clientSecret,
      },
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.equal(result.error, undefined);
    assert.equal(result.readBack, result.organizationId);
    assert.ok(result.location.startsWith(`${emulator.url}/magicLink/`));
    const [link] = emulator.stats().links;
    assert.deepEqual(link!.features, ['sso']);
    assert.equal(link!.organizationId, result.organizationId);
    assert.ok(emulator.stats().rpcs.GeneratePortalLink! >= 1);
  });

  it('Chromium, pinning the certificate key, loads the framed portal over https and the host gets PORTAL_LOAD_SUCCESS', async () => {
    emulator.reset();
    const host = await startHostPage();
    const browser = await puppeteer.launch(chromeLaunchOptions([`--ignore-certificate-errors-spki-list=${emulator.tls!.spkiSha256}`]));
    try {
      // The link comes from REST over https here; the SDK's path is the child process's test above.
      const location = await mintOverRest();
      const page = await browser.newPage();
      await page.goto(host.pageUrl(location));
      await page.waitForFunction(() => (window as unknown as { portalMessages: unknown[] }).portalMessages.length >= 1);
      const [message] = await page.evaluate(() => (window as unknown as { portalMessages: Array<{ origin: string; data: { event_type: string } }> }).portalMessages);
      assert.equal(message!.data.event_type, 'PORTAL_LOAD_SUCCESS');
      assert.equal(message!.origin, new URL(location).origin);
      assert.equal(emulator.stats().linksLoaded, 1);

      // Chromium negotiates HTTP/2 by ALPN, and the page routes (not only gRPC) answer on it.
      const direct = await browser.newPage();
      const cdp = await direct.createCDPSession();
      await cdp.send('Network.enable');
      const protocols: string[] = [];
      cdp.on('Network.responseReceived', (event) => protocols.push(event.response.protocol ?? ''));
      const expired = await direct.goto(location); // used once already: the expired page
      assert.equal(expired!.status(), 410);
      assert.equal(protocols[0], 'h2');
    } finally {
      await browser.close();
      await host.close();
    }
  });

  async function requestWithCa(method: string, path: string, headers: Record<string, string>, body?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = https.request(`${emulator.url}${path}`, { method, headers, ca: emulator.tls!.caPem }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async function mintOverRest(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: emulator.clientId, client_secret: emulator.clientSecret });
    const token = JSON.parse(await requestWithCa('POST', '/oauth/token', { 'content-type': 'application/x-www-form-urlencoded' }, form.toString())).access_token;
    const minted = JSON.parse(await requestWithCa('PUT', '/api/v1/organizations/org_acme/portal_links?features=sso', { authorization: `Bearer ${token}` }));
    return minted.link.location;
  }
});

it('close() removes the CA file', async () => {
  const emulator = await startEmulator({ tls: true });
  const { caPath } = emulator.tls!;
  assert.ok(existsSync(caPath));
  await emulator.close();
  assert.equal(existsSync(caPath), false);
});
