// What a sign-in leaves behind on the emulator: requests waiting on the IdP page, codes waiting to be
// exchanged, and the IdP sessions that remember who signed in. Server-side only: the page and the browser
// carry nothing but unguessable ids, so neither can be edited into another redirect_uri or another person.
import { randomBytes } from 'node:crypto';
import { ExpiringMap } from './expiring-map.js';
import type { DirectoryUser } from '../directory/directory-state.js';

/** How long a person has to pick someone on the IdP page. */
export const PENDING_TTL_MS = 10 * 60_000;
/** How long an authorization code may wait for its exchange. */
export const CODE_TTL_MS = 10 * 60_000;
/** How long an IdP session lasts (a working day, as IdPs commonly keep one). */
export const IDP_SESSION_TTL_MS = 8 * 3600_000;
const MAX_ENTRIES = 1000;

export interface SignInRequest {
  /** `authorize`: the app asked (SP-initiated); `idp_initiated`: the person started at the IdP. */
  kind: 'authorize' | 'idp_initiated';
  organizationId: string;
  connectionId: string;
  /** Exactly as the request gave it: the token request must repeat it. */
  redirectUri: string;
  scope: string;
  state?: string;
  nonce?: string;
  loginHint?: string;
  relayState?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
}

export interface IssuedCode {
  request: SignInRequest;
  user: DirectoryUser;
  /** The IdP session the sign-in belongs to (the ID token's `sid`). */
  sid: string;
}

/** One browser's IdP session: who is signed in, per connection. */
export interface IdpSession {
  sid: string;
  users: Map<string, string>; // connection id → directory user id
}

/** Unguessable, URL-safe ids (192 bits). */
export function secretId(): string {
  return randomBytes(24).toString('base64url');
}

export class SsoStore {
  readonly pending: ExpiringMap<SignInRequest>;
  readonly codes: ExpiringMap<IssuedCode>;
  readonly sessions: ExpiringMap<IdpSession>;
  /** Sign-ins completed at the IdP (a code or an IdP-initiated token issued). */
  signIns = 0;

  constructor(now: () => number = Date.now) {
    this.pending = new ExpiringMap(MAX_ENTRIES, PENDING_TTL_MS, now);
    this.codes = new ExpiringMap(MAX_ENTRIES, CODE_TTL_MS, now);
    this.sessions = new ExpiringMap(MAX_ENTRIES, IDP_SESSION_TTL_MS, now);
  }

  reset(): void {
    this.pending.clear();
    this.codes.clear();
    this.sessions.clear();
    this.signIns = 0;
  }
}
