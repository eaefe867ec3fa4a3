// The slice of the <scalekit-admin-portal> public API (attributes, events) this host page relies on.
// Kept structural so the demo reads like any host app that only knows the documented surface.

export type PortalStatus = 'idle' | 'loading' | 'ready' | 'expired' | 'error';

export interface PortalElement extends HTMLElement {
  readonly status: PortalStatus;
  readonly expiresAt: Date | null;
  refresh(): Promise<void>;
}

export interface PortalErrorDetail {
  code: string;
  message: string;
  status?: number;
  retryable: boolean;
}

export interface PortalChangeDetail {
  organizationId: string | null;
  data: Record<string, unknown>;
}

/** Every event the element dispatches; the demo logs them all. */
export const PORTAL_EVENTS = [
  'scalekit-loading',
  'scalekit-ready',
  'scalekit-error',
  'scalekit-session-warning',
  'scalekit-session-expired',
  'scalekit-sso-enabled',
  'scalekit-sso-disabled',
  'scalekit-directory-enabled',
  'scalekit-directory-disabled',
  'scalekit-portal-message',
] as const;

export type PortalEventName = (typeof PORTAL_EVENTS)[number];
