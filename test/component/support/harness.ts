// Helpers shared by the element's browser tests. They drive the real portal page served by portal-plugin.mjs;
// nothing here reaches into the element's internals.
import { oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { ScalekitAdminPortal } from '../../../component/admin-portal.js';

export interface RecordedRequest {
  method: string;
  contentType: string;
  accept: string;
  body: string;
  at: number;
  aborted: boolean;
}

export interface PlannedResponse {
  status?: number;
  retryAfter?: string | number;
  body?: unknown;
  rawBody?: string;
  hang?: boolean;
  expiresInMs?: number;
}

export interface ScenarioConfig {
  responses?: PlannedResponse[];
  /** Query for the portal page: `auto: 'none'` (no load event) or `'expired'` (a used link), `org`, `session` (seconds). */
  portal?: Record<string, string>;
}

export interface Scenario {
  key: string;
  endpoint: string;
  requests(): Promise<RecordedRequest[]>;
  loads(): Promise<Record<string, number>>;
}

/** A fresh, isolated link endpoint for one test. */
export async function scenario(config: ScenarioConfig = {}): Promise<Scenario> {
  const key = `t${Math.random().toString(36).slice(2, 10)}`;
  await fetch(`/api/control/${key}`, { method: 'POST', body: JSON.stringify(config) });
  const state = async () => (await fetch(`/api/control/${key}`)).json();
  return {
    key,
    endpoint: `/api/link/${key}`,
    requests: async () => (await state()).requests,
    loads: async () => (await state()).loads,
  };
}

export async function origins(): Promise<{ portalOrigin: string; spoofOrigin: string }> {
  return (await fetch('/api/portal-origins')).json();
}

export const frameOf = (el: ScalekitAdminPortal) => el.shadowRoot!.querySelector('iframe');

/** Resolves when `window` receives `{ ack }` from `source`: every message that source posted before it was handled. */
export function acknowledged(source: () => Window | null | undefined, ack: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (event.data?.ack === ack && (event.source === source() || source() === undefined)) {
        window.removeEventListener('message', onMessage);
        resolve();
      }
    };
    window.addEventListener('message', onMessage);
  });
}

/** Makes the element's real portal page post `payloads` to its parent, and waits until they were handled. */
export async function portalSays(el: ScalekitAdminPortal, ...payloads: unknown[]): Promise<void> {
  const frame = frameOf(el);
  if (!frame?.contentWindow) throw new Error('no portal frame');
  const ack = Math.random().toString(36).slice(2);
  // Captured now: the element may drop its iframe while handling the payloads, before the ack arrives.
  const portalWindow = frame.contentWindow;
  const done = acknowledged(() => portalWindow, ack);
  portalWindow.postMessage({ cmd: 'post', payloads, ack }, '*');
  await done;
}

/**
 * Like portalSays, but returns once the payloads are posted: for payloads after which the element drops its iframe
 * (Chromium does not deliver messages from a frame removed meanwhile). Await the element's own event instead.
 */
export function portalPosts(el: ScalekitAdminPortal, ...payloads: unknown[]): void {
  const portalWindow = frameOf(el)?.contentWindow;
  if (!portalWindow) throw new Error('no portal frame');
  portalWindow.postMessage({ cmd: 'post', payloads, ack: 'unused' }, '*');
}

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/** Scalekit's documented payloads. */
export const payloads = {
  loadSuccess: (expiry = inMinutes(360), organization_id = 'org_test') => ({
    event_type: 'PORTAL_LOAD_SUCCESS', object: 'session', organization_id, message: 'loaded', data: { expiry },
  }),
  warning: (expiry = inMinutes(5)) => ({
    event_type: 'PORTAL_SESSION_WARNING', object: 'session', organization_id: 'org_test',
    message: 'The admin portal session will expire in 5 minutes', data: { expiry },
  }),
  expiry: (expiry = inMinutes(0)) => ({
    event_type: 'PORTAL_SESSION_EXPIRY', object: 'session', organization_id: 'org_test', message: 'expired', data: { expiry },
  }),
  loadFailure: (error_code: string) => ({ event_type: 'PORTAL_LOAD_FAILURE', object: 'session', message: 'failed', data: { error_code } }),
  sso: (enabled: boolean) => ({
    event_type: enabled ? 'ORGANIZATION_SSO_ENABLED' : 'ORGANIZATION_SSO_DISABLED', object: 'connection',
    organization_id: 'org_test', message: 'sso',
    data: { connection_type: 'SSO', id: 'conn_1', type: 'SAML', provider: 'OKTA', enabled },
  }),
  directory: (enabled: boolean) => ({
    event_type: enabled ? 'ORGANIZATION_DIRECTORY_ENABLED' : 'ORGANIZATION_DIRECTORY_DISABLED', object: 'directory',
    organization_id: 'org_test', message: 'directory',
    data: { directory_type: 'SCIM', id: 'dir_1', provider: 'OKTA', enabled },
  }),
};

export const EVENT_NAMES = [
  'scalekit-loading', 'scalekit-ready', 'scalekit-error', 'scalekit-session-warning', 'scalekit-session-expired',
  'scalekit-sso-enabled', 'scalekit-sso-disabled', 'scalekit-directory-enabled', 'scalekit-directory-disabled',
  'scalekit-portal-message',
] as const;

/** Records every event the element dispatches, in order. */
export function recordEvents(el: HTMLElement): CustomEvent[] {
  const seen: CustomEvent[] = [];
  for (const name of EVENT_NAMES) el.addEventListener(name, (event) => seen.push(event as CustomEvent));
  return seen;
}

/** Resolves after the browser computed intersections for `el` once (and so delivered the element's own observer). */
export function intersectionsComputed(el: Element): Promise<void> {
  return new Promise((resolve) => {
    const observer = new IntersectionObserver(() => {
      observer.disconnect();
      resolve();
    }, { rootMargin: '200px' });
    observer.observe(el);
  });
}

/** Pretends the page is hidden (or visible again) the way a background tab reports it. */
export function setPageHidden(hidden: boolean): void {
  if (hidden) Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  else delete (document as { visibilityState?: unknown }).visibilityState;
  document.dispatchEvent(new Event('visibilitychange'));
}

export async function ready(el: ScalekitAdminPortal): Promise<CustomEvent> {
  return el.status === 'ready' ? new CustomEvent('scalekit-ready') : oneEvent(el, 'scalekit-ready');
}

/** Saves a picture of the element when the run sets SCREENSHOT_DIR (a no-op otherwise). */
export async function screenshot(el: Element, name: string): Promise<void> {
  const { x, y, width, height } = el.getBoundingClientRect();
  await executeServerCommand('screenshot', {
    name,
    clip: { x: Math.max(0, x - 8), y: Math.max(0, y - 8), width: width + 16, height: height + 16 },
  });
}
