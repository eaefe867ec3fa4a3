// Organization domains: claim, list, verify (a simulated DNS check), delete. The records live on the
// organizations in the emulator's state (home-realm discovery reads them there); this module owns every change
// to them, so each change is validated once and announced once, as the webhook event Scalekit sends.
import { randomBytes } from 'node:crypto';
import { newId, type DomainRecord, type EmulatorState, type OrganizationRecord } from '../state.js';
import { checkDomainName } from './domain-name.js';
import type { Faults } from '../faults.js';

export type DomainType = DomainRecord['type'];
export const DOMAIN_TYPES: readonly DomainType[] = ['ORGANIZATION_DOMAIN', 'ALLOWED_EMAIL_DOMAIN'];

/** The TXT record's host, as Scalekit's docs show it. */
export const TXT_RECORD_KEY = 'scalekit-domain-verification';

/** At most this many domains per organization. */
export const MAX_DOMAINS_PER_ORGANIZATION = 100;

export type DomainErrorCode =
  | 'invalid_domain'
  | 'public_domain'
  | 'domain_taken'
  | 'limit_exceeded'
  | 'organization_not_found'
  | 'domain_not_found'
  | 'invalid_request';

/** A refused domain operation. Messages never echo the input. */
export class DomainError extends Error {
  constructor(readonly code: DomainErrorCode, message: string) {
    super(message);
    this.name = 'DomainError';
  }
}

/** What the webhook events carry (Scalekit's documented `data` for every organization.domain_* event). */
export function domainEventData(record: DomainRecord, organizationId: string, environmentId: string): Record<string, unknown> {
  return {
    id: record.id,
    domain: record.domain,
    domain_type: record.type,
    organization_id: organizationId,
    environment_id: environmentId,
    txt_record_key: record.txtRecordKey,
    txt_record_secret: record.txtRecordSecret,
    verification_status: record.status,
    verification_method: verificationMethod(record),
    updated_at: record.updatedAt.toISOString(),
  };
}

/** DNS for a domain an admin has to prove; ADMIN for one set up verified from code (`{ verified: true }`). */
export function verificationMethod(record: DomainRecord): 'DNS' | 'ADMIN' {
  return adminVerified.has(record) ? 'ADMIN' : 'DNS';
}
const adminVerified = new WeakSet<DomainRecord>();

export type DomainEventType =
  | 'organization.domain_created'
  | 'organization.domain_deleted'
  | 'organization.domain_dns_verification_success'
  | 'organization.domain_dns_verification_failed';

export interface DomainRegistryOptions {
  /** Told of every change, in order (the webhook sender listens). */
  emit?: (type: DomainEventType, organizationId: string, record: DomainRecord) => void;
  /** Where a test makes the next DNS check of a domain fail. */
  faults?: Pick<Faults, 'takeDnsCheckFault'>;
}

export class DomainRegistry {
  constructor(
    private readonly state: EmulatorState,
    private readonly options: DomainRegistryOptions = {},
  ) {}

  /** Claims `name` for an organization: PENDING with a fresh TXT record, or VERIFIED at once with `verified`. */
  create(organizationId: unknown, name: unknown, opts: { type?: unknown; verified?: unknown } = {}): DomainRecord {
    const org = this.organization(organizationId);
    const type = opts.type ?? 'ORGANIZATION_DOMAIN';
    if (typeof type !== 'string' || !(DOMAIN_TYPES as readonly string[]).includes(type)) {
      throw new DomainError('invalid_request', `domain type must be one of ${DOMAIN_TYPES.join(', ')}`);
    }
    if (opts.verified !== undefined && typeof opts.verified !== 'boolean') throw new DomainError('invalid_request', 'verified must be a boolean');
    const checked = checkDomainName(name);
    if ('problem' in checked) {
      throw checked.problem === 'public'
        ? new DomainError('public_domain', 'public and disposable mail domains cannot be added to an organization')
        : new DomainError('invalid_domain', 'domain must be a DNS name such as acme.com');
    }
    for (const other of this.state.organizations.values()) {
      for (const record of other.domains.values()) {
        if (record.domain === checked.domain) {
          throw new DomainError('domain_taken', other === org ? 'this organization already has this domain' : 'this domain belongs to another organization');
        }
      }
    }
    if (org.domains.size >= MAX_DOMAINS_PER_ORGANIZATION) {
      throw new DomainError('limit_exceeded', `an organization holds at most ${MAX_DOMAINS_PER_ORGANIZATION} domains`);
    }
    const now = new Date();
    const record: DomainRecord = {
      id: newId('dom'),
      domain: checked.domain,
      type: type as DomainType,
      status: opts.verified ? 'VERIFIED' : 'PENDING',
      txtRecordKey: TXT_RECORD_KEY,
      txtRecordSecret: `sk_dom_verify_${randomBytes(18).toString('base64url')}`,
      createdAt: now,
      updatedAt: now,
    };
    if (opts.verified) adminVerified.add(record);
    org.domains.set(record.id, record);
    this.options.emit?.('organization.domain_created', org.id, record);
    return record;
  }

  get(organizationId: unknown, domainId: unknown): DomainRecord {
    const org = this.organization(organizationId);
    const record = typeof domainId === 'string' && domainId.length <= 128 ? org.domains.get(domainId) : undefined;
    if (!record) throw new DomainError('domain_not_found', 'domain not found');
    return record;
  }

  /** An organization's domains in the order they were added, optionally of one type. */
  list(organizationId: unknown, type?: DomainType): DomainRecord[] {
    return [...this.organization(organizationId).domains.values()].filter((record) => !type || record.type === type);
  }

  delete(organizationId: unknown, domainId: unknown): void {
    const org = this.organization(organizationId);
    const record = this.get(org.id, domainId);
    org.domains.delete(record.id);
    this.options.emit?.('organization.domain_deleted', org.id, record);
  }

  /**
   * The simulated DNS check: finds the TXT record unless a fault is set for this domain. Success makes the
   * domain VERIFIED, failure FAILED (a later check may still succeed); each outcome is announced once per
   * change. A domain already verified stays so without a new check.
   */
  verify(organizationId: unknown, domainId: unknown): boolean {
    const org = this.organization(organizationId);
    const record = this.get(org.id, domainId);
    if (record.status === 'VERIFIED') return true;
    if (this.options.faults?.takeDnsCheckFault(record.domain)) {
      record.status = 'FAILED';
      record.updatedAt = new Date();
      this.options.emit?.('organization.domain_dns_verification_failed', org.id, record);
      return false;
    }
    record.status = 'VERIFIED';
    record.updatedAt = new Date();
    this.options.emit?.('organization.domain_dns_verification_success', org.id, record);
    return true;
  }

  organization(organizationId: unknown): OrganizationRecord {
    if (typeof organizationId !== 'string' || organizationId.length === 0) throw new DomainError('invalid_request', 'organization id is required');
    const org = organizationId.length <= 128 ? this.state.organizations.get(organizationId) : undefined;
    if (!org) throw new DomainError('organization_not_found', 'organization not found');
    return org;
  }
}

// The registry of each emulator, found from its state by the modules that are handed only the state (the REST
// routes, the portal page) without widening every dependency list.
const registries = new WeakMap<EmulatorState, DomainRegistry>();

export function attachDomainRegistry(state: EmulatorState, registry: DomainRegistry): void {
  registries.set(state, registry);
}

export function domainRegistryOf(state: EmulatorState): DomainRegistry {
  const registry = registries.get(state);
  if (!registry) throw new Error('no domain registry attached to this emulator state');
  return registry;
}
