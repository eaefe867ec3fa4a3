// `scalekitPortal()`: the Hono app behind `<scalekit-admin-portal>`'s `endpoint`.
//
// A portal link lets whoever holds it change an organization's SSO and SCIM settings, so the route mints one
// only for the organization the host's own session names, only for same-site callers, never caches it,
// never logs it, and says clearly what went wrong otherwise.

import type { Context, Env } from 'hono';
import { Hono } from 'hono';
import { postRequestChecks, readBody } from '../http/guards.js';
import { readPublicOrigin } from '../http/public-origin.js';
import { createRateLimiter, type RateLimitOptions } from '../http/rate-limit.js';
import { renderRouteError } from '../http/route-error.js';
import { scalekitApi } from '../scalekit/sdk-adapter.js';
import type { PortalFeature, ScalekitClientLike } from '../scalekit/types.js';
import {
  allowedOriginsOption,
  asJsonObject,
  authorizeCaller,
  enforceRateLimit,
  featuresOption,
  jsonBodyCheck,
  mintPortalLink,
  principalKey,
  requestedFeatures,
  type PortalLinkResponse,
  type PortalPrincipal,
} from './link-core.js';

export type { PortalFeature } from '../scalekit/types.js';
export type { PortalLinkResponse, PortalPrincipal } from './link-core.js';

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
  /**
   * Features a caller may ask for. Default: `sso` and `dir_sync`; list `domain_verification` to offer it too
   * (Scalekit shows it only to organizations whose `domain_verification` setting is on).
   */
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

export { MAX_BODY_BYTES, isSameSiteRequest } from '../http/guards.js';

const ROUTE = 'scalekitPortal';

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
  const api = scalekitApi(config.scalekit);
  const limiter = config.rateLimit === false ? null : createRateLimiter(config.rateLimit, Date.now, config.log);
  const { log } = config;

  const app = new Hono<E>();

  const checkRequest = postRequestChecks(config.allowedOrigins, readPublicOrigin(options.publicOrigin, ROUTE));
  const checkBody = jsonBodyCheck(ROUTE, log);
  const mintOptions = { routeName: ROUTE, doing: 'minting a portal link', log };

  // One handler runs every check in order (no-store, CORS, POST, same-site, JSON, the host's body parser, the
  // body limit), rather than one middleware each: Hono gives each middleware of a routed app its own promise
  // chain and error boundary per request, which cost more than the checks themselves.
  app.all('/portal-link', async (c) => {
    const preflight = checkRequest(c);
    if (preflight) return preflight;
    const reading = checkBody(c);
    if (reading) await reading;
    const principal = await authorizeCaller(config.authorize, c as unknown as Context<E>);
    if (limiter) await enforceRateLimit(limiter, principalKey(principal));
    // Every field but `features`, `organizationId` included, is ignored on purpose.
    const requested = requestedFeatures(asJsonObject(await readBody(c))['features'], config.features);
    const { link, features } = await mintPortalLink(api, principal.organizationId, requested, config.features, mintOptions);
    if (config.onLinkIssued) {
      await config.onLinkIssued({
        organizationId: principal.organizationId,
        userId: principal.userId,
        linkId: link.id,
        expiresAt: link.expiresAt,
        features,
      });
    }
    return c.json(link satisfies PortalLinkResponse, 200);
  });

  app.onError(renderRouteError(ROUTE, log));
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

  if (options.onLinkIssued !== undefined && typeof options.onLinkIssued !== 'function') {
    throw new TypeError('scalekitPortal: `onLinkIssued` must be a function');
  }
  if (options.log !== undefined && typeof options.log !== 'function') throw new TypeError('scalekitPortal: `log` must be a function');

  return {
    scalekit: options.scalekit,
    authorize: options.authorize,
    features: featuresOption(options.features, ROUTE),
    allowedOrigins: allowedOriginsOption(options.allowedOrigins, ROUTE),
    rateLimit: options.rateLimit === undefined ? {} : options.rateLimit,
    onLinkIssued: options.onLinkIssued,
    log: options.log ?? ((line: string) => console.error(line)),
  };
}
