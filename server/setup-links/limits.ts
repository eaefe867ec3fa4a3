// The setup links' limits, in a module of their own so that a host's configuration code can check its values
// without loading the routes.

/** How long a setup link lasts: 7 days unless the host says otherwise, between 1 minute and 30 days. */
export const SETUP_LINK_TTL = { defaultMs: 7 * 24 * 60 * 60 * 1000, minMs: 60 * 1000, maxMs: 30 * 24 * 60 * 60 * 1000 } as const;

/** Notes longer than this are refused (400). */
export const MAX_NOTE_LENGTH = 200;
