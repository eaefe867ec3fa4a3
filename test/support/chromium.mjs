// One place that knows how to start the machine's Chromium: for puppeteer-driven tests, the web-test-runner suite,
// the benchmark and the check `npm test` runs first. Plain JavaScript, so the runner's .mjs config can import it.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';

const DESKTOP = '/usr/bin/chromium';
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';

/**
 * The browser the tests drive: Chromium's headless shell when installed — the same Blink and V8 without the desktop
 * browser around them, which costs a third less CPU per page (the browser suites are CPU-bound on 2 cores) — else the
 * full Chromium. CHROME_PATH overrides both.
 */
export const chromePath = process.env.CHROME_PATH || (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : DESKTOP);

/** The full Chromium, as people browse with it: the benchmark times page loads in what users run. */
export const desktopChromePath = process.env.CHROME_PATH || DESKTOP;

/** Flags that let headless Chromium run as root in a container with no network beyond loopback. */
const CHROME_ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** puppeteer's launch options for `executablePath` with `extraArgs`: the shell is headless only, the full browser runs its new headless mode. */
export function chromeLaunchOptions(extraArgs = [], executablePath = chromePath) {
  return {
    executablePath,
    headless: basename(executablePath).includes('headless-shell') ? 'shell' : true,
    args: [...CHROME_ARGS, ...extraArgs],
  };
}
