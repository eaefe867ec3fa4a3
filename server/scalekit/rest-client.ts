// `scalekitRest()`: a Scalekit client made of `fetch` alone, for runtimes the Node SDK cannot
// run on (Cloudflare Workers has no `http2.connect`) and for hosts that would rather not ship the SDK. It
// imports nothing but types and the SCALEKIT_API symbol: no `node:` module may enter its import graph.
//
// The REST shape. Scalekit's REST routes are the gRPC methods' own `google.api.http` annotations (shipped in
// the SDK's descriptors) served through grpc-gateway; they have not been exercised against Scalekit itself,
// so the client is strict in what it sends and lenient in what it accepts:
//
// - sends: `POST /oauth/token` (form `grant_type=client_credentials&client_id&client_secret`);
//   `PUT /api/v1/organizations/{id}/portal_links?features=sso&features=dir_sync` with no body (the annotation
//   has no body mapping, so by the gateway's rule `features` travels as repeated query parameters, enum names);
//   `DELETE /api/v1/organizations/{id}/portal_links/{link_id}`;
//   `GET /api/v1/organizations:external/{external_id}`;
//   `POST /api/v1/organizations` with the organization itself as the body (`body: "organization"`), snake_case.
//   An id that would be a dot segment (`.`, `..`) in one of these paths is refused, never sent.
// - accepts: `{ link: { id, location, expire_time } }` with `expire_time` an RFC 3339 string or a
//   `{ seconds, nanos }` object (either key spelling, `expire_time` or `expireTime`); `{ organization }` or a
//   bare organization; errors as grpc-gateway bodies `{ code, message, details }` or anything else (then the
//   HTTP status alone decides).
//
// Errors are thrown as `ScalekitRestError` carrying a gRPC `grpcStatus`, so errors.ts maps them exactly as it
// maps the SDK's exceptions (NotFound → 404, ResourceExhausted → 429, Unavailable → 503, DeadlineExceeded →
// 504, Unauthenticated → 502 upstream_auth_failed).

import { hmacKeyFromSecret } from './derive-key.js';
import { ALL_PORTAL_FEATURES, isHttpUrl, SCALEKIT_API, SCALEKIT_SSO_API } from './types.js';
import type {
  CreateOrganizationInput,
  ScalekitSsoApi,
  ScalekitSsoApiProvider,
  SsoAuthorizationRequest,
  SsoCodeExchange,
  IssuedPortalLink,
  PortalFeature,
  ScalekitApi,
  ScalekitApiProvider,
  ScalekitOrganization,
} from './types.js';

