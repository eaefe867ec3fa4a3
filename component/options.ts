// Turns whatever a host passed (attribute text, property of any type) into values the element can use.
import { PORTAL_FEATURES, type PortalFeature } from './types.js';

export const DEFAULT_ENDPOINT = '/api/scalekit/portal-link';
export const DEFAULT_LOAD_TIMEOUT = 15_000;

/** Space-separated attribute text, or an array property, as a list. */
const toTokens = (value: unknown): unknown[] =>
  typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : Array.isArray(value) ? value : [];

/**
 * `"sso dir_sync"` or `['sso']` → known features, de-duplicated. Unknown tokens are dropped with a console
 * warning; nothing known left means "all the server allows" (the server's allow-list is the real boundary).
 */
export function toFeatures(value: unknown): PortalFeature[] {
  const tokens = toTokens(value);
  const known = PORTAL_FEATURES.filter((feature) => tokens.includes(feature));
  if (tokens.some((token) => !known.includes(token as PortalFeature))) {
    console.warn(`<scalekit-admin-portal>: ignored unknown features; known: ${PORTAL_FEATURES.join(', ')}`);
  }
  return known;
}

/** Milliseconds; anything that is not a positive finite number falls back to 15 000. */
export function toLoadTimeout(value: unknown): number {
  const ms = Number(value);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_LOAD_TIMEOUT;
}

/** An empty or blank endpoint means the default one. */
export function toEndpoint(value: unknown): string {
  return (typeof value === 'string' && value.trim()) || DEFAULT_ENDPOINT;
}

/**
 * `portal-origin` → the origins a portal link may point to, or null when it is not set (any http(s) link).
 * Each space-separated token must be an origin, `https://host[:port]` (a trailing `/` is tolerated); a token
 * with a path, a wildcard or no scheme is left out with a console error, so a mistyped value refuses links
 * instead of allowing every origin.
 */
export function toOrigins(value: unknown): string[] | null {
  if (value == null) return null;
  return toTokens(value).flatMap((token) => {
    try {
      const url = new URL(token as string);
      // href is origin + "/" exactly when there is no path, query, fragment or credentials; a scheme without
      // origins (javascript:, data:) has the origin "null". The URL parser would take `*` as a host letter.
      if (url.href === `${url.origin}/` && !/\*/.test(token as string)) return [url.origin];
    } catch {
      // not a URL at all
    }
    console.error(`<scalekit-admin-portal>: portal-origin ignores "${String(token)}": not an origin`);
    return [];
  });
}
