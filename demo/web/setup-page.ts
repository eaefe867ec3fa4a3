// The page a setup link opens (`/setup#<token>`): Northwind-branded, no sign-in. The token stays in the fragment,
// which the browser never sends to any server; it travels only in the body of the portal-link request.
import '../../component/index.js';
import type { ScalekitAdminPortal as PortalElement } from '../../component/index.js';
import { PORTAL_EVENTS } from './portal-events.js';

const refused = document.getElementById('setup-refused')!;
const reason = document.getElementById('refused-reason')!;
const intro = document.getElementById('setup-intro')!;
const status = document.getElementById('setup-status')!;
const slot = document.getElementById('setup-portal')!;

const REASONS: Record<string, string> = {
  setup_link_expired: 'This setup link has expired.',
  setup_link_revoked: 'This setup link was revoked by Northwind.',
  setup_link_invalid: 'This setup link is not valid — it may be incomplete (check that the whole address was copied).',
};

function refuse(code: string): void {
  reason.textContent = REASONS[code] ?? REASONS['setup_link_invalid']!;
  refused.dataset.code = code;
  refused.hidden = false;
  intro.hidden = true;
  slot.replaceChildren();
  status.textContent = '';
  document.title = 'Setup link no longer works · Northwind';
}

/** The token in the fragment, or '' when there is none or it is not even valid percent-encoding. */
function tokenFromFragment(): string {
  try {
    return decodeURIComponent(location.hash.slice(1));
  } catch {
    return ''; // a URIError: shown as the "not valid" panel like any other malformed link
  }
}

const token = tokenFromFragment();
// Read once, so out of the address bar: no screenshot, screen share, copied address or history entry shows it.
// Path and query stay; reloading the page then shows "not valid" (the link in the email still works).
if (location.hash) history.replaceState(history.state, '', `${location.pathname}${location.search}`);

class LinkRefused extends Error {
  constructor(readonly status: number) {
    super('refused');
  }
}

if (!/^[A-Za-z0-9_-]{16,200}$/.test(token)) {
  refuse('setup_link_invalid');
} else {
  const portal = document.createElement('scalekit-admin-portal') as PortalElement & {
    fetchLink?: (init: { features: string[]; signal: AbortSignal }) => Promise<unknown>;
  };
  portal.setAttribute('loading', 'eager');
  portal.setAttribute('frame-title', 'Admin portal: single sign-on and directory sync');
  portal.fetchLink = async ({ features, signal }) => {
    const response = await fetch('/api/scalekit/setup-links/portal-link', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(features.length ? { token, features } : { token }),
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { code?: unknown } } | null;
      const code = typeof body?.error?.code === 'string' ? body.error.code : '';
      if (response.status === 401 || response.status === 410) refuse(code);
      throw new LinkRefused(response.status);
    }
    return response.json();
  };
  for (const name of PORTAL_EVENTS) {
    slot.addEventListener(name, () => {
      const state = portal.getAttribute('status') ?? portal.status;
      status.textContent = state === 'ready' ? 'Connected to the admin portal.' : state === 'loading' ? 'Opening the admin portal…' : '';
    });
  }
  slot.append(portal);
}
