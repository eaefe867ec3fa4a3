// Northwind "Settings › Security": a host app embedding <scalekit-admin-portal> the way a customer would.
// Query parameters (for trying things out and for the e2e tests):
//   ?loadTimeout=<ms>  passed to the element's load-timeout, 500–600000 (default: the element's own, 15 s)
import '../../component/index.js';
import { DemoApiError, getConfiguration, getSession, signIn, signOut, type DemoOrganization, type DemoSession } from './api.js';
import { createBadges, type Capability } from './badges.js';
import { createEventLog } from './event-log.js';
import { shortTime, statusText } from './labels.js';
import { createMembersPanel } from './members-panel.js';
import type {
  ConfigurationDetail as PortalChangeDetail,
  ErrorDetail as PortalErrorDetail,
  ScalekitAdminPortal as PortalElement,
} from '../../component/index.js';
import { PORTAL_EVENTS } from './portal-events.js';

const $ = <T extends HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo markup is missing #${id}`);
  return el as T;
};

const ui = {
  modeBanner: $('mode-banner'),
  account: $('account'),
  orgSwitcher: $<HTMLSelectElement>('org-switcher'),
  signOut: $<HTMLButtonElement>('sign-out'),
  bootError: $('boot-error'),
  signInCard: $('sign-in'),
  signInForm: $<HTMLFormElement>('sign-in-form'),
  orgPicker: $<HTMLSelectElement>('org-picker'),
  workspace: $('workspace'),
  statusChip: $('status-chip'),
  sessionEnds: $('session-ends'),
  scope: $<HTMLFieldSetElement>('scope'),
  renew: $<HTMLButtonElement>('renew'),
  badges: $('badges'),
  loadTimeoutHelp: $('load-timeout-help'),
  originToAllow: $('origin-to-allow'),
  copyOrigin: $<HTMLButtonElement>('copy-origin'),
  loadTimeoutWhere: $('load-timeout-where'),
  loadTimeoutRetry: $<HTMLButtonElement>('load-timeout-retry'),
  portalSlot: $('portal-slot'),
  eventLog: $<HTMLOListElement>('event-log'),
  clearLog: $<HTMLButtonElement>('clear-log'),
  membersOrg: $('members-org'),
};

const params = new URLSearchParams(location.search);
/** `?loadTimeout=<ms>`; anything unparsable or out of range falls back to the element's default. */
function loadTimeoutParam(raw: string | null): number | null {
  if (raw === null || !/^\d{1,6}$/.test(raw)) return null;
  const ms = Number(raw);
  return ms >= 500 && ms <= 600_000 ? ms : null;
}
const loadTimeout = loadTimeoutParam(params.get('loadTimeout'));

const log = createEventLog(ui.eventLog);
const badges = createBadges(ui.badges);
const members = createMembersPanel(
  {
    body: $<HTMLTableSectionElement>('members-body'),
    table: $<HTMLTableElement>('members-table'),
    empty: $('members-empty'),
    feed: $('members-feed'),
    reconcile: $<HTMLButtonElement>('reconcile'),
  },
  (message) => log.add('host', message),
);

let session: DemoSession | null = null;
let portal: PortalElement | null = null;

const statusObserver = new MutationObserver(() => renderStatus());

function renderStatus(): void {
  const status = portal?.getAttribute('status') ?? portal?.status ?? 'idle';
  ui.statusChip.dataset.status = status;
  ui.statusChip.textContent = statusText(status);
  const ends = status === 'ready' ? portal?.expiresAt : null;
  ui.sessionEnds.textContent = ends ? `Session until ${shortTime(ends)}` : '';
}

/** "All" is the empty list: every section the server allows, the domain section included (the element knows no name for it yet). */
function selectedFeatures(): string {
  return ui.scope.querySelector<HTMLInputElement>('input[name="scope"]:checked')?.value ?? '';
}

function organizationName(id: string | null): string {
  return session?.organizations.find((org) => org.id === id)?.displayName ?? 'your';
}

