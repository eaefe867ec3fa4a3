// `scalekitSetupLinks()`: step 2 of onboarding an enterprise customer. The host's staff (or the customer's own
// admin) creates a setup link; whoever holds it — the customer's IT admin, who has no account in the host app —
// opens the host's invite page, which embeds the admin portal and asks for portal links with the link's token.
//
// The token is the only credential, so it is treated like a password: 256 random bits, shown once, carried in
// the URL fragment (never sent to a server by the browser, never in a Referer or an access log), stored only as
// a SHA-256 hash, compared in constant time, never logged. Revoking a setup link refuses it at once and deletes
// the Scalekit portal links minted through it, which ends any portal session opened with them.

import type { Context, Env, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { corsForAllowedOrigins, noStore, readBody, sameSiteOnly } from '../http/guards.js';
import { describeError } from '../http/log-safe.js';
import { readPublicOrigin } from '../http/public-origin.js';
import { createRateLimiter, type RateLimitOptions, type RateLimiter } from '../http/rate-limit.js';
import { ScalekitRouteError, renderRouteError } from '../http/route-error.js';
import { scalekitApi } from '../scalekit/sdk-adapter.js';
import type { PortalFeature, ScalekitClientLike } from '../scalekit/types.js';
import {
  allowedOriginsOption,
  asJsonObject,
  authorizeCaller,
  enforceRateLimit,
  featuresOption,
  jsonBodyChecks,
  mintPortalLink,
  principalKey,
  requestedFeatures,
  upstreamFailure,
  type PortalLinkResponse,
  type PortalPrincipal,
} from '../portal/link-core.js';
import { MemorySetupLinkStore, type SetupLinkRecord, type SetupLinkStore } from '../stores/setup-link-store.js';
import { MAX_NOTE_LENGTH, SETUP_LINK_TTL } from './limits.js';
import { constantTimeEqual, hashSetupToken, isSetupLinkId, isSetupToken, newSetupLinkId, newSetupToken } from './token.js';

const ROUTE = 'scalekitSetupLinks';

/** What `onLinkIssued` hears about each portal link minted through a setup link. Never the link or the token. */
export interface SetupLinkPortalLinkIssuedEvent {
  organizationId: string;
  /** Always undefined: the holder of a setup link is nobody the host knows. */
  userId: undefined;
  /** The setup link it was minted through. */
  setupLinkId: string;
  linkId: string;
  expiresAt: string;
  features: PortalFeature[];
}

export interface ScalekitSetupLinksOptions<E extends Env = Env> {
  /** The Scalekit client: the Node SDK's `new Scalekit(…)`, or `scalekitRest()`. */
  scalekit: ScalekitClientLike;
  /**
   * Who may create, list and revoke setup links: `{ organizationId, userId? }` for the organization they
   * manage, or `null` (401). Throw `new HTTPException(403)` to refuse. Not asked for `/setup-links/portal-link`,
   * where the token is the credential.
   */
  authorize: (c: Context<E>) => PortalPrincipal | null | Promise<PortalPrincipal | null>;
  /** The host's invite page (absolute http(s) URL, no fragment). A setup link is `publicUrl#<token>`. */
  publicUrl: string;
  /** How long a setup link works. Default 7 days; 1 minute to 30 days. */
  ttlMs?: number;
  /** Where setup links live. Default: this process's memory ({@link MemorySetupLinkStore}). */
  store?: SetupLinkStore;
  /** Features the invite page may ask for. Default: `sso` and `dir_sync`, as for scalekitPortal(). */
  features?: readonly PortalFeature[];
  /**
   * Extra origins allowed to call cross-site. The request's own origin and `publicUrl`'s origin always are.
   */
  allowedOrigins?: readonly string[];
  /**
   * The origin browsers use to reach this app, as in scalekitPortal(): when set, it replaces the request's own
   * origin (`Host` is never trusted). Set it in production.
   */
  publicOrigin?: string;
  /**
   * Portal links per setup link (and setup links created per principal) per window. Default
   * `{ limit: 10, windowMs: 60_000 }`; `false` turns it off.
   */
  rateLimit?: RateLimitOptions | false;
  /** Audit hook, awaited before a portal link is returned; if it throws, the caller gets 500 and no link. */
  onLinkIssued?: (event: SetupLinkPortalLinkIssuedEvent) => void | Promise<void>;
  /** Where server-side failure details go (one redacted line each). Default `console.error`. */
  log?: (line: string) => void;
  /** The clock (ms since the epoch), for tests of expiry. Default `Date.now`. */
  now?: () => number;
}

/** A setup link as `GET /setup-links` lists it: never its token or url. */
export interface SetupLinkSummary {
  id: string;
  createdAt: string;
  expiresAt: string;
  note: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  uses: number;
}

/** The answer to `POST /setup-links`: the only time the url (and so the token) is ever shown. */
export interface CreatedSetupLink {
  id: string;
  url: string;
  expiresAt: string;
  createdAt: string;
  note: string | null;
}

export { MAX_NOTE_LENGTH, SETUP_LINK_TTL };

// Portal links minted through a setup link are remembered this long, to be deleted on revocation: past
// Scalekit's longest portal session (6 hours), with room to spare.
const PORTAL_LINK_MEMORY_MS = 24 * 60 * 60 * 1000;


/**
 * Setup links for onboarding an enterprise customer's IT admin: a Hono app with
 * `POST /setup-links`, `GET /setup-links`, `DELETE /setup-links/:id` (for whoever `authorize` admits) and
 * `POST /setup-links/portal-link` (for whoever holds a setup link's token).
 *
 * @example
 * ```ts
 * app.route('/api/scalekit', scalekitSetupLinks({
 *   scalekit,
 *   authorize: async (c) => staffOrAdminOf(c),   // -> { organizationId, userId? } or null
 *   publicUrl: 'https://app.example.com/setup',  // the invite page; the token travels in the URL fragment
 *   store: sqlSetupLinkStore(pool),
 * }));
 * ```
 */
export function scalekitSetupLinks<E extends Env = Env>(options: ScalekitSetupLinksOptions<E>): Hono<E> {
  const config = normalizeOptions(options);
  const api = scalekitApi(config.scalekit);
  const { store, log, now } = config;
  const limiter: RateLimiter | null =
    config.rateLimit === false ? null : createRateLimiter(config.rateLimit, now, log);

  const app = new Hono<E>();
  const guards = (methods: readonly string[]): MiddlewareHandler[] => [
    noStore,
    corsForAllowedOrigins(config.allowedOrigins, methods),
    allowMethods(methods),
    sameSiteOnly(config.allowedOrigins, config.publicOrigin),
  ];
  const jsonBody = jsonBodyChecks(ROUTE, log);

  // Hono's typed overloads stop at a fixed number of handlers; these chains are built from shared lists.
  const route = (path: string, ...handlers: Array<MiddlewareHandler | MiddlewareHandler[]>): void => {
    (app.all as unknown as (path: string, ...handlers: MiddlewareHandler[]) => unknown).call(app, path, ...handlers.flat());
  };

  // The token holder's route comes first, so that `portal-link` is never taken for a setup link id.
  route('/setup-links/portal-link', guards(['POST']), jsonBody, async (c) => {
    const body = asJsonObject(await readBody(c));
    const token = body['token'];
    // Wrong types are 400; a string of the wrong shape is a setup link that does not exist (401).
    if (typeof token !== 'string') throw new ScalekitRouteError('invalid_request', { message: '`token` must be a string.' });
    const requested = requestedFeatures(body['features'], config.features);
    if (!isSetupToken(token)) throw new ScalekitRouteError('setup_link_invalid');
    const tokenHash = await hashSetupToken(token);
    const record = await store.findByTokenHash(tokenHash);
    // The lookup is by hash (timing reveals nothing usable about the token); the comparison is a second guard
    // against a store that matches loosely (case-insensitive collation, trailing spaces).
    if (!record || !constantTimeEqual(record.tokenHash, tokenHash)) throw new ScalekitRouteError('setup_link_invalid');
    refuseIfUnusable(record, now());

    await enforceRateLimit(limiter, `setup-link:${record.id}`);

    const { link, features } = await mintPortalLink(api, record.organizationId, requested, config.features, {
      routeName: ROUTE,
      doing: 'minting a portal link through a setup link',
      log,
    });

    // A link handed out must be one a revocation can find; one that cannot be is deleted instead.
    const discard = () =>
      api.deletePortalLink(record.organizationId, link.id).catch((error) => {
        log(`scalekitSetupLinks: deleting an unrecorded portal link failed: ${describeError(error)}`);
      });
    const issuedAt = new Date(now());
    let after: SetupLinkRecord | null;
    try {
      after = await store.recordUse(record.id, { id: link.id, issuedAt }, new Date(issuedAt.getTime() - PORTAL_LINK_MEMORY_MS));
    } catch (error) {
      await discard();
      throw error;
    }
    if (!after || after.revokedAt !== null) {
      // Revoked while this link was being minted: the revocation may not have seen it.
      await discard();
      throw new ScalekitRouteError('setup_link_revoked');
    }

    if (config.onLinkIssued) {
      await config.onLinkIssued({
        organizationId: record.organizationId,
        userId: undefined,
        setupLinkId: record.id,
        linkId: link.id,
        expiresAt: link.expiresAt,
        features,
      });
    }
    return c.json(link satisfies PortalLinkResponse, 200);
  });

  route('/setup-links', guards(['GET', 'POST']), async (c, next) => {
    if (c.req.method === 'GET') {
      const principal = await authorizeCaller(config.authorize, c as unknown as Context<E>);
      const records = await store.list(principal.organizationId);
      return c.json({ setupLinks: records.filter((r) => r.organizationId === principal.organizationId).map(summary) }, 200);
    }
    return next();
  }, jsonBody, async (c) => {
    const principal = await authorizeCaller(config.authorize, c as unknown as Context<E>);
    await enforceRateLimit(limiter, `setup-links:${principalKey(principal)}`);
    const note = parseNote(await readBody(c));

    const token = newSetupToken();
    const createdAt = new Date(now());
    const record: SetupLinkRecord = {
      id: newSetupLinkId(),
      organizationId: principal.organizationId,
      tokenHash: await hashSetupToken(token),
      note,
      createdBy: principal.userId ?? null,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + config.ttlMs),
      revokedAt: null,
      lastUsedAt: null,
      uses: 0,
      portalLinks: [],
    };
    await store.create(record);
    const body: CreatedSetupLink = {
      id: record.id,
      url: `${config.publicUrl}#${token}`,
      expiresAt: record.expiresAt.toISOString(),
      createdAt: record.createdAt.toISOString(),
      note,
    };
    return c.json(body, 201);
  });

  route('/setup-links/:id', guards(['DELETE']), async (c) => {
    const principal = await authorizeCaller(config.authorize, c as unknown as Context<E>);
    const id = c.req.param('id');
    const record = isSetupLinkId(id) ? await store.revoke(principal.organizationId, id, new Date(now())) : null;
    if (!record || record.organizationId !== principal.organizationId) throw new ScalekitRouteError('setup_link_not_found');

    // Revoked from here on. Deleting the portal links it minted ends their sessions; a failure is reported (the
    // revocation stands, and repeating the DELETE tries the portal links again).
    const results = await Promise.allSettled(record.portalLinks.map((link) => api.deletePortalLink(record.organizationId, link.id)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw upstreamFailure(failed.reason, ROUTE, 'deleting the portal links of a revoked setup link', log);
    return c.body(null, 204);
  });

  app.onError(renderRouteError(ROUTE, log));

  return app;
}

// --- Options ------------------------------------------------------------------------------------------------

interface NormalizedOptions<E extends Env> {
  scalekit: ScalekitClientLike;
  authorize: ScalekitSetupLinksOptions<E>['authorize'];
  publicUrl: string;
  ttlMs: number;
  store: SetupLinkStore;
  features: readonly PortalFeature[];
  allowedOrigins: ReadonlySet<string>;
  /** Replaces the request's own origin in the same-site check when set; it gets no CORS headers. */
  publicOrigin: string | null;
  rateLimit: RateLimitOptions | false;
  onLinkIssued: ScalekitSetupLinksOptions<E>['onLinkIssued'];
  log: (line: string) => void;
  now: () => number;
}

function normalizeOptions<E extends Env>(options: ScalekitSetupLinksOptions<E>): NormalizedOptions<E> {
  const fail = (message: string): never => {
    throw new TypeError(`scalekitSetupLinks: ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('options are required');
  if (typeof options.scalekit !== 'object' || options.scalekit === null) fail('`scalekit` (a Scalekit client) is required');
  if (typeof options.authorize !== 'function') fail("`authorize(c)` is required: it names the caller's organization");

  let publicUrl: URL | null = null;
  try {
    publicUrl = typeof options.publicUrl === 'string' ? new URL(options.publicUrl) : null;
  } catch {
    publicUrl = null;
  }
  if (!publicUrl || (publicUrl.protocol !== 'https:' && publicUrl.protocol !== 'http:') || publicUrl.hash || publicUrl.username || publicUrl.password) {
    fail('`publicUrl` must be an absolute http(s) URL of the invite page, without a fragment or credentials');
  }

  const ttlMs = options.ttlMs ?? SETUP_LINK_TTL.defaultMs;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < SETUP_LINK_TTL.minMs || ttlMs > SETUP_LINK_TTL.maxMs) {
    fail('`ttlMs` must be between 60 000 (1 minute) and 2 592 000 000 (30 days)');
  }

  const store = options.store ?? new MemorySetupLinkStore();
  for (const method of ['create', 'findByTokenHash', 'list', 'revoke', 'recordUse'] as const) {
    if (typeof (store as unknown as Record<string, unknown>)?.[method] !== 'function') fail(`\`store\` must implement ${method}()`);
  }

  if (options.onLinkIssued !== undefined && typeof options.onLinkIssued !== 'function') fail('`onLinkIssued` must be a function');
  if (options.log !== undefined && typeof options.log !== 'function') fail('`log` must be a function');
  if (options.now !== undefined && typeof options.now !== 'function') fail('`now` must be a function');

  return {
    scalekit: options.scalekit,
    authorize: options.authorize,
    publicUrl: publicUrl!.href,
    ttlMs,
    store,
    features: featuresOption(options.features, ROUTE),
    allowedOrigins: allowedOriginsOption(options.allowedOrigins, ROUTE, [publicUrl!.origin]),
    publicOrigin: readPublicOrigin(options.publicOrigin, ROUTE),
    rateLimit: options.rateLimit === undefined ? {} : options.rateLimit,
    onLinkIssued: options.onLinkIssued,
    log: options.log ?? ((line: string) => console.error(line)),
    now: options.now ?? Date.now,
  };
}

// --- Requests -------------------------------------------------------------------------------------------------

function allowMethods(methods: readonly string[]): MiddlewareHandler {
  const allow = methods.join(', ');
  return async (c, next) => {
    if (!methods.includes(c.req.method)) {
      throw new ScalekitRouteError('method_not_allowed', { message: `Use ${methods.join(' or ')} here.`, headers: { Allow: allow } });
    }
    await next();
  };
}

function parseNote(body: unknown): string | null {
  const note = asJsonObject(body)['note'];
  if (note === undefined || note === null) return null;
  if (typeof note !== 'string') throw new ScalekitRouteError('invalid_request', { message: '`note` must be a string.' });
  const trimmed = note.trim();
  if ([...trimmed].length > MAX_NOTE_LENGTH || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(trimmed)) {
    throw new ScalekitRouteError('invalid_request', {
      message: `\`note\` must be at most ${MAX_NOTE_LENGTH} characters, without control characters.`,
    });
  }
  return trimmed === '' ? null : trimmed;
}

function refuseIfUnusable(record: SetupLinkRecord, nowMs: number): void {
  if (record.revokedAt !== null) throw new ScalekitRouteError('setup_link_revoked');
  if (nowMs >= record.expiresAt.getTime()) throw new ScalekitRouteError('setup_link_expired');
}

function summary(record: SetupLinkRecord): SetupLinkSummary {
  return {
    id: record.id,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    note: record.note,
    revokedAt: record.revokedAt?.toISOString() ?? null,
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    uses: record.uses,
  };
}
