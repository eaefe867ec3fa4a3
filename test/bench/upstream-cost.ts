// 4. Upstream cost per link, from the emulator's own counters: a cold burst of 50 concurrent requests, then
// 1000 links in steady state — through the endpoint, and through a bare SDK client.
import type { EmulatorStats } from '../../emulator/src/index.js';
import { closedLoop, type LoopResult } from './support/closed-loop.js';
import type { BenchContext } from './support/context.js';
import { rpcCount } from './support/emulator.js';
import { startEndpointProcess } from './support/endpoint.js';
import type { BenchSection } from './support/report.js';

const BURST = 50;
const STEADY = { concurrency: 16, maxCalls: 1_000, maxMs: 60_000 };

interface Cost {
  phase: string;
  path: 'endpoint' | 'bare SDK';
  links: number;
  tokenRequests: number;
  rpcs: number;
  rpcsPerLink: number | null;
}

function cost(phase: string, path: Cost['path'], result: LoopResult, stats: EmulatorStats): Cost {
  const rpcs = rpcCount(stats, 'GeneratePortalLink');
  return {
    phase,
    path,
    links: result.ok,
    tokenRequests: stats.tokenRequests,
    rpcs,
    rpcsPerLink: result.ok > 0 ? Math.round((rpcs / result.ok) * 100) / 100 : null,
  };
}

export async function measureUpstreamCost(context: BenchContext): Promise<BenchSection> {
  const emulator = await context.emulator();
  const endpoint = await startEndpointProcess(emulator.info);
  const costs: Cost[] = [];
  try {
    const burst = { concurrency: BURST, maxCalls: BURST, maxMs: 60_000 };

    // The endpoint: a cold client, 50 at once; then the same client, warm.
    await endpoint.freshClient();
    await emulator.reset();
    costs.push(cost(`cold burst of ${BURST}`, 'endpoint', await closedLoop(endpoint.mintLink, burst), await emulator.stats()));
    await emulator.reset();
    costs.push(cost(`${STEADY.maxCalls} links, steady`, 'endpoint', await closedLoop(endpoint.mintLink, STEADY), await emulator.stats()));

    // The bare SDK: a new cold client, 50 at once; then that client, warm.
    await emulator.reset();
    costs.push(cost(`cold burst of ${BURST}`, 'bare SDK', await endpoint.direct({ ...burst, client: 'new-bare' }), await emulator.stats()));
    await emulator.reset();
    costs.push(cost(`${STEADY.maxCalls} links, steady`, 'bare SDK', await endpoint.direct({ ...STEADY, client: 'bare' }), await emulator.stats()));
  } finally {
    await endpoint.stop();
  }

  const [endpointBurst, endpointSteady] = costs;
  return {
    id: 'upstream-cost',
    title: 'Upstream cost per link (emulator counters)',
    head: ['phase', 'path', 'links', 'token requests', 'GeneratePortalLink RPCs', 'RPCs per link'],
    rows: costs.map((c) => [c.phase, c.path, c.links, c.tokenRequests, c.rpcs, c.rpcsPerLink?.toFixed(2) ?? 'n/a']),
    checks: [
      {
        target: '1 token request per cold burst (endpoint)',
        measured: String(endpointBurst!.tokenRequests),
        met: endpointBurst!.links === BURST && endpointBurst!.tokenRequests === 1,
      },
      {
        target: '1.00 RPC per link (endpoint, burst and steady)',
        measured: `${endpointBurst!.rpcsPerLink?.toFixed(2)} (burst) / ${endpointSteady!.rpcsPerLink?.toFixed(2)} (steady)`,
        met: endpointBurst!.rpcsPerLink === 1 && endpointSteady!.rpcsPerLink === 1 && endpointSteady!.links === STEADY.maxCalls,
      },
    ],
    notes: ['RPCs count every attempt the emulator saw, including those answered UNAUTHENTICATED before a token was fetched.'],
    data: { costs },
  };
}
