// scalekitSso() against a local token server (token-server.ts) through the real SDK and scalekitRest(): the
// flow cookie, ID token verification (forged, foreign, expired, alg=none, HS256…), the JWKS cache, IdP errors,
// IdP-initiated login and hostile query strings. The end-to-end sign-in through the emulator's IdP page is in
// sso-emulator.test.ts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Scalekit } from '@scalekit-sdk/node';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { scalekitRest, scalekitSso, type ScalekitSsoOptions, type SsoSignIn } from '../../../server/index.js';
import { startTokenServer, type TokenServer } from './token-server.js';

let server: TokenServer;
let logLines: string[];
let signIns: SsoSignIn[];

before(async () => {
  server = await startTokenServer();
});
after(() => server.close());
beforeEach(() => {
  logLines = [];
  signIns = [];
  server.refuseWith(null);
});

const REDIRECT = 'http://app.test/auth/sso/callback';

const clients = {
  'the Node SDK': () => new Scalekit(server.url, server.clientId, server.clientSecret),
  'scalekitRest()': () => scalekitRest({ environmentUrl: server.url, clientId: server.clientId, clientSecret: server.clientSecret }),
};

function hostApp(scalekit: ScalekitSsoOptions['scalekit'], options: Partial<ScalekitSsoOptions> = {}) {
  const app = new Hono();
  app.route(
    '/auth/sso',
    scalekitSso({
      scalekit,
      redirectUri: REDIRECT,
      onSignIn: (c, signIn) => {
        signIns.push(signIn);
        return c.redirect('/home');
      },
      log: (line) => logLines.push(line),
      ...options,
    }),
  );
  return app;
}

/** Start a sign-in; returns the authorize URL, the cookie pair to send back, and the raw Set-Cookie. */
async function startSignIn(app: Hono, query = 'email=alice@acme.test') {
  const response = await app.request(`/auth/sso/start?${query}`);
  assert.equal(response.status, 302, await response.clone().text());
  const location = response.headers.get('location')!;
  const setCookie = response.headers.get('set-cookie')!;
  return { response, location, setCookie, cookie: setCookie.split(';')[0]!, state: new URL(location).searchParams.get('state')! };
}

const callback = (app: Hono, query: string, cookie?: string) =>
  app.request(`/auth/sso/callback?${query}`, cookie ? { headers: { cookie } } : {});

