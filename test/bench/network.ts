// Time to portal over a slow network, on a user's first visit: headless Chromium reaches the host app and the
// emulator (HTTPS, h2) through latency proxies that make every round trip cost the configured RTT, and each run
// opens a fresh browser context, so every connection starts cold. The hand-written page, the element eager and
// lazy, each with and without `portal-origin` (which preconnects to the portal while the link is minted), run in
// a rotating order within each run, so each run's ratios compare pages that saw the same machine.
import puppeteer, { type Browser, type BrowserContext } from 'puppeteer-core';
import { chromeLaunchOptions, desktopChromePath } from '../support/chromium.mjs';
import type { BenchContext, ColdBy } from './support/context.js';
import { startEmulatorProcess, type EmulatorProcess } from './support/emulator.js';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy.js';
import { startChild, type Child } from './support/processes.js';
import type { BenchSection, TargetCheck } from './support/report.js';
import { median, percentile, ratio, round } from './support/stats.js';

const RTTS_MS = [50, 150];
const DEFAULT_RUNS = 25;
/** One round per RTT, not counted: the first page of a browser process compiles and caches more than later ones. */
const WARM_UP_RUNS = 1;
/** Bounds one run (browser start, page load, portal); the pages' own timers reject after 10 s. */
const RUN_TIMEOUT_MS = 30_000;
/** Bytes back on a connection that carried only the TLS handshake (the emulator's certificate chain: ~1.8 KB). */
const HANDSHAKE_ONLY_BYTES = 4096;
const TARGETS = { eager: 0.9, lazy: 1.0, loopback: 1.05 };

interface Variant {
  label: string;
  page: 'baseline' | 'element';
  loading?: 'eager' | 'lazy';
  portalOrigin?: boolean;
}
const BASELINE: Variant = { label: 'by hand (baseline)', page: 'baseline' };
const VARIANTS: Variant[] = [
  BASELINE,
  { label: 'element (eager)', page: 'element', loading: 'eager' },
  { label: 'element (eager, portal-origin)', page: 'element', loading: 'eager', portalOrigin: true },
  { label: 'element (lazy, default)', page: 'element', loading: 'lazy' },
  { label: 'element (lazy, portal-origin)', page: 'element', loading: 'lazy', portalOrigin: true },
];

/** Milliseconds from connect (the baseline: the start of its job), measured in the page. */
interface Timing {
  fetchStartMs: number;
  fetchEndMs: number;
  srcMs: number | null;
  readyMs: number;
  /** TCP connections the browser opened to the portal's proxy during the run. */
  portalConnections: number;
  /** Each of them: when it was opened (ms from just before the run started, bench clock) and bytes each way. */
  portalConnectionLog: { atMs: number; bytesUp: number; bytesDown: number }[];
}

/**
 * How the host page and the portal relate. cross-site: the host on http://127.0.0.1, the portal on
 * https://127.0.0.1 — different sites, as an app and Scalekit's own domain are. same-site: both on
 * https://127.0.0.1 (ports apart), as with the portal on a custom domain under the host's site. Chromium keys
 * its connection pools by the top-level site and whether a frame is cross-site, which decides whether a
 * connection the host page opens can carry a cross-site iframe's navigation.
 */
type Site = 'cross-site' | 'same-site';
const SITES: Site[] = ['cross-site', 'same-site'];

interface Setup {
  emulator: EmulatorProcess;
  /** The host app's proxy per site: http for cross-site, https for same-site. */
  hosts: Record<Site, { origin: string; proxy: LatencyProxy }>;
  portalProxy: LatencyProxy;
  /** Key pins of the emulator's and the https host's certificates. */
  spkiSha256: string[];
  /** Only with `--cold context`: the one browser whose contexts the runs use. */
  browser?: Browser;
  /** Browsers of runs still open, closed at the end should a run have timed out before closing its own. */
  perRun: Set<Browser>;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Opens what a run's page lives in. `browser` (the default): a browser of its own with a new profile, as on a
 * user's first visit. `context`: a fresh off-the-record context in one long-lived browser — as cold for
 * connections and cache, but Chromium ignores `<link rel="preconnect">` there, so it hides that lever.
 */
async function openContext(setup: Setup, cold: ColdBy): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (cold === 'context') {
    const context = await setup.browser!.createBrowserContext();
    return { context, close: () => context.close() };
  }
  const browser = await launch(setup.spkiSha256);
  setup.perRun.add(browser);
  return {
    context: browser.defaultBrowserContext(),
    close: async () => {
      setup.perRun.delete(browser);
      await browser.close();
    },
  };
}

