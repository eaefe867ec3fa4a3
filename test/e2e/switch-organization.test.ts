// Switching organization in the host mints a link for the new organization only (one admin per customer).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_ORGANIZATIONS } from '../../emulator/src/index.js';
import { signIn, startDemo, waitForLogEntry, type DemoRun } from './harness.js';

describe('demo: switching organization', () => {
  let run: DemoRun;
  before(async () => {
    run = await startDemo();
  });
  after(async () => {
    await run?.close();
  });

  it('loads a link for the new organization and never mints one for the old one again', async () => {
    const [first, second] = DEFAULT_ORGANIZATIONS;
    assert.ok(first && second, 'the emulator seeds at least two organizations');
    const { page, emulator } = run;

    await signIn(page, first.id);
    await waitForLogEntry(page, 'scalekit-ready', first.id);
    assert.deepEqual(
      emulator.stats().links.map((l) => l.organizationId),
      [first.id],
    );

    await page.select('#org-switcher', second.id);
    await waitForLogEntry(page, 'scalekit-ready', second.id);
    await page.waitForSelector('#status-chip[data-status="ready"]');

    const links = emulator.stats().links;
    assert.deepEqual(
      links.map((l) => l.organizationId),
      [first.id, second.id],
      'exactly one new link, for the new organization',
    );
    assert.ok(links[1]!.loadedAt, 'the new link was loaded in the iframe');

    // The host's own UI follows: the switcher, the iframe title and the Members panel heading name the new org.
    const title = await page.$eval('scalekit-admin-portal', (el) => el.getAttribute('frame-title'));
    assert.equal(title, `Admin portal for ${second.displayName}`);
    assert.equal(await page.$eval('#members-org', (el) => el.textContent), second.displayName);

    // Renewing afterwards still asks for the new organization: the host session moved, not just the UI.
    await page.click('#renew');
    await page.waitForFunction(
      () => document.querySelectorAll('#event-log li[data-event="scalekit-ready"]').length >= 3,
    );
    assert.deepEqual(
      emulator.stats().links.map((l) => l.organizationId),
      [first.id, second.id, second.id],
    );
    assert.deepEqual(run.pageErrors, []);
  });
});
