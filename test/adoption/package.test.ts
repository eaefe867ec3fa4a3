// The package as users get it: built, packed by npm, installed by npm into a scratch app, imported through its
// exports, its bin run. Slow (a build and two installs), so it builds once for every test here.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | Record<string, string>>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  dependencies: Record<string, string>;
};

interface PackResult {
  filename: string;
  size: number;
  entryCount: number;
  files: Array<{ path: string }>;
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) {
    assert.fail(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let scratch: string;
let files: string[];
let tarball: string;

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'scalekit-pack-'));
  run(process.execPath, ['scripts/build.mjs'], root);
  // One pack: its JSON lists the files the tarball holds, as a dry run would.
  const [packed] = JSON.parse(
    run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], root).stdout,
  ) as PackResult[];
  files = packed!.files.map((f) => f.path);
  tarball = join(scratch, packed!.filename);
});

after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Every file an `exports` condition points at, as a path inside the package. */
function targets(): string[] {
  const out: string[] = [];
  for (const value of Object.values(pkg.exports)) {
    for (const target of typeof value === 'string' ? [value] : Object.values(value)) out.push(target);
  }
  return out.map((target) => target.replace(/^\.\//, ''));
}

describe('npm pack', () => {
  it('ships every exports target, the LICENSE and the README', () => {
    for (const target of targets()) {
      // A subpath pattern (`./locales/*`) must match at least one shipped file.
      const pattern = new RegExp(`^${target.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace('*', '[^/]+')}$`);
      assert.ok(files.some((file) => pattern.test(file)), `${target} is in the tarball`);
    }
    assert.ok(files.includes('LICENSE'));
    assert.ok(files.includes('README.md'));
  });

  it('ships no source map without its source, no TypeScript source and no tests', () => {
    for (const file of files.filter((f) => f.endsWith('.map'))) {
      const map = JSON.parse(readFileSync(join(root, file), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
      assert.ok(map.sourcesContent?.length === map.sources.length, `${file} carries its sources`);
    }
    assert.deepEqual(files.filter((f) => /\.(ts|tsx)$/.test(f) && !f.endsWith('.d.ts')), []);
    assert.deepEqual(files.filter((f) => /(^|\/)test\//.test(f)), []);
  });

  it('ships no demo code', () => {
    const demo = files.filter((f) => /(^|\/)demo[/-]|\/(app|main|demo-[\w-]+)\.(js|d\.ts)$/.test(f) && !f.includes('/emulator/'));
    assert.deepEqual(demo, []);
  });

  it('makes hono, the SDK, @hono/node-server and react optional peers, none of them a dependency', () => {
    for (const name of ['hono', '@scalekit-sdk/node', '@hono/node-server', 'react']) {
      assert.ok(pkg.peerDependencies[name], `${name} is a peer`);
      assert.equal(pkg.peerDependenciesMeta[name]?.optional, true, `${name} is optional`);
      assert.equal(pkg.dependencies[name], undefined, `${name} is not a dependency`);
    }
  });

  it('resolves its types for ESM consumers under node16 and bundlers (are-the-types-wrong, ESM-only profile)', () => {
    const attw = run(process.execPath, [join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js'), tarball, '--profile', 'esm-only', '--format', 'json'], root);
    // The exit status says the profile passed; the list says so for the two ways an ESM app resolves it.
    const report = JSON.parse(attw.stdout) as { analysis: { problems: Array<{ kind: string; entrypoint: string; resolutionKind?: string }> } };
    const esmProblems = report.analysis.problems.filter((p) => p.resolutionKind === 'node16-esm' || p.resolutionKind === 'bundler');
    assert.deepEqual(esmProblems, []);
  });

  it('ships no emulator: no bin, no emulator code, none of its dependencies', () => {
    assert.equal((pkg as { bin?: unknown }).bin, undefined);
    assert.deepEqual(files.filter((f) => /emulator/.test(f)), []);
    for (const name of ['@connectrpc/connect', '@connectrpc/connect-node', '@bufbuild/protobuf', 'selfsigned', '@lit/react']) {
      assert.equal(pkg.dependencies[name], undefined, `${name} is not a dependency`);
    }
  });
});

/** `npm install` into a fresh app; offline first (a warm cache), else allowed to fetch package metadata. */
function install(app: string, specs: string[]) {
  mkdirApp(app);
  const flags = ['install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts'];
  const offline = spawnSync(npm, [...flags, '--offline', ...specs], { cwd: app, encoding: 'utf8' });
  if (offline.status !== 0) run(npm, [...flags, '--prefer-offline', ...specs], app);
}

function mkdirApp(app: string) {
  rmSync(app, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
}

/** The version the repository itself tests with, so the cache already holds it. */
function testedVersion(name: string): string {
  return `${name}@${(JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version}`;
}

/** Every package under `node_modules` (scoped ones too) with the sum of its file sizes. */
function installedPackages(nodeModules: string): Array<{ name: string; bytes: number }> {
  const out: Array<{ name: string; bytes: number }> = [];
  const sizeOf = (path: string): number => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink() || !stat.isDirectory()) return stat.isFile() ? stat.size : 0;
    return readdirSync(path).reduce((sum, entry) => sum + sizeOf(join(path, entry)), 0);
  };
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? readdirSync(join(nodeModules, entry)).map((n) => `${entry}/${n}`) : [entry];
    for (const name of names) out.push({ name, bytes: sizeOf(join(nodeModules, name)) });
  }
  return out;
}

function importIn(app: string, code: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: app, encoding: 'utf8' });
}

describe('the tarball installed in a scratch app', () => {
  it('with the peers: every entry imports and the bin runs', async () => {
    const app = join(scratch, 'full');
    install(app, [tarball, ...['hono', '@hono/node-server', '@scalekit-sdk/node', 'react'].map(testedVersion)]);

    // ./bundle is the browser build (Lit's browser code, which needs a DOM): test/adoption/bundle.test.ts loads it in Chromium.
    // A pattern export stands for every file it matches: each shipped translation is imported too.
    const locales = files.filter((f) => /^dist\/component\/locales\/[^/]+\.js$/.test(f)).map((f) => f.slice('dist/component/locales/'.length, -3));
    assert.ok(locales.includes('de') && locales.includes('ar'), `translations shipped: ${locales.join(', ')}`);
    const entries = Object.keys(pkg.exports)
      .filter((key) => !key.endsWith('.json') && key !== './bundle')
      .flatMap((key) => (key.includes('*') ? locales.map((name) => key.replace('*', name)) : [key]))
      .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
    // One process imports them all, each on its own, and reports how each went.
    const result = importIn(app, `
      const outcomes = {};
      for (const entry of ${JSON.stringify(entries)}) {
        try { await import(entry); outcomes[entry] = 'ok'; } catch (error) { outcomes[entry] = String(error?.stack ?? error).slice(0, 2000); }
      }
      console.log(JSON.stringify(outcomes));`);
    assert.equal(result.status, 0, result.stderr.slice(-2000));
    const outcomes = JSON.parse(result.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(outcomes), entries);
    for (const entry of entries) assert.equal(outcomes[entry], 'ok', `import ${entry}`);
    const server = importIn(app, `import { scalekitPortal, scalekitWebhooks } from '${pkg.name}/server'; console.log(typeof scalekitPortal, typeof scalekitWebhooks);`);
    assert.equal(server.stdout.trim(), 'function function');
    const element = importIn(app, `import { ScalekitAdminPortal } from '${pkg.name}/element'; console.log(typeof ScalekitAdminPortal);`);
    assert.equal(element.stdout.trim(), 'function');
  });

  it('with hono but neither the SDK nor @types/node: /server\'s declarations type-check with skipLibCheck off', () => {
    const app = join(scratch, 'hono-only');
    install(app, [tarball, testedVersion('hono')]);
    assert.equal(existsSync(join(app, 'node_modules', '@scalekit-sdk', 'node')), false);
    assert.equal(existsSync(join(app, 'node_modules', '@types', 'node')), false);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
        skipLibCheck: false, types: [], lib: ['ES2022', 'DOM'],
      },
      include: ['app.ts'],
    }));
    writeFileSync(join(app, 'app.ts'), [
      "import { Hono } from 'hono';",
      "import { scalekitPortal, scalekitRest, scalekitSetupLinks, scalekitWebhooks, ScalekitRouteError } from 'scalekit-admin-portal/server';",
      "const scalekit = scalekitRest({ environmentUrl: 'https://acme.scalekit.dev', clientId: 'id', clientSecret: 'secret' });",
      'const app = new Hono();',
      "app.route('/api/scalekit', scalekitPortal({ scalekit, authorize: () => ({ organizationId: 'org_1' }) }));",
      "app.route('/api/scalekit', scalekitSetupLinks({ scalekit, authorize: () => null, publicUrl: 'https://app.example.com/setup' }));",
      "app.route('/webhooks', scalekitWebhooks({ secret: 'whsec_c2VjcmV0', onEvent: () => {} }));",
      "export const refused: ScalekitRouteError = new ScalekitRouteError('forbidden');",
      '',
    ].join('\n'));
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], { cwd: app, encoding: 'utf8' });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  });

  it('without any peer: the element imports, and neither hono nor the SDK is installed', () => {
    const app = join(scratch, 'element-only');
    install(app, [tarball]);
    for (const name of ['hono', '@scalekit-sdk/node', 'react']) {
      assert.equal(existsSync(join(app, 'node_modules', name)), false, `${name} is not installed`);
    }
    for (const entry of [pkg.name, `${pkg.name}/element`]) {
      const result = importIn(app, `await import(${JSON.stringify(entry)});`);
      assert.equal(result.status, 0, `import ${entry}: ${result.stderr}`);
    }
    // What an element-only page pays: every installed package and the sum of its file sizes.
    const installed = installedPackages(join(app, 'node_modules'));
    const bytes = installed.reduce((sum, p) => sum + p.bytes, 0);
    console.log(`element-only install: ${installed.length} packages, ${(bytes / 1024 / 1024).toFixed(2)} MB (${installed.map((p) => p.name).join(', ')})`);
    assert.ok(installed.length <= 6, `at most 6 packages, got ${installed.map((p) => p.name).join(', ')}`);
    assert.ok(bytes <= 1.5 * 1024 * 1024, `at most 1.5 MB, got ${bytes} bytes`);
  });
});
