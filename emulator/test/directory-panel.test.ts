// The simulated identity provider inside the portal page, in real headless Chromium: a person enables
// directory sync, then adds, edits, deactivates and deletes users and groups; every change reaches the
// host's receiver as a signed webhook that the real SDK verifies, and the SDK's directory API agrees.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'puppeteer-core';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, type Emulator } from '../src/index.js';
import { generateWebhookSecret } from '../src/directory/webhook-signer.js';
import { launchBrowser } from '../../test/support/browser.js';
import { startReceiver } from './support/receiver.js';

const panel = '[data-testid="idp-panel"]';
const revisionOf = (page: Page) => page.$eval(panel, (el) => Number(el.getAttribute('data-revision')));

/** Runs `action` and waits until the panel re-rendered from the server after it (and is idle). */
async function andRerender(page: Page, action: () => Promise<unknown>): Promise<void> {
  const before = await revisionOf(page);
  await action();
  await page.waitForFunction(
    (selector: string, rev: number) => {
      const el = document.querySelector(selector)!;
      return Number(el.getAttribute('data-revision')) > rev && el.getAttribute('data-state') === 'idle';
    },
    {},
    panel,
    before,
  );
}

async function rows(page: Page) {
  return page.$$eval('[data-testid="idp-user-row"]', (trs) => trs.map((tr) => ({
    id: tr.getAttribute('data-user-id'),
    name: tr.querySelector('[data-testid="idp-user-name"]')!.textContent,
    email: tr.querySelector('[data-testid="idp-user-email-cell"]')!.textContent,
    groups: tr.querySelector('[data-testid="idp-user-groups"]')!.textContent,
    status: tr.querySelector('[data-testid="idp-user-status"]')!.textContent,
  })));
}

async function fill(page: Page, testid: string, value: string) {
  const input = (await page.$(`[data-testid="${testid}"]`))!;
  await input.click({ clickCount: 3 });
  await input.evaluate((el) => { (el as HTMLInputElement).value = ''; });
  if (value) await input.type(value);
}

async function click(page: Page, selector: string) {
  await (await page.waitForSelector(selector, { visible: true }))!.click();
}

