// ensureOrganization() with the real SDK against the emulator: find by external id, create once, coalesce
// concurrent calls in one process, survive a lost create race across two real processes, refuse bad input.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Scalekit } from '@scalekit-sdk/node';
import { startEmulator, type Emulator } from '../../../emulator/src/index.js';
import { ensureOrganization, ORGANIZATION_LIMITS, scalekitRest } from '../../../server/index.js';
import { scalekitApi } from '../../../server/scalekit/sdk-adapter.js';
import { bundledEntry } from '../../support/bundled-entry.js';

const CHILD = bundledEntry('test/server/organizations/support/onboarding-child.ts');

/** A second host process with its own SDK client; `run()` starts its ensureOrganization() and returns the result. */
async function startHostProcess(emulator: Emulator, externalId: string, name: string, kind: 'sdk' | 'rest' = 'sdk') {
  const child = spawn(process.execPath, [CHILD, emulator.url, emulator.clientId, emulator.clientSecret, externalId, name, kind], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    assert.ok(!done, 'the host process ended early');
    return value as string;
  };
  assert.equal(await next(), 'ready');
  return {
    go: () => child.stdin!.write('go\n'),
    result: async () => {
      const line = JSON.parse(await next());
      if (child.exitCode === null) await once(child, 'exit');
      return line as { ok?: { organizationId: string; created: boolean; name: string }; error?: unknown };
    },
    kill: () => child.kill(),
  };
}

