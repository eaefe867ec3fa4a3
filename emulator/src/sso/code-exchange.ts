// grant_type=authorization_code: a code from the IdP page, exchanged once for the ID token (and an access token)
// the SDK's authenticateWithCode expects. The person is looked up again at this moment: someone the directory
// deactivated between the IdP page and the exchange gets no tokens.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SsoContext } from './context.js';
import { signInTokens } from './id-token.js';

const CODE = /^[A-Za-z0-9_-]{32}$/;
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/; // RFC 7636 section 4.1

export type CodeExchange =
  | { ok: true; body: { access_token: string; id_token: string; token_type: 'Bearer'; expires_in: number; scope: string } }
  | { ok: false; error: 'invalid_grant' | 'invalid_request'; description: string };

function sameText(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function challengeMet(method: 'S256' | 'plain', challenge: string, verifier: string): boolean {
  const derived = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return sameText(derived, challenge);
}

export function exchangeCode(ctx: SsoContext, form: URLSearchParams): CodeExchange {
  const fail = (error: 'invalid_grant' | 'invalid_request', description: string): CodeExchange => ({ ok: false, error, description });
  const code = form.get('code') ?? '';
  const redirectUri = form.get('redirect_uri');
  if (!code) return fail('invalid_request', 'code is required');
  if (redirectUri === null) return fail('invalid_request', 'redirect_uri is required');
  // Taken before any other check: a code is good for one attempt, right or wrong (RFC 6749 section 10.5).
  const issued = CODE.test(code) ? ctx.store.codes.take(code) : undefined;
  if (!issued) return fail('invalid_grant', 'the code is unknown, expired or already used');
  const { request } = issued;
  if (redirectUri !== request.redirectUri) return fail('invalid_grant', 'redirect_uri is not the one the code was issued for');
  if (request.codeChallenge !== undefined) {
    const verifier = form.get('code_verifier');
    if (verifier === null) return fail('invalid_grant', 'code_verifier is required: the sign-in started with a code_challenge');
    if (!CODE_VERIFIER.test(verifier) || !challengeMet(request.codeChallengeMethod ?? 'plain', request.codeChallenge, verifier)) {
      return fail('invalid_grant', 'code_verifier does not match the code_challenge');
    }
  }
  const org = ctx.state.organizations.get(request.organizationId);
  if (!org?.sso?.enabled || org.sso.id !== request.connectionId) {
    return fail('invalid_grant', 'single sign-on is no longer enabled for this organization');
  }
  const user = ctx.people(request.organizationId).find((u) => u.id === issued.user.id);
  if (!user?.active) return fail('invalid_grant', 'this person is no longer active in the organization\'s directory');

  const tokens = signInTokens({ issuer: ctx.state.baseUrl(), clientId: ctx.options.clientId }, { ...issued, user }, org.sso);
  return {
    ok: true,
    body: { access_token: tokens.accessToken, id_token: tokens.idToken, token_type: 'Bearer', expires_in: tokens.expiresIn, scope: request.scope },
  };
}
