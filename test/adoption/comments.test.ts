// Comments ship (in dist/ and its .d.ts) and outlive the planning notes they could point at: they say the thing
// itself, never "issue 7" or a document outside this repository.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const FOLDERS = ['component', 'server', 'demo', 'scripts'];
const SOURCE = /\.(ts|tsx|js|mjs|cjs|css|html)$/;
const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bissues? #?\d+/i, 'an issue number'],
  [/\bCONTRACT\b/, 'the contract document'],
  [/SCALEKIT\.md/, 'SCALEKIT.md'],
  [/STYLE\.md/, 'STYLE.md'],
  [/§/, 'a section of an outside document'],
  [/\bseed step\b/i, 'a planning step'],
];

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') yield* files(path);
    } else if (SOURCE.test(entry.name)) yield path;
  }
}

it('no comment in component/, server/, demo/ or scripts/ points at an issue or an outside document', () => {
  const found: string[] = [];
  for (const folder of FOLDERS) {
    for (const file of files(join(root, folder))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
        for (const [pattern, what] of FORBIDDEN) {
          if (pattern.test(line)) found.push(`${relative(root, file)}:${index + 1}: ${what}: ${line.trim().slice(0, 120)}`);
        }
      });
    }
  }
  assert.deepEqual(found, []);
});
