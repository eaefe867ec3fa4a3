// Seed step 3 in the browser: the customer's admin turns on SSO and directory sync inside the embedded portal,
// and the host page reacts (event log + badges); after a reload or a switch the badges come from the organization's
// saved state (GET /api/demo/configuration). Also: a portal scoped to SSO shows no directory section.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DEFAULT_ORGANIZATIONS } from '../../emulator/src/index.js';
import { logNames, portalFrame, signIn, startDemo, waitForLogEntry, waitForStatus, type DemoRun } from './harness.js';

const org = DEFAULT_ORGANIZATIONS[0]!;
const other = DEFAULT_ORGANIZATIONS[1]!;

/** Signs in, waits for the portal and for the page's layout to settle (badges read), and returns the portal frame. */
async function signInToPortal({ page, emulator }: DemoRun) {
  await signIn(page, org.id);
  await waitForStatus(page, 'ready');
  await page.waitForSelector('#badges[data-configuration="loaded"]'); // no layout shift while clicking in the frame
  return portalFrame(page, emulator.url);
}

describe('demo: configuring the organization inside the portal', () => {
  let run: DemoRun;
  beforeEach(async () => {
    run = await startDemo();
  });
  afterEach(async () => {
    await run?.close();
  });

  it('shows scalekit-sso-enabled with the provider in the log and an SSO badge', async () => {
    const { page } = run;
    const frame = await signInToPortal(run);

    await frame.select('#sso-provider', 'okta');
    await frame.click('#sso-enable');

    const entry = await waitForLogEntry(page, 'scalekit-sso-enabled', '"provider":"OKTA"');
    assert.match(entry, /"type":"SAML"/);
    assert.ok(entry.includes(org.id), 'the event names the organization');
    const badge = await page.waitForSelector('#badges [data-badge="sso"][data-enabled="true"]');
    assert.equal(await badge!.evaluate((el) => el.textContent), 'SSO: Okta (SAML) enabled');

    // Turning it off again is reported too; the badge follows.
    await frame.click('#sso-disable');
    await waitForLogEntry(page, 'scalekit-sso-disabled', '"provider":"OKTA"');
    const off = await page.waitForSelector('#badges [data-badge="sso"][data-enabled="false"]');
    assert.equal(await off!.evaluate((el) => el.textContent), 'SSO: Okta (SAML) disabled');
    assert.deepEqual(run.pageErrors, []);
  });

  it('shows scalekit-directory-enabled with the provider in the log and a directory badge', async () => {
    const { page } = run;
    const frame = await signInToPortal(run);

    await frame.select('#dir-provider', 'MICROSOFT_AD');
    await frame.click('#dir-enable');

    const entry = await waitForLogEntry(page, 'scalekit-directory-enabled', '"provider":"MICROSOFT_AD"');
    assert.match(entry, /"directory_type":"SCIM"/);
    const badge = await page.waitForSelector('#badges [data-badge="directory"][data-enabled="true"]');
    assert.equal(await badge!.evaluate((el) => el.textContent), 'Directory sync: Microsoft Entra ID (SCIM) enabled');
    // The SSO badge is not invented by a directory event.
    assert.equal(await page.$('#badges [data-badge="sso"]'), null);
    assert.deepEqual(run.pageErrors, []);
  });

  it('keeps the badges across a reload and an organization switch: they come from the saved state', async () => {
    const { page } = run;
    const frame = await signInToPortal(run);
    const frameTop = () => page.$eval('scalekit-admin-portal', (el) => el.shadowRoot!.querySelector('iframe')!.getBoundingClientRect().top);
    const topBefore = await frameTop();
    await frame.select('#sso-provider', 'okta');
    await frame.click('#sso-enable');
    await page.waitForSelector('#badges [data-badge="sso"][data-enabled="true"]');
    // The first badge takes the row kept for it: the portal does not move under the admin's next click.
    assert.equal(await frameTop(), topBefore);
    await frame.select('#dir-provider', 'MICROSOFT_AD');
    await frame.click('#dir-enable');
    await page.waitForSelector('#badges [data-badge="directory"][data-enabled="true"]');

    await page.reload();
    await page.waitForSelector('#badges[data-configuration="loaded"]');
    const sso = await page.waitForSelector('#badges [data-badge="sso"][data-enabled="true"]');
    assert.equal(await sso!.evaluate((el) => el.textContent), 'SSO: Okta (SAML) enabled');
    const dir = await page.waitForSelector('#badges [data-badge="directory"][data-enabled="true"]');
    assert.equal(await dir!.evaluate((el) => el.textContent), 'Directory sync: Microsoft Entra ID (SCIM) enabled');
    await waitForStatus(page, 'ready');
    const names = await logNames(page);
    assert.ok(!names.includes('scalekit-sso-enabled') && !names.includes('scalekit-directory-enabled'), 'no portal event made them');

    // Another organization has none of it; back again, they return.
    await page.select('#org-switcher', other.id);
    await waitForLogEntry(page, 'host', `Signed in as the admin of ${other.displayName}`);
    await page.waitForSelector('#badges[data-configuration="loaded"]'); // set in the same task as the log entry: this read is the new one
    assert.equal(await page.$('#badges [data-badge]'), null);
    await page.select('#org-switcher', org.id);
    await page.waitForSelector('#badges [data-badge="sso"][data-enabled="true"]');
    assert.deepEqual(run.pageErrors, []);
  });

  it('scoped to SSO, the portal has no directory section', async () => {
    const { page, emulator } = run;
    await signIn(page, org.id);
    await waitForStatus(page, 'ready');

    await page.click('label[for="scope-sso"]');
    await page.waitForSelector('scalekit-admin-portal[features="sso"]');
    await page.waitForFunction(
      () => document.querySelectorAll('#event-log li[data-event="scalekit-ready"]').length >= 2,
    );
    await waitForStatus(page, 'ready');

    const links = emulator.stats().links;
    assert.equal(links.length, 2);
    assert.deepEqual(links[1]!.features, ['sso'], 'the new link is scoped to SSO on the wire');

    const frame = await portalFrame(page, emulator.url);
    assert.ok(await frame.$('#sso-section'), 'the SSO section is there');
    assert.equal(await frame.$('#directory-section'), null, 'no directory section');
    assert.deepEqual(run.pageErrors, []);
  });
});
