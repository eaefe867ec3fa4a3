// npm run build → dist/: ESM JavaScript and .d.ts from src/ (tsc); the bin keeps its shebang.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// TypeScript 7 exports no bin path, so the compiler is found next to its package.json.
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

rmSync(`${root}dist`, { recursive: true, force: true });
const { status } = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (status !== 0) {
  console.error(`build: tsc failed (exit ${status})`);
  process.exit(status ?? 1);
}
if (!readFileSync(`${root}dist/cli.js`, 'utf8').startsWith('#!/usr/bin/env node\n')) {
  console.error('build: dist/cli.js lost its shebang');
  process.exit(1);
}
console.log('build: emulator/dist/ ready');
