// The one Chromium of an `npm test` run (see browser.ts): scripts/test.mjs runs this, reads the DevTools endpoint it
// prints on its first line, and hands it to every test process. The browser closes when this program's standard
// input ends, which happens when the runner is done or has died.
import { launchChromium } from './browser.js';

const browser = await launchChromium();
process.stdout.write(`${browser.wsEndpoint()}\n`);
const close = () => void browser.close().finally(() => process.exit(0));
process.stdin.on('end', close).on('close', close).resume();
