// The signed-in employee's workspace (`/workspace`): who they are in Northwind, and a session that ends the
// moment their company's directory deactivates them — the server says so on the session stream, so an open page
// learns it at once, without asking again and again.
import type { EmployeeProfile } from '../shared/api-types.js';

const $ = (id: string) => document.getElementById(id)!;
const ui = {
  status: $('workspace-status'),
  workspace: $('workspace'),
  account: $('account'),
  avatar: $('account-avatar'),
  signOut: $('sign-out') as HTMLButtonElement,
  ended: $('ended'),
  endedText: $('ended-text'),
  feed: $('session-feed'),
};

const DEACTIVATED = "Your organization's directory deactivated your account; you have been signed out.";
let stream: EventSource | null = null;

function showEnded(message: string): void {
  stream?.close();
  stream = null;
  ui.workspace.hidden = true;
  ui.account.hidden = true;
  ui.status.textContent = '';
  ui.endedText.textContent = message;
  ui.ended.hidden = false;
  document.body.dataset['session'] = 'ended';
  document.title = 'Signed out · Northwind';
}

/** The server refused the session: say why when the directory ended it, else go and sign in. */
async function refused(response: Response): Promise<void> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: unknown } } | null;
  if (body?.error?.code === 'session_ended') showEnded(DEACTIVATED);
  else location.assign('/signin');
}

function render(profile: EmployeeProfile): void {
  $('profile-name').textContent = profile.name;
  $('profile-email').textContent = profile.email;
  $('profile-organization').textContent = profile.organization.name;
  $('profile-role').textContent = profile.role;
  $('profile-groups').textContent = profile.groups.length ? profile.groups.join(', ') : 'None';
  ui.avatar.textContent = initials(profile.name);
  ui.status.textContent = '';
  ui.workspace.hidden = false;
  ui.account.hidden = false;
}

function initials(name: string): string {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((part) => part[0]!.toUpperCase()).join('') || '?';
}

function follow(): void {
  stream = new EventSource('/api/employee/stream');
  stream.addEventListener('session', () => {
    ui.feed.dataset['state'] = 'live';
    ui.feed.textContent = 'Live';
    document.body.dataset['session'] = 'active';
  });
  stream.addEventListener('ended', (event) => {
    const { reason } = JSON.parse((event as MessageEvent<string>).data) as { reason?: unknown };
    if (reason === 'directory') showEnded(DEACTIVATED);
    else location.assign('/signin'); // signed out in another tab
  });
  stream.addEventListener('error', () => {
    if (stream?.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
    void fetch('/api/employee/me', { credentials: 'same-origin', cache: 'no-store' }).then((response) => {
      if (!response.ok) return refused(response);
      ui.feed.dataset['state'] = 'error';
      ui.feed.textContent = 'Disconnected — reload to reconnect';
      return undefined;
    });
  });
}

ui.signOut.addEventListener('click', async () => {
  ui.signOut.disabled = true;
  stream?.close();
  const response = await fetch('/api/employee/sign-out', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  }).catch(() => null);
  const body = response?.ok ? ((await response.json().catch(() => null)) as { next?: unknown } | null) : null;
  // The identity provider's logout ends its session too, then comes back to the sign-in page.
  location.assign(typeof body?.next === 'string' && /^(https?:\/\/|\/(?!\/))/.test(body.next) ? body.next : '/signin');
});

async function start(): Promise<void> {
  const response = await fetch('/api/employee/me', { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) return refused(response);
  render((await response.json()) as EmployeeProfile);
  follow();
}

void start();
