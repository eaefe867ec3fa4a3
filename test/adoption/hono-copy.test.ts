// A host whose app resolves another copy of hono (a different version, or a second install) throws that copy's
// HTTPException from `authorize`. The endpoint must read it by shape, not by class identity: 403 stays 403.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { HTTPException as OurHTTPException } from 'hono/http-exception';
import { startEmulator, type Emulator } from '../../emulator/src/index.js';
import { scalekitPortal } from '../../server/index.js';
import { Scalekit } from '@scalekit-sdk/node';

type HTTPExceptionClass = typeof OurHTTPException;

let scratch: string;
let OtherHTTPException: HTTPExceptionClass;
let emulator: Emulator;
let scalekit: Scalekit;

before(async () => {
  // A genuine second copy: the hono package copied into its own node_modules, loaded from there.
  const entry = createRequire(import.meta.url).resolve('hono');
  const honoRoot = entry.slice(0, entry.lastIndexOf(`${sep}hono${sep}`) + `${sep}hono`.length);
  scratch = mkdtempSync(join(tmpdir(), 'hono-copy-'));
  cpSync(honoRoot, join(scratch, 'node_modules', 'hono'), { recursive: true });
  const url = pathToFileURL(join(scratch, 'node_modules', 'hono', 'dist', 'http-exception.js')).href;
  ({ HTTPException: OtherHTTPException } = (await import(url)) as { HTTPException: HTTPExceptionClass });
  emulator = await startEmulator({ port: 0 });
  scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
});

after(async () => {
  await emulator?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function post(authorize: Parameters<typeof scalekitPortal>[0]['authorize'], log: string[]) {
  const app = scalekitPortal({ scalekit, authorize, rateLimit: false, log: (line) => log.push(line) });
  return app.request('/portal-link', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: '{}',
  });
}

describe('an HTTPException from another copy of hono', () => {
  it('is really another class', () => {
    const error = new OtherHTTPException(403);
    assert.equal(error instanceof OurHTTPException, false);
  });

  for (const [status, code] of [
    [401, 'unauthenticated'],
    [403, 'forbidden'],
    [429, 'rate_limited'],
  ] as const) {
    it(`thrown by authorize as ${status} is answered ${status} ${code}, not 500`, async () => {
      const log: string[] = [];
      const response = await post(() => {
        throw new OtherHTTPException(status, { message: 'not an admin' });
      }, log);
      assert.equal(response.status, status);
      const body = (await response.json()) as { error: { code: string } };
      assert.equal(body.error.code, code);
      assert.deepEqual(log, [], 'a refusal is not an internal error and is not logged as one');
    });
  }

  it('with a status the table does not name is still internal (500), logged once', async () => {
    const log: string[] = [];
    const response = await post(() => {
      throw new OtherHTTPException(418);
    }, log);
    assert.equal(response.status, 500);
    assert.equal(log.length, 1);
  });

  it('an object that only looks half like one (a status, no getResponse) is internal', async () => {
    const log: string[] = [];
    const response = await post(() => {
      throw Object.assign(new Error('nope'), { status: 403 });
    }, log);
    assert.equal(response.status, 500);
  });
});
