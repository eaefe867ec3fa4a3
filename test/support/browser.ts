// Real headless Chromium through puppeteer-core (already in the tree via @web/test-runner-chrome).
//
// Under `npm test` one Chromium serves every test process: scripts/test.mjs starts it (test/support/shared-chromium.ts)
// and passes its endpoint in TEST_CHROMIUM_ENDPOINT, since starting a browser costs more CPU than many tests do.
// A test's browser is then a browser context of its own in that Chromium — its own cookies, storage, cache and
// permissions — and closing it closes only the contexts it made. A test file run on its own launches its own Chromium.
import puppeteer, { type Browser, type BrowserContext } from 'puppeteer-core';
import { chromeLaunchOptions, chromePath } from './chromium.mjs';

/** A Chromium of the caller's own: the tests' (chromium.mjs's chromePath) unless told which. */
export function launchChromium(executablePath = chromePath): Promise<Browser> {
  return puppeteer.launch(chromeLaunchOptions([], executablePath));
}

export async function launchBrowser(): Promise<Browser> {
  const endpoint = process.env.TEST_CHROMIUM_ENDPOINT;
  if (!endpoint) return launchChromium();
  // Only targets in this caller's own contexts are attached: puppeteer otherwise attaches to every tab in the browser,
  // so other test processes' new frames would wait until this process let them run.
  const ownIds = new Set<string>();
  const shared = await puppeteer.connect({
    browserWSEndpoint: endpoint,
    defaultViewport: { width: 800, height: 600 },
    targetFilter: (target) => ownIds.has(target.browserContext().id ?? ''),
  });
  return ownPartOf(shared, ownIds);
}

/** `shared`, seen through contexts of this caller's own: pages open in them, and close() closes them and disconnects. */
async function ownPartOf(shared: Browser, ownIds: Set<string>): Promise<Browser> {
  const contexts = new Set<BrowserContext>();
  const newContext = async (options?: Parameters<Browser['createBrowserContext']>[0]) => {
    const context = await shared.createBrowserContext(options);
    ownIds.add(context.id!);
    contexts.add(context);
    return context;
  };
  const own = await newContext();
  const overrides: Partial<Browser> = {
    newPage: () => own.newPage(),
    pages: () => own.pages(),
    defaultBrowserContext: () => own,
    browserContexts: () => [...contexts],
    createBrowserContext: newContext,
    close: () => (closed ??= closeOwn()),
  };
  let closed: Promise<void> | undefined;
  const closeOwn = async () => {
    await Promise.all([...contexts].map((context) => context.close().catch(() => undefined)));
    await shared.disconnect();
  };
  return new Proxy(shared, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof Browser];
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
