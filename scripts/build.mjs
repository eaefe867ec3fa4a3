// npm run build → dist/: ESM JavaScript + .d.ts for component/ and server/ (tsc), dist/custom-elements.json, and
// dist/scalekit-admin-portal.min.js, the element with Lit in one file for pages without a bundler.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;

function run(command, args) {
  const { status } = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (status !== 0) {
    console.error(`build: ${command.split('/').pop()} ${args[0]} failed (exit ${status})`);
    process.exit(status ?? 1);
  }
}

rmSync(`${root}dist`, { recursive: true, force: true });
run(bin('tsc'), ['-p', 'tsconfig.build.json']);

// The manifest describes the element from its TypeScript source (decorators, JSDoc); its paths then point at
// what the package ships.
run(bin('cem'), ['analyze', '--config', 'scripts/cem.config.mjs']);
const manifestPath = `${root}dist/custom-elements.json`;
const manifest = JSON.parse(
  readFileSync(manifestPath, 'utf8').replace(/"(?:\/)?component\/([\w./-]+)\.ts"/g, '"dist/component/$1.js"'),
);
// Internal reactive state (`_status`, … declared with `state: true`) is not an attribute a host can set.
for (const module of manifest.modules) {
  for (const declaration of module.declarations ?? []) {
    if (declaration.attributes) declaration.attributes = declaration.attributes.filter((a) => !a.name.startsWith('_'));
  }
}
writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

// One self-contained ES module (Lit bundled, no bare specifiers) for a plain <script type="module"> or a CDN.
const bundlePath = `${root}dist/scalekit-admin-portal.min.js`;
await build({
  entryPoints: [`${root}component/index.ts`],
  outfile: bundlePath,
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  tsconfig: `${root}tsconfig.json`,
  legalComments: 'eof',
  logLevel: 'warning',
});
const bundle = readFileSync(bundlePath);
console.log(
  `build: ${bundlePath.slice(root.length)} ${(statSync(bundlePath).size / 1024).toFixed(1)} KiB, ` +
    `${(gzipSync(bundle, { level: 9 }).length / 1024).toFixed(1)} KiB gzipped`,
);

// The entry points must import in Node with no DOM (server-side rendering, tooling).
run(process.execPath, ['-e', "await import('./dist/component/index.js'); await import('./dist/component/admin-portal.js');", '--input-type=module']);
console.log('build: dist/ ready');
