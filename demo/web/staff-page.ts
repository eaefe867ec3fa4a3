// Northwind's staff console: onboard an enterprise customer, invite its IT admin with a setup link, and watch
// the checklist (SSO and SCIM configured, provisioning verified) tick itself from Scalekit's signed webhooks.
import { DemoApiError, request, type Member } from './api.js';
import { providerName } from './labels.js';
import { memberRow } from './members-panel.js';
import type { CustomerView, OnboardingStep } from '../shared/api-types.js';
import type { SetupLinkSummary as SetupLinkView } from '../../server/index.js';


const STEPS: Array<{ step: OnboardingStep; title: string; how: string }> = [
  { step: 'sso_connected', title: 'SSO connected', how: 'The IT admin turned on single sign-on in the portal.' },
  { step: 'directory_connected', title: 'Directory connected', how: 'Directory sync (SCIM) is on.' },
  { step: 'user_provisioned', title: 'First user provisioned', how: 'A user created in their directory reached Northwind.' },
  { step: 'sso_signed_in', title: 'A member signed in with SSO', how: 'A provisioned member signed in at /signin through their identity provider.' },
  { step: 'change_propagated', title: 'Attribute or group change propagated', how: 'An edit in the directory updated the Northwind member.' },
  {
    step: 'access_revoked',
    title: 'A deactivated member was refused and signed out',
    how: 'The directory deactivated a member: their open session ended at once, or their next sign-in was refused.',
  },
];

const $ = <T extends HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`staff markup is missing #${id}`);
  return el as T;
};

const ui = {
  error: $('staff-error'),
  account: $('staff-account'),
  name: $('staff-name'),
  signOut: $<HTMLButtonElement>('staff-sign-out'),
  signIn: $('staff-sign-in'),
  signInForm: $<HTMLFormElement>('staff-sign-in-form'),
  nameInput: $<HTMLInputElement>('staff-name-input'),
  workspace: $('staff-workspace'),
  onboardForm: $<HTMLFormElement>('onboard-form'),
  customerName: $<HTMLInputElement>('customer-name'),
  customerTenant: $<HTMLInputElement>('customer-tenant'),
  onboardStatus: $('onboard-status'),
  feed: $('customers-feed'),
  customersTable: $<HTMLTableElement>('customers-table'),
  customersBody: $<HTMLTableSectionElement>('customers-body'),
  customersEmpty: $('customers-empty'),
  detail: $('customer-detail'),
  detailTitle: $('detail-title'),
  detailSub: $('detail-sub'),
  inviteForm: $<HTMLFormElement>('invite-form'),
  inviteNote: $<HTMLInputElement>('invite-note'),
  newLink: $('new-link'),
  newLinkUrl: $<HTMLInputElement>('new-link-url'),
  newLinkExpiry: $('new-link-expiry'),
  copyLink: $<HTMLButtonElement>('copy-link'),
  linksTable: $<HTMLTableElement>('links-table'),
  linksBody: $<HTMLTableSectionElement>('links-body'),
  linksEmpty: $('links-empty'),
  checklist: $<HTMLOListElement>('checklist'),
  membersTable: $<HTMLTableElement>('detail-members-table'),
  membersBody: $<HTMLTableSectionElement>('detail-members-body'),
  membersEmpty: $('detail-members-empty'),
  brandingForm: $<HTMLFormElement>('branding-form'),
  brandingLogo: $<HTMLInputElement>('branding-logo'),
  brandingAccent: $<HTMLInputElement>('branding-accent'),
  brandingStatus: $('branding-status'),
};

let customers: CustomerView[] = [];
let selected: string | null = null;
let stream: EventSource | null = null;

const messageOf = (error: unknown) => (error instanceof DemoApiError || error instanceof Error ? error.message : String(error));

function dateTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function showError(message: string | null): void {
  ui.error.textContent = message ?? '';
  ui.error.hidden = message === null;
}

// --- session ------------------------------------------------------------------------------------------------

async function boot(): Promise<void> {
  let session: { staff: string | null; selected: string | null };
  try {
    session = await request('GET', '/api/staff/session');
  } catch (error) {
    showError(`The Northwind server did not answer: ${messageOf(error)}`);
    return;
  }
  if (session.staff) await showSignedIn(session.staff, session.selected);
  else showSignedOut();
}

function showSignedOut(): void {
  stream?.close();
  stream = null;
  selected = null;
  ui.account.hidden = true;
  ui.workspace.hidden = true;
  ui.signIn.hidden = false;
}

