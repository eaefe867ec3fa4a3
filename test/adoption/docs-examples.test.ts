// Every fenced ts/tsx example in README.md, docs/*.md and emulator/README.md type-checks against the package's exports: a renamed
// export, a wrong option or a missing types import is a tsc error a reader would hit after copying the example.
// Names an example leaves to the reader's app (`app`, `scalekit`, `authorize`, the app's own modules) are not
// errors here; `scalekit-admin-portal/*` resolves through package.json's `exports` to the TypeScript source.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Errors that only say the example relies on something of the reader's app. */
const READERS_CONTEXT = new Set([
  2304, // Cannot find name 'app'
  2552, // Cannot find name …, did you mean …
  2503, // Cannot find namespace 'express' (a type of the reader's framework, imported elsewhere in their file)
  2833, // the same, with a suggestion
  18004, // No value exists in scope for the shorthand property 'scalekit'
  7006, // a parameter of a callback passed to one of those names has no contextual type
]);

function packagePaths(): Record<string, string[]> {
  const { name, exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { types?: string }>;
  };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(exports)) {
    if (typeof target !== 'object' || !target.types) continue;
    const source = target.types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts');
    paths[subpath === '.' ? name : `${name}/${subpath.slice(2)}`] = [join(root, source)];
  }
  // The emulator's own package, resolved to its source as well.
  paths['scalekit-emulator'] = [join(root, 'emulator/src/index.ts')];
  return paths;
}

/** Runs tsc on one program and resolves with what it printed, whatever its exit status. */
function typeCheck(dir: string, project: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, project)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', fail);
    child.on('close', () => done(output));
  });
}

it('every ts/tsx example in README.md and docs/*.md type-checks against the exports', async () => {
  const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
    .concat('emulator/README.md');
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
  // Inside node_modules so the examples resolve hono, react, express… as the reader's app would.
  const dir = mkdtempSync(join(root, 'node_modules/.cache/docs-examples-'));
  try {
    // The tag's JSX types are a global augmentation: one example importing them would lend them to every other
    // in the same program. TSX examples that import neither `/react` nor `/jsx` are checked in a program of their
    // own, so a page that forgot the types import fails as it would in the reader's app.
    const programs = { shared: [] as string[], withoutTagTypes: [] as string[] };
    const origin = new Map<string, { page: string; line: number }>();
    for (const page of pages) {
      const text = readFileSync(join(root, page), 'utf8');
      for (const match of text.matchAll(/^```(ts|tsx)\n([\s\S]*?)^```/gm)) {
        const [, lang, code] = match as unknown as [string, string, string];
        const line = text.slice(0, match.index).split('\n').length;
        const file = `${page.replace(/[/.]/g, '_')}_${line}.${lang}`;
        // A fragment without imports or exports is still checked as a module of its own.
        writeFileSync(join(dir, file), /^\s*(import|export)\s/m.test(code) ? code : `${code}\nexport {};\n`);
        const bringsTagTypes = /from '[^']*scalekit-admin-portal\/(react|jsx)'/.test(code);
        programs[lang === 'tsx' && !bringsTagTypes ? 'withoutTagTypes' : 'shared'].push(file);
        origin.set(file, { page, line });
      }
    }
    assert.ok(programs.shared.length > 20, `found only ${programs.shared.length} examples`);
    const compilerOptions = {
      target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      jsx: 'react-jsx', strict: true, noEmit: true, skipLibCheck: true, types: ['node'],
      experimentalDecorators: true, useDefineForClassFields: false, paths: packagePaths(),
    };
    const projects = Object.entries(programs)
      .filter(([, files]) => files.length > 0)
      .map(([name, files]) => {
        writeFileSync(join(dir, `${name}.json`), JSON.stringify({ compilerOptions, files }));
        return `${name}.json`;
      });
    const output = (await Promise.all(projects.map((project) => typeCheck(dir, project)))).join('\n');
    const errors = output
      .split('\n')
      .map((line) => /^(\S+?)\((\d+),\d+\): error TS(\d+): (.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .filter(([, , , code, message]) => {
        if (READERS_CONTEXT.has(Number(code))) return false;
        // A module of the reader's app or a package this repository does not install; never one of ours.
        if (code === '2307') return /'scalekit-admin-portal/.test(message!);
        return true;
      })
      .map(([, file, line, code, message]) => {
        const where = origin.get(basename(file!));
        if (!where) return `${file}(${line}): TS${code} ${message}`;
        return `${where.page}:${where.line + Number(line)}: TS${code} ${message}`;
      });
    assert.deepEqual(errors, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
