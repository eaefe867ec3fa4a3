// npm test: the type check, the size budget, the Node suites and the Chromium suite, side by side. Most test time is
// waiting (on sockets, child processes, the browser), so independent files run at once; each step's output is
// kept until it ends and then printed whole, so two suites never interleave their lines.
//
//   node scripts/test.mjs                 everything
//   node scripts/test.mjs server demo     only these areas (see AREAS), without the type check and size budget
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTestBundles } from './test-bundles.mjs';

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

// Processes run at once. On 2 cores the suite is CPU-bound: 3 at a time took 147 s, 4 took 164 s (more processes
// contending for the same cores); 3 keeps a core busy while a file waits on a socket or a browser. A busy machine
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

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code, signal) => resolve({ ok: code === 0, output, code, signal }));
  });
}

// What each file takes, in seconds, when it runs alone on a quiet 2-core machine (`npm run test:weights` measures
// them again). Only relative sizes matter: they decide which files share a process and which run first.
const weightsPath = join(root, 'scripts', 'test-weights.json');
const weights = JSON.parse(readFileSync(weightsPath, 'utf8'));
// A file not measured yet: browser and process-heavy areas are the long ones.
const weightOf = (file) => weights[file] ?? (/e2e|adoption|runtimes|demo/.test(file) ? 8 : 2);

// Starting Node and the modules a test imports costs CPU in every process, as much as many small
// files spend on their tests: files lighter than HEAVY share a process (their tests run one file after another, as
// node:test runs any module's top-level tests), up to about BIN seconds of work each; heavier ones run alone.
const HEAVY = 6;
const BIN = 10;

/** The processes to run, each a list of files, heaviest first (so the suite ends when its longest process does). */
function processes(files) {
  const alone = [];
  const shared = [];
  for (const file of [...files].sort((a, b) => weightOf(b) - weightOf(a))) {
    if (weightOf(file) >= HEAVY) {
      alone.push({ files: [file], weight: weightOf(file) });
      continue;
    }
    // First fit, heaviest first: few processes, none much over BIN.
    const bin = shared.find((unit) => unit.weight + weightOf(file) <= BIN);
    if (bin) {
      bin.files.push(file);
      bin.weight += weightOf(file);
    } else {
      shared.push({ files: [file], weight: weightOf(file) });
    }
  }
  return [...alone, ...shared].sort((a, b) => b.weight - a.weight);
}

// TEST_LOADER=tsx runs the sources through tsx instead of bundles (to rule the bundling out when a test fails).
const throughTsx = process.env.TEST_LOADER === 'tsx';

/** The command lines running each list of files in one process, and what to clean up after them. */
async function nodeCommands(groups) {
  if (throughTsx) {
    const args = (files) => ['--import', 'tsx', '--test-reporter=tap', '--input-type=module', '-e', files.map((file) => `await import(${JSON.stringify(`./${file}`)});`).join('\n')];
    return { commands: groups.map(args), remove: () => {} };
  }
  const { bundles, remove } = await buildTestBundles(root, groups);
  return { commands: bundles.map((bundle) => ['--enable-source-maps', '--test-reporter=tap', bundle]), remove };
}

// One headless Chromium for every test process that drives a browser (each test in browser contexts of its own):
// launching Chromium costs more CPU than many of the tests that use it. See test/support/browser.ts.
const SHARED_CHROMIUM = 'test/support/shared-chromium.ts';

/** Runs the shared Chromium's program (`args`); resolves once it printed its endpoint, with a stop() that closes it. */
function startSharedChromium(args) {
  const child = spawn(process.execPath, args.filter((arg) => !arg.startsWith('--test')), { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => (output += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      const endpoint = /^(ws:\/\/\S+)\n/.exec(output)?.[1];
      if (endpoint) resolve({ endpoint, stop: () => (child.stdin.end(), exited) });
    });
    void exited.then((code) => reject(new Error(`the shared Chromium exited (${code}) before it was ready:\n${output}`)));
  });
}

/** Files in CONCURRENCY processes at a time (light files sharing one), heaviest first; a failing process prints whole. */
async function nodeStep(files) {
  const started = Date.now();
  const units = processes(files);
  let built;
  let chromium;
  try {
    // The shared Chromium's program is built with the test processes, as one more of them.
    built = await nodeCommands([...units.map((unit) => unit.files), [SHARED_CHROMIUM]]);
    chromium = await startSharedChromium(built.commands.at(-1));
  } catch (error) {
    built?.remove();
    process.stdout.write(`\n=== node: FAILED (${built ? 'the shared Chromium did not start' : 'the test files did not build'})\n${error.message}\n`);
    return { name: 'node', ok: false, seconds: ((Date.now() - started) / 1000).toFixed(1) };
  }
  const queue = units.map((unit, index) => ({ ...unit, args: built.commands[index] }));
  const timings = [];
  const totals = { tests: 0, pass: 0, fail: 0 };
  const failures = [];
  const worker = async () => {
    for (let unit = queue.shift(); unit; unit = queue.shift()) {
      const unitStarted = Date.now();
      const result = await run(process.execPath, unit.args, { TEST_CHROMIUM_ENDPOINT: chromium.endpoint });
      timings.push([unit.files.length === 1 ? unit.files[0] : `${unit.files.length} files from ${unit.files[0]}`, (Date.now() - unitStarted) / 1000]);
      for (const key of Object.keys(totals)) totals[key] += Number(new RegExp(`^# ${key} (\\d+)`, 'm').exec(result.output)?.[1] ?? 0);
      if (!result.ok) failures.push({ files: unit.files, output: result.output });
    }
  };
  const count = queue.length;
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await chromium.stop();
  built.remove();

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = failures.length === 0;
  process.stdout.write(`\n=== node: ${ok ? 'passed' : `FAILED (${failures.length} processes)`} in ${seconds} s\n`);
  for (const failure of failures) process.stdout.write(`\n--- ${failure.files.join(', ')}\n${failure.output}\n`);
  process.stdout.write(`# files ${files.length} in ${count} processes\n# tests ${totals.tests}\n# pass ${totals.pass}\n# fail ${totals.fail}\n`);
  const slowest = timings.sort((a, b) => b[1] - a[1]).slice(0, 8);
  process.stdout.write(`slowest: ${slowest.map(([name, s]) => `${name} ${s.toFixed(1)} s`).join(', ')}\n`);
  return { name: 'node', ok, seconds };
}

/** A passing suite's last lines (its counts); a failing one prints everything. */
function summary(output) {
  const lines = output.trimEnd().split('\n');
  const counts = lines.filter((line) => /^# (tests|pass|fail|cancelled|skipped) /.test(line) || /passed, \d+ failed|tests? passed|Size limit|Size:/.test(line));
  return `${(counts.length ? counts : lines.slice(-5)).join('\n')}\n`;
}

if (process.argv[2] === '--list') {
  // For scripts/measure-test-weights.mjs: every Node test file, one per line.
  console.log(nodeFiles(Object.keys(AREAS)).join('\n'));
  process.exit(0);
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
