// 3. Endpoint throughput and latency at concurrency 1, 16 and 64: scalekitPortal() on @hono/node-server in its
// own process, the emulator in another, load from this one. The limit: the same SDK client, in the endpoint's
// process, calling the emulator directly at the same concurrency (no HTTP hop, no Hono). Beside them, the least
// an HTTP endpoint can be ("hop + SDK": the same server, client and SDK call without scalekitPortal()'s checks),
// which tells the endpoint's own cost apart from the cost of having an HTTP hop at all.
import { closedLoop, combine, type LoopLimits, type LoopResult } from './support/closed-loop.js';
import type { BenchContext } from './support/context.js';
import { cpuDuring } from './support/cpu.js';
import { startEndpointProcess } from './support/endpoint.js';
import type { BenchSection, TargetCheck } from './support/report.js';
import { ratio } from './support/stats.js';

const CONCURRENCIES = [1, 16, 64];
// Short rounds, rotating which side goes first, so a burst of other work on the machine hits every side.
const ROUNDS = 3;
const ROUND_MS = 2_000;
const MAX_CALLS = 50_000;
// The endpoint path keeps getting faster for 10–20 s of load — far longer than the bare SDK loop — so
// each path is warmed by time, not by a call count, before anything is counted.
const WARM_UP_ENDPOINT = { concurrency: 16, maxCalls: 200_000, maxMs: 20_000 };
const WARM_UP_OTHERS = { concurrency: 16, maxCalls: 100_000, maxMs: 3_000 };
const TARGET_RATIO = 0.8;

type CpuMs = Record<'emulator' | 'endpointProcess' | 'loadGenerator', number>;
type Side = 'endpoint' | 'hopAndSdk' | 'limit';
const SIDES: Side[] = ['endpoint', 'hopAndSdk', 'limit'];

interface Measured {
  result: LoopResult;
  /** CPU ms per link by process. */
  cpuPerLink: CpuMs;
}

interface Row {
  concurrency: number;
  sides: Record<Side, Measured>;
  /** endpoint ÷ limit, the target's ratio. */
  ratio: number | null;
  /** endpoint ÷ hop + SDK: what scalekitPortal()'s own work costs. */
  ratioToHopAndSdk: number | null;
}

const zeroCpu = (): CpuMs => ({ emulator: 0, endpointProcess: 0, loadGenerator: 0 });

function addInto(total: CpuMs, part: Record<string, number>): void {
  for (const key of Object.keys(total) as (keyof CpuMs)[]) total[key] += part[key] ?? 0;
}

function perLink(total: CpuMs, links: number): CpuMs {
  const each = (ms: number) => Math.round((ms / Math.max(1, links)) * 100) / 100;
  return { emulator: each(total.emulator), endpointProcess: each(total.endpointProcess), loadGenerator: each(total.loadGenerator) };
}

const formatCpu = (cpu: CpuMs) =>
  `${(cpu.emulator + cpu.endpointProcess + cpu.loadGenerator).toFixed(2)} (${cpu.emulator} + ${cpu.endpointProcess} + ${cpu.loadGenerator})`;

const formatRate = (r: LoopResult) => `${r.perSecond} (${r.p50Ms} / ${r.p99Ms})`;

