// Runs `scalekit-emulator` (the CLI, bundled from source) as a child process, as a user would, with its saved
// credentials in a folder of the test's own (never the real user's state directory).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledEntry } from '../../../test/support/bundled-entry.js';

const cli = () => bundledEntry('emulator/src/cli.ts');

export const tempStateDir = () => mkdtemp(join(tmpdir(), 'scalekit-emulator-state-'));

export interface CliRun {
  child: ChildProcess;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  out(): string;
  err(): string;
  /** Resolves once the banner is printed (or the process ended); the value of a `NAME=value` line in it. */
  started(): Promise<void>;
  value(name: string): string;
  stop(): Promise<number | null>;
}

/** Starts the CLI with `args`; the environment is the test's, minus every EMULATOR_ variable, plus `env`. */
export function runCli(args: readonly string[], env: Record<string, string>): CliRun {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EMULATOR_') && k !== 'XDG_STATE_HOME'));
  const child = spawn(process.execPath, [cli(), ...args], { env: { ...base, EMULATOR_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    child,
    exited,
    out: () => out,
    err: () => err,
    async started() {
      while (!out.includes('Ctrl+C') && child.exitCode === null) await Promise.race([once(child.stdout!, 'data'), exited]);
    },
    value(name) {
      const match = new RegExp(`^  ${name}=(\\S+)$`, 'm').exec(out);
      if (!match) throw new Error(`no ${name} line in:\n${out}\n${err}`);
      return match[1]!;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return (await exited)[0];
    },
  };
}
