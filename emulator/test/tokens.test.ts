// The emulator's access tokens as Scalekit issues them: RS256 JWTs carrying the requested scopes, verifiable by
// the unmodified SDK against GET /keys; the discovery document; and hostile scope values.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, type Emulator } from '../src/index.js';

let emulator: Emulator;
let other: Emulator;
before(async () => {
  [emulator, other] = await Promise.all([startEmulator({ port: 0 }), startEmulator({ port: 0 })]);
});
after(() => Promise.all([emulator.close(), other.close()]));

async function token(on: Emulator, extra = ''): Promise<Response> {
  const body = `grant_type=client_credentials&client_id=${encodeURIComponent(on.clientId)}&client_secret=${encodeURIComponent(on.clientSecret)}${extra}`;
  return fetch(`${on.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

describe('access tokens', () => {
  it('are RS256 JWTs with the requested scopes, which the SDK validates against /keys', async () => {
    const response = await token(emulator, '&scope=read%3Ausers%20write%3Ausers');
    assert.equal(response.status, 200);
    const body = (await response.json()) as { access_token: string; scope: string; expires_in: number };
    assert.equal(body.scope, 'read:users write:users');
    const header = JSON.parse(Buffer.from(body.access_token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(header.alg, 'RS256');
    const claims = claimsOf(body.access_token);
    assert.deepEqual(claims.scopes, ['read:users', 'write:users']);
    assert.equal(claims.iss, emulator.url);
    assert.equal(claims.sub, emulator.clientId);
    assert.equal((claims.exp as number) - (claims.iat as number), body.expires_in);

    const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    assert.equal(await scalekit.validateAccessToken(body.access_token), true);
    assert.equal(await scalekit.validateAccessToken(body.access_token, { issuer: emulator.url, requiredScopes: ['read:users'] }), true);
    assert.equal(await scalekit.validateAccessToken(body.access_token, { requiredScopes: ['admin'] }), false);
    // A token another environment issued is not this one's.
    const foreign = ((await (await token(other)).json()) as { access_token: string }).access_token;
    assert.equal(await scalekit.validateAccessToken(foreign, { issuer: emulator.url }), false);
  });

  it('fail validation when tampered with, and are refused by the API', async () => {
    const { access_token: jwt } = (await (await token(emulator)).json()) as { access_token: string };
    const [head, payload, signature] = jwt.split('.') as [string, string, string];
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claimsOf(jwt), scopes: ['admin'] })).toString('base64url')}.${signature}`;
    const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    assert.equal(await scalekit.validateAccessToken(forged), false);
    for (const bearer of [forged, `${head}.${payload}.`, 'a.b', jwt.replace(/\./g, '')]) {
      const response = await fetch(`${emulator.url}/api/v1/organizations`, { headers: { authorization: `Bearer ${bearer}` } });
      assert.equal(response.status, 401, bearer.slice(0, 20));
    }
    const ok = await fetch(`${emulator.url}/api/v1/organizations`, { headers: { authorization: `Bearer ${jwt}` } });
    assert.equal(ok.status, 200);
  });

  it('carry no scopes when none were asked for; a malformed scope is invalid_scope (400)', async () => {
    const plain = (await (await token(emulator)).json()) as { access_token: string; scope: string };
    assert.equal(plain.scope, '');
    assert.deepEqual(claimsOf(plain.access_token).scopes, []);
    for (const scope of ['%3Cscript%3E', 'a%22b', encodeURIComponent('x'.repeat(101)), Array.from({ length: 51 }, (_, i) => `s${i}`).join('%20')]) {
      const response = await token(emulator, `&scope=${scope}`);
      assert.equal(response.status, 400, scope.slice(0, 30));
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_scope');
    }
  });
});

describe('discovery', () => {
  it('serves /keys as a JWK Set and /.well-known/openid-configuration naming it', async () => {
    const keys = (await (await fetch(`${emulator.url}/keys`)).json()) as { keys: Array<Record<string, unknown>> };
    assert.equal(keys.keys.length, 1);
    assert.equal(keys.keys[0]!.kty, 'RSA');
    assert.equal(keys.keys[0]!.alg, 'RS256');
    assert.equal('d' in keys.keys[0]!, false, 'no private part');
    const config = (await (await fetch(`${emulator.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(config.issuer, emulator.url);
    assert.equal(config.jwks_uri, `${emulator.url}/keys`);
    assert.equal(config.token_endpoint, `${emulator.url}/oauth/token`);
  });

  it('answers other methods on them with a 404 that names the route, never a 5xx', async () => {
    for (const path of ['/keys', '/.well-known/openid-configuration']) {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const response = await fetch(`${emulator.url}${path}`, { method, body: method === 'DELETE' ? undefined : '{"x":1}' });
        assert.equal(response.status, 404, `${method} ${path}`);
      }
    }
  });
});
