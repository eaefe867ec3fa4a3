// `scalekitPortal()`: the Hono app behind `<scalekit-admin-portal>`'s `endpoint`.
//
// A portal link lets whoever holds it change an organization's SSO and SCIM settings, so the route mints one
// only for the organization the host's own session names, only for same-site callers, never caches it,
// never logs it, and says clearly what went wrong otherwise.

import type { Context, Env, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ScalekitClientLike } from './scalekit-client.js';
import {
  PortalLinkError,
  describeError,
  errorBody,
  fromHttpException,
  fromUpstreamError,
  isHttpExceptionLike,
  statusOf,
} from './errors.js';
import { scalekitApi } from './sdk-client.js';
import { ALL_PORTAL_FEATURES } from './scalekit-client.js';
import type { PortalFeature } from './scalekit-client.js';
import {
  MAX_BODY_BYTES,
  asOrigin,
  authorizeCaller,
  corsForAllowedOrigins,
  jsonOnly,
  noStore,
  postOnly,
  principalKey,
  readBody,
  sameSiteOnly,
} from './http-guards.js';
import { BODY_CONSUMED_HINT, acceptBodyParsedByHost } from './host-body.js';
import { readPublicOrigin } from './public-origin.js';
import { createRateLimiter } from './rate-limit.js';
import type { RateLimitOptions } from './rate-limit.js';

export type { PortalFeature } from './scalekit-client.js';

/** Who is asking, as the host's own session knows it. */
export interface PortalPrincipal {
  /** The Scalekit organization this person administers. The only organization a link is ever minted for. */
  organizationId: string;
  /** The host's user id, for rate limiting per person and for the audit hook. */
  userId?: string;
}

/** What `onLinkIssued` hears about each minted link. Never the link's location. */
export interface PortalLinkIssuedEvent {
  organizationId: string;
  userId: string | undefined;
  linkId: string;
  expiresAt: string;
  /** The sections the link opens (the allow-list when the request named none). */
  features: PortalFeature[];
}

export interface ScalekitPortalOptions<E extends Env = Env> {
  /** The Scalekit client: the Node SDK's `new Scalekit(envUrl, clientId, clientSecret)`, or `scalekitRest()`. */
  scalekit: ScalekitClientLike;
  /**
   * Resolve the caller from the host's session: `{ organizationId, userId? }`, or `null` when nobody is signed
   * in (401). Throw `new HTTPException(403)` to refuse someone who is signed in but may not administer.
   */
  authorize: (c: Context<E>) => PortalPrincipal | null | Promise<PortalPrincipal | null>;
  /** Features a caller may ask for. Default: `['sso', 'dir_sync']`. */
  features?: readonly PortalFeature[];
  /** Extra origins (e.g. `https://admin.example.com`) allowed to call cross-site; the request's own origin always is. */
  allowedOrigins?: readonly string[];
  /**
   * The origin browsers use to reach this app (e.g. `https://app.example.com`), when the request URL the server
   * sees is another one: behind Next.js, a reverse proxy or a load balancer. Requests from it count as
   * same-origin (no CORS headers: it is not cross-site). Without it, a browser that sends no `Sec-Fetch-Site`
   * (Safari before 16.4) is refused as cross-site there. When set, it replaces the request's own origin: a
   * request must carry an `Origin` equal to it or to one of `allowedOrigins`, and `Host` is never trusted (a DNS
   * rebinding page controls it). Set it in production.
   */
  publicOrigin?: string;
  /** Per principal (user, else organization). Default `{ limit: 10, windowMs: 60_000 }`; `false` turns it off. */
  rateLimit?: RateLimitOptions | false;
  /** Audit hook, awaited before the link is returned; if it throws, the caller gets 500 and no link. */
  onLinkIssued?: (event: PortalLinkIssuedEvent) => void | Promise<void>;
  /** Where server-side failure details go (one redacted line each). Default `console.error`. */
  log?: (line: string) => void;
}

/** The success body of `POST {mount}/portal-link`. */
export interface PortalLinkResponse {
  id: string;
  location: string;
  expiresAt: string;
}