async function showSignedIn(staff: string, previouslySelected: string | null): Promise<void> {
  ui.name.textContent = staff;
  ui.account.hidden = false;
  ui.signIn.hidden = true;
  ui.workspace.hidden = false;
  selected = previouslySelected;
  connectStream();
  await Promise.all([refreshCustomers(), loadBranding()]);
  if (selected && customers.some((c) => c.externalId === selected)) await renderDetail();
}

ui.signInForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const session = await request<{ staff: string }>('POST', '/api/staff/session', { name: ui.nameInput.value });
    showError(null);
    await showSignedIn(session.staff, null);
  } catch (error) {
    showError(`Sign-in failed: ${messageOf(error)}`);
  }
});

ui.signOut.addEventListener('click', async () => {
  await request('DELETE', '/api/staff/session').catch(() => undefined);
  showSignedOut();
});

// --- live updates -------------------------------------------------------------------------------------------

function connectStream(): void {
  stream?.close();
  ui.feed.dataset.state = 'connecting';
  ui.feed.textContent = 'Connecting…';
  const source = new EventSource('/api/staff/stream');
  stream = source;
  source.addEventListener('ready', () => {
    ui.feed.dataset.state = 'live';
    ui.feed.textContent = 'Live';
  });
  source.addEventListener('changed', () => scheduleRefresh());
  source.addEventListener('error', () => {
    ui.feed.dataset.state = source.readyState === EventSource.CLOSED ? 'unavailable' : 'offline';
    ui.feed.textContent = source.readyState === EventSource.CLOSED ? 'Feed unavailable' : 'Reconnecting…';
  });
}

// Changes come in bursts (one webhook per user and group): one refresh at a time, and one more if any arrived meanwhile.
let refreshing: Promise<void> | null = null;
let again = false;
function scheduleRefresh(): void {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = (async () => {
    do {
      again = false;
      await refreshCustomers();
      if (selected) await renderDetail();
    } while (again);
  })().finally(() => (refreshing = null));
}

// --- customers ----------------------------------------------------------------------------------------------

async function refreshCustomers(): Promise<void> {
  try {
    ({ customers } = await request<{ customers: CustomerView[] }>('GET', '/api/staff/customers'));
  } catch (error) {
    if (error instanceof DemoApiError && error.status === 401) return showSignedOut();
    showError(`Could not load the customers: ${messageOf(error)}`);
    return;
  }
  renderCustomers();
}

function doneCount(customer: CustomerView): number {
  return STEPS.filter(({ step }) => customer.progress[step]).length;
}

function statusCell(entry: CustomerView['sso'] | CustomerView['directory'], read: boolean): HTMLTableCellElement {
  const cell = document.createElement('td');
  const badge = document.createElement('span');
  if (!read) {
    badge.className = 'status-pill unknown';
    badge.textContent = 'Unknown';
  } else if (entry?.enabled) {
    badge.className = 'status-pill on';
    badge.textContent = `${providerName(entry.provider)} · on`;
  } else {
    badge.className = 'status-pill off';
    badge.textContent = entry ? 'Off' : 'Not set up';
  }
  cell.append(badge);
  return cell;
}

function renderCustomers(): void {
  const rows = customers.map((customer) => {
    const row = document.createElement('tr');
    row.dataset.externalId = customer.externalId;
    row.dataset.selected = String(customer.externalId === selected);

    const org = document.createElement('td');
    const name = document.createElement('div');
    name.className = 'customer-name';
    name.textContent = customer.name;
    const id = document.createElement('div');
    id.className = 'muted small mono';
    id.textContent = customer.organizationId;
    org.append(name, id);

    const external = document.createElement('td');
    const code = document.createElement('code');
    code.textContent = customer.externalId;
    external.append(code);

    const membersCell = document.createElement('td');
    membersCell.className = 'customer-members';
    membersCell.textContent = `${customer.members.active} active${customer.members.total > customer.members.active ? ` · ${customer.members.total - customer.members.active} off` : ''}`;

    const progressCell = document.createElement('td');
    const done = doneCount(customer);
    const meter = document.createElement('meter');
    meter.min = 0;
    meter.max = STEPS.length;
    meter.value = done;
    meter.setAttribute('aria-label', `${customer.name} onboarding progress`);
    const text = document.createElement('span');
    text.className = 'progress-text';
    text.textContent = `${done}/${STEPS.length}`;
    progressCell.append(meter, text);
    progressCell.dataset.done = String(done);

    const actions = document.createElement('td');
    const manage = document.createElement('button');
    manage.type = 'button';
    manage.className = 'btn small';
    manage.textContent = 'Invite IT admin';
    manage.setAttribute('aria-label', `Invite IT admin for ${customer.name}`);
    manage.addEventListener('click', () => void select(customer.externalId));
    actions.append(manage);

    row.append(org, external, statusCell(customer.sso, customer.scalekitRead), statusCell(customer.directory, customer.scalekitRead), membersCell, progressCell, actions);
    return row;
  });
  ui.customersBody.replaceChildren(...rows);
  ui.customersTable.hidden = rows.length === 0;
  ui.customersEmpty.hidden = rows.length > 0;
  ui.customersTable.dataset.loaded = 'true';
}

