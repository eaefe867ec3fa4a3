// Scalekit failing upstream: the element retries, then shows its error panel; Retry after recovery loads the portal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_ORGANIZATIONS } from '../../emulator/src/index.js';
import { signIn, startDemo, waitForLogEntry, waitForStatus, type DemoRun } from './harness.js';

describe('demo: upstream fault', () => {
  let run: DemoRun;
  before(async () => {
    run = await startDemo();
  });
  after(async () => {
    await run?.close();
  });

  it('shows the error panel, and Retry loads the portal once Scalekit recovers', async () => {
    const { page, emulator } = run;
    // More failures than the element's retries: every attempt of this sign-in fails.
    emulator.faults.failRpcs(1000, 'internal', 'GeneratePortalLink');

    await signIn(page, DEFAULT_ORGANIZATIONS[0]!.id);
    await waitForStatus(page, 'error');
    const panel = await page.waitForSelector('pierce/[part~="error"]', { visible: true });
    const panelText = await panel!.evaluate((el) => (el as HTMLElement).innerText);
    assert.ok(!panelText.includes('/magicLink/'), 'the error panel never shows a link');
    const errorEntry = await waitForLogEntry(page, 'scalekit-error', '"retryable":true');
    assert.match(errorEntry, /"status":500/);
    assert.equal(emulator.stats().linksIssued, 0);
    assert.ok((emulator.stats().rpcs.GeneratePortalLink ?? 0) >= 2, 'the element retried before giving up');

    emulator.faults.clear();
    const retry = await page.waitForSelector('pierce/[part~="error"] button', { visible: true });
    await retry!.click();
    await waitForStatus(page, 'ready');
    assert.equal(await page.$('pierce/[part~="error"]'), null, 'the error panel is gone');
    assert.equal(emulator.stats().linksLoaded, 1);
    assert.deepEqual(run.pageErrors, []);
  });
});
