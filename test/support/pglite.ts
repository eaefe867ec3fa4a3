// An empty PGlite database in memory, loaded from the demo's cached dump of a freshly initialised cluster: initdb
// costs about 6 s of CPU per database on a 2-core machine, loading the dump about 2 s.
import { PGlite } from '@electric-sql/pglite';
import { emptyClusterDump } from '../../demo/server/database.js';

export async function emptyPglite(): Promise<PGlite> {
  const db = new PGlite({ loadDataDir: await emptyClusterDump() });
  await db.waitReady;
  return db;
}
