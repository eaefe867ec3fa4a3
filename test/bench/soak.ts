// 7. Soak: 100 000 links through one endpoint process, its memory sampled (after a full GC) every 10 000.
// The figure is RSS growth over the second half, once start-up and JIT warm-up are behind: a token endpoint
// runs for weeks, so what matters is whether memory levels off, not what the first thousand links cost.
// Not in the default run (minutes on a quiet machine, tens of minutes on a busy one): `npm run bench -- soak`.
import { closedLoop } from './support/closed-loop.js';
import type { BenchContext } from './support/context.js';
import { startEndpointProcess, type HeapCounts, type MemorySnapshot } from './support/endpoint.js';
import type { BenchSection } from './support/report.js';
import { round } from './support/stats.js';

const STEP = 10_000;
// BENCH_SOAK_LINKS, a multiple of twice STEP, for a longer (or a quicker, diagnostic) soak.
const TOTAL = Number(process.env['BENCH_SOAK_LINKS'] ?? 100_000);
const CONCURRENCY = 16;
// The whole soak, 90 minutes per 100 000 links: generous because a busy shared machine can mint as few as
// ~30 links/s.
const MAX_MS = (TOTAL / 100_000) * 90 * 60_000;
const TARGET_GROWTH = 0.05;
// BENCH_SOAK_HEAP_COUNTS=1: also count live objects (heap snapshots) at the half and at the end. Diagnostic only:
// writing a snapshot leaves the process ~110 MiB of malloc heap it keeps, so that run's RSS figure means nothing.
const HEAP_COUNTS = process.env['BENCH_SOAK_HEAP_COUNTS'] === '1';

/** The entries whose live count changed most between two heap counts, as `object Foo +12 (1.2 KiB)`. */
function countChanges(before: HeapCounts, after: HeapCounts, top = 12): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .map((key) => ({ key, count: (after[key]?.count ?? 0) - (before[key]?.count ?? 0), bytes: (after[key]?.bytes ?? 0) - (before[key]?.bytes ?? 0) }))
    .filter((change) => change.count !== 0)
    .sort((a, b) => Math.abs(b.count) - Math.abs(a.count))
    .slice(0, top)
    .map((change) => `${change.key} ${change.count > 0 ? '+' : ''}${change.count} (${change.bytes > 0 ? '+' : ''}${round(change.bytes / 1024)} KiB)`);
}

const totalOf = (counts: HeapCounts) => Object.values(counts).reduce((sum, entry) => ({ count: sum.count + entry.count, bytes: sum.bytes + entry.bytes }), { count: 0, bytes: 0 });

export interface SoakSample extends MemorySnapshot {
  links: number;
  /** Seconds since the first link was requested. */
  elapsedS: number;
}

