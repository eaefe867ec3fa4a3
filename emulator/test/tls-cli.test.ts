// `scalekit-emulator --tls`: an https:// URL and the path of the CA to trust, printed; the SDK's token
// endpoint answers over it with that CA; an unknown flag is refused with one line and exit code 1.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledEntry } from '../../test/support/bundled-entry.js';

const cli = bundledEntry('emulator/src/cli.ts');
const stateDir = mkdtempSync(join(tmpdir(), 'scalekit-emulator-state-')); // the CLI saves its credentials here

function run(args: string[]) {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_STATE_DIR: stateDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return { child, out: () => stdout, err: () => stderr };
}

it('--tls prints an https URL and the CA path; clients trusting that CA get through', { timeout: 600_000 }, async () => {
  const { child, out } = run(['--tls', '--public-url', 'https://sk.dev.example.test']);
  while (!out().includes('Ctrl+C')) await once(child.stdout, 'data');
  const url = /SCALEKIT_ENVIRONMENT_URL=(\S+)/.exec(out())![1]!;
  const caPath = /NODE_EXTRA_CA_CERTS=(\S+)/.exec(out())![1]!;
  const controlToken = /EMULATOR_CONTROL_TOKEN=(\S+)/.exec(out())![1]!;
  assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(out(), /Portal links point at https:\/\/sk\.dev\.example\.test/);
  const status = await new Promise<number>((resolve, reject) => {
    https.get(`${url}/_emulator/stats`, { ca: readFileSync(caPath), headers: { authorization: `Bearer ${controlToken}` } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on('error', reject);
  });
  assert.equal(status, 200);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

it('refuses an unknown flag or a bad value with one line and exit code 1', { timeout: 600_000 }, async () => {
  for (const args of [['--tsl'], ['--port', 'abc'], ['--public-url', 'javascript:alert(1)'], ['--port']]) {
    const { child, out, err } = run(args);
    const [code] = await once(child, 'exit');
    assert.equal(code, 1, args.join(' '));
    assert.equal(out(), '');
    assert.match(err(), /^Scalekit emulator not started: .+\n$/);
  }
});
