// npm test: the type check, the size budget, the Node suites and the Chromium suite, side by side. Most test time is
// waiting (on sockets, child processes, the browser), so independent files run at once; each step's output is
// kept until it ends and then printed whole, so two suites never interleave their lines.
//
//   node scripts/test.mjs                 everything
//   node scripts/test.mjs server demo     only these areas (see AREAS), without the type check and size budget
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

// Files run at once. On 2 cores the suite is CPU-bound: 2, 3 and 4 at a time all took 4 min 23–27 s (4 without
// the timings below: 5 min 5 s), so 3 keeps a core busy while a file waits on a socket or a browser. A busy machine
// is slower, not flakier: every test waits for events, never for time.
const CONCURRENCY = Number(process.env.TEST_CONCURRENCY) || 3;

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
  return run(command, args).then(({ ok, output, signal, code }) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`\n=== ${name}: ${ok ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds} s\n`);
    process.stdout.write(ok ? summary(output) : output);
    return { name, ok, seconds };
  });
}

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code, signal) => resolve({ ok: code === 0, output, code, signal }));
  });
}

// How long each file took last time, so the slowest start first and the suite ends when its longest file does.
const timingsPath = join(root, 'node_modules', '.cache', 'scalekit-test-timings.json');
function lastTimings() {
  try {
    return JSON.parse(readFileSync(timingsPath, 'utf8'));
  } catch {
    return {};
  }
}

/** Each file in a process of its own, CONCURRENCY at a time, slowest first; a failing file prints whole. */
async function nodeStep(files) {
  const started = Date.now();
  const previous = lastTimings();
  // Without a record, browser and process-heavy areas first: they are the long ones.
  const guess = (file) => previous[file] ?? (/e2e|adoption|runtimes|demo/.test(file) ? 20 : 5);
  const queue = [...files].sort((a, b) => guess(b) - guess(a));
  const timings = {};
  const totals = { tests: 0, pass: 0, fail: 0 };
  const failures = [];
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const fileStarted = Date.now();
      // The file itself runs its tests (node:test does when a file is executed): one process, not a runner and a child.
      const result = await run(process.execPath, ['--import', 'tsx', '--test-reporter=tap', file]);
      timings[file] = (Date.now() - fileStarted) / 1000;
      for (const key of Object.keys(totals)) totals[key] += Number(new RegExp(`^# ${key} (\\d+)`, 'm').exec(result.output)?.[1] ?? 0);
      if (!result.ok) failures.push({ file, output: result.output });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  mkdirSync(dirname(timingsPath), { recursive: true });
  writeFileSync(timingsPath, JSON.stringify({ ...previous, ...timings }, null, 2));

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = failures.length === 0;
  process.stdout.write(`\n=== node: ${ok ? 'passed' : `FAILED (${failures.length} files)`} in ${seconds} s\n`);
  for (const failure of failures) process.stdout.write(`\n--- ${failure.file}\n${failure.output}\n`);
  process.stdout.write(`# files ${files.length}\n# tests ${totals.tests}\n# pass ${totals.pass}\n# fail ${totals.fail}\n`);
  const slowest = Object.entries(timings).sort((a, b) => b[1] - a[1]).slice(0, 8);
  process.stdout.write(`slowest: ${slowest.map(([file, s]) => `${file} ${s.toFixed(1)} s`).join(', ')}\n`);
  return { name: 'node', ok, seconds };
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
  // The pages the demo and end-to-end tests serve are built once, before any of them starts (two files building
  // the same folder at once would serve each other half a build).
  const pages = areas.includes('demo') || areas.includes('e2e') ? step('demo pages (vite build)', bin('vite'), ['build', '--logLevel', 'warn']) : null;
  steps.push(pages);
  steps.push((pages ?? Promise.resolve({ ok: true })).then((built) => (built.ok ? nodeStep(files) : { name: 'node', ok: false, seconds: '0' })));
}
if (areas.includes('component')) steps.push(step('chromium (web-test-runner)', bin('wtr'), []));

const results = await Promise.all(steps.filter(Boolean));
const failed = results.filter((r) => !r.ok);
console.log(`\n${failed.length ? `FAILED: ${failed.map((r) => r.name).join(', ')}` : 'all passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(results.map((r) => `  ${r.name}: ${r.ok ? 'ok' : 'FAILED'} ${r.seconds} s`).join('\n'));
process.exitCode = failed.length ? 1 : 0;
