// The organization-level webhook events beside the directory's: SSO connection changes
// (`organization.sso_created`, `_enabled`, `_disabled`, `_deleted`, object `Connection`) and organization
// domains (`organization.domain_*`, object `Organization`), in Scalekit's envelope, through the same signed
// sender as the directory events.
import type { DomainRecord, EmulatorState, OrganizationRecord, SsoConnection, StateChange } from '../state.js';
import { domainEventData, type DomainEventType } from '../domains/domain-registry.js';
import { newId } from './directory-state.js';
import type { WebhookEnvelope, WebhookSender } from './webhook-sender.js';

const DISPLAY_NAMES: Record<string, string> = {
  'organization.sso_created': 'SSO Connection Created',
  'organization.sso_enabled': 'SSO Connection Enabled',
  'organization.sso_disabled': 'SSO Connection Disabled',
  'organization.sso_deleted': 'SSO Connection Deleted',
  'organization.domain_created': 'Organization Domain Created',
  'organization.domain_deleted': 'Organization Domain Deleted',
  'organization.domain_dns_verification_success': 'Organization Domain DNS Verification Success',
  'organization.domain_dns_verification_failed': 'Organization Domain DNS Verification Failed',
};

function connectionData(organizationId: string, connection: SsoConnection): Record<string, unknown> {
  return {
    id: connection.id,
    organization_id: organizationId,
    connection_type: connection.type,
    provider: connection.provider,
    enabled: connection.enabled,
    // The portal configures a connection in one step, so it is complete as soon as it exists.
    status: 'COMPLETED',
  };
}

export class OrganizationEvents {
  /** The last connection each organization was announced with, to tell created from enabled from disabled. */
  readonly #known = new Map<string, { id: string; enabled: boolean }>();

  constructor(
    private readonly sender: WebhookSender,
    private readonly environmentId: string,
  ) {}

  /** Announces every SSO change the emulator's state reports. Returns the unsubscribe function. */
  follow(state: EmulatorState): () => void {
    const listener = (change: StateChange) => {
      if (change.kind === 'sso') this.ssoChanged(change.organizationId, change.connection);
    };
    state.changeListeners.add(listener);
    return () => state.changeListeners.delete(listener);
  }

  ssoChanged(organizationId: string, connection: SsoConnection): void {
    const known = this.#known.get(organizationId);
    if (!known || known.id !== connection.id) this.#send('organization.sso_created', organizationId, 'Connection', connectionData(organizationId, connection));
    if (!known || known.id !== connection.id ? connection.enabled : known.enabled !== connection.enabled) {
      this.#send(connection.enabled ? 'organization.sso_enabled' : 'organization.sso_disabled', organizationId, 'Connection',
        connectionData(organizationId, connection));
    }
    this.#known.set(organizationId, { id: connection.id, enabled: connection.enabled });
  }

  domainChanged(type: DomainEventType, organizationId: string, record: DomainRecord): void {
    this.#send(type, organizationId, 'Organization', domainEventData(record, organizationId, this.environmentId));
  }

  /** A deleted organization takes its SSO connection and its domains with it. */
  organizationDeleted(org: OrganizationRecord): void {
    if (org.sso) this.#send('organization.sso_deleted', org.id, 'Connection', connectionData(org.id, { ...org.sso, enabled: false }));
    for (const record of org.domains.values()) this.domainChanged('organization.domain_deleted', org.id, record);
    this.#known.delete(org.id);
  }

  reset(): void {
    this.#known.clear();
  }

  #send(type: string, organizationId: string, object: 'Connection' | 'Organization', data: Record<string, unknown>): void {
    const envelope: WebhookEnvelope = {
      spec_version: '1',
      id: newId('evt'),
      type,
      occurred_at: new Date().toISOString(),
      environment_id: this.environmentId,
      organization_id: organizationId,
      object,
      data,
      display_name: DISPLAY_NAMES[type],
    };
    this.sender.enqueue(envelope);
  }
}
