/** A section of the admin portal a link can be scoped to. */
export type PortalFeature = 'sso' | 'dir_sync';

/** A freshly minted, single-use portal link, as the token endpoint returns it. */
export interface PortalLink {
  id: string;
  /** The portal page to put in the iframe; its origin is the only origin whose messages are trusted. */
  location: string;
  /** ISO 8601: after this the link can no longer be loaded. */
  expiresAt: string;
}

/** Replaces the built-in `POST {endpoint}` request. Reject with `{ status, retryAfter? }` to report an HTTP status. */
export type FetchLink = (init: { features: PortalFeature[]; signal: AbortSignal }) => Promise<PortalLink>;

export type PortalStatus = 'idle' | 'loading' | 'ready' | 'expired' | 'error';

export type PortalErrorCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'rate_limited'
  | 'link_request_failed'
  | 'network'
  | 'invalid_response'
  | 'load_timeout'
  | 'portal_load_failure';

/** A message the portal posts to its parent (Scalekit "Admin portal UI events"). */
export interface PortalMessage {
  event_type: string;
  object?: string;
  organization_id?: string;
  message?: string;
  data?: Record<string, unknown>;
}

export const PORTAL_FEATURES: readonly PortalFeature[] = ['sso', 'dir_sync'];
