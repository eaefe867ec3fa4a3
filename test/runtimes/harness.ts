// Starting the fixture host app (fixtures/app.ts) in a real runtime — workerd, Deno, Bun or Node — on a free loopback
// port. Each start waits for the runtime to report its port (workerd through --control-fd, Deno and Bun on
// stdout), never for a fixed time, and `stop()` kills the process and waits for it to exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { RuntimeAppConfig } from './fixtures/app.js';
import { bundledEntry } from '../support/bundled-entry.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export interface RunningRuntime {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything the runtime wrote to stderr so far (for assertion messages). */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Bundle `entry` the way a host deploying to that runtime would. For Workers: ESM, no Node built-ins, the
 * `worker`/`browser` export conditions (what wrangler does).
 */
export async function bundle(entry: string, outfile: string, target: 'worker' | 'deno'): Promise<esbuild.Metafile> {
  const result = await esbuild.build({
    entryPoints: [fixture(entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: target === 'worker' ? ['workerd', 'worker', 'browser'] : ['deno', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
  });
  return result.metafile;
}

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'scalekit-runtime-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The fixture app as a Worker in workerd: `workerd serve config.capnp --control-fd=3`. */
export async function startWorkerd(config: RuntimeAppConfig): Promise<RunningRuntime> {
  return startWorker({
    bundle: (outfile) => bundle('worker.ts', outfile, 'worker'),
    bindings: {
      SCALEKIT_ENVIRONMENT_URL: config.environmentUrl,
      SCALEKIT_CLIENT_ID: config.clientId,
      SCALEKIT_CLIENT_SECRET: config.clientSecret,
      SCALEKIT_WEBHOOK_SECRET: config.webhookSecret,
    },
  });
}

/**
 * A Worker script in workerd, with text `bindings` and compatibility flags, reaching loopback through a network
 * service (a Worker's fetch() reaches only public addresses unless allowed).
 */
export async function startWorker(options: {
  bundle: (outfile: string) => Promise<unknown>;
  bindings: Record<string, string>;
  compatibilityDate?: string;
  compatibilityFlags?: string[];
}): Promise<RunningRuntime> {
  const dir = await mkdtemp(path.join(tmpdir(), 'scalekit-workerd-'));
  await options.bundle(path.join(dir, 'worker.js'));
  const text = (value: string) => JSON.stringify(value); // a capnp text literal is a JSON string
  const bindings = Object.entries(options.bindings).map(([name, value]) => `(name = ${text(name)}, text = ${text(value)})`);
  const flags = (options.compatibilityFlags ?? []).map(text);
  await writeFile(
    path.join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = ${text(options.compatibilityDate ?? '2025-09-01')},
  compatibilityFlags = [${flags.join(', ')}],
  globalOutbound = "internet",
  bindings = [ ${bindings.join(', ')} ],
);
`,
  );
  const child = spawn(bin('workerd'), ['serve', path.join(dir, 'config.capnp'), '--control-fd=3'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  // workerd writes one JSON line per bound socket: {"event":"listen","socket":"http","port":…}.
  const control = child.stdio[3] as Readable;
  return started(child, control, (line) => {
    const message = JSON.parse(line) as { event?: string; socket?: string; port?: number };
    return message.event === 'listen' && message.socket === 'http' ? (message.port ?? null) : null;
  }, () => rm(dir, { recursive: true, force: true }));
}

/** The fixture app bundled for Deno: `deno run --allow-net --allow-read deno.js '<config>'`. */
export async function startDeno(config: RuntimeAppConfig): Promise<RunningRuntime> {
  const dir = await mkdtemp(path.join(tmpdir(), 'scalekit-deno-'));
  const script = path.join(dir, 'deno.js');
  await bundle('deno.ts', script, 'deno');
  const child = spawn(bin('deno'), ['run', '--allow-net', '--allow-read', '--no-prompt', script, JSON.stringify(config)], {
    cwd: dir,
    // Keep Deno's caches out of the user's home and its update check off the network.
    env: { ...process.env, DENO_DIR: path.join(dir, '.deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return started(child, child.stdout!, listeningLine, () => rm(dir, { recursive: true, force: true }));
}

/** The fixture app run from TypeScript source by Bun: `bun fixtures/bun.ts '<config>'`. */
export async function startBun(config: RuntimeAppConfig): Promise<RunningRuntime> {
  const child = spawn(bin('bun'), [fixture('bun.ts'), JSON.stringify(config)], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return started(child, child.stdout!, listeningLine, async () => {});
}

/** The fixture app in Node, bundled from source, served by @hono/node-server. */
export async function startNode(config: RuntimeAppConfig): Promise<RunningRuntime> {
  const child = spawn(process.execPath, [bundledEntry('test/runtimes/fixtures/node.ts'), JSON.stringify(config)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return started(child, child.stdout!, listeningLine, async () => {});
}

function listeningLine(line: string): number | null {
  const match = /^listening on (\d+)$/.exec(line.trim());
  return match ? Number(match[1]) : null;
}

/**
 * Resolve once `announcements` yields a line `portOf` accepts; reject if the process exits first (with its
 * stderr, so the failure says why).
 */
function started(
  child: ChildProcess,
  announcements: Readable,
  portOf: (line: string) => number | null,
  cleanup: () => Promise<void>,
): Promise<RunningRuntime> {
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await cleanup();
  };

  return new Promise<RunningRuntime>((resolve, reject) => {
    const lines = createInterface({ input: announcements });
    const onExit = (code: number | null, signal: string | null) => {
      lines.close();
      void cleanup();
      reject(new Error(`the runtime exited (${signal ?? code}) before listening:\n${stderr.slice(-2000)}`));
    };
    child.once('exit', onExit);
    child.once('error', (error) => {
      child.off('exit', onExit);
      lines.close();
      void cleanup();
      reject(error);
    });
    lines.on('line', (line) => {
      let port: number | null = null;
      try {
        port = portOf(line);
      } catch {
        // not an announcement
      }
      if (port === null) return;
      child.off('exit', onExit);
      lines.close();
      // Keep draining stdout so a chatty runtime never blocks on a full pipe.
      child.stdout?.resume();
      announcements.resume();
      resolve({ url: `http://127.0.0.1:${port}`, stderr: () => stderr, stop });
    });
  });
}

