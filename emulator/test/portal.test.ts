// The portal page in real headless Chromium, framed by a host page on another origin, plus its HTTP
// surface (single use, TTL, CSP frame-ancestors) and the page's own API with hostile input.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Frame, Page } from 'puppeteer-core';
import { Scalekit } from '@scalekit-sdk/node';
import { Feature } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/organizations/organizations_pb.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.js';
import { launchBrowser } from '../../test/support/browser.js';
import { startHostPage, type HostPage } from './support/host-page.js';
import { sdkOrganizationClient } from './support/sdk.js';

interface PortalMessage {
  origin: string;
  data: { event_type: string; object: string; organization_id?: string; message: string; data: Record<string, unknown> };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function mint(emulator: Emulator, orgId = 'org_acme', features?: Feature[]) {
  const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  if (!features) return scalekit.organization.generatePortalLink(orgId);
  const { client, exec } = sdkOrganizationClient(scalekit);
  return (await exec(client.generatePortalLink, { id: orgId, features })).link!;
}

async function messages(page: Page): Promise<PortalMessage[]> {
  return page.evaluate(() => (window as unknown as { portalMessages: PortalMessage[] }).portalMessages);
}

/** Waits until the host page has received `count` messages, then returns them all. */
async function waitForMessages(page: Page, count: number): Promise<PortalMessage[]> {
  // On the message events themselves: a page in a background browser context gets no animation frames to poll on.
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  await page.evaluate((n: number) => new Promise<void>((resolve) => {
    const recorded = (window as unknown as { portalMessages: unknown[] }).portalMessages;
    if (recorded.length >= n) return resolve();
    // The page's own listener, added first, has recorded the message by the time this one runs.
    addEventListener('message', () => { if (recorded.length >= n) resolve(); });
  }), count);
  return messages(page);
}

/** Waits until the host page has received a message of this type, then returns every message so far. */
async function waitForEventType(page: Page, eventType: string): Promise<PortalMessage[]> {
  await page.evaluate((type: string) => new Promise<void>((resolve) => {
    const recorded = (window as unknown as { portalMessages: PortalMessage[] }).portalMessages;
    if (recorded.some((m) => m.data.event_type === type)) return resolve();
    addEventListener('message', () => { if (recorded.some((m) => m.data.event_type === type)) resolve(); });
  }), eventType);
  return messages(page);
}

async function portalFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('#portal');
  const frame = await handle!.contentFrame();
  assert.ok(frame, 'the iframe has a frame');
  return frame;
}

