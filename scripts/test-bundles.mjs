// The Node test processes of `npm test` run bundles, not TypeScript through tsx: tsx's loader compiles and resolves
// every module again in each of the ~45 processes, about a second of CPU apiece on a 2-core machine where CPU is what
// the suite waits on. esbuild builds every process's bundle in one call, in a fraction of a second.
//
// What stays as it was: packages load from node_modules (they are left outside the bundles); `import.meta.url`,
// `import.meta.dirname` and `import.meta.filename` keep meaning the source file (tests find their fixtures by them);
// names are kept (as tsx keeps them); stack traces point into the TypeScript sources through source maps.
import * as esbuild from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Each source file's own import.meta values, written into its text before esbuild merges the modules. */
const importMetaOfSource = {
  name: 'import-meta-of-source',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?tsx?$|\.[cm]?js$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      const contents = text
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      const loader = /\.[cm]?tsx$/.test(args.path) ? 'tsx' : /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js';
      return { contents, loader };
    });
  },
};

/**
 * Builds one bundle per list of test files (each importing its files in turn, as node:test runs any module's
 * top-level tests) into a folder of this process's own; resolves to the bundles' paths, in order, and a function
 * that removes them. Rejects with esbuild's errors if a file does not build.
 */
export async function buildTestBundles(root, groups) {
  const dir = join(root, 'node_modules', '.cache', 'test-bundles', String(process.pid));
  mkdirSync(dir, { recursive: true });
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const entries = groups.map((files, index) => {
    const entry = join(dir, `process-${index}.ts`);
    writeFileSync(entry, files.map((file) => `await import(${JSON.stringify(join(root, file))});\n`).join(''));
    return entry;
  });
  try {
    await esbuild.build({
      entryPoints: entries,
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      keepNames: true,
      sourcemap: 'linked',
      logLevel: 'silent',
      plugins: [importMetaOfSource],
    });
  } catch (error) {
    remove();
    throw error;
  }
  return { bundles: entries.map((entry) => entry.replace(/\.ts$/, '.mjs')), remove };
}
