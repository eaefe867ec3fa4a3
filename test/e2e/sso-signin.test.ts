// The employee sign-in in real Chromium, on the demo's own emulator: the IT admin turns SSO on and verifies the
// company's domain in the embedded portal; a member provisioned by the directory signs in through the real
// pages (sign-in page → the emulator's identity provider → the workspace); the directory deactivates them and the
// open workspace says so at once; a second sign-in is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { portalFrame, signIn, startDemo, testid, type DemoRun } from './harness.js';

const ORG = 'org_acme';
const DOMAIN = 'acme-employees.test';
const EMAIL = `mina@${DOMAIN}`;

let run: DemoRun;

before(async () => {
  run = await startDemo();
});
after(async () => {
  await run?.close();
});

describe('demo: an employee signs in with SSO and is signed out by the directory', () => {
  it('verifies the domain, signs a member in, shows the workspace, and ends it on deactivation', async () => {
    const { page, emulator, server } = run;
    // The IT admin, on Settings › Security: SSO on, and the company's domain added and verified in the portal.
    await signIn(page, ORG);
    const frame = await portalFrame(page, emulator.url);
    await frame.waitForSelector(testid('domain-section'));
    await frame.select('#sso-provider', 'okta');
    await frame.click('#sso-enable');
    // the SSO answer moves focus to its Disable button, so typing starts only once it has come
    await frame.waitForSelector('#sso-section[data-enabled="true"]');
    await frame.type(testid('domain-input'), DOMAIN);
    await frame.click(testid('domain-add'));
    await frame.waitForSelector(`li[data-domain="${DOMAIN}"] .domain-verify`);
    await frame.click(`li[data-domain="${DOMAIN}"] .domain-verify`);
    await frame.waitForSelector(`li[data-domain="${DOMAIN}"][data-status="VERIFIED"]`);


    // The directory provisions a member.
    emulator.directory.enable(ORG);
    const admins = emulator.directory.addGroup(ORG, { displayName: 'IT Admins' });
    const person = emulator.directory.addUser(ORG, { email: EMAIL, givenName: 'Mina', familyName: 'Harker' });
    emulator.directory.addMember(ORG, admins.id, person.id);
    await emulator.webhooks.settled();

    // The employee, in a browser context of their own.
    const context = await run.browser.createBrowserContext();
    try {
      const employee = await context.newPage();
      await employee.goto(`${server.url}/signin`);
      await employee.type('#signin-email', EMAIL);
      await Promise.all([employee.waitForNavigation(), employee.click('#signin-submit')]);
      assert.equal(new URL(employee.url()).origin, emulator.url, 'the identity provider of the verified domain');
      const button = await employee.waitForSelector(`xpath///button[@name="user"][contains(., "${EMAIL}")]`);
      await Promise.all([employee.waitForNavigation(), button!.click()]);
      assert.equal(new URL(employee.url()).pathname, '/workspace');
      await employee.waitForSelector('body[data-session="active"]');
      assert.equal(await employee.$eval('#profile-name', (el) => el.textContent), 'Mina Harker');
      assert.equal(await employee.$eval('#profile-email', (el) => el.textContent), EMAIL);
      assert.equal(await employee.$eval('#profile-organization', (el) => el.textContent), 'Acme Corporation');
      assert.equal(await employee.$eval('#profile-role', (el) => el.textContent), 'Administrator');

      // The directory deactivates her: the open page learns it from its stream.
      emulator.directory.deactivateUser(ORG, person.id);
      await employee.waitForSelector('#ended:not([hidden])');
      assert.match(
        await employee.$eval('#ended-text', (el) => el.textContent ?? ''),
        /Your organization's directory deactivated your account; you have been signed out/,
      );
      assert.ok(await employee.$eval('#workspace', (el) => (el as HTMLElement).hidden));

      // A second sign-in is refused.
      await employee.goto(`${server.url}/signin`);
      // The address typed last is filled in again (goto resolves on load, after the page's module script ran).
      assert.equal(await employee.$eval('#signin-email', (el) => (el as HTMLInputElement).value), EMAIL);
      // The selectors below wait through the redirects (start → Scalekit → IdP page → back).
      await employee.click('#signin-submit');
      const again = await employee.waitForSelector(`xpath///button[@name="user"][contains(., "${EMAIL}")]`);
      await again!.click();
      await employee.waitForSelector('#signin-notice:not([hidden])');
      const code = await employee.$eval('#signin-notice', (el) => (el as HTMLElement).dataset['code']);
      assert.ok(code === 'sso_failed' || code === 'deactivated', `refused (${code})`);
    } finally {
      await context.close();
    }
    assert.ok(!run.serverLog.some((line) => line.includes(EMAIL)), 'no email in the log');
    assert.deepEqual(run.pageErrors, []);
  });
});
