// Northwind's staff console and setup page checked with axe-core in Chromium, light and dark: the staff page signed
// out and with a customer open (setup link, checklist, members), the setup page with the portal and refusing a link.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { axeViolations, portalFrame, startDemo, type DemoRun } from './harness.js';

describe('demo: staff console and setup page accessibility', () => {
  let run: DemoRun;
  let setupUrl = '';
  before(async () => {
    run = await startDemo({ path: '/staff' });
  });
  after(async () => {
    await run?.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`has no axe violations on the staff console (${scheme})`, async () => {
      const { page, emulator } = run;
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      await page.reload();
      await page.waitForSelector('#staff-sign-in:not([hidden]), #staff-workspace:not([hidden])');
      if (await page.$('#staff-account:not([hidden])')) await page.click('#staff-sign-out');
      await page.waitForSelector('#staff-sign-in', { visible: true });
      assert.deepEqual(await axeViolations(page), [], 'signed out');

      await page.click('#staff-sign-in-form button[type="submit"]');
      await page.waitForSelector('#staff-workspace:not([hidden])');
      const tenant = `acme-${scheme}`;
      await page.type('#customer-name', `Acme ${scheme}`);
      await page.type('#customer-tenant', tenant);
      await page.click('#onboard-form button[type="submit"]');
      await page.waitForSelector(`#customer-detail[data-external-id="${tenant}"]:not([hidden])`);
      await page.click('#invite-form button[type="submit"]');
      await page.waitForSelector('#new-link:not([hidden])');
      await page.waitForSelector('#links-body tr');
      setupUrl = await page.$eval('#new-link-url', (el) => (el as HTMLInputElement).value);
      const org = (await run.server.data.customerByExternalId(tenant))!.organizationId;
      emulator.directory.enable(org);
      emulator.directory.addUser(org, { email: `${scheme}@acme.example`, givenName: 'Ada', familyName: scheme });
      await page.waitForSelector('#detail-members-body tr');
      await page.waitForSelector('#checklist li[data-done="true"]');
      assert.deepEqual(await axeViolations(page), [], 'a customer open');
    });

    it(`has no axe violations on the setup page (${scheme})`, async () => {
      const { browser, emulator } = run;
      const context = await browser.createBrowserContext();
      try {
        const page = await context.newPage();
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        await page.goto(setupUrl);
        await portalFrame(page, emulator.url);
        assert.deepEqual(await axeViolations(page), [], 'with the portal');
        await page.goto('about:blank'); // a new fragment alone would be a same-document navigation
        await page.goto(`${run.server.url}/setup#${'A'.repeat(43)}`);
        await page.waitForSelector('#setup-refused:not([hidden])');
        assert.deepEqual(await axeViolations(page), [], 'refusing a link');
      } finally {
        await context.close();
      }
    });
  }
});
