// The README is the front door and docs/ the reference behind it: every relative link in them must lead somewhere.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Pages being written alongside this one; drop each name once its page is in the tree.
it('every relative link in README.md and docs/*.md points at a file in the repository', () => {
  const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const broken: string[] = [];
  for (const page of pages) {
    const text = readFileSync(join(root, page), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!) || target!.startsWith('#')) continue;
      const file = relative(root, join(dirname(join(root, page)), target!.split('#')[0]!));
      if (!existsSync(join(root, file))) broken.push(`${page}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});
