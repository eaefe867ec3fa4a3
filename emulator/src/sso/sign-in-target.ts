// Which organization and SSO connection a sign-in is for: by organization_id, by connection_id, or by a
// verified domain (domain_hint, or the domain of login_hint's email) — Scalekit's home-realm discovery.
import type { EmulatorState, OrganizationRecord, SsoConnection } from '../state.js';

export interface TargetQuery {
  organizationId?: string;
  connectionId?: string;
  domainHint?: string;
  loginHint?: string;
}

export type Target =
  | { ok: true; organization: OrganizationRecord; connection: SsoConnection }
  | { ok: false; error: 'invalid_request' | 'access_denied'; description: string };

function emailDomain(loginHint: string | undefined): string | undefined {
  const at = loginHint?.lastIndexOf('@') ?? -1;
  return at > 0 ? loginHint!.slice(at + 1) : undefined;
}

function organizationOf(state: EmulatorState, query: TargetQuery): OrganizationRecord | string {
  if (query.organizationId !== undefined) {
    const org = state.organizations.get(query.organizationId);
    if (!org) return 'no organization has that organization_id';
    if (query.connectionId !== undefined && org.sso?.id !== query.connectionId) return 'connection_id does not belong to organization_id';
    return org;
  }
  if (query.connectionId !== undefined) {
    for (const org of state.organizations.values()) if (org.sso?.id === query.connectionId) return org;
    return 'no SSO connection has that connection_id';
  }
  const domain = query.domainHint ?? emailDomain(query.loginHint);
  if (domain === undefined) return 'name the organization: organization_id, connection_id, domain_hint or an email in login_hint';
  return state.organizationForDomain(domain) ?? 'no organization has verified that domain';
}

export function findTarget(state: EmulatorState, query: TargetQuery): Target {
  const org = organizationOf(state, query);
  if (typeof org === 'string') return { ok: false, error: 'invalid_request', description: org };
  if (!org.sso || !org.sso.enabled) {
    return { ok: false, error: 'access_denied', description: 'single sign-on is not enabled for this organization' };
  }
  return { ok: true, organization: org, connection: org.sso };
}