describe('ensureOrganization()', () => {
  let emulator: Emulator;
  let scalekit: Scalekit;
  before(async () => {
    emulator = await startEmulator({ port: 0 });
    scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  });
  after(() => emulator.close());
  beforeEach(() => emulator.reset());

  const withExternalId = async (externalId: string) =>
    (await scalekit.organization.listOrganization({ pageSize: 100 })).organizations.filter((o) => o.externalId === externalId);

  /** Two host processes call ensureOrganization() for one external id at once; exactly one creates it. */
  async function raceTwoProcesses(externalId: string, kindA: 'sdk' | 'rest', kindB: 'sdk' | 'rest') {
    const a = await startHostProcess(emulator, externalId, 'Racer A', kindA);
    const b = await startHostProcess(emulator, externalId, 'Racer B', kindB);
    try {
      a.go();
      b.go();
      const [ra, rb] = await Promise.all([a.result(), b.result()]);
      assert.ok(ra.ok && rb.ok, JSON.stringify({ ra, rb }));
      assert.equal(ra.ok.organizationId, rb.ok.organizationId);
      assert.equal([ra.ok.created, rb.ok.created].filter(Boolean).length, 1, 'exactly one created it');
      assert.equal((await withExternalId(externalId)).length, 1);
    } finally {
      a.kill();
      b.kill();
    }
  }

  it('creates the organization once, then finds it again by external id', async () => {
    const first = await ensureOrganization(scalekit, { externalId: 'tenant-1', name: '  Initech  ', metadata: { plan: 'enterprise' } });
    assert.equal(first.created, true);
    assert.equal(first.name, 'Initech');
    assert.equal(first.externalId, 'tenant-1');
    assert.match(first.organizationId, /^org_\d+$/);
    const again = await ensureOrganization(scalekit, { externalId: 'tenant-1', name: 'Renamed' });
    assert.deepEqual(again, { ...first, created: false }, 'an existing organization keeps its name');
    const [org] = await withExternalId('tenant-1');
    assert.equal(org?.id, first.organizationId);
    assert.deepEqual(org?.metadata, { plan: 'enterprise' });
  });

  it('finds an organization created elsewhere (e.g. in the Scalekit dashboard) without creating one', async () => {
    const made = await scalekit.organization.createOrganization('Globex', { externalId: 'tenant-g' });
    const before = emulator.stats().rpcs['CreateOrganization'] ?? 0;
    const found = await ensureOrganization(scalekit, { externalId: 'tenant-g', name: 'Globex' });
    assert.deepEqual(found, { organizationId: made.organization!.id, externalId: 'tenant-g', name: 'Globex', created: false });
    assert.equal(emulator.stats().rpcs['CreateOrganization'] ?? 0, before);
  });

  const clients = {
    sdk: () => scalekit,
    rest: () => scalekitRest({ environmentUrl: emulator.url, clientId: emulator.clientId, clientSecret: emulator.clientSecret }),
  };
  for (const [kind, makeClient] of Object.entries(clients)) {
    it(`concurrent calls in one process share one lookup and one create, and exactly one hears "created" (${kind})`, async () => {
      const client = makeClient();
      const externalId = `tenant-c-${kind}`;
      const results = await Promise.all(Array.from({ length: 5 }, () => ensureOrganization(client, { externalId, name: 'Concurrent' })));
      assert.equal(new Set(results.map((r) => r.organizationId)).size, 1);
      assert.deepEqual(results.map((r) => r.created), [true, false, false, false, false], 'the first caller created it; the others found it');
      assert.equal((await withExternalId(externalId)).length, 1);
      assert.equal(emulator.stats().rpcs['CreateOrganization'], 1);
      // once settled, the next call looks up again
      assert.equal((await ensureOrganization(client, { externalId, name: 'Concurrent' })).created, false);
    });
  }

  it('two processes racing for one external id end with one organization', async () => {
    await raceTwoProcesses('tenant-race', 'sdk', 'sdk');
  });

  it('a process that lost the create race (its lookup missed, its create got ALREADY_EXISTS) reads the winner back', async () => {
    const winner = await ensureOrganization(scalekit, { externalId: 'tenant-lost', name: 'Winner' });
    const loser = await startHostProcess(emulator, 'tenant-lost', 'Loser');
    try {
      // The loser's lookup runs as if before the winner's create landed.
      emulator.faults.failRpcs(1, 'not_found', 'GetOrganization');
      const createsBefore = emulator.stats().rpcs['CreateOrganization'] ?? 0;
      loser.go();
      const { ok } = await loser.result();
      assert.deepEqual(ok, { organizationId: winner.organizationId, externalId: 'tenant-lost', name: 'Winner', created: false });
      assert.equal(emulator.stats().rpcs['CreateOrganization'], createsBefore + 1, 'it tried to create, was refused');
      assert.equal((await withExternalId('tenant-lost')).length, 1);
    } finally {
      loser.kill();
    }
  });

  it('upstream failures reach the caller as the client threw them', async () => {
    emulator.faults.failRpcs(1, 'permission_denied', 'GetOrganization');
    await assert.rejects(ensureOrganization(scalekit, { externalId: 'tenant-x', name: 'X' }), { grpcStatus: 7 });
    emulator.faults.failRpcs(1, 'internal', 'CreateOrganization');
    await assert.rejects(ensureOrganization(scalekit, { externalId: 'tenant-x', name: 'X' }), { grpcStatus: 13 });
    assert.equal((await ensureOrganization(scalekit, { externalId: 'tenant-x', name: 'X' })).created, true, 'and a retry works');
  });

  it('refuses invalid input with a TypeError naming the field, before calling Scalekit', async () => {
    const rpcsBefore = JSON.stringify(emulator.stats().rpcs);
    const { nameMaxLength, externalIdMaxLength } = ORGANIZATION_LIMITS;
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /input/],
      [null, /input/],
      ['tenant', /input/],
      [{ name: 'A' }, /externalId/],
      [{ externalId: '', name: 'A' }, /externalId/],
      [{ externalId: 'x'.repeat(externalIdMaxLength + 1), name: 'A' }, /externalId/],
      [{ externalId: 42, name: 'A' }, /externalId/],
      [{ externalId: 'a\u0000b', name: 'A' }, /externalId/],
      [{ externalId: 'a\nb', name: 'A' }, /externalId/],
      [{ externalId: '\ud800', name: 'A' }, /externalId/],
      [{ externalId: 't' }, /name/],
      [{ externalId: 't', name: '' }, /name/],
      [{ externalId: 't', name: '   ' }, /name/],
      [{ externalId: 't', name: 'n'.repeat(nameMaxLength + 1) }, /name/],
      [{ externalId: 't', name: ['A'] }, /name/],
      [{ externalId: 't', name: 'A', metadata: 'plan=x' }, /metadata/],
      [{ externalId: 't', name: 'A', metadata: ['a'] }, /metadata/],
      [{ externalId: 't', name: 'A', metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`key${i}`, 'v'])) }, /metadata/],
      [{ externalId: 't', name: 'A', metadata: { ab: 'v' } }, /metadata/],
      [{ externalId: 't', name: 'A', metadata: { ['k'.repeat(26)]: 'v' } }, /metadata/],
      [{ externalId: 't', name: 'A', metadata: { key: '' } }, /metadata\.key/],
      [{ externalId: 't', name: 'A', metadata: { key: 'v'.repeat(257) } }, /metadata\.key/],
      [{ externalId: 't', name: 'A', metadata: { key: 7 } }, /metadata\.key/],
    ];
    for (const [input, field] of cases) {
      await assert.rejects(ensureOrganization(scalekit, input as never), (error: Error) => {
        assert.ok(error instanceof TypeError, `${JSON.stringify(input)?.slice(0, 60)}: ${error}`);
        assert.match(error.message, field);
        return true;
      });
    }
    await assert.rejects(ensureOrganization(null as never, { externalId: 't', name: 'A' }), TypeError);
    assert.equal(JSON.stringify(emulator.stats().rpcs), rpcsBefore, 'nothing reached Scalekit');
  });

  it('refuses an external id that cannot travel in a URL path ("." and "..") with both clients, before calling Scalekit', async () => {
    const rest = scalekitRest({ environmentUrl: emulator.url, clientId: emulator.clientId, clientSecret: emulator.clientSecret });
    const rpcsBefore = JSON.stringify(emulator.stats().rpcs);
    for (const client of [scalekit, rest]) {
      for (const externalId of ['.', '..']) {
        for (let attempt = 0; attempt < 2; attempt++) {
          await assert.rejects(
            ensureOrganization(client, { externalId, name: 'Dots' }),
            (error: Error) => error instanceof TypeError && /externalId/.test(error.message),
          );
        }
      }
    }
    assert.equal(JSON.stringify(emulator.stats().rpcs), rpcsBefore, 'nothing reached Scalekit');
    // Dots that are not a whole path segment are ordinary ids: created once, then found again.
    for (const externalId of ['...', '.hidden', 'a..b']) {
      assert.equal((await ensureOrganization(rest, { externalId, name: 'Dots' })).created, true, externalId);
      assert.equal((await ensureOrganization(rest, { externalId, name: 'Dots' })).created, false, externalId);
      assert.equal((await ensureOrganization(scalekit, { externalId, name: 'Dots' })).created, false, externalId);
    }
  });

  it('random input (seeded): either an organization or a TypeError — Scalekit never sees what it would refuse', async () => {
    let seed = 424242;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const chars = ['a', 'Z', '0', '-', '_', ' ', '\t', '\n', '\u0000', '\u007f', 'é', '中', '😀', '\ud800', '\udc00', '/', '%', '#', '"'];
    const text = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => pick(chars)).join('');
    const value = (): unknown => pick([() => text(8), () => text(300), () => 42, () => null, () => undefined, () => ['x'], () => ({ a: 1 })])();
    const outcomes = { created: 0, refused: 0 };
    for (let i = 0; i < 150; i++) {
      // Each field is plausible most of the time, hostile otherwise, so both outcomes get exercised.
      const plausible = () => random() < 0.8;
      const metadata = plausible()
        ? pick([undefined, { plan: `p${i}` }])
        : pick([null, 'plan', Object.fromEntries(Array.from({ length: Math.floor(random() * 13) }, () => [text(30), value()]))]);
      const input = {
        externalId: plausible() ? `fz-${i}-${text(10).replace(/[\u0000-\u001f\u007f\ud800-\udfff]/g, '')}` : value(),
        name: plausible() ? `Org ${i} ${text(20).replace(/[\u0000-\u001f\u007f\ud800-\udfff]/g, '')}` : pick([() => text(20), () => text(210), value])(),
        metadata,
      };
      try {
        const org = await ensureOrganization(scalekit, input as never);
        assert.equal(org.created, true, `#${i}`);
        outcomes.created++;
      } catch (error) {
        assert.ok(error instanceof TypeError, `#${i} ${JSON.stringify(input).slice(0, 120)}: ${error}`);
        outcomes.refused++;
      }
    }
    assert.ok(outcomes.created >= 10 && outcomes.refused >= 10, JSON.stringify(outcomes));
  });

  it('accepts the limits exactly, unicode included (lengths in characters)', async () => {
    const name = '組'.repeat(ORGANIZATION_LIMITS.nameMaxLength);
    const externalId = '🏢'.repeat(ORGANIZATION_LIMITS.externalIdMaxLength);
    const metadata = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${'é'.repeat(23)}${i}`, '✓'.repeat(256)]));
    const org = await ensureOrganization(scalekit, { externalId, name, metadata });
    assert.equal(org.created, true);
    assert.equal(org.name, name);
    assert.equal((await ensureOrganization(scalekit, { externalId, name })).organizationId, org.organizationId);
  });

  it('with scalekitRest(): creates once, finds again, and reads back after a lost race', async () => {
    const rest = scalekitRest({ environmentUrl: emulator.url, clientId: emulator.clientId, clientSecret: emulator.clientSecret });
    const [first, second] = await Promise.all([
      ensureOrganization(rest, { externalId: 'tenant-rest', name: 'Rest Co', metadata: { plan: 'pro' } }),
      ensureOrganization(rest, { externalId: 'tenant-rest', name: 'Rest Co' }),
    ]);
    assert.equal(first.organizationId, second.organizationId);
    assert.equal(first.created, true);
    assert.deepEqual((await withExternalId('tenant-rest'))[0]?.metadata, { plan: 'pro' });
    assert.equal((await ensureOrganization(rest, { externalId: 'tenant-rest', name: 'x' })).created, false);
    emulator.faults.failRpcs(1, 'not_found', 'GetOrganizationByExternalId');
    const creates = emulator.stats().rpcs['CreateOrganization'] ?? 0;
    const lost = await ensureOrganization(rest, { externalId: 'tenant-rest', name: 'x' });
    assert.deepEqual(lost, { ...first, created: false });
    assert.equal(emulator.stats().rpcs['CreateOrganization'], creates + 1, 'its create was refused, then it read back');
  });

  it('an SDK process and a scalekitRest() process racing end with one organization', async () => {
    await raceTwoProcesses('tenant-mixed', 'sdk', 'rest');
  });

  it('shares the SDK client\'s token with the portal-link endpoint (one token request for a cold burst)', async () => {
    const cold = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
    const before = emulator.stats().tokenRequests;
    await Promise.all([
      ensureOrganization(cold, { externalId: 'tenant-t1', name: 'T1' }),
      ensureOrganization(cold, { externalId: 'tenant-t2', name: 'T2' }),
      scalekitApi(cold).generatePortalLink('org_acme'),
    ]);
    assert.equal(emulator.stats().tokenRequests - before, 1);
  });
});