async function errorOf(response: Response) {
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

function assertLogsClean(...secrets: string[]) {
  const text = logLines.join('\n');
  for (const secret of ['alice@acme.test', server.clientSecret, ...secrets]) assert.ok(!text.includes(secret), `log leaked ${secret.slice(0, 8)}…`);
}

for (const [name, makeClient] of Object.entries(clients)) {
  describe(`scalekitSso() with ${name}`, () => {
    it('start → authorize with login_hint, domain_hint, state, nonce and PKCE S256, and a flow cookie', async () => {
      const { response, location, setCookie } = await startSignIn(hostApp(makeClient()), 'email=Alice@Acme.TEST');
      const url = new URL(location);
      assert.equal(`${url.origin}${url.pathname}`, `${server.url}/oauth/authorize`);
      const q = url.searchParams;
      assert.equal(q.get('response_type'), 'code');
      assert.equal(q.get('client_id'), server.clientId);
      assert.equal(q.get('redirect_uri'), REDIRECT);
      assert.equal(q.get('scope'), 'openid profile email');
      assert.equal(q.get('login_hint'), 'Alice@Acme.TEST');
      assert.equal(q.get('domain_hint'), 'acme.test');
      assert.equal(q.get('code_challenge_method'), 'S256');
      assert.match(q.get('state')!, /^[A-Za-z0-9_-]{43}$/);
      assert.match(q.get('nonce')!, /^[A-Za-z0-9_-]{43}$/);
      assert.match(q.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.match(setCookie, /^scalekit_sso=[^;]+; Path=\/auth\/sso\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/);
    });

    it('start by organization_id or connection_id sends that id', async () => {
      const app = hostApp(makeClient());
      assert.equal(new URL((await startSignIn(app, 'organization_id=org_1')).location).searchParams.get('organization_id'), 'org_1');
      assert.equal(new URL((await startSignIn(app, 'connection_id=conn_9')).location).searchParams.get('connection_id'), 'conn_9');
    });

    it('callback: verifies the ID token and hands onSignIn the user, organization and connection', async () => {
      const app = hostApp(makeClient());
      const { location, cookie, state } = await startSignIn(app);
      const code = server.issueCode(location);
      const response = await callback(app, `code=${code}&state=${state}`, cookie);
      assert.equal(response.status, 302, await response.clone().text());
      assert.equal(response.headers.get('location'), '/home');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.match(response.headers.get('set-cookie') ?? '', /^scalekit_sso=; Path=\/auth\/sso\/callback; Max-Age=0/);
      assert.equal(signIns.length, 1);
      const { user, organizationId, connectionId, idToken } = signIns[0]!;
      assert.deepEqual(user, {
        id: 'usr_1',
        email: 'alice@acme.test',
        emailVerified: true,
        name: 'Alice Liddell',
        givenName: 'Alice',
        familyName: 'Liddell',
        identities: [{ connectionId: 'conn_acme', organizationId: 'org_acme', connectionType: 'OIDC', providerName: 'OKTA', social: false }],
      });
      assert.equal(organizationId, 'org_acme');
      assert.equal(connectionId, 'conn_acme');
      assert.equal(idToken.split('.').length, 3);
      assertLogsClean(code, idToken);
    });

    it('a second instance (or a restarted one) with the same secret accepts the cookie; another secret does not', async () => {
      const { location, cookie, state } = await startSignIn(hostApp(makeClient()));
      const other = hostApp(makeClient());
      const response = await callback(other, `code=${server.issueCode(location)}&state=${state}`, cookie);
      assert.equal(response.status, 302);
      const foreign = hostApp(new Scalekit(server.url, server.clientId, 'another secret'));
      const again = await startSignIn(hostApp(makeClient()));
      assert.equal((await errorOf(await callback(foreign, `code=x&state=${again.state}`, again.cookie))).code, 'sso_state_invalid');
    });

    it('refuses a wrong, reused, missing, tampered or expired state with 400 sso_state_invalid', async () => {
      let clock = Date.now();
      const app = hostApp(makeClient(), { now: () => clock });
      const flow = await startSignIn(app);
      const other = await startSignIn(app);
      const [payload, mac] = flow.cookie.split('=')[1]!.split('.');
      const tampered = `scalekit_sso=${payload!.slice(0, -2)}AA.${mac}`;
      const cases: Array<[string, string, string | undefined]> = [
        ['no cookie', `code=c&state=${flow.state}`, undefined],
        ['no state', 'code=c', flow.cookie],
        ['another flow’s state', `code=c&state=${other.state}`, flow.cookie],
        ['a tampered cookie', `code=c&state=${flow.state}`, tampered],
        ['a cookie of garbage', `code=c&state=${flow.state}`, 'scalekit_sso=%FF%FE.abc'],
      ];
      for (const [what, query, cookie] of cases) {
        const response = await callback(app, query, cookie);
        assert.equal(response.status, 400, what);
        assert.equal((await errorOf(response)).code, 'sso_state_invalid', what);
      }
      // Used once (successfully), then replayed with the same cookie.
      const ok = await callback(app, `code=${server.issueCode(other.location)}&state=${other.state}`, other.cookie);
      assert.equal(ok.status, 302);
      const replay = await callback(app, `code=${server.issueCode(other.location)}&state=${other.state}`, other.cookie);
      assert.equal((await errorOf(replay)).code, 'sso_state_invalid');
      // Ten minutes later the flow has expired.
      const late = await startSignIn(app);
      clock += 10 * 60 * 1000 + 1000;
      assert.equal((await errorOf(await callback(app, `code=c&state=${late.state}`, late.cookie))).code, 'sso_state_invalid');
      assert.equal(signIns.length, 1);
    });

    describe('ID tokens that must be refused (401 sso_failed)', () => {
      const now = () => Math.floor(Date.now() / 1000);
      const hostile: Record<string, (claims: Record<string, unknown>) => Promise<string> | string> = {
        'signed by a foreign key under the right kid': async (claims) => server.sign(claims, { key: await generateKeyPair('RS256') }),
        'alg=none': (claims) => new UnsecuredJWT(claims).encode(),
        'HS256 keyed with the public JWK': async (claims) => {
          const jwk = JSON.stringify((await (await fetch(`${server.url}/keys`)).json() as { keys: unknown[] }).keys[0]);
          return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: server.kid }).sign(new TextEncoder().encode(jwk));
        },
        'a wrong issuer': (claims) => server.sign({ ...claims, iss: 'https://evil.example' }),
        'another audience': (claims) => server.sign({ ...claims, aud: ['skc_someone_else'] }),
        'several audiences and another azp': (claims) => server.sign({ ...claims, aud: [server.clientId, 'x'], azp: 'x' }),
        'expired two minutes ago': (claims) => server.sign({ ...claims, exp: now() - 120 }),
        'no exp': (claims) => server.sign({ ...claims, exp: undefined }),
        'another nonce': (claims) => server.sign({ ...claims, nonce: 'not-the-flow-nonce' }),
        'no nonce': (claims) => server.sign({ ...claims, nonce: undefined }),
        'an unknown kid': (claims) => server.sign(claims, { kid: 'made-up' }),
        'a signature cut short': async (claims) => (await server.sign(claims)).slice(0, -10),
        'payload swapped after signing': async (claims) => {
          const [h, , s] = (await server.sign(claims)).split('.');
          return `${h}.${Buffer.from(JSON.stringify({ ...claims, email: 'mallory@acme.test' })).toString('base64url')}.${s}`;
        },
        'not a JWT': () => 'hello',
        'no email': (claims) => server.sign({ ...claims, email: undefined }),
      };
      for (const [what, idToken] of Object.entries(hostile)) {
        it(what, async () => {
          const app = hostApp(makeClient());
          const { location, cookie, state } = await startSignIn(app);
          const response = await callback(app, `code=${server.issueCode(location, { idToken })}&state=${state}`, cookie);
          assert.equal(response.status, 401, await response.clone().text());
          assert.equal((await errorOf(response)).code, 'sso_failed');
          assert.equal(signIns.length, 0);
          assert.match(response.headers.get('set-cookie') ?? '', /Max-Age=0/);
          assert.ok(logLines.some((line) => line.includes('ID token rejected')), logLines.join('\n'));
          assertLogsClean();
        });
      }
      it('accepts a token that expired within the leeway', async () => {
        const app = hostApp(makeClient());
        const { location, cookie, state } = await startSignIn(app);
        const code = server.issueCode(location, { claims: { exp: now() - 10 } });
        assert.equal((await callback(app, `code=${code}&state=${state}`, cookie)).status, 302);
      });
    });

    it('a rotated key is fetched once; a stream of made-up kids does not refetch', async () => {
      const app = hostApp(makeClient());
      const signInOnce = async (options: { kid?: string } = {}) => {
        const { location, cookie, state } = await startSignIn(app);
        const idToken = options.kid ? (claims: Record<string, unknown>) => server.sign(claims, options) : undefined;
        return callback(app, `code=${server.issueCode(location, { idToken })}&state=${state}`, cookie);
      };
      assert.equal((await signInOnce()).status, 302);
      await server.rotate();
      const before = server.jwksFetches();
      assert.equal((await signInOnce()).status, 302);
      assert.equal(server.jwksFetches(), before + 1);
      const forged = await Promise.all(Array.from({ length: 20 }, (_, i) => signInOnce({ kid: `forged-${i}` })));
      assert.ok(forged.every((response) => response.status === 401));
      assert.equal(server.jwksFetches(), before + 1);
    });

    it('an IdP error is 401 sso_failed with a message a person can act on; a description with a link is left out', async () => {
      const app = hostApp(makeClient());
      let flow = await startSignIn(app);
      let error = await errorOf(
        await callback(app, `error=access_denied&error_description=${encodeURIComponent('This person is deactivated.')}&state=${flow.state}`, flow.cookie),
      );
      assert.equal(error.code, 'sso_failed');
      assert.match(error.message, /did not let you sign in.*IT administrator.*This person is deactivated/);
      flow = await startSignIn(app);
      const phishing = encodeURIComponent('Call +1 555 or visit https://evil.example/<script>');
      error = await errorOf(await callback(app, `error=server_error&error_description=${phishing}&state=${flow.state}`, flow.cookie));
      assert.doesNotMatch(error.message, /evil|script|555/);
      assert.match(error.message, /Try again in a few minutes/);
      assert.ok(logLines.some((line) => line.includes('error=server_error')));
    });

    it('a refused code is 401 sso_failed; refused client credentials are 502 upstream_auth_failed', async () => {
      const app = hostApp(makeClient());
      let flow = await startSignIn(app);
      let response = await callback(app, `code=never-issued&state=${flow.state}`, flow.cookie);
      assert.equal(response.status, 401);
      assert.equal((await errorOf(response)).code, 'sso_failed');
      server.refuseWith({ status: 401, error: 'invalid_client' });
      flow = await startSignIn(app);
      response = await callback(app, `code=c0de&state=${flow.state}`, flow.cookie);
      assert.equal(response.status, 502);
      assert.equal((await errorOf(response)).code, 'upstream_auth_failed');
      assertLogsClean('never-issued', 'c0de');
    });

    it('Scalekit unreachable on the code exchange is 503 upstream_unavailable, never a hang or a 500', async () => {
      const closed = await startTokenServer();
      await closed.close();
      const unreachable = name === 'the Node SDK'
        ? new Scalekit(closed.url, server.clientId, server.clientSecret)
        : scalekitRest({ environmentUrl: closed.url, clientId: server.clientId, clientSecret: server.clientSecret });
      const app = hostApp(unreachable);
      const { cookie, state } = await startSignIn(app);
      const response = await callback(app, `code=c0de&state=${state}`, cookie);
      assert.equal(response.status, 503, await response.clone().text());
      assert.equal((await errorOf(response)).code, 'upstream_unavailable');
      assertLogsClean('c0de');
    });

    it('idp_initiated_login: a verified token restarts as SP-initiated for its connection, with a new flow cookie', async () => {
      const app = hostApp(makeClient());
      const token = await server.sign({
        iss: server.url,
        aud: [server.clientId],
        exp: Math.floor(Date.now() / 1000) + 300,
        connection_id: 'conn_acme',
        organization_id: 'org_acme',
        login_hint: 'alice@acme.test',
        relay_state: 'anything',
      });
      const response = await callback(app, `idp_initiated_login=${token}`);
      assert.equal(response.status, 302, await response.clone().text());
      const q = new URL(response.headers.get('location')!).searchParams;
      assert.equal(q.get('connection_id'), 'conn_acme');
      assert.equal(q.get('login_hint'), 'alice@acme.test');
      const setCookie = response.headers.get('set-cookie')!;
      assert.match(setCookie, /^scalekit_sso=[^;]+; Path=\/auth\/sso\/callback; Max-Age=600/);
      // The restarted flow completes.
      const code = server.issueCode(response.headers.get('location')!);
      assert.equal((await callback(app, `code=${code}&state=${q.get('state')}`, setCookie.split(';')[0])).status, 302);
      assert.equal(signIns.length, 1);
      assert.equal(signIns[0]!.relayState, 'anything', 'the relay state reaches onSignIn through the new flow');

      for (const forged of [
        await server.sign({ iss: server.url, exp: Math.floor(Date.now() / 1000) + 300, connection_id: 'c' }, { key: await generateKeyPair('RS256') }),
        new UnsecuredJWT({ iss: server.url, connection_id: 'conn_acme' }).encode(),
        await server.sign({ iss: server.url, exp: Math.floor(Date.now() / 1000) - 600, connection_id: 'conn_acme' }),
        await server.sign({ iss: server.url, exp: Math.floor(Date.now() / 1000) + 300, connection_id: 'javascript:alert(1)' }),
      ]) {
        const refused = await callback(app, `idp_initiated_login=${forged}`);
        assert.equal(refused.status, 401);
        assert.equal((await errorOf(refused)).code, 'sso_failed');
      }
    });

    it('relay_state: kept up to 512 printable ASCII characters (the worst case for the cookie), else dropped with a log line and the sign-in still completes', async () => {
      const app = hostApp(makeClient());
      const signInFrom = async (relayState: string) => {
        const token = await server.sign({
          iss: server.url,
          exp: Math.floor(Date.now() / 1000) + 300,
          connection_id: 'conn_acme',
          organization_id: 'org_acme',
          login_hint: 'alice@acme.test',
          relay_state: relayState,
        });
        const restart = await callback(app, `idp_initiated_login=${token}`);
        assert.equal(restart.status, 302, await restart.clone().text());
        const location = restart.headers.get('location')!;
        const cookie = restart.headers.get('set-cookie')!.split(';')[0]!;
        assert.ok(cookie.length < 4000, `flow cookie of ${cookie.length} characters`);
        const state = new URL(location).searchParams.get('state');
        const done = await callback(app, `code=${server.issueCode(location)}&state=${state}`, cookie);
        assert.equal(done.status, 302, await done.clone().text());
        return signIns.at(-1)!.relayState;
      };
      const worst = '"\\'.repeat(256); // every character escaped in the cookie's JSON
      assert.equal(await signInFrom(worst), worst);
      assert.equal(await signInFrom('/reports?tab=sso'), '/reports?tab=sso');
      logLines = [];
      assert.equal(await signInFrom('x'.repeat(513)), undefined);
      assert.equal(await signInFrom('caf\u00e9\n'), undefined);
      assert.equal(logLines.filter((line) => /relay_state dropped/.test(line)).length, 2, logLines.join('\n'));
      assert.ok(!logLines.join('\n').includes('xxxxxxxx'), 'the relay state itself is not logged');

      // An ordinary sign-in has none.
      const { cookie, location, state } = await startSignIn(app);
      assert.equal((await callback(app, `code=${server.issueCode(location)}&state=${state}`, cookie)).status, 302);
      assert.equal(signIns.at(-1)!.relayState, undefined);
      assert.ok(!('relayState' in signIns.at(-1)!));
    });
  });
}

