// Child processes for the bench (the emulator, the endpoint): started with Node + tsx, each announces itself
// with one `BENCH_READY {json}` line on stdout, and every one is stopped at the end, even on error or Ctrl-C.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '../../..');
const READY = 'BENCH_READY ';
const START_TIMEOUT_MS = 30_000;

export interface Child<Info> {
  info: Info;
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/**
 * Start `script` (a .ts file under test/bench, run through tsx; or a built .mjs file, run by node alone) and
 * resolve with what it printed after `BENCH_READY`.
 */
export async function startChild<Info>(
  script: string,
  options: { env?: Record<string, string>; nodeFlags?: string[] } = {},
): Promise<Child<Info>> {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...loader, resolve(import.meta.dirname, '..', script)], {
    cwd: root,
    env: { ...process.env, ...options.env },
    // stdin stays an open pipe: the child exits when it closes, so a crashed bench leaves nothing behind.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[${script}] ${chunk}`));

  const stop = () => terminate(child);

  try {
    const info = await new Promise<Info>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (!line.startsWith(READY)) return;
        clearTimeout(timer);
        resolvePromise(JSON.parse(line.slice(READY.length)) as Info);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited before it was ready (code ${code}, signal ${signal})`));
      });
    });
    return { info, pid: child.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Stop every child still running (used in `finally` and on signals). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map(terminate));
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s; resolves once it has exited. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** For the child side: announce readiness, and exit when the parent goes away or says so. */
export function announceReady(info: unknown, shutdown: () => Promise<void>): void {
  let stopping = false;
  const stopNow = () => {
    if (stopping) return;
    stopping = true;
    shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stopNow);
  process.once('SIGINT', stopNow);
  process.stdin.on('end', stopNow);
  process.stdin.on('error', stopNow);
  process.stdin.resume();
  process.stdout.write(`${READY}${JSON.stringify(info)}\n`);
}
