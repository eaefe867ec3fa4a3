// The emulator's portal-link management and external-id calls, through the unmodified SDK's own generated
// OrganizationService client: GetPortalLinks, DeletePortalLink, DeletePortalLinkByID, GetOrganizationByExternalId
// and CreateOrganization's duplicate check. A deleted link no longer opens, and a session opened through it
// ends (in real Chromium: the framing page hears PORTAL_SESSION_EXPIRY).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'puppeteer-core';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, type Emulator } from '../src/index.js';
import { launchBrowser } from '../../test/support/browser.js';
import { startHostPage } from './support/host-page.js';
import { sdkOrganizationClient } from './support/sdk.js';

async function pageSessionToken(location: string): Promise<string> {
  const html = await (await fetch(location)).text();
  const config = /<script type="application\/json"[^>]*>(.*?)<\/script>/s.exec(html);
  assert.ok(config, 'the portal page carries its configuration block');
  return JSON.parse(config[1]!).sessionToken as string;
}

function sessionApi(emulator: Emulator, token: string, path: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${emulator.url}/portal/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-portal-session': token },
    body: '{}',
    signal,
  });
}

describe('emulator: portal links and external ids through the SDK', () => {
  let emulator: Emulator;
  let scalekit: Scalekit;
  let org: ReturnType<typeof sdkOrganizationClient>;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    org = sdkOrganizationClient(scalekit);
  });
  after(() => emulator.close());

  const mint = (id = 'org_acme') => scalekit.organization.generatePortalLink(id);
  const list = async (id = 'org_acme') => (await org.exec(org.client.getPortalLinks, { id })).links.map((l) => l.id);

  it('GetPortalLinks lists the links still usable, with location and expiry', async () => {
    emulator.reset();
    const a = await mint();
    const b = await mint();
    await mint('org_globex');
    const { links } = await org.exec(org.client.getPortalLinks, { id: 'org_acme' });
    assert.deepEqual(links.map((l) => l.id), [a.id, b.id]);
    assert.equal(links[0]!.location, a.location);
    assert.equal(typeof links[0]!.expireTime?.seconds, 'bigint');
  });

  it('DeletePortalLinkByID: the link no longer opens (expired page) and leaves the list', async () => {
    emulator.reset();
    const keep = await mint();
    const gone = await mint();
    await org.exec(org.client.deletePortalLinkByID, { id: 'org_acme', linkId: gone.id });
    assert.deepEqual(await list(), [keep.id]);
    const page = await fetch(gone.location);
    assert.equal(page.status, 410);
    assert.match(await page.text(), /SESSION_EXPIRED|expired/i);
    assert.equal((await fetch(keep.location)).status, 200, 'the other link still opens');
  });

  it('DeletePortalLinkByID answers NOT_FOUND for an unknown, deleted or other organization\'s link', async () => {
    emulator.reset();
    const globex = await mint('org_globex');
    const acme = await mint();
    await org.exec(org.client.deletePortalLinkByID, { id: 'org_acme', linkId: acme.id });
    for (const [id, linkId] of [
      ['org_acme', globex.id],
      ['org_acme', acme.id],
      ['org_acme', '00000000-0000-4000-8000-000000000000'],
      ['org_acme', 'x'.repeat(10_000)],
      ['org_nope', acme.id],
    ] as const) {
      await assert.rejects(org.exec(org.client.deletePortalLinkByID, { id, linkId }), (error: any) => {
        assert.equal(error.grpcStatus, 5, `${id} ${linkId.slice(0, 40)}`);
        return true;
      });
    }
    assert.equal((await fetch(globex.location)).status, 200, "another organization's link is untouched");
  });

  it('DeletePortalLink deletes every link of that organization only', async () => {
    emulator.reset();
    const a = await mint();
    const b = await mint();
    const other = await mint('org_globex');
    await org.exec(org.client.deletePortalLink, { id: 'org_acme' });
    assert.deepEqual(await list(), []);
    assert.deepEqual(await list('org_globex'), [other.id]);
    assert.equal((await fetch(a.location)).status, 410);
    assert.equal((await fetch(b.location)).status, 410);
    await assert.rejects(org.exec(org.client.deletePortalLink, { id: 'org_nope' }), { grpcStatus: 5 });
    await assert.rejects(org.exec(org.client.getPortalLinks, { id: 'org_nope' }), { grpcStatus: 5 });
  });

  it('deleting the link ends a session opened through it: the waiting page hears at once, its API closes', async () => {
    emulator.reset();
    const link = await mint();
    const token = await pageSessionToken(link.location);
    assert.deepEqual(await list(), [link.id], 'a loaded link with a live session is still listed');
    const answer = await sessionApi(emulator, token, '/session/wait'); // headers: the wait is registered
    assert.equal(answer.status, 200);
    await org.exec(org.client.deletePortalLinkByID, { id: 'org_acme', linkId: link.id });
    assert.deepEqual(await answer.json(), { ended: true });
    assert.equal((await sessionApi(emulator, token, '/session/wait')).status, 401);
    const sso = await fetch(`${emulator.url}/portal/api/sso`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-portal-session': token },
      body: JSON.stringify({ provider: 'okta', enabled: true }),
    });
    assert.equal(sso.status, 401);
  });

  it('a link that aged out of the bounded link table can still be deleted while its session lives', async () => {
    emulator.reset();
    const old = await mint();
    const token = await pageSessionToken(old.location);
    for (let i = 0; i < 100; i++) await mint('org_globex');
    assert.ok(!(await list()).includes(old.id), 'no longer in the table');
    await org.exec(org.client.deletePortalLinkByID, { id: 'org_acme', linkId: old.id });
    assert.equal((await sessionApi(emulator, token, '/session/wait')).status, 401, 'its session ended');
    await assert.rejects(org.exec(org.client.deletePortalLinkByID, { id: 'org_acme', linkId: old.id }), { grpcStatus: 5 });
  });

  it('a page may stop waiting (aborted request) at any time, and wait again', async () => {
    emulator.reset();
    const token = await pageSessionToken((await mint()).location);
    const controller = new AbortController();
    const waiting = sessionApi(emulator, token, '/session/wait', controller.signal);
    controller.abort();
    await assert.rejects(waiting, { name: 'AbortError' });
    const again = await sessionApi(emulator, token, '/session/wait');
    await org.exec(org.client.deletePortalLink, { id: 'org_acme' });
    assert.deepEqual(await again.json(), { ended: true });
  });

  it('GetOrganizationByExternalId and GetOrganization by external id find a created organization', async () => {
    emulator.reset();
    const created = await org.exec(org.client.createOrganization, {
      organization: { displayName: 'Initech', externalId: 'tenant-42', metadata: { plan: 'enterprise' } },
    });
    const byRpc = await org.exec(org.client.getOrganizationByExternalId, { identities: { case: 'externalId', value: 'tenant-42' } });
    assert.equal(byRpc.organization?.id, created.organization?.id);
    assert.deepEqual(byRpc.organization?.metadata, { plan: 'enterprise' });
    const bySdk = await scalekit.organization.getOrganizationByExternalId('tenant-42');
    assert.equal(bySdk.organization?.id, created.organization?.id);
    await assert.rejects(
      org.exec(org.client.getOrganizationByExternalId, { identities: { case: 'externalId', value: 'tenant-none' } }),
      (error: any) => error.grpcStatus === 5 && error.errorCode === 'ORGANIZATION_NOT_FOUND',
    );
  });

  it('CreateOrganization refuses a second organization with the same external id: ALREADY_EXISTS with ErrorInfo', async () => {
    emulator.reset();
    await scalekit.organization.createOrganization('Initech', { externalId: 'tenant-7' });
    await assert.rejects(scalekit.organization.createOrganization('Initech again', { externalId: 'tenant-7' }), (error: any) => {
      assert.equal(error.grpcStatus, 6);
      assert.equal(error.errorCode, 'ORGANIZATION_ALREADY_EXISTS');
      return true;
    });
    const all = await scalekit.organization.listOrganization({ pageSize: 100 });
    assert.equal(all.organizations.filter((o) => o.externalId === 'tenant-7').length, 1);
    // nor can an update take an external id another organization holds
    const other = await scalekit.organization.createOrganization('Other', { externalId: 'tenant-8' });
    await assert.rejects(scalekit.organization.updateOrganization(other.organization!.id, { externalId: 'tenant-7' }), { grpcStatus: 6 });
    await scalekit.organization.updateOrganization(other.organization!.id, { externalId: 'tenant-8', displayName: 'Other Co' });
    // without an external id there is nothing to collide on
    await scalekit.organization.createOrganization('Initech');
    await scalekit.organization.createOrganization('Initech');
  });

  it('CreateOrganization checks metadata against Scalekit\'s limits', async () => {
    emulator.reset();
    const create = (metadata: Record<string, string>) =>
      org.exec(org.client.createOrganization, { organization: { displayName: 'M', externalId: `m-${Math.random()}`, metadata } });
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`key${i}`, 'v']));
    for (const metadata of [eleven, { ab: 'v' }, { ['k'.repeat(26)]: 'v' }, { key: '' }, { key: 'v'.repeat(257) }]) {
      await assert.rejects(create(metadata), { grpcStatus: 3 });
    }
    await create({ key: 'v', ['k'.repeat(25)]: 'v'.repeat(256) });
  });
});

describe('emulator: a deleted link ends its portal session in Chromium', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser.close());

  it('the framing page hears PORTAL_SESSION_EXPIRY, and the portal disables its controls', async () => {
    const emulator = await startEmulator({ port: 0 });
    const host = await startHostPage();
    const context = await browser.createBrowserContext();
    try {
      const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
      const link = await scalekit.organization.generatePortalLink('org_acme');
      const page = await context.newPage();
      await page.goto(host.pageUrl(link.location));
      await page.waitForFunction(() => (window as any).portalMessages.length >= 1);
      const { client, exec } = sdkOrganizationClient(scalekit);
      await exec(client.deletePortalLinkByID, { id: 'org_acme', linkId: link.id });
      await page.waitForFunction(() => (window as any).portalMessages.length >= 2);
      const types = await page.evaluate(() => (window as any).portalMessages.map((m: any) => m.data.event_type));
      assert.deepEqual(types, ['PORTAL_LOAD_SUCCESS', 'PORTAL_SESSION_EXPIRY']);
      const frame = await (await page.waitForSelector('#portal'))!.contentFrame();
      await frame!.waitForSelector('body[data-session="expired"]');
    } finally {
      await context.close();
      await host.close();
      await emulator.close();
    }
  });
});
