// Browser tests: real headless Chromium, TypeScript compiled from source by esbuild.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { portalMiddleware, portalPlugin } from './test/component/support/portal-plugin.mjs';
import { reactPlugin } from './test/component/react/support/react-plugin.mjs';
import { chromeLaunchOptions } from './test/support/chromium.mjs';

export default {
  // *.node.test.ts run under node --test (npm run test:server): they check the element imports without a DOM.
  files: ['test/component/**/*.test.ts', '!test/**/*.node.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  browsers: [
    chromeLauncher({
      launchOptions: chromeLaunchOptions(),
    }),
  ],
  // React (CommonJS) served as ESM, and server rendering in Node: see test/component/react/support/react-plugin.mjs.
  // The link endpoint (same origin as the tests) and a portal page on another origin: see portal-plugin.mjs.
  middleware: [portalMiddleware],
  plugins: [reactPlugin(), esbuildPlugin({ ts: true, tsconfig: './tsconfig.json' }), portalPlugin()],
};