function launch(spkiSha256: string[]): Promise<Browser> {
  // Trusts exactly these certificates, as a user's browser trusts Scalekit's and the host's.
  return puppeteer.launch(chromeLaunchOptions([`--ignore-certificate-errors-spki-list=${spkiSha256.join(',')}`], desktopChromePath));
}

async function runOnce(setup: Setup, site: Site, variant: Variant, cold: ColdBy): Promise<Timing> {
  // Nothing is left from the previous run: cookies, cache, socket pools, TLS sessions, learned preconnects.
  const { context, close } = await openContext(setup, cold);
  try {
    const connectionsBefore = setup.portalProxy.connections().length;
    const page = await context.newPage();
    page.setDefaultTimeout(RUN_TIMEOUT_MS);
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${setup.hosts[site].origin}/${variant.page}.html`, { waitUntil: 'load' });
    await page.bringToFront(); // visible and focused, so the lazy element's visibility check passes at once
    const startedAt = performance.now();
    let timing: Omit<Timing, 'portalConnections' | 'portalConnectionLog'>;
    if (variant.page === 'baseline') {
      timing = await page.evaluate(() => (window as unknown as { runBaseline(): Promise<Timing> }).runBaseline());
    } else {
      await page.waitForFunction(() => customElements.get('scalekit-admin-portal') !== undefined);
      const portalOrigin = variant.portalOrigin ? `https://${setup.portalProxy.host}` : undefined;
      timing = await page.evaluate(
        (loading, origin) => (window as unknown as { runElement(l: string, o?: string): Promise<Timing> }).runElement(loading, origin),
        variant.loading!,
        portalOrigin,
      );
    }
    const opened = setup.portalProxy.connections().slice(connectionsBefore);
    return {
      ...timing,
      portalConnections: opened.length,
      portalConnectionLog: opened.map((c) => ({ atMs: round(c.acceptedAt - startedAt, 0), bytesUp: c.bytesUp, bytesDown: c.bytesDown })),
    };
  } finally {
    await close();
  }
}

async function start(rttMs: number, cold: ColdBy, stack: (() => Promise<void>)[]): Promise<Setup> {
  const portalProxy = await startLatencyProxy({ rttMs });
  stack.push(() => portalProxy.close());
  // The emulator learns the proxy's address before it starts, so the links it mints point at the proxy.
  const emulator = await startEmulatorProcess({
    tls: true,
    publicUrl: `https://${portalProxy.host}`,
    allowedOrigins: ['http://127.0.0.1:*', 'https://127.0.0.1:*'],
  });
  stack.push(() => emulator.stop());
  portalProxy.setTarget(Number(new URL(emulator.info.url).port));
  const tls = emulator.info.tls!;
  const spkiSha256 = [tls.spkiSha256];

  const host = async (site: Site) => {
    // The host's server reaches the emulator directly: a host's server keeps a warm connection to Scalekit, and
    // that leg costs every page the same. Only the browser's connections cross the proxies.
    const pages = await startChild<{ port: number; spkiSha256: string | null }>('support/page-server-child.ts', {
      env: {
        NODE_EXTRA_CA_CERTS: tls.caPath,
        SCALEKIT_ENVIRONMENT_URL: emulator.info.url,
        SCALEKIT_CLIENT_ID: emulator.info.clientId,
        SCALEKIT_CLIENT_SECRET: emulator.info.clientSecret,
        BENCH_PAGES_TLS: site === 'same-site' ? '1' : '0',
      },
    });
    stack.push(() => pages.stop());
    if (pages.info.spkiSha256) spkiSha256.push(pages.info.spkiSha256);
    const proxy = await startLatencyProxy({ rttMs, targetPort: pages.info.port });
    stack.push(() => proxy.close());
    return { origin: `${site === 'same-site' ? 'https' : 'http'}://${proxy.host}`, proxy };
  };
  const hosts = { 'cross-site': await host('cross-site'), 'same-site': await host('same-site') };

  const setup: Setup = { emulator, hosts, portalProxy, spkiSha256, perRun: new Set() };
  stack.push(() => Promise.allSettled([...setup.perRun].map((b) => b.close())).then(() => undefined));
  if (cold === 'context') {
    const browser = (setup.browser = await launch(spkiSha256));
    stack.push(() => browser.close());
  }
  return setup;
}

