// SSO sign-in on the emulator through the unmodified SDK: getAuthorizationUrl → the simulated IdP page → a
// person picked → the code back at the app → authenticateWithCode → an ID token validateToken accepts; PKCE,
// single-use codes, people the directory deactivated or deleted, prompt=none, the failure scenarios,
// IdP-initiated sign-in and logout.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Scalekit } from '@scalekit-sdk/node';
import { DEFAULT_ORGANIZATIONS, startEmulator, type Emulator } from '../src/index.js';
import { openIdp, personId, pressIdp, setSso } from './support/sso.js';

const REDIRECT_URI = 'http://127.0.0.1:5999/auth/callback';
const [acme, globex] = DEFAULT_ORGANIZATIONS;

async function tokenRequest(emulator: Emulator, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: emulator.clientId, client_secret: emulator.clientSecret, ...fields }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('emulator: SSO sign-in through the real SDK', () => {
  let emulator: Emulator;
  let scalekit: Scalekit;
  let ada: string;
  let bob: string;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  });
  beforeEach(async () => {
    emulator.reset();
    await setSso(emulator, acme!.id, true, 'okta');
    emulator.directory.enable(acme!.id);
    ada = emulator.directory.addUser(acme!.id, { email: 'ada@acme.test', givenName: 'Ada', familyName: 'Lovelace' }).id;
    bob = emulator.directory.addUser(acme!.id, { email: 'bob@acme.test', givenName: 'Bob', familyName: 'Byte' }).id;
    emulator.directory.deactivateUser(acme!.id, bob);
  });
  after(() => emulator.close());

  /** Signs `email` in through the IdP page; returns where the browser was sent back to. */
  async function signIn(url: string, email: string): Promise<URL> {
    const page = await openIdp(url);
    assert.equal(page.status, 200, page.html.slice(0, 300));
    const pressed = await pressIdp(page, { user: personId(page, email) });
    assert.equal(pressed.status, 303);
    return pressed.location!;
  }

  it('signs a directory person in: code and state back at the app, an ID token the SDK maps and validateToken accepts', async () => {
    const url = scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id, state: 'st-1', nonce: 'n-1' });
    const page = await openIdp(url);
    assert.equal(page.status, 200);
    assert.match(page.html, /Okta \(simulated\)/);
    assert.equal(page.people.size, 2);
    assert.match(page.people.get(bob)!, /bob@acme\.test.*Deactivated/);
    assert.doesNotMatch(page.people.get(ada)!, /Deactivated/);

    const back = await pressIdp(page, { user: ada });
    assert.equal(back.status, 303);
    assert.equal(back.location!.origin + back.location!.pathname, REDIRECT_URI);
    assert.equal(back.location!.searchParams.get('state'), 'st-1');
    const code = back.location!.searchParams.get('code')!;
    assert.ok(code);

    const result = await scalekit.authenticateWithCode(code, REDIRECT_URI);
    assert.equal(result.user.email, 'ada@acme.test');
    assert.equal(result.user.givenName, 'Ada');
    assert.equal(result.user.familyName, 'Lovelace');
    assert.equal(result.user.name, 'Ada Lovelace');
    const connectionId = (await scalekit.connection.listConnections(acme!.id)).connections[0]!.id;
    const claims = await scalekit.validateToken<Record<string, unknown>>(result.idToken, { issuer: emulator.url, audience: [emulator.clientId] });
    assert.equal(claims['nonce'], 'n-1');
    assert.equal(claims['oid'], acme!.id);
    assert.equal(claims['email'], 'ada@acme.test');
    assert.deepEqual(claims['identities'], [{ connection_id: connectionId, organization_id: acme!.id, connection_type: 'SAML', provider_name: 'OKTA', social: false }]);
    assert.ok(await scalekit.validateAccessToken(result.accessToken));
  });

  it('finds the organization by connection_id, and an OIDC-typed connection signs in alike', async () => {
    await setSso(emulator, globex!.id, true, 'oidc');
    emulator.directory.enable(globex!.id);
    emulator.directory.addUser(globex!.id, { email: 'gus@globex.test', givenName: 'Gus', familyName: 'Grant' });
    const connectionId = (await scalekit.connection.listConnections(globex!.id)).connections[0]!.id;
    const back = await signIn(scalekit.getAuthorizationUrl(REDIRECT_URI, { connectionId }), 'gus@globex.test');
    const result = await scalekit.authenticateWithCode(back.searchParams.get('code')!, REDIRECT_URI);
    assert.equal(result.user.email, 'gus@globex.test');
    const claims = await scalekit.validateToken<Record<string, unknown>>(result.idToken);
    assert.equal((claims['identities'] as Array<Record<string, unknown>>)[0]!['connection_type'], 'OIDC');
    assert.equal(claims['oid'], globex!.id);
  });

  it('a code is good once, only with its redirect_uri, and a person deactivated before the exchange gets no tokens', async () => {
    const first = await signIn(scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id }), 'ada@acme.test');
    const code = first.searchParams.get('code')!;
    const wrongUri = await tokenRequest(emulator, { grant_type: 'authorization_code', code, redirect_uri: `${REDIRECT_URI}x` });
    assert.equal(wrongUri.status, 400);
    assert.equal(wrongUri.body['error'], 'invalid_grant');
    // The failed attempt used the code up.
    const again = await tokenRequest(emulator, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    assert.deepEqual([again.status, again.body['error']], [400, 'invalid_grant']);
    await assert.rejects(scalekit.authenticateWithCode(code, REDIRECT_URI));

    const second = await signIn(scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id }), 'ada@acme.test');
    emulator.directory.deactivateUser(acme!.id, ada);
    const refused = await tokenRequest(emulator, { grant_type: 'authorization_code', code: second.searchParams.get('code')!, redirect_uri: REDIRECT_URI });
    assert.deepEqual([refused.status, refused.body['error']], [400, 'invalid_grant']);
    assert.match(String(refused.body['error_description']), /no longer active/);

    const wrongSecret = await tokenRequest(emulator, { grant_type: 'authorization_code', code: 'x'.repeat(32), redirect_uri: REDIRECT_URI, client_secret: 'nope' });
    assert.equal(wrongSecret.status, 401);
  });

  it('PKCE: the right verifier exchanges the code, a wrong or missing one does not', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const start = () => scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id, codeChallenge: challenge, codeChallengeMethod: 'S256' });

    const ok = await signIn(start(), 'ada@acme.test');
    const result = await scalekit.authenticateWithCode(ok.searchParams.get('code')!, REDIRECT_URI, { codeVerifier: verifier });
    assert.equal(result.user.email, 'ada@acme.test');

    for (const codeVerifier of [randomBytes(32).toString('base64url'), undefined, 'short']) {
      const back = await signIn(start(), 'ada@acme.test');
      const fields: Record<string, string> = { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: REDIRECT_URI };
      if (codeVerifier !== undefined) fields['code_verifier'] = codeVerifier;
      const refused = await tokenRequest(emulator, fields);
      assert.deepEqual([refused.status, refused.body['error']], [400, 'invalid_grant'], `verifier ${codeVerifier}`);
    }
  });

  it('refuses a deactivated person, and one deleted while the page was open, with access_denied and the state', async () => {
    const url = scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id, state: 'st-2' });
    const page = await openIdp(url);
    const deactivated = await pressIdp(page, { user: bob });
    assert.equal(deactivated.location!.searchParams.get('error'), 'access_denied');
    assert.equal(deactivated.location!.searchParams.get('state'), 'st-2');
    assert.match(deactivated.location!.searchParams.get('error_description')!, /deactivated/);
    assert.equal(deactivated.location!.searchParams.get('code'), null);

    const next = await openIdp(url);
    emulator.directory.deleteUser(acme!.id, ada);
    const deleted = await pressIdp(next, { user: ada });
    assert.equal(deleted.location!.searchParams.get('error'), 'access_denied');
    // The page's request is single use: pressing again finds nothing to answer.
    const replay = await pressIdp(next, { user: ada });
    assert.equal(replay.status, 400);
    assert.equal(replay.location, null);
  });

  it('the failure scenarios go back to the app as OAuth errors with the state', async () => {
    for (const [scenario, error] of [['idp_error', 'server_error'], ['expired_assertion', 'access_denied'], ['cancel', 'access_denied']] as const) {
      const page = await openIdp(scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id, state: `s-${scenario}` }));
      const back = await pressIdp(page, { scenario });
      assert.equal(back.location!.searchParams.get('error'), error, scenario);
      assert.equal(back.location!.searchParams.get('state'), `s-${scenario}`);
      assert.ok(back.location!.searchParams.get('error_description'));
    }
  });

  it('prompt=none: login_required without an IdP session, a code at once with one; logout ends it', async () => {
    const silent = scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id, prompt: 'none', state: 'quiet' });
    const none = await openIdp(silent);
    assert.equal(none.status, 302);
    const noneBack = new URL(none.location!);
    assert.deepEqual([noneBack.searchParams.get('error'), noneBack.searchParams.get('state')], ['login_required', 'quiet']);

    const page = await openIdp(scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id }));
    const pressed = await pressIdp(page, { user: ada });
    assert.ok(pressed.cookie, 'an IdP session cookie');
    const result = await scalekit.authenticateWithCode(pressed.location!.searchParams.get('code')!, REDIRECT_URI);

    // With the session the page still lists everyone (a person may switch), marking who is signed in...
    const listed = await openIdp(scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id }), pressed.cookie);
    assert.equal(listed.status, 200);
    assert.match(listed.people.get(ada)!, /Signed in on this IdP/);
    // ...and prompt=none answers at once.
    const quick = await openIdp(silent, pressed.cookie);
    assert.equal(quick.status, 302);
    assert.ok(new URL(quick.location!).searchParams.get('code'));

    const logoutUrl = scalekit.getLogoutUrl({ idTokenHint: result.idToken, postLogoutRedirectUri: 'http://127.0.0.1:5999/signed-out', state: 'bye' });
    const out = await fetch(logoutUrl, { redirect: 'manual', headers: { cookie: pressed.cookie! } });
    assert.equal(out.status, 302);
    assert.equal(out.headers.get('location'), 'http://127.0.0.1:5999/signed-out?state=bye');
    const after = await openIdp(silent, pressed.cookie);
    assert.equal(new URL(after.location!).searchParams.get('error'), 'login_required');
  });

  it('the ID token\'s session also ends without the browser\'s cookie (id_token_hint alone)', async () => {
    const page = await openIdp(scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id }));
    const pressed = await pressIdp(page, { user: ada });
    const { idToken } = await scalekit.authenticateWithCode(pressed.location!.searchParams.get('code')!, REDIRECT_URI);
    const out = await fetch(scalekit.getLogoutUrl({ idTokenHint: idToken }));
    assert.equal(out.status, 200);
    assert.match(await out.text(), /signed out/i);
    const silent = await openIdp(scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id, prompt: 'none' }), pressed.cookie);
    assert.equal(new URL(silent.location!).searchParams.get('error'), 'login_required');
  });

  it('IdP-initiated: the IdP page opens the app with an idp_initiated_login token getIdpInitiatedLoginClaims verifies', async () => {
    const start = `${emulator.url}/sso/idp?organization_id=${acme!.id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&relay_state=rs-1`;
    const page = await openIdp(start);
    assert.equal(page.status, 200);
    assert.match(page.html, /Open the app as ada@acme\.test/);
    const back = await pressIdp(page, { user: personId(page, 'ada@acme.test') });
    assert.equal(back.status, 303);
    const token = back.location!.searchParams.get('idp_initiated_login')!;
    const claims = await scalekit.getIdpInitiatedLoginClaims(token);
    const connectionId = (await scalekit.connection.listConnections(acme!.id)).connections[0]!.id;
    assert.equal(claims.connection_id, connectionId);
    assert.equal(claims.organization_id, acme!.id);
    assert.equal(claims.login_hint, 'ada@acme.test');
    assert.equal(claims.relay_state, 'rs-1');
    // The app restarts it as an SP-initiated sign-in, as Scalekit recommends.
    const restarted = await signIn(scalekit.getAuthorizationUrl(REDIRECT_URI, { connectionId: claims.connection_id, loginHint: claims.login_hint }), 'ada@acme.test');
    assert.ok(restarted.searchParams.get('code'));
    await assert.rejects(scalekit.getIdpInitiatedLoginClaims(`${token.slice(0, -4)}AAAA`));
  });

  it('no enabled connection, or no such organization: the error goes back to the app', async () => {
    await setSso(emulator, acme!.id, false, 'okta');
    const disabled = await openIdp(scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id, state: 'x' }));
    assert.equal(disabled.status, 302);
    assert.equal(new URL(disabled.location!).searchParams.get('error'), 'access_denied');
    const unknown = await openIdp(scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: 'org_nope' }));
    assert.equal(new URL(unknown.location!).searchParams.get('error'), 'invalid_request');
    const nobody = await openIdp(scalekit.getAuthorizationUrl(REDIRECT_URI, {}));
    assert.equal(new URL(nobody.location!).searchParams.get('error'), 'invalid_request');
    const unverified = await openIdp(scalekit.getAuthorizationUrl(REDIRECT_URI, { loginHint: 'ada@acme.test' }));
    assert.match(new URL(unverified.location!).searchParams.get('error_description')!, /verified that domain/);
  });
});