export async function measureThroughput(context: BenchContext): Promise<BenchSection> {
  const emulator = await context.emulator();
  const endpoint = await startEndpointProcess(emulator.info);
  const pids = { emulator: emulator.pid, endpointProcess: endpoint.pid, loadGenerator: process.pid };
  const run: Record<Side, (limits: LoopLimits) => Promise<LoopResult>> = {
    endpoint: (limits) => closedLoop(endpoint.mintLink, limits),
    hopAndSdk: (limits) => closedLoop(endpoint.hopAndSdk, limits),
    limit: (limits) => endpoint.direct({ ...limits, client: 'endpoint' }),
  };
  const rows: Row[] = [];
  let hopAlone: { concurrency: number; result: LoopResult; cpuPerRequest: CpuMs } | undefined;
  try {
    // Warm every path (token, JIT, connections) before anything is counted.
    await run.endpoint(WARM_UP_ENDPOINT);
    await run.hopAndSdk(WARM_UP_OTHERS);
    await run.limit(WARM_UP_OTHERS);
    await closedLoop(endpoint.hopOnly, WARM_UP_OTHERS);

    for (const concurrency of CONCURRENCIES) {
      const limits = { concurrency, maxCalls: MAX_CALLS, maxMs: ROUND_MS, keepLatencies: true };
      const rounds: Record<Side, LoopResult[]> = { endpoint: [], hopAndSdk: [], limit: [] };
      const cpu: Record<Side, CpuMs> = { endpoint: zeroCpu(), hopAndSdk: zeroCpu(), limit: zeroCpu() };
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < SIDES.length; i++) {
          const side = SIDES[(round + i) % SIDES.length]!;
          const { result, cpuMs } = await cpuDuring(pids, () => run[side](limits));
          rounds[side].push(result);
          addInto(cpu[side], cpuMs);
        }
      }
      const sides = Object.fromEntries(
        SIDES.map((side) => {
          const result = combine(rounds[side]);
          return [side, { result, cpuPerLink: perLink(cpu[side], result.calls) }];
        }),
      ) as Record<Side, Measured>;
      rows.push({
        concurrency,
        sides,
        ratio: ratio(sides.endpoint.result.perSecond, sides.limit.result.perSecond),
        ratioToHopAndSdk: ratio(sides.endpoint.result.perSecond, sides.hopAndSdk.result.perSecond),
      });
    }

    // For scale: the HTTP hop alone (same server, client and body sizes; canned answer, no SDK).
    const { result, cpuMs } = await cpuDuring(pids, () => closedLoop(endpoint.hopOnly, { concurrency: 16, maxCalls: MAX_CALLS, maxMs: ROUND_MS }));
    const total = zeroCpu();
    addInto(total, cpuMs);
    hopAlone = { concurrency: 16, result, cpuPerRequest: perLink(total, result.calls) };
  } finally {
    await endpoint.stop();
  }

  const failures = (row: Row) => SIDES.reduce((sum, side) => sum + row.sides[side].result.calls - row.sides[side].result.ok, 0);
  const checks: TargetCheck[] = rows
    .filter((row) => row.concurrency >= 16)
    .map((row) => ({
      target: `≥ ${TARGET_RATIO}× the limit at concurrency ${row.concurrency}`,
      measured: `${row.ratio}× (${row.sides.endpoint.result.perSecond} vs ${row.sides.limit.result.perSecond} links/s; hop + SDK ${row.sides.hopAndSdk.result.perSecond})`,
      met: row.ratio === null ? null : row.ratio >= TARGET_RATIO && failures(row) === 0,
    }));

  return {
    id: 'throughput',
    title: `Endpoint throughput and latency (closed loop, ${ROUNDS} rotating rounds of ${ROUND_MS / 1000} s per cell)`,
    head: [
      'concurrency',
      'endpoint links/s (p50 / p99 ms)',
      'hop + SDK links/s (p50 / p99 ms)',
      'limit: bare SDK links/s (p50 / p99 ms)',
      'endpoint ÷ limit',
      'endpoint ÷ hop + SDK',
      'CPU ms/link: endpoint',
      'hop + SDK',
      'limit',
      'failures',
    ],
    rows: rows.map((row) => [
      row.concurrency,
      formatRate(row.sides.endpoint.result),
      formatRate(row.sides.hopAndSdk.result),
      formatRate(row.sides.limit.result),
      `${row.ratio}×`,
      `${row.ratioToHopAndSdk}×`,
      formatCpu(row.sides.endpoint.cpuPerLink),
      formatCpu(row.sides.hopAndSdk.cpuPerLink),
      formatCpu(row.sides.limit.cpuPerLink),
      failures(row),
    ]),
    checks,
    notes: [
      '"hop + SDK": the same server, client and SDK call (`generatePortalLink`) behind a minimal route without ' +
        'scalekitPortal()\'s checks — the least an HTTP endpoint in front of the SDK can cost.',
      `Warm-up before counting: ${WARM_UP_ENDPOINT.maxMs / 1000} s of the endpoint path at concurrency 16, then ` +
        `${WARM_UP_OTHERS.maxMs / 1000} s of each other path; a fresh endpoint process starts several times slower.`,
      'CPU ms per link = emulator + endpoint process + load generator (from /proc). Three processes share the 2 ' +
        'cores on the HTTP paths but two on the limit path, so the load generator\'s share counts against the endpoint.',
      hopAlone
        ? `For scale, the HTTP hop alone (canned JSON, no SDK) at concurrency 16: ${hopAlone.result.perSecond} req/s, ` +
          `p50 ${hopAlone.result.p50Ms} ms, CPU ms/request ${formatCpu(hopAlone.cpuPerRequest)}.`
        : '',
    ].filter(Boolean),
    data: { rounds: ROUNDS, roundMs: ROUND_MS, rows, hopAlone },
  };
}
