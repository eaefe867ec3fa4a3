// The token endpoint under test, alone in its process: scalekitPortal() on @hono/node-server, talking to the
// emulator child through the real SDK. Bench-only controls under /__bench/ let the parent read this process's
// memory, swap in a fresh (cold) SDK client, and run the same SDK client directly — the "limit" the endpoint
// is compared with. Bound to 127.0.0.1 only.
import { createAdaptorServer } from '@hono/node-server';
import { Scalekit } from '@scalekit-sdk/node';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { scalekitPortal } from '../../../server/portal-link.js';
import { closedLoop, type LoopLimits } from './closed-loop.js';
import { announceReady } from './processes.js';

export const ORGANIZATION_ID = 'org_acme';

const env = process.env;
const newClient = () =>
  new Scalekit(env['SCALEKIT_ENVIRONMENT_URL']!, env['SCALEKIT_CLIENT_ID']!, env['SCALEKIT_CLIENT_SECRET']!);

function endpointApp(scalekit: Scalekit): Hono {
  const app = new Hono();
  app.route(
    '/api/scalekit',
    scalekitPortal({
      scalekit,
      authorize: () => ({ organizationId: ORGANIZATION_ID, userId: 'bench-user' }),
      rateLimit: false, // the bench measures the endpoint, not the limiter
      log: (line) => process.stderr.write(`${line}\n`),
    }),
  );
  return app;
}

let scalekit = newClient();
let endpoint = endpointApp(scalekit);

const control = new Hono();
control.get('/__bench/memory', async (c) => {
  // Two collections: the second frees what the first only finalised.
  globalThis.gc?.();
  globalThis.gc?.();
  const rssAtGc = process.memoryUsage.rss();
  await settled();
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return c.json({
    rss,
    rssAtGc,
    heapUsed,
    heapTotal,
    external,
    arrayBuffers,
    ...residentSplit(),
    ...anonymousMappings(),
    codeSpace: getHeapSpaceStatistics().find((space) => space.space_name === 'code_space')?.space_used_size ?? 0,
    mallocedMemory: getHeapStatistics().malloced_memory,
    resources: countResources(),
    gcExposed: typeof globalThis.gc === 'function',
  });
});

// Live objects by constructor (a heap snapshot, which collects garbage first), for telling a leak apart from
// memory that is merely kept: only called between load steps, since writing it stalls the process.
control.get('/__bench/heap-counts', (c) => {
  const path = writeHeapSnapshot(join(tmpdir(), `bench-endpoint-${process.pid}-${Date.now()}.heapsnapshot`));
  try {
    return c.json(countObjects(JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshot));
  } finally {
    rmSync(path, { force: true });
  }
});

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** `{ "object Request": { count, bytes }, … }`: objects, closures and native objects by name, other kinds by type. */
function countObjects(snapshot: HeapSnapshot): Record<string, { count: number; bytes: number }> {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const counts: Record<string, { count: number; bytes: number }> = {};
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    if (type === 'synthetic') continue;
    const named = type === 'object' || type === 'closure' || type === 'native';
    const key = named ? `${type} ${snapshot.strings[snapshot.nodes[i + nameAt]!]!.slice(0, 80)}` : type;
    const entry = (counts[key] ??= { count: 0, bytes: 0 });
    entry.count++;
    entry.bytes += snapshot.nodes[i + sizeAt]!;
  }
  return counts;
}

const SETTLE_STEP_MS = 100;
const SETTLE_MAX_MS = 5_000;

/**
 * V8 hands the pages a collection freed to a background thread to unmap, so RSS read right after gc() still
 * counts some of them, more the busier the machine. Wait (bounded) until RSS stops falling.
 */
async function settled(): Promise<void> {
  let previous = process.memoryUsage.rss();
  for (let waited = 0; waited < SETTLE_MAX_MS; waited += SETTLE_STEP_MS) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
    const now = process.memoryUsage.rss();
    if (now > previous - 256 * 1024) return;
    previous = now;
  }
}

/** RSS split into anonymous memory (heaps, buffers, malloc) and mapped files (node, shared libraries). */
function residentSplit(): { rssAnon: number; rssFile: number } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rssAnon: kib('RssAnon'), rssFile: kib('RssFile') };
  } catch {
    return { rssAnon: Number.NaN, rssFile: Number.NaN };
  }
}

