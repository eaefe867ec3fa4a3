// Turns whatever a host passed (attribute text, property of any type) into values the element can use.
import { PORTAL_FEATURES, type PortalFeature } from './types.js';

export const DEFAULT_ENDPOINT = '/api/scalekit/portal-link';
export const DEFAULT_LOAD_TIMEOUT = 15_000;

/**
 * `"sso dir_sync"` or `['sso']` → known features, de-duplicated. Unknown tokens are dropped with a console
 * warning; nothing known left means "all the server allows" (the server's allow-list is the real boundary).
 */
export function toFeatures(value: unknown): PortalFeature[] {
  const tokens: unknown[] = typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : Array.isArray(value) ? value : [];
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
