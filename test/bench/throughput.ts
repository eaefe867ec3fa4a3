// 3. Endpoint throughput and latency at concurrency 1, 16 and 64: scalekitPortal() on @hono/node-server in its
// own process, the emulator in another, load from this one. The limit: the same SDK client, in the endpoint's
// process, calling the emulator directly at the same concurrency (no HTTP hop, no Hono).
import { closedLoop, combine, type LoopResult } from './support/closed-loop.js';
import type { BenchContext } from './support/context.js';
import { cpuDuring } from './support/cpu.js';
import { startEndpointProcess } from './support/endpoint.js';
import type { BenchSection, TargetCheck } from './support/report.js';
import { ratio } from './support/stats.js';

const CONCURRENCIES = [1, 16, 64];
// Short rounds, alternating which side goes first, so a burst of other work on the machine hits both sides.
const ROUNDS = 3;
const ROUND_MS = 2_000;
const MAX_CALLS = 50_000;
// The endpoint path keeps getting faster for 10–20 s of load — far longer than the bare SDK loop — so
// each path is warmed by time, not by a call count, before anything is counted.
const WARM_UP_ENDPOINT = { concurrency: 16, maxCalls: 200_000, maxMs: 20_000 };
const WARM_UP_OTHERS = { concurrency: 16, maxCalls: 100_000, maxMs: 3_000 };
const TARGET_RATIO = 0.8;

type CpuMs = Record<'emulator' | 'endpointProcess' | 'loadGenerator', number>;

interface Row {
  concurrency: number;
  endpoint: LoopResult;
  limit: LoopResult;
  ratio: number | null;
  /** CPU ms per link by process, for each side. */
  cpuPerLink: { endpoint: CpuMs; limit: CpuMs };
}

interface HopRow {
  concurrency: number;
  what: 'hop alone' | 'hop + SDK';
  hop: LoopResult;
  cpuPerRequest: CpuMs;
}

function addInto(total: CpuMs, part: Record<string, number>): void {
  for (const key of Object.keys(total) as (keyof CpuMs)[]) total[key] += part[key] ?? 0;
}

function perLink(total: CpuMs, links: number): CpuMs {
  const each = (ms: number) => Math.round((ms / Math.max(1, links)) * 100) / 100;
  return { emulator: each(total.emulator), endpointProcess: each(total.endpointProcess), loadGenerator: each(total.loadGenerator) };
}

const formatCpu = (cpu: CpuMs) =>
  `${(cpu.emulator + cpu.endpointProcess + cpu.loadGenerator).toFixed(2)} (${cpu.emulator} + ${cpu.endpointProcess} + ${cpu.loadGenerator})`;

