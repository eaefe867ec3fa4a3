// The sign-in in progress, bound to the browser that started it: `state`, `nonce` and the PKCE code verifier in
// one short-lived cookie (HttpOnly, SameSite=Lax so it comes back on the IdP's top-level redirect, Secure over
// https, scoped to the callback's path). It is signed, not stored: any instance holding the client secret
// accepts it, and a forged or edited one is refused. It is cleared on the callback, and a state seen once is
// refused again for as long as its cookie could live (this process's memory, bounded).

import { base64UrlToBytes, bytesToBase64Url, randomBase64Url } from './base64url.js';

/** How long a sign-in may take from start to callback. */
export const FLOW_TTL_SECONDS = 10 * 60;
/** A cookie longer than this is not one of ours (about 250 characters, up to ~1 650 with a relay state). */
const MAX_COOKIE_VALUE_LENGTH = 2048;
/**
 * A relay state the flow carries: printable ASCII, at most 512 characters. That keeps the cookie well under the
 * 4 KB browsers keep; an IdP-initiated sign-in's relay state is usually a path or a URL.
 */
export const RELAY_STATE = /^[\x20-\x7e]{1,512}$/;
/** States remembered as used; past this, the oldest are forgotten first (they expire within the TTL anyway). */
const MAX_REMEMBERED_STATES = 10_000;

export interface SsoFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  /** The relay state of the IdP-initiated sign-in this flow restarts, if it had one (see RELAY_STATE). */
  relayState?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const RANDOM_VALUE = /^[A-Za-z0-9_-]{43}$/;

export function newFlow(nowSeconds: number, relayState?: string): SsoFlow {
  const flow: SsoFlow = { state: randomBase64Url(), nonce: randomBase64Url(), codeVerifier: randomBase64Url(), expiresAt: nowSeconds + FLOW_TTL_SECONDS };
  if (relayState !== undefined) flow.relayState = relayState;
  return flow;
}

/** The PKCE S256 challenge of a verifier: base64url(SHA-256(verifier)). */
export async function codeChallengeOf(verifier: string): Promise<string> {
  return bytesToBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(verifier))));
}

/** `payload.mac`, both base64url; the MAC covers the payload as sent. */
export async function sealFlow(flow: SsoFlow, key: CryptoKey): Promise<string> {
  const payload = bytesToBase64Url(encoder.encode(JSON.stringify({ s: flow.state, n: flow.nonce, v: flow.codeVerifier, e: flow.expiresAt, r: flow.relayState })));
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(payload)));
  return `${payload}.${bytesToBase64Url(mac)}`;
}

/** The flow in `value` if its MAC checks (in constant time, by WebCrypto) and it has not expired; else null. */
export async function openFlow(value: string | undefined, key: CryptoKey, nowSeconds: number): Promise<SsoFlow | null> {
  if (typeof value !== 'string' || value.length > MAX_COOKIE_VALUE_LENGTH) return null;
  const dot = value.indexOf('.');
  if (dot <= 0 || dot !== value.lastIndexOf('.')) return null;
  const payload = value.slice(0, dot);
  const mac = base64UrlToBytes(value.slice(dot + 1));
  if (!mac || mac.length !== 32) return null;
  if (!(await crypto.subtle.verify('HMAC', key, mac as Uint8Array<ArrayBuffer>, encoder.encode(payload)))) return null;
  const bytes = base64UrlToBytes(payload);
  if (!bytes) return null;
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
  } catch {
    return null;
  }
  const { s, n, v, e, r } = fields ?? {};
  if (typeof s !== 'string' || typeof n !== 'string' || typeof v !== 'string' || typeof e !== 'number') return null;
  if (!RANDOM_VALUE.test(s) || !RANDOM_VALUE.test(n) || !RANDOM_VALUE.test(v)) return null;
  if (r !== undefined && (typeof r !== 'string' || !RELAY_STATE.test(r))) return null;
  if (nowSeconds >= e || e > nowSeconds + FLOW_TTL_SECONDS) return null;
  return { state: s, nonce: n, codeVerifier: v, expiresAt: e, ...(r === undefined ? {} : { relayState: r }) };
}

/** Equal strings, compared without an early exit. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** States already used, until they expire. */
export class UsedStates {
  readonly #expiries = new Map<string, number>();

  /** True the first time `state` is offered (and remembers it); false if it was used before. */
  claim(state: string, expiresAt: number, nowSeconds: number): boolean {
    this.#forgetExpired(nowSeconds);
    if (this.#expiries.has(state)) return false;
    if (this.#expiries.size >= MAX_REMEMBERED_STATES) this.#expiries.delete(this.#expiries.keys().next().value!);
    this.#expiries.set(state, expiresAt);
    return true;
  }

  #forgetExpired(nowSeconds: number): void {
    // Insertion order is expiry order (every flow lives FLOW_TTL_SECONDS), so the expired ones are at the front.
    for (const [state, expiresAt] of this.#expiries) {
      if (expiresAt > nowSeconds) break;
      this.#expiries.delete(state);
    }
  }
}
