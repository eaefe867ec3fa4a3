// The CLI's saved credentials, in-process: where the file lives on each platform, the same pair on every load,
// a new pair on renew, one pair when several emulators start at once, a file only its user can read, and a
// clear one-line refusal for a damaged, oversized or unreadable file (never a silent new secret).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CREDENTIALS_FILE, loadCredentials, stateDir } from '../src/cli/credentials.js';
import { tempStateDir } from './support/cli.js';

const posix = process.platform !== 'win32';

describe('saved credentials', () => {
  it('live in EMULATOR_STATE_DIR, else the platform state directory', () => {
    const home = '/home/pat';
    assert.equal(stateDir({ EMULATOR_STATE_DIR: '/srv/emu' }, 'linux', home), '/srv/emu');
    assert.equal(stateDir({ EMULATOR_STATE_DIR: '/srv/emu', XDG_STATE_HOME: '/x' }, 'linux', home), '/srv/emu');
    assert.equal(stateDir({ XDG_STATE_HOME: '/var/state' }, 'linux', home), '/var/state/scalekit-emulator');
    assert.equal(stateDir({ XDG_STATE_HOME: 'relative/ignored' }, 'linux', home), '/home/pat/.local/state/scalekit-emulator');
    assert.equal(stateDir({}, 'linux', home), '/home/pat/.local/state/scalekit-emulator');
    assert.equal(stateDir({}, 'darwin', home), '/home/pat/Library/Application Support/scalekit-emulator');
    assert.match(stateDir({ LOCALAPPDATA: posix ? '/c/Users/pat/AppData/Local' : 'C:\\Users\\pat\\AppData\\Local' }, 'win32', home), /scalekit-emulator$/);
    assert.throws(() => stateDir({}, 'linux', ''), /^TypeError: no home directory to keep the credentials in: set EMULATOR_STATE_DIR$/);
    assert.throws(() => stateDir({ EMULATOR_STATE_DIR: '/tmp/a\0b' }, 'linux', home), /^TypeError: EMULATOR_STATE_DIR must be a folder path$/);
    assert.throws(() => stateDir({ EMULATOR_STATE_DIR: 'x'.repeat(5000) }, 'linux', home), /EMULATOR_STATE_DIR must be a folder path/);
  });

  it('are made once, saved for the user alone, and the same on every later load', async () => {
    const dir = join(await tempStateDir(), 'nested', 'state');
    const first = await loadCredentials(dir);
    assert.equal(first.status, 'created');
    assert.match(first.clientSecret, /^sks_emu_[A-Za-z0-9_-]{24}$/);
    assert.match(first.controlToken, /^emuctl_[A-Za-z0-9_-]{32}$/);
    assert.equal(first.file, join(dir, CREDENTIALS_FILE));
    const again = await loadCredentials(dir);
    assert.deepEqual({ ...again, status: 'created' }, first);
    assert.equal(again.status, 'loaded');
    if (posix) {
      assert.equal((await stat(first.file)).mode & 0o777, 0o600);
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
      await chmod(first.file, 0o644);
      await loadCredentials(dir);
      assert.equal((await stat(first.file)).mode & 0o777, 0o600, 'a loosened file is made private again');
    }
    const saved = JSON.parse(await readFile(first.file, 'utf8'));
    assert.deepEqual(Object.keys(saved), ['version', 'clientSecret', 'controlToken', 'createdAt']);
  });

  it('renew replaces both with new ones, and later loads see the new pair', async () => {
    const dir = await tempStateDir();
    const old = await loadCredentials(dir);
    const renewed = await loadCredentials(dir, { renew: true });
    assert.equal(renewed.status, 'replaced');
    assert.notEqual(renewed.clientSecret, old.clientSecret);
    assert.notEqual(renewed.controlToken, old.controlToken);
    const later = await loadCredentials(dir);
    assert.equal(later.clientSecret, renewed.clientSecret);
    assert.equal(later.controlToken, renewed.controlToken);
  });

  it('several emulators starting at once end with one pair', async () => {
    const dir = await tempStateDir();
    const all = await Promise.all(Array.from({ length: 6 }, () => loadCredentials(dir)));
    assert.equal(new Set(all.map((c) => `${c.clientSecret} ${c.controlToken}`)).size, 1);
    assert.equal(all.filter((c) => c.status === 'created').length, 1);
    const saved = JSON.parse(await readFile(all[0]!.file, 'utf8'));
    assert.equal(saved.clientSecret, all[0]!.clientSecret);
  });

  it('a damaged, edited, oversized or unreadable file is refused with one line naming it and the fix', async () => {
    const dir = await tempStateDir();
    const file = join(dir, CREDENTIALS_FILE);
    const good = { version: 1, clientSecret: 'sks_emu_abcdefghijklmnopqrstuvwx', controlToken: 'emuctl_abcdefghijklmnopqrstuvwxyz012345' };
    const bodies = [
      '',
      'not json',
      '{"version":1',
      'null',
      '[]',
      JSON.stringify({ ...good, version: 2 }),
      JSON.stringify({ ...good, clientSecret: 'has spaces in it' }),
      JSON.stringify({ ...good, controlToken: 'short' }),
      JSON.stringify({ ...good, controlToken: 42 }),
      JSON.stringify({ version: 1 }),
      `{"__proto__":{"version":1,"clientSecret":"${good.clientSecret}","controlToken":"${good.controlToken}"}}`,
      ' '.repeat(70 * 1024),
    ];
    for (const body of bodies) {
      await writeFile(file, body);
      await assert.rejects(loadCredentials(dir), (error: Error) => {
        assert.ok(error.message.startsWith(file), error.message.slice(0, 100));
        assert.match(error.message, /delete it or start with --new-credentials/);
        assert.ok(!/[\r\n]/.test(error.message));
        assert.ok(!error.message.includes('has spaces'), 'no saved value is echoed');
        return true;
      }, body.slice(0, 40));
      // the user's way out
      assert.equal((await loadCredentials(dir, { renew: true })).status, 'replaced');
    }
    await rm(file);
    await mkdir(file);
    await assert.rejects(loadCredentials(dir), /is not a file: delete it or start with --new-credentials/);
    // Under a regular file there can be no folder.
    await writeFile(join(dir, 'plain'), 'x');
    await assert.rejects(loadCredentials(join(dir, 'plain', 'sub')), /^Error: cannot read .*plain\/sub\/credentials\.json \(ENOTDIR\): delete it or start with --new-credentials, or set EMULATOR_STATE_DIR$/);
  });

  it('when the file cannot be written, serves new credentials for this run and says why', { skip: process.platform !== 'linux' }, async () => {
    // /proc is read-only even for root, so the write fails however the tests are run.
    const result = await loadCredentials('/proc/self/scalekit-emulator');
    assert.equal(result.status, 'unsaved');
    assert.match(result.reason!, /^E[A-Z]+$/);
    assert.match(result.clientSecret, /^sks_emu_/);
  });
});
