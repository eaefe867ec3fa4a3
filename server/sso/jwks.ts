// The environment's signing keys, as WebCrypto keys, fetched from `{env}/keys` and cached. A token naming a kid
// the cache does not hold triggers one refetch (Scalekit rotated its key), shared by every caller meanwhile and
// at most once per REFETCH_COOLDOWN_MS: a stream of tokens with made-up kids costs Scalekit one request each
// cooldown. The first load does not count, so a rotation right after start-up is still picked up.

import type { ScalekitSsoApi } from '../scalekit/types.js';
import { base64UrlToBytes } from './base64url.js';

const REFETCH_COOLDOWN_MS = 30_000;
/** More keys than any real JWK Set holds; the rest are ignored. */
const MAX_KEYS = 20;
/** RSA keys shorter than this are not trusted, whatever the JWK Set says. */
const MIN_MODULUS_BITS = 2048;

export interface JwksCache {
  /** The verification key for `kid` (undefined: the only key, when the token names none), or null. */
  keyFor(kid: string | undefined): Promise<CryptoKey | null>;
}

export function createJwksCache(api: Pick<ScalekitSsoApi, 'fetchJwks'>, now: () => number = Date.now): JwksCache {
  let keys: Map<string, CryptoKey> | null = null;
  let lastRefetchAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<Map<string, CryptoKey>> | null = null;

  function refresh(): Promise<Map<string, CryptoKey>> {
    inFlight ??= (async () => {
      try {
        keys = await importJwks(await api.fetchJwks());
        return keys;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  }

  const pick = (held: Map<string, CryptoKey>, kid: string | undefined): CryptoKey | null => {
    if (kid === undefined) return held.size === 1 ? [...held.values()][0]! : null;
    return held.get(kid) ?? null;
  };

  return {
    async keyFor(kid) {
      if (keys === null) return pick(await refresh(), kid);
      const held = pick(keys, kid);
      if (held !== null) return held;
      if (inFlight === null) {
        if (now() - lastRefetchAt < REFETCH_COOLDOWN_MS) return null;
        lastRefetchAt = now();
      }
      return pick(await refresh(), kid);
    },
  };
}

/** The usable RS256 signing keys of a JWK Set, by kid (a key without one is filed under ''). */
async function importJwks(json: unknown): Promise<Map<string, CryptoKey>> {
  const list = typeof json === 'object' && json !== null ? (json as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(list)) throw new TypeError("Scalekit's JWK Set has no keys array");
  const keys = new Map<string, CryptoKey>();
  for (const jwk of list.slice(0, MAX_KEYS)) {
    const imported = await importRsaKey(jwk);
    if (imported) keys.set(imported.kid, imported.key);
  }
  return keys;
}

async function importRsaKey(jwk: unknown): Promise<{ kid: string; key: CryptoKey } | null> {
  if (typeof jwk !== 'object' || jwk === null) return null;
  const { kty, n, e, kid, alg, use } = jwk as Record<string, unknown>;
  if (kty !== 'RSA' || typeof n !== 'string' || typeof e !== 'string') return null;
  if (alg !== undefined && alg !== 'RS256') return null;
  if (use !== undefined && use !== 'sig') return null;
  if (kid !== undefined && (typeof kid !== 'string' || kid.length > 200)) return null;
  const modulus = base64UrlToBytes(n);
  if (!modulus || modulus.length * 8 < MIN_MODULUS_BITS || modulus.length > 1024) return null;
  try {
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'RSA', n, e, alg: 'RS256', ext: true },
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    return { kid: kid ?? '', key };
  } catch {
    return null;
  }
}
