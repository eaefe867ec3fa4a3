/**
 * DEMO ONLY: the host app's own user store, as a real host would keep it, fed by `scalekitWebhooks()`'s `onEvent`
 * and rebuildable from Scalekit's directory API. Read from memory; every event is written to a ledger first (in the
 * demo server, Northwind's database: northwind-data.ts) and reaches memory only once the write succeeded, as a
 * real host commits to its own database before it acknowledges a delivery.
 *
 * Routes (mount at `/api/demo/members`), always for the organization of the signed-in demo session:
 * `GET /` → `{ members }`; `GET /stream` → server-sent events, event `members` with `{ members }` on connect and
 * on every change; `POST /reconcile` → `{ members }` rebuilt from `scalekit.directory.listDirectoryUsers`.
 */
import type { Member } from '../shared/api-types.js';

export type { Member };
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ScalekitClient } from '@scalekit-sdk/node';
import type { DirectoryUserData, ScalekitWebhookEvent } from '../../server/webhooks/events.js';


export type MembersListener = (members: Member[]) => void;

// Bounds for a demo that only signed events can feed; they keep one bad directory from exhausting memory.
const MAX_MEMBERS_PER_ORGANIZATION = 5_000;
const MAX_REMEMBERED_CHANGES = 5_000;
const MAX_GROUPS_PER_MEMBER = 100;
const MAX_TEXT = 320;
const RECONCILE_PAGE_SIZE = 100;
const RECONCILE_MAX_PAGES = 50;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, MAX_TEXT) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Milliseconds of an ISO timestamp, or null when it is missing or unreadable. */
function timeOf(iso: unknown): number | null {
  if (typeof iso !== 'string') return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

function groupNames(groups: unknown): string[] | undefined {
  if (!Array.isArray(groups)) return undefined;
  const names: string[] = [];
  for (const group of groups.slice(0, MAX_GROUPS_PER_MEMBER)) {
    const name = isRecord(group) ? (text(group.name) ?? text(group.display_name) ?? text(group.displayName) ?? text(group.id)) : text(group);
    if (name !== undefined) names.push(name);
  }
  return names;
}

function displayNameOf(parts: { name?: string; givenName?: string; familyName?: string; username?: string; email: string }) {
  const joined = [parts.givenName, parts.familyName].filter(Boolean).join(' ');
  return parts.name ?? (joined || undefined) ?? parts.username ?? parts.email;
}

/** A member from a webhook's user `data`, falling back on what the store knew for fields the event leaves out. */
function memberFromEvent(data: DirectoryUserData, previous: Member | undefined, updatedAt: string): Member {
  const raw = isRecord(data.raw_attributes) ? data.raw_attributes : {};
  const rawName = isRecord(raw.name) ? raw.name : {};
  const email = text(data.email) ?? previous?.email ?? '';
  const givenName = text(data.given_name) ?? text(rawName.givenName) ?? previous?.givenName;
  const familyName = text(data.family_name) ?? text(rawName.familyName) ?? previous?.familyName;
  const name = text(data.name) ?? text(rawName.formatted) ?? previous?.name;
  return {
    id: data.id,
    email,
    name: displayNameOf({ name, givenName, familyName, username: text(data.preferred_username), email }),
    ...(givenName !== undefined ? { givenName } : {}),
    ...(familyName !== undefined ? { familyName } : {}),
    groups: groupNames(data.groups) ?? previous?.groups ?? [],
    // Only an explicit `false` deactivates; an event without `active` keeps what was known (new users are active).
    active: typeof data.active === 'boolean' ? data.active : (previous?.active ?? true),
    updatedAt,
  };
}

/** A user's last applied change, as the ledger holds it: what a late or retried event is ordered against. */
export interface LastChange {
  /** occurred_at of the event, in milliseconds since the epoch. */
  at: number;
  deleted: boolean;
  eventId: string;
}

/**
 * Where the store keeps what it applied (Northwind's database in the demo server). `write` is all or nothing:
 * the organization's members and the user's last change together. The store changes its memory only after
 * `write` resolved, so a failed write leaves nothing applied and the retry of the same event applies it.
 */
export interface MemberLedger {
  lastChange(organizationId: string, userId: string): Promise<LastChange | null>;
  write(organizationId: string, members: Member[], userId: string, change: LastChange): Promise<void>;
}

/** A ledger in memory, for a store on its own (tests): bounded, and gone with the process. */
export function memoryLedger(): MemberLedger {
  const changes = new Map<string, LastChange>();
  return {
    lastChange: async (organizationId, userId) => changes.get(`${organizationId}\n${userId}`) ?? null,
    write: async (organizationId, _members, userId, change) => {
      const key = `${organizationId}\n${userId}`;
      changes.delete(key);
      changes.set(key, change);
      if (changes.size > MAX_REMEMBERED_CHANGES) changes.delete(changes.keys().next().value as string);
    },
  };
}

/**
 * Whether an event at `at` may change a user whose last applied change is `last`. Times compare as milliseconds,
 * never as text (`…:05Z` sorts after `…:05.300Z` as a string, yet is 300 ms earlier). At the same millisecond the
 * order cannot be told, so the outcome is fixed instead: a deletion wins — it applies over an update, and an
 * update does not apply over it (when in doubt, Northwind revokes access rather than grants it). Two updates or
 * two deletions at the same millisecond: the later delivery applies, which is also what lets a redelivery of the
 * stored event apply again.
 */
function supersedes(at: number, deletion: boolean, last: LastChange | null): boolean {
  if (last === null) return true;
  if (at !== last.at) return at > last.at;
  return deletion || !last.deleted;
}

/** The events that change a member; group changes arrive as user_updated for each member too. */
const USER_EVENTS = new Set<string>([
  'organization.directory.user_created',
  'organization.directory.user_updated',
  'organization.directory.user_deleted',
]);

/** The demo host's user store: members per organization, with listeners per organization. */
export class DemoMemberStore {
  readonly #ledger: MemberLedger;
  readonly #byOrganization = new Map<string, Map<string, Member>>();
  readonly #listeners = new Map<string, Set<MembersListener>>();
  readonly #closing = new AbortController();
  /** Events apply one at a time: each reads the ledger and writes the organization's whole list. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: { ledger?: MemberLedger } = {}) {
    this.#ledger = options.ledger ?? memoryLedger();
  }

  /** Aborted by `close()`: open streams end. */
  get closed(): AbortSignal {
    return this.#closing.signal;
  }

  /**
   * Applies one verified webhook event, to the ledger first and then to memory. Resolves to whether it changed
   * a member; rejects (changing nothing) when the ledger's write failed.
   */
  apply(event: ScalekitWebhookEvent): Promise<boolean> {
    return this.#inTurn(() => this.#apply(event));
  }

  /**
   * Replaces an organization's members wholesale (Reconcile): `save` first, then memory, in turn with events (so
   * an event being applied cannot write the old list over the new one). Resolves to the new list.
   */
  reconcile(organizationId: string, members: Member[], save?: (members: Member[]) => void | Promise<void>): Promise<Member[]> {
    return this.#inTurn(async () => {
      const next = members.slice(0, MAX_MEMBERS_PER_ORGANIZATION);
      await save?.(next);
      this.replace(organizationId, next);
      return this.list(organizationId);
    });
  }

  list(organizationId: string): Member[] {
    const members = this.#byOrganization.get(organizationId);
    return members ? [...members.values()].map((member) => ({ ...member, groups: [...member.groups] })) : [];
  }

  /** Sets an organization's members as the database holds them (at start-up) and tells its listeners. */
  replace(organizationId: string, members: Member[]): void {
    const next = new Map<string, Member>();
    for (const member of members.slice(0, MAX_MEMBERS_PER_ORGANIZATION)) next.set(member.id, member);
    this.#byOrganization.set(organizationId, next);
    this.#notify(organizationId);
  }

  /** Calls `listener` with the organization's members on every change; returns the unsubscribe function. */
  subscribe(organizationId: string, listener: MembersListener): () => void {
    let listeners = this.#listeners.get(organizationId);
    if (!listeners) this.#listeners.set(organizationId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#listeners.get(organizationId) === listeners) this.#listeners.delete(organizationId);
    };
  }

  listenerCount(organizationId?: string): number {
    if (organizationId !== undefined) return this.#listeners.get(organizationId)?.size ?? 0;
    let count = 0;
    for (const listeners of this.#listeners.values()) count += listeners.size;
    return count;
  }

  /** Ends every open stream; the store stays readable. */
  close(): void {
    this.#closing.abort();
  }

  #inTurn<T>(work: () => Promise<T>): Promise<T> {
    const done = this.#queue.then(work);
    this.#queue = done.catch(() => undefined);
    return done;
  }

  async #apply(event: ScalekitWebhookEvent): Promise<boolean> {
    if (!USER_EVENTS.has(event.type)) return false; // directory, group and SSO events change no member
    const organizationId = event.organization_id;
    const data = event.data as DirectoryUserData;
    const deletion = event.type === 'organization.directory.user_deleted';
    // An unreadable occurred_at counts as the moment it arrived.
    const at = timeOf(event.occurred_at) ?? Date.now();

    const current = this.#byOrganization.get(organizationId) ?? new Map<string, Member>();
    const previous = current.get(data.id);
    const last = await this.#ledger.lastChange(organizationId, data.id);
    if (!supersedes(at, deletion, last)) return false;
    // A member Reconcile brought in carries the directory's own time of its last change: older events lose to it too.
    if (previous && at < (timeOf(previous.updatedAt) ?? -Infinity)) return false;
    if (!deletion && !previous && current.size >= MAX_MEMBERS_PER_ORGANIZATION) return false;
    const next = new Map(current);
    if (deletion) next.delete(data.id);
    else next.set(data.id, memberFromEvent(data, previous, new Date(at).toISOString()));

    await this.#ledger.write(organizationId, [...next.values()], data.id, { at, deleted: deletion, eventId: event.id });
    this.#byOrganization.set(organizationId, next);
    this.#notify(organizationId);
    // A redelivery of the event behind the stored change counts as that change again: whatever failed after it
    // the first time (onboarding progress) is done on the retry.
    return !deletion || previous !== undefined || last?.eventId === event.id;
  }

  #notify(organizationId: string): void {
    const listeners = this.#listeners.get(organizationId);
    if (!listeners || listeners.size === 0) return;
    const members = this.list(organizationId);
    for (const listener of [...listeners]) listener(members);
  }
}

