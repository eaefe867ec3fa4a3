// close() must leave nothing behind: a process that starts the emulator, uses it and closes it exits by itself.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { bundledEntry } from '../../test/support/bundled-entry.js';

it('a process that starts, uses and closes the emulator exits on its own', { timeout: 600_000 }, async () => {
  const child = spawn(process.execPath, [bundledEntry('emulator/test/support/close-fixture.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, stderr);
  assert.match(stdout, /failed as expected failed as expected\nclosed\n$/);
});
