// One behaviour suite for every SetupLinkStore the package ships: MemorySetupLinkStore and sqlSetupLinkStore()
// on real Postgres (PGlite, in memory).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { PGlite } from '@electric-sql/pglite';
import { emptyPglite } from '../../support/pglite.js';
import { MemorySetupLinkStore, sqlSetupLinkStore } from '../../../server/index.js';
import type { SetupLinkRecord, SetupLinkStore } from '../../../server/index.js';
import { hashSetupToken, newSetupLinkId, newSetupToken } from '../../../server/setup-links/token.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);

async function record(organizationId: string, createdMs = 0, overrides: Partial<SetupLinkRecord> = {}): Promise<SetupLinkRecord> {
  return {
    id: newSetupLinkId(),
    organizationId,
    tokenHash: await hashSetupToken(newSetupToken()),
    note: null,
    createdBy: null,
    createdAt: at(createdMs),
    expiresAt: at(createdMs + 86_400_000),
    revokedAt: null,
    lastUsedAt: null,
    uses: 0,
    portalLinks: [],
    ...overrides,
  };
}

function storeSuite(name: string, open: () => Promise<{ store: SetupLinkStore; close(): Promise<void> }>) {
  describe(`SetupLinkStore behaviour: ${name}`, () => {
    let store: SetupLinkStore;
    let close: () => Promise<void>;
    before(async () => ({ store, close } = await open()));
    after(() => close());

    it('creates and finds a link by its token hash, every field intact', async () => {
      const created = await record('org_a', 5, { note: 'For Jane — IT 🛠', createdBy: 'user_1' });
      await store.create(created);
      assert.deepEqual(await store.findByTokenHash(created.tokenHash), created);
      assert.equal(await store.findByTokenHash(await hashSetupToken(newSetupToken())), null);
      assert.equal(await store.findByTokenHash(''), null);
    });

    it('lists one organization\'s links, newest first, and nobody else\'s', async () => {
      const older = await record('org_list', 1_000);
      const newer = await record('org_list', 2_000);
      const other = await record('org_other', 3_000);
      for (const r of [older, other, newer]) await store.create(r);
      assert.deepEqual((await store.list('org_list')).map((r) => r.id), [newer.id, older.id]);
      assert.deepEqual(await store.list('org_nobody'), []);
    });

    it('revokes within the organization only, keeping the first revocation time', async () => {
      const link = await record('org_r');
      await store.create(link);
      assert.equal(await store.revoke('org_other', link.id, at(10)), null);
      assert.equal(await store.revoke('org_r', 'sl_unknown', at(10)), null);
      assert.deepEqual((await store.revoke('org_r', link.id, at(10)))?.revokedAt, at(10));
      assert.deepEqual((await store.revoke('org_r', link.id, at(20)))?.revokedAt, at(10));
      assert.deepEqual((await store.findByTokenHash(link.tokenHash))?.revokedAt, at(10));
    });

    it('records uses: count, last use, the minted links, forgetting those issued before keepSince', async () => {
      const link = await record('org_u');
      await store.create(link);
      await store.recordUse(link.id, { id: 'pl-1', issuedAt: at(100) }, at(0));
      await store.recordUse(link.id, { id: 'pl-2', issuedAt: at(200) }, at(0));
      const after = await store.recordUse(link.id, { id: 'pl-3', issuedAt: at(300) }, at(150));
      assert.equal(after?.uses, 3);
      assert.deepEqual(after?.lastUsedAt, at(300));
      assert.deepEqual(after?.portalLinks, [{ id: 'pl-2', issuedAt: at(200) }, { id: 'pl-3', issuedAt: at(300) }]);
      assert.deepEqual(await store.findByTokenHash(link.tokenHash), after);
      assert.equal(await store.recordUse('sl_gone', { id: 'pl-x', issuedAt: at(1) }, at(0)), null);
    });

    it('concurrent uses all count, and a revocation racing them returns every link recorded before it', async () => {
      const link = await record('org_c');
      await store.create(link);
      const uses = Array.from({ length: 20 }, (_, i) => store.recordUse(link.id, { id: `pl-${i}`, issuedAt: at(i) }, at(0)));
      const revoked = store.revoke('org_c', link.id, at(10));
      const results = await Promise.all(uses);
      const revocation = await revoked;
      const final = await store.findByTokenHash(link.tokenHash);
      assert.equal(final?.uses, 20);
      assert.equal(final?.portalLinks.length, 20);
      // every use either happened before the revocation (its link is in what revoke returned) or saw it
      for (const [i, result] of results.entries()) {
        const seenByRevoke = revocation!.portalLinks.some((l) => l.id === `pl-${i}`);
        assert.ok(seenByRevoke || result?.revokedAt !== null, `use ${i}`);
      }
    });

    it('returns copies: changing a returned record changes nothing stored', async () => {
      const link = await record('org_copy');
      await store.create(link);
      const found = (await store.findByTokenHash(link.tokenHash))!;
      found.uses = 99;
      found.portalLinks.push({ id: 'x', issuedAt: at(0) });
      assert.equal((await store.findByTokenHash(link.tokenHash))?.uses, 0);
      assert.deepEqual((await store.findByTokenHash(link.tokenHash))?.portalLinks, []);
    });

    it('refuses a second link with the same token hash', async () => {
      const link = await record('org_dup');
      await store.create(link);
      await assert.rejects(store.create({ ...link, id: newSetupLinkId() }));
    });
  });
}

