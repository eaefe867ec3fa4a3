// A program the tests start as a child process (the emulator's CLI, the demo's main.ts), bundled once per
// test process with esbuild, so each child starts as plain JavaScript: a child under `node --import tsx`
// compiles every source file again, which costs a second of CPU or more per start.
//
// Packages stay outside the bundle, so the child loads the same node_modules a user's install would.
// The bundle is written inside node_modules (so those imports resolve from it) under a name of this
// process's own, so test processes running side by side never read one another's half-written file.
import { buildSync } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const outDir = join(root, 'node_modules', '.cache', 'test-entries');
const built = new Map<string, string>();

/** The path of a JavaScript bundle of `entry` (a path from the repository root) to run with `node`. */
export function bundledEntry(entry: string): string {
  const cached = built.get(entry);
  if (cached) return cached;
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${basename(entry, extname(entry))}-${process.pid}-${built.size}.mjs`);
  buildSync({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  if (built.size === 0) process.once('exit', () => built.forEach((file) => rmSync(file, { force: true })));
  built.set(entry, outfile);
  return outfile;
}
