import type { PortalErrorCode, PortalMessage } from './types.js';

export interface LoadingDetail {
  /** 1 for the first request, 2..4 for retries. */
  attempt: number;
}
export interface ReadyDetail {
  organizationId: string | null;
  expiresAt: string;
}
export interface ErrorDetail {
  code: PortalErrorCode;
  /** Plain language, safe to show; never contains a link, token or secret. */
  message: string;
  /** The HTTP status of the link request, when there was one. */
  status?: number;
  /** Whether trying again later may succeed (network, 5xx, 429, load_timeout). */
  retryable: boolean;
}
export interface SessionWarningDetail {
  expiresAt: string;
}
export interface SessionExpiredDetail {
  expiresAt: string | null;
}
export interface ConfigurationDetail {
  organizationId: string | null;
  data: Record<string, unknown>;
}

/** Every event `<scalekit-admin-portal>` dispatches, by name. */
export interface ScalekitAdminPortalEventMap {
  'scalekit-loading': CustomEvent<LoadingDetail>;
  'scalekit-ready': CustomEvent<ReadyDetail>;
  'scalekit-error': CustomEvent<ErrorDetail>;
  'scalekit-session-warning': CustomEvent<SessionWarningDetail>;
  'scalekit-session-expired': CustomEvent<SessionExpiredDetail>;
  'scalekit-sso-enabled': CustomEvent<ConfigurationDetail>;
  'scalekit-sso-disabled': CustomEvent<ConfigurationDetail>;
  'scalekit-directory-enabled': CustomEvent<ConfigurationDetail>;
  'scalekit-directory-disabled': CustomEvent<ConfigurationDetail>;
  'scalekit-portal-message': CustomEvent<PortalMessage>;
}

export type ScalekitAdminPortalEventName = keyof ScalekitAdminPortalEventMap;

type DetailOf<K extends ScalekitAdminPortalEventName> =
  ScalekitAdminPortalEventMap[K] extends CustomEvent<infer D> ? D : never;

/** Creates one of the element's events: bubbling and composed, cancelable only where there is a default to prevent. */
export function portalEvent<K extends ScalekitAdminPortalEventName>(
  name: K,
  detail: DetailOf<K>,
  cancelable = false,
): CustomEvent<DetailOf<K>> {
  return new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable });
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends ScalekitAdminPortalEventMap {}
}
