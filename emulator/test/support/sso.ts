// Test helpers for SSO sign-in on the emulator, without a browser: turn SSO on as the organization's admin does
// (through the portal page's API), read the IdP page the way a person sees it, and press its buttons.
import assert from 'node:assert/strict';
import type { Emulator } from '../../src/index.js';
import { portalApi, portalSession } from './portal-api.js';

export type SsoProvider = 'okta' | 'entra' | 'google' | 'saml' | 'oidc';

/** Turns SSO on (or off) for an organization, as its admin does in the portal. */
export async function setSso(emulator: Emulator, organizationId: string, enabled: boolean, provider: SsoProvider = 'okta'): Promise<void> {
  await portalApi(emulator, await portalSession(emulator, organizationId), 'sso', { provider, enabled });
}

export interface IdpPage {
  status: number;
  html: string;
  /** The pending request the page's form carries. */
  requestId: string | null;
  /** The people buttons: directory user id → the button's text. */
  people: Map<string, string>;
  /** The form's action, absolute. */
  action: string | null;
  /** The emulator's IdP session cookie, if one came with the page. */
  cookie: string | null;
  location: string | null;
}

const decodeEntities = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

export function readIdpPage(response: Response, html: string, base: string): IdpPage {
  const people = new Map<string, string>();
  for (const match of html.matchAll(/<button type="submit" class="person" name="user" value="([^"]*)"[^>]*>([\s\S]*?)<\/button>/g)) {
    people.set(decodeEntities(match[1]!), decodeEntities(match[2]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()));
  }
  const action = /<form id="idp-form" method="post" action="([^"]*)"/.exec(html)?.[1];
  return {
    status: response.status,
    html,
    requestId: /name="request" value="([^"]*)"/.exec(html)?.[1] ?? null,
    people,
    action: action === undefined ? null : new URL(decodeEntities(action), base).href,
    cookie: cookieOf(response),
    location: response.headers.get('location'),
  };
}

function cookieOf(response: Response): string | null {
  const header = response.headers.getSetCookie().find((c) => c.startsWith('scalekit_emulator_idp='));
  return header ? header.split(';')[0]! : null;
}

/** GET a sign-in URL (authorize or the IdP's own page) without following redirects. */
export async function openIdp(url: string, cookie?: string | null): Promise<IdpPage> {
  const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return readIdpPage(response, await response.text(), url);
}

/** Presses a button on the IdP page: a person (`{ user }`) or a failure scenario. Returns the redirect. */
export async function pressIdp(page: IdpPage, choice: { user: string } | { scenario: string }, cookie?: string | null): Promise<{ status: number; location: URL | null; cookie: string | null; html: string }> {
  assert.ok(page.action && page.requestId, `not an IdP sign-in page (${page.status}):\n${page.html.slice(0, 500)}`);
  const body = new URLSearchParams({ request: page.requestId, ...choice });
  const response = await fetch(page.action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...((cookie ?? page.cookie) ? { cookie: (cookie ?? page.cookie)! } : {}) },
    body,
  });
  const location = response.headers.get('location');
  return { status: response.status, location: location ? new URL(location) : null, cookie: cookieOf(response), html: await response.text() };
}

/** The directory user id whose button text holds `email`. */
export function personId(page: IdpPage, email: string): string {
  for (const [id, text] of page.people) if (text.includes(email)) return id;
  assert.fail(`${email} is not on the IdP page; it lists ${[...page.people.values()].join(' | ')}`);
}
