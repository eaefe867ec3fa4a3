/**
 * The portal page served at /magicLink/:id — the emulator's stand-in for Scalekit's admin portal.
 *
 * Stable hooks for tests and the demo (every control has an accessible name too):
 *   body[data-portal-state]     "ready" (a live session) or "expired" (dead link); body[data-session="expired"]
 *                               once the session timer ran out; body[data-framed] "true" | "false" | "refused"
 *   #portal-config              JSON configuration block read by the page script
 *   #session-banner             hidden until the warning (data-state="warning") or the end (data-state="expired")
 *   #expired-panel              the dead-link panel (only on an expired page)
 *   SSO (only when the link has `sso`):
 *     #sso-section              data-enabled="true|false"; #sso-status (data-state on|off)
 *     #sso-provider             <select>: okta, entra, google, saml, oidc (Okta, Microsoft Entra ID, Google
 *                               Workspace, generic SAML, generic OIDC); disabled while SSO is on
 *     #sso-enable, #sso-disable buttons "Enable SSO" / "Disable SSO" (one of them is hidden)
 *     #sso-error                role="alert"
 *   Directory sync (only when the link has `dir_sync`):
 *     #directory-section        data-enabled="true|false"; #dir-status (data-state on|off)
 *     #dir-provider             <select>: OKTA, MICROSOFT_AD, GOOGLE, ONELOGIN, JUMPCLOUD, PING_IDENTITY, CUSTOM
 *     #dir-endpoint, #dir-endpoint-copy   SCIM endpoint URL (read-only) and its Copy button
 *     #dir-token, #dir-token-copy, #dir-token-reveal   SCIM bearer token (masked), Copy, Show/Hide
 *     #dir-enable, #dir-disable "Enable directory sync" / "Disable directory sync"
 *     #dir-error                role="alert"
 *     #directory-idp            container where the simulated identity provider mounts; the page
 *                               dispatches `scalekit-emulator:directory-changed` on document after a toggle
 *   Domains (only when the link has `domain_verification`, which needs the organization's setting):
 *     #domain-section           the card; #domain-input (domain name), #domain-add "Add domain", #domain-error role="alert"
 *     #domain-list              one <li data-domain="acme.com" data-status="PENDING|VERIFIED|FAILED"> per domain with
 *                               .domain-status, the TXT record (input.domain-txt-name / .domain-txt-value, Copy
 *                               buttons), "Verify" (.domain-verify, hidden once verified) and "Delete" (.domain-delete)
 *   #portal-live                polite live region announcing outcomes ("Copied", "Directory sync enabled.")
 * The same ids are also exposed as data-testid attributes.
 */
import { accentTextColour } from '../branding.js';
import { PORTAL_SCRIPT } from './script.js';
import { DIRECTORY_PROVIDERS, SSO_CHOICES, type DirectoryRecord, type SsoConnection } from '../state.js';
import type { EmulatorBranding, EmulatorFeature } from '../types.js';
import type { portalDomainView } from './domain-view.js';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** JSON safe inside <script type="application/json">: no `</script>` or `<!--` can end the block. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const STYLE = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --text: #1c2024; --muted: #5b6270; --line: #e2e5ea;
  --accent: #3b5bdb; --accent-text: #fff; --ok-bg: #e6f4ea; --ok: #1e6b34; --off-bg: #f1f2f4; --danger: #b42318;
  --warn-bg: #fff4e5; --warn: #8a4b00; --field: #fff; --field-line: #c9ced6; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #111317; --card: #1a1d23; --text: #e7e9ee; --muted: #9aa1ad; --line: #2c313a; --accent: #748ffc;
    --accent-text: #0b0d12; --ok-bg: #183b26; --ok: #8fe0a8; --off-bg: #262a31; --danger: #ff8a80; --warn-bg: #3a2a10;
    --warn: #ffc46b; --field: #12151a; --field-line: #3a404b; }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--text); line-height: 1.45;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 16px 24px;
  background: var(--card); border-bottom: 1px solid var(--line); }
header .brand { display: flex; align-items: center; gap: 10px; }
header .logo-img { height: 28px; max-width: 160px; object-fit: contain; display: block; }
header .logo { width: 28px; height: 28px; border-radius: 7px; background: var(--accent); color: var(--accent-text);
  display: grid; place-items: center; font-weight: 700; }
