// Shared stores for several instances of a host: the token endpoint's rate limit and the webhook receiver's
// idempotency, in Redis. Every operation is one Lua script, so it is atomic on the server (no read-then-write
// race between instances). The client is typed by the one method used, so `redis` stays the host's dependency:
// nothing here imports it.

import type { IdempotencyState, IdempotencyStore } from './idempotency.js';
import type { RateLimitHit, RateLimitStore } from '../http/rate-limit.js';

/**
 * What these stores need of a Redis client: `eval` as the official `redis` package (v4 and later, `createClient()`)
 * spells it. `isReady`, when present, lets a call fail at once while the client is disconnected instead of
 * queueing until Redis is back.
 */
export interface RedisEvalClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  readonly isReady?: boolean;
}

export interface RedisStoreOptions {
  /** Prepended to every key. Default `scalekit:`. */
  prefix?: string;
  /** A call that takes longer fails (and the caller answers as for a store that is down). Default 1000 ms. */
  timeoutMs?: number;
}

/** Thrown when Redis cannot answer; its message never holds a key, a value or the client's URL. */
export class RedisStoreUnavailableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Redis store unavailable: ${reason}`, options);
    this.name = 'RedisStoreUnavailableError';
  }
}

// INCR, and set the expiry only when this hit opened the window (or the key somehow has none), so concurrent
// hits from any number of instances count into one window.
const RATE_LIMIT_HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

const IDEMPOTENCY_BEGIN = `
local value = redis.call('GET', KEYS[1])
if value == 'done' then return 'done' end
if value then return 'in_progress' end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 'new'`;

const IDEMPOTENCY_COMPLETE = `
redis.call('SET', KEYS[1], 'done', 'PX', ARGV[1])
return 1`;

// Only our own claim: if it expired and another instance claimed the key since, that claim stays.
const IDEMPOTENCY_ABANDON = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

function readOptions(client: RedisEvalClient, options: RedisStoreOptions, name: string) {
  if (!client || typeof client.eval !== 'function') {
    throw new TypeError(`${name}(): pass a client of the \`redis\` package (createClient()), connected`);
  }
  const prefix = options.prefix ?? 'scalekit:';
  const timeoutMs = options.timeoutMs ?? 1000;
  if (typeof prefix !== 'string') throw new TypeError(`${name}(): \`prefix\` must be a string`);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) throw new TypeError(`${name}(): \`timeoutMs\` must be a positive integer`);
  return { prefix, timeoutMs };
}

/** Runs one script, failing at once when the client is not connected and after `timeoutMs` otherwise. */
async function run(client: RedisEvalClient, timeoutMs: number, script: string, key: string, args: string[]): Promise<unknown> {
  if (client.isReady === false) throw new RedisStoreUnavailableError('the client is not connected');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisStoreUnavailableError(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const call = client.eval(script, { keys: [key], arguments: args });
  call.catch(() => {}); // after a timeout its late failure is nobody's to handle
  try {
    return await Promise.race([call, timeout]);
  } catch (error) {
    if (error instanceof RedisStoreUnavailableError) throw error;
    throw new RedisStoreUnavailableError(error instanceof Error ? error.name : 'error', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Rate-limit counts in Redis, for `scalekitPortal({ rateLimit: { store } })`: every instance counts into the same
 * fixed window per principal.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const redis = await createClient({ url: env.REDIS_URL, disableOfflineQueue: true }).on('error', () => {}).connect();
 * app.route('/api/scalekit', scalekitPortal({ scalekit, authorize, rateLimit: { store: redisRateLimitStore(redis) } }));
 * ```
 */
export function redisRateLimitStore(client: RedisEvalClient, options: RedisStoreOptions = {}): RateLimitStore {
  const { prefix, timeoutMs } = readOptions(client, options, 'redisRateLimitStore');
  return {
    async hit(key, windowMs): Promise<RateLimitHit> {
      const reply = await run(client, timeoutMs, RATE_LIMIT_HIT, `${prefix}ratelimit:${key}`, [String(Math.ceil(windowMs))]);
      if (!Array.isArray(reply) || reply.length !== 2) throw new RedisStoreUnavailableError('unexpected reply');
      const [count, ttl] = reply.map(Number) as [number, number];
      return { count, resetAt: Date.now() + Math.max(0, ttl) };
    },
  };
}

/**
 * Handled webhook deliveries in Redis, for `scalekitWebhooks({ idempotency })`: one delivery runs `onEvent` once
 * across all instances, a failed one is forgotten so Scalekit's retry runs it again, and a claim held by an
 * instance that died expires after the lease.
 *
 * @example
 * ```ts
 * app.route('/webhooks/scalekit', scalekitWebhooks({ secret, onEvent, idempotency: redisIdempotencyStore(redis) }));
 * ```
 */
export function redisIdempotencyStore(client: RedisEvalClient, options: RedisStoreOptions = {}): IdempotencyStore {
  const { prefix, timeoutMs } = readOptions(client, options, 'redisIdempotencyStore');
  // This instance's claim tokens: abandoning must never delete a claim another instance took after ours expired.
  const claims = new Map<string, string>();
  const redisKey = (key: string) => `${prefix}webhook:${key}`;
  return {
    async begin(key, leaseMs): Promise<IdempotencyState> {
      const token = `claim:${crypto.randomUUID()}`;
      let reply: unknown;
      try {
        reply = await run(client, timeoutMs, IDEMPOTENCY_BEGIN, redisKey(key), [token, String(Math.ceil(leaseMs))]);
      } catch (error) {
        // A claim that timed out may still land later (the client sends queued commands once it reconnects);
        // an abandon sent now on the same connection runs after it, so a retry is not locked out for the lease.
        void run(client, timeoutMs, IDEMPOTENCY_ABANDON, redisKey(key), [token]).catch(() => {});
        throw error;
      }
      if (reply === 'new') claims.set(key, token);
      if (reply === 'new' || reply === 'in_progress' || reply === 'done') return reply;
      throw new RedisStoreUnavailableError('unexpected reply');
    },
    async complete(key, ttlMs) {
      claims.delete(key);
      await run(client, timeoutMs, IDEMPOTENCY_COMPLETE, redisKey(key), [String(Math.max(1, Math.ceil(ttlMs)))]);
    },
    async abandon(key) {
      const token = claims.get(key);
      claims.delete(key);
      if (token !== undefined) await run(client, timeoutMs, IDEMPOTENCY_ABANDON, redisKey(key), [token]);
    },
  };
}
