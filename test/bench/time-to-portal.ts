// 2. Time to portal in headless Chromium on loopback: from the moment the element is connected to (a) its iframe
// having a src and (b) scalekit-ready — beside a page that does the same by hand. Both pages use the same token
// endpoint (in this process) and the same emulator (its own process); runs alternate so drift hits both alike.
import { createAdaptorServer } from '@hono/node-server';
import { Scalekit } from '@scalekit-sdk/node';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium } from '../support/browser.js';
import { desktopChromePath } from '../support/chromium.mjs';
import { benchPagesApp } from './support/bench-pages.js';
import type { BenchContext } from './support/context.js';
import type { BenchSection } from './support/report.js';
import { median, ratio, round } from './support/stats.js';

const WARM_UP_RUNS = 3;
const RUNS = 25;
const TARGET_RATIO = 1.05;

type Variant = 'element (eager)' | 'element (lazy, default)' | 'by hand (baseline)';
const VARIANTS: Variant[] = ['by hand (baseline)', 'element (eager)', 'element (lazy, default)'];

/** Milliseconds from "connected" (the baseline: from the start of its job), measured in the page. */
interface Timing {
  fetchStartMs: number;
  fetchEndMs: number;
  srcMs: number | null;
  readyMs: number;
}

async function pageServer(scalekit: Scalekit): Promise<{ url: string; close(): Promise<void> }> {
  const app = await benchPagesApp(scalekit);
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** One tab per variant, loaded once: each run starts a portal in a page that is already up, like an SPA route. */
async function openPage(browser: Browser, base: string, variant: Variant): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  if (variant === 'by hand (baseline)') {
    await page.goto(`${base}/baseline.html`, { waitUntil: 'load' });
  } else {
    await page.goto(`${base}/element.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => customElements.get('scalekit-admin-portal') !== undefined);
  }
  return page;
}

async function runOnce(page: Page, variant: Variant): Promise<Timing> {
  await page.bringToFront(); // visible and focused, so the lazy element's visibility check passes at once
  if (variant === 'by hand (baseline)') {
    return page.evaluate(() => (window as unknown as { runBaseline(): Promise<Timing> }).runBaseline());
  }
  const loading = variant === 'element (eager)' ? 'eager' : 'lazy';
  return page.evaluate(
    (mode) => (window as unknown as { runElement(mode: string): Promise<Timing> }).runElement(mode),
    loading,
  );
}

export async function measureTimeToPortal(context: BenchContext): Promise<BenchSection> {
  const emulator = await context.emulator();
  const scalekit = new Scalekit(emulator.info.url, emulator.info.clientId, emulator.info.clientSecret);
  const server = await pageServer(scalekit);
  let browser: Browser | undefined;
  const samples = new Map<Variant, Timing[]>(VARIANTS.map((v) => [v, []]));
  try {
    // The browser people use: the benchmark times what they see, not the tests' lighter headless shell.
    browser = await launchChromium(desktopChromePath);
    const pages = new Map<Variant, Page>();
    for (const variant of VARIANTS) pages.set(variant, await openPage(browser, server.url, variant));
    for (let run = 0; run < WARM_UP_RUNS + RUNS; run++) {
      // Rotate the order every run so neither page always goes first after a navigation.
      for (let i = 0; i < VARIANTS.length; i++) {
        const variant = VARIANTS[(run + i) % VARIANTS.length]!;
        const timing = await runOnce(pages.get(variant)!, variant);
        if (run >= WARM_UP_RUNS) samples.get(variant)!.push(timing);
      }
    }
  } finally {
    await browser?.close();
    await server.close();
  }

  const baselineRuns = samples.get('by hand (baseline)')!;
  const summary = VARIANTS.map((variant) => {
    const timings = samples.get(variant)!;
    const at = (pick: (t: Timing) => number | null) => round(median(timings.map((t) => pick(t) ?? Number.NaN)), 1);
    return {
      variant,
      runs: timings.length,
      fetchStartMs: at((t) => t.fetchStartMs),
      fetchEndMs: at((t) => t.fetchEndMs),
      srcMs: at((t) => t.srcMs),
      readyMs: at((t) => t.readyMs),
      // Runs of all variants alternate, so run i of each saw the same machine: the median of per-run ratios
      // is less swayed by the other work on it than the ratio of medians.
      pairedReadyRatio: round(median(timings.map((t, i) => t.readyMs / baselineRuns[i]!.readyMs)), 2),
    };
  });
  const baseline = summary.find((s) => s.variant === 'by hand (baseline)')!;
  const eager = summary.find((s) => s.variant === 'element (eager)')!;
  const srcRatio = ratio(eager.srcMs, baseline.srcMs);
  const readyRatio = ratio(eager.readyMs, baseline.readyMs);

  return {
    id: 'time-to-portal',
    title: `Time to portal (headless Chromium, loopback, median of ${RUNS} runs after ${WARM_UP_RUNS} warm-up runs)`,
    head: ['page', 'runs', '→ request sent', '→ response', '→ iframe src', '→ ready', 'ready ÷ baseline', 'median per-run ratio'],
    rows: summary.map((s) => [
      s.variant,
      s.runs,
      s.fetchStartMs,
      s.fetchEndMs,
      s.srcMs,
      s.readyMs,
      `${ratio(s.readyMs, baseline.readyMs)}×`,
      `${s.pairedReadyRatio}×`,
    ]),
    checks: [
      {
        target: `→ scalekit-ready ≤ ${TARGET_RATIO}× the baseline (eager)`,
        measured: `${readyRatio}× (${eager.readyMs} vs ${baseline.readyMs} ms; per-run median ${eager.pairedReadyRatio}×)`,
        met: readyRatio === null ? null : readyRatio <= TARGET_RATIO,
      },
      {
        target: `→ iframe src ≤ ${TARGET_RATIO}× the baseline (eager)`,
        measured: `${srcRatio}× (${eager.srcMs} vs ${baseline.srcMs} ms)`,
        met: srcRatio === null ? null : srcRatio <= TARGET_RATIO,
      },
    ],
    notes: [
      'Milliseconds from connect (baseline: from the start of its job); medians. "→ request sent" and "→ response" come ' +
        'from the same fetch probe in both pages.',
      'Baseline: test/bench/pages/baseline.html (fetch + iframe + origin-checked message listener, as in Scalekit\'s guide). ' +
        '"eager" requests the link on connect like the baseline does; "lazy" (the default) first waits for an ' +
        'IntersectionObserver callback, shown for information.',
    ],
    data: { runs: RUNS, warmUpRuns: WARM_UP_RUNS, summary, srcRatio, readyRatio, samples: Object.fromEntries(samples) },
  };
}