describe('scalekitSso() input checks', () => {
  const app = () => hostApp(clients['scalekitRest()']());

  it('start refuses missing, repeated, oversized, malformed and hostile parameters with 400 invalid_request', async () => {
    const cases = [
      '',
      'email=',
      'email=a@acme.test&email=b@acme.test',
      'email=a@acme.test&organization_id=org_1',
      `email=${'a'.repeat(300)}@acme.test`,
      'email=not-an-email',
      'email=a@b',
      'email=%22a%22%40acme.test',
      'email=a%0d%0aSet-Cookie:x@acme.test',
      'email=%FF%FE@acme.test',
      'organization_id=javascript:alert(1)',
      'organization_id=../../admin',
      `connection_id=${'c'.repeat(200)}`,
      'connection_id=conn_1&connection_id=conn_2',
      'organization_id[]=org_1',
    ];
    for (const query of cases) {
      const response = await app().request(`/auth/sso/start?${query}`);
      assert.equal(response.status, 400, query);
      const error = await errorOf(response);
      assert.equal(error.code, 'invalid_request', query);
      assert.ok(!error.message.includes('alert') && !error.message.includes('acme.test'), query);
    }
  });

  it('the callback never answers 5xx, whatever the query string or cookie', async () => {
    const a = app();
    const pieces = ['code', 'state', 'error', 'error_description', 'idp_initiated_login', 'x', '%', '%FF', '&&', '=', '[]', 'javascript:alert(1)', '\u0000', 'é', '..', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.'];
    const random = () => pieces[Math.floor(Math.random() * pieces.length)]!;
    const cookies = [undefined, 'scalekit_sso=', 'scalekit_sso=a.b', `scalekit_sso=${randomBytes(300).toString('base64url')}`, 'scalekit_sso="x', `scalekit_sso=${'x'.repeat(5000)}`];
    for (let i = 0; i < 300; i++) {
      const query = Array.from({ length: 1 + (i % 5) }, () => `${random()}=${encodeURIComponent(random())}${random()}`).join('&');
      const cookie = cookies[i % cookies.length];
      const response = await a.request(`/auth/sso/callback?${query}`, cookie ? { headers: { cookie } } : {});
      assert.ok(response.status < 500, `${response.status} for ?${query}`);
      await response.body?.cancel();
    }
    const huge = await a.request(`/auth/sso/callback?code=${'c'.repeat(100_000)}&state=${'s'.repeat(100_000)}`);
    assert.equal(huge.status, 400);
  });

  it('onError may answer instead; it receives the code and a message safe to show', async () => {
    const seen: string[] = [];
    const a = hostApp(clients['scalekitRest()'](), {
      onError: (c, error) => {
        seen.push(error.code);
        return error.code === 'sso_state_invalid' ? c.redirect(`/login?error=${error.code}`) : undefined;
      },
    });
    const response = await a.request('/auth/sso/callback?code=c&state=s');
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), '/login?error=sso_state_invalid');
    assert.equal((await a.request('/auth/sso/start')).status, 400);
    assert.deepEqual(seen, ['sso_state_invalid', 'invalid_request']);
  });

  it('an immutable Response from onSignIn still gets the cookie cleared and no-store', async () => {
    const a = hostApp(clients['scalekitRest()'](), {
      onSignIn: () => new Response(Response.redirect('http://app.test/home', 303).body, { status: 200, headers: { 'cache-control': 'public, max-age=600' } }),
    });
    const b = hostApp(clients['scalekitRest()'](), { onSignIn: () => Response.redirect('http://app.test/home', 303) });
    for (const app of [a, b]) {
      const { location, cookie, state } = await startSignIn(app);
      const response = await callback(app, `code=${server.issueCode(location)}&state=${state}`, cookie);
      assert.ok(response.status === 200 || response.status === 303);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.match(response.headers.get('set-cookie') ?? '', /^scalekit_sso=; .*Max-Age=0/);
    }
  });

  it('onSignIn refusing with HTTPException(403) answers 403 forbidden JSON', async () => {
    const a = hostApp(clients['the Node SDK'](), {
      onSignIn: () => {
        throw new HTTPException(403);
      },
    });
    const { location, cookie, state } = await startSignIn(a);
    const response = await callback(a, `code=${server.issueCode(location)}&state=${state}`, cookie);
    assert.equal(response.status, 403);
    assert.equal((await errorOf(response)).code, 'forbidden');
  });

  it('an https redirectUri makes the cookie Secure; a path needs publicOrigin; bad options throw', async () => {
    const rest = clients['scalekitRest()']();
    const secure = hostApp(rest, { redirectUri: 'https://app.example.com/auth/sso/callback' });
    assert.match((await startSignIn(secure)).setCookie, /; Secure$/);
    const relative = hostApp(rest, { redirectUri: '/auth/sso/callback', publicOrigin: 'https://app.example.com' });
    assert.equal(new URL((await startSignIn(relative)).location).searchParams.get('redirect_uri'), 'https://app.example.com/auth/sso/callback');
    const onSignIn = () => new Response();
    for (const bad of [
      { redirectUri: '/auth/sso/callback' },
      { redirectUri: 'javascript:alert(1)' },
      { redirectUri: 'https://app.example.com/cb#x' },
      { redirectUri: 'https://app.example.com/a;b' },
      { redirectUri: REDIRECT, cookieName: 'a b' },
      { redirectUri: REDIRECT, cookieName: '__Host-sso' },
      { redirectUri: REDIRECT, scopes: ['openid profile'] },
      { redirectUri: REDIRECT, onSignIn: 'no' },
    ]) {
      assert.throws(() => scalekitSso({ scalekit: rest, onSignIn, ...bad } as never), TypeError, JSON.stringify(bad));
    }
  });
});
