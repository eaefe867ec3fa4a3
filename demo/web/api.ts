// The demo host's own routes (demo/server/): a stand-in login session and the provisioned members.

import type { DemoConfiguration, DemoOrganization, DemoSession, Member } from '../shared/api-types.js';

export type { DemoConfiguration, DemoOrganization, DemoSession, Member };

export class DemoApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'DemoApiError';
  }
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const payload = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
    const message = typeof payload?.error?.message === 'string' ? payload.error.message : `${method} ${path} answered ${response.status}`;
    throw new DemoApiError(message, response.status);
  }
  return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
}

export const getSession = () => request<DemoSession>('GET', '/api/demo/session');
export const signIn = (organizationId: string) => request<unknown>('POST', '/api/demo/session', { organizationId });
export const signOut = () => request<unknown>('DELETE', '/api/demo/session');
export const getConfiguration = () => request<DemoConfiguration>('GET', '/api/demo/configuration');
export const reconcileMembers = () => request<{ members: Member[] }>('POST', '/api/demo/members/reconcile');
export const MEMBERS_STREAM_PATH = '/api/demo/members/stream';
