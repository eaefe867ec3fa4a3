// DEMO ONLY. Northwind's records about its enterprise customers, in its own database: who the customers are
// (Northwind's tenant id → Scalekit organization), how far each one's onboarding got (the provisioning checks,
// ticked by signed webhooks), the members they provisioned, and the portal branding Northwind chose.
import { ONBOARDING_STEPS, type Customer, type OnboardingStep } from '../shared/api-types.js';
export { ONBOARDING_STEPS, type Customer, type OnboardingStep };
import type { ScalekitWebhookEvent } from '../../server/webhooks/events.js';
import type { SqlClient } from './database.js';
import type { DemoMemberStore, LastChange, Member, MemberLedger } from './members.js';



export interface Branding {
  logoUrl?: string;
  accentColor?: string;
}

/** What changed, for whoever watches (the staff page's stream). */
export type DataChange = { kind: 'customers' } | { kind: 'customer'; organizationId: string } | { kind: 'branding' };

type Row = Record<string, unknown>;

function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

export class NorthwindData {
  readonly #db: SqlClient;
  readonly #listeners = new Set<(change: DataChange) => void>();

  constructor(db: SqlClient) {
    this.#db = db;
  }

  // --- customers ------------------------------------------------------------------------------------------

  async customers(): Promise<Customer[]> {
    const { rows } = await this.#db.query<Row>(
      'SELECT external_id, name, organization_id, created_at FROM northwind_customers ORDER BY created_at, external_id',
    );
    return rows.map(customerOf);
  }

  async customerByExternalId(externalId: string): Promise<Customer | null> {
    const { rows } = await this.#db.query<Row>(
      'SELECT external_id, name, organization_id, created_at FROM northwind_customers WHERE external_id = $1',
      [externalId],
    );
    return rows[0] ? customerOf(rows[0]) : null;
  }

  async customerByOrganizationId(organizationId: string): Promise<Customer | null> {
    const { rows } = await this.#db.query<Row>(
      'SELECT external_id, name, organization_id, created_at FROM northwind_customers WHERE organization_id = $1',
      [organizationId],
    );
    return rows[0] ? customerOf(rows[0]) : null;
  }

  /** Records (or re-points, when Scalekit answered with another organization) a customer. */
  async saveCustomer(customer: { externalId: string; name: string; organizationId: string }): Promise<Customer> {
    const { rows } = await this.#db.query<Row>(
      `INSERT INTO northwind_customers (external_id, name, organization_id) VALUES ($1, $2, $3)
       ON CONFLICT (external_id) DO UPDATE SET name = EXCLUDED.name, organization_id = EXCLUDED.organization_id
       RETURNING external_id, name, organization_id, created_at`,
      [customer.externalId, customer.name, customer.organizationId],
    );
    this.#emit({ kind: 'customers' });
    return customerOf(rows[0]!);
  }

  // --- onboarding progress --------------------------------------------------------------------------------

  /** Step → when it was first completed. */
  async progress(organizationId: string): Promise<Partial<Record<OnboardingStep, string>>> {
    const { rows } = await this.#db.query<Row>(
      'SELECT step, completed_at FROM northwind_onboarding WHERE organization_id = $1',
      [organizationId],
    );
    const done: Partial<Record<OnboardingStep, string>> = {};
    for (const row of rows) {
      const step = row['step'];
      if ((ONBOARDING_STEPS as readonly unknown[]).includes(step)) done[step as OnboardingStep] = iso(row['completed_at']);
    }
    return done;
  }

  /** Ticks steps once; the first time counts. */
  async complete(organizationId: string, steps: readonly OnboardingStep[], at = new Date()): Promise<void> {
    if (steps.length === 0) return;
    let changed = false;
    for (const step of steps) {
      const { rows } = await this.#db.query<Row>(
        `INSERT INTO northwind_onboarding (organization_id, step, completed_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING step`,
        [organizationId, step, at.toISOString()],
      );
      changed ||= rows.length > 0;
    }
    if (changed) this.#emit({ kind: 'customer', organizationId });
  }

  // --- members --------------------------------------------------------------------------------------------

  async loadMembers(store: DemoMemberStore): Promise<void> {
    const { rows } = await this.#db.query<Row>('SELECT organization_id, members FROM northwind_members');
    for (const row of rows) {
      const members = Array.isArray(row['members']) ? (row['members'] as Member[]) : [];
      store.replace(String(row['organization_id']), members);
    }
  }

  async saveMembers(organizationId: string, members: Member[]): Promise<void> {
    await this.#db.query(
      `INSERT INTO northwind_members (organization_id, members, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (organization_id) DO UPDATE SET members = EXCLUDED.members, updated_at = now()`,
      [organizationId, JSON.stringify(members)],
    );
    this.#emit({ kind: 'customer', organizationId });
  }

  /** The member store's ledger: its members and each user's last change, written in one statement. */
  memberLedger(): MemberLedger {
    return {
      lastChange: async (organizationId, userId): Promise<LastChange | null> => {
        const { rows } = await this.#db.query<Row>(
          'SELECT changed_at, deleted, event_id FROM northwind_member_changes WHERE organization_id = $1 AND user_id = $2',
          [organizationId, userId],
        );
        const row = rows[0];
        return row ? { at: Number(row['changed_at']), deleted: row['deleted'] === true, eventId: String(row['event_id']) } : null;
      },
      write: async (organizationId, members, userId, change) => {
        // One statement is one transaction: both tables change, or neither does.
        await this.#db.query(
          `WITH change AS (
             INSERT INTO northwind_member_changes (organization_id, user_id, changed_at, deleted, event_id)
             VALUES ($1, $3, $4, $5, $6)
             ON CONFLICT (organization_id, user_id) DO UPDATE
               SET changed_at = EXCLUDED.changed_at, deleted = EXCLUDED.deleted, event_id = EXCLUDED.event_id
           )
           INSERT INTO northwind_members (organization_id, members, updated_at) VALUES ($1, $2, now())
           ON CONFLICT (organization_id) DO UPDATE SET members = EXCLUDED.members, updated_at = now()`,
          [organizationId, JSON.stringify(members), userId, change.at, change.deleted, change.eventId],
        );
        this.#emit({ kind: 'customer', organizationId });
      },
    };
  }

  // --- branding -------------------------------------------------------------------------------------------

  async branding(): Promise<Branding> {
    const { rows } = await this.#db.query<Row>("SELECT value FROM northwind_settings WHERE key = 'branding'");
    const value = rows[0]?.['value'];
    if (typeof value !== 'object' || value === null) return {};
    const { logoUrl, accentColor } = value as Record<string, unknown>;
    return {
      ...(typeof logoUrl === 'string' ? { logoUrl } : {}),
      ...(typeof accentColor === 'string' ? { accentColor } : {}),
    };
  }

  async saveBranding(branding: Branding): Promise<void> {
    await this.#db.query(
      `INSERT INTO northwind_settings (key, value) VALUES ('branding', $1)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [JSON.stringify(branding)],
    );
    this.#emit({ kind: 'branding' });
  }

  // --- watching -------------------------------------------------------------------------------------------

  subscribe(listener: (change: DataChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tell watchers about a change made outside this class (e.g. a setup link issued or revoked). */
  touch(change: DataChange): void {
    this.#emit(change);
  }

  #emit(change: DataChange): void {
    for (const listener of [...this.#listeners]) listener(change);
  }
}

function customerOf(row: Row): Customer {
  return {
    externalId: String(row['external_id']),
    name: String(row['name']),
    organizationId: String(row['organization_id']),
    createdAt: iso(row['created_at']),
  };
}

/**
 * The onboarding steps a verified webhook proves, given what the host's member store made of it (`changed`:
 * whether it changed a member; `member`: the member afterwards, undefined when gone).
 */
export function stepsProvedBy(
  event: ScalekitWebhookEvent,
  effect: { changed: boolean; member: Member | undefined },
): OnboardingStep[] {
  switch (event.type) {
    case 'organization.sso_enabled':
      return ['sso_connected'];
    case 'organization.directory_enabled':
      return ['directory_connected'];
    case 'organization.directory.user_created':
      return effect.changed && effect.member ? ['user_provisioned'] : [];
    case 'organization.directory.user_updated':
      // A deactivation alone proves nothing about access: `access_revoked` ticks when it ends a signed-in
      // member's session or refuses their sign-in (employee-sign-in.ts). Any other applied update is an
      // attribute or group change that reached Northwind.
      return effect.changed && effect.member?.active !== false ? ['change_propagated'] : [];
    case 'organization.directory.group_updated':
      return ['change_propagated'];
    default:
      return [];
  }
}
