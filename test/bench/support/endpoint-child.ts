// The token endpoint under test, alone in its process: scalekitPortal() on @hono/node-server, talking to the
// emulator child through the real SDK. Bench-only controls under /__bench/ let the parent read this process's
// memory, swap in a fresh (cold) SDK client, and run the same SDK client directly — the "limit" the endpoint
// is compared with. Bound to 127.0.0.1 only.
import { createAdaptorServer } from '@hono/node-server';
import { Scalekit } from '@scalekit-sdk/node';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { scalekitPortal } from '../../../server/portal/portal-link.js';
import { closedLoop, type LoopLimits } from './closed-loop.js';
import { announceReady } from './processes.js';
import { heapCounts, memorySnapshot } from './process-memory.js';

export const ORGANIZATION_ID = 'org_acme';

const env = process.env;
const newClient = () =>
  new Scalekit(env['SCALEKIT_ENVIRONMENT_URL']!, env['SCALEKIT_CLIENT_ID']!, env['SCALEKIT_CLIENT_SECRET']!);

function endpointApp(scalekit: Scalekit): Hono {
  const app = new Hono();
  app.route(
    '/api/scalekit',
    scalekitPortal({
      scalekit,
      authorize: () => ({ organizationId: ORGANIZATION_ID, userId: 'bench-user' }),
      rateLimit: false, // the bench measures the endpoint, not the limiter
      log: (line) => process.stderr.write(`${line}\n`),
    }),
  );
  return app;
}

let scalekit = newClient();
let endpoint = endpointApp(scalekit);

const control = new Hono();
control.get('/__bench/memory', async (c) => c.json(await memorySnapshot()));
// Only called between load steps: writing a heap snapshot stalls the process.
control.get('/__bench/heap-counts', (c) => c.json(heapCounts()));
control.post('/__bench/fresh-client', (c) => {
  scalekit = newClient();
  endpoint = endpointApp(scalekit);
  return c.json({ ok: true });
});
// The HTTP hop alone: the same server and client, a JSON body in and a link-shaped JSON body out, no SDK call.
const cannedLink = { id: 'lnk_hop', location: 'http://127.0.0.1/magicLink/hop', expiresAt: new Date(0).toISOString() };
control.post('/__bench/hop', async (c) => {
  JSON.parse(await c.req.text());
  c.header('Cache-Control', 'no-store');
  return c.json(cannedLink);
});

// The least an HTTP endpoint in front of the SDK can be: the same hop plus the same SDK client's public call,
// without scalekitPortal()'s checks. Tells the endpoint's own cost apart from the cost of having a hop at all.
control.post('/__bench/hop-sdk', async (c) => {
  JSON.parse(await c.req.text());
  const link = await scalekit.organization.generatePortalLink(ORGANIZATION_ID);
  c.header('Cache-Control', 'no-store');
  return c.json({ id: link.id, location: link.location, expiresAt: new Date(Number(link.expireTime?.seconds ?? 0) * 1000).toISOString() });
});

// The limit: the SDK's public generatePortalLink, no HTTP hop. `client`: 'endpoint' = the very client the
// endpoint uses; 'new-bare' = a new, cold client kept for later 'bare' runs; 'bare' = that kept client.
let bare = newClient();
control.post('/__bench/direct', async (c) => {
  const body = (await c.req.json()) as LoopLimits & { client: 'endpoint' | 'new-bare' | 'bare' };
  if (body.client === 'new-bare') bare = newClient();
  const client = body.client === 'endpoint' ? scalekit : bare;
  const result = await closedLoop(
    async () => {
      const link = await client.organization.generatePortalLink(ORGANIZATION_ID);
      return typeof link.location === 'string' ? 'ok' : 'no link';
    },
    { concurrency: body.concurrency, maxCalls: body.maxCalls, maxMs: body.maxMs, keepLatencies: body.keepLatencies === true },
  );
  return c.json(result);
});

const server = createAdaptorServer({
  fetch: (request: Request) =>
    new URL(request.url).pathname.startsWith('/__bench/') ? control.fetch(request) : endpoint.fetch(request),
  overrideGlobalObjects: false,
}) as Server;
server.keepAliveTimeout = 30_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

announceReady({ url: `http://127.0.0.1:${port}`, pid: process.pid }, async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
