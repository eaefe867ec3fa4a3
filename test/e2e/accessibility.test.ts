// The demo is what people copy: check it with axe-core (a direct dev dependency; @open-wc/testing uses it too) in real
// Chromium, signed out and signed in with the portal, badges and members showing. The portal's own document is
// the emulator's and is checked in its own tests; here the host page and the element's shadow DOM are.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import { DEFAULT_ORGANIZATIONS } from '../../emulator/src/index.js';
import { axeViolations, portalFrame, signIn, startDemo, waitForLogEntry, waitForStatus, type DemoRun } from './harness.js';

const violations = axeViolations;

describe('demo: accessibility', () => {
  let run: DemoRun;
  before(async () => {
    run = await startDemo();
  });
  after(async () => {
    await run?.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`has no axe violations signed out and signed in (${scheme})`, async () => {
      const { page, emulator } = run;
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      await page.reload();
      await page.waitForSelector('#sign-in:not([hidden]), #workspace:not([hidden])');
      if (await page.$('#account:not([hidden])')) await page.click('#sign-out');
      await page.waitForSelector('#sign-in', { visible: true });
      assert.deepEqual(await violations(page), [], 'signed out');

      const org = DEFAULT_ORGANIZATIONS[0]!;
      await signIn(page, org.id);
      await waitForStatus(page, 'ready');
      const frame = await portalFrame(page, emulator.url);
      // The emulator keeps SSO on between the two runs: toggle whichever way produces a badge.
      const turnOn = (await frame.$('#sso-enable:not([hidden])')) !== null;
      await frame.click(turnOn ? '#sso-enable' : '#sso-disable');
      await waitForLogEntry(page, turnOn ? 'scalekit-sso-enabled' : 'scalekit-sso-disabled');
      emulator.directory.enable(org.id);
      emulator.directory.addUser(org.id, { email: `${scheme}@acme.example`, givenName: 'Ada', familyName: scheme });
      await page.waitForSelector('#members-body tr');
      await page.waitForSelector('#badges .badge');
      assert.deepEqual(await violations(page), [], 'signed in');
    });
  }
});
