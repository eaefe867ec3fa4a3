// REST vs SDK: the same portal links minted through scalekitRest() (fetch, HTTP/1.1 REST) and through the SDK
// adapter (gRPC over h2c), against the emulator child — what each costs upstream and how fast each mints.
import { Scalekit } from '@scalekit-sdk/node';
import { DEFAULT_ORGANIZATIONS } from '../../emulator/src/index.js';
import { scalekitRest } from '../../server/scalekit/rest-client.js';
import { scalekitApi } from '../../server/scalekit/sdk-adapter.js';
import type { ScalekitApi } from '../../server/scalekit/types.js';
import { closedLoop, type LoopResult } from './support/closed-loop.js';
import type { BenchContext } from './support/context.js';
import { rpcCount } from './support/emulator.js';
import type { BenchSection } from './support/report.js';

const BURST = 50;
const STEADY = { concurrency: 16, maxCalls: 1_000, maxMs: 60_000 };

interface Row {
  client: 'REST (fetch)' | 'SDK (gRPC)';
  phase: string;
  result: LoopResult;
  tokenRequests: number;
  calls: number;
}

export async function measureRestVsSdk(context: BenchContext): Promise<BenchSection> {
  const emulator = await context.emulator();
  const { url, clientId, clientSecret } = emulator.info;
  const clients: Array<[Row['client'], () => ScalekitApi]> = [
    ['REST (fetch)', () => scalekitRest({ environmentUrl: url, clientId, clientSecret })],
    ['SDK (gRPC)', () => scalekitApi(new Scalekit(url, clientId, clientSecret))],
  ];
  const organizationId = DEFAULT_ORGANIZATIONS[0]!.id; // the emulator child starts with the default seed

  const rows: Row[] = [];
  for (const [client, make] of clients) {
    const api = make();
    const mint = async () => {
      await api.generatePortalLink(organizationId);
      return 'ok';
    };
    await emulator.reset();
    const burst = await closedLoop(mint, { concurrency: BURST, maxCalls: BURST, maxMs: 60_000 });
    let stats = await emulator.stats();
    rows.push({ client, phase: `cold burst of ${BURST}`, result: burst, tokenRequests: stats.tokenRequests, calls: rpcCount(stats, 'GeneratePortalLink') });
    await emulator.reset();
    const steady = await closedLoop(mint, STEADY);
    stats = await emulator.stats();
    rows.push({ client, phase: `${STEADY.maxCalls} links, ${STEADY.concurrency} at a time`, result: steady, tokenRequests: stats.tokenRequests, calls: rpcCount(stats, 'GeneratePortalLink') });
  }

  const perLink = (row: Row) => (row.result.ok > 0 ? (row.calls / row.result.ok).toFixed(2) : 'n/a');
  const rest = rows.filter((row) => row.client === 'REST (fetch)');
  return {
    id: 'rest-vs-sdk',
    title: 'REST client vs SDK adapter (same emulator, same process)',
    head: ['client', 'phase', 'links', 'token requests', 'calls', 'calls per link', 'links/s', 'p50 ms', 'p99 ms'],
    rows: rows.map((row) => [
      row.client,
      row.phase,
      row.result.ok,
      row.tokenRequests,
      row.calls,
      perLink(row),
      row.result.perSecond,
      row.result.p50Ms,
      row.result.p99Ms,
    ]),
    checks: [
      {
        target: 'REST: 1 token request per cold burst, 1.00 call per link',
        measured: `${rest[0]!.tokenRequests} token / ${perLink(rest[0]!)} (burst), ${perLink(rest[1]!)} (steady)`,
        met: rest[0]!.tokenRequests === 1 && perLink(rest[0]!) === '1.00' && perLink(rest[1]!) === '1.00',
      },
    ],
    notes: ['Both clients run in the bench process; the emulator is a separate process on loopback.'],
    data: { rows },
  };
}
