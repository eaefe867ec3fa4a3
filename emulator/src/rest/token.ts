// POST /oauth/token (form-encoded, HTTP/1.1 via axios): the client-credentials grant the SDK's API calls use, and
// the authorization-code grant that ends an SSO sign-in (authenticateWithCode).
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { limitBody } from '../body-limit.js';
import type { Faults } from '../faults.js';
import type { EmulatorState } from '../state.js';
import type { Timers } from '../timers.js';
import { signJwt } from './signing-key.js';
import { exchangeCode } from '../sso/code-exchange.js';
import type { SsoContext } from '../sso/context.js';

export const TOKEN_LIFETIME_SECONDS = 86_399;

const MAX_SCOPES = 50;
const SCOPE = /^[A-Za-z0-9:._-]{1,100}$/;

/** Compares secrets in constant time (through fixed-length digests, so lengths do not leak either). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

function oauthError(error: string, description: string) {
  return { error, error_description: description };
}

export function tokenRoutes(deps: {
  state: EmulatorState;
  faults: Faults;
  timers: Timers;
  clientId: string;
  clientSecret: string;
  /** The `iss` of every token: the environment URL clients were given. */
  issuer: () => string;
  /** Sign-ins waiting for their code exchange. */
  sso: SsoContext;
}): Hono {
  const { state, faults, timers } = deps;
  const app = new Hono();
  app.post(
    '/',
    limitBody(16 * 1024, (c) => c.json(oauthError('invalid_request', 'request body too large'), 413)),
    async (c) => {
      state.tokenRequests++;
      await timers.delay(faults.latencyMs, c.req.raw.signal);
      const injected = faults.takeTokenFault();
      if (injected !== null) return c.json(oauthError('server_error', 'injected fault'), injected as 500);

      const type = c.req.header('content-type') ?? '';
      if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
        return c.json(oauthError('invalid_request', 'expected an application/x-www-form-urlencoded body'), 400);
      }
      const form = new URLSearchParams(await c.req.text());
      let clientId = form.get('client_id');
      let clientSecret = form.get('client_secret');
      // RFC 6749 also allows HTTP Basic client authentication.
      const basic = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(c.req.header('authorization') ?? '')?.[1];
      if (basic && clientId === null) {
        const decoded = Buffer.from(basic, 'base64').toString();
        const colon = decoded.indexOf(':');
        if (colon > 0) {
          clientId = safeDecode(decoded.slice(0, colon));
          clientSecret = safeDecode(decoded.slice(colon + 1));
        }
      }
      const grantType = form.get('grant_type');
      if (grantType !== 'client_credentials' && grantType !== 'authorization_code') {
        return c.json(oauthError('unsupported_grant_type', 'grant_type must be client_credentials or authorization_code'), 400);
      }
      if (!clientId || !clientSecret) {
        return c.json(oauthError('invalid_request', 'client_id and client_secret are required'), 400);
      }
      if (!sameSecret(clientId, deps.clientId) || !sameSecret(clientSecret, deps.clientSecret)) {
        return c.json(oauthError('invalid_client', 'client authentication failed'), 401);
      }
      c.header('Cache-Control', 'no-store');
      if (grantType === 'authorization_code') {
        const exchanged = exchangeCode(deps.sso, form);
        return exchanged.ok ? c.json(exchanged.body) : c.json(oauthError(exchanged.error, exchanged.description), 400);
      }
      const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      if (scopes.length > MAX_SCOPES || !scopes.every((scope) => SCOPE.test(scope))) {
        return c.json(oauthError('invalid_scope', `scope must be at most ${MAX_SCOPES} space-separated names of letters, digits and : . _ -`), 400);
      }
      // A JWT as Scalekit issues it, so a host's API can check it with the SDK's validateAccessToken (against
      // GET /keys) and read the scopes it carries.
      const now = Math.floor(Date.now() / 1000);
      const token = signJwt({
        iss: deps.issuer(),
        sub: deps.clientId,
        aud: [deps.clientId],
        client_id: deps.clientId,
        iat: now,
        nbf: now,
        exp: now + TOKEN_LIFETIME_SECONDS,
        jti: randomUUID(),
        scopes,
      });
      state.acceptToken(token);
      return c.json({
        access_token: token,
        token_type: 'Bearer',
        expires_in: TOKEN_LIFETIME_SECONDS,
        scope: scopes.join(' '),
      });
    },
  );
  return app;
}
