// 6. Bounded load: 64 connections for 20 s against a fresh endpoint process (rate limit off); every answer
// that is not a 2xx with a link, and every request that failed outright, is counted.
import { closedLoop } from './support/closed-loop.js';
import type { BenchContext } from './support/context.js';
import { startEndpointProcess } from './support/endpoint.js';
import type { BenchSection } from './support/report.js';

const CONNECTIONS = 64;
const DURATION_MS = 20_000;
const MAX_CALLS = 2_000_000;

export async function measureLoad(context: BenchContext): Promise<BenchSection> {
  const emulator = await context.emulator();
  const endpoint = await startEndpointProcess(emulator.info);
  let result;
  try {
    result = await closedLoop(endpoint.mintLink, { concurrency: CONNECTIONS, maxCalls: MAX_CALLS, maxMs: DURATION_MS });
  } finally {
    await endpoint.stop();
  }

  const entries = Object.entries(result.failures);
  const nonOk = entries.filter(([outcome]) => outcome.startsWith('http')).reduce((sum, [, n]) => sum + n, 0);
  const errors = entries.filter(([outcome]) => !outcome.startsWith('http')).reduce((sum, [, n]) => sum + n, 0);
  return {
    id: 'load',
    title: `Bounded load (${CONNECTIONS} connections, ${DURATION_MS / 1000} s, rate limit off)`,
    head: ['requests', 'links/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
    rows: [[result.calls, result.perSecond, result.p50Ms, result.p99Ms, nonOk, errors]],
    checks: [{ target: '0 non-2xx and 0 errors', measured: `${nonOk} non-2xx, ${errors} errors`, met: nonOk === 0 && errors === 0 && result.calls > 0 }],
    notes: entries.length > 0 ? [`Failures by kind: ${entries.map(([k, n]) => `${k} × ${n}`).join(', ')}`] : [],
    data: { connections: CONNECTIONS, durationMs: DURATION_MS, ...result },
  };
}
