// A verified ID token, as the host's `onSignIn` receives it. The user is named as the SDK's
// authenticateWithCode names it (`sub` → `id`, `given_name` → `givenName`, …), but read from claims whose
// signature has been checked, and only claims of the expected types are kept.

import { TokenRejectedError, type JwtClaims } from './jwt.js';

export interface SsoIdentity {
  connectionId: string;
  organizationId: string;
  connectionType?: string;
  providerName?: string;
  social?: boolean;
}

export interface SsoUser {
  /** `sub`: Scalekit's id for this person. */
  id: string;
  email: string;
  emailVerified?: boolean;
  name?: string;
  givenName?: string;
  familyName?: string;
  username?: string;
  identities: SsoIdentity[];
}

export interface SsoSignIn {
  user: SsoUser;
  /** The organization whose SSO connection signed the person in. */
  organizationId: string;
  connectionId: string | undefined;
  /** The verified ID token itself, e.g. for `getLogoutUrl({ idTokenHint })`. Never log it. */
  idToken: string;
  /**
   * Only for a sign-in started from the identity provider's dashboard: the relay state its administrator set
   * there (often where to land, e.g. `/reports`), as the IdP sent it. Not checked for meaning, so treat it as
   * untrusted input: redirect only to paths of your own app, never to an absolute URL it names.
   */
  relayState?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function identitiesOf(value: unknown): SsoIdentity[] {
  if (!Array.isArray(value)) return [];
  const identities: SsoIdentity[] = [];
  for (const item of value.slice(0, 20)) {
    if (typeof item !== 'object' || item === null) continue;
    const claims = item as Record<string, unknown>;
    const connectionId = text(claims['connection_id']);
    const organizationId = text(claims['organization_id']);
    if (!connectionId || !organizationId) continue;
    const identity: SsoIdentity = { connectionId, organizationId };
    const connectionType = text(claims['connection_type']);
    const providerName = text(claims['provider_name']);
    if (connectionType) identity.connectionType = connectionType;
    if (providerName) identity.providerName = providerName;
    if (typeof claims['social'] === 'boolean') identity.social = claims['social'];
    identities.push(identity);
  }
  return identities;
}

/** What onSignIn gets from verified `claims`; throws {@link TokenRejectedError} if a claim it needs is missing. */
export function signInOf(claims: JwtClaims, idToken: string): SsoSignIn {
  const id = text(claims['sub']);
  const email = text(claims['email']);
  if (!id) throw new TokenRejectedError('no sub');
  if (!email) throw new TokenRejectedError('no email');
  const identities = identitiesOf(claims['identities']);
  const organizationId = text(claims['oid']) ?? identities[0]?.organizationId;
  if (!organizationId) throw new TokenRejectedError('no organization (oid or identities)');
  const identity = identities.find((item) => item.organizationId === organizationId);

  const user: SsoUser = { id, email, identities };
  if (typeof claims['email_verified'] === 'boolean') user.emailVerified = claims['email_verified'];
  const optional = { name: 'name', givenName: 'given_name', familyName: 'family_name', username: 'preferred_username' } as const;
  for (const [field, claim] of Object.entries(optional) as Array<[keyof typeof optional, string]>) {
    const value = text(claims[claim]);
    if (value) user[field] = value;
  }
  return { user, organizationId, connectionId: identity?.connectionId, idToken };
}
