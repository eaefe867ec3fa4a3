// The `domain_verification` portal feature through the token endpoint, with the real SDK and with
// scalekitRest(), against the emulator: opt-in (the default allow-list is sso and dir_sync), shown only to organizations whose setting is on,
// sent by name over REST, and never widened or silently dropped by the SDK, whose enum has no number for it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, type Emulator } from '../../../emulator/src/index.js';
import { scalekitPortal, scalekitRest, type ScalekitPortalOptions } from '../../../server/index.js';

const SAME_ORIGIN = { origin: 'http://localhost', 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };

describe('token endpoint: the domain_verification feature', () => {
  let emulator: Emulator;
  let sdk: Scalekit;
  const ACME = 'org_acme';
  const log: string[] = [];

  before(async () => {
    emulator = await startEmulator({ organizations: [{ id: ACME, displayName: 'Acme' }] });
    sdk = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    await sdk.organization.updateOrganizationSettings(ACME, { features: [{ name: 'domain_verification', enabled: true }] });
  });
  after(() => emulator.close());

  const app = (scalekit: ScalekitPortalOptions['scalekit'], features?: ScalekitPortalOptions['features']) =>
    scalekitPortal({ scalekit, authorize: () => ({ organizationId: ACME }), rateLimit: false, features, log: (line) => log.push(line) });
  const post = (target: ReturnType<typeof app>, body: unknown) =>
    target.request('/portal-link', { method: 'POST', headers: SAME_ORIGIN, body: JSON.stringify(body) });
  const lastLink = () => emulator.stats().links.at(-1)!;

  for (const [name, client] of [['the Node SDK', () => sdk], ['scalekitRest()', () => scalekitRest({
    environmentUrl: emulator.url, clientId: emulator.clientId, clientSecret: emulator.clientSecret,
  })]] as const) {
    it(`${name}: allowed when listed; a request for everything sends none and gets the domain section`, async () => {
      const portal = app(client(), ['sso', 'dir_sync', 'domain_verification']);
      assert.equal((await post(portal, {})).status, 200);
      assert.deepEqual(lastLink().requestedFeatures, []);
      assert.deepEqual(lastLink().features, ['sso', 'dir_sync', 'domain_verification']);
      assert.equal((await post(portal, { features: ['domain_verification', 'sso', 'dir_sync'] })).status, 200);
      assert.deepEqual(lastLink().requestedFeatures, []);
      assert.equal((await post(portal, { features: ['sso'] })).status, 200);
      assert.deepEqual(lastLink().features, ['sso']);
    });

    it(`${name}: the default allow-list, or any without it, keeps the domain section out`, async () => {
      const portal = app(client());
      assert.equal((await post(portal, {})).status, 200);
      assert.deepEqual(lastLink().requestedFeatures, ['sso', 'dir_sync']);
      assert.deepEqual(lastLink().features, ['sso', 'dir_sync']);
      assert.equal((await post(app(client(), ['sso']), {})).status, 200);
      assert.deepEqual(lastLink().features, ['sso']);
      const refused = await post(portal, { features: ['domain_verification'] });
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'invalid_request');
    });
  }

  const ALL = ['sso', 'dir_sync', 'domain_verification'] as const;

  it('scalekitRest() scopes a link to domain_verification by name', async () => {
    const portal = app(scalekitRest({ environmentUrl: emulator.url, clientId: emulator.clientId, clientSecret: emulator.clientSecret }), [...ALL]);
    assert.equal((await post(portal, { features: ['domain_verification'] })).status, 200);
    assert.deepEqual(lastLink().requestedFeatures, ['domain_verification']);
    assert.deepEqual(lastLink().features, ['domain_verification']);
  });

  it('the Node SDK refuses a partial request naming domain_verification rather than widening or narrowing it', async () => {
    const issued = emulator.stats().linksIssued;
    const portal = app(sdk, [...ALL]);
    const response = await post(portal, { features: ['domain_verification'] });
    assert.equal(response.status, 400, 'the request is refused, not answered as an outage');
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'invalid_request');
    assert.match(error.message, /domain_verification/);
    assert.equal(emulator.stats().linksIssued, issued, 'no link was minted');
  });
});
