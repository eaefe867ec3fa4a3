// Human wording for what the portal reports: provider enums, element status, timestamps.
import type { PortalStatus } from '../../component/index.js';

const PROVIDER_NAMES: Record<string, string> = {
  OKTA: 'Okta',
  GOOGLE: 'Google Workspace',
  MICROSOFT_AD: 'Microsoft Entra ID',
  AZURE_AD: 'Microsoft Entra ID',
  ONELOGIN: 'OneLogin',
  JUMPCLOUD: 'JumpCloud',
  PING_IDENTITY: 'Ping Identity',
  PINGONE: 'PingOne',
  AUTH0: 'Auth0',
  KEYCLOAK: 'Keycloak',
  IDP_SIMULATOR: 'IdP Simulator',
  CUSTOM: 'Custom',
};

/** `OKTA` → `Okta`; unknown enums become title case rather than disappearing. */
export function providerName(provider: unknown): string {
  if (typeof provider !== 'string' || provider === '') return 'Unknown provider';
  const known = PROVIDER_NAMES[provider.toUpperCase()];
  if (known) return known;
  return provider
    .toLowerCase()
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}

const STATUS_TEXT: Record<PortalStatus, string> = {
  idle: 'Idle',
  loading: 'Loading…',
  ready: 'Connected',
  expired: 'Session expired',
  error: 'Error',
};

export function statusText(status: string | null): string {
  return STATUS_TEXT[(status ?? 'idle') as PortalStatus] ?? status ?? 'Idle';
}

const two = (n: number) => String(n).padStart(2, '0');

/** Wall-clock time with milliseconds, for the event log. */
export function clockTime(date: Date): string {
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

export function shortTime(date: Date): string {
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
