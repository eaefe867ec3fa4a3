// The key the emulator signs its tokens with (RS256, as Scalekit does), and the JWKS `GET /keys` publishes so the
// SDK's validateToken / validateAccessToken verify them. One key per process: making an RSA key costs about a
// tenth of a second, and a test run starts hundreds of emulators; each still publishes it under its own /keys.
import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

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

/** The claims of a JWT this process signed (any lifetime), or null: a token from anywhere else, or tampered with. */
export function verifyJwt(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 16_384) return null;
  const { kid, publicJwk } = signingKey();
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as Record<string, unknown>;
    if (header['alg'] !== 'RS256' || header['kid'] !== kid) return null;
    const publicKey = createPublicKey({ key: publicJwk, format: 'jwk' });
    if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2]!, 'base64url'))) return null;
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString());
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
