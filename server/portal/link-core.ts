// What both routes that hand out a portal link share — `scalekitPortal()` for a signed-in admin and
// `scalekitSetupLinks()` for the holder of a setup link: who asks (the host's `authorize`), which features they
// may ask for, the JSON body checks, the rate limit, and minting itself with its failures mapped and logged.

import type { Context, Env, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { bodyLostOnce, takeBodyParsedByHost } from '../http/host-body.js';
import { MAX_BODY_BYTES, asOrigin, refuseUnlessJson } from '../http/guards.js';
import { describeError } from '../http/log-safe.js';
import type { RateLimiter } from '../http/rate-limit.js';
import { ScalekitRouteError } from '../http/route-error.js';
import { ALL_PORTAL_FEATURES, DEFAULT_PORTAL_FEATURES, type PortalFeature, type ScalekitApi } from '../scalekit/types.js';
import { fromUpstreamError } from '../scalekit/upstream-errors.js';

/** Who is asking, as the host's own session knows it. */
export interface PortalPrincipal {
  /** The Scalekit organization this person administers. The only organization a link is ever minted for. */
  organizationId: string;
  /** The host's user id, for rate limiting per person and for the audit hook. */
  userId?: string;
}

/** The success body of a portal-link request. */
export interface PortalLinkResponse {
  id: string;
  location: string;
  expiresAt: string;
}

// --- Options ------------------------------------------------------------------------------------------------

/** The `features` option: a non-empty list of known features, without repeats; unset is `sso` and `dir_sync`. */
export function featuresOption(features: unknown, routeName: string): PortalFeature[] {
  const list = features ?? DEFAULT_PORTAL_FEATURES;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isPortalFeature)) {
    throw new TypeError(`${routeName}: \`features\` must be a non-empty list of ${ALL_PORTAL_FEATURES.join(', ')}`);
  }
  return [...new Set(list)];
}

/** The `allowedOrigins` option as normalised origins, plus any the route always allows. */
export function allowedOriginsOption(origins: unknown, routeName: string, always: readonly string[] = []): Set<string> {
  const allowed = new Set<string>(always);
  if (origins !== undefined && !Array.isArray(origins)) throw new TypeError(`${routeName}: \`allowedOrigins\` must be a list of origins`);
  for (const origin of (origins as unknown[] | undefined) ?? []) {
    const normalized = typeof origin === 'string' ? asOrigin(origin) : null;
    if (!normalized) throw new TypeError(`${routeName}: allowedOrigins entry is not an origin: ${String(origin).slice(0, 100)}`);
    allowed.add(normalized);
  }
  return allowed;
}

function isPortalFeature(value: unknown): value is PortalFeature {
  return typeof value === 'string' && (ALL_PORTAL_FEATURES as readonly string[]).includes(value);
}

// --- The request --------------------------------------------------------------------------------------------

/** {@link jsonBodyCheck} as a middleware. */
export function jsonBodyChecks(routeName: string, log: (line: string) => void): MiddlewareHandler {
  const check = jsonBodyCheck(routeName, log);
  return async (c, next) => {
    const pending = check(c);
    if (pending) await pending;
    await next();
  };
}

/**
 * JSON only, a body a host's parser did not lose, at most {@link MAX_BODY_BYTES}, as one plain step for a route
 * that runs its checks inside its handler: a promise only when a check has to read the body to decide, undefined
 * when the headers settle it (the usual request).
 */
export function jsonBodyCheck(routeName: string, log: (line: string) => void): (c: Context) => Promise<void> | undefined {
  const onLost = bodyLostOnce(routeName, log);
  const streamingLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  const noop = async () => {};
  return (c) => {
    refuseUnlessJson(c);
    const taking = takeBodyParsedByHost(c, onLost);
    if (taking) return taking.then(() => limitBody(c, streamingLimit, noop));
    return limitBody(c, streamingLimit, noop);
  };
}

function tooLarge(): never {
  throw new ScalekitRouteError('payload_too_large');
}

/**
 * hono/body-limit's rule: a Content-Length (without Transfer-Encoding) is trusted, any other body is counted as
 * it streams. The first case is decided here from the headers alone; hono/body-limit would first read
 * `c.req.raw.body`, which on @hono/node-server turns its light request into a full `Request` around a web stream
 * of the Node one, and the route's own `c.req.text()` then reads through that instead of straight from Node.
 * The body is looked at only where it changes the answer: hono/body-limit lets a request with no body through.
 */
