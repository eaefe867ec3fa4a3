// The checks every runtime passes: the fixture host app (scalekitRest() + scalekitPortal() + scalekitWebhooks())
// running in that runtime mints portal links from the emulator on loopback, maps Scalekit's refusals, and
// verifies a webhook the emulator signed (and refuses a forged one).
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../../emulator/src/index.js';
import type { Emulator } from '../../emulator/src/index.js';
import { signJwt } from '../../emulator/src/rest/signing-key.js';
import { SSO_REDIRECT_URI, type RuntimeAppConfig } from './fixtures/app.js';
import type { RunningRuntime } from './harness.js';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

export function runtimeSuite(name: string, start: (config: RuntimeAppConfig) => Promise<RunningRuntime>): void {
  describe(`the host app on ${name}, with scalekitRest()`, () => {
    let emulator: Emulator;
    let runtime: RunningRuntime;
    let acme: string;
    const webhookSecret = newSecret();

    before(async () => {
      // One delivery attempt: a failed delivery shows at once instead of after Scalekit's 5 s retry.
      emulator = await startEmulator({
        port: 0,
        webhooks: { url: 'http://127.0.0.1:9/not-yet', secret: webhookSecret, retryScheduleMs: [0] },
      });
      acme = emulator.organizations()[0]!.id;
      runtime = await start({
        environmentUrl: emulator.url,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        webhookSecret,
      });
      emulator.webhooks.configure({ url: `${runtime.url}/webhooks/scalekit`, secret: webhookSecret });
    });
    after(async () => {
      await runtime?.stop();
      await emulator?.close();
    });

    const requestLink = (organizationId: string, features?: string[]) =>
      fetch(`${runtime.url}/api/scalekit/portal-link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-organization': organizationId },
        body: JSON.stringify(features ? { features } : {}),
      });

    it(`runs in ${name}`, async () => {
      const response = await fetch(`${runtime.url}/test/runtime`);
      assert.deepEqual(await response.json(), { runtime: name });
    });

    it('mints portal links from the emulator: one token for a burst, one call per link', async () => {
      const start = emulator.stats();
      const responses = await Promise.all(Array.from({ length: 10 }, () => requestLink(acme, ['sso'])));
      for (const response of responses) {
        const text = await response.text();
        assert.equal(response.status, 200, `${response.status} ${text}\n${runtime.stderr().slice(-1000)}`);
        const link = JSON.parse(text) as { id: string; location: string; expiresAt: string };
        assert.ok(link.location.startsWith(`${emulator.url}/magicLink/`));
        assert.ok(Date.parse(link.expiresAt) > Date.now());
      }
      const now = emulator.stats();
      assert.equal(now.tokenRequests - start.tokenRequests, 1);
      assert.equal((now.rpcs['GeneratePortalLink'] ?? 0) - (start.rpcs['GeneratePortalLink'] ?? 0), 10);
      assert.deepEqual(now.links.at(-1)!.requestedFeatures, ['sso']);
    });

    it('answers Scalekit’s refusals with the error table', async () => {
      const notFound = await requestLink('org_unknown_to_scalekit');
      assert.equal(notFound.status, 404);
      assert.equal(((await notFound.json()) as { error: { code: string } }).error.code, 'organization_not_found');

      emulator.faults.failRpcs(1, 'resource_exhausted', 'GeneratePortalLink');
      const limited = await requestLink(acme);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      await limited.body?.cancel();
    });

    it('onboards: ensureOrganization() creates once, then finds; a setup link mints a link and revoking deletes it', async () => {
      const externalId = `tenant-${randomBytes(6).toString('hex')}`;
      const ensure = async () => {
        const response = await fetch(`${runtime.url}/test/ensure-organization`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ externalId, name: 'Initech' }),
        });
        assert.equal(response.status, 200, runtime.stderr().slice(-1000));
        return (await response.json()) as { organizationId: string; created: boolean };
      };
      const first = await ensure();
      const again = await ensure();
      assert.deepEqual([first.created, again.created, again.organizationId], [true, false, first.organizationId]);

      const setup = (path: string, init: { method: string; body?: unknown }) =>
        fetch(`${runtime.url}/api/setup${path}`, {
          method: init.method,
          headers: { 'content-type': 'application/json', 'x-test-organization': first.organizationId },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        });
      const created = await setup('/setup-links', { method: 'POST', body: {} });
      assert.equal(created.status, 201, runtime.stderr().slice(-1000));
      const { id, url } = (await created.json()) as { id: string; url: string };
      const minted = await setup('/setup-links/portal-link', { method: 'POST', body: { token: new URL(url).hash.slice(1), features: ['sso'] } });
      assert.equal(minted.status, 200);
      const link = (await minted.json()) as { id: string };
      assert.deepEqual(emulator.stats().links.find((l) => l.id === link.id)?.organizationId, first.organizationId);

      const deletes = () => emulator.stats().rpcs['DeletePortalLinkByID'] ?? 0;
      const before = deletes();
      assert.equal((await setup(`/setup-links/${id}`, { method: 'DELETE' })).status, 204);
      assert.equal(deletes() - before, 1);
    });

    it('SSO: start sets a signed flow cookie and redirects to the emulator; the callback checks state and the code', async () => {
      const started = await fetch(`${runtime.url}/auth/sso/start?email=ada@example.com`, { redirect: 'manual' });
      assert.equal(started.status, 302, runtime.stderr().slice(-1000));
      const location = new URL(started.headers.get('location')!);
      assert.equal(`${location.origin}${location.pathname}`, `${emulator.url}/oauth/authorize`);
      assert.equal(location.searchParams.get('redirect_uri'), SSO_REDIRECT_URI);
      assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(location.searchParams.get('domain_hint'), 'example.com');
      const setCookie = started.headers.get('set-cookie')!;
      assert.match(setCookie, /HttpOnly; SameSite=Lax$/);
      const cookie = setCookie.split(';')[0]!;
      const state = location.searchParams.get('state')!;

      const callback = (query: string, withCookie = cookie) =>
        fetch(`${runtime.url}/auth/sso/callback?${query}`, { redirect: 'manual', headers: withCookie ? { cookie: withCookie } : {} });
      const wrongState = await callback('code=abc&state=not-it');
      assert.equal(wrongState.status, 400);
      assert.equal(((await wrongState.json()) as { error: { code: string } }).error.code, 'sso_state_invalid');
      // The emulator refuses a code it never issued: the exchange went out and came back as a refusal.
      const refused = await callback(`code=never-issued&state=${state}`);
      assert.equal(refused.status, 401, runtime.stderr().slice(-1000));
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'sso_failed');
      assert.match(refused.headers.get('set-cookie') ?? '', /Max-Age=0/);
    });

    it('SSO: an IdP-initiated login token the emulator signed is verified (JWKS, RS256) and restarted for its connection', async () => {
      const claims = { iss: emulator.url, exp: Math.floor(Date.now() / 1000) + 300, connection_id: 'conn_runtime', organization_id: acme, login_hint: 'ada@example.com' };
      const restarted = await fetch(`${runtime.url}/auth/sso/callback?idp_initiated_login=${signJwt(claims)}`, { redirect: 'manual' });
      assert.equal(restarted.status, 302, `${await restarted.clone().text()}\n${runtime.stderr().slice(-1000)}`);
      const query = new URL(restarted.headers.get('location')!).searchParams;
      assert.equal(query.get('connection_id'), 'conn_runtime');
      assert.equal(query.get('login_hint'), 'ada@example.com');
      assert.match(restarted.headers.get('set-cookie') ?? '', /Max-Age=600/);

      const [header, , signature] = signJwt(claims).split('.');
      const forgedBody = Buffer.from(JSON.stringify({ ...claims, connection_id: 'conn_mallory' })).toString('base64url');
      const forged = await fetch(`${runtime.url}/auth/sso/callback?idp_initiated_login=${header}.${forgedBody}.${signature}`, { redirect: 'manual' });
      assert.equal(forged.status, 401);
      assert.equal(((await forged.json()) as { error: { code: string } }).error.code, 'sso_failed');
    });

    it('verifies a webhook the emulator signed and hands it to onEvent once', async () => {
      emulator.directory.enable(acme);
      await emulator.webhooks.settled();
      const delivery = emulator.webhooks.deliveries().at(-1)!;
      assert.equal(delivery.type, 'organization.directory_enabled');
      assert.equal(delivery.lastStatus, 200, `delivery: ${JSON.stringify(delivery)}\n${runtime.stderr().slice(-1000)}`);
      const seen = (await (await fetch(`${runtime.url}/test/events`)).json()) as Array<{ id: string; type: string }>;
      assert.deepEqual(seen.filter((event) => event.id === delivery.id), [{ id: delivery.id, type: delivery.type }]);
    });

    const signedEvent = () => {
      const body = JSON.stringify({
        spec_version: '1',
        id: `evt_${randomBytes(8).toString('hex')}`,
        type: 'organization.directory.user_created',
        occurred_at: new Date().toISOString(),
        environment_id: 'env_1',
        organization_id: acme,
        object: 'DirectoryUser',
        data: { id: 'diruser_1', organization_id: acme, email: 'ada@example.com' },
      });
      const id = `msg_${randomBytes(8).toString('hex')}`;
      const timestamp = Math.floor(Date.now() / 1000);
      const sign = (secret: string, signed: string) =>
        `v1,${createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.${signed}`).digest('base64')}`;
      const deliver = (signature: string, sent: string, mount = '') =>
        fetch(`${runtime.url}${mount}/webhooks/scalekit`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature },
          body: sent,
        });
      return { body, id, sign, deliver };
    };

    it('refuses a delivery signed with another secret, and one signed right but altered', async () => {
      const { body, sign, deliver } = signedEvent();
      const forged = await deliver(sign(newSecret(), body), body);
      assert.equal(forged.status, 401);
      assert.equal(((await forged.json()) as { error: { code: string } }).error.code, 'invalid_signature');
      const altered = await deliver(sign(webhookSecret, body), body.replace('ada@', 'eve@'));
      assert.equal(altered.status, 401);
      await altered.body?.cancel();

      // The same delivery, signed with the endpoint's secret (a Standard Webhooks HMAC computed here), passes.
      const genuine = await deliver(sign(webhookSecret, body), body);
      assert.equal(genuine.status, 200, await genuine.clone().text());
      await genuine.body?.cancel();
    });

    for (const variant of ['json', 'text', 'clone']) {
      it(`behind middleware that read the body first (${variant}): the same answers`, async () => {
        const mount = `/behind/${variant}`;
        const minted = await fetch(`${runtime.url}${mount}/api/scalekit/portal-link`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-test-organization': acme },
          body: JSON.stringify({ features: ['sso'] }),
        });
        const text = await minted.text();
        assert.equal(minted.status, 200, `${text}\n${runtime.stderr().slice(-1000)}`);
        const link = JSON.parse(text) as { id: string };
        assert.deepEqual(emulator.stats().links.find((l) => l.id === link.id)?.features, ['sso']);
        const anonymous = await fetch(`${runtime.url}${mount}/api/scalekit/portal-link`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
        });
        assert.equal(anonymous.status, 401);
        await anonymous.body?.cancel();

        const { body, id, sign, deliver } = signedEvent();
        const altered = await deliver(sign(webhookSecret, body), body.replace('ada@', 'eve@'), mount);
        assert.equal(altered.status, 401);
        await altered.body?.cancel();
        const genuine = await deliver(sign(webhookSecret, body), body, mount);
        assert.equal(genuine.status, 200, await genuine.clone().text());
        await genuine.body?.cancel();
        const eventId = (JSON.parse(body) as { id: string }).id;
        const seen = (await (await fetch(`${runtime.url}/test/events`)).json()) as Array<{ id: string }>;
        assert.equal(seen.filter((event) => event.id === eventId).length, 1, `onEvent ran once (${id})`);
      });
    }
  });
}