// The session test waits out a real 10 s session doing nothing else, so it runs beside the others (each test has its
// own emulator and browser context); the rest run one after another, as pages that click and focus. The inner suite
// says so itself: node:test's suites pass `concurrency` on to the suites inside them, and thirteen pages at once
// took longer (18 s against 13 s) and more CPU than one after another.
describe('emulator portal page in Chromium', { concurrency: true }, () => {
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

  async function withEmulator(options: EmulatorOptions, fn: (emulator: Emulator, page: Page) => Promise<void>) {
    const emulator = await startEmulator(options);
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    try {
      await fn(emulator, page);
    } finally {
      await context.close();
      await emulator.close();
    }
  }

  it('posts PORTAL_SESSION_WARNING, then PORTAL_SESSION_EXPIRY, then disables every control', async () => {
    // The session runs from the page's render on the server; its script starts later, by however long a busy
    // machine takes to deliver and run the page, and the warning comes 3 s after that. A start more than 7 s late
    // would find the session already closed by the server, and the page rightly skips its warning: the 7 s of
    // slack is what keeps this test stable on a loaded machine.
    await withEmulator({ sessionSeconds: 10, warningSeconds: 7 }, async (emulator, page) => {
      const link = await mint(emulator);
      await page.goto(host.pageUrl(link.location));
      // Waiting for the expiry, not for a count: a skipped warning fails the assertion below instead of hanging.
      const all = await waitForEventType(page, 'PORTAL_SESSION_EXPIRY');
      assert.deepEqual(all.map((m) => m.data.event_type), ['PORTAL_LOAD_SUCCESS', 'PORTAL_SESSION_WARNING', 'PORTAL_SESSION_EXPIRY']);
      const expiry = all[0]!.data.data.expiry;
      for (const m of all) assert.deepEqual([m.data.object, m.data.organization_id, m.data.data], ['session', 'org_acme', { expiry }]);
      assert.match(all[1]!.data.message, /will expire in 7 seconds/);
      const frame = await portalFrame(page);
      await frame.waitForSelector('body[data-session="expired"]');
      const enabled = await frame.$$eval('main button, main select, main input', (els) =>
        els.filter((el) => !(el as HTMLButtonElement).disabled).map((el) => el.id));
      assert.deepEqual(enabled, []);
      assert.equal(await frame.$eval('#session-banner', (b) => b.getAttribute('data-state')), 'expired');
      // and the server agrees: the session's API is closed
      const token = await frame.$eval('#portal-config', (s) => JSON.parse(s.textContent!).sessionToken as string);
      const res = await fetch(`${emulator.url}/portal/api/sso`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-portal-session': token },
        body: JSON.stringify({ provider: 'okta', enabled: true }),
      });
      assert.equal(res.status, 401);
    });
  });

  describe('one page at a time', { concurrency: 1 }, () => {
    it('a framed link posts PORTAL_LOAD_SUCCESS to the host, from the link origin, and counts as loaded', async () => {
      await withEmulator({}, async (emulator, page) => {
        const link = await mint(emulator);
        await page.goto(host.pageUrl(link.location));
        const [loaded] = await waitForMessages(page, 1);
        assert.equal(loaded!.origin, new URL(link.location).origin);
        assert.deepEqual(Object.keys(loaded!.data), ['event_type', 'object', 'organization_id', 'message', 'data']);
        assert.equal(loaded!.data.event_type, 'PORTAL_LOAD_SUCCESS');
        assert.equal(loaded!.data.object, 'session');
        assert.equal(loaded!.data.organization_id, 'org_acme');
        assert.equal(loaded!.data.message, 'The admin portal loaded successfully');
        const expiry = loaded!.data.data.expiry as string;
        assert.match(expiry, ISO);
        const hoursLeft = (Date.parse(expiry) - Date.now()) / 3_600_000;
        assert.ok(hoursLeft > 5 && hoursLeft <= 6, 'the default session lasts six hours');
        const stats = emulator.stats();
        assert.equal(stats.linksLoaded, 1);
        assert.ok(stats.links.at(-1)!.loadedAt);
        const frame = await portalFrame(page);
        assert.equal(await frame.$eval('body', (b) => b.dataset.framed), 'true');
        assert.equal(await frame.$eval('#organization-name', (el) => el.textContent), 'Acme Corporation');
      });
    });

    it('clicking the SSO and directory controls posts the documented events and changes the organization', async () => {
      await withEmulator({}, async (emulator, page) => {
        const link = await mint(emulator, 'org_globex');
        await page.goto(host.pageUrl(link.location));
        await waitForMessages(page, 1);
        const frame = await portalFrame(page);

        await frame.select('#sso-provider', 'entra');
        await frame.click('#sso-enable');
        const ssoOn = (await waitForMessages(page, 2))[1]!.data;
        assert.deepEqual({ ...ssoOn, message: typeof ssoOn.message, data: { ...ssoOn.data, id: typeof ssoOn.data.id } }, {
          event_type: 'ORGANIZATION_SSO_ENABLED',
          object: 'connection',
          organization_id: 'org_globex',
          message: 'string',
          data: { connection_type: 'SSO', id: 'string', type: 'SAML', provider: 'MICROSOFT_AD', enabled: true },
        });
        assert.match(ssoOn.data.id as string, /^conn_\d+$/);
        assert.equal(ssoOn.message, 'Single sign-on connection enabled successfully');
        await frame.waitForSelector('#sso-section[data-enabled="true"]');
        assert.equal(await frame.$eval('#sso-provider', (s) => (s as HTMLSelectElement).disabled), true, 'provider is locked while on');

        await frame.click('#sso-disable');
        const ssoOff = (await waitForMessages(page, 3))[2]!.data;
        assert.equal(ssoOff.event_type, 'ORGANIZATION_SSO_DISABLED');
        assert.equal(ssoOff.message, 'Single sign-on connection disabled successfully');
        assert.deepEqual(ssoOff.data, { ...ssoOn.data, enabled: false }, 'the same connection, now disabled');

        await frame.waitForSelector('#sso-enable:not([hidden]):not([disabled])');
        await frame.select('#sso-provider', 'oidc');
        await frame.click('#sso-enable');
        const oidc = (await waitForMessages(page, 4))[3]!.data;
        assert.deepEqual([oidc.event_type, oidc.data.type, oidc.data.provider], ['ORGANIZATION_SSO_ENABLED', 'OIDC', 'CUSTOM']);

        await frame.select('#dir-provider', 'GOOGLE');
        await frame.click('#dir-enable');
        const dirOn = (await waitForMessages(page, 5))[4]!.data;
        assert.equal(dirOn.event_type, 'ORGANIZATION_DIRECTORY_ENABLED');
        assert.equal(dirOn.message, 'SCIM Provisioning enabled successfully');
        assert.equal(dirOn.object, 'directory');
        assert.equal(dirOn.organization_id, 'org_globex');
        assert.deepEqual(Object.keys(dirOn.data), ['directory_type', 'id', 'provider', 'enabled']);
        assert.deepEqual([dirOn.data.directory_type, dirOn.data.provider, dirOn.data.enabled], ['SCIM', 'GOOGLE', true]);
        assert.match(dirOn.data.id as string, /^dir_\d+$/);
        assert.ok((await frame.$eval('#dir-endpoint', (i) => (i as HTMLInputElement).value)).includes(dirOn.data.id as string));

        await frame.click('#dir-disable');
        const dirOff = (await waitForMessages(page, 6))[5]!.data;
        assert.deepEqual([dirOff.event_type, dirOff.data.id, dirOff.data.enabled], ['ORGANIZATION_DIRECTORY_DISABLED', dirOn.data.id, false]);
        assert.equal(dirOff.message, 'SCIM Provisioning disabled successfully');

        const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
        const org = (await scalekit.organization.getOrganization('org_globex')).organization!;
        assert.deepEqual(
          Object.fromEntries(org.settings!.features.map((f) => [f.name, f.enabled])),
          { sso: true, dir_sync: false },
        );
        assert.ok((await messages(page)).every((m) => m.origin === new URL(emulator.url).origin));
      });
    });

    it('copies the SCIM endpoint and bearer token with the clipboard', async () => {
      await withEmulator({}, async (emulator, page) => {
        const link = await mint(emulator, 'org_acme', [Feature.dir_sync]);
        const permissions = ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write'] as const;
        await page.browserContext().overridePermissions(new URL(emulator.url).origin, [...permissions]);
        await page.browserContext().overridePermissions(new URL(host.pageUrl('')).origin, [...permissions]);
        await page.goto(host.pageUrl(link.location));
        await waitForMessages(page, 1);
        const frame = await portalFrame(page);
        for (const [input, button] of [['#dir-endpoint', '#dir-endpoint-copy'], ['#dir-token', '#dir-token-copy']] as const) {
          await frame.click(button);
          await frame.waitForSelector(`${button}[data-copied="true"]`);
          const copied = await page.evaluate(() => navigator.clipboard.readText()); // the frame may only write
          assert.equal(copied, await frame.$eval(input, (i) => (i as HTMLInputElement).value));
        }
        assert.match(await frame.$eval('#dir-token', (i) => (i as HTMLInputElement).value), /^scim_/);
        assert.equal(await frame.$eval('#dir-token', (i) => (i as HTMLInputElement).type), 'password', 'the token is masked');
        await frame.click('#dir-token-reveal');
        assert.equal(await frame.$eval('#dir-token', (i) => (i as HTMLInputElement).type), 'text');
      });
    });

    it('shows only the sections of the features the link was minted with', async () => {
      await withEmulator({}, async (emulator, page) => {
        for (const [features, sso, dir] of [[[Feature.sso], true, false], [[Feature.dir_sync], false, true], [[], true, true]] as const) {
          const link = await mint(emulator, 'org_acme', [...features]);
          await page.goto(link.location);
          assert.equal(Boolean(await page.$('#sso-section')), sso, `sso for ${features}`);
          assert.equal(Boolean(await page.$('#directory-section')), dir, `dir_sync for ${features}`);
        }
      });
    });

    it('a host origin outside allowedOrigins is refused by frame-ancestors and receives nothing', async () => {
      await withEmulator({ allowedOrigins: ['http://localhost:*'] }, async (emulator, page) => {
        const link = await mint(emulator);
        await page.goto(host.pageUrl(link.location, '127.0.0.1'));
        await page.waitForFunction(() => (window as unknown as { frameLoads: number }).frameLoads >= 1);
        const frame = await portalFrame(page);
        assert.equal(frame.url().startsWith('chrome-error://'), true, 'Chromium refused to render the portal');
        // a message posted before the refusal would have been queued ahead of this round trip
        await page.evaluate(() => new Promise((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = resolve;
          channel.port2.postMessage('flush');
        }));
        assert.deepEqual(await messages(page), []);
        assert.equal(emulator.stats().linksLoaded, 1, 'the link was used up by the refused load');
      });
    });

    it('a refused host origin is named in the log with the flag and variable that would allow it', async () => {
      const lines: string[] = [];
      await withEmulator({ allowedOrigins: ['http://localhost:*'], log: (line) => lines.push(line) }, async (emulator, page) => {
        const link = await mint(emulator);
        await page.goto(host.pageUrl(link.location, '127.0.0.1'));
        await page.waitForFunction(() => (window as unknown as { frameLoads: number }).frameLoads >= 1);
        const origin = `http://127.0.0.1:${host.port}`;
        assert.equal(lines.length, 1, lines.join('\n'));
        assert.ok(lines[0]!.startsWith(`[emulator] ${origin} tried to frame the portal and was refused`), lines[0]);
        assert.ok(lines[0]!.includes(`--allowed-origin ${origin} `), lines[0]);
        assert.ok(lines[0]!.includes(`EMULATOR_ALLOWED_ORIGINS='http://localhost:*,${origin}'`), lines[0]);
        assert.ok(!lines[0]!.includes(link.id), 'no link id in the log');
        // The same host on an allowed origin frames it without a line.
        const allowed = await mint(emulator);
        await page.goto(host.pageUrl(allowed.location, 'localhost'));
        await waitForMessages(page, 1);
        assert.equal(lines.length, 1);
      });
    });

    it('a second load shows the expired page and posts PORTAL_LOAD_FAILURE', async () => {
      await withEmulator({}, async (emulator, page) => {
        const used = await mint(emulator);
        await page.goto(host.pageUrl(used.location));
        await waitForMessages(page, 1);
        await page.goto(host.pageUrl(used.location));
        const [failure] = await waitForMessages(page, 1);
        // As Scalekit's UI events reference documents it: no organization_id, even for a link the emulator knew.
        assert.deepEqual(failure!.data, {
          event_type: 'PORTAL_LOAD_FAILURE',
          object: 'session',
          message: 'The admin portal failed to load',
          data: { error_code: 'SESSION_EXPIRED' },
        });
        const frame = await portalFrame(page);
        assert.ok(await frame.$('#expired-panel'));
        assert.equal(await frame.$('#sso-section'), null);

        await page.goto(host.pageUrl(`${emulator.url}/magicLink/00000000-0000-4000-8000-000000000000`));
        const [unknown] = await waitForMessages(page, 1);
        assert.equal(unknown!.data.event_type, 'PORTAL_LOAD_FAILURE');
        assert.equal('organization_id' in unknown!.data, false, 'an unknown link names no organization');
        assert.equal(emulator.stats().linksLoaded, 1);
      });
    });

    it('a load after the link TTL shows the expired page and posts PORTAL_LOAD_FAILURE', async () => {
      await withEmulator({ linkTtlSeconds: 0.3 }, async (emulator, page) => {
        const stale = await mint(emulator);
        const deadline = Number(stale.expireTime!.seconds) * 1000 + stale.expireTime!.nanos / 1e6;
        while (Date.now() <= deadline) await new Promise((r) => setTimeout(r, deadline - Date.now() + 1)); // wait out the known TTL
        await page.goto(host.pageUrl(stale.location));
        const [late] = await waitForMessages(page, 1);
        assert.equal(late!.data.event_type, 'PORTAL_LOAD_FAILURE');
        assert.deepEqual(late!.data.data, { error_code: 'SESSION_EXPIRED' });
        assert.equal(emulator.stats().linksLoaded, 0);
      });
    });

    it('works opened directly in a tab (not framed), posting nothing', async () => {
      await withEmulator({}, async (emulator, page) => {
        const link = await mint(emulator);
        await page.goto(link.location);
        assert.equal(await page.$eval('body', (b) => b.dataset.framed), 'false');
        await page.click('#sso-enable');
        await page.waitForSelector('#sso-section[data-enabled="true"]');
        assert.equal(await page.$eval('#portal-live', (el) => el.textContent !== null), true);
        const controls = await page.$$eval('button, select, input', (els) =>
          els.filter((el) => {
            const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.textContent?.trim();
            return !labelled;
          }).map((el) => el.id));
        assert.deepEqual(controls, [], 'every control has an accessible name');
      });
    });

    it('fits a phone-width frame without horizontal scrolling, directory section open', async () => {
      await withEmulator({}, async (emulator, page) => {
        await page.setViewport({ width: 320, height: 900 });
        await page.goto((await mint(emulator)).location);
        await page.click('#dir-enable');
        await page.waitForSelector('#directory-section[data-enabled="true"]');
        const overflowing = await page.evaluate(() =>
          [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map((el) => el.id || el.tagName.toLowerCase()));
        assert.deepEqual(overflowing, [], 'no element reaches past the frame\'s right edge');
        assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 320);
      });
    });

    it('has no axe-core accessibility violations, live or expired, in light and dark', async () => {
      const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
      await withEmulator({}, async (emulator, page) => {
        await page.setBypassCSP(true); // to inject axe-core; the page's own policy is tested above
        const audit = async (label: string) => {
          await page.addScriptTag({ content: axeSource });
          const violations = await page.evaluate(async () => {
            const result = await (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }).axe.run();
            return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
          });
          assert.deepEqual(violations, [], label);
        };
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
          const link = await mint(emulator, scheme === 'light' ? 'org_acme' : 'org_globex');
          await page.goto(link.location);
          await audit(`${scheme}, fresh`);
          // one at a time: the SSO answer moves focus and layout, so a second click sent meanwhile can miss its button
          await page.click('#sso-enable');
          await page.waitForSelector('#sso-section[data-enabled="true"]');
          await page.click('#dir-enable');
          await page.waitForSelector('#directory-section[data-enabled="true"]');
          await audit(`${scheme}, both enabled`);
          await page.goto(link.location);
          await audit(`${scheme}, expired`);
        }
      });
    });

    it('renders hostile organization names as text', async () => {
      await withEmulator({}, async (emulator, page) => {
        const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
        const name = `<img src=x onerror="window.pwned=1"></script><script>window.pwned=2</script>\u2028 & "quotes"`;
        const org = (await scalekit.organization.createOrganization(name)).organization!;
        const link = await scalekit.organization.generatePortalLink(org.id);
        await page.goto(link.location);
        assert.equal(await page.$eval('#organization-name', (el) => el.textContent), name);
        assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
        assert.equal(await page.$('img'), null);
      });
    });
  });
});

