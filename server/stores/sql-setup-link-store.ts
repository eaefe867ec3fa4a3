// Setup links in Postgres, through any client with `query(text, params) → Promise<{ rows }>`: node-postgres
// (`pg.Pool`, `pg.Client`), PGlite, and most Postgres drivers' thin wrappers. One table, created if missing;
// every change is a single statement, so concurrent processes stay consistent without transactions.

import type { MintedPortalLink, SetupLinkRecord, SetupLinkStore } from './setup-link-store.js';

/** The one method the store needs from a database client. */
export interface SqlQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

export interface SqlSetupLinkStoreOptions {
  /** Table name, optionally schema-qualified (`app.setup_links`). Default `scalekit_setup_links`. */
  table?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

// Postgres reports a CREATE … IF NOT EXISTS that lost a race with another process's identical statement as
// one of these; the object exists either way.
const ALREADY_CREATED = new Set(['42P07', '23505', '42710']);

/**
 * A {@link SetupLinkStore} on Postgres. The table is created on first use if it is missing.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const store = sqlSetupLinkStore(new pg.Pool({ connectionString: env.DATABASE_URL }));
 * app.route('/api/scalekit', scalekitSetupLinks({ scalekit, authorize, publicUrl, store }));
 * ```
 */
export function sqlSetupLinkStore(db: SqlQueryable, options: SqlSetupLinkStoreOptions = {}): SetupLinkStore {
  if (typeof db !== 'object' || db === null || typeof db.query !== 'function') {
    throw new TypeError('sqlSetupLinkStore: `db` must have query(text, params) (node-postgres, PGlite, …)');
  }
  const table = options.table ?? 'scalekit_setup_links';
  const parts = table.split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new TypeError('sqlSetupLinkStore: `table` must be a lower-case SQL identifier, optionally schema.table');
  }
  const indexName = `${parts[parts.length - 1]}_organization_idx`.slice(0, 63);

  let ready: Promise<void> | null = null;
  const ensureTable = (): Promise<void> => {
    ready ??= (async () => {
      await tolerateRace(db.query(`CREATE TABLE IF NOT EXISTS ${table} (
        id text PRIMARY KEY,
        organization_id text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        note text,
        created_by text,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        last_used_at timestamptz,
        uses integer NOT NULL DEFAULT 0,
        portal_links jsonb NOT NULL DEFAULT '[]'::jsonb
      )`));
      await tolerateRace(db.query(`CREATE INDEX IF NOT EXISTS ${indexName} ON ${table} (organization_id, created_at DESC)`));
    })().catch((error) => {
      ready = null; // try again on the next call rather than fail forever
      throw error;
    });
    return ready;
  };

  const run = async (text: string, params: unknown[]) => {
    await ensureTable();
    return (await db.query(text, params)).rows;
  };

  return {
    async create(record) {
      await run(
        `INSERT INTO ${table} (id, organization_id, token_hash, note, created_by, created_at, expires_at, revoked_at,
           last_used_at, uses, portal_links)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)`,
        [
          record.id,
          record.organizationId,
          record.tokenHash,
          record.note,
          record.createdBy,
          record.createdAt,
          record.expiresAt,
          record.revokedAt,
          record.lastUsedAt,
          record.uses,
          JSON.stringify(record.portalLinks.map(toJsonLink)),
        ],
      );
    },

    async findByTokenHash(tokenHash) {
      const rows = await run(`SELECT * FROM ${table} WHERE token_hash = $1`, [tokenHash]);
      return rows[0] ? fromRow(rows[0]) : null;
    },

    async list(organizationId) {
      const rows = await run(`SELECT * FROM ${table} WHERE organization_id = $1 ORDER BY created_at DESC, id`, [organizationId]);
      return rows.map(fromRow);
    },

    async revoke(organizationId, id, at) {
      const rows = await run(
        `UPDATE ${table} SET revoked_at = COALESCE(revoked_at, $3) WHERE organization_id = $1 AND id = $2 RETURNING *`,
        [organizationId, id, at],
      );
      return rows[0] ? fromRow(rows[0]) : null;
    },

    async recordUse(id, link, keepSince) {
      // One statement: the row lock orders it against a concurrent revoke.
      const rows = await run(
        `UPDATE ${table} SET
           uses = uses + 1,
           last_used_at = $3,
           portal_links = COALESCE(
             (SELECT jsonb_agg(kept ORDER BY n) FROM jsonb_array_elements(portal_links) WITH ORDINALITY AS e(kept, n)
               WHERE (kept->>'issuedAt')::timestamptz >= $4),
             '[]'::jsonb) || jsonb_build_array($2::jsonb)
         WHERE id = $1 RETURNING *`,
        [id, JSON.stringify(toJsonLink(link)), link.issuedAt, keepSince],
      );
      return rows[0] ? fromRow(rows[0]) : null;
    },
  };
}

async function tolerateRace(query: Promise<unknown>): Promise<void> {
  try {
    await query;
  } catch (error) {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    if (typeof code !== 'string' || !ALREADY_CREATED.has(code)) throw error;
  }
}

function toJsonLink(link: MintedPortalLink): { id: string; issuedAt: string } {
  return { id: link.id, issuedAt: link.issuedAt.toISOString() };
}

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new Error('sqlSetupLinkStore: the table holds an unreadable timestamp');
  return date;
}

function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

function fromRow(row: Record<string, unknown>): SetupLinkRecord {
  const links = typeof row['portal_links'] === 'string' ? JSON.parse(row['portal_links']) : row['portal_links'];
  return {
    id: String(row['id']),
    organizationId: String(row['organization_id']),
    tokenHash: String(row['token_hash']),
    note: row['note'] === null || row['note'] === undefined ? null : String(row['note']),
    createdBy: row['created_by'] === null || row['created_by'] === undefined ? null : String(row['created_by']),
    createdAt: toDate(row['created_at']),
    expiresAt: toDate(row['expires_at']),
    revokedAt: toDateOrNull(row['revoked_at']),
    lastUsedAt: toDateOrNull(row['last_used_at']),
    uses: Number(row['uses']),
    portalLinks: Array.isArray(links)
      ? links
          .filter((link): link is { id: string; issuedAt: string } => typeof link?.id === 'string')
          .map((link) => ({ id: link.id, issuedAt: toDate(link.issuedAt) }))
      : [],
  };
}
