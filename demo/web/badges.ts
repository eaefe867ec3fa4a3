// The host reacting to what the customer's admin did inside the portal.
import { providerName } from './labels.js';
import type { ConfigurationDetail as PortalChangeDetail } from '../../component/index.js';

export type Capability = 'sso' | 'directory';

export interface Badges {
  show(capability: Capability, enabled: boolean, detail: PortalChangeDetail): void;
  clear(): void;
}

export function createBadges(container: HTMLElement): Badges {
  return {
    show(capability, enabled, detail) {
      const badge = document.createElement('span');
      badge.className = `badge ${enabled ? 'on' : 'off'}`;
      badge.dataset.badge = capability;
      badge.dataset.enabled = String(enabled);
      badge.textContent = badgeText(capability, enabled, detail?.data ?? {});
      container.querySelector(`[data-badge="${capability}"]`)?.remove();
      container.append(badge);
    },
    clear() {
      container.replaceChildren();
    },
  };
}

/** "SSO: Okta (SAML) enabled", "Directory sync: Microsoft Entra ID (SCIM) enabled". */
export function badgeText(capability: Capability, enabled: boolean, data: Record<string, unknown>): string {
  const kind = capability === 'sso' ? data.type : data.directory_type;
  const provider = data.provider ?? data.directory_provider;
  const what = provider ? providerName(provider) + (typeof kind === 'string' && kind ? ` (${kind})` : '') : '';
  const label = capability === 'sso' ? 'SSO' : 'Directory sync';
  return `${label}: ${what ? `${what} ` : ''}${enabled ? 'enabled' : 'disabled'}`;
}
