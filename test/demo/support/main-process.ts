// `npm start`'s entry (demo/server/main.ts, bundled) as a child process, in a clean environment, on the built demo.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { ensureDemoBuilt } from '../../e2e/harness.js';
import { bundledEntry } from '../../support/bundled-entry.js';

const root = resolve(import.meta.dirname, '../../..');
const demoDir = join(root, 'demo-dist');

/** The real demo, built the way `npm start` builds it (once per test run, shared with the end-to-end tests). */
export const buildDemo = ensureDemoBuilt;

export interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  lines: () => string[];
  exit: Promise<number | null>;
}

/** A clean environment: nothing from the developer's shell that could point at a real Scalekit. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // Northwind's data in memory: nothing written into the repository's .data/ by a test.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DEMO_DIR: demoDir, NORTHWIND_DATA_DIR: 'memory', ...extra };
  for (const name of ['SCALEKIT_ENVIRONMENT_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

export function run(extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bundledEntry('demo/server/main.ts')], {
    cwd: root,
    env: cleanEnv(extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exit, stdout: () => stdout, stderr: () => stderr };
}

/** Start main.ts and resolve once it printed its URL (or reject with what it printed if it exited). */
export async function start(extra: Record<string, string> = {}): Promise<Started> {
  const proc = run(extra);
  const url = await new Promise<string>((resolvePromise, reject) => {
    const onData = () => {
      const match = /Demo: http:\/\/localhost:(\d+)/.exec(proc.stdout());
      if (match) {
        proc.child.stdout!.off('data', onData);
        resolvePromise(`http://127.0.0.1:${match[1]}`);
      }
    };
    proc.child.stdout!.on('data', onData);
    void proc.exit.then((code) => reject(new Error(`main.ts exited (${code}) before listening:\n${proc.stdout()}\n${proc.stderr()}`)));
  });
  return {
    child: proc.child,
    url,
    exit: proc.exit,
    output: () => proc.stdout() + proc.stderr(),
    lines: () => proc.stdout().split('\n').filter(Boolean),
  };
}

export async function stop(started: Started, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  started.child.kill(signal);
  return started.exit;
}

/**
 * Runs main.ts expecting a refusal: exit code 1 and exactly one line on stderr, starting "Not started: ";
 * `quiet`: nothing on stdout either (nothing was started). Resolves to that line.
 */
export async function refused(extra: Record<string, string>, quiet = true): Promise<string> {
  const proc = run(extra);
  const listening = new Promise<'listening'>((resolvePromise) =>
    proc.child.stdout!.on('data', () => /Demo: http/.test(proc.stdout()) && resolvePromise('listening')),
  );
  const code = await Promise.race([proc.exit, listening]);
  if (code === 'listening') {
    proc.child.kill('SIGKILL');
    await proc.exit;
    throw new Error(`started instead of refusing:\n${proc.stdout()}`);
  }
  const lines = proc.stderr().split('\n').filter(Boolean);
  if (code !== 1 || lines.length !== 1 || !lines[0]!.startsWith('Not started: ') || (quiet && proc.stdout() !== '')) {
    throw new Error(`expected exit code 1 and one "Not started:" line; got exit ${code}:\n${proc.stdout()}\n${proc.stderr()}`);
  }
  return lines[0]!;
}