export type DirectoryApi = Pick<ScalekitClient['directory'], 'listDirectories' | 'listDirectoryUsers'>;
type DirectoryUser = Awaited<ReturnType<DirectoryApi['listDirectoryUsers']>>['users'][number];

/** A member from the directory API's `DirectoryUser`; status and display name live in its `userDetail` struct. */
export function memberFromDirectoryUser(user: DirectoryUser): Member {
  const detail: Record<string, unknown> = isRecord(user.userDetail) ? user.userDetail : {};
  const raw = isRecord(detail.raw_attributes) ? detail.raw_attributes : {};
  const rawName = isRecord(raw.name) ? raw.name : {};
  const email = text(user.email) ?? text(user.emails?.[0]) ?? text(detail.email) ?? '';
  const givenName = text(user.givenName) ?? text(detail.given_name) ?? text(rawName.givenName);
  const familyName = text(user.familyName) ?? text(detail.family_name) ?? text(rawName.familyName);
  const name = text(detail.name) ?? text(rawName.formatted);
  const seconds = user.updatedAt ? Number(user.updatedAt.seconds) : NaN;
  const updatedAt = Number.isFinite(seconds)
    ? new Date(seconds * 1000 + Math.floor((user.updatedAt?.nanos ?? 0) / 1e6)).toISOString()
    : new Date().toISOString();
  const active = typeof detail.active === 'boolean' ? detail.active : typeof raw.active === 'boolean' ? raw.active : true;
  return {
    id: user.id,
    email,
    name: displayNameOf({ name, givenName, familyName, username: text(user.preferredUsername), email }),
    ...(givenName !== undefined ? { givenName } : {}),
    ...(familyName !== undefined ? { familyName } : {}),
    groups: groupNames(user.groups) ?? [],
    active,
    updatedAt,
  };
}