header h1 { font-size: 16px; margin: 0; }
header .org { color: var(--muted); font-size: 13px; }
header .session { color: var(--muted); font-size: 13px; }
main { max-width: 880px; margin: 0 auto; padding: 20px 24px 32px; display: grid; grid-template-columns: minmax(0, 1fr); gap: 16px; }
.banner { border-radius: 8px; padding: 10px 14px; background: var(--warn-bg); color: var(--warn); }
.banner[data-state="expired"] { background: var(--off-bg); color: var(--text); border: 1px solid var(--line); }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 20px; }
.card-head { display: flex; align-items: flex-start; justify-content: space-between; gap: 12px; margin-bottom: 12px; }
.card h2 { font-size: 16px; margin: 0 0 2px; }
.card p.hint { margin: 0; color: var(--muted); font-size: 13px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 600;
  background: var(--off-bg); color: var(--muted); white-space: nowrap; }
.badge[data-state="on"] { background: var(--ok-bg); color: var(--ok); }
.field { display: grid; grid-template-columns: minmax(0, 1fr); gap: 4px; margin: 12px 0; }
.field label, .field .label { font-size: 12px; font-weight: 600; color: var(--muted); }
.row { display: flex; gap: 8px; align-items: center; }
select, input { font: inherit; color: var(--text); background: var(--field); border: 1px solid var(--field-line);
  border-radius: 6px; padding: 7px 9px; min-width: 0; }
select { min-width: min(260px, 100%); }
input[readonly] { flex: 1; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
button { font: inherit; border-radius: 6px; padding: 7px 12px; border: 1px solid var(--field-line); background: var(--card);
  color: var(--text); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); font-weight: 600; }
button.danger { color: var(--danger); }
button:disabled, select:disabled { opacity: .55; cursor: not-allowed; }
button:focus-visible, select:focus-visible, input:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.actions { display: flex; gap: 8px; margin-top: 16px; }
dl.sp { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 8px 0 0; font-size: 13px; }
dl.sp dt { color: var(--muted); }
dl.sp dd { margin: 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; word-break: break-all; }
[role="alert"] { color: var(--danger); font-size: 13px; margin: 8px 0 0; min-height: 1em; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { text-align: center; color: var(--muted); font-size: 12px; padding: 0 0 24px; }
/* The simulated IdP panel brings light-only colours; re-tint it with this page's palette. */
#directory-idp .idp { border-color: var(--line); }
#directory-idp .idp label, #directory-idp .idp th, #directory-idp .idp h4, #directory-idp .idp p.idp-hint { color: var(--muted); }
#directory-idp .idp [role="status"] { color: var(--text); }
#directory-idp .idp input[type=text], #directory-idp .idp input[type=email] { background: var(--field); color: var(--text);
  border-color: var(--field-line); }
#directory-idp .idp button:not(.idp-primary) { background: var(--card); color: var(--text); border-color: var(--field-line); }
#directory-idp .idp button.idp-danger { color: var(--danger); }
#directory-idp .idp button.idp-primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
#directory-idp .idp th, #directory-idp .idp td { border-color: var(--line); }
#directory-idp .idp .idp-badge { background: var(--ok-bg); color: var(--ok); }
#directory-idp .idp .idp-badge[data-active="false"] { background: var(--off-bg); color: var(--muted); }
ul.domains { list-style: none; margin: 8px 0 0; padding: 0; display: grid; gap: 10px; }
ul.domains li { border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
ul.domains .domain-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
ul.domains .domain-name { font-weight: 600; word-break: break-all; }
ul.domains .badge[data-state="failed"] { color: var(--danger); }
.expired { max-width: 520px; margin: 12vh auto; text-align: center; border-top: 4px solid var(--accent); padding-top: 16px; }
.expired h1 { font-size: 20px; margin: 0 0 8px; }
.expired p { color: var(--muted); margin: 0; }
`;

function ids(id: string): string {
  return `id="${id}" data-testid="${id}"`;
}

/** Comes after STYLE, so it overrides both colour schemes: a brand colour is one colour, whatever the theme. */
function brandingStyle(branding: EmulatorBranding): string {
  if (!branding.accentColor) return '';
  return `\n:root { --accent: ${branding.accentColor}; --accent-text: ${accentTextColour(branding.accentColor)}; }`;
}

function favicon(branding: EmulatorBranding): string {
  return branding.faviconUrl ? `<link rel="icon" ${ids('brand-favicon')} href="${escapeHtml(branding.faviconUrl)}">` : '';
}

/** The brand mark: the configured logo, else a tile with the organization's initial in the accent colour. */
function brandMark(branding: EmulatorBranding, initial: string): string {
  return branding.logoUrl
    ? `<img class="logo-img" ${ids('brand-logo')} src="${escapeHtml(branding.logoUrl)}" alt="" referrerpolicy="no-referrer">`
    : `<div class="logo" aria-hidden="true">${escapeHtml(initial)}</div>`;
}

function layout(opts: {
  nonce: string;
  title: string;
  state: 'ready' | 'expired';
  config: unknown;
  content: string;
  branding: EmulatorBranding;
}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(opts.title)}</title>
${favicon(opts.branding)}
<style nonce="${opts.nonce}">${STYLE}${brandingStyle(opts.branding)}</style>
</head>
<body data-portal-state="${opts.state}" data-framed="unknown">
<div ${ids('portal-live')} class="sr-only" aria-live="polite" role="status"></div>
${opts.content}
<script type="application/json" ${ids('portal-config')}>${scriptJson(opts.config)}</script>
<script nonce="${opts.nonce}">${PORTAL_SCRIPT}</script>
</body>
</html>`;
}