storeSuite('MemorySetupLinkStore', async () => ({ store: new MemorySetupLinkStore(), close: async () => {} }));

storeSuite('sqlSetupLinkStore on PGlite', async () => {
  const db = await emptyPglite();
  return { store: sqlSetupLinkStore(db), close: () => db.close() };
});

describe('sqlSetupLinkStore specifics (PGlite)', () => {
  let db: PGlite;
  before(async () => {
    db = await emptyPglite();
  });
  after(() => db.close());

  it('creates its table (and index) if missing, once, even when several stores start together', async () => {
    const stores = [sqlSetupLinkStore(db), sqlSetupLinkStore(db), sqlSetupLinkStore(db)];
    await Promise.all(stores.map((s) => s.list('org_x')));
    const tables = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'scalekit_setup_links'`);
    assert.equal(tables.rows[0]?.n, 1);
    const indexes = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'scalekit_setup_links'`);
    assert.ok((indexes.rows[0]?.n ?? 0) >= 2);
  });

  it('keeps links across store instances (a restart), and stores only the hash', async () => {
    const token = newSetupToken();
    const link = await record('org_persist', 0, { tokenHash: await hashSetupToken(token) });
    await sqlSetupLinkStore(db).create(link);
    assert.deepEqual(await sqlSetupLinkStore(db).findByTokenHash(link.tokenHash), link);
    const dump = JSON.stringify((await db.query('SELECT * FROM scalekit_setup_links')).rows);
    assert.ok(!dump.includes(token), 'the token is nowhere in the table');
  });

  it('takes a custom (schema-qualified) table name, and refuses anything that is not an identifier', async () => {
    await db.query('CREATE SCHEMA IF NOT EXISTS onboarding');
    const store = sqlSetupLinkStore(db, { table: 'onboarding.links' });
    const link = await record('org_schema');
    await store.create(link);
    assert.equal((await store.list('org_schema')).length, 1);
    for (const table of ['links; DROP TABLE x', 'Links', '"links"', 'a.b.c', '', '1links', 'x'.repeat(64)]) {
      assert.throws(() => sqlSetupLinkStore(db, { table }), TypeError, table);
    }
    for (const bad of [null, {}, { query: 'no' }]) assert.throws(() => sqlSetupLinkStore(bad as never), TypeError);
  });

  it('a failed table creation is retried on the next call', async () => {
    let fail = true;
    const flaky = {
      query: (text: string, params?: unknown[]) => {
        if (fail && text.startsWith('CREATE TABLE')) {
          fail = false;
          return Promise.reject(Object.assign(new Error('connection lost'), { code: '08006' }));
        }
        return db.query(text, params) as Promise<{ rows: Array<Record<string, unknown>> }>;
      },
    };
    const store = sqlSetupLinkStore(flaky, { table: 'flaky_links' });
    await assert.rejects(store.list('org'), /connection lost/);
    assert.deepEqual(await store.list('org'), []);
  });
});