describe('emulator portal page over HTTP', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());

  it('sends frame-ancestors for exactly the allowed origins, and a nonce-only script policy', async () => {
    const res = await fetch((await mint(emulator)).location);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy')!;
    assert.match(csp, /(^|; )frame-ancestors http:\/\/localhost:\* http:\/\/127\.0\.0\.1:\*($|;)/);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]+'/);
    assert.equal(res.headers.get('cache-control'), 'no-store');

    const custom = await startEmulator({ allowedOrigins: ['https://app.example.com', 'https://*.example.org'] });
    try {
      const page = await fetch((await mint(custom)).location);
      assert.match(page.headers.get('content-security-policy')!, /frame-ancestors https:\/\/app\.example\.com https:\/\/\*\.example\.org($|;)/);
    } finally {
      await custom.close();
    }
  });

  it('is single use; HEAD does not use the link up; ids that are not links get the expired page', async () => {
    const link = await mint(emulator);
    assert.equal((await fetch(link.location, { method: 'HEAD' })).status, 200);
    assert.equal((await fetch(link.location)).status, 200);
    const again = await fetch(link.location);
    assert.equal(again.status, 410);
    assert.equal((await again.text()).includes('This link has expired'), true);
    for (const id of ['not-a-uuid', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(5000), '%3Cscript%3E']) {
      const res = await fetch(`${emulator.url}/magicLink/${id}`);
      assert.equal(res.status, 410, id.slice(0, 40));
      assert.equal((await res.text()).includes('<script>alert'), false);
    }
  });

  it('the page API refuses missing sessions, wrong features and malformed bodies', async () => {
    const ssoOnly = await mint(emulator, 'org_initech', [Feature.sso]);
    const html = await (await fetch(ssoOnly.location)).text();
    const token = JSON.parse(/<script type="application\/json"[^>]*>(.*?)<\/script>/s.exec(html)![1]!).sessionToken as string;
    const call = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${emulator.url}/portal/api${path}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-portal-session': token, ...headers },
      });
    const cases: Array<[string, string, Record<string, string>, number]> = [
      ['/sso', '{"provider":"okta","enabled":true}', { 'x-portal-session': '' }, 401],
      ['/sso', '{"provider":"okta","enabled":true}', { 'x-portal-session': 'forged' }, 401],
      ['/sso', '{"provider":"okta","enabled":true}', { 'x-portal-session': 'x'.repeat(5000) }, 401],
      ['/directory', '{"provider":"OKTA","enabled":true}', {}, 403],
      ['/sso', '{"provider":"okta","enabled":true}', { 'content-type': 'text/plain' }, 415],
      ['/sso', 'not json', {}, 400],
      ['/sso', '["okta"]', {}, 400],
      ['/sso', '{"provider":"okta","enabled":"yes"}', {}, 400],
      ['/sso', '{"provider":"__proto__","enabled":true}', {}, 400],
      ['/sso', '{"provider":"toString","enabled":true}', {}, 400],
      ['/sso', `{"provider":"okta","enabled":true,"pad":"${'x'.repeat(5000)}"}`, {}, 413],
      ['/nope', '{}', {}, 404],
    ];
    for (const [path, body, headers, status] of cases) {
      const res = await call(path, body, headers);
      assert.equal(res.status, status, `${path} ${body.slice(0, 40)} ${JSON.stringify(headers).slice(0, 60)}`);
      const text = await res.text();
      assert.equal(text.includes(token), false, 'the session token is never echoed');
    }
    const ok = await call('/sso', '{"provider":"google","enabled":true}');
    assert.equal(ok.status, 200);
    const json = await ok.json();
    assert.equal(json.changed, true);
    assert.deepEqual([json.connection.provider, json.connection.type, json.connection.enabled], ['GOOGLE', 'SAML', true]);
    assert.equal((await (await call('/sso', '{"provider":"google","enabled":true}')).json()).changed, false);
  });
});
