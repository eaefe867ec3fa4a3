// The tokens a sign-in ends with, shaped as Scalekit issues them: the ID token the SDK's authenticateWithCode
// decodes into `user` (and a host verifies against GET /keys), the access token beside it, and the
// `idp_initiated_login` token getIdpInitiatedLoginClaims verifies.
import { createHash, randomUUID } from 'node:crypto';
import { signJwt } from '../rest/signing-key.js';
import type { SsoConnection } from '../state.js';
import type { IssuedCode } from './sso-store.js';

export const ID_TOKEN_LIFETIME_SECONDS = 3600;
export const IDP_INITIATED_LIFETIME_SECONDS = 300;

export interface TokenContext {
  issuer: string;
  clientId: string;
}

/** Scalekit's subject for an SSO user: the connection, then the IdP's own id for the person. */
export function subjectOf(connectionId: string, dpId: string): string {
  return `${connectionId};${dpId}`;
}

/** OpenID Connect's at_hash: the left half of the access token's SHA-256, base64url. */
function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}

export function signInTokens(ctx: TokenContext, issued: IssuedCode, connection: Pick<SsoConnection, 'type' | 'provider'>) {
  const { request, user, sid } = issued;
  const now = Math.floor(Date.now() / 1000);
  const sub = subjectOf(request.connectionId, user.dpId);
  const accessToken = signJwt({
    iss: ctx.issuer,
    sub,
    aud: [ctx.clientId],
    client_id: ctx.clientId,
    iat: now,
    nbf: now,
    exp: now + ID_TOKEN_LIFETIME_SECONDS,
    jti: randomUUID(),
    sid,
    oid: request.organizationId,
    scopes: request.scope.split(' ').filter(Boolean),
  });
  const idToken = signJwt({
    iss: ctx.issuer,
    aud: [ctx.clientId],
    azp: ctx.clientId,
    sub,
    amr: [request.connectionId],
    iat: now,
    exp: now + ID_TOKEN_LIFETIME_SECONDS,
    ...(request.nonce !== undefined && { nonce: request.nonce }),
    at_hash: accessTokenHash(accessToken),
    sid,
    oid: request.organizationId,
    email: user.email,
    email_verified: true,
    given_name: user.givenName,
    family_name: user.familyName,
    name: user.name,
    preferred_username: user.preferredUsername,
    identities: [
      {
        connection_id: request.connectionId,
        organization_id: request.organizationId,
        connection_type: connection.type,
        provider_name: connection.provider,
        social: false,
      },
    ],
  });
  return { idToken, accessToken, expiresIn: ID_TOKEN_LIFETIME_SECONDS };
}

/** The token an IdP-initiated sign-in hands the app, asking it to start an SP-initiated one for this person. */
export function idpInitiatedToken(
  ctx: TokenContext,
  claims: { connectionId: string; organizationId: string; loginHint: string; relayState?: string },
): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt({
    iss: ctx.issuer,
    aud: [ctx.clientId],
    iat: now,
    nbf: now,
    exp: now + IDP_INITIATED_LIFETIME_SECONDS,
    jti: randomUUID(),
    connection_id: claims.connectionId,
    organization_id: claims.organizationId,
    login_hint: claims.loginHint,
    ...(claims.relayState !== undefined && { relay_state: claims.relayState }),
  });
}
