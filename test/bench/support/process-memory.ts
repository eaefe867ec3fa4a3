// This process's memory as the bench reads it: RSS once it stops falling after a full GC, split by owner
// (V8 pages, glibc malloc heaps), the V8 and Node counters, live handles; and live objects by constructor.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import type { HeapCounts, MemorySnapshot } from './endpoint.js';

/** Collect garbage (when run with --expose-gc), wait for RSS to settle, and read everything. */
export async function memorySnapshot(): Promise<MemorySnapshot> {
  // Two collections: the second frees what the first only finalised.
  globalThis.gc?.();
  globalThis.gc?.();
  const rssAtGc = process.memoryUsage.rss();
  await settled();
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return {
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
  };
}

/**
 * Live objects by constructor, from a heap snapshot (which collects garbage first): tells a leak apart from
 * memory that is merely kept. Stalls the process while the snapshot is written and read.
 */
export function heapCounts(): HeapCounts {
  const path = writeHeapSnapshot(join(tmpdir(), `bench-endpoint-${process.pid}-${Date.now()}.heapsnapshot`));
  try {
    return countObjects(JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshot);
  } finally {
    rmSync(path, { force: true });
  }
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** `{ "object Request": { count, bytes }, … }`: objects, closures and native objects by name, other kinds by type. */
function countObjects(snapshot: HeapSnapshot): HeapCounts {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const counts: HeapCounts = {};
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
