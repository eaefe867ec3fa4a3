// Shared plumbing for the end-to-end tests: a built demo, a demo server on the real SDK + emulator,
// and real headless Chromium driving the page. Each test owns its own server and browser.
import { readFile, stat, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Browser, Frame, Page } from 'puppeteer-core';
import { launchBrowser } from '../support/browser.js';
import assert from 'node:assert/strict';
import type { DemoServer, DemoServerOptions } from '../../demo/server/northwind.js';
import { createDemoServer } from '../support/demo-database.js';
import { nodeListener } from '../../demo/server/node-listener.js';
import type { Emulator, EmulatorOptions } from '../../emulator/src/index.js';

const root = resolve(import.meta.dirname, '../..');
const builtPage = join(root, 'demo-dist', 'index.html');

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) {
    newest = Math.max(newest, await newestMtime(join(path, entry)));
  }
  return newest;
}

/** The server serves demo-dist/; rebuild it when the demo or the element changed since the last build. */
export async function ensureDemoBuilt(): Promise<void> {
  const built = await stat(builtPage).then((s) => s.mtimeMs, () => 0);
  const sources = Math.max(
    ...(await Promise.all([join('demo', 'web'), join('demo', 'shared'), 'component', 'vite.config.ts'].map((p) => newestMtime(join(root, p))))),
  );
  if (built > sources) return;
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), root: join(root, 'demo', 'web'), logLevel: 'warn' });
}

export interface DemoRun {
  server: DemoServer;
  /** The server's log lines (tests check no token or link ever reaches them). */
  serverLog: string[];
  emulator: Emulator;
  browser: Browser;
  page: Page;
  /** Browser-side errors (uncaught exceptions); a test can assert there were none. */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface StartOptions {
  emulator?: EmulatorOptions;
  /** Query string for the demo page, e.g. `loadTimeout=1500`. */
  query?: string;
  /** The page to open first. Default `/` (Settings › Security). */
  path?: string;
  /** More demo server options: its data folder, the setup links' ttl and clock. */
  server?: Pick<DemoServerOptions, 'dataDir' | 'setupLinkTtlMs' | 'now'>;
}

export async function startDemo(options: StartOptions = {}): Promise<DemoRun> {
  await ensureDemoBuilt();
  const serverLog: string[] = [];
  // env: {} — never pick up a developer's real SCALEKIT_* variables: the tests run on the emulator.
  const server = await createDemoServer({
    listen: nodeListener(),
    env: {},
    emulator: { port: 0, ...options.emulator },
    log: (line) => serverLog.push(line),
    ...options.server,
  });
  if (!server.emulator) {
    await server.close();
    throw new Error('createDemoServer did not start the emulator');
  }
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await server.close();
    throw error;
  }
  const page = await browser.newPage();
  // Tall enough that the whole portal iframe is on screen: a click inside a cross-origin frame that first has to
  // scroll the host page can land on stale coordinates.
  await page.setViewport({ width: 1440, height: 1600 });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
  await page.goto(`${server.url}${options.path ?? '/'}${options.query ? `?${options.query}` : ''}`);
  return {
    serverLog,
    server,
    emulator: server.emulator,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}

/** Sign in through the demo's own card, as the admin of `organizationId`. */
export async function signIn(page: Page, organizationId: string): Promise<void> {
  await page.waitForSelector('#sign-in:not([hidden])');
  await page.select('#org-picker', organizationId);
  await page.click('#sign-in-form button[type="submit"]');
  await page.waitForSelector('#workspace:not([hidden]) scalekit-admin-portal');
}

export async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.waitForSelector(`#status-chip[data-status="${status}"]`);
}

/** Resolves with the text of the first log entry for `event` whose text contains every `needle`. */
export async function waitForLogEntry(page: Page, event: string, ...needles: string[]): Promise<string> {
  const handle = await page.waitForFunction(
    (name: string, wanted: string[]) => {
      const entries = [...document.querySelectorAll<HTMLElement>(`#event-log li[data-event="${name}"]`)];
      return entries.map((e) => e.textContent ?? '').find((text) => wanted.every((w) => text.includes(w))) ?? false;
    },
    {},
    event,
    needles,
  );
  return (await handle.jsonValue()) as string;
}

/**
 * The portal iframe's frame, once its page script has run: `data-portal-state` is in the server's HTML, but
 * `data-framed` is set by the script, in the same task that wires the page's buttons.
 */
export async function portalFrame(page: Page, emulatorUrl: string): Promise<Frame> {
  const iframe = await page.waitForSelector(`pierce/iframe[src^="${emulatorUrl}/magicLink/"]`);
  const frame = await iframe!.contentFrame();
  if (!frame) throw new Error('the portal iframe has no frame');
  await frame.waitForSelector('body[data-portal-state="ready"][data-framed="true"]');
  return frame;
}

export async function logNames(page: Page): Promise<string[]> {
  return page.$$eval('#event-log li', (items) => items.map((li) => (li as HTMLElement).dataset.event ?? '').reverse());
}

export const testid = (id: string) => `[data-testid="${id}"]`;

/** Runs an action in the emulator's simulated IdP and waits until its panel re-rendered from the server after it. */
export async function idpAction(frame: Frame, action: () => Promise<void>): Promise<void> {
  const panel = testid('idp-panel');
  const revision = await frame.$eval(panel, (el) => Number(el.getAttribute('data-revision')));
  await action();
  await frame.waitForFunction(
    (selector: string, seen: number) => {
      const el = document.querySelector(selector);
      return el?.getAttribute('data-state') === 'idle' && Number(el.getAttribute('data-revision')) > seen;
    },
    {},
    panel,
    revision,
  );
  const error = await frame.$eval(testid('idp-error'), (el) => el.textContent ?? '');
  assert.equal(error, '', 'the simulated IdP reported no error');
}

/** Sets a form field inside the portal frame (typing into a cross-origin frame is slow and flaky). */
export async function setField(frame: Frame, id: string, value: string): Promise<void> {
  await frame.$eval(testid(id), (el, v) => ((el as HTMLInputElement).value = v as string), value);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

let axeSource: Promise<string> | null = null;

/** axe-core's violations on the page (its own document and shadow DOM; not cross-origin frames), one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Runtime.evaluate is not subject to the page's CSP, unlike an injected <script>.
  await page.evaluate(await axeSource);
  const found = (await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } }).axe
      .run(document, { iframes: false, resultTypes: ['violations'] })
      .then((r) => r.violations),
  )) as AxeViolation[];
  return found.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}
