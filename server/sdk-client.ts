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

import type { Scalekit } from '@scalekit-sdk/node';
import { providesScalekitApi, SCALEKIT_API } from './scalekit-client.js';
import type { IssuedPortalLink, PortalFeature, ScalekitApi, ScalekitClientLike } from './scalekit-client.js';

// The SDK's `Feature` enum values on the wire (organizations.proto). Spelled out rather than imported: this
// module must not load the SDK at run time (edge bundles that use scalekitRest() never include it).
const Feature = { dir_sync: 1, sso: 2 } as const;

/** The SDK no longer looks like the version this adapter was written against (2.11). */
export class ScalekitSdkShapeError extends Error {
  constructor(what: string) {
    super(
      `scalekit-admin-portal: @scalekit-sdk/node changed shape (${what}). The portal-link adapter was written ` +
        'against @scalekit-sdk/node 2.11; pin that version or update server/sdk-client.ts.',
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

interface SdkCoreClient {
  accessToken: string | null;
  authenticateClient(): Promise<void>;
  connectExec<Req, Res>(fn: (request: Req, options?: unknown) => Promise<Res>, data: Req): Promise<Res>;
}

interface SdkInternals {
  core: SdkCoreClient;
  generatePortalLink: GeneratePortalLinkRpc;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Find (and check) the SDK internals the adapter needs; throws {@link ScalekitSdkShapeError} if any moved. */
export function sdkInternals(scalekit: Scalekit): SdkInternals {
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
  if (!isObject(generated) || typeof generated['generatePortalLink'] !== 'function') {
    throw new ScalekitSdkShapeError('scalekit.organization.client.generatePortalLink is not a function');
  }
  return {
    core: core as unknown as SdkCoreClient,
    generatePortalLink: generated['generatePortalLink'] as GeneratePortalLinkRpc,
  };
}

// --- The adapter -------------------------------------------------------------------------------------------

const WIRE_FEATURE: Record<PortalFeature, number> = { sso: Feature.sso, dir_sync: Feature.dir_sync };

// gRPC UNAUTHENTICATED, as connect-es's `ConnectError.code` carries it.
const UNAUTHENTICATED = 16;

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

function createSdkApi({ core, generatePortalLink }: SdkInternals): ScalekitApi {
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

  // Handed to the SDK's connectExec in place of the bare generated method: one coalesced re-auth before the
  // SDK's own (uncoalesced) one would kick in.
  const generateWithSharedReauth: GeneratePortalLinkRpc = async (request, options) => {
    const tokenUsed = core.accessToken;
    try {
      return await generatePortalLink(request, options);
    } catch (error) {
      if (!isObject(error) || error['code'] !== UNAUTHENTICATED || error['name'] !== 'ConnectError') throw error;
      try {
        await refreshToken(tokenUsed);
      } catch {
        // Hand the UNAUTHENTICATED back: the SDK re-authenticates itself and reports a token failure raw
        // (status, socket code), where a token error thrown from here would reach the caller wrapped and blurred.
        throw error;
      }
      return generatePortalLink(request, options);
    }
  };

  const notYet = (what: string) => () => Promise.reject(new Error(`${what}: not implemented for the SDK yet`));

  return {
    warmUp,
    deletePortalLink: notYet('deletePortalLink'),
    getOrganizationByExternalId: notYet('getOrganizationByExternalId'),
    createOrganization: notYet('createOrganization'),
    async generatePortalLink(organizationId, features) {
      await warmUp();
      const request: GeneratePortalLinkRequest = {
        id: organizationId,
        features: (features ?? []).map((feature) => WIRE_FEATURE[feature]),
      };
      const response = await core.connectExec(generateWithSharedReauth, request);
      return toIssuedLink(response);
    },
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

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** `google.protobuf.Timestamp` → ISO 8601. Its `seconds` is a BigInt, which `JSON.stringify` refuses. */
function timestampToIso(timestamp: GrpcTimestamp | undefined): string | null {
  if (!timestamp) return null;
  const ms = Number(timestamp.seconds) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6);
  if (!Number.isFinite(ms) || ms <= 0) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
