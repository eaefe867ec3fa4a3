/**
 * The simulated identity provider's pages: the sign-in page a person sees after /oauth/authorize (or opens
 * directly for an IdP-initiated sign-in), and the plain pages for refusals and signing out. No script, no
 * external resource: a CSP nonce covers the one style block.
 *
 * Stable hooks for tests (every control also has an accessible name):
 *   form#idp-form                the choice; posts `request` (hidden) and the pressed button's `user` or `scenario`
 *   button[name=user]            one per person, value = directory user id, text = the email (+ "deactivated")
 *   button[name=scenario]        value `idp_error` or `expired_assertion` (error scenarios), `cancel`
 *   body[data-idp-page]          "sign-in", "message"
 */
import { escapeHtml } from '../portal/page.js';
import type { DirectoryUser } from '../directory/directory-state.js';

const STYLE = `
:root { color-scheme: light dark; --bg: #eef1f5; --card: #fff; --text: #1c2024; --muted: #596070; --line: #dde1e7;
  --accent: #1f4fd1; --accent-text: #fff; --warn: #8a4b00; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #111317; --card: #1a1d23; --text: #e7e9ee; --muted: #a0a7b3; --line: #2c313a; --accent: #8aa2ff;
    --accent-text: #0b0d12; --warn: #ffc46b; }
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: start center; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { width: min(440px, 100% - 32px); margin: 48px 0; background: var(--card); border: 1px solid var(--line);
  border-radius: 12px; padding: 28px; }
.idp { font-size: 13px; font-weight: 600; letter-spacing: .02em; color: var(--muted); margin: 0 0 8px; }
h1 { font-size: 20px; margin: 0 0 4px; }
p { margin: 0 0 12px; }
.muted { color: var(--muted); font-size: 13px; }
ul { list-style: none; padding: 0; margin: 16px 0; display: grid; gap: 8px; }
button { font: inherit; width: 100%; text-align: left; padding: 10px 14px; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--line); background: var(--card); color: var(--text); }
button.person { border-color: var(--accent); }
button.person .email { display: block; font-weight: 600; overflow-wrap: anywhere; }
button.person .name, button .note { display: block; font-size: 13px; color: var(--muted); }
button.person[data-active="false"] { border-style: dashed; border-color: var(--line); }
button.person[data-active="false"] .note { color: var(--warn); }
button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
details { margin-top: 20px; border-top: 1px solid var(--line); padding-top: 12px; }
summary { cursor: pointer; color: var(--muted); font-size: 14px; }
`;

function page(nonce: string, kind: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body data-idp-page="${kind}">
<main>
${body}
</main>
</body>
</html>`;
}

export interface SignInPageInput {
  nonce: string;
  /** Where the form posts (the emulator's own path, with any `publicUrl` prefix). */
  action: string;
  requestId: string;
  /** "Okta (simulated)". */
  providerLabel: string;
  connectionType: 'SAML' | 'OIDC';
  organizationName: string;
  /** The app the person is signing in to (the redirect URI's origin). */
  appOrigin: string;
  users: readonly DirectoryUser[];
  /** The person this browser's IdP session holds for the connection, if any. */
  signedInUserId: string | null;
  /** IdP-initiated: the buttons open the app as the person. */
  idpInitiated: boolean;
}

function personButton(user: DirectoryUser, signedIn: boolean, idpInitiated: boolean): string {
  const notes = [!user.active && 'Deactivated in the directory', signedIn && 'Signed in on this IdP'].filter(Boolean) as string[];
  const label = idpInitiated ? `Open the app as ${user.email}` : `Sign in as ${user.email}`;
  return `<li><button type="submit" class="person" name="user" value="${escapeHtml(user.id)}" data-active="${user.active}"
 aria-label="${escapeHtml(label + (notes.length ? ` (${notes.join(', ').toLowerCase()})` : ''))}">
<span class="email">${escapeHtml(user.email)}</span>${user.name ? `<span class="name">${escapeHtml(user.name)}</span>` : ''}${
    notes.map((note) => `<span class="note">${escapeHtml(note)}</span>`).join('')
  }</button></li>`;
}

export function renderSignInPage(input: SignInPageInput): string {
  const protocol = input.connectionType === 'SAML' ? 'SAML 2.0' : 'OpenID Connect';
  const people = input.users.length
    ? `<ul aria-label="People in the directory">${input.users.map((u) => personButton(u, u.id === input.signedInUserId, input.idpInitiated)).join('\n')}</ul>`
    : `<p role="status">Nobody is in ${escapeHtml(input.organizationName)}'s directory yet. Add people with
 <code>emulator.directory.addUser()</code> or the portal's directory section, then reload this page.</p>`;
  const scenarios = input.idpInitiated
    ? ''
    : `<details>
<summary>Simulate a failure</summary>
<ul aria-label="Failure scenarios">
<li><button type="submit" name="scenario" value="idp_error">The identity provider answers with an error</button></li>
<li><button type="submit" name="scenario" value="expired_assertion">The ${input.connectionType === 'SAML' ? 'SAML assertion' : 'ID token'} has expired</button></li>
</ul>
</details>
<ul><li><button type="submit" name="scenario" value="cancel">Cancel and go back to the app</button></li></ul>`;
  const heading = input.idpInitiated ? `Open an app as someone from ${input.organizationName}` : `Sign in to continue`;
  return page(
    input.nonce,
    'sign-in',
    `${input.providerLabel} – sign in`,
    `<p class="idp">${escapeHtml(input.providerLabel)} · ${protocol}</p>
<h1>${escapeHtml(heading)}</h1>
<p class="muted">${escapeHtml(input.organizationName)} · for ${escapeHtml(input.appOrigin)}</p>
<form id="idp-form" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="request" value="${escapeHtml(input.requestId)}">
${people}
${scenarios}
</form>
<p class="muted">A simulated identity provider run by the Scalekit emulator: no password is asked.</p>`,
  );
}

/** A refusal (`alert`) or a plain notice such as "signed out". */
export function renderMessagePage(nonce: string, title: string, message: string, alert = true): string {
  return page(
    nonce,
    'message',
    title,
    `<p class="idp">Scalekit emulator</p>\n<h1>${escapeHtml(title)}</h1>\n<p role="${alert ? 'alert' : 'status'}">${escapeHtml(message)}</p>`,
  );
}