function summarise(runs: (Timing | null)[], baselineRuns: (Timing | null)[]) {
  const ok = runs.filter((t): t is Timing => t !== null);
  const pick = (f: (t: Timing) => number | null) => ok.map((t) => f(t) ?? Number.NaN).filter(Number.isFinite);
  const ready = pick((t) => t.readyMs);
  const perRun = runs.flatMap((t, i) => {
    const base = baselineRuns[i];
    return t && base ? [t.readyMs / base.readyMs] : [];
  });
  return {
    runs: ok.length,
    failures: runs.length - ok.length,
    fetchEndMs: round(median(pick((t) => t.fetchEndMs)), 0),
    srcMs: round(median(pick((t) => t.srcMs)), 0),
    readyMs: round(median(ready), 0),
    readyP10Ms: round(percentile(ready, 10), 0),
    readyP90Ms: round(percentile(ready, 90), 0),
    perRunRatio: round(median(perRun), 2),
    perRunRatioP10: round(percentile(perRun, 10), 2),
    perRunRatioP90: round(percentile(perRun, 90), 2),
    portalConnections: median(pick((t) => t.portalConnections)),
    // A connection that got no more than a TLS handshake's worth back carried no request: opened ahead and unused.
    handshakeOnly: median(pick((t) => t.portalConnectionLog.filter((c) => c.bytesDown < HANDSHAKE_ONLY_BYTES).length)),
  };
}

