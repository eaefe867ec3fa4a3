// Where setup links live. The route code only ever hands a store a token's hash, never the token, and asks it
// for a handful of small operations that a shared database can do atomically (see sql-setup-link-store.ts).

/** A Scalekit portal link minted through a setup link (kept so that revoking the setup link can delete it). */
export interface MintedPortalLink {
  id: string;
  issuedAt: Date;
}

/** One setup link as stored. */
export interface SetupLinkRecord {
  /** Public id (`sl_…`), shown in listings and used to revoke. */
  id: string;
  organizationId: string;
  /** base64url SHA-256 of the token. The token itself is never stored. */
  tokenHash: string;
  note: string | null;
  /** The host's user id of whoever created it, when `authorize` named one. */
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  /** Portal links minted through it. */
  uses: number;
  /** The recent portal links minted through it, oldest first. */
  portalLinks: MintedPortalLink[];
}

/**
 * Storage for setup links. Every method may be async. A store shared by several processes must make
 * `revoke` and `recordUse` atomic on one row, so that a use racing a revocation either happens before it (and
 * its portal link is among those `revoke` returns) or sees the revocation.
 */
export interface SetupLinkStore {
  /** Save a new link (its id and token hash are fresh). */
  create(record: SetupLinkRecord): Promise<void>;
  /** The link whose token hashes to `tokenHash`, or null. */
  findByTokenHash(tokenHash: string): Promise<SetupLinkRecord | null>;
  /** The organization's links, newest first, revoked and expired ones included. */
  list(organizationId: string): Promise<SetupLinkRecord[]>;
  /**
   * Mark the organization's link `id` revoked (the first revocation time stays) and return it, or null when
   * the organization has no such link.
   */
  revoke(organizationId: string, id: string, at: Date): Promise<SetupLinkRecord | null>;
  /**
   * Count one use of link `id` at `link.issuedAt`, remember `link` and forget remembered links issued before
   * `keepSince`; return the record as it now is, or null when it is gone.
   */
  recordUse(id: string, link: MintedPortalLink, keepSince: Date): Promise<SetupLinkRecord | null>;
}

function copy(record: SetupLinkRecord): SetupLinkRecord {
  return { ...record, portalLinks: record.portalLinks.map((link) => ({ ...link })) };
}

/**
 * Setup links in this process's memory: for development, tests and single-instance hosts. Links vanish on
 * restart (revoking them all, in effect); use {@link sqlSetupLinkStore} to keep them.
 */
export class MemorySetupLinkStore implements SetupLinkStore {
  readonly #byId = new Map<string, SetupLinkRecord>();
  readonly #idByHash = new Map<string, string>();

  async create(record: SetupLinkRecord): Promise<void> {
    if (this.#byId.has(record.id) || this.#idByHash.has(record.tokenHash)) {
      throw new Error('MemorySetupLinkStore: duplicate setup link id or token hash');
    }
    this.#byId.set(record.id, copy(record));
    this.#idByHash.set(record.tokenHash, record.id);
  }

  async findByTokenHash(tokenHash: string): Promise<SetupLinkRecord | null> {
    const id = this.#idByHash.get(tokenHash);
    const record = id === undefined ? undefined : this.#byId.get(id);
    return record ? copy(record) : null;
  }

  async list(organizationId: string): Promise<SetupLinkRecord[]> {
    return [...this.#byId.values()]
      .filter((record) => record.organizationId === organizationId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map(copy);
  }

  async revoke(organizationId: string, id: string, at: Date): Promise<SetupLinkRecord | null> {
    const record = this.#byId.get(id);
    if (!record || record.organizationId !== organizationId) return null;
    record.revokedAt ??= at;
    return copy(record);
  }

  async recordUse(id: string, link: MintedPortalLink, keepSince: Date): Promise<SetupLinkRecord | null> {
    const record = this.#byId.get(id);
    if (!record) return null;
    record.uses += 1;
    record.lastUsedAt = link.issuedAt;
    record.portalLinks = [...record.portalLinks.filter((kept) => kept.issuedAt >= keepSince), { ...link }];
    return copy(record);
  }

  /** Number of links held (for tests and metrics). */
  get size(): number {
    return this.#byId.size;
  }
}
