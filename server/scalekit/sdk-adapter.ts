// Mints portal links through the Scalekit SDK's own generated gRPC client, for two reasons the public
// wrapper cannot serve:
//
// 1. Scoping: `scalekit.organization.generatePortalLink(id)` sends only the id. The generated client under it
//    takes `features`, so the endpoint calls that, still through the SDK's `connectExec` (its retries on
//    UNAVAILABLE, its error promotion into `Scalekit*Exception`s, its transport and headers).
// 2. Upstream cost: the SDK fetches a token only after a call fails UNAUTHENTICATED, and every concurrent
//    caller fetches its own. Here the first caller warms the token and everyone else waits for that one
//    request; a token rejected later is refreshed once for all callers that saw it rejected. Should a retry
//    still fail UNAUTHENTICATED, the SDK's own re-authentication takes over as before.
//
// Both reach into SDK internals, so the shape is checked once, up front, with an error that says what changed.

import { hmacKeyFromSecret } from './derive-key.js';
import { ALL_PORTAL_FEATURES, isHttpUrl, providesScalekitApi, providesScalekitSsoApi, SCALEKIT_API, SCALEKIT_SSO_API } from './types.js';
import type {
  ScalekitSsoApi,
  SsoAuthorizationRequest,
  SsoCodeExchange,
  IssuedPortalLink,
  PortalFeature,
  ScalekitApi,
  ScalekitClientLike,
  ScalekitOrganization,
  ScalekitSdkClient,
} from './types.js';

// The SDK's `Feature` enum values on the wire (organizations.proto). Spelled out rather than imported: this
// module must not load the SDK at run time (edge bundles that use scalekitRest() never include it).
const Feature = { dir_sync: 1, sso: 2 } as const;

/** The SDK no longer looks like the version this adapter was written against (2.11). */
export class ScalekitSdkShapeError extends Error {
  constructor(what: string) {
    super(
      `scalekit-admin-portal: @scalekit-sdk/node changed shape (${what}). The portal-link adapter was written ` +
        'against @scalekit-sdk/node 2.11; pin that version, or use scalekitRest().',
    );
    this.name = 'ScalekitSdkShapeError';
  }
}

// --- The SDK internals relied on, as structural types -------------------------------------------------------

interface GrpcTimestamp {
  seconds: bigint | number | string;
  nanos?: number;
}

interface GeneratePortalLinkRequest {
  id: string;
  features: number[];
}

interface GeneratePortalLinkResponse {
  link?: { id?: string; location?: string; expireTime?: GrpcTimestamp };
}

type GeneratePortalLinkRpc = (request: GeneratePortalLinkRequest, options?: unknown) => Promise<GeneratePortalLinkResponse>;

interface SdkOrganization {
  id?: string;
  displayName?: string;
  externalId?: string;
}

interface OrganizationResponse {
  organization?: SdkOrganization;
}

type GetOrganizationRpc = (
  request: { identities: { case: 'externalId'; value: string } },
  options?: unknown,
) => Promise<OrganizationResponse>;

type CreateOrganizationRpc = (
  request: { organization: { displayName: string; externalId: string; metadata: Record<string, string> } },
  options?: unknown,
) => Promise<OrganizationResponse>;

type DeletePortalLinkByIdRpc = (request: { id: string; linkId: string }, options?: unknown) => Promise<unknown>;

type Rpc<Req, Res> = (request: Req, options?: unknown) => Promise<Res>;

interface SdkCoreClient {
  accessToken: string | null;
  authenticateClient(): Promise<void>;
  connectExec<Req, Res>(fn: (request: Req, options?: unknown) => Promise<Res>, data: Req): Promise<Res>;
}

interface SdkInternals {
  core: SdkCoreClient;
  generatePortalLink: GeneratePortalLinkRpc;
  getOrganization: GetOrganizationRpc;
  createOrganization: CreateOrganizationRpc;
  deletePortalLinkByID: DeletePortalLinkByIdRpc;
}