/** A fresh element per organization or scope: the old one is disconnected, which aborts its link request. */
function mountPortal(): void {
  unmountPortal();
  const el = document.createElement('scalekit-admin-portal') as PortalElement;
  el.setAttribute('endpoint', '/api/scalekit/portal-link');
  el.setAttribute('features', selectedFeatures());
  el.setAttribute('loading', 'eager');
  el.setAttribute('frame-title', `Admin portal for ${organizationName(session?.organizationId ?? null)}`);
  if (loadTimeout !== null) el.setAttribute('load-timeout', String(loadTimeout));
  statusObserver.observe(el, { attributes: true, attributeFilter: ['status'] });
  portal = el;
  ui.portalSlot.append(el);
  renderStatus();
}

function unmountPortal(): void {
  portal?.remove();
  portal = null;
  statusObserver.disconnect();
  ui.loadTimeoutHelp.hidden = true;
  renderStatus();
}

// Events bubble and are composed, so one listener per name on the slot hears whichever element is mounted.
for (const name of PORTAL_EVENTS) {
  ui.portalSlot.addEventListener(name, (event) => {
    const detail = (event as CustomEvent).detail;
    log.add(name, detail);
    onPortalEvent(name, detail);
    renderStatus();
  });
}

function onPortalEvent(name: (typeof PORTAL_EVENTS)[number], detail: unknown): void {
  switch (name) {
    case 'scalekit-loading':
    case 'scalekit-ready':
      ui.loadTimeoutHelp.hidden = true;
      break;
    case 'scalekit-error':
      onPortalError(detail as PortalErrorDetail);
      break;
    case 'scalekit-sso-enabled':
    case 'scalekit-sso-disabled':
      liveChanges.sso += 1;
      badges.show('sso', name === 'scalekit-sso-enabled', detail as PortalChangeDetail);
      break;
    case 'scalekit-directory-enabled':
    case 'scalekit-directory-disabled':
      liveChanges.directory += 1;
      badges.show('directory', name === 'scalekit-directory-enabled', detail as PortalChangeDetail);
      break;
    default:
      break;
  }
}

function onPortalError(detail: PortalErrorDetail): void {
  if (detail?.code === 'load_timeout') {
    showLoadTimeoutHelp();
  } else if (detail?.code === 'unauthenticated') {
    // The host session may be gone (cookie expired or cleared in another tab): if so, back to the sign-in card.
    void getSession()
      .then((current) => {
        if (!current.organizationId) {
          session = current;
          showSignedOut();
        }
      })
      .catch(() => undefined);
  }
}

function showLoadTimeoutHelp(): void {
  const origin = location.origin;
  ui.originToAllow.textContent = origin;
  ui.loadTimeoutWhere.textContent =
    session?.mode === 'scalekit'
      ? `In the Scalekit dashboard for ${session.environmentOrigin}: Developers › API Configuration › Redirect URIs — add ${origin}.`
      : `This demo runs on the local emulator (${session?.environmentOrigin ?? 'unknown'}), which was started with allowedOrigins that exclude ${origin}. Restart it with this origin in allowedOrigins.`;
  ui.loadTimeoutHelp.hidden = false;
}

function fillOrganizations(select: HTMLSelectElement, organizations: DemoOrganization[], selected: string | null): void {
  select.replaceChildren(
    ...organizations.map((org) => {
      const option = new Option(org.displayName, org.id, false, org.id === selected);
      return option;
    }),
  );
}

function renderModeBanner(current: DemoSession): void {
  ui.modeBanner.dataset.mode = current.mode;
  ui.modeBanner.replaceChildren();
  const strong = document.createElement('strong');
  const text = document.createElement('span');
  if (current.mode === 'emulator') {
    strong.textContent = 'Local emulator';
    text.textContent = ` — no Scalekit account needed. Portal served by ${current.environmentOrigin}. Set SCALEKIT_ENVIRONMENT_URL, SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET to use a real environment.`;
  } else {
    strong.textContent = 'Scalekit';
    text.textContent = ` — connected to ${current.environmentOrigin}.`;
  }
  ui.modeBanner.append(strong, text);
  ui.modeBanner.hidden = false;
}

function showSignedOut(): void {
  configurationReads += 1;
  delete ui.badges.dataset.configuration;
  unmountPortal();
  members.disconnect();
  badges.clear();
  ui.workspace.hidden = true;
  ui.account.hidden = true;
  ui.signInCard.hidden = false;
}

