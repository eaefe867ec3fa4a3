// `npm run test:weights`: runs every Node test file alone, one after another, and writes how long each took to
// scripts/test-weights.json, which `npm test` reads to decide which files share a process. Run it on a quiet machine
// after adding or much changing a test file; a file missing from the table gets a guess, so forgetting is harmless.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTestBundles } from './test-bundles.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const listed = spawnSync(process.execPath, [join(root, 'scripts', 'test.mjs'), '--list'], { cwd: root, encoding: 'utf8' });
if (listed.status !== 0) throw new Error(`could not list the test files:\n${listed.stderr}`);
const files = listed.stdout.split('\n').filter(Boolean).sort();
// Each file from its own bundle, as `npm test` runs it.
const { bundles, remove } = await buildTestBundles(root, files.map((file) => [file]));
const weights = {};
try {
  for (const [index, file] of files.entries()) {
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--enable-source-maps', '--test-reporter=dot', bundles[index]], { cwd: root, encoding: 'utf8' });
    weights[file] = Math.round((Date.now() - started) / 100) / 10;
    console.log(`${file} ${weights[file]} s${result.status === 0 ? '' : ' (FAILED)'}`);
  }
} finally {
  remove();
}
writeFileSync(join(root, 'scripts', 'test-weights.json'), `${JSON.stringify(weights, null, 1)}\n`);