export { MAX_BODY_BYTES, isSameSiteRequest } from './http-guards.js';

const DEFAULTS = {
  features: ALL_PORTAL_FEATURES,
  allowedOrigins: [],
  rateLimit: {},
  log: (line: string) => console.error(line),
} satisfies Partial<ScalekitPortalOptions>;

/**
 * The token endpoint: a Hono app with one route, `POST /portal-link`, that mints a single-use Scalekit admin
 * portal link for the organization `authorize` names.
 *
 * @example
 * ```ts
 * const app = new Hono();
 * app.route('/api/scalekit', scalekitPortal({
 *   scalekit: new Scalekit(env.SCALEKIT_ENVIRONMENT_URL, env.SCALEKIT_CLIENT_ID, env.SCALEKIT_CLIENT_SECRET),
 *   authorize: async (c) => lookUpHostSession(c), // -> { organizationId, userId? } or null
 * }));
 * ```
 */
export function scalekitPortal<E extends Env = Env>(options: ScalekitPortalOptions<E>): Hono<E> {
  const config = normalizeOptions(options);
  const links = scalekitApi(config.scalekit);
  const limiter = config.rateLimit === false ? null : createRateLimiter(config.rateLimit, Date.now, config.log);
  const log = config.log;

  const app = new Hono<E>();

  app.all(
    '/portal-link',
    noStore,
    corsForAllowedOrigins(config.allowedOrigins),
    postOnly,
    sameSiteOnly(config.allowedOrigins, readPublicOrigin(options.publicOrigin, 'scalekitPortal')),
    jsonOnly,
    acceptBodyParsedByHost(bodyLostTo(log)),
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new PortalLinkError('payload_too_large');
      },
    }),
    async (c) => {
      const principal = await authorizeCaller(config.authorize, c as unknown as Context<E>);

      if (limiter) {
        const decision = await limiter.check(principalKey(principal));
        if (!decision.allowed) {
          const code = decision.unavailable ? 'rate_limit_unavailable' : 'rate_limited';
          throw new PortalLinkError(code, { headers: { 'Retry-After': String(decision.retryAfterSeconds) } });
        }
      }

      const requested = parseFeatures(await readBody(c), config.features);
      const features = requested ?? [...config.features];
      // Naming no feature means "all" to Scalekit: send none only when the allow-list is everything.
      const wireFeatures = requested ?? (coversAllFeatures(config.features) ? undefined : features);

      let link: PortalLinkResponse;
      try {
        link = await links.generatePortalLink(principal.organizationId, wireFeatures);
      } catch (error) {
        const mapped = fromUpstreamError(error);
        // `internal` is logged once, by onError; the upstream codes an operator should also see are logged here.
        if (mapped.code !== 'internal') {
          log(`scalekitPortal: minting a portal link failed -> ${mapped.status} ${mapped.code}: ${describeError(error)}`);
        }
        throw mapped;
      }

      if (config.onLinkIssued) {
        await config.onLinkIssued({
          organizationId: principal.organizationId,
          userId: principal.userId,
          linkId: link.id,
          expiresAt: link.expiresAt,
          features,
        });
      }

      const body: PortalLinkResponse = { id: link.id, location: link.location, expiresAt: link.expiresAt };
      return c.json(body, 200);
    },
  );

  app.onError((error, c) => {
    let failure: PortalLinkError;
    if (error instanceof PortalLinkError) failure = error;
    else if (isHttpExceptionLike(error)) failure = fromHttpException(error);
    else failure = new PortalLinkError('internal', { cause: error });
    if (failure.code === 'internal') log(`scalekitPortal: internal error: ${describeError(failure.cause ?? error)}`);

    c.header('Cache-Control', 'no-store');
    for (const [name, value] of Object.entries(failure.headers)) c.header(name, value);
    return c.json(errorBody(failure.code, failure.message), statusOf(failure.code));
  });

  return app;
}

// --- Options ------------------------------------------------------------------------------------------------