/** Run `fixture` once in a runtime to completion; resolves with its stdout (rejects on a non-zero exit). */
export function runOnce(runtime: 'node' | 'bun' | 'deno', script: string, args: string[]): Promise<string> {
  const dir = path.join(tmpdir(), `scalekit-deno-cache-${process.pid}`);
  const command =
    runtime === 'node'
      ? [process.execPath, bundledEntry(`test/runtimes/fixtures/${script}`), ...args]
      : runtime === 'bun'
        ? [bin('bun'), fixture(script), ...args]
        : [bin('deno'), 'run', '-A', '--no-prompt', fixture(script), ...args];
  const child = spawn(command[0]!, command.slice(1), {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', DENO_DIR: dir, DENO_NO_UPDATE_CHECK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      void rm(dir, { recursive: true, force: true });
      if (code === 0) resolve(stdout);
      else reject(new Error(`${runtime} ${script} exited (${signal ?? code}):\n${stderr.slice(-2000)}`));
    });
  });
}

/**
 * `entry` bundled for workerd with `nodejs_compat`, as wrangler would for a package written for Node: Node
 * built-ins left to the runtime, CommonJS `require` of them through `node:module`.
 */
export async function bundleForNodeCompat(entry: string, outfile: string): Promise<void> {
  const { builtinModules } = await import('node:module');
  await esbuild.build({
    entryPoints: [fixture(entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    conditions: ['workerd', 'worker'],
    external: ['node:*', ...builtinModules],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire('/');" },
    logLevel: 'silent',
    absWorkingDir: root,
  });
}