const mib = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)}` : 'n/a');
const percent = (value: number) => `${value >= 0 ? '+' : ''}${round(value * 100)}%`;

/** `{ TCPSocketWrap: 3, Timeout: 1 }` → `TCPSocketWrap 3, Timeout 1`. */
const resources = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');

export async function measureSoak(context: BenchContext): Promise<BenchSection> {
  if (!Number.isInteger(TOTAL) || TOTAL <= 0 || TOTAL % (2 * STEP) !== 0) {
    throw new Error(`BENCH_SOAK_LINKS must be a positive multiple of ${2 * STEP}, not ${process.env['BENCH_SOAK_LINKS']}`);
  }
  const emulator = await context.emulator();
  // Built, as a host runs it; BENCH_SOAK_TSX=1 shows what running through tsx adds.
  const built = process.env['BENCH_SOAK_TSX'] !== '1';
  const endpoint = await startEndpointProcess(emulator.info, { exposeGc: true, built });
  const samples: SoakSample[] = [];
  const heapCounts: { links: number; counts: HeapCounts }[] = [];
  const failures: Record<string, number> = {};
  let links = 0;
  const begin = performance.now();
  const sample = async () => {
    const snapshot: SoakSample = { links, elapsedS: round((performance.now() - begin) / 1000, 0), ...(await endpoint.memory()) };
    samples.push(snapshot);
    process.stderr.write(
      `bench: soak ${links} links, ${snapshot.elapsedS} s: RSS ${mib(snapshot.rss)} MiB (${mib(snapshot.rssAtGc)} right after GC), ` +
        `V8 pages ${mib(snapshot.v8Pages)}, heap total ${mib(snapshot.heapTotal)}, heap used ${mib(snapshot.heapUsed)}, ` +
        `malloc heaps ${mib(snapshot.mallocArenas)}, external ${mib(snapshot.external)}, arrayBuffers ${mib(snapshot.arrayBuffers)}\n`,
    );
  };
  try {
    await sample();
    while (links < TOTAL) {
      const step = await closedLoop(endpoint.mintLink, { concurrency: CONCURRENCY, maxCalls: STEP, maxMs: begin + MAX_MS - performance.now() });
      links += step.ok;
      for (const [outcome, n] of Object.entries(step.failures)) failures[outcome] = (failures[outcome] ?? 0) + n;
      await sample();
      if (HEAP_COUNTS && (links === TOTAL / 2 || links === TOTAL)) heapCounts.push({ links, counts: await endpoint.heapCounts() });
      // A step cut short by its time bound (or by failures) would sample at the wrong counts: stop there.
      if (step.ok !== STEP) break;
    }
  } finally {
    await endpoint.stop();
  }

  const complete = links === TOTAL;
  const first = samples[0]!;
  const half = samples.find((s) => s.links === TOTAL / 2);
  const last = samples.at(-1)!;
  const growth = (key: 'rss' | 'heapUsed' | 'external' | 'arrayBuffers' | 'rssAnon' | 'mallocArenas' | 'v8Pages') =>
    half && complete ? last[key] / half[key] - 1 : Number.NaN;
  const secondHalf = {
    rss: growth('rss'),
    rssAnon: growth('rssAnon'),
    mallocArenas: growth('mallocArenas'),
    v8Pages: growth('v8Pages'),
    heapUsed: growth('heapUsed'),
    external: growth('external'),
    arrayBuffers: growth('arrayBuffers'),
  };
  const elapsedS = round((performance.now() - begin) / 1000, 0);
  const arenaMax = process.env['MALLOC_ARENA_MAX'];

  return {
    id: 'soak',
    title: `Soak: one endpoint process, ${TOTAL} links (MiB after a full GC, every ${STEP} links)`,
    head: [
      'links',
      'seconds',
      'RSS',
      'RSS right after GC',
      'anonymous RSS',
      'V8 pages',
      'malloc heaps',
      'heap used',
      'heap total',
      'external',
      'arrayBuffers',
      'code space',
      'live handles',
    ],
    rows: [
      ...samples.map((s) => [
        s.links,
        s.elapsedS,
        mib(s.rss),
        mib(s.rssAtGc),
        mib(s.rssAnon),
        mib(s.v8Pages),
        mib(s.mallocArenas),
        mib(s.heapUsed),
        mib(s.heapTotal),
        mib(s.external),
        mib(s.arrayBuffers),
        mib(s.codeSpace),
        resources(s.resources),
      ]),
      [
        `second half (${TOTAL / 2} → ${TOTAL})`,
        '',
        percent(secondHalf.rss),
        '',
        percent(secondHalf.rssAnon),
        percent(secondHalf.v8Pages),
        percent(secondHalf.mallocArenas),
        percent(secondHalf.heapUsed),
        '',
        percent(secondHalf.external),
        percent(secondHalf.arrayBuffers),
        '',
        '',
      ],
    ],
    checks: [
      {
        target: `RSS growth ≤ ${TARGET_GROWTH * 100}% over the second half of ${TOTAL} links (a plateau)`,
        measured: complete
          ? `${percent(secondHalf.rss)} (${mib(half!.rss)} → ${mib(last.rss)} MiB; ${TOTAL} links in ${elapsedS} s)`
          : `stopped after ${links} links (${JSON.stringify(failures)})`,
        // A soak cut short by its time bound or by failures proves nothing either way.
        met: complete && first.gcExposed && !HEAP_COUNTS ? secondHalf.rss <= TARGET_GROWTH : null,
      },
    ],
    notes: [
      `Closed loop at concurrency ${CONCURRENCY} from the bench process; the endpoint (${built ? 'built by esbuild, run by node alone' : 'through tsx'}) ` +
        `and the emulator each in a process of their own. Run alone: \`npm run bench -- soak\` (${elapsedS} s here).`,
      'RSS is read once it stops falling after the GC; "right after GC" it still counts pages V8 has yet to unmap. ' +
        'Anonymous RSS is RSS without mapped files (node, shared libraries). "V8 pages": resident heap pages of every isolate; ' +
        '"malloc heaps": the resident part of glibc\'s arenas, freed memory it keeps for reuse included (both from /proc/self/smaps). ' +
        '"live handles": libuv handles by kind, sockets and timers included.',
      ...heapCountNotes(heapCounts),
      arenaMax === undefined
        ? 'glibc malloc with its default arenas (MALLOC_ARENA_MAX unset).'
        : `MALLOC_ARENA_MAX=${arenaMax} (inherited by the endpoint and emulator processes).`,
    ],
    data: { total: TOTAL, step: STEP, concurrency: CONCURRENCY, built, samples, heapCounts, secondHalf, failures, elapsedS, mallocArenaMax: arenaMax ?? null },
  };
}

function heapCountNotes(heapCounts: { links: number; counts: HeapCounts }[]): string[] {
  if (heapCounts.length < 2) return heapCounts.length === 0 ? [] : ['Heap counts: only one snapshot was taken.'];
  const [before, after] = [heapCounts[0]!, heapCounts.at(-1)!];
  const [b, a] = [totalOf(before.counts), totalOf(after.counts)];
  return [
    `Heap snapshots at ${before.links} and ${after.links} links: ${b.count} → ${a.count} live objects, ` +
      `${round(b.bytes / 1024 / 1024)} → ${round(a.bytes / 1024 / 1024)} MiB. Largest changes in count: ` +
      `${countChanges(before.counts, after.counts).join(', ') || 'none'}. (A diagnostic run: its RSS figure is not a verdict.)`,
  ];
}
