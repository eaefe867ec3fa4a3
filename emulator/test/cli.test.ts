// `npm run emulator`: starts, prints URL and credentials that the real SDK accepts, stops on SIGTERM by
// itself; refuses malformed configuration with one line and exit code 1.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Scalekit } from '@scalekit-sdk/node';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', cli], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return { child, out: () => stdout, err: () => stderr };
}

it('starts, prints working credentials, and stops on SIGTERM', { timeout: 60_000 }, async () => {
  const { child, out } = run({ EMULATOR_PORT: '0', EMULATOR_CLIENT_SECRET: 'sks_cli_test' });
  while (!out().includes('Ctrl+C')) await once(child.stdout, 'data');
  const url = /SCALEKIT_ENVIRONMENT_URL=(\S+)/.exec(out())![1]!;
  const clientId = /SCALEKIT_CLIENT_ID=(\S+)/.exec(out())![1]!;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(out(), /SCALEKIT_CLIENT_SECRET=sks_cli_test/);
  const link = await new Scalekit(url, clientId, 'sks_cli_test').organization.generatePortalLink('org_acme');
  assert.ok(link.location.startsWith(`${url}/magicLink/`));
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  assert.match(out(), /stopped/);
});

it('refuses a malformed configuration with one line and exit code 1', { timeout: 60_000 }, async () => {
  const envs: Array<Record<string, string>> = [
    { EMULATOR_PORT: 'abc' },
    { EMULATOR_PORT: '99999' },
    { EMULATOR_PORT: '0', EMULATOR_ALLOWED_ORIGINS: "http://localhost:3000; script-src 'unsafe-inline'" },
    { EMULATOR_PORT: '0', EMULATOR_CLIENT_SECRET: 'has spaces in it' },
  ];
  for (const env of envs) {
    const { child, out, err } = run(env);
    const [code] = await once(child, 'exit');
    assert.equal(code, 1, JSON.stringify(env));
    assert.equal(out(), '');
    assert.match(err(), /^Scalekit emulator not started: .+\n$/);
    assert.equal(err().includes('has spaces'), false, 'a rejected secret is not echoed');
  }
});
