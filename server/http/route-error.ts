// Every route of `/server` answers a failure the same way: `{ "error": { "code", "message" } }` with the status
// its code names, `Cache-Control: no-store`, and the code's own headers (`Retry-After`, `Allow`). One error
// class carries them, and one `onError` renders them, whichever route threw.

import { HTTPException } from 'hono/http-exception';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describeError } from './log-safe.js';

/** Every `error.code` the token endpoint (`scalekitPortal()`) can answer with. */
export type PortalLinkErrorCode =
  | 'invalid_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'organization_not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'rate_limit_unavailable'
  | 'upstream_auth_failed'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'internal';

/** Every `error.code` the setup-link routes answer with: the token endpoint's, and four of their own. */
export type SetupLinkErrorCode =
  | PortalLinkErrorCode
  | 'setup_link_invalid'
  | 'setup_link_expired'
  | 'setup_link_revoked'
  | 'setup_link_not_found';

/** Every `error.code` the webhook receiver answers with. */
export type WebhookErrorCode =
  | 'invalid_signature'
  | 'invalid_request'
  | 'payload_too_large'
  | 'method_not_allowed'
  | 'delivery_in_progress'
  | 'handler_failed'
  | 'handler_timeout'
  | 'idempotency_unavailable'
  | 'internal';

/** Every `error.code` the SSO sign-in routes (`scalekitSso()`) answer with. */
export type SsoErrorCode =
  | 'sso_state_invalid'
  | 'sso_failed'
  | 'invalid_request'
  | 'upstream_auth_failed'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'rate_limited'
  | 'internal';

/** Every code any route of `/server` answers with. */
export type RouteErrorCode = SetupLinkErrorCode | WebhookErrorCode | SsoErrorCode;

/** The JSON body of every error response: `{ "error": { "code", "message" } }`. */
export interface RouteErrorBody<C extends RouteErrorCode = RouteErrorCode> {
  error: { code: C; message: string };
}
/** The token endpoint's error body. */
export type PortalLinkErrorBody = RouteErrorBody<PortalLinkErrorCode>;

const TABLE: Record<RouteErrorCode, { status: ContentfulStatusCode; message: string }> = {
  invalid_request: { status: 400, message: 'The request is malformed.' },
  unauthenticated: { status: 401, message: 'Sign in to manage your organization.' },
  forbidden: { status: 403, message: 'You are not allowed to open the admin portal.' },
  organization_not_found: { status: 404, message: 'Scalekit does not know this organization.' },
  method_not_allowed: { status: 405, message: 'Use POST to request a portal link.' },
  payload_too_large: { status: 413, message: 'The request body is larger than 4 KiB.' },
  unsupported_media_type: { status: 415, message: 'Send the request as application/json.' },
  rate_limited: { status: 429, message: 'Too many portal link requests. Try again later.' },
  rate_limit_unavailable: { status: 503, message: 'The rate limit cannot be checked right now. Try again shortly.' },
  upstream_auth_failed: {
    status: 502,
    message: 'Scalekit refused the client credentials. Check SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET on the server.',
  },
  upstream_unavailable: { status: 503, message: 'Scalekit is unreachable right now. Try again shortly.' },
  upstream_timeout: { status: 504, message: 'Scalekit did not answer in time. Try again shortly.' },
  internal: { status: 500, message: 'Something went wrong on the server.' },
  setup_link_invalid: { status: 401, message: 'This setup link is not valid. Ask for a new one.' },
  setup_link_expired: { status: 410, message: 'This setup link has expired. Ask for a new one.' },
  setup_link_revoked: { status: 410, message: 'This setup link was revoked. Ask for a new one.' },
  setup_link_not_found: { status: 404, message: 'There is no such setup link.' },
  invalid_signature: { status: 401, message: 'The webhook signature is missing, invalid or too old.' },
  delivery_in_progress: { status: 409, message: 'This delivery is being handled right now; retry later.' },
  handler_failed: { status: 500, message: 'The event handler failed; the delivery should be retried.' },
  handler_timeout: { status: 500, message: 'The event handler did not finish in time; the delivery should be retried.' },
  idempotency_unavailable: {
    status: 500,
    message: 'Handled deliveries cannot be checked right now; the delivery should be retried.',
  },
  sso_state_invalid: {
    status: 400,
    message: 'This sign-in link has expired or was already used. Start signing in again.',
  },
  sso_failed: { status: 401, message: 'Signing in with your identity provider did not succeed. Start signing in again.' },
};

