// The one place where a failure of the Scalekit client (the SDK or scalekitRest()) becomes a route error. Nothing
// here copies an upstream message into a response: those can name hosts, ids or worse. Details go to the
// server log, through `describeError`, redacted.
import { ScalekitRouteError, UPSTREAM_RETRY_AFTER_SECONDS, type RouteErrorCode } from '../http/route-error.js';

// gRPC status numbers (connect-es `Code`), spelled out so this module needs no import from the SDK's
// transitive dependencies: an SDK exception carries them as `grpcStatus`.
const GRPC = {
  Unauthenticated: 16,
  PermissionDenied: 7,
  NotFound: 5,
  ResourceExhausted: 8,
  Unavailable: 14,
  DeadlineExceeded: 4,
  Canceled: 1,
} as const;

// Socket-level failures that mean "Scalekit could not be reached" rather than "Scalekit said no".
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_TIMEOUT']);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  grpcStatus?: unknown;
  isAxiosError?: unknown;
  response?: { status?: unknown };
  cause?: unknown;
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

/**
 * Map whatever the SDK threw while minting a link onto the endpoint's table.
 *
 * - `Scalekit*Exception` (gRPC failures, promoted by the SDK) by their `grpcStatus`;
 * - the raw `AxiosError` the SDK lets through when `/oauth/token` fails (401 on wrong credentials);
 * - socket errors and timeouts from either path.
 *
 * Anything unrecognised is `internal`.
 */
export function fromUpstreamError(error: unknown): ScalekitRouteError {
  const e = shape(error);

  // A feature combination the host's client cannot send (the Node SDK and domain_verification): the request
  // asked for something this server cannot mint, which is the caller's to change, not an outage.
  if (error instanceof Error && error.name === 'ScalekitFeatureError') {
    return new ScalekitRouteError('invalid_request', { message: error.message, cause: error });
  }

  if (e.isAxiosError === true) {
    const status = typeof e.response?.status === 'number' ? e.response.status : undefined;
    if (status === undefined) {
      if (typeof e.code === 'string' && TIMEOUT_CODES.has(e.code)) return upstream('upstream_timeout', error);
      return upstream('upstream_unavailable', error);
    }
    if (status === 400 || status === 401 || status === 403) return upstream('upstream_auth_failed', error);
    if (status === 429) return upstreamRateLimited(error);
    if (status === 408 || status === 504) return upstream('upstream_timeout', error);
    if (status >= 500) return upstream('upstream_unavailable', error);
    return upstream('internal', error);
  }

  if (typeof e.grpcStatus === 'number') {
    switch (e.grpcStatus) {
      case GRPC.NotFound:
        return upstream('organization_not_found', error);
      case GRPC.Unauthenticated:
      case GRPC.PermissionDenied:
        return upstream('upstream_auth_failed', error);
      case GRPC.ResourceExhausted:
        return upstreamRateLimited(error);
      case GRPC.Unavailable:
        return upstream('upstream_unavailable', error);
      case GRPC.DeadlineExceeded:
        return upstream('upstream_timeout', error);
      default:
        return upstream('internal', error);
    }
  }

  if (typeof e.code === 'string') {
    if (UNREACHABLE_CODES.has(e.code)) return upstream('upstream_unavailable', error);
    if (TIMEOUT_CODES.has(e.code)) return upstream('upstream_timeout', error);
  }
  if (e.name === 'TimeoutError') return upstream('upstream_timeout', error);
  return upstream('internal', error);
}

function upstream(code: RouteErrorCode, cause: unknown): ScalekitRouteError {
  return new ScalekitRouteError(code, { cause });
}

function upstreamRateLimited(cause: unknown): ScalekitRouteError {
  return new ScalekitRouteError('rate_limited', {
    cause,
    headers: { 'Retry-After': String(UPSTREAM_RETRY_AFTER_SECONDS) },
  });
}

