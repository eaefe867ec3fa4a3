// Where the Node SDK itself runs (docs/runtimes.md): the unmodified @scalekit-sdk/node minting one link from the
// emulator inside Node, Bun and Deno — and failing in workerd, even with nodejs_compat, because it needs
// http2.connect. This is why scalekitRest() exists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../../emulator/src/index.js';
import type { Emulator } from '../../emulator/src/index.js';
import { bundleForNodeCompat, runOnce, startWorker } from './harness.js';

describe('the Node SDK in each runtime', () => {
  let emulator: Emulator;
  let config: string;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    config = JSON.stringify({
      environmentUrl: emulator.url,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      organizationId: emulator.organizations()[0]!.id,
    });
  });
  after(() => emulator.close());

  for (const runtime of ['node', 'bun', 'deno'] as const) {
    it(`mints a link in ${runtime}`, async () => {
      const output = await runOnce(runtime, 'sdk-link.ts', [config]);
      assert.deepEqual(JSON.parse(output.trim().split('\n').at(-1)!), { ok: true });
    });
  }

  it('fails in workerd with nodejs_compat: http2.connect is not implemented', async () => {
    const parsed = JSON.parse(config) as Record<string, string>;
    const worker = await startWorker({
      bundle: (outfile) => bundleForNodeCompat('sdk-worker.ts', outfile),
      bindings: {
        SCALEKIT_ENVIRONMENT_URL: parsed['environmentUrl']!,
        SCALEKIT_CLIENT_ID: parsed['clientId']!,
        SCALEKIT_CLIENT_SECRET: parsed['clientSecret']!,
        ORGANIZATION_ID: parsed['organizationId']!,
      },
      compatibilityDate: '2026-06-01',
      // What the SDK's dependencies (axios, form-data) need to load at all.
      compatibilityFlags: ['nodejs_compat', 'enable_nodejs_fs_module', 'enable_nodejs_http_modules'],
    });
    try {
      const answer = (await (await fetch(worker.url)).json()) as { ok: boolean; error?: string };
      assert.equal(answer.ok, false);
      assert.match(answer.error ?? '', /http2\.connect/);
    } finally {
      await worker.stop();
    }
  });
});
