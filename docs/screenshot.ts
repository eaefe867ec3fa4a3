// Makes docs/demo.png (light) and docs/demo-dark.png: the demo in headless Chromium on the emulator, with SSO and
// directory sync turned on inside the portal and a few provisioned members. Run: `npx tsx docs/screenshot.ts`.
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { DEFAULT_ORGANIZATIONS } from '../server/emulator/index.js';
import { portalFrame, signIn, startDemo, waitForLogEntry, waitForStatus } from '../test/e2e/harness.js';

const here = import.meta.dirname;
const org = DEFAULT_ORGANIZATIONS[0]!;

const run = await startDemo();
try {
  const { page, emulator } = run;
  await page.setViewport({ width: 1440, height: 1000, deviceScaleFactor: 1 });
  await signIn(page, org.id);
  await waitForStatus(page, 'ready');
  const frame = await portalFrame(page, emulator.url);

  // What the customer's IT admin does in the portal (seed step 3).
  await frame.select('#sso-provider', 'okta');
  await frame.click('#sso-enable');
  await waitForLogEntry(page, 'scalekit-sso-enabled');
  await frame.select('#dir-provider', 'MICROSOFT_AD');
  await frame.click('#dir-enable');
  await waitForLogEntry(page, 'scalekit-directory-enabled');

  // What their directory then pushes (seed step 4), straight through the emulator's controls.
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

  for (const scheme of ['light', 'dark'] as const) {
    await shoot(page, scheme, join(here, scheme === 'light' ? 'demo.png' : 'demo-dark.png'));
  }
} finally {
  await run.close();
}

async function shoot(page: Page, scheme: 'light' | 'dark', path: string): Promise<void> {
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  // Let both documents (host and portal frame) repaint in the new scheme before capturing.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  console.log(`wrote ${path}`);
}