ui.onboardForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = ui.customerName.value.trim();
  const externalId = ui.customerTenant.value.trim();
  ui.onboardStatus.textContent = 'Creating…';
  try {
    const { customer, created } = await request<{ customer: CustomerView; created: boolean }>('POST', '/api/staff/customers', { name, externalId });
    ui.onboardStatus.textContent = created
      ? `${customer.name} is onboarded: organization ${customer.organizationId}.`
      : `${customer.name} already had an organization (${customer.organizationId}); nothing new was created.`;
    ui.onboardStatus.dataset.state = 'ok';
    ui.onboardForm.reset();
    await refreshCustomers();
    await select(customer.externalId);
  } catch (error) {
    ui.onboardStatus.textContent = `Not onboarded: ${messageOf(error)}`;
    ui.onboardStatus.dataset.state = 'error';
  }
});

// --- the selected customer ----------------------------------------------------------------------------------

async function select(externalId: string): Promise<void> {
  try {
    await request('POST', '/api/staff/selection', { externalId });
  } catch (error) {
    showError(`Could not open ${externalId}: ${messageOf(error)}`);
    return;
  }
  if (selected !== externalId) ui.newLink.hidden = true;
  selected = externalId;
  renderCustomers();
  await renderDetail();
  ui.detail.scrollIntoView({ block: 'start' });
  ui.detailTitle.focus({ preventScroll: true });
}

async function renderDetail(): Promise<void> {
  const customer = customers.find((c) => c.externalId === selected);
  if (!customer) {
    ui.detail.hidden = true;
    return;
  }
  ui.detail.hidden = false;
  ui.detail.dataset.externalId = customer.externalId;
  ui.detailTitle.textContent = customer.name;
  ui.detailTitle.tabIndex = -1;
  ui.detailSub.textContent = `Tenant ${customer.externalId} · organization ${customer.organizationId}`;
  renderChecklist(customer);
  const [links, members] = await Promise.all([
    request<{ setupLinks: SetupLinkView[] }>('GET', '/api/scalekit/setup-links').catch((error: unknown) => {
      showError(`Could not list the setup links: ${messageOf(error)}`);
      return { setupLinks: [] };
    }),
    request<{ members: Member[] }>('GET', `/api/staff/customers/${encodeURIComponent(customer.externalId)}/members`).catch(() => ({ members: [] })),
  ]);
  if (selected !== customer.externalId) return; // another customer was picked meanwhile
  renderLinks(links.setupLinks);
  renderMembers(members.members);
}

function renderChecklist(customer: CustomerView): void {
  ui.checklist.replaceChildren(
    ...STEPS.map(({ step, title, how }) => {
      const at = customer.progress[step];
      const item = document.createElement('li');
      item.dataset.step = step;
      item.dataset.done = String(Boolean(at));
      const mark = document.createElement('span');
      mark.className = 'check-mark';
      mark.setAttribute('aria-hidden', 'true');
      mark.textContent = at ? '✓' : '';
      const body = document.createElement('div');
      const heading = document.createElement('strong');
      heading.textContent = title;
      const state = document.createElement('span');
      state.className = 'visually-hidden';
      state.textContent = at ? ' (done)' : ' (not yet)';
      heading.append(state);
      const detail = document.createElement('p');
      detail.className = 'muted small';
      detail.textContent = at ? `${how} — ${dateTime(at)}` : how;
      body.append(heading, detail);
      item.append(mark, body);
      return item;
    }),
  );
}

function linkStatus(link: SetupLinkView): { text: string; live: boolean } {
  if (link.revokedAt) return { text: 'Revoked', live: false };
  if (Date.parse(link.expiresAt) <= Date.now()) return { text: 'Expired', live: false };
  return { text: 'Live', live: true };
}