function showSignedIn(): void {
  const orgId = session?.organizationId ?? null;
  fillOrganizations(ui.orgSwitcher, session?.organizations ?? [], orgId);
  ui.membersOrg.textContent = organizationName(orgId);
  ui.signInCard.hidden = true;
  ui.account.hidden = false;
  ui.workspace.hidden = false;
  badges.clear();
  void showConfiguredBadges();
  mountPortal();
  members.connect();
}

/** Portal events seen per capability: a state read that started before one of them is older news and yields. */
const liveChanges: Record<Capability, number> = { sso: 0, directory: 0 };
/** Bumped by every sign-in, switch and sign-out, so a read for an earlier one is dropped. */
let configurationReads = 0;

/** The badges from the organization's saved state (so they survive a reload); portal events then keep them live. */
async function showConfiguredBadges(): Promise<void> {
  const orgId = session?.organizationId ?? null;
  const read = ++configurationReads;
  const seen = { ...liveChanges };
  ui.badges.dataset.configuration = 'loading'; // tests (and curious readers) can tell a read finished
  let configuration;
  try {
    configuration = await getConfiguration();
  } catch (error) {
    if (read !== configurationReads) return;
    ui.badges.dataset.configuration = 'failed';
    log.add('host', `Could not read the organization's configuration: ${error instanceof DemoApiError ? error.message : String(error)}`);
    return;
  }
  if (read !== configurationReads || !session?.organizationId) return; // switched or signed out meanwhile
  ui.badges.dataset.configuration = 'loaded';
  // Only what is on: a "disabled" badge is news of a change, and a directory the portal merely created (it exists,
  // disabled, once the admin opens the portal) would otherwise pop up on its own and shift the page under the portal.
  const sso = configuration.sso?.enabled ? configuration.sso : null;
  const directory = configuration.directory?.enabled ? configuration.directory : null;
  if (sso && liveChanges.sso === seen.sso) {
    badges.show('sso', sso.enabled, { organizationId: orgId, data: { provider: sso.provider, type: sso.type } });
  }
  if (directory && liveChanges.directory === seen.directory) {
    badges.show('directory', directory.enabled, { organizationId: orgId, data: { directory_provider: directory.provider, directory_type: directory.type } });
  }
}

async function boot(): Promise<void> {
  try {
    session = await getSession();
  } catch (error) {
    ui.bootError.textContent = `The demo server did not answer: ${error instanceof Error ? error.message : String(error)}`;
    ui.bootError.hidden = false;
    return;
  }
  ui.bootError.hidden = true;
  renderModeBanner(session);
  fillOrganizations(ui.orgPicker, session.organizations, session.organizationId);
  if (session.organizationId) showSignedIn();
  else showSignedOut();
}

async function switchOrganization(organizationId: string): Promise<void> {
  try {
    await signIn(organizationId);
  } catch (error) {
    log.add('host', `Sign-in failed: ${error instanceof DemoApiError ? error.message : String(error)}`);
    return;
  }
  if (session) session.organizationId = organizationId;
  log.add('host', `Signed in as the admin of ${organizationName(organizationId)}`);
  showSignedIn();
}

ui.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (ui.orgPicker.value) void switchOrganization(ui.orgPicker.value);
});

ui.orgSwitcher.addEventListener('change', () => {
  if (ui.orgSwitcher.value && ui.orgSwitcher.value !== session?.organizationId) void switchOrganization(ui.orgSwitcher.value);
});

ui.signOut.addEventListener('click', async () => {
  await signOut().catch(() => undefined);
  if (session) session.organizationId = null;
  log.add('host', 'Signed out');
  showSignedOut();
});

ui.scope.addEventListener('change', () => {
  if (!portal) return;
  log.add('host', `Scope set to ${selectedFeatures()}`);
  mountPortal();
});

ui.renew.addEventListener('click', () => {
  log.add('host', 'Renew session requested');
  void portal?.refresh();
});

ui.loadTimeoutRetry.addEventListener('click', () => {
  ui.loadTimeoutHelp.hidden = true;
  void portal?.refresh();
});

ui.copyOrigin.addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(location.origin);
    ui.copyOrigin.textContent = 'Copied';
  } catch {
    ui.copyOrigin.textContent = 'Copy failed';
  }
});

ui.clearLog.addEventListener('click', () => log.clear());

void boot();
