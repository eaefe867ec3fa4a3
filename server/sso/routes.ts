// `scalekitSso()`: signing people in through their organization's SSO connection, for Hono.
//
//   GET {mount}/start?email=… | organization_id=… | connection_id=…   → 302 to Scalekit's /oauth/authorize
//   GET {mount}/callback?code&state                                   → onSignIn(c, { user, organizationId, … })
//   GET {mount}/callback?idp_initiated_login=…                        → 302 to /oauth/authorize (SP-initiated)
//
// The ID token is verified here (signature against the environment's JWK Set, iss, aud, exp, nonce): the SDK's
// authenticateWithCode only decodes it. `state`, `nonce` and a PKCE verifier travel in a signed cookie bound to
// the browser (flow-cookie.ts). Every answer carries `Cache-Control: no-store`; the callback's also
// `Referrer-Policy: no-referrer`, since its URL holds the code.

import type { Context, Env } from 'hono';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { describeError } from '../http/log-safe.js';
import { readPublicOrigin } from '../http/public-origin.js';
import { asRouteError, routeErrorResponse, ScalekitRouteError } from '../http/route-error.js';
import { MalformedTokenAnswerError, scalekitSsoApi } from '../scalekit/sdk-adapter.js';
import { isHttpUrl, type ScalekitClientLike, type ScalekitSsoApi, type SsoAuthorizationRequest } from '../scalekit/types.js';
import { fromUpstreamError } from '../scalekit/upstream-errors.js';
import { codeChallengeOf, constantTimeEqual, FLOW_TTL_SECONDS, newFlow, openFlow, RELAY_STATE, sealFlow, UsedStates } from './flow-cookie.js';
import { idpErrorMessage, loggableErrorCode } from './idp-errors.js';
import { createJwksCache } from './jwks.js';
import { TokenRejectedError, verifyJwt, type JwtClaims } from './jwt.js';
import { email as emailParam, invalid, LIMITS, oauthValue, scalekitId, single } from './query.js';
import { signInOf, type SsoSignIn } from './sign-in.js';

export type { SsoSignIn, SsoUser, SsoIdentity } from './sign-in.js';

const ROUTE = 'scalekitSso';

export interface ScalekitSsoOptions<E extends Env = Env> {
  /** The Scalekit client: the Node SDK's `new Scalekit(…)`, or `scalekitRest()`. */
  scalekit: ScalekitClientLike;
  /**
   * Where Scalekit sends the browser back: this app's `{mount}/callback`, as registered in Scalekit. An absolute
   * http(s) URL, or a path when `publicOrigin` is set. The flow cookie is `Secure` when it is https.
   */
  redirectUri: string;
  /**
   * Called with the verified sign-in; what it returns is the callback's answer (start the host's session and
   * redirect, or refuse). Throw `new HTTPException(403)` to refuse as JSON.
   */
  onSignIn: (c: Context<E>, signIn: SsoSignIn) => Response | Promise<Response>;
  /** OAuth scopes. Default `['openid', 'profile', 'email']`; `openid` is always sent. */
  scopes?: readonly string[];
  /** The flow cookie's name. Default `scalekit_sso`. */
  cookieName?: string;
  /** The origin browsers use to reach this app; a path-only `redirectUri` is resolved against it. */
  publicOrigin?: string;
  /**
   * Answer a failure yourself (a sign-in page with the message, say): return a Response, or nothing for the
   * JSON answer. `error.code` is `sso_state_invalid`, `sso_failed`, `invalid_request`, `upstream_*` or `internal`;
   * `error.message` is safe to show.
   */
  onError?: (c: Context<E>, error: ScalekitRouteError) => Response | void | Promise<Response | void>;
  /** Where server-side failure details go (one redacted line each, never a code, token or email). Default `console.error`. */
  log?: (line: string) => void;
  /** The clock (ms since the epoch), for tests of expiry. Default `Date.now`. */
  now?: () => number;
}

interface Settings {
  redirectUri: string;
  callbackPath: string;
  secure: boolean;
  scopes: readonly string[];
  cookieName: string;
  log: (line: string) => void;
  now: () => number;
}

const DEFAULT_SCOPES = ['openid', 'profile', 'email'] as const;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/; // an OAuth scope-token: printable ASCII but space, quote and backslash
const COOKIE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const COOKIE_KEY_PURPOSE = 'sso-flow-cookie/v1';

