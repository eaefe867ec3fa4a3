// Plain-language texts the element shows and announces. None ever includes a link, token or secret.
import type { PortalErrorCode } from './types.js';

export function errorMessage(code: PortalErrorCode, status?: number, detail?: string | number): string {
  switch (code) {
    case 'unauthenticated':
      return 'Your session has ended. Sign in again to manage these settings.';
    case 'forbidden':
      return 'You do not have permission to manage these settings.';
    case 'rate_limited':
      return 'Too many attempts. Wait a moment, then try again.';
    case 'network':
      return 'The server could not be reached. Check your connection, then try again.';
    case 'invalid_response':
      return 'The server did not return a usable admin portal link.';
    case 'load_timeout':
      return `The admin portal did not load within ${Math.round(Number(detail) / 100) / 10} seconds. If it stays blank, ` +
        `add ${location.origin} to the allowed redirect URIs in your Scalekit dashboard.`;
    case 'portal_load_failure':
      return `The admin portal could not be loaded${detail ? ` (${detail})` : ''}.`;
    default:
      return `The admin portal could not be opened (the server answered ${status ?? 'with an error'}).`;
  }
}

/** What the polite live region says when the status changes. */
export const announcements: Record<string, string> = {
  loading: 'Loading the admin portal…',
  ready: 'Admin portal ready.',
  expired: 'Your admin portal session has ended.',
  warning: 'Your admin portal session ends soon.',
};
