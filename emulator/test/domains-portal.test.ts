// The portal page's domain section in real headless Chromium: an organization admin adds a domain, reads the
// TXT record to publish, runs the (simulated) DNS check with Verify — failing once by an injected fault —, sees
// the status, and deletes it; each step changes the state the SDK reads and sends the signed event.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'puppeteer-core';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, type Emulator } from '../src/index.js';
import { generateWebhookSecret } from '../src/directory/index.js';
import { launchBrowser } from '../../test/support/browser.js';
import { startReceiver } from './support/receiver.js';

const ACME = 'org_acme';

describe('portal page domain section (Chromium)', () => {
  let browser: Browser;
  let emulator: Emulator;
  let scalekit: Scalekit;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const secret = generateWebhookSecret();

  before(async () => {
    browser = await launchBrowser();
    receiver = await startReceiver(new Scalekit('http://127.0.0.1:9', 'x', 'y'), secret);
    emulator = await startEmulator({ webhooks: { url: receiver.url, secret } });
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  });
  after(async () => {
    await browser.close();
    await emulator.close();
    await receiver.close();
  });

  async function openPortal(fn: (page: Page) => Promise<void>) {
    const link = await scalekit.organization.generatePortalLink(ACME);
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    try {
      await page.goto(link.location);
      await page.waitForSelector('body[data-portal-state="ready"]');
      await fn(page);
    } finally {
      await context.close();
    }
  }

  const item = (domain: string, status?: string) => `#domain-list li[data-domain="${domain}"]${status ? `[data-status="${status}"]` : ''}`;

  it('shows no domain section while the organization\'s domain_verification setting is off', async () => {
    await openPortal(async (page) => {
      assert.equal(await page.$('#domain-section'), null);
      assert.ok(await page.$('#sso-section'), 'the other sections are there');
    });
  });

  it('adds a domain, shows its TXT record, verifies it (after one failed check) and deletes it', async () => {
    await scalekit.organization.updateOrganizationSettings(ACME, { features: [{ name: 'domain_verification', enabled: true }] });
    await openPortal(async (page) => {
      await page.waitForSelector('#domain-section');

      await page.type('#domain-input', 'gmail.com');
      await page.click('#domain-add');
      await page.waitForFunction(() => document.getElementById('domain-error')!.textContent!.length > 0);
      assert.match(await page.$eval('#domain-error', (el) => el.textContent!), /public/);

      await page.$eval('#domain-input', (el) => { (el as HTMLInputElement).value = ''; });
      await page.type('#domain-input', 'Acme.test');
      await page.keyboard.press('Enter');
      await page.waitForSelector(item('acme.test', 'PENDING'));
      const [record] = emulator.domains.list(ACME);
      assert.equal(record!.domain, 'acme.test');
      const txt = await page.$eval(item('acme.test'), (li) => ({
        name: (li.querySelector('.domain-txt-name') as HTMLInputElement).value,
        value: (li.querySelector('.domain-txt-value') as HTMLInputElement).value,
        status: li.querySelector('.domain-status')!.textContent,
      }));
      assert.deepEqual(txt, { name: 'scalekit-domain-verification', value: record!.txtRecord.value, status: 'Pending verification' });
      assert.equal(await page.$eval('#domain-error', (el) => el.textContent), '', 'the earlier error is cleared');

      emulator.faults.failDnsChecks('acme.test');
      await page.click(`${item('acme.test')} .domain-verify`);
      await page.waitForSelector(item('acme.test', 'FAILED'));
      assert.equal(await page.$eval(`${item('acme.test')} .domain-status`, (el) => el.textContent), 'Verification failed');
      await page.waitForFunction(() => /not found/.test(document.getElementById('portal-live')!.textContent ?? ''));

      await page.click(`${item('acme.test')} .domain-verify`);
      await page.waitForSelector(item('acme.test', 'VERIFIED'));
      assert.equal(await page.$(`${item('acme.test')} .domain-verify`), null, 'no Verify button once verified');
      assert.equal((await scalekit.connection.listConnectionsByDomain('acme.test')).connections.length, 0, 'no SSO connection yet');
      assert.equal(emulator.domains.list(ACME)[0]!.status, 'VERIFIED');

      await page.click(`${item('acme.test')} .domain-delete`);
      await page.waitForFunction(() => document.querySelectorAll('#domain-list li').length === 0);
      assert.deepEqual(emulator.domains.list(ACME), []);
    });
    await emulator.webhooks.settled();
    assert.deepEqual(receiver.rejected, []);
    assert.deepEqual(receiver.deliveries.map((d) => d.event.type).filter((t) => t.startsWith('organization.domain')), [
      'organization.domain_created',
      'organization.domain_dns_verification_failed',
      'organization.domain_dns_verification_success',
      'organization.domain_deleted',
    ]);
  });

  it('renders a hostile-looking domain list as text, never markup', async () => {
    await scalekit.organization.updateOrganizationSettings(ACME, { features: [{ name: 'domain_verification', enabled: true }] });
    emulator.domains.add(ACME, 'xn--80ak6aa92e.com', { verified: true });
    await openPortal(async (page) => {
      await page.waitForSelector(item('xn--80ak6aa92e.com', 'VERIFIED'));
      await page.type('#domain-input', '<img src=x onerror="window.pwned=1">.com');
      await page.click('#domain-add');
      await page.waitForFunction(() => document.getElementById('domain-error')!.textContent!.length > 0);
      assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
      assert.equal(await page.$('#domain-list img'), null);
    });
  });
});
