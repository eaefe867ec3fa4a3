// One instance of a host, as a child process: scalekitPortal() with a Redis rate limit and scalekitWebhooks() with
// Redis idempotency, on a free port. It talks to its parent in lines: stdout says `ready <port>`,
// `handling <event id>`, `redis ready` / `redis error`, `log <line>`; stdin takes `release <event id>` for events
// whose data.name is "hold" (their handler waits for it). Handled events are appended to COUNT_FILE.
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createClient } from 'redis';
import { Scalekit } from '@scalekit-sdk/node';
import { redisIdempotencyStore, redisRateLimitStore, scalekitPortal, scalekitWebhooks } from '../../server/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const say = (line: string) => process.stdout.write(`${line}\n`);
const log = (line: string) => say(`log ${line}`);

const redis = createClient({ url: env('REDIS_URL'), disableOfflineQueue: true, socket: { reconnectStrategy: () => 50 } });
redis.on('error', () => say('redis error'));
redis.on('ready', () => say('redis ready'));
await redis.connect();

const released = new Map<string, () => void>();
const gates = new Map<string, Promise<void>>();
const gate = (id: string) => {
  let promise = gates.get(id);
  if (!promise) {
    promise = new Promise<void>((resolve) => released.set(id, resolve));
    gates.set(id, promise);
  }
  return promise;
};
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, id] = line.split(' ');
  if (command === 'release' && id) {
    void gate(id);
    released.get(id)!();
  }
});

const scalekit = new Scalekit(env('EMULATOR_URL'), env('CLIENT_ID'), env('CLIENT_SECRET'));
const app = new Hono();
app.route(
  '/api/scalekit',
  scalekitPortal({
    scalekit,
    authorize: (c) => ({ organizationId: env('ORG_ID'), userId: c.req.header('x-user') ?? 'anonymous' }),
    rateLimit: { limit: Number(env('RATE_LIMIT')), windowMs: 60_000, store: redisRateLimitStore(redis) },
    log,
  }),
);
app.route(
  '/webhooks/scalekit',
  scalekitWebhooks({
    secret: env('WEBHOOK_SECRET'),
    idempotency: redisIdempotencyStore(redis),
    onEvent: async (event) => {
      say(`handling ${event.id}`);
      if ((event.data as { name?: string }).name === 'hold') await gate(event.id);
      appendFileSync(env('COUNT_FILE'), `${event.id}\n`);
    },
    log,
  }),
);

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => say(`ready ${info.port}`));
process.on('SIGTERM', () => {
  server.close();
  void redis.destroy();
  process.exit(0);
});
