// Keys this package signs its own short-lived values with (the SSO flow cookie), derived from the client secret
// so that no extra secret has to be configured and every instance (or a restarted one) derives the same key.
// HKDF with a per-purpose `info` keeps each derived key useless for anything else, and the secret unexposed.
// WebCrypto only: this runs in Workers, Deno and Bun as well as Node.

const encoder = new TextEncoder();
const SALT = encoder.encode('scalekit-admin-portal/derived-keys/v1');

/** An HMAC-SHA-256 key for `purpose`, derived by HKDF-SHA-256 from `secret`. */
export async function hmacKeyFromSecret(secret: string, purpose: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: SALT, info: encoder.encode(purpose) },
    material,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}
