// The demo's screenshots, in headless Chromium on the emulator. Run: `npx tsx docs/screenshot.ts [settings|onboarding]`.
// - settings: docs/demo.png (light) and docs/demo-dark.png, Settings › Security with SSO and directory sync turned on
//   inside the portal and a few provisioned members;
// - onboarding: docs/staff.png (the staff console), docs/setup.png (the page a setup link opens) and
//   docs/checklist.png (one customer's checklist, links and members), after the whole onboarding flow.
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { DEFAULT_ORGANIZATIONS } from '../emulator/src/index.js';
import { portalFrame, signIn, startDemo, waitForLogEntry, waitForStatus } from '../test/e2e/harness.js';
import { closeRecycledDatabases } from '../test/support/demo-database.js';

const here = import.meta.dirname;
const org = DEFAULT_ORGANIZATIONS[0]!;
const only = process.argv[2];

if (only === undefined || only === 'settings') await settings();
if (only === undefined || only === 'onboarding') await onboarding();
await closeRecycledDatabases();

async function settings(): Promise<void> {
  const run = await startDemo();
  try {
    const { page, emulator } = run;
    await signIn(page, org.id);
    await waitForStatus(page, 'ready');
    const frame = await portalFrame(page, emulator.url);

    // What the customer's IT admin does in the portal (configure SSO and SCIM).
    await frame.select('#sso-provider', 'okta');
    await frame.click('#sso-enable');
    await waitForLogEntry(page, 'scalekit-sso-enabled');
    await frame.select('#dir-provider', 'MICROSOFT_AD');
    await frame.click('#dir-enable');
    await waitForLogEntry(page, 'scalekit-directory-enabled');

    // What their directory then pushes (provisioning), straight through the emulator's controls.
    const engineering = emulator.directory.addGroup(org.id, { displayName: 'Engineering' });
    const admins = emulator.directory.addGroup(org.id, { displayName: 'IT Admins' });
    const people = [
      { email: 'ada.lovelace@acme.example', givenName: 'Ada', familyName: 'Lovelace', groups: [engineering.id, admins.id] },
      { email: 'grace.hopper@acme.example', givenName: 'Grace', familyName: 'Hopper', groups: [engineering.id] },
      { email: 'alan.turing@acme.example', givenName: 'Alan', familyName: 'Turing', groups: [engineering.id] },
    ];
    const added = people.map((person) => emulator.directory.addUser(org.id, person));
    emulator.directory.deactivateUser(org.id, added[2]!.id);
    await page.waitForFunction(() => document.querySelectorAll('#members-body tr[data-active="false"]').length === 1);
    await page.waitForFunction(() => document.querySelectorAll('#members-body tr').length === 3);
    await frame.evaluate(() => document.dispatchEvent(new Event('scalekit-emulator:directory-changed')));

    // Acted on in the harness's tall viewport (a click into the portal frame never scrolls the host page first, which
    // can land it on stale coordinates), captured at the size the README shows.
    await page.setViewport({ width: 1440, height: 1000, deviceScaleFactor: 1 });
    for (const scheme of ['light', 'dark'] as const) {
      await shoot(page, scheme, join(here, scheme === 'light' ? 'demo.png' : 'demo-dark.png'));
    }
  } finally {
    await run.close();
  }
}

async function onboarding(): Promise<void> {
  const run = await startDemo({ path: '/staff' });
  try {
    const { page, browser, emulator } = run;
    await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await page.click('#staff-sign-in-form button[type="submit"]');
    await page.waitForSelector('#customers-feed[data-state="live"]');

    // Two customers: one fully onboarded below, one just created.
    for (const [name, tenant] of [['Globex Corporation', 'globex'], ['Initech', 'initech']] as const) {
      await page.type('#customer-name', name);
      await page.type('#customer-tenant', tenant);
      await page.click('#onboard-form button[type="submit"]');
      await page.waitForSelector(`#customer-detail[data-external-id="${tenant}"]:not([hidden])`);
    }
    await page.click('#branding-form button[type="submit"]');
    await page.waitForSelector('#branding-status[data-state]');
    await page.type('#invite-note', 'For Peter, Initech IT');
    await page.click('#invite-form button[type="submit"]');
    await page.waitForSelector('#new-link:not([hidden])');
    const url = await page.$eval('#new-link-url', (el) => (el as HTMLInputElement).value);

    // The IT admin's side: the setup page, SSO and directory sync on.
    const context = await browser.createBrowserContext();
    const admin = await context.newPage();
    await admin.setViewport({ width: 1280, height: 1900, deviceScaleFactor: 1 });
    await admin.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await admin.goto(url);
    const frame = await portalFrame(admin, emulator.url);
    await frame.select('#sso-provider', 'okta');
    await frame.click('#sso-enable');
    await frame.select('#dir-provider', 'OKTA');
    await frame.click('#dir-enable');
    await frame.waitForSelector('[data-testid="idp-panel"][data-enabled="true"]');

    // Their directory then pushes users (the simulated IdP's controls, the same signed webhooks as its panel).
    const initech = (await run.server.data.customerByExternalId('initech'))!.organizationId;
    const engineering = emulator.directory.addGroup(initech, { displayName: 'Engineering' });
    const people = [
      { email: 'peter.gibbons@initech.example', givenName: 'Peter', familyName: 'Gibbons', groups: [engineering.id] },
      { email: 'samir.nagheenanajar@initech.example', givenName: 'Samir', familyName: 'Nagheenanajar', groups: [engineering.id] },
      { email: 'milton.waddams@initech.example', givenName: 'Milton', familyName: 'Waddams' },
    ];
    const added = people.map((person) => emulator.directory.addUser(initech, person));
    emulator.directory.updateUser(initech, added[0]!.id, { familyName: 'Gibbons' , givenName: 'Pete' });
    emulator.directory.deactivateUser(initech, added[2]!.id);
    await frame.evaluate(() => document.dispatchEvent(new Event('scalekit-emulator:directory-changed')));
    await frame.waitForSelector('[data-testid="idp-user-row"]');
    // The viewport, not fullPage: Chromium's full-page capture paints a cross-origin frame in patches.
    await shootPage(admin, join(here, 'setup.png'), false);
    await context.close();

    // Every check the setup proves (signing in with SSO, and access ending for a signed-in member, take an employee).
    await page.waitForFunction(() => document.querySelectorAll('#checklist li[data-done="true"]').length === 4);
    await page.waitForFunction(() => document.querySelectorAll('#detail-members-body tr').length === 3);
    await page.waitForFunction(() => (document.querySelector('#links-body .link-uses')?.textContent ?? '0') !== '0');
    // The new link's field as a reader sees it after copying: unfocused, from its start.
    await page.$eval('#new-link-url', (el) => {
      (el as HTMLInputElement).setSelectionRange(0, 0);
      (el as HTMLInputElement).blur();
      el.scrollLeft = 0;
    });
    await page.evaluate(() => window.scrollTo(0, 0));
    await shootPage(page, join(here, 'staff.png'), true);
    const detail = await page.$('#customer-detail');
    await detail!.screenshot({ path: join(here, 'checklist.png') as `${string}.png` });
    console.log(`wrote ${join(here, 'checklist.png')}`);
  } finally {
    await run.close();
  }
}

async function shootPage(page: Page, path: string, fullPage: boolean): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({ path: path as `${string}.png`, fullPage });
  console.log(`wrote ${path}`);
}

async function shoot(page: Page, scheme: 'light' | 'dark', path: string): Promise<void> {
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  // Let both documents (host and portal frame) repaint in the new scheme before capturing.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  console.log(`wrote ${path}`);
}
