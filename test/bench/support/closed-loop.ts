// A closed-loop load generator: `concurrency` workers, each starting its next call when the previous one ends.
// Bounded twice, by a call count and by wall time, so a stalled server cannot hang the bench.

import { percentile, round } from './stats.js';

export interface LoopLimits {
  concurrency: number;
  /** Stop starting calls after this many in all. */
  maxCalls: number;
  /** Stop starting calls after this long (calls in flight are awaited). */
  maxMs: number;
  /** Return every latency too, so several rounds can be pooled with {@link combine}. */
  keepLatencies?: boolean;
}

/** One call's outcome: 'ok' (2xx / resolved), a status such as 'http 429', or 'error: …' when it threw. */
export type CallOutcome = 'ok' | string;

export interface LoopResult {
  calls: number;
  ok: number;
  /** Count by outcome for everything that was not 'ok'. */
  failures: Record<string, number>;
  elapsedMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  latencies?: number[];
}

export async function closedLoop(call: () => Promise<CallOutcome>, limits: LoopLimits): Promise<LoopResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let started = 0;
  let ok = 0;
  const begin = performance.now();
  const deadline = begin + limits.maxMs;

  async function worker(): Promise<void> {
    while (started < limits.maxCalls && performance.now() < deadline) {
      started++;
      const t0 = performance.now();
      let outcome: CallOutcome;
      try {
        outcome = await call();
      } catch (error) {
        outcome = `error: ${(error as Error)?.name ?? 'unknown'}`;
      }
      latencies.push(performance.now() - t0);
      if (outcome === 'ok') ok++;
      else failures[outcome] = (failures[outcome] ?? 0) + 1;
    }
  }

  await Promise.all(Array.from({ length: limits.concurrency }, worker));
  const elapsedMs = performance.now() - begin;
  return {
    calls: latencies.length,
    ok,
    failures,
    elapsedMs: round(elapsedMs, 0),
    perSecond: round((latencies.length / elapsedMs) * 1000, 0),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    ...(limits.keepLatencies ? { latencies } : {}),
  };
}

/** Pool rounds taken with `keepLatencies`: rates over the summed time, percentiles over all latencies. */
export function combine(rounds: readonly LoopResult[]): LoopResult {
  const latencies = rounds.flatMap((r) => r.latencies ?? []);
  const failures: Record<string, number> = {};
  for (const r of rounds) for (const [k, n] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + n;
  const calls = rounds.reduce((sum, r) => sum + r.calls, 0);
  const elapsedMs = rounds.reduce((sum, r) => sum + r.elapsedMs, 0);
  return {
    calls,
    ok: rounds.reduce((sum, r) => sum + r.ok, 0),
    failures,
    elapsedMs,
    perSecond: round((calls / elapsedMs) * 1000, 0),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
  };
}
