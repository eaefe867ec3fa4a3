// One place that knows how to start the machine's Chromium, for the test runner and for puppeteer-driven tests.
export const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';

/** Flags that let headless Chromium run as root in a container with no network beyond loopback. */
export const chromeArgs = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