describe('simulated identity provider in the portal page (Chromium)', () => {
  let browser: Browser;
  let emulator: Emulator;
  let scalekit: Scalekit;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const secret = generateWebhookSecret();

  before(async () => {
    browser = await launchBrowser();
    emulator = await startEmulator({ port: 0 });
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    receiver = await startReceiver(scalekit, secret);
    emulator.webhooks.configure({ url: receiver.url, secret });
  });
  after(async () => {
    await browser.close();
    await emulator.close();
    await receiver.close();
  });

  it('provisions users and groups by clicking, each change a verified webhook the SDK can reconcile', async () => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    try {
      const link = await scalekit.organization.generatePortalLink('org_acme');
      await page.goto(link.location);
      await page.waitForSelector(`${panel}[data-revision="1"]`);
      assert.equal(await page.$eval(panel, (el) => el.getAttribute('data-enabled')), 'false');
      assert.equal(await page.$eval('[data-testid="idp-body"]', (el) => (el as HTMLElement).hidden), true);

      // Turning directory sync on in the portal shows the IdP's controls.
      await andRerender(page, () => click(page, '#dir-enable'));
      await page.waitForSelector(`${panel}[data-enabled="true"]`);

      await fill(page, 'idp-group-name', 'Engineering');
      await andRerender(page, () => click(page, '[data-testid="idp-group-submit"]'));
      await page.waitForSelector('[data-testid="idp-group-row"][data-name="Engineering"]');

      await fill(page, 'idp-user-email', 'ada@acme.test');
      await fill(page, 'idp-user-given-name', 'Ada');
      await fill(page, 'idp-user-family-name', 'Lovelace');
      await click(page, '[data-testid="idp-user-group"]');
      await andRerender(page, () => click(page, '[data-testid="idp-user-submit"]'));
      let [ada] = await rows(page);
      assert.deepEqual({ ...ada, id: undefined }, { id: undefined, name: 'Ada Lovelace', email: 'ada@acme.test', groups: 'Engineering', status: 'Active' });

      // Edit: the form is filled from the row; change the family name.
      await click(page, '[data-testid="idp-user-edit"]');
      assert.equal(await page.$eval('[data-testid="idp-user-email"]', (el) => (el as HTMLInputElement).value), 'ada@acme.test');
      await fill(page, 'idp-user-family-name', 'Byron');
      await andRerender(page, () => click(page, '[data-testid="idp-user-submit"]'));
      [ada] = await rows(page);
      assert.equal(ada!.name, 'Ada Byron');

      await andRerender(page, () => click(page, '[data-testid="idp-user-deactivate"]'));
      [ada] = await rows(page);
      assert.equal(ada!.status, 'Deactivated');

      // What the SDK reads back matches the panel.
      const directory = await scalekit.directory.getPrimaryDirectoryByOrganizationId('org_acme');
      const listed = await scalekit.directory.listDirectoryUsers('org_acme', directory.id, { includeDetail: true });
      assert.deepEqual(listed.users.map((u) => [u.id, u.email, u.familyName, (u.userDetail as any).active, u.groups.map((g) => g.displayName)]),
        [[ada!.id, 'ada@acme.test', 'Byron', false, ['Engineering']]]);

      await andRerender(page, () => click(page, '[data-testid="idp-user-delete"]'));
      assert.deepEqual(await rows(page), []);
      await andRerender(page, () => click(page, '[data-testid="idp-group-delete"]'));
      assert.equal((await page.$$('[data-testid="idp-group-row"]')).length, 0);

      await emulator.webhooks.settled();
      assert.deepEqual(receiver.rejected, []);
      const events = receiver.deliveries.map((d) => d.event);
      assert.deepEqual(events.map((e) => e.type), [
        'organization.directory_enabled',
        'organization.directory.group_created',
        'organization.directory.user_created',
        'organization.directory.user_updated',
        'organization.directory.user_deleted', // deactivated in the IdP: Scalekit deprovisions with user_deleted
        'organization.directory.user_deleted',
        'organization.directory.group_deleted',
      ]);
      assert.ok(events.every((e) => e.organization_id === 'org_acme'), 'every event is for the link organization');
      assert.equal(events[4]!.data.active, false);
    } finally {
      await context.close();
    }
  });

  it('shows hostile names as text, reports refused input, and stops working when the session is over', async () => {
    emulator.reset();
    emulator.directory.enable('org_acme');
    emulator.directory.addUser('org_acme', { email: 'eve@acme.test', givenName: '<img src=x onerror="window.pwned=1">' });
    emulator.directory.enable('org_globex');
    emulator.directory.addUser('org_globex', { email: 'bob@globex.test' });
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    try {
      const link = await scalekit.organization.generatePortalLink('org_acme');
      await page.goto(link.location);
      await page.waitForSelector(`${panel}[data-enabled="true"]`);
      const shown = await rows(page);
      assert.deepEqual(shown.map((r) => r.email), ['eve@acme.test'], 'only the link organization\'s users');
      assert.equal(shown[0]!.name, '<img src=x onerror="window.pwned=1">');
      assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
      assert.equal(await page.$$eval('[data-testid="idp-panel"] img', (imgs) => imgs.length), 0);

      // A duplicate email is refused with a visible, announced error; nothing changes.
      await fill(page, 'idp-user-email', 'EVE@acme.test');
      await andRerender(page, () => click(page, '[data-testid="idp-user-submit"]'));
      assert.match(await page.$eval('[data-testid="idp-error"]', (el) => el.textContent ?? ''), /already exists/);
      assert.equal((await rows(page)).length, 1);

      // The panel's token acts on its own organization only; the session ending turns it off.
      const token = await page.$eval(panel, (el) => el.getAttribute('data-portal-session')!);
      const state = await (await fetch(`${emulator.url}/portal/directory`, { headers: { 'x-portal-session': token } })).json() as any;
      assert.equal(state.directory.organizationId, 'org_acme');
      emulator.reset(); // ends every portal session
      await andRerender(page, () => click(page, '[data-testid="idp-user-deactivate"]'));
      assert.match(await page.$eval('[data-testid="idp-error"]', (el) => el.textContent ?? ''), /session/i);
      assert.equal(await page.$eval('[data-testid="idp-user-submit"]', (el) => (el as HTMLButtonElement).disabled), true);
    } finally {
      await context.close();
    }
  });
});