describe('emulator: hostile sign-in requests', () => {
  let emulator: Emulator;
  let scalekit: Scalekit;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    await setSso(emulator, acme!.id, true);
  });
  after(() => emulator.close());

  it('never redirects to a redirect_uri off the allowed origins: the emulator\'s own 400 page instead', async () => {
    for (const redirectUri of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'https://evil.example/cb',
      'http://user:pw@127.0.0.1:5999/cb',
      'http://127.0.0.1:5999/cb#frag',
      '//evil.example/cb',
      `http://127.0.0.1:5999/${'a'.repeat(3000)}`,
      '',
    ]) {
      const response = await fetch(scalekit.getAuthorizationUrl(redirectUri, { organizationId: acme!.id }), { redirect: 'manual' });
      assert.equal(response.status, 400, redirectUri.slice(0, 40));
      assert.equal(response.headers.get('location'), null);
      assert.match(response.headers.get('content-type')!, /text\/html/);
      assert.match(response.headers.get('content-security-policy')!, /default-src 'none'/);
    }
  });

  it('a wrong client, a repeated or badly encoded parameter: refused on the emulator\'s page', async () => {
    const good = new URL(scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id }));
    const cases = [
      good.href.replace(`client_id=${emulator.clientId}`, 'client_id=someone_else'),
      `${good.href}&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/other')}`,
      `${good.href}&state=%E0%A4%A`,
      `${emulator.url}/oauth/authorize`,
    ];
    for (const url of cases) {
      const response = await fetch(url, { redirect: 'manual' });
      assert.equal(response.status, 400, url);
      assert.equal(response.headers.get('location'), null);
    }
  });

  it('a malformed request with a good redirect_uri goes back to the app as invalid_request, with the input never echoed raw', async () => {
    const base = (extra: string) => `${scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id, state: 's' })}${extra}`;
    for (const extra of ['&state=again', `&nonce=${'n'.repeat(600)}`, '&code_challenge=short', '&code_challenge_method=S512&code_challenge=' + 'a'.repeat(43), '&prompt=none%20login']) {
      const response = await fetch(base(extra), { redirect: 'manual' });
      assert.equal(response.status, 302, extra.slice(0, 40));
      const back = new URL(response.headers.get('location')!);
      assert.equal(back.searchParams.get('error'), 'invalid_request', extra.slice(0, 40));
    }
    const badScope = await fetch(scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id, scopes: ['profile'] }), { redirect: 'manual' });
    assert.equal(new URL(badScope.headers.get('location')!).searchParams.get('error'), 'invalid_scope');
    const badType = await fetch(scalekit.getAuthorizationUrl(REDIRECT_URI, { organizationId: acme!.id }).replace('response_type=code', 'response_type=token'), { redirect: 'manual' });
    assert.equal(new URL(badType.headers.get('location')!).searchParams.get('error'), 'unsupported_response_type');
  });

  it('the IdP page\'s form takes nothing but a live request id, a form body and a small one', async () => {
    const choose = `${emulator.url}/sso/idp/choose`;
    const post = (body: BodyInit, type = 'application/x-www-form-urlencoded') =>
      fetch(choose, { method: 'POST', redirect: 'manual', headers: { 'content-type': type }, body });
    for (const [body, type] of [
      [new URLSearchParams({ request: 'x'.repeat(32), user: 'dir_user_1' }).toString(), undefined],
      ['request=%ZZ', undefined],
      [JSON.stringify({ request: 'x' }), 'application/json'],
      [`request=${'a'.repeat(20_000)}`, undefined],
      ['', undefined],
    ] as const) {
      const response = await post(body, type);
      assert.equal(response.status, 400, String(body).slice(0, 30));
      assert.equal(response.headers.get('location'), null);
    }
    const get = await fetch(choose);
    assert.equal(get.status, 405);
    assert.match(((await get.json()) as { error: { message: string } }).error.message, /POST \/sso\/idp\/choose/);
    for (const path of ['/oauth/authorize', '/oidc/logout', '/sso/idp']) {
      const response = await fetch(`${emulator.url}${path}`, { method: 'POST' });
      assert.equal(response.status, 405, path);
    }
  });

  it('logout: a foreign post_logout_redirect_uri or a forged id_token_hint is refused on the emulator\'s page', async () => {
    const foreign = await fetch(scalekit.getLogoutUrl({ postLogoutRedirectUri: 'https://evil.example/' }), { redirect: 'manual' });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.headers.get('location'), null);
    const forged = await fetch(scalekit.getLogoutUrl({ idTokenHint: 'eyJhbGciOiJub25lIn0.e30.' }), { redirect: 'manual' });
    assert.equal(forged.status, 400);
  });

  it('the IdP-initiated page checks its redirect_uri and organization the same way', async () => {
    for (const query of ['', `organization_id=${acme!.id}`, `organization_id=${acme!.id}&redirect_uri=https%3A%2F%2Fevil.example%2F`, `organization_id=org_nope&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`, `organization_id=%FF&redirect_uri=x`]) {
      const response = await fetch(`${emulator.url}/sso/idp?${query}`, { redirect: 'manual' });
      assert.ok(response.status >= 400 && response.status < 500, `${query}: ${response.status}`);
      assert.equal(response.headers.get('location'), null);
    }
  });

  it('random and hostile query strings never get a 5xx', async () => {
    const pieces = ['client_id', 'redirect_uri', 'state', 'nonce', 'prompt', 'organization_id', 'connection_id', 'login_hint', 'domain_hint', 'code_challenge', 'response_type', 'scope', '%', '%00', '\u0000', '<script>', '&&', '==', encodeURIComponent(REDIRECT_URI), emulator.clientId, 'none', 'code', 'openid', acme!.id, '@', 'x'.repeat(5000)];
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = () => pieces[Math.floor(random() * pieces.length)]!;
    for (let i = 0; i < 150; i++) {
      const query = Array.from({ length: 1 + Math.floor(random() * 8) }, () => `${pick()}=${pick()}`).join('&');
      for (const path of ['/oauth/authorize', '/sso/idp', '/oidc/logout']) {
        const response = await fetch(`${emulator.url}${path}?${query}`, { redirect: 'manual' });
        assert.ok(response.status < 500, `${path}?${query.slice(0, 80)} → ${response.status}`);
        await response.arrayBuffer();
      }
    }
  });
});