function limitBody(c: Context, streamingLimit: MiddlewareHandler, noop: () => Promise<void>): Promise<void> | undefined {
  const headers = c.req.raw.headers;
  const length = headers.get('content-length');
  if (length !== null && !headers.has('transfer-encoding')) {
    if (parseInt(length || '0', 10) > MAX_BODY_BYTES && c.req.raw.body) tooLarge();
    return undefined;
  }
  return streamingLimit(c, noop) as Promise<void>;
}

export function asJsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ScalekitRouteError('invalid_request', { message: 'The body must be a JSON object.' });
  }
  return body as Record<string, unknown>;
}

/**
 * A body's `features`, checked against the allow-list; `undefined` when it named none (absent or empty).
 */
export function requestedFeatures(value: unknown, allowed: readonly PortalFeature[]): PortalFeature[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((feature) => typeof feature === 'string')) {
    throw new ScalekitRouteError('invalid_request', { message: '`features` must be an array of strings.' });
  }
  if (value.some((feature) => !(allowed as readonly string[]).includes(feature))) {
    throw new ScalekitRouteError('invalid_request', { message: `\`features\` may only name: ${allowed.join(', ')}.` });
  }
  const unique = [...new Set(value as PortalFeature[])];
  return unique.length > 0 ? unique : undefined;
}

export async function authorizeCaller<E extends Env>(
  authorize: (c: Context<E>) => PortalPrincipal | null | Promise<PortalPrincipal | null>,
  c: Context<E>,
): Promise<PortalPrincipal> {
  const principal = await authorize(c);
  if (principal === null || principal === undefined) throw new ScalekitRouteError('unauthenticated');
  const valid =
    typeof principal === 'object' &&
    typeof principal.organizationId === 'string' &&
    principal.organizationId.length > 0 &&
    (principal.userId === undefined || typeof principal.userId === 'string');
  if (!valid) {
    throw new ScalekitRouteError('internal', {
      cause: new TypeError('authorize() must return { organizationId: string; userId?: string } or null'),
    });
  }
  return { organizationId: principal.organizationId, userId: principal.userId };
}

export function principalKey(principal: PortalPrincipal): string {
  return principal.userId === undefined
    ? `org:${principal.organizationId}`
    : `user:${principal.organizationId}:${principal.userId}`;
}

/** Refuses (429, or 503 when the store failed and the host did not choose `failOpen`) past the limit. */
export async function enforceRateLimit(limiter: RateLimiter | null, key: string): Promise<void> {
  if (!limiter) return;
  const decision = await limiter.check(key);
  if (!decision.allowed) {
    const code = decision.unavailable ? 'rate_limit_unavailable' : 'rate_limited';
    throw new ScalekitRouteError(code, { headers: { 'Retry-After': String(decision.retryAfterSeconds) } });
  }
}

// --- Minting ------------------------------------------------------------------------------------------------

/** A failure of the Scalekit client as a route error; the codes an operator should see are logged here. */
export function upstreamFailure(error: unknown, routeName: string, doing: string, log: (line: string) => void): ScalekitRouteError {
  const mapped = fromUpstreamError(error);
  // `internal` is logged once, by onError.
  if (mapped.code !== 'internal') log(`${routeName}: ${doing} failed -> ${mapped.status} ${mapped.code}: ${describeError(error)}`);
  return mapped;
}

/**
 * Mints a link for `organizationId` scoped to `requested` (or, when the caller named none, to the allow-list).
 * Naming no feature means "all" to Scalekit: none is sent only when the allow-list is everything.
 */
export async function mintPortalLink(
  api: ScalekitApi,
  organizationId: string,
  requested: PortalFeature[] | undefined,
  allowed: readonly PortalFeature[],
  report: { routeName: string; doing: string; log: (line: string) => void },
): Promise<{ link: PortalLinkResponse; features: PortalFeature[] }> {
  const features = requested ?? [...allowed];
  const coversAll = ALL_PORTAL_FEATURES.every((feature) => allowed.includes(feature));
  try {
    const link = await api.generatePortalLink(organizationId, requested ?? (coversAll ? undefined : features));
    return { link: { id: link.id, location: link.location, expiresAt: link.expiresAt }, features };
  } catch (error) {
    throw upstreamFailure(error, report.routeName, report.doing, report.log);
  }
}
