// npm test: the type check, the size budget, the Node suites and the Chromium suite, side by side. Most test time is
// waiting (on sockets, child processes, the browser), so independent files run at once; each step's output is
// kept until it ends and then printed whole, so two suites never interleave their lines.
//
//   node scripts/test.mjs                 everything
//   node scripts/test.mjs server demo     only these areas (see AREAS), without the type check and size budget
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Each area is a folder of Node test files (`*.test.ts`); `component` runs in Chromium as well. */
const AREAS = {
  server: ['test/server'],
  emulator: ['emulator/test'],
  demo: ['test/demo'],
  e2e: ['test/e2e'],
  runtimes: ['test/runtimes'],
  adoption: ['test/adoption'],
  component: ['test/component'],
};

// Files run at once. The work is mostly I/O-bound, so more than the cores; a busy machine is slower, not flakier:
// every test waits for events, never for time.
const CONCURRENCY = Number(process.env.TEST_CONCURRENCY) || 4;

function testFiles(dir, pattern) {
  const out = [];
  for (const entry of readdirSync(join(root, dir))) {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'support' || entry === 'fixtures') continue;
    if (statSync(join(root, path)).isDirectory()) out.push(...testFiles(path, pattern));
    else if (pattern.test(entry)) out.push(path);
  }
  return out.sort();
}

function nodeFiles(areas) {
  return areas.flatMap((area) =>
    AREAS[area].flatMap((dir) => testFiles(dir, area === 'component' ? /\.node\.test\.ts$/ : /\.test\.ts$/)),
  );
}

function step(name, command, args) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const ok = code === 0;
      process.stdout.write(`\n=== ${name}: ${ok ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds} s\n`);
      process.stdout.write(ok ? summary(output) : output);
      resolve({ name, ok, seconds });
    });
  });
}

/** A passing suite's last lines (its counts); a failing one prints everything. */
function summary(output) {
  const lines = output.trimEnd().split('\n');
  const counts = lines.filter((line) => /^# (tests|pass|fail|cancelled|skipped) /.test(line) || /passed, \d+ failed|tests? passed|Size limit|Size:/.test(line));
  return `${(counts.length ? counts : lines.slice(-5)).join('\n')}\n`;
}

const requested = process.argv.slice(2);
for (const area of requested) {
  if (!(area in AREAS)) {
    console.error(`unknown area ${JSON.stringify(area)}; one of: ${Object.keys(AREAS).join(', ')}`);
    process.exit(2);
  }
}
const areas = requested.length ? requested : Object.keys(AREAS);
const started = Date.now();

const steps = [];
if (!requested.length) {
  steps.push(step('types (tsc --noEmit)', bin('tsc'), ['--noEmit']));
  steps.push(step('size budget (size-limit)', bin('size-limit'), []));
}
const files = nodeFiles(areas);
if (files.length) {
  console.log(`node: ${files.length} files, ${CONCURRENCY} at a time (${areas.join(', ')})`);
  steps.push(step('node', process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${CONCURRENCY}`, ...files]));
}
if (areas.includes('component')) steps.push(step('chromium (web-test-runner)', bin('wtr'), []));

const results = await Promise.all(steps);
const failed = results.filter((r) => !r.ok);
console.log(`\n${failed.length ? `FAILED: ${failed.map((r) => r.name).join(', ')}` : 'all passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(results.map((r) => `  ${r.name}: ${r.ok ? 'ok' : 'FAILED'} ${r.seconds} s`).join('\n'));
process.exitCode = failed.length ? 1 : 0;
