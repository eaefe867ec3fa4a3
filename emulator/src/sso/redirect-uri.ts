// Where a sign-in may send the browser back to. Only an http(s) URL on an allowed origin: anything else
// (javascript:, data:, another site, credentials in the URL) is never redirected to, so the emulator cannot
// be used as an open redirector or to hand a code to a page that is not the app's.
import { originMatcher } from '../origins.js';

export const MAX_REDIRECT_URI_LENGTH = 2048;

export type RedirectCheck = { ok: true; url: URL } | { ok: false; reason: string };

export function redirectUriChecker(allowedOrigins: readonly string[]): (value: string | undefined) => RedirectCheck {
  const allowed = originMatcher(allowedOrigins);
  return (value) => {
    if (value === undefined || value === '') return { ok: false, reason: 'redirect_uri is required' };
    if (value.length > MAX_REDIRECT_URI_LENGTH) return { ok: false, reason: 'redirect_uri is too long' };
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return { ok: false, reason: 'redirect_uri is not an absolute URL' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'redirect_uri must be an http or https URL' };
    if (url.username || url.password) return { ok: false, reason: 'redirect_uri must not carry credentials' };
    if (url.hash || value.includes('#')) return { ok: false, reason: 'redirect_uri must not have a fragment' };
    if (!allowed(url.origin)) {
      return { ok: false, reason: 'redirect_uri is not on an allowed origin (start the emulator with its origin in allowedOrigins)' };
    }
    return { ok: true, url };
  };
}

/** `redirectUri` with `params` added to its query (its own query is kept, as RFC 6749 section 3.1.2 asks). */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  return url.href;
}
