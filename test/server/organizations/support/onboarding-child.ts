// One host process for the cross-process ensureOrganization() test: its own client (the SDK, or scalekitRest()
// when the last argument says `rest`) against the shared emulator. Prints `ready` once its token is warm, runs ensureOrganization() when told `go` on stdin, prints
// the result (or the error) as one JSON line and exits.
import { createInterface } from 'node:readline';
import { Scalekit } from '@scalekit-sdk/node';
import { ensureOrganization, scalekitRest } from '../../../../server/index.js';
import { scalekitApi } from '../../../../server/scalekit/sdk-adapter.js';

const [url, clientId, clientSecret, externalId, name, kind] = process.argv.slice(2) as [string, string, string, string, string, string?];
const scalekit =
  kind === 'rest' ? scalekitRest({ environmentUrl: url, clientId, clientSecret }) : new Scalekit(url, clientId, clientSecret);
await scalekitApi(scalekit).warmUp();
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== 'go') continue;
  try {
    process.stdout.write(`${JSON.stringify({ ok: await ensureOrganization(scalekit, { externalId, name }) })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: { name: (error as Error).name, grpcStatus: (error as any).grpcStatus } })}\n`);
  }
  break;
}
lines.close();