/**
 * SSO sign-in routes: `GET /start` and `GET /callback`, to mount where `redirectUri` points.
 *
 * @example
 * ```ts
 * app.route('/auth/sso', scalekitSso({
 *   scalekit,
 *   redirectUri: 'https://app.example.com/auth/sso/callback',
 *   onSignIn: async (c, { user, organizationId }) => {
 *     const member = await members.findActive(organizationId, user.email);
 *     if (!member) return c.text('Your directory has not given you access.', 403);
 *     await startHostSession(c, member);
 *     return c.redirect('/');
 *   },
 * }));
 * ```
 */
export function scalekitSso<E extends Env = Env>(options: ScalekitSsoOptions<E>): Hono<E> {
  const settings = readOptions(options);
  const api: ScalekitSsoApi = scalekitSsoApi(options.scalekit);
  const keys = createJwksCache(api, settings.now);
  const usedStates = new UsedStates();
  const { log } = settings;
  const nowSeconds = () => Math.floor(settings.now() / 1000);

  let cookieKey: Promise<CryptoKey> | null = null;
  const flowKey = (): Promise<CryptoKey> => {
    cookieKey ??= api.deriveHmacKey(`${COOKIE_KEY_PURPOSE}:${api.clientId}`).catch((error: unknown) => {
      cookieKey = null;
      throw error;
    });
    return cookieKey;
  };

  const cookieAttributes = (maxAge: number) =>
    `Path=${settings.callbackPath}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${settings.secure ? '; Secure' : ''}`;
  const clearCookie = `${settings.cookieName}=; ${cookieAttributes(0)}`;

  /** A fresh flow in its cookie, and the authorization URL that starts it. */
  async function beginFlow(target: Omit<SsoAuthorizationRequest, 'redirectUri' | 'scopes' | 'state' | 'nonce' | 'codeChallenge'>, relayState?: string) {
    const flow = newFlow(nowSeconds(), relayState);
    const location = api.authorizationUrl({
      ...target,
      redirectUri: settings.redirectUri,
      scopes: settings.scopes,
      state: flow.state,
      nonce: flow.nonce,
      codeChallenge: await codeChallengeOf(flow.codeVerifier),
    });
    if (!isHttpUrl(location)) throw new ScalekitRouteError('internal', { cause: new Error('the authorization URL is not http(s)') });
    const cookie = `${settings.cookieName}=${await sealFlow(flow, await flowKey())}; ${cookieAttributes(FLOW_TTL_SECONDS)}`;
    return redirect(location, cookie);
  }

  const verify = (token: string, extra: { nonce?: string; audienceRequired: boolean }) =>
    verifyJwt(token, { keys, issuer: api.environmentUrl, audience: api.clientId, nowSeconds: nowSeconds(), ...extra });

  /** A refused sign-in: the reason to the log, a message a person can act on to the caller. */
  function refused(reason: string, message?: string): ScalekitRouteError {
    log(`${ROUTE}: sign-in refused: ${reason}`);
    return new ScalekitRouteError('sso_failed', message === undefined ? {} : { message });
  }

  async function answerError(error: unknown, c: Context<E>): Promise<Response> {
    const failure = asRouteError(error);
    if (failure.code === 'internal') log(`${ROUTE}: internal error: ${describeError(failure.cause ?? error)}`);
    if (options.onError) {
      try {
        const answered = await options.onError(c, failure);
        if (answered instanceof Response) return answered;
      } catch (hostError) {
        log(`${ROUTE}: onError threw: ${describeError(hostError)}`);
      }
    }
    return routeErrorResponse(failure, c as unknown as Context);
  }

  async function start(c: Context<E>): Promise<Response> {
    const query = new URL(c.req.url).searchParams;
    const email = emailParam(query);
    const organizationId = scalekitId(query, 'organization_id');
    const connectionId = scalekitId(query, 'connection_id');
    const given = [email, organizationId, connectionId].filter((value) => value !== undefined).length;
    if (given !== 1) throw invalid('Give exactly one of `email`, `organization_id` or `connection_id`.');
    if (email) return beginFlow({ loginHint: email.email, domainHint: email.domain });
    return beginFlow(organizationId ? { organizationId } : { connectionId: connectionId! });
  }

  async function idpInitiated(token: string): Promise<Response> {
    let claims: JwtClaims;
    try {
      claims = await verify(token, { audienceRequired: false });
    } catch (error) {
      if (error instanceof TokenRejectedError) throw refused(`IdP-initiated login token rejected: ${error.message}`);
      throw fromUpstreamError(error);
    }
    const id = (name: string) => {
      const value = claims[name];
      return typeof value === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
    };
    const connectionId = id('connection_id');
    const organizationId = id('organization_id');
    if (!connectionId && !organizationId) throw refused('IdP-initiated login token names no connection or organization');
    const hint = claims['login_hint'];
    const loginHint = typeof hint === 'string' && hint.length <= LIMITS.email && /^[^\s@]+@[^\s@]+$/.test(hint) ? hint : undefined;
    // The relay state rides in the new flow's cookie to onSignIn; one the cookie cannot carry is dropped, not fatal.
    let relayState: string | undefined;
    const relay = claims['relay_state'];
    if (typeof relay === 'string' && relay !== '') {
      if (RELAY_STATE.test(relay)) relayState = relay;
      else log(`${ROUTE}: IdP-initiated login: relay_state dropped (${relay.length} characters; at most 512 printable ASCII are kept)`);
    }
    return beginFlow({ ...(connectionId ? { connectionId } : { organizationId }), ...(loginHint ? { loginHint } : {}) }, relayState);
  }

  async function callback(c: Context<E>): Promise<Response> {
    const query = new URL(c.req.url).searchParams;
    const idpToken = oauthValue(query, 'idp_initiated_login', LIMITS.idpToken);
    if (idpToken !== undefined) return idpInitiated(idpToken);

    const state = oauthValue(query, 'state', LIMITS.state);
    let cookie: string | undefined;
    try {
      cookie = getCookie(c, settings.cookieName);
    } catch {
      cookie = undefined;
    }
    const flow = await openFlow(cookie, await flowKey(), nowSeconds());
    if (!flow || state === undefined || !constantTimeEqual(flow.state, state)) throw new ScalekitRouteError('sso_state_invalid');
    if (!usedStates.claim(flow.state, flow.expiresAt, nowSeconds())) throw new ScalekitRouteError('sso_state_invalid');

    const idpError = single(query, 'error', LIMITS.error);
    if (idpError !== undefined) {
      const description = single(query, 'error_description', LIMITS.errorDescription);
      throw refused(`the identity provider answered error=${loggableErrorCode(idpError)}`, idpErrorMessage(idpError, description));
    }

    const code = oauthValue(query, 'code', LIMITS.code);
    if (code === undefined) throw invalid('`code` is missing.');
    let exchanged;
    try {
      exchanged = await api.exchangeCode(code, settings.redirectUri, flow.codeVerifier);
    } catch (error) {
      if (error instanceof MalformedTokenAnswerError) throw refused('ID token rejected: not a JWT');
      throw fromUpstreamError(error);
    }
    if (!exchanged.ok) {
      if (exchanged.error === 'invalid_client') {
        log(`${ROUTE}: Scalekit refused the client credentials on the code exchange (${exchanged.status})`);
        throw new ScalekitRouteError('upstream_auth_failed');
      }
      throw refused(
        `Scalekit refused the code (${exchanged.status} ${loggableErrorCode(exchanged.error ?? '')})`,
        'The sign-in could not be completed: it expired or was already used. Start signing in again.',
      );
    }

    let signIn: SsoSignIn;
    try {
      signIn = signInOf(await verify(exchanged.idToken, { nonce: flow.nonce, audienceRequired: true }), exchanged.idToken);
      if (flow.relayState !== undefined) signIn.relayState = flow.relayState;
    } catch (error) {
      if (error instanceof TokenRejectedError) throw refused(`ID token rejected: ${error.message}`);
      throw fromUpstreamError(error);
    }
    const answer = await options.onSignIn(c, signIn);
    if (!(answer instanceof Response)) throw new ScalekitRouteError('internal', { cause: new TypeError('onSignIn did not return a Response') });
    return answer;
  }

  const app = new Hono<E>();
  app.get('/start', async (c) => withHeaders(await settle(() => start(c), c), { 'Cache-Control': 'no-store' }));
  app.get('/callback', async (c) => {
    const answer = await settle(() => callback(c), c);
    // The flow ends here whatever happened, unless this answer started a new one (IdP-initiated).
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
    if (!startsFlow.has(answer)) headers['Set-Cookie'] = clearCookie;
    return withHeaders(answer, headers);
  });

  async function settle(handler: () => Promise<Response>, c: Context<E>): Promise<Response> {
    try {
      return await handler();
    } catch (error) {
      return answerError(error, c);
    }
  }
  return app;
}

