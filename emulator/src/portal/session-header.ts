/** The header the portal page's script sends its session token in, on every portal API call. */
export const SESSION_HEADER = 'x-portal-session';
