// The element's events the demo pages listen to: every one of them, so the event log shows all the portal says.
// The names and their details are the package's own types.
import type { ScalekitAdminPortalEventName } from '../../component/index.js';

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
] as const satisfies readonly ScalekitAdminPortalEventName[];
