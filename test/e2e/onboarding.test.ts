// Onboarding an enterprise customer, the whole flow, in Chromium, on the emulator: Northwind staff onboard a new enterprise customer and
// invite its IT admin with a setup link; the IT admin, signed out and with no Northwind account, opens the link,
// turns SSO and directory sync on and provisions, changes and deactivates a test user in the simulated IdP; the
// staff page shows the members and a fully ticked checklist. Then: revoked, expired and malformed links are
// refused with a page that says so, and a restart on the same data folder keeps everything.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { SETUP_LINK_TTL } from '../../server/setup-links/routes.js';
import { idpAction, portalFrame, setField, startDemo, testid, type DemoRun } from './harness.js';

const CUSTOMER = { name: 'Initech', externalId: 'initech' };
const EMAIL = 'peter.gibbons@initech.example';
const TTL_MS = SETUP_LINK_TTL.minMs;

/** Staff sign-in through the page's own card. */
async function signInAsStaff(page: Page): Promise<void> {
  await page.waitForSelector('#staff-sign-in:not([hidden])');
  await page.click('#staff-sign-in-form button[type="submit"]');
  await page.waitForSelector('#staff-workspace:not([hidden])');
  await page.waitForSelector('#customers-feed[data-state="live"]');
}

/** Creates a setup link for the customer on screen; its URL is shown once. */
async function createSetupLink(page: Page): Promise<{ url: string; id: string }> {
  const before = await page.$$eval('#links-body tr', (rows) => rows.length);
  await page.click('#invite-form button[type="submit"]');
  await page.waitForFunction((n: number) => document.querySelectorAll('#links-body tr').length > n, {}, before);
  await page.waitForSelector('#new-link:not([hidden])');
  return page.$eval('#new-link', (el) => ({
    url: (el.querySelector('#new-link-url') as HTMLInputElement).value,
    id: (el as HTMLElement).dataset.linkId ?? '',
  }));
}

/** The IT admin's browser: a fresh context, so no Northwind cookie of any kind. */
async function openAsItAdmin(browser: Browser, url: string): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1280, height: 1700 });
  await page.goto(url);
  return { page, close: () => context.close() };
}

async function refusal(browser: Browser, url: string): Promise<{ code: string; text: string }> {
  const admin = await openAsItAdmin(browser, url);
  try {
    const handle = await admin.page.waitForFunction(() => {
      const panel = document.querySelector<HTMLElement>('#setup-refused:not([hidden])');
      if (!panel) return false;
      const portal = document.querySelector('scalekit-admin-portal');
      return { code: panel.dataset.code ?? '', text: panel.textContent ?? '', portal: portal !== null };
    });
    const seen = (await handle.jsonValue()) as { code: string; text: string; portal: boolean };
    await handle.dispose();
    assert.equal(seen.portal, false, 'no portal is shown');
    return seen;
  } finally {
    await admin.close();
  }
}

