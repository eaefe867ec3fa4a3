// A Worker that imports `scalekit-admin-portal/server` and uses only scalekitRest() must bundle without Node:
// no `node:` module, no Node SDK, no Node-only package anywhere in the bundle.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { bundle, root, withTempDir } from './harness.js';

describe('a Worker bundle of scalekit-admin-portal/server with scalekitRest()', () => {
  it('pulls in no node: module and nothing of the Node SDK or its transports', async () => {
    await withTempDir(async (dir) => {
      const outfile = path.join(dir, 'worker.js');
      const metafile = await bundle('worker.ts', outfile, 'worker');
      const inputs = Object.keys(metafile.inputs);
      assert.ok(inputs.some((input) => input.endsWith('server/scalekit/rest-client.ts')), 'the bundle is of the REST client');

      const nodeOnly = inputs.filter((input) =>
        /^node:|(^|\/)node_modules\/(@scalekit-sdk|@connectrpc|@hono\/node-server|axios|jose|qs)\//.test(input),
      );
      assert.deepEqual(nodeOnly, [], `Node-only inputs in the Worker bundle:\n${nodeOnly.join('\n')}`);
      const imports = Object.values(metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
      assert.deepEqual(imports, [], 'the Worker bundle must be self-contained');

      const code = await readFile(outfile, 'utf8');
      const nodeSpecifiers = [...code.matchAll(/["'](node:[\w/]+)["']/g)].map((match) => match[1]);
      assert.deepEqual(nodeSpecifiers, []);
      // Node globals workerd (without nodejs_compat) and Deno do not define.
      for (const file of inputs.filter((input) => input.startsWith('server/'))) {
        const code = (await readFile(path.join(root, file), 'utf8')).replace(/^\s*(\/\/|\*).*$/gm, ''); // comments aside
        assert.doesNotMatch(code, /\bBuffer\b|\bprocess\.|\brequire\(/, `${file} uses a Node global`);
      }
    });
  });
});