/** Every user of every directory of the organization, through the SDK (paged, bounded). */
export async function listMembersFromDirectory(directory: DirectoryApi, organizationId: string): Promise<Member[]> {
  const { directories } = await directory.listDirectories(organizationId);
  const members: Member[] = [];
  for (const { id: directoryId } of directories) {
    let pageToken: string | undefined;
    for (let page = 0; page < RECONCILE_MAX_PAGES; page += 1) {
      const response = await directory.listDirectoryUsers(organizationId, directoryId, {
        pageSize: RECONCILE_PAGE_SIZE,
        includeDetail: true,
        ...(pageToken ? { pageToken } : {}),
      });
      for (const user of response.users) members.push(memberFromDirectoryUser(user));
      if (!response.nextPageToken || response.nextPageToken === pageToken) break;
      pageToken = response.nextPageToken;
    }
  }
  return members;
}

export interface DemoMembersRoutesOptions {
  store: DemoMemberStore;
  /** The SDK client, for reconcile. */
  scalekit: { directory: DirectoryApi };
  /** The signed-in organization, from the demo session; null when no one is signed in. */
  organizationOf: (c: Context) => string | null | Promise<string | null>;
  /** How often an idle stream sends a comment so proxies keep it open. Default 15 s. */
  keepAliveMs?: number;
  /** Awaited with Reconcile's new list before it replaces the organization's members (persistence); a throw keeps the old ones. */
  afterReconcile?: (organizationId: string, members: Member[]) => void | Promise<void>;
  log?: (line: string) => void;
}

