// Organization domains on the emulator: DomainService through the unmodified SDK's `domain` client (and its
// generated client for VerifyDomain, which the SDK has no wrapper for), the REST routes with plain fetch, the
// simulated DNS check and its fault, /_emulator/domains, the portal page's domain API, home-realm discovery
// through listConnectionsByDomain, and the signed domain and SSO connection webhooks a real receiver verifies.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Scalekit,
  ScalekitBadRequestException,
  ScalekitNotFoundException,
} from '@scalekit-sdk/node';
import type { Client } from '@connectrpc/connect';
import {
  DomainService,
  DomainType,
  VerificationMethod,
  VerificationStatus,
} from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/domains/domains_pb.js';
import { DomainError, startEmulator, type Emulator } from '../src/index.js';
import { generateWebhookSecret } from '../src/directory/index.js';
import { startReceiver } from './support/receiver.js';
import { portalApi, portalSession } from './support/portal-api.js';

const ACME = 'org_acme';
const GLOBEX = 'org_globex';
const ERROR_INFO = 'type.googleapis.com/scalekit.v1.errdetails.ErrorInfo';

type Exec = <I, O>(fn: (input: I) => Promise<O>, data: I) => Promise<O>;

/** The SDK's own generated DomainService client, as `scalekit.domain` holds it. */
function generatedDomainClient(scalekit: Scalekit) {
  const inner = scalekit.domain as unknown as { client: Client<typeof DomainService>; coreClient: { connectExec: Exec } };
  assert.ok(inner.client && typeof inner.coreClient?.connectExec === 'function', 'SDK internals as in 2.11');
  const exec = inner.coreClient.connectExec.bind(inner.coreClient) as Exec;
  return {
    verify: (organizationId: string, id: string) =>
      exec(inner.client.verifyDomain, { id, identities: { case: 'organizationId' as const, value: organizationId } }),
  };
}