// glibc gives each thread arena a heap of its own, reserved 64 MiB at a time and aligned to that size.
const ARENA_HEAP = 64n * 1024n * 1024n;
// V8 allocates its heap in pages of this size (large objects apart), each a mapping of its own.
const V8_PAGE = 256n * 1024n;

/**
 * Resident anonymous memory by owner, from /proc/self/smaps (estimates; NaN off Linux):
 * `mallocArenas`, glibc malloc's heaps — the main arena (`[heap]`) and the thread arenas (mappings starting on
 * a 64 MiB boundary, no larger) — freed memory glibc keeps for reuse included, which is what tells allocator
 * retention apart from live objects; `v8Pages`, V8 heap pages of every isolate in the process (the tsx loader
 * thread's too), against which heapTotal (this isolate only) can be read.
 */
function anonymousMappings(): { mallocArenas: number; v8Pages: number } {
  let smaps: string;
  try {
    smaps = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return { mallocArenas: Number.NaN, v8Pages: Number.NaN };
  }
  const totals = { mallocArenas: 0, v8Pages: 0 };
  let owner: keyof typeof totals | null = null;
  for (const line of smaps.split('\n')) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (mapping) {
      const start = BigInt(`0x${mapping[1]}`);
      const size = BigInt(`0x${mapping[2]}`) - start;
      const path = mapping[3]!.trim();
      if (path === '[heap]' || (path === '' && start % ARENA_HEAP === 0n && size <= ARENA_HEAP)) owner = 'mallocArenas';
      else if (path === '' && size === V8_PAGE) owner = 'v8Pages';
      else owner = null;
    } else if (owner && line.startsWith('Rss:')) {
      totals[owner] += Number(/(\d+) kB/.exec(line)?.[1] ?? 0) * 1024;
    }
  }
  return totals;
}

/** Live libuv handles and requests by kind (TCPSocketWrap, Timeout, …): a leaked socket or timer shows here. */
function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
control.post('/__bench/fresh-client', (c) => {
  scalekit = newClient();
  endpoint = endpointApp(scalekit);
  return c.json({ ok: true });
});
// The HTTP hop alone: the same server and client, a JSON body in and a link-shaped JSON body out, no SDK call.
const cannedLink = { id: 'lnk_hop', location: 'http://127.0.0.1/magicLink/hop', expiresAt: new Date(0).toISOString() };
control.post('/__bench/hop', async (c) => {
  JSON.parse(await c.req.text());
  c.header('Cache-Control', 'no-store');
  return c.json(cannedLink);
});

// The least an HTTP endpoint in front of the SDK can be: the same hop plus the same SDK client's public call,
// without scalekitPortal()'s checks. Tells the endpoint's own cost apart from the cost of having a hop at all.
control.post('/__bench/hop-sdk', async (c) => {
  JSON.parse(await c.req.text());
  const link = await scalekit.organization.generatePortalLink(ORGANIZATION_ID);
  c.header('Cache-Control', 'no-store');
  return c.json({ id: link.id, location: link.location, expiresAt: new Date(Number(link.expireTime?.seconds ?? 0) * 1000).toISOString() });
});

// The limit: the SDK's public generatePortalLink, no HTTP hop. `client`: 'endpoint' = the very client the
// endpoint uses; 'new-bare' = a new, cold client kept for later 'bare' runs; 'bare' = that kept client.
let bare = newClient();
control.post('/__bench/direct', async (c) => {
  const body = (await c.req.json()) as LoopLimits & { client: 'endpoint' | 'new-bare' | 'bare' };
  if (body.client === 'new-bare') bare = newClient();
  const client = body.client === 'endpoint' ? scalekit : bare;
  const result = await closedLoop(
    async () => {
      const link = await client.organization.generatePortalLink(ORGANIZATION_ID);
      return typeof link.location === 'string' ? 'ok' : 'no link';
    },
    { concurrency: body.concurrency, maxCalls: body.maxCalls, maxMs: body.maxMs, keepLatencies: body.keepLatencies === true },
  );
  return c.json(result);
});

const server = createAdaptorServer({
  fetch: (request: Request) =>
    new URL(request.url).pathname.startsWith('/__bench/') ? control.fetch(request) : endpoint.fetch(request),
  overrideGlobalObjects: false,
}) as Server;
server.keepAliveTimeout = 30_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

announceReady({ url: `http://127.0.0.1:${port}`, pid: process.pid }, async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
