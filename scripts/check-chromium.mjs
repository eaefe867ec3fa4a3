// Fails fast, with one line saying what to do, when the browser tests have no Chromium to run in.
import { existsSync } from 'node:fs';
import { chromePath } from '../test/support/chromium.mjs';

if (!existsSync(chromePath)) {
  console.error(
    `No Chromium at ${chromePath}${process.env.CHROME_PATH ? '' : ' nor at /usr/bin/chromium-headless-shell'}: install it (Debian: apt-get update && apt-get install -y chromium-headless-shell) or set CHROME_PATH.`,
  );
  process.exit(1);
}