/** The generated OrganizationService methods the adapter calls (their names are the descriptor's). */
const GENERATED_METHODS = ['generatePortalLink', 'getOrganization', 'createOrganization', 'deletePortalLinkByID'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Find (and check) the SDK internals the adapter needs; throws {@link ScalekitSdkShapeError} if any moved. */
export function sdkInternals(scalekit: ScalekitSdkClient): SdkInternals {
  const sdk = scalekit as unknown as Record<string, unknown>;
  if (!isObject(sdk)) throw new TypeError('scalekitPortal: `scalekit` must be a Scalekit client');
  const core = sdk['coreClient'];
  if (!isObject(core)) throw new ScalekitSdkShapeError('scalekit.coreClient is missing');
  if (typeof core['connectExec'] !== 'function') throw new ScalekitSdkShapeError('coreClient.connectExec is not a function');
  if (typeof core['authenticateClient'] !== 'function') {
    throw new ScalekitSdkShapeError('coreClient.authenticateClient is not a function');
  }
  if (!('accessToken' in core)) throw new ScalekitSdkShapeError('coreClient.accessToken is missing');
  const organization = sdk['organization'];
  const generated = isObject(organization) ? organization['client'] : undefined;
  for (const method of GENERATED_METHODS) {
    if (!isObject(generated) || typeof generated[method] !== 'function') {
      throw new ScalekitSdkShapeError(`scalekit.organization.client.${method} is not a function`);
    }
  }
  const client = generated as Record<(typeof GENERATED_METHODS)[number], unknown>;
  return {
    core: core as unknown as SdkCoreClient,
    generatePortalLink: client.generatePortalLink as GeneratePortalLinkRpc,
    getOrganization: client.getOrganization as GetOrganizationRpc,
    createOrganization: client.createOrganization as CreateOrganizationRpc,
    deletePortalLinkByID: client.deletePortalLinkByID as DeletePortalLinkByIdRpc,
  };
}

// --- The adapter -------------------------------------------------------------------------------------------

const WIRE_FEATURE: Partial<Record<PortalFeature, number>> = { sso: Feature.sso, dir_sync: Feature.dir_sync };

/**
 * The wire list for `features`. The SDK's enum has no number for `domain_verification`: a request for every
 * feature is sent as none (Scalekit's "all"), and any other request naming it is refused rather than widened
 * or silently narrowed.
 */
function wireFeatures(features: readonly PortalFeature[] | undefined): number[] {
  const wanted = new Set(features ?? []);
  if (wanted.size === 0 || ALL_PORTAL_FEATURES.every((feature) => wanted.has(feature))) return [];
  if (wanted.has('domain_verification')) {
    throw new ScalekitFeatureError(
      'The Node SDK cannot scope a portal link to domain_verification alongside only some features: allow every feature, or use scalekitRest()',
    );
  }
  return [...wanted].map((feature) => WIRE_FEATURE[feature]!);
}

/** A feature combination the SDK's wire format cannot express. */
export class ScalekitFeatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScalekitFeatureError';
  }
}

// gRPC status numbers: UNAUTHENTICATED as connect-es's `ConnectError.code` carries it, NOT_FOUND as the SDK's
// promoted exceptions carry it in `grpcStatus`.
const UNAUTHENTICATED = 16;
const NOT_FOUND = 5;

function isNotFound(error: unknown): boolean {
  return isObject(error) && error['grpcStatus'] === NOT_FOUND;
}

/** Calls through one Scalekit client share one token keeper, however many apps use that client. */
const clients = new WeakMap<object, ScalekitApi>();

/**
 * The `ScalekitApi` for whatever the host passed as `scalekit`: `scalekitRest()` brings its own; a Node SDK
 * client is adapted once per instance.
 */
export function scalekitApi(scalekit: ScalekitClientLike): ScalekitApi {
  if (providesScalekitApi(scalekit)) return scalekit[SCALEKIT_API]();
  let client = clients.get(scalekit);
  if (!client) {
    client = createSdkApi(sdkInternals(scalekit));
    clients.set(scalekit, client);
  }
  return client;
}

