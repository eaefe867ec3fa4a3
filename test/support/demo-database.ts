// Northwind's in-memory databases, recycled within one test process: starting a PGlite costs about 0.7 s of CPU,
// emptying one a few milliseconds, and one test file may start a dozen demo servers. A data folder is opened as
// the demo opens it. A recycled database is as a new one: every table dropped, the schema made again.
import { after } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { demoDatabaseOn, openDemoDatabase, type DemoDatabase } from '../../demo/server/database.js';
import { createDemoServer as createServer, type DemoServer, type DemoServerOptions } from '../../demo/server/northwind.js';
import { emptyPglite } from './pglite.js';

const idle: PGlite[] = [];
let draining = false;

/**
 * Closes the kept databases; one released from then on is closed, not kept. An open PGlite keeps the process alive:
 * the root hook below runs it before the test files' own root `after` hooks, and a script outside node:test (which
 * would never reach that hook) calls it when done.
 */
export async function closeRecycledDatabases(): Promise<void> {
  draining = true;
  await Promise.all(idle.splice(0).map((db) => db.close().catch(() => undefined)));
}
after(closeRecycledDatabases);

export async function recycledDemoDatabase(dir: string | null): Promise<DemoDatabase> {
  if (dir !== null) return openDemoDatabase(dir);
  const db = idle.pop() ?? (await emptyPglite());
  return demoDatabaseOn(db, null, async () => {
    try {
      // Queued after any query still in flight; the closed wrapper refuses new ones, so nothing lands afterwards.
      if (draining) throw new Error('the tests are over');
      await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      idle.push(db);
    } catch {
      await db.close().catch(() => undefined); // the tests are over, or it was left inside a failed transaction
    }
  });
}

/** The demo's createDemoServer, on a recycled in-memory database unless the test opens its own. */
export function createDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  return createServer({ openDatabase: recycledDemoDatabase, ...options });
}
