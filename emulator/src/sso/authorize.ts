// GET /oauth/authorize: what the SDK's getAuthorizationUrl builds. A request the emulator cannot answer to
// the app (unknown client, bad redirect_uri) gets its own 400 page; once the redirect_uri is known to be the
// app's, every other problem goes back to it as RFC 6749 section 4.1.2.1 says. Then the IdP page, or with
// prompt=none an answer at once.
import type { Context } from 'hono';
import type { SsoContext } from './context.js';
import { currentSession } from './idp-session.js';
import { describeProblem, readQuery } from './query.js';
import { redirectError, refusalPage } from './responses.js';
import { completeSignIn, offerSignIn } from './sign-in.js';
import { findTarget } from './sign-in-target.js';
import type { SignInRequest } from './sso-store.js';

const LIMITS = { client_id: 256, state: 2048, nonce: 512, login_hint: 320, domain_hint: 253, domain: 253, connection_id: 128, organization_id: 128, code_challenge: 128, scope: 1024, prompt: 100 };
const CODE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/; // RFC 6749 scope-token
const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

type Parsed = { ok: true; request: SignInRequest; prompt: Set<string> } | { ok: false; error: string; description: string };

/** Everything but client_id and redirect_uri, which are checked first. */
function parseRequest(params: Map<string, string>, redirectUri: string): Parsed {
  const fail = (error: string, description: string): Parsed => ({ ok: false, error, description });
  const responseType = params.get('response_type');
  if (responseType !== 'code') return fail(responseType ? 'unsupported_response_type' : 'invalid_request', 'response_type must be code');
  const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean);
  if (scopes.length > 50 || !scopes.every((s) => SCOPE.test(s))) return fail('invalid_scope', 'scope is not a list of scope names');
  if (!scopes.includes('openid')) return fail('invalid_scope', 'scope must include openid');
  const prompt = new Set((params.get('prompt') ?? '').split(' ').filter(Boolean));
  if (![...prompt].every((p) => PROMPTS.has(p))) return fail('invalid_request', 'prompt must be none, login, consent or select_account');
  if (prompt.has('none') && prompt.size > 1) return fail('invalid_request', 'prompt=none cannot be combined with other values');
  const codeChallenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (codeChallenge === undefined && method !== undefined) return fail('invalid_request', 'code_challenge_method needs a code_challenge');
  if (codeChallenge !== undefined && !CODE_CHALLENGE.test(codeChallenge)) return fail('invalid_request', 'code_challenge must be 43-128 characters of A-Z a-z 0-9 - . _ ~');
  if (method !== undefined && method !== 'S256' && method !== 'plain') return fail('invalid_request', 'code_challenge_method must be S256 or plain');
  if (params.has('provider')) return fail('invalid_request', 'social sign-in (provider) is not emulated; sign in through an organization');
  return {
    ok: true,
    prompt,
    request: {
      kind: 'authorize',
      organizationId: '',
      connectionId: '',
      redirectUri,
      scope: scopes.join(' '),
      state: params.get('state'),
      nonce: params.get('nonce'),
      loginHint: params.get('login_hint'),
      codeChallenge,
      // RFC 7636 section 4.3: without a method, the challenge is plain.
      codeChallengeMethod: codeChallenge === undefined ? undefined : ((method as 'S256' | 'plain' | undefined) ?? 'plain'),
    },
  };
}

export function authorize(ctx: SsoContext) {
  return (c: Context): Response => {
    const { params, problem } = readQuery(c.req.url, LIMITS);
    const clientId = params.get('client_id');
    if (problem && (problem.kind === 'encoding' || problem.name === 'redirect_uri' || problem.name === 'client_id')) {
      return refusalPage(c, 400, 'This sign-in request is malformed', `${describeProblem(problem)}. Start again from the app.`);
    }
    if (clientId !== ctx.options.clientId) {
      return refusalPage(c, 400, 'Unknown application', 'client_id is missing or is not this environment\'s client id.');
    }
    const redirect = ctx.checkRedirect(params.get('redirect_uri'));
    if (!redirect.ok) return refusalPage(c, 400, 'This sign-in cannot return to the app', `${redirect.reason}.`);
    const redirectUri = params.get('redirect_uri')!;
    const state = params.get('state');
    if (problem) return redirectError(c, redirectUri, 'invalid_request', describeProblem(problem), state);

    const parsed = parseRequest(params, redirectUri);
    if (!parsed.ok) return redirectError(c, redirectUri, parsed.error, parsed.description, state);
    const target = findTarget(ctx.state, {
      organizationId: params.get('organization_id'),
      connectionId: params.get('connection_id'),
      domainHint: params.get('domain_hint') ?? params.get('domain'),
      loginHint: params.get('login_hint'),
    });
    if (!target.ok) return redirectError(c, redirectUri, target.error, target.description, state);
    const request: SignInRequest = { ...parsed.request, organizationId: target.organization.id, connectionId: target.connection.id };

    const session = currentSession(ctx, c);
    const signedIn = session?.users.get(request.connectionId) ?? null;
    if (parsed.prompt.has('none')) {
      const user = signedIn === null ? undefined : ctx.people(request.organizationId).find((u) => u.id === signedIn);
      if (!user) return redirectError(c, redirectUri, 'login_required', 'nobody is signed in at the identity provider', state);
      if (!user.active) return redirectError(c, redirectUri, 'access_denied', 'this person is deactivated in the directory', state);
      return completeSignIn(ctx, c, request, user);
    }

    return offerSignIn(ctx, c, request, target, redirect.url.origin);
  };
}