interface NormalizedOptions<E extends Env> {
  scalekit: ScalekitClientLike;
  authorize: ScalekitPortalOptions<E>['authorize'];
  features: readonly PortalFeature[];
  allowedOrigins: ReadonlySet<string>;
  rateLimit: RateLimitOptions | false;
  onLinkIssued: ScalekitPortalOptions<E>['onLinkIssued'];
  log: (line: string) => void;
}

function normalizeOptions<E extends Env>(options: ScalekitPortalOptions<E>): NormalizedOptions<E> {
  if (typeof options !== 'object' || options === null) throw new TypeError('scalekitPortal: options are required');
  if (typeof options.scalekit !== 'object' || options.scalekit === null) {
    throw new TypeError('scalekitPortal: `scalekit` (a Scalekit SDK client) is required');
  }
  if (typeof options.authorize !== 'function') {
    throw new TypeError('scalekitPortal: `authorize(c)` is required: it names the caller\'s organization');
  }

  const features = options.features ?? DEFAULTS.features;
  if (!Array.isArray(features) || features.length === 0 || !features.every(isPortalFeature)) {
    throw new TypeError(`scalekitPortal: \`features\` must be a non-empty list of ${ALL_PORTAL_FEATURES.join(', ')}`);
  }

  const allowedOrigins = new Set<string>();
  for (const origin of options.allowedOrigins ?? DEFAULTS.allowedOrigins) {
    const normalized = typeof origin === 'string' ? asOrigin(origin) : null;
    if (!normalized) throw new TypeError(`scalekitPortal: allowedOrigins entry is not an origin: ${String(origin).slice(0, 100)}`);
    allowedOrigins.add(normalized);
  }

  if (options.onLinkIssued !== undefined && typeof options.onLinkIssued !== 'function') {
    throw new TypeError('scalekitPortal: `onLinkIssued` must be a function');
  }

  return {
    scalekit: options.scalekit,
    authorize: options.authorize,
    features: [...new Set(features)],
    allowedOrigins,
    rateLimit: options.rateLimit === undefined ? DEFAULTS.rateLimit : options.rateLimit,
    onLinkIssued: options.onLinkIssued,
    log: options.log ?? DEFAULTS.log,
  };
}

function isPortalFeature(value: unknown): value is PortalFeature {
  return typeof value === 'string' && (ALL_PORTAL_FEATURES as readonly string[]).includes(value);
}

function coversAllFeatures(features: readonly PortalFeature[]): boolean {
  return ALL_PORTAL_FEATURES.every((feature) => features.includes(feature));
}

// --- The request's own content --------------------------------------------------------------------------------

/**
 * The features the caller asked for, checked against the allow-list; `undefined` when it named none (an
 * absent or empty `features`). Every other field, `organizationId` included, is ignored on purpose.
 */
function parseFeatures(body: unknown, allowed: readonly PortalFeature[]): PortalFeature[] | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PortalLinkError('invalid_request', { message: 'The body must be a JSON object.' });
  }
  const features = (body as Record<string, unknown>)['features'];
  if (features === undefined) return undefined;
  if (!Array.isArray(features) || !features.every((feature) => typeof feature === 'string')) {
    throw new PortalLinkError('invalid_request', { message: '`features` must be an array of strings.' });
  }
  const unknown = features.filter((feature) => !(allowed as readonly string[]).includes(feature));
  if (unknown.length > 0) {
    throw new PortalLinkError('invalid_request', {
      message: `\`features\` may only name: ${allowed.join(', ')}.`,
    });
  }
  const unique = [...new Set(features as PortalFeature[])];
  return unique.length > 0 ? unique : undefined;
}

/**
 * A body parser of the host read the body and kept nothing usable: a server set-up mistake, not the caller's,
 * so 500 `internal`, and the log says which middleware to move, once per app rather than once per request.
 */
function bodyLostTo(log: (line: string) => void): (c: Context) => never {
  let told = false;
  return () => {
    if (!told) log(`scalekitPortal: ${BODY_CONSUMED_HINT}`);
    told = true;
    throw new PortalLinkError('internal', { cause: new Error('request body consumed before the route') });
  };
}
