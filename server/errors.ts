// The token endpoint's error vocabulary (every code it answers) and the one place where a failure of the Scalekit SDK
// becomes an HTTP status. Nothing here ever copies an upstream message into a response: those can name
// hosts, ids or (in a future SDK) worse. Details go to the server log, through `describeError`, redacted.

import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every `error.code` the endpoint can answer with. */
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

/** The JSON body of every error response: `{ "error": { "code", "message" } }`. */
export interface PortalLinkErrorBody {
  error: { code: PortalLinkErrorCode; message: string };
}

const STATUS_OF: Record<PortalLinkErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  organization_not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  rate_limit_unavailable: 503,
  upstream_auth_failed: 502,
  upstream_unavailable: 503,
  upstream_timeout: 504,
  internal: 500,
};

const DEFAULT_MESSAGE: Record<PortalLinkErrorCode, string> = {
  invalid_request: 'The request is malformed.',
  unauthenticated: 'Sign in to manage your organization.',
  forbidden: 'You are not allowed to open the admin portal.',
  organization_not_found: 'Scalekit does not know this organization.',
  method_not_allowed: 'Use POST to request a portal link.',
  payload_too_large: 'The request body is larger than 4 KiB.',
  unsupported_media_type: 'Send the request as application/json.',
  rate_limited: 'Too many portal link requests. Try again later.',
  rate_limit_unavailable: 'The rate limit cannot be checked right now. Try again shortly.',
  upstream_auth_failed:
    'Scalekit refused the client credentials. Check SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET on the server.',
  upstream_unavailable: 'Scalekit is unreachable right now. Try again shortly.',
  upstream_timeout: 'Scalekit did not answer in time. Try again shortly.',
  internal: 'Something went wrong on the server.',
};

/** Seconds a client should wait when Scalekit itself said ResourceExhausted (it sends no hint of its own). */
export const UPSTREAM_RETRY_AFTER_SECONDS = 2;

/** A failure with a known code; the endpoint's `onError` renders it as JSON. */
export class PortalLinkError extends HTTPException {
  readonly code: PortalLinkErrorCode;
  readonly headers: Record<string, string>;

  constructor(
    code: PortalLinkErrorCode,
    options: { message?: string; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(STATUS_OF[code], { message: options.message ?? DEFAULT_MESSAGE[code], cause: options.cause });
    this.name = 'PortalLinkError';
    this.code = code;
    this.headers = options.headers ?? {};
  }
}

export function statusOf(code: PortalLinkErrorCode): ContentfulStatusCode {
  return STATUS_OF[code];
}

export function errorBody(code: PortalLinkErrorCode, message = DEFAULT_MESSAGE[code]): PortalLinkErrorBody {
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

/** An `HTTPException` thrown by the host's `authorize` (or any other middleware) mapped onto the table. */
export function fromHttpException(error: HTTPException | HttpExceptionLike): PortalLinkError {
  if (error instanceof PortalLinkError) return error;
  switch (error.status) {
    case 400:
      return new PortalLinkError('invalid_request');
    case 401:
      return new PortalLinkError('unauthenticated');
    case 403:
      return new PortalLinkError('forbidden');
    case 404:
      return new PortalLinkError('organization_not_found');
    case 413:
      return new PortalLinkError('payload_too_large');
    case 429:
      return new PortalLinkError('rate_limited', { headers: { 'Retry-After': String(UPSTREAM_RETRY_AFTER_SECONDS) } });
    default:
      return new PortalLinkError('internal', { cause: error });
  }
}

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
export function fromUpstreamError(error: unknown): PortalLinkError {
  const e = shape(error);

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

function upstream(code: PortalLinkErrorCode, cause: unknown): PortalLinkError {
  return new PortalLinkError(code, { cause });
}

function upstreamRateLimited(cause: unknown): PortalLinkError {
  return new PortalLinkError('rate_limited', {
    cause,
    headers: { 'Retry-After': String(UPSTREAM_RETRY_AFTER_SECONDS) },
  });
}

// Whatever an error message might carry that must never reach a log: bearer tokens, portal links, secrets
// that found their way into a query string or a form body.
const REDACTIONS: Array<[RegExp, string]> = [
  [/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]'],
  [/https?:\/\/[^\s"']*\/magicLink\/[^\s"']*/gi, '[portal link redacted]'],
  [/(client_secret|access_token|token|secret|password)(["']?\s*[=:]\s*["']?)[^\s"'&,}]+/gi, '$1$2[redacted]'],
];

/** Redact anything secret-shaped from a string meant for a log line. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of REDACTIONS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * One log-safe line about an error: its class, code/status and redacted message, plus its cause's.
 * Never the object itself: an SDK error may hold request echoes.
 */
export function describeError(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return redact(String(error)).slice(0, 300);
  const e = shape(error);
  const facts: string[] = [];
  if (typeof e.grpcStatus === 'number') facts.push(`grpc=${e.grpcStatus}`);
  if (typeof e.response?.status === 'number') facts.push(`http=${e.response.status}`);
  if (typeof e.code === 'string' || typeof e.code === 'number') facts.push(`code=${String(e.code)}`);
  let line = `${error.name}${facts.length ? ` (${facts.join(' ')})` : ''}: ${redact(error.message).slice(0, 300)}`;
  if (error.cause !== undefined && depth < 2) line += ` <- ${describeError(error.cause, depth + 1)}`;
  return line;
}
