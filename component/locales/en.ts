// Every text <scalekit-admin-portal> shows or announces, in English: the built-in language, and the list of keys a
// translation (`scalekit-admin-portal/locales/<lang>`) or the `strings` property fills. `{name}` is replaced by a
// value; a translation keeps each placeholder of its key. No text ever includes a link, token or secret.
export const en = {
  /** Direction of the language's script, `ltr` or `rtl`: the element lays out its panels the same way. */
  dir: 'ltr',
  /** The iframe's accessible title (when `frame-title` is not set). */
  'frame.title': 'Admin portal',
  /** Announced (polite live region) while a link is requested. */
  'status.loading': 'Loading the admin portal…',
  /** Announced once the portal has loaded. */
  'status.ready': 'Admin portal ready.',
  /** The session-ended panel, also announced. */
  'status.expired': 'Your admin portal session has ended.',
  /** The warning banner when the end time is unknown, also announced. */
  'status.expiring': 'Your admin portal session ends soon.',
  /** The warning banner; `{time}`: the end, written as the language writes times (e.g. 14:05). */
  'status.expiring_at': 'Your admin portal session ends at {time}.',
  'button.renew': 'Renew now',
  'button.new_session': 'Start a new session',
  'button.retry': 'Retry',
  'error.unauthenticated': 'Your session has ended. Sign in again to manage these settings.',
  'error.forbidden': 'You do not have permission to manage these settings.',
  'error.rate_limited': 'Too many attempts. Wait a moment, then try again.',
  /** `{status}`: the HTTP status of the link request. */
  'error.link_request_failed': 'The admin portal could not be opened (the server answered {status}).',
  'error.network': 'The server could not be reached. Check your connection, then try again.',
  'error.invalid_response': 'The server did not return a usable admin portal link.',
  /** Code `invalid_response` when `portal-origin` refuses the link; `{origin}`: where the link points. */
  'error.portal_origin': 'The admin portal link points to {origin}, which portal-origin does not allow.',
  /** `{seconds}`: the load timeout; `{origin}`: this page's origin, which Scalekit must allow. */
  'error.load_timeout':
    'The admin portal did not load within {seconds} seconds. If it stays blank, add {origin} to the allowed redirect URIs in your Scalekit dashboard.',
  /** `{code}`: the portal's error code, e.g. ORG_DISABLED (PORTAL_LOAD_FAILURE when it gave none). */
  'error.portal_load_failure': 'The admin portal could not be loaded ({code}).',
};

/** A key of the element's texts, e.g. `error.unauthenticated`. */
export type MessageKey = keyof typeof en;

/** A full table of the element's texts; `strings` and partial translations take a `Partial` of it. */
export type ScalekitAdminPortalStrings = Record<MessageKey, string>;
