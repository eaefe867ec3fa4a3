// The emulator as a user gets it: built, packed by npm, installed ALONE into a scratch app (no hono, no SDK,
// nothing else asked for), its bin run with npx's path. Slow (a build and an install), so it builds once.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  bin: Record<string, string>;
  exports: Record<string, unknown>;
};

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) assert.fail(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

let scratch: string;
let files: string[];
let app: string;
let tarballName: string;

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'scalekit-emulator-pack-'));
  run(process.execPath, ['scripts/build.mjs'], root);
  const [packed] = JSON.parse(run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], root).stdout) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  files = packed!.files.map((f) => f.path);
  tarballName = packed!.filename;
  app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
  const flags = ['install', '-D', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts'];
  const tarball = join(scratch, packed!.filename);
  // Offline first (the repository's install warmed the cache), else allowed to fetch metadata.
  if (spawnSync(npm, [...flags, '--offline', tarball], { cwd: app, encoding: 'utf8' }).status !== 0) {
    run(npm, [...flags, '--prefer-offline', tarball], app);
  }
});

after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('npm pack scalekit-emulator', () => {
  it('ships dist, the bin with its shebang, the README and the LICENSE, and no source or tests', () => {
    assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'));
    assert.ok(files.includes(pkg.bin['scalekit-emulator']!.replace(/^\.\//, '')));
    assert.ok(files.includes('README.md') && files.includes('LICENSE'));
    assert.deepEqual(files.filter((f) => (/\.ts$/.test(f) && !f.endsWith('.d.ts')) || /(^|\/)test\//.test(f)), []);
    assert.ok(readFileSync(join(root, pkg.bin['scalekit-emulator']!), 'utf8').startsWith('#!/usr/bin/env node\n'));
  });

  it('resolves its types for ESM consumers under node16 and bundlers (are-the-types-wrong, ESM-only profile)', () => {
    const cli = join(root, '..', 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    const attw = run(process.execPath, [cli, join(scratch, tarballName), '--profile', 'esm-only', '--format', 'json'], root);
    const report = JSON.parse(attw.stdout) as { analysis: { problems: Array<{ resolutionKind?: string }> } };
    assert.deepEqual(report.analysis.problems.filter((p) => p.resolutionKind === 'node16-esm' || p.resolutionKind === 'bundler'), []);
  });
});

describe('installed alone', () => {
  it('imports startEmulator from the package name', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', `import { startEmulator } from '${pkg.name}'; const e = await startEmulator({ port: 0 }); console.log(typeof e.url); await e.close();`], {
      cwd: app,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'string');
  });

  it('npx scalekit-emulator --help prints the usage', () => {
    const help = spawnSync(join(app, 'node_modules', '.bin', 'scalekit-emulator'), ['--help'], { cwd: app, encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: npx scalekit-emulator/);
  });

  it('npx scalekit-emulator starts, prints the four lines, answers the control token only, stops on SIGTERM', async () => {
    const bin = join(app, 'node_modules', '.bin', 'scalekit-emulator');
    // The CLI saves its credentials; here in the scratch folder, not the user's state directory.
    const child = spawn(bin, [], { cwd: app, env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_STATE_DIR: join(scratch, 'state') }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
          if (/EMULATOR_CONTROL_TOKEN=\S+/.test(text)) resolve(text);
        });
        child.once('exit', (code) => reject(new Error(`emulator exited (${code}): ${text}`)));
      });
      for (const name of ['SCALEKIT_ENVIRONMENT_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET', 'EMULATOR_CONTROL_TOKEN']) {
        assert.match(out, new RegExp(`${name}=\\S+`), name);
      }
      const url = /SCALEKIT_ENVIRONMENT_URL=(\S+)/.exec(out)![1]!;
      const token = /EMULATOR_CONTROL_TOKEN=(\S+)/.exec(out)![1]!;
      assert.equal((await fetch(`${url}/_emulator/stats`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
      assert.equal((await fetch(`${url}/_emulator/stats`)).status, 401);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
