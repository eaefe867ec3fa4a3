// DEMO ONLY. Northwind's own database: an embedded Postgres (PGlite) in a folder, so customers, members, setup
// links, onboarding progress and branding survive a restart of `npm start`. A real host uses its own database;
// everything here speaks plain SQL through `query(text, params)`, which node-postgres has too.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
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
-- Each directory user's last applied change (deletions too), so a late or retried older event changes nothing.
CREATE TABLE IF NOT EXISTS northwind_member_changes (
  organization_id text NOT NULL,
  user_id         text NOT NULL,
  changed_at      bigint NOT NULL,
  deleted         boolean NOT NULL,
  event_id        text NOT NULL,
  PRIMARY KEY (organization_id, user_id)
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

/** Another live demo server holds the data folder; the message is one line saying what to do. */
export class DataFolderInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(`another demo server (pid ${pid}) is using the data folder ${dir}; stop it, or set NORTHWIND_DATA_DIR to another folder.`);
    this.name = 'DataFolderInUseError';
  }
}

const LOCK_FILE = 'northwind-server.pid';

/**
 * Claims `dir` for this process: a file holding its pid. PGlite has no lock of its own (it writes a fixed
 * postmaster.pid and lets a second process open the folder, and then the two overwrite each other's writes).
 * A file left by a server that crashed names a pid that no longer runs, so it is taken over, never stale.
 * Resolves to the release function.
 */
async function lockDataFolder(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt += 1) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => unlink(file).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) throw new DataFolderInUseError(dir, holder);
    await unlink(file).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Opens (creating if needed) the demo database in `dir`, or in memory when `dir` is null. A folder is held by
 * one process at a time: a second open, from any process, rejects with {@link DataFolderInUseError}. A new folder and
 * an in-memory database start from a cached empty cluster: PGlite's initdb costs seconds, loading a dump of its
 * result a fraction.
 */
export async function openDemoDatabase(dir: string | null): Promise<DemoDatabase> {
  // Loaded on demand: the WebAssembly Postgres is only paid for by the demo server, never by the package.
  const { PGlite } = await import('@electric-sql/pglite');
  let db: PGlite;
  let unlock = async () => {};
  try {
    if (dir !== null) {
      await mkdir(dir, { recursive: true });
      unlock = await lockDataFolder(dir);
      if (!existsSync(join(dir, 'PG_VERSION'))) {
        // A new folder: filled from the cached empty cluster (a third of initdb's CPU), then started again.
        // WebAssembly memory never shrinks, and the fill's peak would otherwise stay with the server for its life.
        const fresh = new PGlite(dir, { loadDataDir: await emptyClusterDump() });
        await fresh.waitReady;
        await fresh.close();
      }
      db = new PGlite(dir);
    } else {
      db = new PGlite({ loadDataDir: await emptyClusterDump() });
    }
    await db.waitReady;
    return await demoDatabaseOn(db, dir, () => db.close().finally(unlock));
  } catch (error) {
    await unlock();
    throw error;
  }
}

/**
 * Northwind's tables on an open PGlite, created if missing. `release` runs once, on the first close; from then on
 * every query rejects, as it would on a closed PGlite, whatever `release` did with it.
 */
export async function demoDatabaseOn(db: PGlite, dir: string | null, release: () => Promise<void>): Promise<DemoDatabase> {
  try {
    await db.exec(SCHEMA);
  } catch (error) {
    await release(); // an open PGlite would keep the process alive
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    dir,
    query: async <R,>(text: string, params?: unknown[]) => {
      if (closing) throw new Error('the Northwind database is closed');
      const result = await db.query<R>(text, params);
      return { rows: result.rows };
    },
    close: () => (closing ??= release()),
  };
}

let emptyCluster: Promise<Blob> | null = null;

/**
 * The temp folder is shared: a cached cluster is used only when this user owns it and no one else may write it
 * (anyone else's file is ignored, then replaced by the rename below).
 */
async function isOwnFile(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return false;
  return (process.getuid === undefined || info.uid === process.getuid()) && (info.mode & 0o022) === 0;
}

/**
 * A freshly initialised cluster as a tar, kept gzipped in the temp folder (made once per PGlite version and
 * machine). It is handed to PGlite uncompressed: PGlite would first try to untar the gzip bytes, fail, and then
 * gunzip through web streams, about 0.3 s of CPU per database more than node:zlib here.
 */
export function emptyClusterDump(): Promise<Blob> {
  return (emptyCluster ??= (async () => {
    // Its package.json is not exported; it sits one folder above the entry point.
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const { version } = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
    const file = join(tmpdir(), `northwind-pglite-${version}-empty.tar.gz`);
    const cached = (await isOwnFile(file)) ? await readFile(file).catch(() => null) : null;
    const unzipped = cached ? await promisify(gunzip)(cached).catch(() => null) : null;
    if (unzipped) return new Blob([unzipped]);
    const { PGlite } = await import('@electric-sql/pglite');
    const scratch = join(tmpdir(), `northwind-pglite-init-${randomBytes(6).toString('hex')}`);
    const db = new PGlite(scratch);
    try {
      await db.waitReady;
      const tar = await db.dumpDataDir('none');
      const bytes = Buffer.from(await tar.arrayBuffer());
      // Written aside and renamed, so a concurrent process never reads half a file.
      const partial = `${file}.${randomBytes(6).toString('hex')}`;
      await writeFile(partial, await promisify(gzip)(bytes), { mode: 0o600 });
      await rename(partial, file);
      return new Blob([bytes]);
    } finally {
      await db.close();
      await rm(scratch, { recursive: true, force: true });
    }
  })());
}