export async function measureNetwork(context: BenchContext): Promise<BenchSection> {
  const runs = context.flags.runs ?? DEFAULT_RUNS;
  const cold = context.flags.cold ?? 'browser';
  const stack: (() => Promise<void>)[] = [];
  const samples = new Map<string, (Timing | null)[]>();
  const key = (rtt: number, site: Site, variant: Variant) => `${rtt} ms, ${site}, ${variant.label}`;
  const errors: string[] = [];
  try {
    const setup = await start(RTTS_MS[0]!, cold, stack);
    for (const rtt of RTTS_MS) {
      for (const proxy of [setup.portalProxy, ...SITES.map((site) => setup.hosts[site].proxy)]) proxy.setRtt(rtt);
      for (const site of SITES) {
        for (const variant of VARIANTS) samples.set(key(rtt, site, variant), []);
        for (let run = 0; run < WARM_UP_RUNS + runs; run++) {
          // Rotate the order every run so no page always follows the same one.
          for (let i = 0; i < VARIANTS.length; i++) {
            const variant = VARIANTS[(run + i) % VARIANTS.length]!;
            let timing: Timing | null;
            try {
              timing = await withTimeout(runOnce(setup, site, variant, cold), RUN_TIMEOUT_MS, key(rtt, site, variant));
            } catch (error) {
              // A warm-up failure means the set-up is broken (TLS trust, framing): no point in going on.
              if (run < WARM_UP_RUNS) throw error;
              errors.push(`${key(rtt, site, variant)}: ${(error as Error).message}`);
              timing = null;
            }
            if (run >= WARM_UP_RUNS) samples.get(key(rtt, site, variant))!.push(timing);
          }
        }
        // Medians so far, so a long run that is cut short still leaves figures behind.
        const medians = VARIANTS.map((v) => `${v.label} ${round(median(samples.get(key(rtt, site, v))!.flatMap((t) => (t ? [t.readyMs] : []))), 0)}`);
        process.stderr.write(`bench: network ${rtt} ms RTT, ${site}: → ready medians ${medians.join(', ')} ms\n`);
      }
    }
  } finally {
    // Browsers first, then the proxies and servers behind them; every one is tried even if one fails.
    for (const close of stack.reverse()) await close().catch(() => undefined);
  }

  const summary = RTTS_MS.flatMap((rtt) =>
    SITES.flatMap((site) =>
      VARIANTS.map((variant) => ({
        rtt,
        site,
        variant: variant.label,
        ...summarise(samples.get(key(rtt, site, variant))!, samples.get(key(rtt, site, BASELINE))!),
      })),
    ),
  );
  const row = (site: Site, label: string) => summary.find((s) => s.rtt === 50 && s.site === site && s.variant === label)!;
  const check = (site: Site, label: string, target: number): TargetCheck => {
    const s = row(site, label);
    return {
      target: `${label} → ready ≤ ${target}× by hand at 50 ms RTT, ${site}`,
      measured: `${s.perRunRatio}× per-run median (${s.readyMs} vs ${row(site, BASELINE.label).readyMs} ms medians)`,
      met: Number.isFinite(s.perRunRatio) ? s.perRunRatio <= target : null,
    };
  };
  const loopback = context.sections.find((section) => section.id === 'time-to-portal');
  const loopbackRatio = (loopback?.data as { readyRatio?: number | null } | undefined)?.readyRatio ?? null;

  return {
    id: 'network',
    title: `Time to portal over a slow network (headless Chromium, cold connections: a fresh ${cold === 'browser' ? 'browser and profile' : 'off-the-record context'} per run, median of ${runs} runs per RTT)`,
    head: ['RTT', 'site', 'page', 'runs', '→ response', '→ iframe src', '→ ready', 'ready p10–p90', '÷ by hand, per run (p10–p90)', 'portal connections (handshake only)'],
    rows: summary.map((s) => [
      `${s.rtt} ms`,
      s.site,
      s.variant,
      s.failures ? `${s.runs} (${s.failures} failed)` : s.runs,
      s.fetchEndMs,
      s.srcMs,
      s.readyMs,
      `${s.readyP10Ms}–${s.readyP90Ms}`,
      `${s.perRunRatio}× (${s.perRunRatioP10}–${s.perRunRatioP90})`,
      `${s.portalConnections} (${s.handshakeOnly})`,
    ]),
    checks: [
      check('cross-site', 'element (eager)', TARGETS.eager),
      check('cross-site', 'element (eager, portal-origin)', TARGETS.eager),
      check('cross-site', 'element (lazy, default)', TARGETS.lazy),
      check('cross-site', 'element (lazy, portal-origin)', TARGETS.lazy),
      check('same-site', 'element (eager, portal-origin)', TARGETS.eager),
      check('same-site', 'element (lazy, portal-origin)', TARGETS.lazy),
      {
        target: `element (eager) → ready ≤ ${TARGETS.loopback}× by hand on loopback`,
        measured: loopback ? `${loopbackRatio}× (time-to-portal, this run)` : 'not run: name time-to-portal too',
        met: loopbackRatio === null ? null : loopbackRatio <= TARGETS.loopback,
      },
    ],
    notes: [
      'Milliseconds from connect (by hand: from the start of its job), medians; each run in a fresh ' +
        (cold === 'browser' ? 'browser with a new profile, ' : 'off-the-record context (where Chromium ignores preconnect hints), ') +
        'the page loaded through the host proxy first, so the host connection is warm and the portal\'s is cold.',
      'Proxies: test/bench/support/latency-proxy.ts holds every chunk for half the RTT each way, and a new ' +
        'connection\'s first bytes one RTT more for the TCP handshake. The emulator serves HTTPS with h2; the host\'s ' +
        'server reaches it directly.',
      '"÷ by hand, per run": each run\'s ratio to the hand-written page of the same run, median and p10–p90. ' +
        '"portal connections": TCP connections the browser opened to the portal\'s proxy in a run (median); in ' +
        'brackets those that carried only a TLS handshake, opened ahead and never used.',
      'cross-site: the host page on http://127.0.0.1, the portal on https://127.0.0.1 (different sites, as an app and ' +
        'Scalekit\'s domain). same-site: both https://127.0.0.1, as with the portal on a custom domain under the host\'s site.',
      ...(errors.length ? [`Failed runs: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}`] : []),
    ],
    data: { runs, cold, warmUpRuns: WARM_UP_RUNS, rttsMs: RTTS_MS, sites: SITES, summary, errors, samples: Object.fromEntries(samples) },
  };
}
