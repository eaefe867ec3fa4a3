// `npm run bench [-- name… [--runs N] [--cold browser|context]]`: runs the measurements (all, or those named), prints a markdown report and
// writes the same figures to bench-results.json (and, when size ran, docs/sizes.md). Names: size, time-to-portal, throughput, upstream-cost,
// memory, load, and network and soak — the last two only when named, since each takes several minutes.
// `--runs N` sets the network bench's runs per page, `--cold browser|context` what makes its runs cold. Every child process and browser it starts is stopped
// before it exits, even on error.
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { BenchContext } from './support/context.js';
import { stopAllChildren } from './support/processes.js';
import { markdownTable, verdict, type BenchSection } from './support/report.js';
import { repoRoot } from './support/bundle.js';
import { measureSize, writeSizesPage, type MeasuredSizes } from './size.js';
import { measureTimeToPortal } from './time-to-portal.js';
import { measureThroughput } from './throughput.js';
import { measureUpstreamCost } from './upstream-cost.js';
import { measureMemory } from './memory.js';
import { measureLoad } from './load.js';
import { measureSoak } from './soak.js';
import { measureRestVsSdk } from './rest-vs-sdk.js';
import { measureNetwork } from './network.js';
import type { BenchFlags } from './support/context.js';

const MEASUREMENTS: Record<string, (context: BenchContext) => Promise<BenchSection>> = {
  size: measureSize,
  'time-to-portal': measureTimeToPortal,
  throughput: measureThroughput,
  'upstream-cost': measureUpstreamCost,
  'rest-vs-sdk': measureRestVsSdk,
  memory: measureMemory,
  load: measureLoad,
  network: measureNetwork,
  soak: measureSoak,
};
const ONLY_WHEN_NAMED = new Set(['network', 'soak']);

/** Splits `--flag value` / `--flag=value` from the names. */
function parseArgs(argv: string[]): { names: string[]; flags: BenchFlags } {
  const names: string[] = [];
  const flags: BenchFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      names.push(arg);
      continue;
    }
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (flag === '--runs' && value !== undefined && /^[1-9]\d*$/.test(value)) {
      flags.runs = Number(value);
    } else if (flag === '--cold' && (value === 'browser' || value === 'context')) {
      flags.cold = value;
    } else {
      console.error(`Unknown or invalid flag: ${arg}${inline === undefined && value !== undefined ? ` ${value}` : ''}. Known: --runs N (N ≥ 1), --cold browser|context.`);
      process.exit(2);
    }
  }
  return { names, flags };
}

function selected(args: string[]): string[] {
  if (args.length === 0) return Object.keys(MEASUREMENTS).filter((name) => !ONLY_WHEN_NAMED.has(name));
  const unknown = args.filter((name) => !(name in MEASUREMENTS));
  if (unknown.length > 0) {
    console.error(`Unknown measurement: ${unknown.join(', ')}. Choose from: ${Object.keys(MEASUREMENTS).join(', ')}.`);
    process.exit(2);
  }
  return args;
}

function report(sections: BenchSection[], machine: Record<string, unknown>): string {
  const parts = [`## Bench — ${machine['date']}, ${machine['cpus']} × ${machine['cpuModel']}, Node ${machine['node']}`];
  for (const section of sections) {
    parts.push(`### ${section.title}`, markdownTable(section.head, section.rows));
    for (const note of section.notes ?? []) parts.push(`_${note}_`);
  }
  const checks = sections.flatMap((section) => section.checks.map((check) => [section.id, check.target, check.measured, verdict(check.met)]));
  parts.push('### Targets', markdownTable(['measurement', 'target', 'measured', 'verdict'], checks));
  return `${parts.join('\n\n')}\n`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const names = selected(args.names);
  const context = new BenchContext(args.flags);
  const interrupted = () => {
    void Promise.allSettled([context.close(), stopAllChildren()]).then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const machine = {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
  };
  const sections: BenchSection[] = [];
  try {
    for (const name of names) {
      process.stderr.write(`bench: ${name}…\n`);
      const started = performance.now();
      const section = await MEASUREMENTS[name]!(context);
      sections.push(section);
      context.sections.push(section);
      process.stderr.write(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    await context.close();
    await stopAllChildren();
  }

  process.stdout.write(report(sections, machine));
  const json = {
    machine,
    sections: Object.fromEntries(sections.map((s) => [s.id, { title: s.title, checks: s.checks, data: s.data }])),
  };
  await writeFile(resolve(repoRoot, 'bench-results.json'), `${JSON.stringify(json, null, 2)}\n`);
  const size = sections.find((section) => section.id === 'size');
  if (size) process.stderr.write(`bench: sizes written to ${await writeSizesPage(size.data as MeasuredSizes)}\n`);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
