// The IT admin's setup page (`/setup#<token>`) in Chromium: the token leaves the address bar (and so the history
// entry and anything copied from it) as soon as the page has read it, and a fragment that is not even valid
// percent-encoding shows the "not valid" panel instead of a blank page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import { portalFrame, startDemo, type DemoRun } from './harness.js';

/** A setup link for a new customer, issued through Northwind's staff API as the staff page does. */
async function issueSetupLink(base: string): Promise<string> {
  let cookies = '';
  const api = async (path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { origin: base, 'content-type': 'application/json', ...(cookies ? { cookie: cookies } : {}) },
      body: JSON.stringify(body),
    });
    const set = response.headers.getSetCookie().map((c) => c.split(';')[0]!).filter((c) => !c.endsWith('='));
    if (set.length) cookies = [...new Map([...cookies.split('; '), ...set].filter(Boolean).map((c) => [c.split('=')[0], c])).values()].join('; ');
    assert.ok(response.ok, `${path}: ${response.status}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  await api('/api/staff/session', { name: 'Sam' });
  await api('/api/staff/customers', { name: 'Hooli', externalId: 'hooli' });
  await api('/api/staff/selection', { externalId: 'hooli' });
  return String((await api('/api/scalekit/setup-links', {})).url);
}

async function openFresh(run: DemoRun, url: string): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const context = await run.browser.createBrowserContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}

describe('demo: the setup page', () => {
  let run: DemoRun;
  before(async () => {
    run = await startDemo({ path: '/staff' });
  });
  after(() => run?.close());

  it('takes the token out of the address bar, keeps path and query, and still opens the portal', async () => {
    const link = new URL(await issueSetupLink(run.server.url));
    const admin = await openFresh(run, `${link.origin}${link.pathname}?from=email${link.hash}`);
    try {
      await portalFrame(admin.page, run.emulator.url);
      const where = await admin.page.evaluate(() => ({ hash: location.hash, path: location.pathname, search: location.search, href: location.href }));
      assert.equal(where.hash, '');
      assert.equal(where.path, '/setup');
      assert.equal(where.search, '?from=email');
      assert.ok(!where.href.includes(link.hash.slice(1)), 'no token in the address');
      assert.deepEqual(admin.errors, []);
    } finally {
      await admin.close();
    }
  });

  it('shows the "not valid" panel for a fragment that is not valid percent-encoding', async () => {
    const admin = await openFresh(run, `${run.server.url}/setup#%E0%A4%A`);
    try {
      const panel = await admin.page.waitForSelector('#setup-refused:not([hidden])', { timeout: 10_000 });
      const seen = await panel!.evaluate((el) => ({ code: (el as HTMLElement).dataset.code, text: el.textContent ?? '' }));
      assert.equal(seen.code, 'setup_link_invalid');
      assert.match(seen.text, /This setup link is not valid/);
      assert.equal(await admin.page.evaluate(() => location.hash), '');
      assert.deepEqual(admin.errors, []);
    } finally {
      await admin.close();
    }
  });
});
