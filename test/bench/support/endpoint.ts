// The parent's handle on an endpoint child: minting links over keep-alive HTTP, and the /__bench/ controls.
import { Agent, request } from 'node:http';
import type { EmulatorInfo } from './emulator.js';
import { scalekitEnv } from './emulator.js';
import type { CallOutcome, LoopLimits, LoopResult } from './closed-loop.js';
import { startChild, type Child } from './processes.js';
import { buildForNode } from './bundle.js';

const REQUEST_TIMEOUT_MS = 10_000;

/** The endpoint process's memory after a full GC (bytes), as its own /__bench/memory reports it. */
export interface MemorySnapshot {
  /** Once RSS stopped falling after the collection (V8 unmaps freed pages on a background thread). */
  rss: number;
  /** Read right after the collection. */
  rssAtGc: number;
  heapUsed: number;
  heapTotal: number;
  /** Memory V8 does not manage but JS objects hold: Buffers, ArrayBuffers, native bindings. */
  external: number;
  /** The part of `external` in ArrayBuffers and Buffers. */
  arrayBuffers: number;
  /** RSS that is anonymous memory (heaps, malloc, buffers); NaN off Linux. */
  rssAnon: number;
  /** RSS that is mapped files (the node binary, shared libraries); NaN off Linux. */
  rssFile: number;
  /** Resident glibc malloc heaps, freed-but-kept memory included (an estimate from /proc/self/smaps). */
  mallocArenas: number;
  /** Resident V8 heap pages of every isolate in the process (an estimate from /proc/self/smaps). */
  v8Pages: number;
  /** Compiled code on the V8 heap. */
  codeSpace: number;
  /** What V8 itself holds through malloc (compiler zones and the like), outside its heap. */
  mallocedMemory: number;
  /** Live libuv handles and requests by kind. */
  resources: Record<string, number>;
  gcExposed: boolean;
}

/** `{ "object Request": { count, bytes }, "closure onData": …, "string": … }` */
export type HeapCounts = Record<string, { count: number; bytes: number }>;

export interface EndpointProcess extends Child<{ url: string; pid: number }> {
  /** POST /api/scalekit/portal-link with `{}`: 'ok' for a 200 carrying a link, else 'http <status>'. */
  mintLink(): Promise<CallOutcome>;
  /** The same request to /__bench/hop: the HTTP hop without the endpoint's work or the SDK call. */
  hopOnly(): Promise<CallOutcome>;
  /** The hop plus the same SDK call, without scalekitPortal()'s checks (/__bench/hop-sdk). */
  hopAndSdk(): Promise<CallOutcome>;
  memory(): Promise<MemorySnapshot>;
  /** Live objects by constructor, from a heap snapshot (slow; stalls the process while it is written). */
  heapCounts(): Promise<HeapCounts>;
  freshClient(): Promise<void>;
  /**
   * Call the SDK's generatePortalLink directly against the emulator, inside the endpoint's process:
   * `endpoint` = the endpoint's own client, `new-bare` = a new cold client (kept), `bare` = the kept one.
   */
  direct(limits: LoopLimits & { client: 'endpoint' | 'new-bare' | 'bare' }): Promise<LoopResult>;
}

/**
 * Start the endpoint child. `built`: run it bundled by esbuild with plain node, as a host's built server runs,
 * instead of through tsx (whose loader thread adds a V8 heap of its own to the process's RSS).
 */
export async function startEndpointProcess(
  emulator: EmulatorInfo,
  options: { exposeGc?: boolean; built?: boolean } = {},
): Promise<EndpointProcess> {
  const script = options.built ? await buildForNode('support/endpoint-child.ts') : 'support/endpoint-child.ts';
  const child = await startChild<{ url: string; pid: number }>(script, {
    env: scalekitEnv(emulator),
    nodeFlags: options.exposeGc ? ['--expose-gc'] : [],
  });
  const { hostname, port } = new URL(child.info.url);
  // Keep-alive, like a browser's connection pool; no socket cap, so concurrency is set by the caller alone.
  const agent = new Agent({ keepAlive: true });
  const body = '{}';

  const post = (path: string) =>
    new Promise<CallOutcome>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: hostname,
          port,
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            if (res.statusCode !== 200) resolve(`http ${res.statusCode}`);
            else resolve(text.includes('"location"') ? 'ok' : 'http 200 without a link');
          });
          res.on('error', reject);
        },
      );
      // Bounded: a request that stalls counts as an error instead of hanging the bench.
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end(body);
    });

  const control = async <T>(path: string, payload?: unknown): Promise<T> => {
    const response = await fetch(`${child.info.url}/__bench/${path}`, {
      method: payload === undefined ? 'GET' : 'POST',
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    if (!response.ok) throw new Error(`endpoint control ${path} answered ${response.status}`);
    return (await response.json()) as T;
  };

  return {
    ...child,
    mintLink: () => post('/api/scalekit/portal-link'),
    hopOnly: () => post('/__bench/hop'),
    hopAndSdk: () => post('/__bench/hop-sdk'),
    memory: () => control<MemorySnapshot>('memory'),
    heapCounts: () => control<HeapCounts>('heap-counts'),
    freshClient: async () => {
      await control('fresh-client', {});
    },
    direct: (limits) => control<LoopResult>('direct', limits),
    stop: async () => {
      agent.destroy();
      await child.stop();
    },
  };
}
