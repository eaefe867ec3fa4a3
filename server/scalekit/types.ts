// The one seam between this package and Scalekit. Everything that talks to Scalekit (the token endpoint, setup
// links, ensureOrganization) goes through a `ScalekitApi`, whichever client the host handed over:
//
// - the Node SDK (`new Scalekit(…)`), adapted in sdk-adapter.ts over the SDK's own gRPC client;
// - `scalekitRest()`, fetch only, for edge runtimes (it carries its own `ScalekitApi` under SCALEKIT_API).
//
// This module imports nothing from the SDK, not even its types: a Worker bundle that only uses scalekitRest()
// never pulls in node:http2, and `/server`'s declarations compile in an app without the SDK.

/**
 * A section of the admin portal a link can be scoped to. `domain_verification` also needs the organization's
 * own `domain_verification` setting (UpdateOrganizationSettings) before Scalekit shows it.
 */
export type PortalFeature = 'sso' | 'dir_sync' | 'domain_verification';

/** Every feature, in the order the portal shows them. */
export const ALL_PORTAL_FEATURES: readonly PortalFeature[] = ['sso', 'dir_sync', 'domain_verification'];

/** What a route allows when its `features` option is unset: `domain_verification` is opt-in. */
export const DEFAULT_PORTAL_FEATURES: readonly PortalFeature[] = ['sso', 'dir_sync'];

/** A freshly minted portal link, ready for JSON. */
export interface IssuedPortalLink {
  id: string;
  location: string;
  /** ISO 8601: when the link stops working if it has not been loaded. */
  expiresAt: string;
}

/** An organization as this package needs it. */
export interface ScalekitOrganization {
  id: string;
  name: string;
  externalId: string | null;
}

export interface CreateOrganizationInput {
  name: string;
  externalId: string;
  metadata?: Record<string, string>;
}

/**
 * What this package asks of Scalekit. Failures are thrown as the client's own errors, shaped so that
 * errors.ts `fromUpstreamError` maps them: a `grpcStatus` number (NotFound 5, AlreadyExists 6, …) for an API
 * answer, or a socket/timeout error when Scalekit could not be reached.
 */
export interface ScalekitApi {
  /** Mint a link for `organizationId`. `features` undefined or empty sends none (Scalekit's default: all). */
  generatePortalLink(organizationId: string, features?: readonly PortalFeature[]): Promise<IssuedPortalLink>;
  /** Delete one portal link; resolves also when Scalekit no longer knows it. */
  deletePortalLink(organizationId: string, linkId: string): Promise<void>;
  /** The organization with this external id, or `null` when Scalekit has none. */
  getOrganizationByExternalId(externalId: string): Promise<ScalekitOrganization | null>;
  /** Create an organization; a duplicate external id throws with `grpcStatus` 6 (ALREADY_EXISTS). */
  createOrganization(input: CreateOrganizationInput): Promise<ScalekitOrganization>;
  /** Fetch an access token now unless one is held (one request, however many callers wait on it). */
  warmUp(): Promise<void>;
}

/**
 * A client that brings its own `ScalekitApi` (scalekitRest() does). A registered symbol, so that two copies of
 * this package in one app still recognise each other's clients.
 */
export const SCALEKIT_API: unique symbol = Symbol.for('scalekit-admin-portal.api') as never;

export interface ScalekitApiProvider {
  readonly [SCALEKIT_API]: () => ScalekitApi;
}

/** What the `scalekit` option takes: the Node SDK client, or `scalekitRest()`. */
/**
 * The Node SDK's client (`new Scalekit(envUrl, clientId, clientSecret)` from `@scalekit-sdk/node`), by the members
 * every version has. Structural, so that these types need no SDK installed; the adapter checks the rest at run time.
 */
export interface ScalekitSdkClient {
  readonly organization: object;
  readonly connection: object;
  readonly directory: object;
}

export type ScalekitClientLike = ScalekitSdkClient | ScalekitApiProvider;

export function providesScalekitApi(value: unknown): value is ScalekitApiProvider {
  return typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[SCALEKIT_API] === 'function';
}

/** Whether `value` is an absolute http(s) URL: the only kind of portal link a browser should be sent to. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

// --- SSO sign-in -----------------------------------------------------------------------------------------------

/** What `/oauth/authorize` is asked for; undefined fields are left out of the URL. */
export interface SsoAuthorizationRequest {
  redirectUri: string;
  scopes: readonly string[];
  state: string;
  nonce: string;
  /** PKCE S256 challenge of the flow's code verifier. */
  codeChallenge: string;
  loginHint?: string;
  domainHint?: string;
  organizationId?: string;
  connectionId?: string;
}

/**
 * How `/oauth/token` answered a code: an ID token, or an OAuth refusal (a 4xx with `error`, such as
 * `invalid_grant` for a used or unknown code, or `invalid_client` for wrong client credentials). A failure to
 * reach Scalekit is thrown instead, as the client's own error.
 */
export type SsoCodeExchange =
  | { ok: true; idToken: string }
  | { ok: false; status: number; error: string | undefined };

/** What the SSO routes ask of Scalekit, whichever client the host passed. */
export interface ScalekitSsoApi {
  /** The environment URL without a trailing slash: the ID token's expected `iss`. */
  readonly environmentUrl: string;
  /** The expected `aud`. */
  readonly clientId: string;
  authorizationUrl(request: SsoAuthorizationRequest): string;
  exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<SsoCodeExchange>;
  /** `GET {env}/keys`, the environment's JWK Set, as parsed JSON (checked by the caller). */
  fetchJwks(): Promise<unknown>;
  /**
   * An HMAC-SHA-256 key derived (HKDF) from the client secret for `purpose`: every instance holding the same
   * secret derives the same key, and the secret itself never leaves the client.
   */
  deriveHmacKey(purpose: string): Promise<CryptoKey>;
}

/** A client that brings its own `ScalekitSsoApi` (scalekitRest() does). Registered, as {@link SCALEKIT_API}. */
export const SCALEKIT_SSO_API: unique symbol = Symbol.for('scalekit-admin-portal.sso-api') as never;

export interface ScalekitSsoApiProvider {
  readonly [SCALEKIT_SSO_API]: () => ScalekitSsoApi;
}

export function providesScalekitSsoApi(value: unknown): value is ScalekitSsoApiProvider {
  return typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[SCALEKIT_SSO_API] === 'function';
}
