// Provisioning, verified in the browser: a user created in the customer's directory (the emulator's simulated IdP,
// inside the portal) reaches the host's Members panel through signed webhooks and server-sent events; edits,
// deactivation and deletion follow; a user of another organization never shows up.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'puppeteer-core';
import { DEFAULT_ORGANIZATIONS } from '../../emulator/src/index.js';
import { idpAction, portalFrame, signIn, startDemo, testid, waitForLogEntry, waitForStatus, type DemoRun } from './harness.js';

const [org, otherOrg] = DEFAULT_ORGANIZATIONS;
const EMAIL = 'ada.lovelace@acme.example';
const OTHER_EMAIL = 'mallory@globex.example';

async function setField(frame: Frame, id: string, value: string): Promise<void> {
  await frame.$eval(testid(id), (el, v) => ((el as HTMLInputElement).value = v as string), value);
}

/** The host's row for `email`, as the page shows it, once `predicate` holds. */
async function waitForMember(page: Page, email: string, expected: { name?: string; status?: string; groups?: string }) {
  const handle = await page.waitForFunction(
    (wanted: string, want: { name?: string; status?: string; groups?: string }) => {
      const row = [...document.querySelectorAll<HTMLTableRowElement>('#members-body tr')].find(
        (r) => r.querySelector('.member-email')?.textContent === wanted,
      );
      if (!row) return false;
      const seen = {
        name: row.querySelector('.member-name')?.textContent ?? '',
        status: row.querySelector('.member-status')?.textContent ?? '',
        groups: [...row.querySelectorAll('.tag')].map((t) => t.textContent).join(', '),
        active: row.dataset.active,
      };
      const matches = Object.entries(want).every(([k, v]) => seen[k as keyof typeof seen]?.endsWith(v as string));
      return matches ? seen : false;
    },
    {},
    email,
    expected,
  );
  return (await handle.jsonValue()) as { name: string; status: string; groups: string; active: string };
}

describe('demo: provisioned members, end to end', () => {
  let run: DemoRun;
  before(async () => {
    run = await startDemo();
  });
  after(async () => {
    await run?.close();
  });

  it('follows a directory user from the simulated IdP to the Members panel: add, edit, deactivate, delete', async () => {
    assert.ok(org && otherOrg);
    const { page, emulator } = run;

    // Another customer provisions someone too; their webhook reaches the same host, for their organization.
    emulator.directory.enable(otherOrg.id);
    emulator.directory.addUser(otherOrg.id, { email: OTHER_EMAIL, givenName: 'Mallory', familyName: 'Globex' });

    // Record every email the Members panel ever renders, so "never appears" covers the whole run.
    await page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { seenMembers: Set<string> }).seenMembers = seen;
      new MutationObserver(() => {
        for (const cell of document.querySelectorAll('#members-body .member-email')) seen.add(cell.textContent ?? '');
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });

    await signIn(page, org.id);
    await waitForStatus(page, 'ready');
    await page.waitForSelector('#members-feed[data-state="live"]');
    const frame = await portalFrame(page, emulator.url);

    // Seed step 3: the customer's admin turns directory sync on; the simulated IdP appears.
    await frame.click('#dir-enable');
    await waitForLogEntry(page, 'scalekit-directory-enabled');
    await frame.waitForSelector(`${testid('idp-panel')}[data-enabled="true"]`);

    await idpAction(frame, async () => {
      await setField(frame, 'idp-group-name', 'Engineering');
      await frame.click(testid('idp-group-submit'));
    });
    await idpAction(frame, async () => {
      await setField(frame, 'idp-user-email', EMAIL);
      await setField(frame, 'idp-user-given-name', 'Ada');
      await setField(frame, 'idp-user-family-name', 'Lovelace');
      await frame.click(testid('idp-user-group'));
      await frame.click(testid('idp-user-submit'));
    });

    // Created: the host shows the user with the IdP's attributes.
    const created = await waitForMember(page, EMAIL, { name: 'Ada Lovelace', groups: 'Engineering', status: 'Active' });
    assert.equal(created.active, 'true');

    // Updated in the IdP: the change propagates.
    const row = `${testid('idp-user-row')}[data-email="${EMAIL}"]`;
    await idpAction(frame, async () => {
      await frame.click(`${row} ${testid('idp-user-edit')}`);
      await setField(frame, 'idp-user-family-name', 'King');
      await frame.click(testid('idp-user-submit'));
    });
    await waitForMember(page, EMAIL, { name: 'Ada King', status: 'Active' });

    // Deactivated: shown as such (the host must refuse them access).
    await idpAction(frame, () => frame.click(`${row} ${testid('idp-user-deactivate')}`));
    const deactivated = await waitForMember(page, EMAIL, { status: 'Deactivated' });
    assert.equal(deactivated.active, 'false');

    // Deleted in the IdP: Scalekit's user_deleted deprovisions, so the host keeps the member, deactivated.
    await idpAction(frame, () => frame.click(`${row} ${testid('idp-user-delete')}`));
    await waitForMember(page, EMAIL, { status: 'Deactivated' });

    // Reconcile rebuilds from the directory API, which no longer has them: nobody, and nobody from the other
    // organization either.
    await page.click('#reconcile');
    await waitForLogEntry(page, 'host', 'Reconciled 0 members');
    assert.equal(await page.$$eval('#members-body .member-email', (cells) => cells.length), 0);

    const seen = await page.evaluate(() => [...(window as unknown as { seenMembers: Set<string> }).seenMembers]);
    assert.ok(seen.includes(EMAIL), 'the panel did show the provisioned user');
    assert.ok(!seen.includes(OTHER_EMAIL), 'a user of another organization never appeared');
    assert.deepEqual(run.pageErrors, []);
  });
});