export interface PortalPageInput {
  nonce: string;
  organizationId: string;
  organizationName: string;
  features: EmulatorFeature[];
  sessionToken: string;
  remainingMs: number;
  warningMs: number;
  allowedOriginPatterns: string[];
  apiBase: string;
  sso: SsoConnection | null;
  directory: DirectoryRecord | null;
  /** The organization's domains, when the link has `domain_verification`; null hides the section. */
  domains?: ReturnType<typeof portalDomainView>[] | null;
  /** Where the domain section's API lives (`/portal/domains`, behind a proxy's prefix). */
  domainApiBase?: string;
  /** Environment URL, for the service-provider details the SSO section shows. */
  environmentUrl: string;
  /** Extra markup inside #directory-idp (the simulated identity provider). */
  directoryPanel?: string;
  branding: EmulatorBranding;
}

function ssoSection(input: PortalPageInput): string {
  const choice = input.sso?.choice ?? 'okta';
  const options = Object.entries(SSO_CHOICES)
    .map(([value, c]) => `<option value="${value}"${value === choice ? ' selected' : ''}>${escapeHtml(c.label)}</option>`)
    .join('');
  const env = escapeHtml(input.environmentUrl);
  return `
<section class="card" ${ids('sso-section')} aria-labelledby="sso-title" data-enabled="false">
  <div class="card-head">
    <div>
      <h2 id="sso-title">Single sign-on (SSO)</h2>
      <p class="hint">Let your members sign in through your company's identity provider.</p>
    </div>
    <span class="badge" ${ids('sso-status')} data-state="off">Not configured</span>
  </div>
  <div class="field">
    <label for="sso-provider">Identity provider</label>
    <select ${ids('sso-provider')} name="provider">${options}</select>
  </div>
  <div class="field">
    <span class="label">Service provider details <span class="badge" ${ids('sso-protocol')}>SAML</span></span>
    <dl class="sp" ${ids('sso-sp-saml')}>
      <dt>ACS URL</dt><dd>${env}/sso/v1/saml/acs</dd>
      <dt>SP entity ID</dt><dd>${env}/sso/v1/saml/metadata</dd>
    </dl>
    <dl class="sp" ${ids('sso-sp-oidc')} hidden>
      <dt>Redirect URI</dt><dd>${env}/sso/v1/oidc/callback</dd>
    </dl>
  </div>
  <div class="actions">
    <button type="button" class="primary" ${ids('sso-enable')}>Enable SSO</button>
    <button type="button" class="danger" ${ids('sso-disable')} hidden>Disable SSO</button>
  </div>
  <p role="alert" ${ids('sso-error')}></p>
</section>`;
}

