import type { FetchLink, PortalErrorCode, PortalFeature, PortalLink } from './types.js';

/** A failed link request, classified the way the element reports it (`scalekit-error`). */
export class LinkRequestError extends Error {
  constructor(
    readonly code: PortalErrorCode,
    readonly status?: number,
    /** Milliseconds the server asked us to wait (`Retry-After`), when it said so. */
    readonly retryAfterMs?: number,
  ) {
    super(code);
  }
  get retryable(): boolean {
    const { code, status = 0 } = this;
    return code === 'network' || code === 'rate_limited' || code === 'load_timeout' || status >= 500;
  }
}

/** Maps an HTTP status of the link request to the contract's error code. */
export function errorForStatus(status: number, retryAfter?: string | number | null): LinkRequestError {
  const code: PortalErrorCode =
    status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : status === 429 ? 'rate_limited' : 'link_request_failed';
  return new LinkRequestError(code, status, parseRetryAfter(retryAfter));
}

const MAX_RETRY_AFTER_MS = 60_000;

/** `Retry-After` as seconds or an HTTP date; anything else (or absent) gives undefined. Capped at a minute. */
export function parseRetryAfter(value: string | number | null | undefined, now = Date.now()): number | undefined {
  if (value == null || value === '') return undefined;
  const text = String(value).trim();
  // Seconds, or an HTTP date (which always starts with a day name).
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : /^[a-z]/i.test(text) ? Date.parse(text) - now : NaN;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

/**
 * Checks that a value is a link the element may load: string id, an http(s) location (no `javascript:` or
 * `data:`) and a parseable `expiresAt`. Throws `invalid_response` otherwise.
 */
export function toPortalLink(value: unknown): PortalLink {
  const link = value as Partial<PortalLink> | null;
  if (
    link && typeof link === 'object' && typeof link.id === 'string' && typeof link.location === 'string' &&
    typeof link.expiresAt === 'string' && !Number.isNaN(Date.parse(link.expiresAt))
  ) {
    try {
      if (/^https?:$/.test(new URL(link.location).protocol)) return { id: link.id, location: link.location, expiresAt: link.expiresAt };
    } catch {
      // not a URL: falls through to invalid_response
    }
  }
  throw new LinkRequestError('invalid_response');
}

/** The built-in request: `POST {endpoint}` with a JSON body, `{}` (server's default features) or `{ features }`. */
export async function requestLink(endpoint: string, features: PortalFeature[], signal: AbortSignal): Promise<PortalLink> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(features.length ? { features } : {}),
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new LinkRequestError('network');
  }
  if (!response.ok) throw errorForStatus(response.status, response.headers.get('retry-after'));
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    if (signal.aborted) throw error;
    throw new LinkRequestError('invalid_response', response.status);
  }
  return toPortalLink(body);
}

/** Runs the host's `fetchLink`, classifying what it throws: `{ status, retryAfter? }` as HTTP, anything else as `network`. */
export async function fetchWith(fetchLink: FetchLink, features: PortalFeature[], signal: AbortSignal): Promise<PortalLink> {
  let value: unknown;
  try {
    value = await fetchLink({ features: [...features], signal });
  } catch (error) {
    if (signal.aborted || error instanceof LinkRequestError) throw error;
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status <= 599) {
      throw errorForStatus(status, (error as { retryAfter?: string | number }).retryAfter);
    }
    throw new LinkRequestError('network');
  }
  return toPortalLink(value);
}