/** Responses that set a new flow cookie (the callback must not clear it). */
const startsFlow = new WeakSet<Response>();

function redirect(location: string, cookie: string): Response {
  const response = new Response(null, { status: 302, headers: { Location: location, 'Set-Cookie': cookie } });
  startsFlow.add(response);
  return response;
}

/**
 * `response` with `headers` added (appended for Set-Cookie, set otherwise: a callback's answer is never cached,
 * whatever onSignIn said); copied if its headers are immutable.
 */
function withHeaders(response: Response, headers: Record<string, string>): Response {
  const apply = (target: Response) => {
    for (const [name, value] of Object.entries(headers)) {
      if (name === 'Set-Cookie') target.headers.append(name, value);
      else target.headers.set(name, value);
    }
    return target;
  };
  try {
    return apply(response);
  } catch {
    const copy = new Response(response.body, response);
    if (startsFlow.has(response)) startsFlow.add(copy);
    return apply(copy);
  }
}

function readOptions<E extends Env>(options: ScalekitSsoOptions<E>): Settings {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${ROUTE}: options { scalekit, redirectUri, onSignIn } are required`);
  if (typeof options.onSignIn !== 'function') throw new TypeError(`${ROUTE}: \`onSignIn\` must be a function`);
  if (options.onError !== undefined && typeof options.onError !== 'function') throw new TypeError(`${ROUTE}: \`onError\` must be a function`);
  if (options.log !== undefined && typeof options.log !== 'function') throw new TypeError(`${ROUTE}: \`log\` must be a function`);
  if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError(`${ROUTE}: \`now\` must be a function`);
  const publicOrigin = readPublicOrigin(options.publicOrigin, ROUTE);

  const raw = options.redirectUri;
  let redirectUri: URL | null = null;
  if (typeof raw === 'string' && raw.length <= 2000) {
    if (raw.startsWith('/') && !raw.startsWith('//') && publicOrigin) redirectUri = new URL(raw, publicOrigin);
    else if (isHttpUrl(raw)) redirectUri = new URL(raw);
  }
  // `;`, `,` or a space in the path would end the cookie's Path attribute early.
  if (!redirectUri || redirectUri.hash || redirectUri.username || redirectUri.password || /[;,\s]/.test(redirectUri.pathname)) {
    throw new TypeError(
      `${ROUTE}: \`redirectUri\` must be an absolute http(s) URL without a fragment (or a path, with \`publicOrigin\` set), e.g. https://app.example.com/auth/sso/callback`,
    );
  }

  const scopes = options.scopes ?? DEFAULT_SCOPES;
  if (!Array.isArray(scopes) || scopes.length > 20 || !scopes.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope))) {
    throw new TypeError(`${ROUTE}: \`scopes\` must be a list of OAuth scope names, e.g. ['openid', 'profile', 'email']`);
  }

  const cookieName = options.cookieName ?? 'scalekit_sso';
  if (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName)) {
    throw new TypeError(`${ROUTE}: \`cookieName\` must be 1 to 64 letters, digits, '_', '-' or '.'`);
  }
  const secure = redirectUri.protocol === 'https:';
  const lower = cookieName.toLowerCase();
  if ((lower.startsWith('__secure-') || lower.startsWith('__host-')) && !secure) {
    throw new TypeError(`${ROUTE}: a \`cookieName\` starting with __Secure- or __Host- needs an https \`redirectUri\``);
  }
  return {
    redirectUri: redirectUri.href,
    // A __Host- cookie must have Path=/; any other is sent only to the callback.
    callbackPath: lower.startsWith('__host-') ? '/' : redirectUri.pathname,
    secure,
    scopes: scopes.includes('openid') ? [...scopes] : ['openid', ...scopes],
    cookieName,
    log: options.log ?? ((line) => console.error(line)),
    now: options.now ?? Date.now,
  };
}
