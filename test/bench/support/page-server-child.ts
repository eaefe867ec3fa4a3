// The host app of the network bench in a process of its own: it must trust the emulator's CA, which Node reads
// from NODE_EXTRA_CA_CERTS only at start-up, and its CPU is then not the bench's. Bound to 127.0.0.1 only.
// BENCH_PAGES_TLS=1 serves HTTPS with a throwaway certificate (its key pin announced for Chromium), so the host
// page can be same-site with the emulator, as with a portal on a custom domain under the host's own site.
import { createAdaptorServer } from '@hono/node-server';
import { Scalekit } from '@scalekit-sdk/node';
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTlsMaterial } from '../../../emulator/src/http/tls.js';
import { benchPagesApp } from './bench-pages.js';
import { announceReady } from './processes.js';

const env = process.env;
const scalekit = new Scalekit(env['SCALEKIT_ENVIRONMENT_URL']!, env['SCALEKIT_CLIENT_ID']!, env['SCALEKIT_CLIENT_SECRET']!);
const app = await benchPagesApp(scalekit);
const tls = env['BENCH_PAGES_TLS'] === '1' ? await createTlsMaterial() : null;
const server = createAdaptorServer({
  fetch: app.fetch,
  overrideGlobalObjects: false,
  ...(tls ? { createServer: createHttpsServer, serverOptions: { key: tls.key, cert: tls.certChain } } : {}),
}) as Server;
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const { port } = server.address() as AddressInfo;
announceReady({ port, spkiSha256: tls?.spkiSha256 ?? null }, async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  await tls?.dispose();
});
