// 5. Memory: the endpoint process's RSS after 10 000 links against its RSS after 1 000 (both after a full GC),
// to show nothing grows per link (no cache of links, a bounded rate-limit store, no leaked sockets).
import { closedLoop, type LoopResult } from './support/closed-loop.js';
import type { BenchContext } from './support/context.js';
import { startEndpointProcess, type MemorySnapshot } from './support/endpoint.js';
import type { BenchSection } from './support/report.js';
import { round } from './support/stats.js';

const FIRST = 1_000;
const TOTAL = 10_000;
const CONCURRENCY = 16;
// Per phase; generous because a busy shared machine can mint as few as ~60 links/s.
const MAX_MS = 240_000;
const TARGET_GROWTH = 0.2;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export async function measureMemory(context: BenchContext): Promise<BenchSection> {
  const emulator = await context.emulator();
  const endpoint = await startEndpointProcess(emulator.info, { exposeGc: true, built: true });
  let first: LoopResult;
  let rest: LoopResult;
  let atFirst: MemorySnapshot;
  let atTotal: MemorySnapshot;
  try {
    first = await closedLoop(endpoint.mintLink, { concurrency: CONCURRENCY, maxCalls: FIRST, maxMs: MAX_MS });
    atFirst = await endpoint.memory();
    rest = await closedLoop(endpoint.mintLink, { concurrency: CONCURRENCY, maxCalls: TOTAL - FIRST, maxMs: MAX_MS });
    atTotal = await endpoint.memory();
  } finally {
    await endpoint.stop();
  }

  const links = { first: first.ok, total: first.ok + rest.ok };
  const growth = atTotal.rss / atFirst.rss - 1;
  const heapGrowth = atTotal.heapUsed / atFirst.heapUsed - 1;
  const complete = links.total === TOTAL && first.calls === first.ok && rest.calls === rest.ok;
  return {
    id: 'memory',
    title: 'Endpoint process memory (after a full GC)',
    head: ['links minted', 'RSS', 'heap used'],
    rows: [
      [links.first, mib(atFirst.rss), mib(atFirst.heapUsed)],
      [links.total, mib(atTotal.rss), mib(atTotal.heapUsed)],
      ['growth', `${round(growth * 100)}%`, `${round(heapGrowth * 100)}%`],
    ],
    checks: [
      {
        target: `RSS growth ≤ ${TARGET_GROWTH * 100}% from ${FIRST} to ${TOTAL} links`,
        measured: `${round(growth * 100)}%${complete ? '' : ` (time bound hit after ${links.total} links)`}`,
        // Not reaching 10 000 links within the time bound proves nothing either way.
        met: complete && atFirst.gcExposed ? growth <= TARGET_GROWTH : null,
      },
    ],
    notes: [
      'The endpoint runs built by esbuild with node alone, as a host runs it (through tsx, its loader thread adds a ' +
        'V8 heap of its own); RSS is read once it stops falling after a full GC; heap used is the JavaScript heap alone. ' +
        'The first 1 000 links still include JIT warm-up; `npm run bench -- soak` shows whether memory levels off.',
    ],
    data: { links, atFirst, atTotal, growth, heapGrowth, concurrency: CONCURRENCY },
  };
}