function directorySection(input: PortalPageInput): string {
  const directory = input.directory!;
  const options = Object.entries(DIRECTORY_PROVIDERS)
    .map(([value, label]) => `<option value="${value}"${value === directory.provider ? ' selected' : ''}>${escapeHtml(label)}</option>`)
    .join('');
  return `
<section class="card" ${ids('directory-section')} aria-labelledby="dir-title" data-enabled="false">
  <div class="card-head">
    <div>
      <h2 id="dir-title">Directory sync (SCIM)</h2>
      <p class="hint">Provision and deprovision members automatically from your directory.</p>
    </div>
    <span class="badge" ${ids('dir-status')} data-state="off">Disabled</span>
  </div>
  <div class="field">
    <label for="dir-provider">Directory provider</label>
    <select ${ids('dir-provider')} name="provider">${options}</select>
  </div>
  <div class="field">
    <label for="dir-endpoint">SCIM endpoint URL</label>
    <div class="row">
      <input ${ids('dir-endpoint')} readonly value="${escapeHtml(directory.endpoint)}" data-label="SCIM endpoint URL">
      <button type="button" ${ids('dir-endpoint-copy')} data-copy="dir-endpoint" data-keep aria-label="Copy SCIM endpoint URL">Copy</button>
    </div>
  </div>
  <div class="field">
    <label for="dir-token">Bearer token</label>
    <div class="row">
      <input ${ids('dir-token')} type="password" readonly value="${escapeHtml(directory.bearerToken)}" data-label="Bearer token" autocomplete="off">
      <button type="button" ${ids('dir-token-reveal')} data-keep aria-pressed="false" aria-label="Show bearer token">Show</button>
      <button type="button" ${ids('dir-token-copy')} data-copy="dir-token" data-keep aria-label="Copy bearer token">Copy</button>
    </div>
  </div>
  <div class="actions">
    <button type="button" class="primary" ${ids('dir-enable')}>Enable directory sync</button>
    <button type="button" class="danger" ${ids('dir-disable')} hidden>Disable directory sync</button>
  </div>
  <p role="alert" ${ids('dir-error')}></p>
  <div ${ids('directory-idp')}>${input.directoryPanel ?? ''}</div>
</section>`;
}

function domainSection(): string {
  return `
<section class="card" ${ids('domain-section')} aria-labelledby="domain-title">
  <div class="card-head">
    <div>
      <h2 id="domain-title">Domains</h2>
      <p class="hint">Prove that your organization owns its email domains: members who sign in with them are sent to your identity provider.</p>
    </div>
  </div>
  <div class="field">
    <label for="domain-input">Domain</label>
    <div class="row">
      <input ${ids('domain-input')} name="domain" placeholder="acme.com" autocomplete="off" spellcheck="false" maxlength="253">
      <button type="button" class="primary" ${ids('domain-add')}>Add domain</button>
    </div>
  </div>
  <p role="alert" ${ids('domain-error')}></p>
  <ul class="domains" ${ids('domain-list')} aria-label="Domains"></ul>
</section>`;
}

export function renderPortalPage(input: PortalPageInput): string {
  const config = {
    state: 'ready',
    organizationId: input.organizationId,
    features: input.features,
    sessionToken: input.sessionToken,
    remainingMs: input.remainingMs,
    warningMs: input.warningMs,
    allowedOriginPatterns: input.allowedOriginPatterns,
    apiBase: input.apiBase,
    ssoChoices: SSO_CHOICES,
    sso: input.sso,
    directory: input.directory,
    domains: input.domains ?? null,
    domainApiBase: input.domainApiBase ?? '/portal/domains',
  };
  const content = `
<header>
  <div class="brand">
    ${brandMark(input.branding, input.organizationName.trim().charAt(0).toUpperCase() || 'A')}
    <div>
      <h1>Admin portal</h1>
      <div class="org" ${ids('organization-name')}>${escapeHtml(input.organizationName)}</div>
    </div>
  </div>
  <div class="session">Session ends at <time ${ids('session-expiry')}></time></div>
</header>
<main>
  <div class="banner" ${ids('session-banner')} hidden><span id="session-banner-text"></span></div>
  ${input.features.includes('sso') ? ssoSection(input) : ''}
  ${input.features.includes('dir_sync') && input.directory ? directorySection(input) : ''}
  ${input.features.includes('domain_verification') && input.domains ? domainSection() : ''}
</main>
<footer>Scalekit emulator · a local stand-in for the Scalekit admin portal</footer>`;
  return layout({ nonce: input.nonce, title: `Admin portal · ${input.organizationName}`, state: 'ready', config, content, branding: input.branding });
}

export function renderExpiredPage(input: {
  nonce: string;
  organizationId: string | null;
  allowedOriginPatterns: string[];
  branding: EmulatorBranding;
}): string {
  const config = { state: 'expired', organizationId: input.organizationId, allowedOriginPatterns: input.allowedOriginPatterns };
  const content = `
<header>
  <div class="brand">
    ${brandMark(input.branding, 'A')}
    <strong>Admin portal</strong>
  </div>
</header>
<main>
  <div class="expired" ${ids('expired-panel')} role="alert">
    <h1>This link has expired</h1>
    <p>Admin portal links work once and only for a short time. Go back to the app to open a new session.</p>
  </div>
</main>`;
  return layout({ nonce: input.nonce, title: 'Admin portal · link expired', state: 'expired', config, content, branding: input.branding });
}