function renderLinks(links: SetupLinkView[]): void {
  const rows = links.map((link) => {
    const row = document.createElement('tr');
    row.dataset.linkId = link.id;
    const status = linkStatus(link);
    row.dataset.status = status.text.toLowerCase();
    const cells = [dateTime(link.createdAt), dateTime(link.expiresAt), String(link.uses), dateTime(link.lastUsedAt)].map((text, index) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      if (index === 2) cell.className = 'link-uses';
      return cell;
    });
    if (link.note) {
      const note = document.createElement('div');
      note.className = 'muted small';
      note.textContent = link.note;
      cells[0]!.append(note);
    }
    const statusCell = document.createElement('td');
    const pill = document.createElement('span');
    pill.className = `status-pill ${status.live ? 'on' : 'off'}`;
    pill.textContent = status.text;
    statusCell.append(pill);
    const actions = document.createElement('td');
    if (status.live) {
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.className = 'btn small danger';
      revoke.textContent = 'Revoke';
      revoke.setAttribute('aria-label', `Revoke the setup link created ${dateTime(link.createdAt)}`);
      revoke.addEventListener('click', () => void revokeLink(link.id));
      actions.append(revoke);
    }
    row.append(...cells, statusCell, actions);
    return row;
  });
  ui.linksBody.replaceChildren(...rows);
  ui.linksTable.hidden = rows.length === 0;
  ui.linksEmpty.hidden = rows.length > 0;
}

function renderMembers(members: Member[]): void {
  const rows = [...members].sort((a, b) => Number(b.active) - Number(a.active) || a.email.localeCompare(b.email)).map(memberRow);
  ui.membersBody.replaceChildren(...rows);
  ui.membersTable.hidden = rows.length === 0;
  ui.membersEmpty.hidden = rows.length > 0;
}

ui.inviteForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const note = ui.inviteNote.value.trim();
  try {
    const link = await request<{ id: string; url: string; expiresAt: string }>('POST', '/api/scalekit/setup-links', note ? { note } : {});
    ui.newLinkUrl.value = link.url;
    ui.newLink.dataset.linkId = link.id;
    ui.newLinkExpiry.textContent = `Valid until ${dateTime(link.expiresAt)}. Northwind keeps only a fingerprint of it: copy it now.`;
    ui.newLink.hidden = false;
    ui.copyLink.textContent = 'Copy';
    ui.inviteNote.value = '';
    await renderDetail();
    ui.newLinkUrl.focus();
    ui.newLinkUrl.select();
  } catch (error) {
    showError(`Could not create a setup link: ${messageOf(error)}`);
  }
});

ui.copyLink.addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(ui.newLinkUrl.value);
    ui.copyLink.textContent = 'Copied';
  } catch {
    ui.newLinkUrl.select();
    ui.copyLink.textContent = 'Press Ctrl+C';
  }
});

async function revokeLink(id: string): Promise<void> {
  try {
    await request('DELETE', `/api/scalekit/setup-links/${encodeURIComponent(id)}`);
  } catch (error) {
    showError(`Could not revoke the link: ${messageOf(error)}`);
    return;
  }
  await renderDetail();
}

// --- branding -----------------------------------------------------------------------------------------------

async function loadBranding(): Promise<void> {
  const { branding } = await request<{ branding: { logoUrl?: string; accentColor?: string } }>('GET', '/api/staff/branding').catch(() => ({ branding: {} as { logoUrl?: string; accentColor?: string } }));
  // Northwind's own logo, served next to this page, until staff choose another.
  ui.brandingLogo.value = branding.logoUrl ?? `${location.origin}/northwind-logo.svg`;
  if (branding.accentColor) ui.brandingAccent.value = branding.accentColor;
}

ui.brandingForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const { portal } = await request<{ portal: 'applied' | 'dashboard' | 'failed' }>('PUT', '/api/staff/branding', {
      logoUrl: ui.brandingLogo.value.trim(),
      accentColor: ui.brandingAccent.value,
    });
    ui.brandingStatus.dataset.state = portal === 'failed' ? 'error' : 'ok';
    ui.brandingStatus.textContent =
      portal === 'applied'
        ? 'Saved, and applied to the emulator: every portal page shows it now.'
        : portal === 'dashboard'
          ? "Saved. Set the same in Scalekit's Dashboard › Settings › Branding."
          : 'Saved, but the portal did not take it (see the server log).';
  } catch (error) {
    ui.brandingStatus.dataset.state = 'error';
    ui.brandingStatus.textContent = `Not saved: ${messageOf(error)}`;
  }
});

void boot();
