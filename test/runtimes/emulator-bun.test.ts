// The emulator inside Bun. Cleartext (h2c): startEmulator() and the unmodified SDK in one Bun process — a
// portal link with features, an organization created, the REST API and the portal page. TLS: the CLI with
// --tls under Bun, and the SDK in a second Bun process trusting the printed CA through NODE_EXTRA_CA_CERTS
// (read at start, so not the same process). Self-contained: scripts go to a temporary directory; skipped
// when no Bun binary is installed.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bun = path.join(root, 'node_modules/.bin/bun');

const SCRIPT = `
import { Scalekit } from '@scalekit-sdk/node';
import { Feature } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/organizations/organizations_pb.js';
import { startEmulator } from ${JSON.stringify(path.join(root, 'emulator/src/index.ts'))};

const emulator = await startEmulator();
const out = { runtime: typeof Bun === 'object' ? 'bun ' + Bun.version : 'not bun', url: emulator.url };
try {
  const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
  const created = await scalekit.organization.createOrganization('Bun Co', { externalId: 'bun-tenant' });
  const inner = scalekit.organization;
  const { link } = await inner.coreClient.connectExec(inner.client.generatePortalLink, { id: created.organization.id, features: [Feature.dir_sync] });
  out.organizationId = created.organization.id;
  out.location = link.location;
  out.features = emulator.stats().links.at(-1).features;
  const init = {};
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: emulator.clientId, client_secret: emulator.clientSecret });
  const token = (await (await fetch(emulator.url + '/oauth/token', { method: 'POST', body: form, ...init })).json()).access_token;
  const rest = await fetch(emulator.url + '/api/v1/organizations:external/bun-tenant', { headers: { authorization: 'Bearer ' + token }, ...init });
  out.restStatus = rest.status;
  out.restId = (await rest.json()).organization?.id;
  const page = await fetch(link.location, init);
  out.pageStatus = page.status;
  out.pageHasDirectory = (await page.text()).includes('id="directory-section"');
} catch (error) {
  out.error = String(error).slice(0, 400);
}
await emulator.close();
console.log(JSON.stringify(out));
`;

const CLIENT = `
import { Scalekit } from '@scalekit-sdk/node';
const { EMULATOR_URL, EMULATOR_CLIENT_SECRET } = process.env;
const out = {};
try {
  const scalekit = new Scalekit(EMULATOR_URL, 'skc_emulator', EMULATOR_CLIENT_SECRET);
  out.organizationId = (await scalekit.organization.createOrganization('Bun TLS Co')).organization.id;
  out.location = (await scalekit.organization.generatePortalLink(out.organizationId)).location;
} catch (error) {
  out.error = String(error).slice(0, 400);
}
console.log(JSON.stringify(out));
`;

async function withScripts<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'emulator-bun-'));
  try {
    await writeFile(path.join(dir, 'emulator-in-bun.ts'), SCRIPT);
    await writeFile(path.join(dir, 'client.ts'), CLIENT);
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const skip = !existsSync(bun) && 'no Bun binary';

it('startEmulator() runs in Bun and the unmodified SDK works against it in the same process', { skip, timeout: 600_000 }, async () => {
  const { stdout } = await withScripts((dir) => promisify(execFile)(bun, ['run', path.join(dir, 'emulator-in-bun.ts')], { cwd: root, timeout: 60_000 }));
  const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(out.error, undefined);
  assert.match(out.runtime, /^bun \d/);
  assert.match(out.url, /^http:\/\//);
  assert.ok(out.location.startsWith(`${out.url}/magicLink/`));
  assert.deepEqual(out.features, ['dir_sync']);
  assert.equal(out.restStatus, 200);
  assert.equal(out.restId, out.organizationId);
  assert.equal(out.pageStatus, 200);
  assert.equal(out.pageHasDirectory, true);
});

it('scalekit-emulator --tls runs in Bun; the SDK in another Bun process trusts it through NODE_EXTRA_CA_CERTS', { skip, timeout: 600_000 }, async (t) => {
  // Its saved credentials in a folder of this test's own, never the user's state folder.
  const stateDir = await mkdtemp(path.join(tmpdir(), 'scalekit-emulator-bun-state-'));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const server = spawn(bun, ['run', path.join(root, 'emulator/src/cli.ts'), '--tls'], {
    cwd: root,
    env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_CLIENT_SECRET: 'sks_bun_tls', EMULATOR_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  server.stdout.setEncoding('utf8').on('data', (d: string) => (printed += d));
  try {
    while (!printed.includes('Ctrl+C')) await once(server.stdout, 'data');
    const url = /SCALEKIT_ENVIRONMENT_URL=(\S+)/.exec(printed)![1]!;
    const caPath = /NODE_EXTRA_CA_CERTS=(\S+)/.exec(printed)![1]!;
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const { stdout } = await withScripts((dir) =>
      promisify(execFile)(bun, ['run', path.join(dir, 'client.ts')], {
        cwd: root,
        timeout: 60_000,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath, EMULATOR_URL: url, EMULATOR_CLIENT_SECRET: 'sks_bun_tls' },
      }),
    );
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.equal(out.error, undefined);
    assert.ok(out.location.startsWith(`${url}/magicLink/`));
  } finally {
    server.kill('SIGTERM');
    if (server.exitCode === null) await once(server, 'exit');
  }
});