function createSdkApi(sdk: SdkInternals): ScalekitApi {
  const { core } = sdk;
  let tokenRequest: Promise<void> | null = null;

  /**
   * Fetch a token unless the one in use is no longer `stale` (another caller already replaced it). Callers
   * arriving while a fetch is in flight share it.
   */
  function refreshToken(stale: string | null): Promise<void> {
    if (core.accessToken !== stale && core.accessToken !== null) return Promise.resolve();
    tokenRequest ??= core.authenticateClient().finally(() => {
      tokenRequest = null;
    });
    return tokenRequest;
  }

  const warmUp = (): Promise<void> => (core.accessToken === null ? refreshToken(null) : Promise.resolve());

  // Handed to the SDK's connectExec in place of a bare generated method: one coalesced re-auth before the
  // SDK's own (uncoalesced) one would kick in.
  function withSharedReauth<Req, Res>(rpc: Rpc<Req, Res>): Rpc<Req, Res> {
    return async (request, options) => {
      const tokenUsed = core.accessToken;
      try {
        return await rpc(request, options);
      } catch (error) {
        if (!isObject(error) || error['code'] !== UNAUTHENTICATED || error['name'] !== 'ConnectError') throw error;
        try {
          await refreshToken(tokenUsed);
        } catch {
          // Hand the UNAUTHENTICATED back: the SDK re-authenticates itself and reports a token failure raw
          // (status, socket code), where a token error thrown from here would reach the caller wrapped and blurred.
          throw error;
        }
        return rpc(request, options);
      }
    };
  }

  const generatePortalLink = withSharedReauth(sdk.generatePortalLink);
  // The SDK's own getOrganizationByExternalId sends GetOrganization with the external id as identity; do the same.
  const getOrganization = withSharedReauth(sdk.getOrganization);
  // The SDK's public createOrganization drops metadata; the generated method carries it.
  const createOrganization = withSharedReauth(sdk.createOrganization);
  const deletePortalLinkByID = withSharedReauth(sdk.deletePortalLinkByID);

  function call<Req, Res>(rpc: Rpc<Req, Res>, request: Req): Promise<Res> {
    // Once a token is held, straight to the SDK: awaiting a settled warm-up would cost every call a turn.
    if (core.accessToken !== null) return core.connectExec(rpc, request);
    return warmUp().then(() => core.connectExec(rpc, request));
  }

  return {
    warmUp,
    async generatePortalLink(organizationId, features) {
      const request: GeneratePortalLinkRequest = {
        id: organizationId,
        features: wireFeatures(features),
      };
      return toIssuedLink(await call(generatePortalLink, request));
    },
    async deletePortalLink(organizationId, linkId) {
      try {
        await call(deletePortalLinkByID, { id: organizationId, linkId });
      } catch (error) {
        // Already gone (deleted before, or its organization was): the caller's goal is met.
        if (!isNotFound(error)) throw error;
      }
    },
    async getOrganizationByExternalId(externalId) {
      try {
        const response = await call(getOrganization, { identities: { case: 'externalId', value: externalId } });
        return toOrganization(response, 'GetOrganization');
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async createOrganization(input) {
      const organization = { displayName: input.name, externalId: input.externalId, metadata: { ...input.metadata } };
      return toOrganization(await call(createOrganization, { organization }), 'CreateOrganization');
    },
  };
}

/** Thrown when Scalekit answers OK but without the organization asked about. */
export class MalformedOrganizationError extends Error {
  constructor(rpc: string, what: string) {
    super(`Scalekit answered ${rpc} without a usable organization: ${what}`);
    this.name = 'MalformedOrganizationError';
  }
}

function toOrganization(response: OrganizationResponse, rpc: string): ScalekitOrganization {
  const organization = response?.organization;
  if (!organization) throw new MalformedOrganizationError(rpc, 'no organization');
  if (typeof organization.id !== 'string' || organization.id === '') throw new MalformedOrganizationError(rpc, 'no id');
  return {
    id: organization.id,
    name: typeof organization.displayName === 'string' ? organization.displayName : '',
    externalId: typeof organization.externalId === 'string' && organization.externalId !== '' ? organization.externalId : null,
  };
}

/** Thrown when Scalekit answers OK but without a link the browser could use. */
export class MalformedLinkError extends Error {
  constructor(what: string) {
    super(`Scalekit answered GeneratePortalLink without a usable link: ${what}`);
    this.name = 'MalformedLinkError';
  }
}

function toIssuedLink(response: GeneratePortalLinkResponse): IssuedPortalLink {
  const link = response?.link;
  if (!link) throw new MalformedLinkError('no link');
  if (typeof link.id !== 'string' || link.id === '') throw new MalformedLinkError('no id');
  if (typeof link.location !== 'string' || !isHttpUrl(link.location)) throw new MalformedLinkError('no http(s) location');
  const expiresAt = timestampToIso(link.expireTime);
  if (!expiresAt) throw new MalformedLinkError('no expiry');
  return { id: link.id, location: link.location, expiresAt };
}

/** `google.protobuf.Timestamp` → ISO 8601. Its `seconds` is a BigInt, which `JSON.stringify` refuses. */
function timestampToIso(timestamp: GrpcTimestamp | undefined): string | null {
  if (!timestamp) return null;
  const ms = Number(timestamp.seconds) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6);
  if (!Number.isFinite(ms) || ms <= 0) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

// --- SSO sign-in ----------------------------------------------------------------------------------------------
// Through the SDK's public getAuthorizationUrl and authenticateWithCode. The SDK only decodes the ID token it
// returns, so the caller verifies it against the JWK Set fetched here. The environment URL, client id and secret
// are read where the SDK keeps them (`coreClient`), checked once.

interface SdkSsoClient {
  getAuthorizationUrl(redirectUri: string, options: Record<string, unknown>): string;
  authenticateWithCode(code: string, redirectUri: string, options?: { codeVerifier?: string }): Promise<{ idToken?: unknown }>;
  coreClient: { envUrl: string; clientId: string; clientSecret: string; timeoutMs?: number };
}

const ssoClients = new WeakMap<object, ScalekitSsoApi>();

/** The `ScalekitSsoApi` for whatever the host passed as `scalekit`: `scalekitRest()` brings its own. */
export function scalekitSsoApi(scalekit: ScalekitClientLike): ScalekitSsoApi {
  if (providesScalekitSsoApi(scalekit)) return scalekit[SCALEKIT_SSO_API]();
  let client = ssoClients.get(scalekit);
  if (!client) {
    client = createSdkSsoApi(sdkSsoClient(scalekit));
    ssoClients.set(scalekit, client);
  }
  return client;
}

function sdkSsoClient(scalekit: ScalekitClientLike): SdkSsoClient {
  const sdk = scalekit as unknown as Record<string, unknown>;
  if (!isObject(sdk)) throw new TypeError('scalekitSso: `scalekit` must be a Scalekit client or scalekitRest()');
  for (const method of ['getAuthorizationUrl', 'authenticateWithCode'] as const) {
    if (typeof sdk[method] !== 'function') throw new ScalekitSdkShapeError(`scalekit.${method} is not a function`);
  }
  const core = sdk['coreClient'];
  if (!isObject(core)) throw new ScalekitSdkShapeError('scalekit.coreClient is missing');
  for (const field of ['envUrl', 'clientId', 'clientSecret'] as const) {
    if (typeof core[field] !== 'string' || core[field] === '') throw new ScalekitSdkShapeError(`coreClient.${field} is not a string`);
  }
  if (!isHttpUrl(core['envUrl'] as string)) throw new TypeError('scalekitSso: the Scalekit environment URL must be an http(s) URL');
  return sdk as unknown as SdkSsoClient;
}

/** Statuses of `/oauth/token` that are an answer about the code (or the client), not a failure to answer. */
function isOAuthRefusal(status: unknown): status is number {
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function createSdkSsoApi(sdk: SdkSsoClient): ScalekitSsoApi {
  const environmentUrl = sdk.coreClient.envUrl.replace(/\/+$/, '');
  const timeoutMs = typeof sdk.coreClient.timeoutMs === 'number' && sdk.coreClient.timeoutMs > 0 ? sdk.coreClient.timeoutMs : 20_000;
  return {
    environmentUrl,
    clientId: sdk.coreClient.clientId,
    authorizationUrl(request: SsoAuthorizationRequest): string {
      return sdk.getAuthorizationUrl(request.redirectUri, {
        scopes: [...request.scopes],
        state: request.state,
        nonce: request.nonce,
        loginHint: request.loginHint,
        domainHint: request.domainHint,
        connectionId: request.connectionId,
        organizationId: request.organizationId,
        codeChallenge: request.codeChallenge,
        codeChallengeMethod: 'S256',
      });
    },
    async exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<SsoCodeExchange> {
      let result: { idToken?: unknown };
      try {
        result = await sdk.authenticateWithCode(code, redirectUri, { codeVerifier });
      } catch (error) {
        // The SDK lets the AxiosError of a refused exchange through; its response carries the OAuth error.
        const response = isObject(error) && isObject(error['response']) ? error['response'] : undefined;
        if (response && isOAuthRefusal(response['status'])) {
          const data = response['data'];
          const oauthError = isObject(data) && typeof data['error'] === 'string' ? data['error'].slice(0, 100) : undefined;
          return { ok: false, status: response['status'], error: oauthError };
        }
        // The SDK decodes the token before returning it; jose's errors (ERR_JWT_INVALID…) mean it could not.
        if (isObject(error) && typeof error['code'] === 'string' && error['code'].startsWith('ERR_JW')) throw new MalformedTokenAnswerError();
        throw error;
      }
      if (typeof result?.idToken !== 'string' || result.idToken === '') throw new MalformedTokenAnswerError();
      return { ok: true, idToken: result.idToken };
    },
    async fetchJwks(): Promise<unknown> {
      // The SDK's own getJwks caches its first answer forever; a rotated key needs a fresh fetch.
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const response = await fetch(`${environmentUrl}/keys`, { headers: { accept: 'application/json' }, redirect: 'manual', signal });
        if (!response.ok) {
          await response.body?.cancel();
          throw new JwksFetchError(`answered with ${response.status}`, response.status >= 500 ? GRPC_UNAVAILABLE : GRPC_UNKNOWN);
        }
        return (await response.json()) as unknown;
      } catch (error) {
        if (error instanceof JwksFetchError) throw error;
        if (signal.aborted) throw new JwksFetchError('did not answer in time', GRPC_DEADLINE_EXCEEDED, error);
        if (error instanceof SyntaxError) throw new JwksFetchError('answered with something other than JSON', GRPC_UNKNOWN, error);
        throw new JwksFetchError('could not be reached', GRPC_UNAVAILABLE, error);
      }
    },
    deriveHmacKey: (purpose: string) => hmacKeyFromSecret(sdk.coreClient.clientSecret, purpose),
  };
}

/** Scalekit answered the code exchange without an ID token, or with one that is not a JWT. */
export class MalformedTokenAnswerError extends Error {
  constructor() {
    super('Scalekit answered the authorization code exchange without a decodable id_token');
    this.name = 'MalformedTokenAnswerError';
  }
}

const GRPC_UNKNOWN = 2;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** `GET {env}/keys` failed; `grpcStatus` says how, for fromUpstreamError (Unavailable, DeadlineExceeded, Unknown). */
export class JwksFetchError extends Error {
  readonly grpcStatus: number;
  constructor(what: string, grpcStatus: number, cause?: unknown) {
    super(`Scalekit's GET /keys ${what}`, cause === undefined ? undefined : { cause });
    this.name = 'JwksFetchError';
    this.grpcStatus = grpcStatus;
  }
}
