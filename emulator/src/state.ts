// The emulator's in-memory world: organizations with their SSO / directory settings, minted links,
// portal sessions, issued tokens and counters. Everything the gRPC services, the portal page and the
// control routes read or change lives here, so one more service (the directory module) can share it.
import { randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorFeature, EmulatorLinkRecord, EmulatorOrganization, EmulatorStats } from './types.js';

/**
 * The identity providers a person can pick in the portal's SSO section, keyed by a stable choice id, with
 * the `provider` / `type` Scalekit reports for them (the SDK's ConnectionProvider and ConnectionType names).
 */
export const SSO_CHOICES = {
  okta: { label: 'Okta', provider: 'OKTA', type: 'SAML' },
  entra: { label: 'Microsoft Entra ID', provider: 'MICROSOFT_AD', type: 'SAML' },
  google: { label: 'Google Workspace', provider: 'GOOGLE', type: 'SAML' },
  saml: { label: 'Generic SAML 2.0', provider: 'CUSTOM', type: 'SAML' },
  oidc: { label: 'Generic OIDC', provider: 'CUSTOM', type: 'OIDC' },
} as const;
export type SsoChoice = keyof typeof SSO_CHOICES;

/** Directory providers (the SDK's DirectoryProvider names, plus CUSTOM for any SCIM 2.0 client). */
export const DIRECTORY_PROVIDERS = {
  OKTA: 'Okta',
  MICROSOFT_AD: 'Microsoft Entra ID',
  GOOGLE: 'Google Workspace',
  ONELOGIN: 'OneLogin',
  JUMPCLOUD: 'JumpCloud',
  PING_IDENTITY: 'Ping Identity',
  CUSTOM: 'Other SCIM 2.0 provider',
} as const;
export type DirectoryProvider = keyof typeof DIRECTORY_PROVIDERS;

export interface SsoConnection {
  id: string; // conn_…
  choice: SsoChoice;
  provider: (typeof SSO_CHOICES)[SsoChoice]['provider'];
  type: 'OIDC' | 'SAML';
  enabled: boolean;
}

export interface DirectoryRecord {
  id: string; // dir_…
  provider: DirectoryProvider;
  enabled: boolean;
  /** SCIM base URL the customer's IdP pushes to. */
  endpoint: string;
  /** SCIM bearer token shown in the portal (emulated; nothing checks it). */
  bearerToken: string;
}

/** An organization's domain, as the SDK's `Domain` message carries it (DomainService and the portal's domain section). */
export interface DomainRecord {
  id: string; // dom_…
  /** Lower-case, without a trailing dot. */
  domain: string;
  /** ORGANIZATION_DOMAIN routes SSO sign-ins (home-realm discovery); ALLOWED_EMAIL_DOMAIN does not. */
  type: 'ORGANIZATION_DOMAIN' | 'ALLOWED_EMAIL_DOMAIN';
  status: 'PENDING' | 'VERIFIED' | 'FAILED';
  /** The TXT record the admin publishes to prove the domain is theirs. */
  txtRecordKey: string;
  txtRecordSecret: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface OrganizationRecord extends EmulatorOrganization {
  externalId?: string;
  metadata: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
  /** Feature flags set through UpdateOrganizationSettings, e.g. { sso: true }. */
  settings: Map<string, boolean>;
  sso: SsoConnection | null;
  directory: DirectoryRecord | null;
  /** By domain id. */
  domains: Map<string, DomainRecord>;
}

export interface LinkRecord {
  id: string;
  organizationId: string;
  features: EmulatorFeature[];
  /** What the GeneratePortalLink request carried in `features` (empty: none sent, so Scalekit's default of all). */
  requestedFeatures: string[];
  issuedAt: Date;
  expiresAt: Date;
  loadedAt: Date | null;
  /** Set by DeletePortalLink / DeletePortalLinkByID: the link no longer opens, and its session has ended. */
  deletedAt: Date | null;
}

export interface PortalSession {
  token: string;
  linkId: string;
  organizationId: string;
  features: EmulatorFeature[];
  expiresAt: Date;
}

/** A portal page's wait for its session to end from outside is answered "still on" after this long, then renewed. */
export const SESSION_WAIT_MS = 25_000;

const LINK_HISTORY = 100; // stats().links and the link table stay bounded on a long-running emulator
const MAX_SESSIONS = 1000;
const MAX_TOKENS = 10_000;

/** A Scalekit-looking numeric id with a prefix (`org_59615193906282635`). */
export function newId(prefix: string): string {
  const digits = BigInt(`0x${randomBytes(8).toString('hex')}`) % 10n ** 17n;
  return `${prefix}_${digits.toString().padStart(17, '1')}`;
}

export class EmulatorState {
  readonly organizations = new Map<string, OrganizationRecord>();
  readonly links = new Map<string, LinkRecord>();
  readonly sessions = new Map<string, PortalSession>();
  readonly tokens = new Set<string>();
  /** Portal pages waiting to hear that their session ended early (a deleted link), by session token. */
  readonly #sessionWaiters = new Map<string, Set<(ended: boolean) => void>>();
  tokenRequests = 0;
  rpcs: Record<string, number> = {};
  linksIssued = 0;
  linksLoaded = 0;

