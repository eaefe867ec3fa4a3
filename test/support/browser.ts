// Launches real headless Chromium through puppeteer-core (already in the tree via @web/test-runner-chrome).
import puppeteer, { type Browser } from 'puppeteer-core';
import { chromeArgs, chromePath } from './chromium.js';

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({ executablePath: chromePath, headless: true, args: chromeArgs });
}