function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

type MembersEnv = { Variables: { organizationId: string } };

/** The demo's members routes; mount at `/api/demo/members`. */
export function demoMembersRoutes(options: DemoMembersRoutesOptions): Hono<MembersEnv> {
  const { store, scalekit, organizationOf } = options;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const app = new Hono<MembersEnv>();

  app.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    const organizationId = await organizationOf(c);
    if (!organizationId) return errorResponse(c, 401, 'unauthenticated', 'Sign in to an organization first.');
    c.set('organizationId', organizationId);
    await next();
  });

  app.get('/', (c) => c.json({ members: store.list(c.get('organizationId')) }));

  app.get('/stream', (c) => {
    const organizationId = c.get('organizationId');
    return streamSSE(c, async (stream) => {
      // Changes while a write is pending are coalesced: the latest list is what matters.
      let latest: Member[] | null = store.list(organizationId);
      let writing = false;
      const flush = async () => {
        if (writing) return;
        writing = true;
        while (latest !== null && !stream.aborted && !stream.closed) {
          const members = latest;
          latest = null;
          await stream.writeSSE({ event: 'members', data: JSON.stringify({ members }) });
        }
        writing = false;
      };
      const unsubscribe = store.subscribe(organizationId, (members) => {
        latest = members;
        void flush();
      });
      const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n'), keepAliveMs);
      keepAlive.unref();
      let end = () => {};
      const ended = new Promise<void>((resolve) => (end = resolve));
      stream.onAbort(end);
      store.closed.addEventListener('abort', end);
      try {
        if (stream.aborted || store.closed.aborted) end();
        await flush();
        await ended;
      } finally {
        clearInterval(keepAlive);
        store.closed.removeEventListener('abort', end);
        unsubscribe();
      }
    });
  });

  app.post('/reconcile', async (c) => {
    const organizationId = c.get('organizationId');
    let members: Member[];
    try {
      members = await listMembersFromDirectory(scalekit.directory, organizationId);
    } catch (error) {
      // Log the kind only: SDK errors can carry request details.
      log(`demo members: reconcile failed (${error instanceof Error ? error.name : typeof error})`);
      return errorResponse(c, 502, 'reconcile_failed', 'Could not list the directory users from Scalekit.');
    }
    const list = await store.reconcile(organizationId, members, (next) => options.afterReconcile?.(organizationId, next));
    return c.json({ members: list });
  });

  return app;
}

/** Wires a store to `scalekitWebhooks()`: use as its `onEvent`. */
export function memberEventHandler(store: DemoMemberStore) {
  return async (event: ScalekitWebhookEvent): Promise<void> => {
    await store.apply(event);
  };
}
