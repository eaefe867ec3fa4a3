// `npx scalekit-emulator` started again and again on one state folder: the credentials it prints are saved there and
// the same on every start, so a host's .env keeps working; --new-credentials replaces them; the environment overrides
// them and is never written to the file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, tempStateDir, type CliRun } from './support/cli.js';

async function tokenStatus(url: string, clientId: string, clientSecret: string): Promise<number> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
  return (await fetch(`${url}/oauth/token`, { method: 'POST', body })).status;
}

async function started(args: string[], env: Record<string, string>): Promise<CliRun> {
  const run = runCli(args, env);
  await run.started();
  assert.ok(run.out().includes('Ctrl+C'), `not started:\n${run.out()}\n${run.err()}`);
  return run;
}

describe('npx scalekit-emulator across restarts', { timeout: 600_000 }, () => {
  it('keeps its client secret and control token across restarts; --new-credentials replaces them', async () => {
    const dir = await tempStateDir();
    const first = await started([], { EMULATOR_STATE_DIR: dir });
    const secret = first.value('SCALEKIT_CLIENT_SECRET');
    const token = first.value('EMULATOR_CONTROL_TOKEN');
    assert.match(first.out(), new RegExp(`^Credentials: saved in ${join(dir, 'credentials.json').replace(/[.\\/]/g, '\\$&')}, the same on every start \\(--new-credentials or deleting the file makes new ones\\)$`, 'm'));
    await first.stop();

    const second = await started([], { EMULATOR_STATE_DIR: dir });
    assert.equal(second.value('SCALEKIT_CLIENT_SECRET'), secret);
    assert.equal(second.value('EMULATOR_CONTROL_TOKEN'), token);
    const url = second.value('SCALEKIT_ENVIRONMENT_URL');
    assert.equal(await tokenStatus(url, 'skc_emulator', secret), 200, 'the .env of the first run still works');
    assert.equal((await fetch(`${url}/_emulator/stats`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    await second.stop();

    const renewed = await started(['--new-credentials'], { EMULATOR_STATE_DIR: dir });
    const newSecret = renewed.value('SCALEKIT_CLIENT_SECRET');
    const newToken = renewed.value('EMULATOR_CONTROL_TOKEN');
    assert.notEqual(newSecret, secret);
    assert.notEqual(newToken, token);
    assert.match(renewed.out(), /^Credentials: new ones \(--new-credentials\), saved in /m);
    const renewedUrl = renewed.value('SCALEKIT_ENVIRONMENT_URL');
    assert.equal(await tokenStatus(renewedUrl, 'skc_emulator', secret), 401, 'the old secret is refused');
    assert.equal((await fetch(`${renewedUrl}/_emulator/stats`, { headers: { authorization: `Bearer ${token}` } })).status, 401);
    assert.equal(await tokenStatus(renewedUrl, 'skc_emulator', newSecret), 200);
    await renewed.stop();

    const after = await started([], { EMULATOR_STATE_DIR: dir });
    assert.equal(after.value('SCALEKIT_CLIENT_SECRET'), newSecret, 'the renewed pair is the one kept');
    await after.stop();
  });

  it('the environment overrides the saved values and is never written to the file', async () => {
    const dir = await tempStateDir();
    const one = await started([], { EMULATOR_STATE_DIR: dir, EMULATOR_CLIENT_SECRET: 'sks_from_env_1' });
    assert.equal(one.value('SCALEKIT_CLIENT_SECRET'), 'sks_from_env_1');
    const token = one.value('EMULATOR_CONTROL_TOKEN');
    assert.match(one.out(), /; EMULATOR_CLIENT_SECRET from the environment is used instead$/m);
    await one.stop();
    const file = await readFile(join(dir, 'credentials.json'), 'utf8');
    assert.ok(!file.includes('sks_from_env_1'));
    assert.ok(file.includes(token), 'the control token it generated is the saved one');

    const both = await started([], { EMULATOR_STATE_DIR: join(dir, 'untouched'), EMULATOR_CLIENT_SECRET: 'sks_from_env_2', EMULATOR_CONTROL_TOKEN: 'control-token-from-env-0123' });
    assert.match(both.out(), /^Credentials: from EMULATOR_CLIENT_SECRET and EMULATOR_CONTROL_TOKEN$/m);
    await both.stop();
    await assert.rejects(readFile(join(dir, 'untouched', 'credentials.json')), { code: 'ENOENT' });
  });

});
