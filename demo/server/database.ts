// DEMO ONLY. Northwind's own database: an embedded Postgres (PGlite) in a folder, so customers, members, setup
// links, onboarding progress and branding survive a restart of `npm start`. A real host uses its own database;
// everything here speaks plain SQL through `query(text, params)`, which node-postgres has too.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/** The one method the demo's stores use (PGlite and node-postgres both have it). */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface DemoDatabase extends SqlClient {
  /** Where the data lives, or null in memory. */
  readonly dir: string | null;
  close(): Promise<void>;
}

/** Default data folder, relative to the working directory (git-ignored). */
export const DEFAULT_DATA_DIR = '.data/northwind';

/**
 * Where the demo keeps its data: `NORTHWIND_DATA_DIR` (a folder, or `memory` for nothing on disk), else
 * {@link DEFAULT_DATA_DIR}.
 */
export function dataDirFromEnv(env: Record<string, string | undefined>): string | null {
  const value = (env['NORTHWIND_DATA_DIR'] ?? '').trim();
  if (value === 'memory') return null;
  return resolve(value || DEFAULT_DATA_DIR);
}

// Each statement is idempotent, so opening an existing folder is the same as opening a new one.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS northwind_customers (
  external_id     text PRIMARY KEY,
  name            text NOT NULL,
  organization_id text NOT NULL UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS northwind_members (
  organization_id text PRIMARY KEY,
  members         jsonb NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS northwind_onboarding (
  organization_id text NOT NULL,
  step            text NOT NULL,
  completed_at    timestamptz NOT NULL,
  PRIMARY KEY (organization_id, step)
);
CREATE TABLE IF NOT EXISTS northwind_settings (
  key   text PRIMARY KEY,
  value jsonb NOT NULL
);
`;

/** Opens (creating if needed) the demo database in `dir`, or in memory when `dir` is null. */
export async function openDemoDatabase(dir: string | null): Promise<DemoDatabase> {
  // Loaded on demand: the WebAssembly Postgres is only paid for by the demo server, never by the package.
  const { PGlite } = await import('@electric-sql/pglite');
  if (dir !== null) await mkdir(dir, { recursive: true });
  const db: PGlite = dir === null ? new PGlite() : new PGlite(dir);
  await db.waitReady;
  await db.exec(SCHEMA);
  let closing: Promise<void> | null = null;
  return {
    dir,
    query: async <R,>(text: string, params?: unknown[]) => {
      const result = await db.query<R>(text, params);
      return { rows: result.rows };
    },
    close: () => (closing ??= db.close()),
  };
}