export interface ScalekitRestOptions {
  /** The Scalekit environment URL, e.g. `https://acme.scalekit.dev` (SCALEKIT_ENVIRONMENT_URL). */
  environmentUrl: string;
  clientId: string;
  clientSecret: string;
  /** The `fetch` to use. Default: the global one. */
  fetch?: (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
  /** Bound on each request to Scalekit, token request included, in ms. Default 20 000 (as the SDK). */
  timeoutMs?: number;
}

/** The client `scalekitRest()` returns: a `ScalekitApi` that every `scalekit` option accepts. */
export interface ScalekitRestClient extends ScalekitApi, ScalekitApiProvider, ScalekitSsoApiProvider {
  /** The environment URL requests go to (no trailing slash). */
  readonly environmentUrl: string;
  readonly clientId: string;
}

// gRPC status numbers; errors.ts reads them from `grpcStatus`.
const GRPC = {
  Cancelled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;

/** A Scalekit REST call (or the token request) that failed; `grpcStatus` says how, as the SDK's exceptions do. */
export class ScalekitRestError extends Error {
  /** gRPC status code: from the error body's `code`, else derived from the HTTP status or the network failure. */
  readonly grpcStatus: number;
  /** The HTTP status Scalekit answered with; undefined when no answer came. */
  readonly httpStatus: number | undefined;
  /** Scalekit's `ErrorInfo.error_code` when the body had one (e.g. `ORGANIZATION_NOT_FOUND`). */
  readonly errorCode: string | undefined;

  constructor(
    message: string,
    init: { grpcStatus: number; httpStatus?: number; errorCode?: string; cause?: unknown },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ScalekitRestError';
    this.grpcStatus = init.grpcStatus;
    this.httpStatus = init.httpStatus;
    this.errorCode = init.errorCode;
  }
}

const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_TIMEOUT_MS = 2_147_483_647; // setTimeout's ceiling
// Refresh a little before `expires_in` runs out, so a request never leaves with a token about to lapse.
const TOKEN_EXPIRY_MARGIN_MS = 30_000;

/**
 * A Scalekit client over `fetch` alone: runs on Cloudflare Workers, Deno, Bun and Node, and is accepted by
 * `scalekitPortal()`, `scalekitSetupLinks()`, `ensureOrganization()` and `scalekitWebhooks()` wherever they take
 * `scalekit`. Concurrent callers share one token request; a token Scalekit refuses is replaced once.
 *
 * @example
 * ```ts
 * const scalekit = scalekitRest({
 *   environmentUrl: env.SCALEKIT_ENVIRONMENT_URL,
 *   clientId: env.SCALEKIT_CLIENT_ID,
 *   clientSecret: env.SCALEKIT_CLIENT_SECRET,
 * });
 * app.route('/api/scalekit', scalekitPortal({ scalekit, authorize }));
 * ```
 */
export function scalekitRest(options: ScalekitRestOptions): ScalekitRestClient {
  const config = readOptions(options);
  const { environmentUrl, clientId } = config;

  /** `expiresAt`: when to stop using it (a margin before Scalekit would refuse it). */
  let token: { value: string; expiresAt: number } | null = null;
  let tokenRequest: Promise<string> | null = null;

  /** The token in use, if it is still good for a while. */
  const currentToken = (): string | null => (token !== null && Date.now() < token.expiresAt ? token.value : null);

  /**
   * A token other than `stale`: the current one if someone already replaced `stale`, else a fresh one. Every
   * caller arriving while a token request is in flight waits on that one request.
   */
  function freshToken(stale: string | null): Promise<string> {
    // A refused token is dropped at once, so callers arriving meanwhile wait for its replacement instead of
    // spending a call on it.
    if (stale !== null && token?.value === stale) token = null;
    const held = currentToken();
    if (held !== null && held !== stale) return Promise.resolve(held);
    tokenRequest ??= requestToken(config).then(
      (issued) => {
        token = issued;
        tokenRequest = null;
        return issued.value;
      },
      (error: unknown) => {
        tokenRequest = null;
        throw error;
      },
    );
    return tokenRequest;
  }

  /**
   * One API call with the shared token; on 401 the token is replaced (once for all callers that saw it
   * refused) and the call made once more.
   */
  async function call(route: Route, init: { body?: unknown; query?: URLSearchParams } = {}): Promise<Response> {
    const used = await freshToken(null);
    const response = await send(config, route, used, init);
    if (response.status !== 401) return response;
    await response.body?.cancel();
    return send(config, route, await freshToken(used), init);
  }

  const api: ScalekitRestClient = {
    environmentUrl,
    clientId,
    [SCALEKIT_API]: () => api,
    [SCALEKIT_SSO_API]: () => sso,

    async warmUp() {
      await freshToken(null);
    },

    async generatePortalLink(organizationId: string, features?: readonly PortalFeature[]): Promise<IssuedPortalLink> {
      const query = new URLSearchParams();
      // Every feature is Scalekit's default, so none is sent; `domain_verification` travels by name otherwise.
      const all = ALL_PORTAL_FEATURES.every((feature) => features?.includes(feature));
      for (const feature of all ? [] : new Set(features ?? [])) query.append('features', feature);
      const route = routeOf('PUT', '/api/v1/organizations/{id}/portal_links', { id: organizationId });
      const response = await call(route, { query });
      return toIssuedLink(await readJson(route, response));
    },

    async deletePortalLink(organizationId: string, linkId: string): Promise<void> {
      const route = routeOf('DELETE', '/api/v1/organizations/{id}/portal_links/{link_id}', {
        id: organizationId,
        link_id: linkId,
      });
      const response = await call(route);
      if (response.status === 404) {
        await response.body?.cancel();
        return; // already gone: what the caller wanted
      }
      await readJson(route, response);
    },

    async getOrganizationByExternalId(externalId: string): Promise<ScalekitOrganization | null> {
      const route = routeOf('GET', '/api/v1/organizations:external/{external_id}', { external_id: externalId });
      const response = await call(route);
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      return toOrganization(route, await readJson(route, response));
    },

    async createOrganization(input: CreateOrganizationInput): Promise<ScalekitOrganization> {
      const route = routeOf('POST', '/api/v1/organizations', {});
      const body: Record<string, unknown> = { display_name: input.name, external_id: input.externalId };
      if (input.metadata !== undefined) body['metadata'] = input.metadata;
      const response = await call(route, { body });
      return toOrganization(route, await readJson(route, response));
    },
  };
  const sso = restSsoApi(config);
  return api;
}

// --- Options -------------------------------------------------------------------------------------------------

interface Config {
  environmentUrl: string;
  clientId: string;
  clientSecret: string;
  fetch: NonNullable<ScalekitRestOptions['fetch']>;
  timeoutMs: number;
}

function readOptions(options: ScalekitRestOptions): Config {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('scalekitRest: options { environmentUrl, clientId, clientSecret } are required');
  }
  const { environmentUrl, clientId, clientSecret } = options;
  if (typeof environmentUrl !== 'string' || !isHttpUrl(environmentUrl)) {
    throw new TypeError('scalekitRest: `environmentUrl` must be an http(s) URL, e.g. https://acme.scalekit.dev');
  }
  const url = new URL(environmentUrl);
  if (url.search || url.hash || url.username || url.password) {
    throw new TypeError('scalekitRest: `environmentUrl` must not carry credentials, a query or a fragment');
  }
  if (typeof clientId !== 'string' || clientId.trim() === '') {
    throw new TypeError('scalekitRest: `clientId` must be a non-empty string');
  }
  // Never quote the secret, not even a piece of it.
  if (typeof clientSecret !== 'string' || clientSecret.trim() === '') {
    throw new TypeError('scalekitRest: `clientSecret` must be a non-empty string');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new TypeError('scalekitRest: `fetch` must be a function');
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new TypeError(`scalekitRest: \`timeoutMs\` must be a positive integer of milliseconds (at most ${MAX_TIMEOUT_MS})`);
  }
  const userFetch = options.fetch;
  return {
    environmentUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`,
    clientId,
    clientSecret,
    // Called through globalThis each time: Workers refuse a detached `fetch` ("Illegal invocation"), and a test
    // that swaps the global still reaches the client.
    fetch: userFetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs,
  };
}

// --- The wire ------------------------------------------------------------------------------------------------

/** A request target: `template` (ids left out) is what errors and logs name; `path` is what is sent. */
interface Route {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  template: string;
  path: string;
}

/** What each path parameter is, for the error that refuses it. */
const PARAM_NAMES: Record<string, string> = { id: 'organization id', link_id: 'link id', external_id: 'external id' };

function routeOf(method: Route['method'], template: string, params: Record<string, string>): Route {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => pathSegment(name, params[name] ?? ''));
  return { method, template, path };
}

/**
 * `value` as one path segment. `.` and `..` cannot be one: encodeURIComponent leaves them as they are, and URL
 * parsing (fetch's included) treats them, and `%2e` spellings, as steps up the path, so
 * `/organizations:external/..` would reach `/api/v1/`. Refused instead of sent somewhere else.
 */
function pathSegment(name: string, value: string): string {
  if (value === '.' || value === '..') {
    throw new TypeError(`scalekitRest: "." and ".." cannot be sent as the ${PARAM_NAMES[name] ?? name} in a URL path`);
  }
  return encodeURIComponent(value);
}

async function requestToken(config: Config): Promise<{ value: string; expiresAt: number }> {
  const route: Route = { method: 'POST', template: '/oauth/token', path: '/oauth/token' };
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: config.clientId,
    client_secret: config.clientSecret,
  });
  const response = await exchange(config, route, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: body.toString(),
  });
  if (!response.ok) throw await tokenFailure(route, response);
  const json = await readBody(route, response);
  const accessToken = isObject(json) ? json['access_token'] : undefined;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new ScalekitRestError('Scalekit answered the token request without an access_token', {
      grpcStatus: GRPC.Unknown,
      httpStatus: response.status,
    });
  }
  // `expires_in` lets the client refresh before Scalekit refuses the token; without it, the first 401 does.
  const expiresIn = isObject(json) ? json['expires_in'] : undefined;
  const lifetimeMs = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : Number.POSITIVE_INFINITY;
  // The margin never eats more than half a short-lived token, or every call would fetch a new one.
  const marginMs = Math.min(TOKEN_EXPIRY_MARGIN_MS, lifetimeMs / 2);
  return { value: accessToken, expiresAt: Date.now() + lifetimeMs - marginMs };
}

function send(config: Config, route: Route, accessToken: string, init: { body?: unknown; query?: URLSearchParams }) {
  const headers: Record<string, string> = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const query = init.query?.toString();
  return exchange(
    config,
    { ...route, path: query ? `${route.path}?${query}` : route.path },
    { method: route.method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) },
  );
}

/**
 * One HTTP exchange, bounded by `timeoutMs` (the response headers; reading the body is bounded by the same
 * signal). Network failures and timeouts become `ScalekitRestError`s with Unavailable / DeadlineExceeded.
 */
async function exchange(config: Config, route: Route, init: RequestInit): Promise<Response> {
  const signal = AbortSignal.timeout(config.timeoutMs);
  try {
    return await config.fetch(`${config.environmentUrl}${route.path}`, { ...init, signal, redirect: 'manual' });
  } catch (error) {
    throw networkFailure(route, error, signal.aborted);
  }
}

function networkFailure(route: Route, error: unknown, timedOut: boolean): ScalekitRestError {
  if (timedOut || (isObject(error) && error['name'] === 'TimeoutError')) {
    return new ScalekitRestError(`Scalekit did not answer ${route.method} ${route.template} in time`, {
      grpcStatus: GRPC.DeadlineExceeded,
      cause: error,
    });
  }
  return new ScalekitRestError(`Scalekit could not be reached for ${route.method} ${route.template}`, {
    grpcStatus: GRPC.Unavailable,
    cause: error,
  });
}

async function readBody(route: Route, response: Response): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The timeout (or the connection) cut the body off half-way.
    throw networkFailure(route, error, false);
  }
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The JSON of a 2xx answer; anything else thrown as a `ScalekitRestError`. */
async function readJson(route: Route, response: Response): Promise<unknown> {
  if (response.ok) return readBody(route, response);
  throw await apiFailure(route, response);
}

async function apiFailure(route: Route, response: Response): Promise<ScalekitRestError> {
  const body = await readBody(route, response).catch(() => undefined);
  const fromBody = isObject(body) ? body['code'] : undefined;
  const grpcStatus =
    typeof fromBody === 'number' && Number.isInteger(fromBody) && fromBody > 0 && fromBody <= 16
      ? fromBody
      : grpcStatusOfHttp(response.status);
  const message = isObject(body) && typeof body['message'] === 'string' ? body['message'].slice(0, 200) : '';
  return new ScalekitRestError(
    `Scalekit answered ${route.method} ${route.template} with ${response.status}${message ? `: ${message}` : ''}`,
    { grpcStatus, httpStatus: response.status, errorCode: errorCodeOf(body) },
  );
}

/**
 * A refused token request. Its statuses mean something else than an API call's: 400/401/403 are bad client
 * credentials (→ upstream_auth_failed), never "organization not found".
 */
async function tokenFailure(route: Route, response: Response): Promise<ScalekitRestError> {
  await readBody(route, response).catch(() => undefined); // an OAuth error body says nothing the status does not
  const status = response.status;
  const grpcStatus =
    status === 400 || status === 401 || status === 403
      ? GRPC.Unauthenticated
      : status === 404
        ? GRPC.Unknown // the environment URL has no token endpoint: a configuration error, reported as internal
        : grpcStatusOfHttp(status);
  const hint = grpcStatus === GRPC.Unauthenticated ? ' (check the client id and secret)' : '';
  return new ScalekitRestError(`Scalekit refused the client-credentials token request with ${status}${hint}`, {
    grpcStatus,
    httpStatus: status,
  });
}

/**
 * grpc-gateway's status mapping, read backwards, for answers without a gRPC `code` (a proxy's error page, say).
 * Any other 5xx counts as Unavailable: something between here and Scalekit failed.
 */
function grpcStatusOfHttp(status: number): number {
  switch (status) {
    case 400:
      return GRPC.InvalidArgument;
    case 401:
      return GRPC.Unauthenticated;
    case 403:
      return GRPC.PermissionDenied;
    case 404:
      return GRPC.NotFound;
    case 409:
      return GRPC.AlreadyExists;
    case 429:
      return GRPC.ResourceExhausted;
    case 499:
      return GRPC.Cancelled;
    case 501:
      return GRPC.Unimplemented;
    case 408:
    case 504:
      return GRPC.DeadlineExceeded;
    default:
      return status >= 500 ? GRPC.Unavailable : GRPC.Unknown;
  }
}

function errorCodeOf(body: unknown): string | undefined {
  const details = isObject(body) ? body['details'] : undefined;
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const code = isObject(detail) ? (detail['error_code'] ?? detail['errorCode']) : undefined;
    if (typeof code === 'string') return code.slice(0, 100);
  }
  return undefined;
}

// --- Answers → this package's shapes -------------------------------------------------------------------------

/** Thrown when Scalekit answers 2xx with something this client cannot use (maps to `internal`). */
function malformed(what: string): ScalekitRestError {
  return new ScalekitRestError(`Scalekit answered without a usable ${what}`, { grpcStatus: GRPC.Unknown });
}

function toIssuedLink(json: unknown): IssuedPortalLink {
  const link = isObject(json) ? json['link'] : undefined;
  if (!isObject(link)) throw malformed('link (no link)');
  const { id, location } = link;
  if (typeof id !== 'string' || id === '') throw malformed('link (no id)');
  if (typeof location !== 'string' || !isHttpUrl(location)) throw malformed('link (no http(s) location)');
  const expiresAt = timestampToIso(link['expire_time'] ?? link['expireTime']);
  if (expiresAt === null) throw malformed('link (no expiry)');
  return { id, location, expiresAt };
}

/** `google.protobuf.Timestamp` as JSON: an RFC 3339 string (proto3 JSON), or `{ seconds, nanos }`. */
export function timestampToIso(value: unknown): string | null {
  let ms: number;
  if (typeof value === 'string') {
    ms = Date.parse(value);
  } else if (isObject(value) && (typeof value['seconds'] === 'number' || typeof value['seconds'] === 'string')) {
    const nanos = typeof value['nanos'] === 'number' ? value['nanos'] : 0;
    ms = Number(value['seconds']) * 1000 + Math.floor(nanos / 1e6);
  } else {
    return null;
  }
  if (!Number.isFinite(ms) || ms <= 0) return null;
  return new Date(ms).toISOString();
}

function toOrganization(route: Route, json: unknown): ScalekitOrganization {
  // grpc-gateway answers `{ organization: {…} }`; a bare organization is taken as well.
  const organization = isObject(json) && isObject(json['organization']) ? json['organization'] : json;
  if (!isObject(organization) || typeof organization['id'] !== 'string' || organization['id'] === '') {
    throw malformed(`organization from ${route.method} ${route.template}`);
  }
  const name = organization['display_name'] ?? organization['displayName'];
  const externalId = organization['external_id'] ?? organization['externalId'];
  return {
    id: organization['id'],
    name: typeof name === 'string' ? name : '',
    externalId: typeof externalId === 'string' && externalId !== '' ? externalId : null,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// --- SSO sign-in ----------------------------------------------------------------------------------------------
// `GET /oauth/authorize` is built as the SDK's getAuthorizationUrl builds it (no request is made); the code is
// exchanged by the form POST the SDK's authenticateWithCode sends; the JWK Set is `GET /keys`.

/** The largest JWK Set or token answer read: Scalekit's are a few KiB. */
const MAX_SSO_ANSWER_BYTES = 256 * 1024;

function restSsoApi(config: Config): ScalekitSsoApi {
  return {
    environmentUrl: config.environmentUrl,
    clientId: config.clientId,
    authorizationUrl(request: SsoAuthorizationRequest): string {
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: config.clientId,
        redirect_uri: request.redirectUri,
        scope: request.scopes.join(' '),
        state: request.state,
        nonce: request.nonce,
      });
      if (request.loginHint) query.set('login_hint', request.loginHint);
      // The SDK sends the domain under both names; so does this client.
      if (request.domainHint) {
        query.set('domain_hint', request.domainHint);
        query.set('domain', request.domainHint);
      }
      if (request.connectionId) query.set('connection_id', request.connectionId);
      if (request.organizationId) query.set('organization_id', request.organizationId);
      query.set('code_challenge', request.codeChallenge);
      query.set('code_challenge_method', 'S256');
      return `${config.environmentUrl}/oauth/authorize?${query.toString()}`;
    },
    async exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<SsoCodeExchange> {
      const route: Route = { method: 'POST', template: '/oauth/token', path: '/oauth/token' };
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: config.clientId,
        client_secret: config.clientSecret,
        code_verifier: codeVerifier,
      });
      const response = await exchange(config, route, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
      });
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        const refusal = await readBoundedJson(route, response).catch(() => undefined);
        const error = isObject(refusal) && typeof refusal['error'] === 'string' ? refusal['error'].slice(0, 100) : undefined;
        return { ok: false, status: response.status, error };
      }
      if (!response.ok) throw await apiFailure(route, response);
      const json = await readBoundedJson(route, response);
      const idToken = isObject(json) ? json['id_token'] : undefined;
      if (typeof idToken !== 'string' || idToken === '') throw malformed('token answer (no id_token)');
      return { ok: true, idToken };
    },
    async fetchJwks(): Promise<unknown> {
      const route: Route = { method: 'GET', template: '/keys', path: '/keys' };
      const response = await exchange(config, route, { method: 'GET', headers: { accept: 'application/json' } });
      if (!response.ok) throw await apiFailure(route, response);
      return readBoundedJson(route, response);
    },
    deriveHmacKey: (purpose: string) => hmacKeyFromSecret(config.clientSecret, purpose),
  };
}

/** A JSON answer of at most MAX_SSO_ANSWER_BYTES; a longer one is refused unread. */
async function readBoundedJson(route: Route, response: Response): Promise<unknown> {
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > MAX_SSO_ANSWER_BYTES) {
    await response.body?.cancel();
    throw malformed(`answer from ${route.method} ${route.template} (too large)`);
  }
  const body = await readBody(route, response);
  if (typeof body === 'string' && body.length > MAX_SSO_ANSWER_BYTES) throw malformed(`answer from ${route.template}`);
  return body;
}