  /** Listeners told after SSO or directory settings change (the directory webhook sender hooks in here). */
  readonly changeListeners = new Set<(event: StateChange) => void>();

  constructor(
    private readonly seed: readonly EmulatorOrganization[],
    readonly baseUrl: () => string,
  ) {
    this.reset();
  }

  /** Back to the seed. Tokens survive, so warm SDK clients stay warm across test cases. */
  reset(): void {
    this.organizations.clear();
    this.links.clear();
    // Sessions end without waking their pages: a reset stands for "the world changed", not a host's deletion.
    // A page learns on its next call (401), as it always has.
    this.sessions.clear();
    this.tokenRequests = 0;
    this.rpcs = {};
    this.linksIssued = 0;
    this.linksLoaded = 0;
    for (const org of this.seed) this.addOrganization(org.displayName, { id: org.id });
  }

  addOrganization(displayName: string, opts: { id?: string; externalId?: string; metadata?: Record<string, string> } = {}): OrganizationRecord {
    const now = new Date();
    const record: OrganizationRecord = {
      id: opts.id ?? newId('org'),
      displayName,
      externalId: opts.externalId,
      metadata: { ...opts.metadata },
      createdAt: now,
      updatedAt: now,
      settings: new Map(),
      sso: null,
      directory: null,
      domains: new Map(),
    };
    this.organizations.set(record.id, record);
    return record;
  }

  /**
   * The organization whose verified ORGANIZATION_DOMAIN is `domain` (case-insensitive), or null: how a
   * sign-in by email or `domain_hint` finds its organization (home-realm discovery).
   */
  organizationForDomain(domain: string): OrganizationRecord | null {
    const wanted = domain.trim().toLowerCase().replace(/\.$/, '');
    for (const org of this.organizations.values()) {
      for (const record of org.domains.values()) {
        if (record.domain === wanted && record.type === 'ORGANIZATION_DOMAIN' && record.status === 'VERIFIED') return org;
      }
    }
    return null;
  }

  countRpc(method: string): void {
    this.rpcs[method] = (this.rpcs[method] ?? 0) + 1;
  }

  /** Remembers a token this emulator issued: the API accepts only those (and forgets the oldest past a bound). */
  acceptToken(token: string): void {
    if (this.tokens.size >= MAX_TOKENS) this.tokens.delete(this.tokens.values().next().value!);
    this.tokens.add(token);
  }

