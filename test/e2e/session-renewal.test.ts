// A short emulator session: warning → expiry → a new link loaded in place, with the host page never reloaded.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_ORGANIZATIONS } from '../../emulator/src/index.js';
import { signIn, startDemo, waitForLogEntry, waitForStatus, type DemoRun } from './harness.js';

describe('demo: portal session renewal', () => {
  let run: DemoRun;
  before(async () => {
    // The warning comes 3 s after the portal's script starts; the 7 s between it and the end is slack for a loaded
    // machine, where the script can start seconds after the server rendered the page and started the session.
    run = await startDemo({ emulator: { sessionSeconds: 10, warningSeconds: 7 } });
  });
  after(async () => {
    await run?.close();
  });

  it('shows the warning banner, then renews the expired session in place', async () => {
    const { page, emulator } = run;
    const org = DEFAULT_ORGANIZATIONS[0]!;
    let mainFrameNavigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) mainFrameNavigations += 1;
    });

    await signIn(page, org.id);
    await waitForStatus(page, 'ready');
    const firstSrc = await page.$eval('pierce/iframe', (f) => (f as HTMLIFrameElement).src);
    await page.evaluate(() => {
      (window as unknown as { hostMarker: string }).hostMarker = 'set before expiry';
    });

    // Record, one frame after the warning event, whether the element's built-in banner (part="banner") shows —
    // checked in the page so the answer does not depend on how soon the test looks before the expiry.
    await page.evaluate(() => {
      document.addEventListener('scalekit-session-warning', (event) => {
        const el = event.target as HTMLElement;
        requestAnimationFrame(() => {
          const banner = el.shadowRoot?.querySelector<HTMLElement>('[part~="banner"]');
          (window as unknown as { bannerShown: boolean }).bannerShown = !!banner?.checkVisibility();
        });
      });
    });

    await waitForLogEntry(page, 'scalekit-session-warning', 'expiresAt');
    await page.waitForFunction(() => (window as unknown as { bannerShown?: boolean }).bannerShown !== undefined);
    assert.equal(
      await page.evaluate(() => (window as unknown as { bannerShown: boolean }).bannerShown),
      true,
      'the warning banner was shown',
    );

    await waitForLogEntry(page, 'scalekit-session-expired');
    await page.waitForFunction(
      () => document.querySelectorAll('#event-log li[data-event="scalekit-ready"]').length >= 2,
    );
    await waitForStatus(page, 'ready');

    const stats = emulator.stats();
    assert.equal(stats.linksIssued, 2, 'a second link was minted');
    assert.equal(stats.linksLoaded, 2, 'and loaded');
    assert.ok(stats.links.every((l) => l.organizationId === org.id));

    const secondSrc = await page.$eval('pierce/iframe', (f) => (f as HTMLIFrameElement).src);
    assert.notEqual(secondSrc, firstSrc, 'the iframe points at the new link');
    assert.equal(
      await page.evaluate(() => (window as unknown as { hostMarker?: string }).hostMarker),
      'set before expiry',
      'the host page was not reloaded',
    );
    assert.equal(mainFrameNavigations, 0);
    assert.deepEqual(run.pageErrors, []);
  });
});
