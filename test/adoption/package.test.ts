// The package as users get it: built, packed by npm, installed by npm into a scratch app, imported through its
// exports, its bin run. Slow (a build and two installs), so it builds once for every test here.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
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
  const [dry] = JSON.parse(run(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], root).stdout) as PackResult[];
  files = dry!.files.map((f) => f.path);
  const [packed] = JSON.parse(
    run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], root).stdout,
  ) as PackResult[];
  tarball = join(scratch, packed!.filename);
});

after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Every file an `exports` condition or the bin points at, as a path inside the package. */
function targets(): string[] {
  const out: string[] = [];
  for (const value of Object.values(pkg.exports)) {
    for (const target of typeof value === 'string' ? [value] : Object.values(value)) out.push(target);
  }
  out.push(...Object.values(pkg.bin));
  return out.map((target) => target.replace(/^\.\//, ''));
}

describe('npm pack', () => {
  it('ships every exports and bin target, the LICENSE and the README', () => {
    for (const target of targets()) assert.ok(files.includes(target), `${target} is in the tarball`);
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

  it('keeps the bin\'s shebang', () => {
    const bin = readFileSync(join(root, pkg.bin['scalekit-emulator']!), 'utf8');
    assert.ok(bin.startsWith('#!/usr/bin/env node\n'));
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

function importIn(app: string, code: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: app, encoding: 'utf8' });
}

describe('the tarball installed in a scratch app', () => {
  it('with the peers: every entry imports and the bin runs', async () => {
    const app = join(scratch, 'full');
    install(app, [tarball, ...['hono', '@hono/node-server', '@scalekit-sdk/node', 'react'].map(testedVersion)]);

    // ./bundle is the browser build (Lit's browser code, which needs a DOM): test/adoption/bundle.test.ts loads it in Chromium.
    const entries = Object.keys(pkg.exports)
      .filter((key) => !key.endsWith('.json') && key !== './bundle')
      .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
    for (const entry of entries) {
      const result = importIn(app, `const m = await import(${JSON.stringify(entry)}); console.log(Object.keys(m).join(','));`);
      assert.equal(result.status, 0, `import ${entry}: ${result.stderr.slice(-2000)}`);
    }
    const server = importIn(app, `import { scalekitPortal, scalekitWebhooks } from '${pkg.name}/server'; console.log(typeof scalekitPortal, typeof scalekitWebhooks);`);
    assert.equal(server.stdout.trim(), 'function function');
    const element = importIn(app, `import { ScalekitAdminPortal } from '${pkg.name}/element'; console.log(typeof ScalekitAdminPortal);`);
    assert.equal(element.stdout.trim(), 'function');

    const bin = join(app, 'node_modules', '.bin', 'scalekit-emulator');
    const help = spawnSync(bin, ['--help'], { cwd: app, encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: npx scalekit-emulator/);

    // And it really starts: the first lines name the URL and the control token; the stats route answers with
    // that token and only with it; SIGTERM stops it.
    const child = spawn(bin, [], { cwd: app, env: { ...process.env, EMULATOR_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [url, controlToken] = await new Promise<[string, string]>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const url = /SCALEKIT_ENVIRONMENT_URL=(\S+)/.exec(out);
          const token = /EMULATOR_CONTROL_TOKEN=(\S+)/.exec(out);
          if (url && token) resolve([url[1]!, token[1]!]);
        });
        child.once('exit', (code) => reject(new Error(`emulator exited (${code}): ${out}`)));
      });
      const stats = await fetch(`${url}/_emulator/stats`, { headers: { authorization: `Bearer ${controlToken}` } });
      assert.equal(stats.status, 200);
      assert.equal((await fetch(`${url}/_emulator/stats`)).status, 401);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
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
    const help = spawnSync(join(app, 'node_modules', '.bin', 'scalekit-emulator'), ['--help'], { cwd: app, encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    const start = spawnSync(join(app, 'node_modules', '.bin', 'scalekit-emulator'), [], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, EMULATOR_PORT: '0' },
    });
    assert.equal(start.status, 1);
    assert.match(start.stderr, /npm install -D hono @hono\/node-server @scalekit-sdk\/node/);
  });
});
