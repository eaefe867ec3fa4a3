// React for the browser tests, and server rendering for them.
//   - React ships CommonJS only: `react`, `react/jsx-runtime`, `react-dom` and `react-dom/client` are served as ESM from one
//     esbuild bundle (development build, so React reports hydration mismatches), all sharing one React copy.
//   - The `react-ssr` command renders test/component/react/support/app.ts with react-dom/server in Node, the way a
//     Next.js or Remix server would (Node export conditions: Lit's and @lit/react's server builds).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
// Loaded with the config, before the test runner swaps the console for its own (React's development build
// probes console methods when it loads).
import React from 'react';
import { renderToString } from 'react-dom/server';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const require = createRequire(`${root}package.json`);
const PREFIX = '/__react/';
const MODULES = { react: 'react', 'react/jsx-runtime': 'react/jsx-runtime', 'react-dom': 'react-dom', 'react-dom/client': 'react-dom/client' };
const fileOf = (specifier) => `${PREFIX}${specifier.replace(/\W/g, '_')}.js`;
const exportNames = Object.fromEntries(
  Object.keys(MODULES).map((specifier) => [
    specifier,
    Object.keys(require(specifier)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default'),
  ]),
);

let shared;
function sharedBundle() {
  shared ??= build({
    stdin: {
      contents: Object.keys(MODULES).map((m, i) => `export * as m${i} from '${m}';`).join('\n'),
      resolveDir: root,
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0].text);
  return shared;
}

function shim(index, specifier) {
  return `import { m${index} as m } from '${PREFIX}shared.js';\nexport default m;\nexport const { ${exportNames[specifier].join(', ')} } = m;\n`;
}

let appModule;
async function serverApp() {
  if (!appModule) {
    const outdir = `${root}node_modules/.cache/scalekit-react-ssr`;
    mkdirSync(outdir, { recursive: true });
    const outfile = `${outdir}/app-${Date.now()}.mjs`;
    await build({
      entryPoints: [`${root}test/component/react/support/app.ts`],
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external', // React, Lit and @lit/react as a Node server loads them
      tsconfig: `${root}tsconfig.json`,
      outfile,
      logLevel: 'silent',
    });
    appModule = import(pathToFileURL(outfile).href);
  }
  return appModule;
}

export function reactPlugin() {
  return {
    name: 'scalekit-test-react',
    resolveImport({ source }) {
      if (source in MODULES) return fileOf(source);
    },
    async serve(context) {
      if (!context.path.startsWith(PREFIX)) return undefined;
      if (context.path === `${PREFIX}shared.js`) return { body: await sharedBundle(), type: 'js' };
      const index = Object.keys(MODULES).findIndex((m) => fileOf(m) === context.path);
      if (index >= 0) return { body: shim(index, Object.keys(MODULES)[index]), type: 'js' };
      return undefined;
    },
    async executeCommand({ command, payload }) {
      if (command !== 'react-ssr') return undefined;
      const { App } = await serverApp();
      return renderToString(React.createElement(App, payload));
    },
  };
}