export async function measureThroughput(context: BenchContext): Promise<BenchSection> {
  const emulator = await context.emulator();
  const endpoint = await startEndpointProcess(emulator.info);
  const rows: Row[] = [];
  const hopRows: HopRow[] = [];
  try {
    // Warm both paths (token, JIT, connections) before anything is counted.
    await closedLoop(endpoint.mintLink, WARM_UP_ENDPOINT);
    await endpoint.direct({ ...WARM_UP_OTHERS, client: 'endpoint' });
    await closedLoop(endpoint.hopAndSdk, WARM_UP_OTHERS);
    await closedLoop(endpoint.hopOnly, WARM_UP_OTHERS);
    for (const concurrency of CONCURRENCIES) {
      const limits = { concurrency, maxCalls: MAX_CALLS, maxMs: ROUND_MS, keepLatencies: true };
      const endpointRounds: LoopResult[] = [];
      const limitRounds: LoopResult[] = [];
      const endpointCpu: CpuMs = { emulator: 0, endpointProcess: 0, loadGenerator: 0 };
      const limitCpu: CpuMs = { emulator: 0, endpointProcess: 0, loadGenerator: 0 };
      const pids = { emulator: emulator.pid, endpointProcess: endpoint.pid, loadGenerator: process.pid };
      for (let round = 0; round < ROUNDS; round++) {
        const runEndpoint = async () => {
          const { result, cpuMs } = await cpuDuring(pids, () => closedLoop(endpoint.mintLink, limits));
          endpointRounds.push(result);
          addInto(endpointCpu, cpuMs);
        };
        const runLimit = async () => {
          const { result, cpuMs } = await cpuDuring(pids, () => endpoint.direct({ ...limits, client: 'endpoint' }));
          limitRounds.push(result);
          addInto(limitCpu, cpuMs);
        };
        if (round % 2 === 0) await runEndpoint().then(runLimit);
        else await runLimit().then(runEndpoint);
      }
      const viaEndpoint = combine(endpointRounds);
      const limit = combine(limitRounds);
      rows.push({
        concurrency,
        endpoint: viaEndpoint,
        limit,
        ratio: ratio(viaEndpoint.perSecond, limit.perSecond),
        cpuPerLink: { endpoint: perLink(endpointCpu, viaEndpoint.calls), limit: perLink(limitCpu, limit.calls) },
      });
    }
    // For scale: the HTTP hop alone (same server, client and body sizes; no SDK), and the hop plus the same
    // SDK call without scalekitPortal()'s checks.
    const pids = { emulator: emulator.pid, endpointProcess: endpoint.pid, loadGenerator: process.pid };
    for (const concurrency of CONCURRENCIES.filter((c) => c >= 16)) {
      const limits = { concurrency, maxCalls: MAX_CALLS, maxMs: ROUND_MS * 2 };
      for (const [what, call] of [['hop alone', endpoint.hopOnly], ['hop + SDK', endpoint.hopAndSdk]] as const) {
        const { result, cpuMs } = await cpuDuring(pids, () => closedLoop(call, limits));
        const cpu: CpuMs = { emulator: 0, endpointProcess: 0, loadGenerator: 0 };
        addInto(cpu, cpuMs);
        hopRows.push({ concurrency, what, hop: result, cpuPerRequest: perLink(cpu, result.calls) });
      }
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
    title: `Endpoint throughput and latency (closed loop, ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s per cell)`,
    head: [
      'concurrency',
      'endpoint links/s',
      'p50 ms',
      'p99 ms',
      'limit (bare SDK) links/s',
      'p50 ms',
      'p99 ms',
      'ratio',
      'failures',
      'CPU ms/link, endpoint path',
      'CPU ms/link, limit',
    ],
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
      formatCpu(row.cpuPerLink.endpoint),
      formatCpu(row.cpuPerLink.limit),
    ]),
    checks,
    notes: [
      `Warm-up before counting: ${WARM_UP_ENDPOINT.maxMs / 1000} s of the endpoint path at concurrency 16, then ` +
        `${WARM_UP_OTHERS.maxMs / 1000} s of each other path; a fresh endpoint process starts several times slower.`,
      'For scale, through the same server and client: "hop alone" answers canned JSON (no SDK); "hop + SDK" makes ' +
        `the same SDK call without scalekitPortal()'s checks. ${hopRows
          .map((h) => `${h.what}, c${h.concurrency}: ${h.hop.perSecond} req/s, p50 ${h.hop.p50Ms} ms, CPU ms/request ${formatCpu(h.cpuPerRequest)}`)
          .join('; ')}.`,
      'CPU ms per link = emulator + endpoint process + load generator (from /proc), summed over the rounds. When the ' +
        'cores are saturated, the throughput ratio follows the ratio of these totals.',
      'Three processes share the 2 cores during the endpoint runs (load generator, endpoint, emulator) but two ' +
        'during the limit runs (endpoint process, emulator), so the ratio also carries the cost of the client side of the HTTP hop.',
    ],
    data: { rounds: ROUNDS, roundMs: ROUND_MS, rows, hopOnly: hopRows },
  };
}
