// DEMO ONLY. Provisioning, the seed's step 4, from top to bottom: Scalekit signs a directory event and delivers
// it to `POST /webhooks/scalekit` (scalekitWebhooks() verifies it); the member store applies it, writing its
// ledger in Northwind's database before memory changes; the onboarding checklist records what the event proved;
// then the store tells its listeners, and `GET /api/demo/members/stream` pushes the new list to the open pages.
// A delivery is answered 200 only after all of that, so a failed write answers 500 and Scalekit retries it.
import type { ScalekitClient } from '@scalekit-sdk/node';
import type { Hono } from 'hono';
import type { ScalekitWebhookEvent } from '../../server/webhooks/events.js';
import { scalekitWebhooks } from '../../server/webhooks/receiver.js';
import type { Member } from '../shared/api-types.js';
import { DemoMemberStore, demoMembersRoutes, type DemoMembersRoutesOptions, type DirectoryApi } from './members.js';
import { stepsProvedBy, type NorthwindData } from './northwind-data.js';

export interface DemoProvisioningOptions {
  scalekit: Pick<ScalekitClient, 'verifyWebhookPayload'> & { directory: DirectoryApi };
  /** The receiver's signing secret; null mounts no receiver (members then come from Reconcile only). */
  webhookSecret: string | null;
  organizationOf: DemoMembersRoutesOptions['organizationOf'];
  /** The store to fill; default a fresh, empty one. */
  store?: DemoMemberStore;
  /**
   * Northwind's records: each event's onboarding progress is written there, and a reconcile's members. Without
   * it (tests of the store alone) only the store changes.
   */
  northwind?: Pick<NorthwindData, 'complete' | 'saveMembers'>;
  /**
   * The sessions the directory can end (Northwind's employee sessions): an event answers 200 only once what its
   * sign-outs set off (the checklist) is written.
   */
  access?: { settled(): Promise<void> };
  log?: (line: string) => void;
}

/** What one event did to the host's member store. */
export interface EventEffect {
  changed: boolean;
  /** The event's user afterwards (user events only); undefined when there is none or it was deleted. */
  member: Member | undefined;
}

export interface DemoProvisioning {
  store: DemoMemberStore;
  /** Whether `/webhooks/scalekit` is mounted. */
  receiving: boolean;
  /** Adds `POST /webhooks/scalekit` (when there is a secret) and `/api/demo/members/*` to the demo app. */
  mount(app: Hono): void;
  /** Ends the open member streams (before the server closes). */
  close(): void;
}

/** Provisioning in the demo app: Scalekit's signed directory events → the host's member store → the Members panel. */
export function demoProvisioning(options: DemoProvisioningOptions): DemoProvisioning {
  const store = options.store ?? new DemoMemberStore();
  const log = options.log ?? ((line: string) => console.log(line));
  const secret = options.webhookSecret;
  const northwind = options.northwind;
  const onEvent = async (event: ScalekitWebhookEvent) => {
    // 1. The member: ledger row first, then memory (DemoMemberStore.apply); listeners hear of it after this call.
    const changed = await store.apply(asDeactivation(event, store));
    if (!northwind) return;
    // 2. What the event proved for the checklist ("first user provisioned", "access revoked"…).
    const userId = isUserEvent(event) ? (event.data as { id?: unknown }).id : undefined;
    const member = store.list(event.organization_id).find((m) => m.id === userId);
    await northwind.complete(event.organization_id, stepsProvedBy(event, { changed, member }));
    // 3. Sessions the change ended were ended as the store told its listeners; wait for what that recorded.
    await options.access?.settled();
  };
  return {
    store,
    receiving: secret !== null,
    mount(app) {
      if (secret !== null) {
        app.route('/webhooks/scalekit', scalekitWebhooks({ secret, onEvent, log }));
      }
      app.route(
        '/api/demo/members',
        demoMembersRoutes({
          store,
          scalekit: options.scalekit,
          organizationOf: options.organizationOf,
          log,
          afterReconcile: northwind ? (organizationId, list) => northwind.saveMembers(organizationId, list) : undefined,
        }),
      );
    },
    close: () => store.close(),
  };
}

/**
 * Scalekit sends `user_deleted` for a person deactivated in the IdP as well as for one deleted there: the demo
 * deactivates a member it knows (kept, shown deactivated, refused at sign-in) instead of forgetting them, so a
 * later `user_created` / `user_updated` brings them back with their history.
 */
function asDeactivation(event: ScalekitWebhookEvent, store: DemoMemberStore): ScalekitWebhookEvent {
  if (event.type !== 'organization.directory.user_deleted') return event;
  if (!store.list(event.organization_id).some((member) => member.id === event.data.id)) return event;
  return { ...event, type: 'organization.directory.user_updated', data: { ...event.data, active: false } };
}

function isUserEvent(event: ScalekitWebhookEvent): boolean {
  return event.type.startsWith('organization.directory.user_');
}

export type { Member };