/** Seconds a client should wait when Scalekit itself said ResourceExhausted (it sends no hint of its own). */
export const UPSTREAM_RETRY_AFTER_SECONDS = 2;

/** A failure with a known code, thrown by any route of `/server`; their `onError` renders it as JSON. */
export class ScalekitRouteError<C extends RouteErrorCode = RouteErrorCode> extends HTTPException {
  readonly code: C;
  readonly headers: Record<string, string>;

  constructor(code: C, options: { message?: string; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(TABLE[code].status, { message: options.message ?? TABLE[code].message, cause: options.cause });
    this.name = 'ScalekitRouteError';
    this.code = code;
    this.headers = options.headers ?? {};
  }
}

/** @deprecated The same class as {@link ScalekitRouteError}, under the name it had when only the token endpoint threw it. */
export const PortalLinkError = ScalekitRouteError;
/** @deprecated The same class as {@link ScalekitRouteError}. */
export const SetupLinkError = ScalekitRouteError;
/** @deprecated Use {@link ScalekitRouteError}. */
export type PortalLinkError = ScalekitRouteError;
/** @deprecated Use {@link ScalekitRouteError}. */
export type SetupLinkError = ScalekitRouteError;

export function statusOf(code: RouteErrorCode): ContentfulStatusCode {
  return TABLE[code].status;
}

export function errorBody<C extends RouteErrorCode>(code: C, message = TABLE[code].message): RouteErrorBody<C> {
  return { error: { code, message } };
}

/** What every hono `HTTPException` has, whichever copy of hono made it. */
export interface HttpExceptionLike {
  status: number;
  getResponse(): Response;
}

/**
 * True for an `HTTPException` from any copy of hono. A host's app may resolve another hono than ours (another
 * version, a second install), so `instanceof` would miss its `HTTPException(403)` and turn it into a 500.
 */
export function isHttpExceptionLike(error: unknown): error is HttpExceptionLike {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { status?: unknown; getResponse?: unknown };
  return typeof e.getResponse === 'function' && typeof e.status === 'number' && Number.isInteger(e.status);
}

function isRouteError(error: unknown): error is ScalekitRouteError {
  // By shape as well as by class: a second copy of this package (two bundles on one server) makes its own class.
  if (error instanceof ScalekitRouteError) return true;
  const e = error as { code?: unknown; headers?: unknown; getResponse?: unknown } | null;
  return isHttpExceptionLike(error) && typeof e?.code === 'string' && Object.hasOwn(TABLE, e.code) && typeof e.headers === 'object';
}

/** An `HTTPException` thrown by the host's `authorize` (or any other middleware) mapped onto the table. */
export function fromHttpException(error: HTTPException | HttpExceptionLike): ScalekitRouteError {
  if (isRouteError(error)) return error;
  switch (error.status) {
    case 400:
      return new ScalekitRouteError('invalid_request');
    case 401:
      return new ScalekitRouteError('unauthenticated');
    case 403:
      return new ScalekitRouteError('forbidden');
    case 404:
      return new ScalekitRouteError('organization_not_found');
    case 413:
      return new ScalekitRouteError('payload_too_large');
    case 429:
      return new ScalekitRouteError('rate_limited', { headers: { 'Retry-After': String(UPSTREAM_RETRY_AFTER_SECONDS) } });
    default:
      return new ScalekitRouteError('internal', { cause: error });
  }
}

/**
 * The `onError` of every route: a route error as its code says, a host's `HTTPException` mapped onto the table,
 * anything else a 500 `internal` whose details go to `log` (one redacted line), never to the caller.
 */
export function renderRouteError(routeName: string, log: (line: string) => void) {
  return (error: unknown, c: Context): Response => {
    const failure = asRouteError(error);
    if (failure.code === 'internal') log(`${routeName}: internal error: ${describeError(failure.cause ?? error)}`);
    return routeErrorResponse(failure, c);
  };
}

/** Whatever was thrown, as a route error: ours as it is, a host's `HTTPException` mapped, anything else `internal`. */
export function asRouteError(error: unknown): ScalekitRouteError {
  if (isRouteError(error)) return error;
  if (isHttpExceptionLike(error)) return fromHttpException(error);
  return new ScalekitRouteError('internal', { cause: error });
}

/** The JSON answer for `failure`, with `Cache-Control: no-store` and the code's own headers. */
export function routeErrorResponse(failure: ScalekitRouteError, c: Context): Response {
  c.header('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(failure.headers)) c.header(name, value);
  return c.json(errorBody(failure.code, failure.message), statusOf(failure.code));
}
