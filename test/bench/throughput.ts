// 3. Endpoint throughput and latency at concurrency 1, 16 and 64: scalekitPortal() on @hono/node-server in its
// own process, the emulator in another, load from this one. The limit: the same SDK client, in the endpoint's
// process, calling the emulator directly at the same concurrency (no HTTP hop, no Hono).
import { closedLoop, type LoopResult } from './support/closed-loop.js';
import type { BenchContext } from './support/context.js';
import { startEndpointProcess } from './support/endpoint.js';
import type { BenchSection, TargetCheck } from './support/report.js';
import { ratio } from './support/stats.js';

const CONCURRENCIES = [1, 16, 64];
const RUN_MS = 4_000;
const MAX_CALLS = 50_000;
const WARM_UP = { concurrency: 16, maxCalls: 500, maxMs: 3_000 };
const TARGET_RATIO = 0.8;

interface Row {
  concurrency: number;
  endpoint: LoopResult;
  limit: LoopResult;
  ratio: number | null;
}

export async function measureThroughput(context: BenchContext): Promise<BenchSection> {
  const emulator = await context.emulator();
  const endpoint = await startEndpointProcess(emulator.info);
  const rows: Row[] = [];
  try {
    // Warm both paths (token, JIT, connections) before anything is counted.
    await closedLoop(endpoint.mintLink, WARM_UP);
    await endpoint.direct({ ...WARM_UP, client: 'endpoint' });
    for (const concurrency of CONCURRENCIES) {
      const limits = { concurrency, maxCalls: MAX_CALLS, maxMs: RUN_MS };
      const viaEndpoint = await closedLoop(endpoint.mintLink, limits);
      const limit = await endpoint.direct({ ...limits, client: 'endpoint' });
      rows.push({ concurrency, endpoint: viaEndpoint, limit, ratio: ratio(viaEndpoint.perSecond, limit.perSecond) });
    }
  } finally {
    await endpoint.stop();
  }

  const failures = (result: LoopResult) => result.calls - result.ok;
  const checks: TargetCheck[] = rows
    .filter((row) => row.concurrency >= 16)
    .map((row) => ({
      target: `≥ ${TARGET_RATIO}× the limit at concurrency ${row.concurrency}`,
      measured: `${row.ratio}× (${row.endpoint.perSecond} vs ${row.limit.perSecond} links/s)`,
      met: row.ratio === null ? null : row.ratio >= TARGET_RATIO && failures(row.endpoint) === 0,
    }));

  return {
    id: 'throughput',
    title: `Endpoint throughput and latency (closed loop, ${RUN_MS / 1000} s per cell)`,
    head: ['concurrency', 'endpoint links/s', 'p50 ms', 'p99 ms', 'limit (bare SDK) links/s', 'p50 ms', 'p99 ms', 'ratio', 'failures'],
    rows: rows.map((row) => [
      row.concurrency,
      row.endpoint.perSecond,
      row.endpoint.p50Ms,
      row.endpoint.p99Ms,
      row.limit.perSecond,
      row.limit.p50Ms,
      row.limit.p99Ms,
      `${row.ratio}×`,
      failures(row.endpoint) + failures(row.limit),
    ]),
    checks,
    notes: [
      'Three processes share the 2 cores during the endpoint runs (load generator, endpoint, emulator) but two ' +
        'during the limit runs (endpoint process, emulator), so the ratio also carries the cost of the client side of the HTTP hop.',
    ],
    data: { runMs: RUN_MS, rows },
  };
}
