// The host app both time-to-portal benches load: the token endpoint (scalekitPortal() through the real SDK),
// the element's bundle and the two pages under test/bench/pages/.
import { Scalekit } from '@scalekit-sdk/node';
import { Hono } from 'hono';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { scalekitPortal } from '../../../server/portal/portal-link.js';
import { bundleForBrowser } from './bundle.js';

export async function benchPagesApp(scalekit: Scalekit): Promise<Hono> {
  const pages = resolve(import.meta.dirname, '../pages');
  const [elementJs, elementHtml, baselineHtml] = await Promise.all([
    bundleForBrowser('component/index.ts'),
    readFile(resolve(pages, 'element.html'), 'utf8'),
    readFile(resolve(pages, 'baseline.html'), 'utf8'),
  ]);
  const app = new Hono();
  app.route(
    '/api/scalekit',
    scalekitPortal({ scalekit, authorize: () => ({ organizationId: 'org_acme', userId: 'bench-user' }), rateLimit: false }),
  );
  app.get('/element.js', (c) => c.body(elementJs, 200, { 'content-type': 'text/javascript' }));
  app.get('/element.html', (c) => c.html(elementHtml));
  app.get('/baseline.html', (c) => c.html(baselineHtml));
  return app;
}
