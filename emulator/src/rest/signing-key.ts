// The key the emulator signs its tokens with (RS256, as Scalekit does), and the JWKS `GET /keys` publishes so the
// SDK's validateToken / validateAccessToken verify them. One key per process: making an RSA key costs about a
// tenth of a second, and a test run starts hundreds of emulators; each still publishes it under its own /keys.
import { createHash, generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from 'node:crypto';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
}

let key: SigningKey | null = null;

function signingKey(): SigningKey {
  if (key) return key;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = publicKey.export({ format: 'jwk' });
  // The RFC 7638 thumbprint: a stable id for this key, derived from it.
  const kid = createHash('sha256').update(JSON.stringify({ e: publicJwk.e, kty: publicJwk.kty, n: publicJwk.n })).digest('base64url');
  key = { kid, privateKey, publicJwk };
  return key;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact RS256 JWT over `claims`. */
export function signJwt(claims: Record<string, unknown>): string {
  const { kid, privateKey } = signingKey();
  const input = `${base64url({ alg: 'RS256', typ: 'JWT', kid })}.${base64url(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** `GET /keys`: the public half, as a JWK Set. */
export function jwks(): { keys: JsonWebKey[] } {
  const { kid, publicJwk } = signingKey();
  return { keys: [{ kty: publicJwk.kty, n: publicJwk.n, e: publicJwk.e, kid, alg: 'RS256', use: 'sig' }] };
}