async function rejectsWith(promise: Promise<unknown>, type: new (...args: never[]) => Error, errorCode: string) {
  await assert.rejects(promise, (error: Error & { errorCode?: string | null }) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${error.constructor.name}`);
    assert.equal(error.errorCode, errorCode);
    return true;
  });
}

describe('emulator: organization domains', () => {
  let emulator: Emulator;
  let scalekit: Scalekit;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let token: string;
  const secret = generateWebhookSecret();

  before(async () => {
    scalekit = new Scalekit('http://127.0.0.1:9', 'x', 'y'); // verifier only, for the receiver
    receiver = await startReceiver(scalekit, secret);
    emulator = await startEmulator({
      organizations: [{ id: ACME, displayName: 'Acme' }, { id: GLOBEX, displayName: 'Globex' }],
      webhooks: { url: receiver.url, secret },
    });
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    const res = await fetch(`${emulator.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: emulator.clientId, client_secret: emulator.clientSecret }),
    });
    token = (await res.json()).access_token;
  });
  beforeEach(async () => {
    await emulator.webhooks.settled();
    emulator.reset();
    receiver.deliveries.length = 0;
  });
  after(async () => {
    await emulator.close();
    await receiver.close();
  });

  const control = (method: string, path: string, body?: unknown, type = 'application/json') =>
    fetch(`${emulator.url}/_emulator${path}`, {
      method,
      headers: { authorization: `Bearer ${emulator.controlToken}`, ...(body === undefined ? {} : { 'content-type': type }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const rest = (method: string, path: string, body?: unknown) =>
    fetch(`${emulator.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('creates, gets, lists and deletes domains through the SDK; a new domain is PENDING with a TXT record', async () => {
    const { domain } = await scalekit.domain.createDomain(ACME, 'Acme.TEST.', { domainType: 'ORGANIZATION_DOMAIN' });
    assert.ok(domain);
    assert.match(domain.id, /^dom_\d+$/);
    assert.equal(domain.domain, 'acme.test', 'stored lower case, without the trailing dot');
    assert.equal(domain.organizationId, ACME);
    assert.equal(domain.domainType, DomainType.ORGANIZATION_DOMAIN);
    assert.equal(domain.verificationStatus, VerificationStatus.PENDING);
    assert.equal(domain.verificationMethod, VerificationMethod.DNS);
    assert.equal(domain.txtRecordKey, 'scalekit-domain-verification');
    assert.match(domain.txtRecordSecret, /^sk_dom_verify_[A-Za-z0-9_-]{20,}$/);
    assert.match(domain.environmentId, /^env_/);
    assert.ok(domain.createTime && domain.updateTime);

    const allowed = (await scalekit.domain.createDomain(ACME, 'acme-mail.test', { domainType: 'ALLOWED_EMAIL_DOMAIN' })).domain!;
    const plain = (await scalekit.domain.createDomain(ACME, 'acme.example')).domain!;
    assert.equal(plain.domainType, DomainType.ORGANIZATION_DOMAIN, 'the default type routes SSO');

    const got = (await scalekit.domain.getDomain(ACME, domain.id)).domain!;
    assert.equal(got.txtRecordSecret, domain.txtRecordSecret);
    assert.deepEqual((await scalekit.domain.listDomains(ACME)).domains.map((d) => d.domain), ['acme.test', 'acme-mail.test', 'acme.example']);
    assert.deepEqual((await scalekit.domain.listDomains(ACME, { domainType: 'ALLOWED_EMAIL_DOMAIN' })).domains.map((d) => d.id), [allowed.id]);
    assert.deepEqual((await scalekit.domain.listDomains(GLOBEX)).domains, []);

    await scalekit.domain.deleteDomain(ACME, plain.id);
    await rejectsWith(scalekit.domain.getDomain(ACME, plain.id), ScalekitNotFoundException, 'DOMAIN_NOT_FOUND');
    await rejectsWith(scalekit.domain.deleteDomain(ACME, plain.id), ScalekitNotFoundException, 'DOMAIN_NOT_FOUND');
    // Another organization's domain is as unknown as a made-up one.
    await rejectsWith(scalekit.domain.getDomain(GLOBEX, domain.id), ScalekitNotFoundException, 'DOMAIN_NOT_FOUND');
    await rejectsWith(scalekit.domain.listDomains('org_nope'), ScalekitNotFoundException, 'ORGANIZATION_NOT_FOUND');
  });

  it('refuses public mail domains, malformed names and a domain another organization holds', async () => {
    for (const name of ['gmail.com', 'OUTLOOK.com', 'yahoo.com', 'hotmail.com', 'icloud.com', 'mail.gmail.com']) {
      await rejectsWith(scalekit.domain.createDomain(ACME, name), ScalekitBadRequestException, 'PUBLIC_DOMAIN_NOT_ALLOWED');
    }
    const malformed = ['', ' ', 'localhost', 'acme', '-acme.com', 'acme-.com', 'a..com', '127.0.0.1', 'acme.c0m', 'ac me.com',
      'acmé.com', 'acme.com/x', 'user@acme.com', 'javascript:alert(1)', `${'a'.repeat(64)}.com`, `${'a.'.repeat(130)}com`, 'x'.repeat(100_000)];
    for (const name of malformed) {
      await rejectsWith(scalekit.domain.createDomain(ACME, name), ScalekitBadRequestException, 'INVALID_DOMAIN');
    }
    await scalekit.domain.createDomain(ACME, 'acme.test');
    await rejectsWith(scalekit.domain.createDomain(GLOBEX, 'ACME.test'), ScalekitBadRequestException, 'DOMAIN_ALREADY_EXISTS');
    await rejectsWith(scalekit.domain.createDomain(ACME, 'acme.test'), ScalekitBadRequestException, 'DOMAIN_ALREADY_EXISTS');
    assert.deepEqual((await scalekit.domain.listDomains(GLOBEX)).domains, [], 'nothing was created by a refusal');
    assert.equal((await scalekit.domain.listDomains(ACME)).domains.length, 1);
  });

  it('VerifyDomain runs a simulated DNS check: verified unless a fault is set, and then FAILED until a later check', async () => {
    const { verify } = generatedDomainClient(scalekit);
    const ok = (await scalekit.domain.createDomain(ACME, 'acme.test')).domain!;
    assert.equal((await verify(ACME, ok.id)).verified, true);
    assert.equal((await scalekit.domain.getDomain(ACME, ok.id)).domain!.verificationStatus, VerificationStatus.VERIFIED);
    assert.equal((await verify(ACME, ok.id)).verified, true, 'verifying again changes nothing');

    const failing = (await scalekit.domain.createDomain(ACME, 'acme.example')).domain!;
    assert.equal((await control('POST', '/faults', { dnsCheck: { domain: 'ACME.example', count: 2 } })).status, 200);
    assert.equal((await verify(ACME, failing.id)).verified, false);
    assert.equal((await scalekit.domain.getDomain(ACME, failing.id)).domain!.verificationStatus, VerificationStatus.FAILED);
    assert.equal((await verify(ACME, failing.id)).verified, false);
    assert.equal((await verify(ACME, failing.id)).verified, true, 'the fault covered two checks only');

    emulator.faults.failDnsChecks('acme.org');
    const other = emulator.domains.add(ACME, 'acme.org');
    emulator.faults.clear();
    assert.equal(emulator.domains.verify(ACME, other.id), true, 'faults.clear() removes DNS-check faults');
    await rejectsWith(verify(ACME, 'dom_1'), ScalekitNotFoundException, 'DOMAIN_NOT_FOUND');
  });

  it('a verified ORGANIZATION_DOMAIN finds its organization\'s SSO connection (listConnectionsByDomain)', async () => {
    const session = await portalSession(emulator, ACME);
    await portalApi(emulator, session, 'sso', { provider: 'okta', enabled: true });
    const pending = emulator.domains.add(ACME, 'acme.test');
    assert.deepEqual((await scalekit.connection.listConnectionsByDomain('acme.test')).connections, [], 'a pending domain routes nothing');
    emulator.domains.verify(ACME, pending.id);
    const [connection] = (await scalekit.connection.listConnectionsByDomain('ACME.test')).connections;
    assert.equal(connection?.organizationId, ACME);
    emulator.domains.add(ACME, 'acme-mail.test', { type: 'ALLOWED_EMAIL_DOMAIN', verified: true });
    assert.deepEqual((await scalekit.connection.listConnectionsByDomain('acme-mail.test')).connections, [], 'allowed email domains do not route');
    assert.deepEqual((await scalekit.connection.listConnectionsByDomain('x'.repeat(10_000))).connections, []);
  });

  it('serves the REST routes of the DomainService annotations', async () => {
    const created = await rest('POST', `/organizations/${ACME}/domains`, { domain: 'acme.test', domain_type: 'ORGANIZATION_DOMAIN' });
    assert.equal(created.status, 200);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    const { domain } = await created.json();
    assert.equal(domain.domain, 'acme.test');
    assert.equal(domain.verification_status, 'PENDING');
    assert.equal(domain.verification_method, 'DNS');
    assert.equal(domain.txt_record_key, 'scalekit-domain-verification');
    assert.equal(domain.organization_id, ACME);

    const listed = await (await rest('GET', `/organizations/${ACME}/domains?domain_type=ORGANIZATION_DOMAIN`)).json();
    assert.deepEqual(listed.domains.map((d: { id: string }) => d.id), [domain.id]);
    assert.equal((await (await rest('GET', `/organizations/${ACME}/domains/${domain.id}`)).json()).domain.id, domain.id);
    const verified = await rest('PATCH', `/organizations/${ACME}/domains/${domain.id}:verify`);
    assert.deepEqual(await verified.json(), { verified: true });
    assert.equal((await (await rest('GET', `/organizations/${ACME}/domains/${domain.id}`)).json()).domain.verification_status, 'VERIFIED');
    assert.equal((await rest('DELETE', `/organizations/${ACME}/domains/${domain.id}`)).status, 200);

    const refused = await rest('POST', `/organizations/${ACME}/domains`, { domain: 'gmail.com' });
    assert.equal(refused.status, 400);
    const body = await refused.json();
    assert.equal(body.code, 3);
    assert.deepEqual(body.details, [{ '@type': ERROR_INFO, error_code: 'PUBLIC_DOMAIN_NOT_ALLOWED' }]);
    assert.equal(JSON.stringify(body).includes('gmail'), false, 'the message does not echo the input');
    const unknownOrg = await rest('GET', '/organizations/org_nope/domains');
    assert.equal(unknownOrg.status, 404);
    assert.equal((await rest('GET', `/organizations/${ACME}/domains`, undefined).then((r) => r.status)), 200);
    const noAuth = await fetch(`${emulator.url}/api/v1/organizations/${ACME}/domains`);
    assert.equal(noAuth.status, 401);
    assert.equal(emulator.stats().rpcs.CreateDomain, 2, 'REST counts under the RPC name');
  });

  it('answers hostile REST input with 4xx, never 5xx', async () => {
    const base = `/organizations/${ACME}/domains`;
    const cases: Array<[string, string, unknown]> = [
      ['POST', base, '{not json'],
      ['POST', base, []],
      ['POST', base, { domain: 42 }],
      ['POST', base, { domain: ['acme.test', 'acme.org'] }],
      ['POST', base, { domain: 'acme.test', domain_type: 'NOPE' }],
      ['POST', base, { domain: 'a'.repeat(60_000) }],
      ['POST', base, { domain: { domain: { domain: 'acme.test' } } }],
      ['POST', base, { domain: { domain: 42 } }],
      ['GET', `${base}?domain_type=BOGUS`, undefined],
      ['GET', `${base}?domain_type=99`, undefined],
      ['GET', `/organizations/%E0%A4%A/domains`, undefined],
      ['GET', `${base}/${'d'.repeat(5000)}`, undefined],
      ['PATCH', `${base}/dom_1:verify`, undefined],
      ['PATCH', `${base}/dom_1`, { domain: {} }],
      ['DELETE', `${base}/%00`, undefined],
      ['PUT', base, undefined],
    ];
    // The gRPC request shape (`{ domain: { domain } }`) is accepted as well as the bare message: one level only.
    for (const [method, path, body] of cases) {
      const res = await rest(method, path, body);
      assert.ok(res.status >= 400 && res.status < 500 || res.status === 501, `${method} ${path.slice(0, 60)} ${JSON.stringify(body)?.slice(0, 60)} → ${res.status}`);
      await res.body?.cancel();
    }
    assert.deepEqual((await scalekit.domain.listDomains(ACME)).domains, [], 'nothing hostile was stored');
  });

  it('sends signed domain events a real receiver verifies, with Scalekit\'s data shape', async () => {
    const record = emulator.domains.add(ACME, 'acme.test');
    emulator.faults.failDnsChecks('acme.test');
    assert.equal(emulator.domains.verify(ACME, record.id), false);
    assert.equal(emulator.domains.verify(ACME, record.id), true);
    emulator.domains.delete(ACME, record.id);
    await emulator.webhooks.settled();
    assert.deepEqual(receiver.rejected, []);
    assert.deepEqual(receiver.deliveries.map((d) => d.event.type), [
      'organization.domain_created',
      'organization.domain_dns_verification_failed',
      'organization.domain_dns_verification_success',
      'organization.domain_deleted',
    ]);
    for (const { event, headers } of receiver.deliveries) {
      assert.equal(headers['webhook-id'], event.id);
      assert.equal(event.object, 'Organization');
      assert.equal(event.organization_id, ACME);
      assert.deepEqual(Object.keys(event.data).sort(), [
        'domain', 'domain_type', 'environment_id', 'id', 'organization_id', 'txt_record_key', 'txt_record_secret',
        'updated_at', 'verification_method', 'verification_status',
      ]);
      assert.equal(event.data.id, record.id);
      assert.equal(event.data.domain, 'acme.test');
      assert.equal(event.data.domain_type, 'ORGANIZATION_DOMAIN');
      assert.equal(event.data.verification_method, 'DNS');
    }
    assert.deepEqual(receiver.deliveries.map((d) => d.event.data.verification_status), ['PENDING', 'FAILED', 'VERIFIED', 'VERIFIED']);
    const [created] = receiver.deliveries;
    assert.equal(created!.event.data.txt_record_secret, record.txtRecord.value);
    assert.equal((created!.event as unknown as { display_name: string }).display_name, 'Organization Domain Created');
  });

  it('sends organization.sso_created / _enabled / _disabled when the portal changes SSO, and sso_deleted with the organization', async () => {
    const session = await portalSession(emulator, ACME);
    await portalApi(emulator, session, 'sso', { provider: 'okta', enabled: true });
    await portalApi(emulator, session, 'sso', { provider: 'okta', enabled: true }); // no change, no event
    await portalApi(emulator, session, 'sso', { provider: 'okta', enabled: false });
    await portalApi(emulator, session, 'sso', { provider: 'oidc', enabled: true });
    emulator.domains.add(ACME, 'acme.test', { verified: true });
    await scalekit.organization.deleteOrganization(ACME);
    await emulator.webhooks.settled();
    assert.deepEqual(receiver.rejected, []);
    assert.deepEqual(receiver.deliveries.map((d) => d.event.type), [
      'organization.sso_created',
      'organization.sso_enabled',
      'organization.sso_disabled',
      'organization.sso_enabled',
      'organization.domain_created',
      'organization.sso_deleted',
      'organization.domain_deleted',
    ]);
    const sso = receiver.deliveries.filter((d) => d.event.object === 'Connection');
    const connectionId = sso[0]!.event.data.id;
    assert.match(connectionId, /^conn_/);
    for (const { event } of sso) {
      assert.equal(event.data.id, connectionId, 'one connection throughout');
      assert.equal(event.data.organization_id, ACME);
      assert.equal(event.data.status, 'COMPLETED');
    }
    assert.deepEqual(sso.map((d) => [d.event.data.connection_type, d.event.data.provider, d.event.data.enabled]), [
      ['SAML', 'OKTA', true], ['SAML', 'OKTA', true], ['SAML', 'OKTA', false], ['OIDC', 'CUSTOM', true], ['OIDC', 'CUSTOM', false],
    ]);
    const adminAdded = receiver.deliveries.find((d) => d.event.type === 'organization.domain_created')!;
    assert.deepEqual([adminAdded.event.data.verification_status, adminAdded.event.data.verification_method], ['VERIFIED', 'ADMIN']);
  });

  it('emulator.domains: code sets up domains with the same rules, throwing DomainError', () => {
    const verified = emulator.domains.add(ACME, 'acme.test', { verified: true });
    assert.equal(verified.status, 'VERIFIED');
    assert.deepEqual(emulator.domains.list(ACME).map((d) => d.domain), ['acme.test']);
    const attempts: Array<[unknown, unknown, unknown, string]> = [
      ['org_nope', 'acme.org', undefined, 'organization_not_found'],
      [ACME, 'gmail.com', undefined, 'public_domain'],
      [GLOBEX, 'acme.test', undefined, 'domain_taken'],
      [ACME, 42, undefined, 'invalid_domain'],
      [ACME, 'acme.org', { type: 'SSO' }, 'invalid_request'],
      [ACME, 'acme.org', { verified: 'yes' }, 'invalid_request'],
      [42, 'acme.org', undefined, 'invalid_request'],
    ];
    for (const [org, name, opts, code] of attempts) {
      assert.throws(() => emulator.domains.add(org as string, name as string, opts as never), (error: DomainError) => {
        assert.ok(error instanceof DomainError);
        assert.equal(error.code, code);
        return true;
      });
    }
    assert.throws(() => emulator.domains.delete(ACME, 'dom_nope'), DomainError);
    assert.throws(() => emulator.faults.failDnsChecks('not a domain'), RangeError);
    assert.throws(() => emulator.faults.failDnsChecks('acme.test', -1), RangeError);
    assert.throws(() => emulator.faults.failDnsChecks('acme.test', 1.5), RangeError);
  });

  it('/_emulator/domains and the dnsCheck fault need the control token and refuse hostile input', async () => {
    const created = await control('POST', `/domains/${ACME}`, { domain: 'acme.test', verified: true });
    assert.equal(created.status, 201);
    const { domain } = await created.json();
    assert.equal(domain.status, 'VERIFIED');
    assert.deepEqual((await (await control('GET', `/domains/${ACME}`)).json()).domains.map((d: { id: string }) => d.id), [domain.id]);
    const pending = await (await control('POST', `/domains/${ACME}`, { domain: 'acme.org' })).json();
    const verified = await control('POST', `/domains/${ACME}/${pending.domain.id}/verify`);
    assert.equal((await verified.json()).verified, true);
    assert.equal((await control('DELETE', `/domains/${ACME}/${pending.domain.id}`)).status, 204);

    for (const [method, path] of [['GET', `/domains/${ACME}`], ['POST', `/domains/${ACME}`], ['DELETE', `/domains/${ACME}/${domain.id}`]]) {
      const res = await fetch(`${emulator.url}/_emulator${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{"domain":"x.test"}' : undefined });
      assert.equal(res.status, 401, `${method} ${path} without the token`);
    }
    const hostile: Array<[string, string, unknown, number, string?]> = [
      ['POST', `/domains/${ACME}`, '{nope', 400],
      ['POST', `/domains/${ACME}`, { domain: 'acme.net', extra: 1 }, 400],
      ['POST', `/domains/${ACME}`, { domain: 'gmail.com' }, 400],
      ['POST', `/domains/${ACME}`, { domain: 'javascript:alert(1)' }, 400],
      ['POST', `/domains/${ACME}`, { domain: 'a'.repeat(20_000) }, 413],
      ['POST', `/domains/${ACME}`, 'domain=acme.net', 415, 'application/x-www-form-urlencoded'],
      ['POST', '/domains/org_nope', { domain: 'acme.net' }, 404],
      ['GET', `/domains/${'o'.repeat(3000)}`, undefined, 404],
      ['POST', `/domains/${ACME}/dom_nope/verify`, undefined, 404],
      ['DELETE', `/domains/${ACME}/%ZZ`, undefined, 404],
      ['POST', '/faults', { dnsCheck: 'acme.test' }, 400],
      ['POST', '/faults', { dnsCheck: { domain: 'not a domain' } }, 400],
      ['POST', '/faults', { dnsCheck: { domain: 'acme.test', count: 1e9 } }, 400],
      ['POST', '/faults', { dnsCheck: { domain: 'acme.test', count: '1' } }, 400],
      ['POST', '/faults', { dnsCheck: { domain: 'acme.test', when: 'now' } }, 400],
      ['POST', '/faults', { dnsCheck: { domain: ['acme.test'] } }, 400],
    ];
    for (const [method, path, body, status, type] of hostile) {
      const res = await control(method, path, body, type);
      assert.equal(res.status, status, `${method} ${path.slice(0, 50)} ${JSON.stringify(body)?.slice(0, 50)}`);
      await res.body?.cancel();
    }
    assert.deepEqual(emulator.domains.list(ACME).map((d) => d.domain), ['acme.test'], 'no refused request changed anything');
  });

  it('the portal page\'s domain API: only for a link with domain_verification, which needs the organization\'s setting', async () => {
    const portal = (token: string | null, path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${emulator.url}/portal/domains${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token === null ? {} : { 'x-portal-session': token }), ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const without = await portalSession(emulator, ACME);
    assert.equal((await portal(without, '/add', { domain: 'acme.test' })).status, 403, 'the setting is off: no domain section');

    await scalekit.organization.updateOrganizationSettings(ACME, { features: [{ name: 'domain_verification', enabled: true }] });
    const session = await portalSession(emulator, ACME);
    assert.deepEqual(emulator.stats().links.at(-1)!.features, ['sso', 'dir_sync', 'domain_verification']);
    const added = await portal(session, '/add', { domain: 'Acme.test' });
    assert.equal(added.status, 200);
    assert.equal(added.headers.get('cache-control'), 'no-store');
    const { domain } = await added.json();
    assert.deepEqual([domain.domain, domain.status, domain.txtRecord.name], ['acme.test', 'PENDING', 'scalekit-domain-verification']);
    emulator.faults.failDnsChecks('acme.test');
    assert.equal((await (await portal(session, '/verify', { id: domain.id })).json()).verified, false);
    const ok = await (await portal(session, '/verify', { id: domain.id })).json();
    assert.deepEqual([ok.verified, ok.domain.status], [true, 'VERIFIED']);
    assert.equal(emulator.domains.list(ACME)[0]!.status, 'VERIFIED', 'the portal and DomainService share one state');

    // Another organization's domain cannot be reached from this session.
    const globexDomain = emulator.domains.add(GLOBEX, 'globex.test');
    assert.equal((await portal(session, '/delete', { id: globexDomain.id })).status, 404);
    assert.equal(emulator.domains.list(GLOBEX).length, 1);

    const hostile: Array<[string | null, string, unknown, number, Record<string, string>?]> = [
      [null, '/list', {}, 401],
      ['x'.repeat(300), '/list', {}, 401],
      [session, '/add', '{nope', 400],
      [session, '/add', { domain: 7 }, 400],
      [session, '/add', { domain: 'gmail.com' }, 400],
      [session, '/add', { domain: '<img src=x onerror=alert(1)>.com' }, 400],
      [session, '/add', { domain: 'acme.test' }, 400],
      [session, '/add', { domain: 'a'.repeat(5000) }, 413],
      [session, '/verify', { id: '../dom_1' }, 400],
      [session, '/verify', { id: ['dom_1'] }, 400],
      [session, '/delete', { id: 'dom_123' }, 404],
      [session, '/list', {}, 403, { 'sec-fetch-site': 'cross-site' }],
      [session, '/list', {}, 403, { origin: 'https://evil.example' }],
    ];
    for (const [token, path, body, status, headers] of hostile) {
      const res = await portal(token, path, body, headers);
      assert.equal(res.status, status, `${path} ${JSON.stringify(body).slice(0, 40)}`);
      await res.body?.cancel();
    }
    const list = await (await portal(session, '/list', {})).json();
    assert.deepEqual(list.domains.map((d: { domain: string }) => d.domain), ['acme.test']);
    assert.equal((await portal(session, '/delete', { id: domain.id })).status, 200);
    assert.deepEqual(emulator.domains.list(ACME), []);
  });

  it('links: REST names domain_verification; the SDK\'s enum cannot, so only a link asking for nothing gets it', async () => {
    await scalekit.organization.updateOrganizationSettings(ACME, { features: [{ name: 'domain_verification', enabled: true }] });
    const scoped = await rest('PUT', `/organizations/${ACME}/portal_links?features=domain_verification`);
    assert.equal(scoped.status, 200);
    assert.deepEqual(emulator.stats().links.at(-1)!.features, ['domain_verification']);
    assert.deepEqual(emulator.stats().links.at(-1)!.requestedFeatures, ['domain_verification']);
    await (await rest('PUT', `/organizations/${ACME}/portal_links?features=sso&features=domain_verification&features=domain_verification`)).body?.cancel();
    assert.deepEqual(emulator.stats().links.at(-1)!.features, ['sso', 'domain_verification']);
    await (await rest('PUT', `/organizations/${ACME}/portal_links?features=sso`)).body?.cancel();
    assert.deepEqual(emulator.stats().links.at(-1)!.features, ['sso'], 'a link scoped elsewhere has no domain section');
    await (await rest('PUT', `/organizations/${GLOBEX}/portal_links?features=domain_verification`)).body?.cancel();
    assert.deepEqual(emulator.stats().links.at(-1)!.features, [], 'without the organization setting there is no domain section');
    const bogus = await rest('PUT', `/organizations/${ACME}/portal_links?features=domain_verificationx`);
    assert.equal(bogus.status, 400);
  });
});

describe('emulator: seeded domains (the domains option, --domain)', () => {
  it('are verified by an admin from the start, come back after reset(), and send no event', async () => {
    const secret = generateWebhookSecret();
    const receiver = await startReceiver(new Scalekit('http://127.0.0.1:9', 'x', 'y'), secret);
    const emulator = await startEmulator({
      organizations: [{ id: ACME, displayName: 'Acme' }, { id: GLOBEX, displayName: 'Globex' }],
      domains: [{ organizationId: ACME, domain: 'Acme.TEST' }, { organizationId: GLOBEX, domain: 'globex.test' }],
      webhooks: { url: receiver.url, secret },
    });
    try {
      const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
      const [seeded, ...more] = (await scalekit.domain.listDomains(ACME)).domains;
      assert.equal(more.length, 0);
      assert.equal(seeded!.domain, 'acme.test');
      assert.equal(seeded!.domainType, DomainType.ORGANIZATION_DOMAIN);
      assert.equal(seeded!.verificationStatus, VerificationStatus.VERIFIED);
      assert.equal(seeded!.verificationMethod, VerificationMethod.ADMIN);

      // The only event is the delete's: seeding, at start or on reset, announces nothing.
      emulator.domains.delete(ACME, seeded!.id);
      await emulator.webhooks.settled();
      const events = () => receiver.deliveries.map((d) => [d.event.type, d.event.data.domain]);
      assert.deepEqual(events(), [['organization.domain_deleted', 'acme.test']]);
      emulator.reset();
      assert.deepEqual(emulator.domains.list(ACME).map((d) => [d.domain, d.status]), [['acme.test', 'VERIFIED']], 'back, once');
      assert.deepEqual(emulator.domains.list(GLOBEX).map((d) => d.domain), ['globex.test']);
      await emulator.webhooks.settled();
      assert.deepEqual(events(), [['organization.domain_deleted', 'acme.test']]);
    } finally {
      await emulator.close();
      await receiver.close();
    }
  });

  it('refuse what Scalekit would refuse, and malformed shapes, before listening', async () => {
    const organizations = [{ id: ACME, displayName: 'Acme' }, { id: GLOBEX, displayName: 'Globex' }];
    const refused: Array<[unknown, RegExp]> = [
      [[{ organizationId: ACME, domain: 'gmail.com' }], /^domains: "gmail\.com" for "org_acme": public and disposable mail domains/],
      [[{ organizationId: 'org_nope', domain: 'nope.test' }], /^domains: "nope\.test" for "org_nope": organization not found/],
      [[{ organizationId: ACME, domain: 'a.test' }, { organizationId: GLOBEX, domain: 'A.test' }], /^domains: "A\.test" for "org_globex": this domain belongs to another organization/],
      [[{ organizationId: ACME, domain: 'https://acme.test/' }], /^domains: .*: domain must be a DNS name/],
      [[{ organizationId: ACME, domain: '<script>.test' }], /: domain must be a DNS name/],
      ['acme.test', /^domains must be an array of at most 1000/],
      [Array.from({ length: 1001 }, (_, i) => ({ organizationId: ACME, domain: `d${i}.test` })), /^domains must be an array of at most 1000/],
      [[null], /^each of domains must be \{ organizationId, domain \}/],
      [[{ organizationId: ACME }], /^each of domains must be/],
      [[{ organizationId: ACME, domain: 'a'.repeat(300) }], /^each of domains must be/],
    ];
    for (const [domains, message] of refused) {
      await assert.rejects(
        startEmulator({ organizations, domains: domains as never }),
        (error: Error) => {
          assert.ok(error instanceof TypeError, `${error.constructor.name}: ${error.message}`);
          assert.match(error.message, message);
          assert.ok(error.message.length < 300 && !/[\r\n]/.test(error.message));
          return true;
        },
        JSON.stringify(domains).slice(0, 80),
      );
    }
  });
});
