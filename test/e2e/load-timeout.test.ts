// A Scalekit environment that does not allow the host's origin: the frame stays blank and the demo explains
// which origin to allow. The demo reads ?loadTimeout=<ms> so this does not wait the default 15 s.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_ORGANIZATIONS } from '../../emulator/src/index.js';
import { signIn, startDemo, waitForLogEntry, waitForStatus, type DemoRun } from './harness.js';

describe('demo: host origin not allowed by the environment', () => {
  let run: DemoRun;
  before(async () => {
    run = await startDemo({
      emulator: { allowedOrigins: ['https://app.northwind.example'] },
      query: 'loadTimeout=1500',
    });
  });
  after(async () => {
    await run?.close();
  });

  it('explains the load_timeout and names the origin to allow', async () => {
    const { page, server } = run;
    const origin = new URL(server.url).origin;

    await signIn(page, DEFAULT_ORGANIZATIONS[0]!.id);
    await waitForLogEntry(page, 'scalekit-error', 'load_timeout');
    await page.waitForSelector('#load-timeout-help', { visible: true });
    await waitForStatus(page, 'error');

    assert.equal(await page.$eval('#origin-to-allow', (el) => el.textContent), origin);
    const help = await page.$eval('#load-timeout-help', (el) => (el as HTMLElement).innerText);
    assert.match(help, /did not load/);
    assert.ok(help.includes(origin), 'the explanation names the origin');
    assert.ok(!help.includes('/magicLink/'), 'never shows the portal link');

    // The portal never said it loaded, so the host shows no configuration badge.
    assert.equal(await page.$('#badges .badge'), null);

    // "Try again" asks for a fresh link (the old one is never reused); still refused, so the panel comes back.
    await page.click('#load-timeout-retry');
    await page.waitForFunction(
      () => document.querySelectorAll('#event-log li[data-event="scalekit-error"]').length >= 2,
    );
    await page.waitForSelector('#load-timeout-help', { visible: true });
    assert.equal(run.emulator.stats().linksIssued, 2);
    assert.deepEqual(run.pageErrors, []);
  });
});
