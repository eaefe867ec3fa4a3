// Verifying the JWTs Scalekit signs (ID tokens, IdP-initiated login tokens) on WebCrypto alone. Only what these
// tokens use is accepted: compact JWS, RS256, a key from the environment's JWK Set. Every other `alg` (none,
// HS256 keyed with the public key, ES256, PS256…) is refused before any key is looked at.

import { base64UrlToBytes } from './base64url.js';
import type { JwksCache } from './jwks.js';

/** Longer tokens are refused unread; Scalekit's are around 1–2 KiB. */
export const MAX_TOKEN_LENGTH = 16 * 1024;
/** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds. */
export const CLOCK_LEEWAY_SECONDS = 60;

/** Why a token was refused: for the server log, never for the caller. */
export class TokenRejectedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TokenRejectedError';
  }
}

export interface VerifyOptions {
  keys: JwksCache;
  /** The expected `iss` (a trailing slash on either side is ignored). */
  issuer: string;
  /** `aud` must contain it. */
  audience: string;
  /** False for IdP-initiated login tokens: their `aud` is checked only when they carry one. */
  audienceRequired: boolean;
  /** The expected `nonce`, or undefined when the token need not carry one. */
  nonce?: string;
  /** Seconds since the epoch. */
  nowSeconds: number;
}

export type JwtClaims = Record<string, unknown>;

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeJsonPart(part: string, what: string): Record<string, unknown> {
  const bytes = base64UrlToBytes(part);
  if (!bytes) throw new TokenRejectedError(`${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new TokenRejectedError(`${what} is not UTF-8 JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TokenRejectedError(`${what} is not an object`);
  return value as Record<string, unknown>;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** The claims of `token` once its signature and claims check out; throws {@link TokenRejectedError} otherwise. */
export async function verifyJwt(token: string, options: VerifyOptions): Promise<JwtClaims> {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw new TokenRejectedError('bad length');
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenRejectedError('not a compact JWS');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];

  const header = decodeJsonPart(headerPart, 'header');
  if (header['alg'] !== 'RS256') throw new TokenRejectedError('alg is not RS256');
  if (header['crit'] !== undefined) throw new TokenRejectedError('unsupported crit header');
  const kid = header['kid'];
  if (kid !== undefined && (typeof kid !== 'string' || kid === '' || kid.length > 200)) throw new TokenRejectedError('bad kid');

  const signature = base64UrlToBytes(signaturePart);
  if (!signature || signature.length === 0) throw new TokenRejectedError('signature is not base64url');
  const key = await options.keys.keyFor(kid as string | undefined);
  if (!key) throw new TokenRejectedError('no key in the JWK Set for this kid');
  const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
  const valid = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, signature as Uint8Array<ArrayBuffer>, signed);
  if (!valid) throw new TokenRejectedError('bad signature');

  const claims = decodeJsonPart(payloadPart, 'payload');
  checkClaims(claims, options);
  return claims;
}

function checkClaims(claims: JwtClaims, options: VerifyOptions): void {
  const { nowSeconds } = options;
  if (typeof claims['iss'] !== 'string' || trimSlash(claims['iss']) !== trimSlash(options.issuer)) throw new TokenRejectedError('wrong iss');

  const aud = claims['aud'];
  if (aud !== undefined || options.audienceRequired) {
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!audiences.includes(options.audience)) throw new TokenRejectedError('wrong aud');
    // With several audiences, an `azp` present must name this client (OpenID Connect's rule).
    if (claims['azp'] !== undefined && claims['azp'] !== options.audience) throw new TokenRejectedError('wrong azp');
  }

  const exp = claims['exp'];
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new TokenRejectedError('no exp');
  if (nowSeconds > exp + CLOCK_LEEWAY_SECONDS) throw new TokenRejectedError('expired');
  const nbf = claims['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || nowSeconds + CLOCK_LEEWAY_SECONDS < nbf)) throw new TokenRejectedError('not yet valid');
  const iat = claims['iat'];
  if (iat !== undefined && (typeof iat !== 'number' || nowSeconds + CLOCK_LEEWAY_SECONDS < iat)) throw new TokenRejectedError('issued in the future');

  if (options.nonce !== undefined && claims['nonce'] !== options.nonce) throw new TokenRejectedError('wrong nonce');
}
