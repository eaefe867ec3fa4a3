// scalekitSso() end to end against the real emulator, in real Chromium: /start → Scalekit's /oauth/authorize →
// the emulator's simulated IdP page → a person picked → the app's callback → onSignIn with that person. Through
// the Node SDK and through scalekitRest(); a deactivated person refused with a message; a reused callback refused;
// a sign-in started from the IdP (idp_initiated_login) completed.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import { Scalekit } from '@scalekit-sdk/node';
import { Hono } from 'hono';
import type { Browser, Page } from 'puppeteer-core';
import { startEmulator, type Emulator } from '../../../emulator/src/index.js';
import { setSso } from '../../../emulator/test/support/sso.js';
import { scalekitRest, scalekitSso, type SsoSignIn } from '../../../server/index.js';
import { launchBrowser } from '../../support/browser.js';

let emulator: Emulator;
let browser: Browser;
let acme: string;
let bob: string;

before(async () => {
  emulator = await startEmulator({ port: 0 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await emulator?.close();
});
beforeEach(async () => {
  emulator.reset();
  acme = emulator.organizations()[0]!.id;
  await setSso(emulator, acme, true, 'okta');
  emulator.domains.add(acme, 'acme.test', { verified: true });
  emulator.directory.enable(acme);
  emulator.directory.addUser(acme, { email: 'ada@acme.test', givenName: 'Ada', familyName: 'Lovelace' });
  bob = emulator.directory.addUser(acme, { email: 'bob@acme.test', givenName: 'Bob', familyName: 'Byte' }).id;
  emulator.directory.deactivateUser(acme, bob);
});

interface HostApp {
  origin: string;
  signIns: SsoSignIn[];
  logLines: string[];
  close(): Promise<void>;
}

/** The host app on loopback: its redirectUri needs its own port, so the app is made once the server listens. */
async function startHost(client: 'sdk' | 'rest'): Promise<HostApp> {
  let app: Hono | null = null;
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: (request) => app!.fetch(request), hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const scalekit =
    client === 'sdk'
      ? new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret)
      : scalekitRest({ environmentUrl: emulator.url, clientId: emulator.clientId, clientSecret: emulator.clientSecret });
  const signIns: SsoSignIn[] = [];
  const logLines: string[] = [];
  app = new Hono().route(
    '/auth/sso',
    scalekitSso({
      scalekit,
      redirectUri: `${origin}/auth/sso/callback`,
      onSignIn: (c, signIn) => {
        signIns.push(signIn);
        return c.html(`<h1 id="welcome">Welcome ${signIn.user.email}</h1>`);
      },
      log: (line) => logLines.push(line),
    }),
  );
  return {
    origin,
    signIns,
    logLines,
    close: () => new Promise<void>((resolve) => {
      (server as import("node:http").Server).closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Presses the IdP page's button for `email`; resolves once the browser has landed wherever that leads. */
async function pickPerson(page: Page, email: string) {
  const buttons = await page.$$('button');
  for (const button of buttons) {
    const text = await button.evaluate((element) => element.textContent ?? '');
    if (text.includes(email)) {
      const landed = page.waitForNavigation();
      await button.click();
      return landed;
    }
  }
  assert.fail(`no button for ${email} on ${page.url()}`);
}

for (const client of ['sdk', 'rest'] as const) {
  describe(`SSO sign-in through the emulator's IdP page (${client === 'sdk' ? 'the Node SDK' : 'scalekitRest()'})`, () => {
    let host: HostApp;
    let page: Page;
    beforeEach(async () => {
      host = await startHost(client);
      const context = await browser.createBrowserContext();
      page = await context.newPage();
    });
    afterEach(async () => {
      await page.browserContext().close();
      await host.close();
    });

    it('start by email → IdP page → pick Ada → onSignIn gets Ada of acme', async () => {
      await page.goto(`${host.origin}/auth/sso/start?email=ada@acme.test`);
      assert.ok(page.url().startsWith(emulator.url), `on the IdP page: ${page.url()}`);
      const response = await pickPerson(page, 'ada@acme.test');
      assert.equal(response?.status(), 200, await response?.text());
      assert.equal(await page.$eval('#welcome', (element) => element.textContent), 'Welcome ada@acme.test');
      assert.equal(host.signIns.length, 1);
      const { user, organizationId } = host.signIns[0]!;
      assert.equal(user.email, 'ada@acme.test');
      assert.equal(user.givenName, 'Ada');
      assert.equal(organizationId, acme);
      // The flow cookie is gone; going back to the same callback URL is refused.
      const callbackUrl = page.url();
      const again = await page.goto(callbackUrl);
      assert.equal(again?.status(), 400);
      assert.match(await again!.text(), /sso_state_invalid/);
      assert.ok(!host.logLines.join('\n').includes('ada@acme.test'));
    });

    it('a deactivated person is refused: 401 sso_failed with a message a person can act on', async () => {
      await page.goto(`${host.origin}/auth/sso/start?organization_id=${acme}`);
      const response = await pickPerson(page, 'bob@acme.test');
      assert.equal(response?.status(), 401);
      const body = JSON.parse(await response!.text()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'sso_failed');
      assert.match(body.error.message, /IT administrator/);
      assert.equal(host.signIns.length, 0);
    });

    it('IdP-initiated: the IdP page opens the app, which restarts the sign-in; onSignIn gets the person and the relay state', async () => {
      const callbackUrl = `${host.origin}/auth/sso/callback`;
      await page.goto(`${emulator.url}/sso/idp?organization_id=${acme}&redirect_uri=${encodeURIComponent(callbackUrl)}&relay_state=%2Freports%3Ftab%3Dsso`);
      // The app verifies the idp_initiated_login token and sends the browser back through /oauth/authorize.
      await pickPerson(page, 'ada@acme.test');
      assert.ok(page.url().startsWith(emulator.url), `back at the IdP for an app-initiated sign-in: ${page.url()}`);
      const response = await pickPerson(page, 'ada@acme.test');
      assert.equal(response?.status(), 200, await response?.text());
      assert.equal(host.signIns.length, 1);
      assert.equal(host.signIns[0]!.user.email, 'ada@acme.test');
      assert.equal(host.signIns[0]!.organizationId, acme);
      assert.equal(host.signIns[0]!.relayState, '/reports?tab=sso');
    });
  });
}
