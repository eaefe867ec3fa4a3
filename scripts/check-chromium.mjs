// Fails fast, with one line saying what to do, when the browser tests have no Chromium to run in.
import { existsSync } from 'node:fs';

const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';
if (!existsSync(chromePath)) {
  console.error(
    `No Chromium at ${chromePath}: install it (Debian: apt-get update && apt-get install -y chromium) or set CHROME_PATH.`,
  );
  process.exit(1);
}
