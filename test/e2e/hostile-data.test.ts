// Data the host page did not write — organization names, directory attributes from a customer's IdP, the query
// string — is shown as text and never run; signing out really ends the host session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signIn, startDemo, waitForStatus, type DemoRun } from './harness.js';

const PAYLOAD = '<img src=x onerror="window.pwned=(window.pwned||0)+1">';
const ORG = { id: 'org_hostile', displayName: `Evil ${PAYLOAD} Inc` };
const NEIGHBOUR = { id: 'org_neighbour', displayName: 'Neighbour Ltd' };

describe('demo: hostile data and sign-out', () => {
  let run: DemoRun;
  before(async () => {
    run = await startDemo({
      emulator: { organizations: [ORG, NEIGHBOUR] },
      // Not a number: the demo must ignore it and keep the element's default load timeout.
      query: 'loadTimeout=1e3%3Cscript%3E',
    });
  });
  after(async () => {
    await run?.close();
  });

  it('renders organization names and directory attributes as text, ignores a malformed query', async () => {
    const { page, emulator } = run;
    await signIn(page, ORG.id);
    await waitForStatus(page, 'ready');
    assert.equal(
      await page.$eval('scalekit-admin-portal', (el) => el.hasAttribute('load-timeout')),
      false,
      'a malformed ?loadTimeout is ignored',
    );

    emulator.directory.enable(ORG.id);
    const group = emulator.directory.addGroup(ORG.id, { displayName: `Admins ${PAYLOAD}` });
    emulator.directory.addUser(ORG.id, {
      email: 'eve@evil.example',
      givenName: `Eve ${PAYLOAD}`,
      familyName: '</td><td>',
      groups: [group.id],
    });
    await page.waitForSelector('#members-body tr');

    const seen = await page.evaluate(() => ({
      pwned: (window as unknown as { pwned?: number }).pwned ?? 0,
      injectedImages: document.querySelectorAll('#members img, #account img, #sign-in img').length,
      switcher: document.querySelector<HTMLSelectElement>('#org-switcher')!.selectedOptions[0]!.textContent,
      name: document.querySelector('#members-body .member-name')!.textContent,
      group: document.querySelector('#members-body .tag')!.textContent,
      cells: document.querySelectorAll('#members-body tr:first-child > td').length,
    }));
    assert.equal(seen.pwned, 0, 'no injected script ran');
    assert.equal(seen.injectedImages, 0, 'no injected element');
    assert.equal(seen.switcher, ORG.displayName);
    assert.ok(seen.name?.includes(PAYLOAD), 'the name is shown literally');
    assert.equal(seen.group, `Admins ${PAYLOAD}`);
    assert.equal(seen.cells, 4, 'the row keeps its four cells');
    assert.deepEqual(run.pageErrors, []);
  });

  it('signing out removes the portal and the server refuses a new link', async () => {
    const { page, emulator } = run;
    const issued = emulator.stats().linksIssued;
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in', { visible: true });
    assert.equal(await page.$('scalekit-admin-portal'), null, 'the portal is gone');
    assert.equal(await page.$('#workspace[hidden]') !== null, true);

    const status = await page.evaluate(() =>
      fetch('/api/scalekit/portal-link', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }).then((r) => r.status),
    );
    assert.equal(status, 401);
    assert.equal(emulator.stats().linksIssued, issued, 'no link minted after sign-out');
  });
});