  mintLink(organizationId: string, features: EmulatorFeature[], ttlSeconds: number, requestedFeatures: string[] = []): LinkRecord {
    const issuedAt = new Date();
    const link: LinkRecord = {
      id: randomUUID(),
      organizationId,
      features,
      requestedFeatures,
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + ttlSeconds * 1000),
      loadedAt: null,
      deletedAt: null,
    };
    this.links.set(link.id, link);
    if (this.links.size > LINK_HISTORY) this.links.delete(this.links.keys().next().value!);
    this.linksIssued++;
    return link;
  }

  linkLocation(link: LinkRecord): string {
    return `${this.baseUrl()}/magicLink/${link.id}`;
  }

  /**
   * Consumes a link: the first load within its TTL opens a portal session; any other load gets null.
   */
  openSession(linkId: string, sessionSeconds: number, now = new Date()): PortalSession | null {
    const link = this.links.get(linkId);
    if (!link || link.loadedAt !== null || link.deletedAt !== null || now >= link.expiresAt) return null;
    if (!this.organizations.has(link.organizationId)) return null;
    link.loadedAt = now;
    this.linksLoaded++;
    const session: PortalSession = {
      token: randomBytes(24).toString('base64url'),
      linkId: link.id,
      organizationId: link.organizationId,
      features: link.features,
      expiresAt: new Date(now.getTime() + sessionSeconds * 1000),
    };
    if (this.sessions.size >= MAX_SESSIONS) this.endSession(this.sessions.keys().next().value!);
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session for a portal page's token, or null when unknown or over. */
  session(token: string | undefined, now = new Date()): PortalSession | null {
    if (!token) return null;
    const session = this.sessions.get(token);
    if (!session) return null;
    if (now >= session.expiresAt) {
      this.sessions.delete(token);
      return null;
    }
    return session;
  }

  // --- portal links: listing and deleting (GetPortalLinks, DeletePortalLink, DeletePortalLinkByID) ----------

  /**
   * An organization's links Scalekit still honours, oldest first: not deleted, and either still openable
   * (unloaded, within its TTL) or with a live session opened through it.
   */
  portalLinks(organizationId: string, now = new Date()): LinkRecord[] {
    return [...this.links.values()].filter((link) => {
      if (link.organizationId !== organizationId || link.deletedAt !== null) return false;
      if (link.loadedAt === null) return now < link.expiresAt;
      return [...this.sessions.values()].some((s) => s.linkId === link.id && now < s.expiresAt);
    });
  }

  /**
   * Deletes one of an organization's links: it no longer opens, and a session opened through it ends at once.
   * False when the organization has no such link (unknown, another organization's, or already deleted).
   */
  deletePortalLink(organizationId: string, linkId: string, now = new Date()): boolean {
    const link = this.links.get(linkId);
    // The link table is bounded: a link that aged out of it may still have a live session to end.
    const sessions = [...this.sessions.values()].filter((s) => s.linkId === linkId && s.organizationId === organizationId);
    if (link ? link.organizationId !== organizationId || link.deletedAt !== null : sessions.length === 0) return false;
    if (link) link.deletedAt = now;
    for (const session of sessions) this.endSession(session.token);
    return true;
  }

  /** Deletes every link of an organization (and ends their sessions); returns how many were live. */
  deletePortalLinks(organizationId: string, now = new Date()): number {
    let deleted = 0;
    for (const link of [...this.links.values()]) {
      if (link.organizationId === organizationId && this.deletePortalLink(organizationId, link.id, now)) deleted++;
    }
    return deleted;
  }

  /** Ends a session now and tells the portal page waiting on it. */
  endSession(token: string): void {
    this.sessions.delete(token);
    const waiters = this.#sessionWaiters.get(token);
    this.#sessionWaiters.delete(token);
    for (const wake of waiters ?? []) wake(true);
  }

  /**
   * Resolves `true` when the session ends early (its link was deleted), `false`
   * after `maxWaitMs` or when `signal` aborts (the page will ask again). A session already gone is `true` at once.
   */
  waitForSessionEnd(token: string, signal?: AbortSignal, maxWaitMs = SESSION_WAIT_MS): Promise<boolean> {
    if (!this.sessions.has(token)) return Promise.resolve(true);
    return new Promise((resolve) => {
      let waiters = this.#sessionWaiters.get(token);
      if (!waiters) this.#sessionWaiters.set(token, (waiters = new Set()));
      const done = (ended: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        waiters.delete(done);
        if (waiters.size === 0 && this.#sessionWaiters.get(token) === waiters) this.#sessionWaiters.delete(token);
        resolve(ended);
      };
      const onAbort = () => done(false);
      // Unref'd: a page left open must not keep a closing emulator's process alive.
      const timer = setTimeout(() => done(false), maxWaitMs);
      timer.unref?.();
      waiters.add(done);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Makes the directory record an organization's portal shows (SCIM URL and token exist before sync is
   * turned on, so an admin can configure the IdP first). Replaceable, so the directory module's state can
   * hand out its own ids.
   */
  createDirectoryRecord = (organizationId: string): DirectoryRecord => {
    const id = newId('dir');
    return {
      id,
      provider: 'OKTA',
      enabled: false,
      endpoint: `${this.baseUrl()}/api/v1/directories/${id}/scim/v2`,
      bearerToken: `scim_${randomBytes(24).toString('base64url')}`,
    };
  };

  ensureDirectory(org: OrganizationRecord): DirectoryRecord {
    if (!org.directory) {
      org.directory = this.createDirectoryRecord(org.id);
      this.notify({ kind: 'directory', organizationId: org.id, directory: org.directory });
    }
    return org.directory;
  }

  /** Turns SSO on or off with a provider; returns whether anything changed. */
  setSso(org: OrganizationRecord, choice: SsoChoice, enabled: boolean): boolean {
    const { provider, type } = SSO_CHOICES[choice];
    const before = org.sso;
    if (before && before.enabled === enabled && (!enabled || before.choice === choice)) return false;
    org.sso = enabled
      ? { id: before?.id ?? newId('conn'), choice, provider, type, enabled: true }
      : { ...(before ?? { id: newId('conn'), choice, provider, type }), enabled: false };
    org.settings.set('sso', enabled);
    org.updatedAt = new Date();
    this.notify({ kind: 'sso', organizationId: org.id, connection: org.sso });
    return true;
  }

  /** Turns directory sync on or off with a provider; returns whether anything changed. */
  setDirectory(org: OrganizationRecord, provider: DirectoryProvider, enabled: boolean): boolean {
    const directory = this.ensureDirectory(org);
    if (directory.enabled === enabled && (!enabled || directory.provider === provider)) return false;
    if (enabled) directory.provider = provider;
    directory.enabled = enabled;
    org.settings.set('dir_sync', enabled);
    org.updatedAt = new Date();
    this.notify({ kind: 'directory', organizationId: org.id, directory });
    return true;
  }

  notify(change: StateChange): void {
    for (const listener of this.changeListeners) listener(change);
  }

  stats(): Omit<EmulatorStats, 'unknownRoutes'> {
    const links: EmulatorLinkRecord[] = [...this.links.values()].map((l) => ({
      id: l.id,
      organizationId: l.organizationId,
      features: [...l.features],
      requestedFeatures: [...l.requestedFeatures],
      issuedAt: l.issuedAt.toISOString(),
      loadedAt: l.loadedAt ? l.loadedAt.toISOString() : null,
    }));
    return {
      tokenRequests: this.tokenRequests,
      rpcs: { ...this.rpcs },
      linksIssued: this.linksIssued,
      linksLoaded: this.linksLoaded,
      links,
    };
  }
}

export type StateChange =
  | { kind: 'sso'; organizationId: string; connection: SsoConnection }
  | { kind: 'directory'; organizationId: string; directory: DirectoryRecord };