describe('demo: onboarding an enterprise customer, end to end', () => {
  let run: DemoRun;
  let dataDir: string;
  let skewMs = 0; // the setup links' clock: moved forward to expire a link without waiting for it

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'northwind-e2e-'));
    run = await startDemo({ path: '/staff', server: { dataDir, setupLinkTtlMs: TTL_MS, now: () => Date.now() + skewMs } });
  });
  after(async () => {
    await run?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('staff onboard, the IT admin configures SSO and SCIM through a setup link, the checklist ticks itself', async () => {
    const { page, browser, emulator } = run;
    await signInAsStaff(page);

    // Create the organization, keyed by Northwind's tenant id.
    await page.type('#customer-name', CUSTOMER.name);
    await page.type('#customer-tenant', CUSTOMER.externalId);
    await page.click('#onboard-form button[type="submit"]');
    await page.waitForSelector(`#customers-body tr[data-external-id="${CUSTOMER.externalId}"]`);
    await page.waitForSelector(`#customer-detail[data-external-id="${CUSTOMER.externalId}"]:not([hidden])`);
    const organization = emulator.organizations().find((org) => org.displayName === CUSTOMER.name);
    assert.ok(organization, 'the emulator has the new organization');

    // Northwind's branding on every portal page (the form starts with Northwind's own logo).
    await page.click('#branding-form button[type="submit"]');
    await page.waitForSelector('#branding-status[data-state="ok"]');

    // Provide portal access with a link for the IT admin.
    const { url } = await createSetupLink(page);
    assert.match(url, new RegExp(`^${run.server.url}/setup#[A-Za-z0-9_-]{40,}$`));
    assert.equal(await page.$eval('#links-body tr', (row) => (row as HTMLElement).dataset.status), 'live');

    // The IT admin, signed out, opens it and configures SSO and directory sync.
    const admin = await openAsItAdmin(browser, url);
    try {
      const frame = await portalFrame(admin.page, emulator.url);
      assert.equal(await admin.page.title(), 'Set up SSO and user provisioning · Northwind');
      // The portal shows Northwind's logo, loaded from Northwind's server.
      const logo = await frame.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('img.logo-img');
        return img?.complete && img.naturalWidth > 0 ? new URL(img.src).pathname : false;
      });
      assert.equal(await logo.jsonValue(), '/northwind-logo.svg');
      await logo.dispose();
      await frame.select('#sso-provider', 'okta');
      await frame.click('#sso-enable');
      // one at a time: the SSO answer moves focus and layout, so a click sent meanwhile can miss its button
      await frame.waitForSelector('#sso-section[data-enabled="true"]');
      await frame.select('#dir-provider', 'MICROSOFT_AD');
      await frame.click('#dir-enable');
      await frame.waitForSelector(`${testid('idp-panel')}[data-enabled="true"]`);

      // Verify provisioning: a test user in the directory — created in a group, changed, deactivated.
      await idpAction(frame, async () => {
        await setField(frame, 'idp-group-name', 'Engineering');
        await frame.click(testid('idp-group-submit'));
      });
      await idpAction(frame, async () => {
        await setField(frame, 'idp-user-email', EMAIL);
        await setField(frame, 'idp-user-given-name', 'Peter');
        await setField(frame, 'idp-user-family-name', 'Gibbons');
        await frame.click(testid('idp-user-group'));
        await frame.click(testid('idp-user-submit'));
      });
      const row = `${testid('idp-user-row')}[data-email="${EMAIL}"]`;
      await idpAction(frame, async () => {
        await frame.click(`${row} ${testid('idp-user-edit')}`);
        await setField(frame, 'idp-user-family-name', 'Gibbons-Smith');
        await frame.click(testid('idp-user-submit'));
      });
      await idpAction(frame, () => frame.click(`${row} ${testid('idp-user-deactivate')}`));
    } finally {
      await admin.close();
    }

    // The staff page followed along: every check the setup proves ticked (signing in with SSO, and access revoked
    // from a signed-in member, take an employee: sso-signin.test.ts), the member shown as deactivated, the link used.
    await page.waitForFunction(() => document.querySelectorAll('#checklist li[data-done="true"]').length === 4);
    const memberRow = await page.waitForFunction(
      (email: string) =>
        [...document.querySelectorAll<HTMLTableRowElement>('#detail-members-body tr')].find(
          (r) => r.querySelector('.member-email')?.textContent === email && r.dataset.active === 'false',
        )?.textContent ?? false,
      {},
      EMAIL,
    );
    assert.match(String(await memberRow.jsonValue()), /Peter Gibbons-Smith/);
    const customerRow = `#customers-body tr[data-external-id="${CUSTOMER.externalId}"]`;
    await page.waitForSelector(`${customerRow} td[data-done="4"]`);
    const statuses = await page.$$eval(`${customerRow} .status-pill`, (pills) => pills.map((p) => p.textContent));
    assert.deepEqual(statuses, ['Okta · on', 'Microsoft Entra ID · on']);
    assert.notEqual(await page.$eval('#links-body tr .link-uses', (cell) => cell.textContent), '0');

    // Nothing secret in the server's log.
    const token = url.split('#')[1]!;
    assert.ok(!run.serverLog.some((line) => line.includes(token) || line.includes('/magicLink/')), 'no token or link in the log');
    assert.deepEqual(run.pageErrors, []);
  });

  it('refuses a revoked link, an expired link and a malformed one, saying whom to ask', async () => {
    const { page, browser } = run;
    await page.waitForSelector(`#customer-detail[data-external-id="${CUSTOMER.externalId}"]:not([hidden])`);

    // Revoked from the staff page while the IT admin has the portal open: their session ends, the page asks for a
    // new portal link and is refused; opened again, the link is refused at once.
    const revoked = await createSetupLink(page);
    const open = await openAsItAdmin(browser, revoked.url);
    try {
      await portalFrame(open.page, run.emulator.url);
      await page.click(`#links-body tr[data-link-id="${revoked.id}"] button`);
      await page.waitForSelector(`#links-body tr[data-link-id="${revoked.id}"][data-status="revoked"]`);
      const ended = await open.page.waitForSelector('#setup-refused:not([hidden])');
      assert.equal(await ended!.evaluate((el) => (el as HTMLElement).dataset.code), 'setup_link_revoked');
      await ended!.dispose();
    } finally {
      await open.close();
    }
    const revokedRefusal = await refusal(browser, revoked.url);
    assert.equal(revokedRefusal.code, 'setup_link_revoked');
    assert.match(revokedRefusal.text, /revoked/);
    assert.match(revokedRefusal.text, /onboarding@northwind\.example/);

    // Expired: the setup links' clock moves past the ttl.
    const expiring = await createSetupLink(page);
    skewMs += TTL_MS + 1_000;
    const expiredRefusal = await refusal(browser, expiring.url);
    assert.equal(expiredRefusal.code, 'setup_link_expired');
    assert.match(expiredRefusal.text, /expired/);
    skewMs = 0;

    // Malformed or missing token: the same page, never a portal.
    assert.equal((await refusal(browser, `${run.server.url}/setup#not-a-token`)).code, 'setup_link_invalid');
    assert.equal((await refusal(browser, `${run.server.url}/setup`)).code, 'setup_link_invalid');
    const wellFormedUnknown = `${run.server.url}/setup#${'A'.repeat(43)}`;
    assert.equal((await refusal(browser, wellFormedUnknown)).code, 'setup_link_invalid');
    assert.deepEqual(run.pageErrors, []);
  });

  it('keeps customers, setup links, members and the checklist across a restart on the same data folder', async () => {
    const before = await run.server.data.customerByExternalId(CUSTOMER.externalId);
    assert.ok(before);
    await run.close();
    run = await startDemo({ path: '/staff', server: { dataDir, setupLinkTtlMs: TTL_MS } });
    const { page, emulator } = run;

    // The new emulator has the customer's organization again, under the same id.
    assert.ok(emulator.organizations().some((org) => org.id === before.organizationId));
    await signInAsStaff(page);
    const customerRow = `#customers-body tr[data-external-id="${CUSTOMER.externalId}"]`;
    await page.waitForSelector(`${customerRow} td[data-done="4"]`);
    await page.click(`${customerRow} button`);
    await page.waitForSelector(`#customer-detail[data-external-id="${CUSTOMER.externalId}"]:not([hidden])`);
    await page.waitForFunction(() => document.querySelectorAll('#checklist li[data-done="true"]').length === 4);
    await page.waitForFunction(
      (email: string) => [...document.querySelectorAll('#detail-members-body .member-email')].some((c) => c.textContent === email),
      {},
      EMAIL,
    );
    const statuses = await page.$$eval('#links-body tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.status));
    assert.equal(statuses.length, 3, 'all three setup links are still listed');
    assert.ok(statuses.includes('revoked'));
    assert.deepEqual(run.pageErrors, []);
  });
});
