// The answers every SSO route shares: the IdP's HTML pages with their CSP, redirects that carry a code or an
// error back to the app, and the JSON 405 for a method a route does not take.
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { renderMessagePage } from './idp-page.js';
import { redirectWith } from './redirect-uri.js';

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Headers of every IdP page and redirect. `formTargets` are the origins a form on the page may post to or be
 * redirected to (form-action covers redirects after a submission too).
 */
export function pageHeaders(c: Context, nonce: string, formTargets: readonly string[] = []): void {
  c.header(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      `style-src 'nonce-${nonce}'`,
      `form-action ${["'self'", ...formTargets].join(' ')}`,
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  c.header('Cache-Control', 'no-store');
  c.header('X-Content-Type-Options', 'nosniff');
  // The authorize URL carries state and nonce: never let it travel to the app (or elsewhere) as a Referer.
  c.header('Referrer-Policy', 'same-origin');
}

/** The emulator's own HTML page for a request it will not send back to any app. */
export function refusalPage(c: Context, status: 400 | 403 | 404, title: string, message: string): Response {
  const nonce = newNonce();
  pageHeaders(c, nonce);
  return c.html(renderMessagePage(nonce, title, message), status);
}

/** Sends the browser back to the app (302 after a GET, 303 after the IdP page's POST). */
export function redirectToApp(c: Context, redirectUri: string, params: Record<string, string | undefined>): Response {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'same-origin');
  return c.redirect(redirectWith(redirectUri, params), c.req.method === 'POST' ? 303 : 302);
}

/** RFC 6749 section 4.1.2.1: the error goes back to the app's redirect URI with the request's state. */
export function redirectError(c: Context, redirectUri: string, error: string, description: string, state: string | undefined): Response {
  return redirectToApp(c, redirectUri, { error, error_description: description, state });
}

/** What the emulator's unknown routes answer, for a path it serves with another method. */
export function methodNotAllowed(allow: string, path: string) {
  return (c: Context) => {
    c.header('Allow', allow);
    return c.json({ error: { code: 'method_not_allowed', message: `the emulator serves ${allow} ${path}, not ${c.req.method.replace(/[^A-Z]/gi, '?').slice(0, 16)}` } }, 405);
  };
}
