import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { webhookVerifier } from './signature.js';
import { MemoryIdempotencyStore, type IdempotencyStore } from '../stores/idempotency.js';
import {
  parseEvent,
  type ScalekitWebhookEvent,
  type UnknownScalekitWebhookEvent,
} from './events.js';
import { bodyLostOnce, bodyReadByHost, readThroughHono } from '../http/host-body.js';
import { ScalekitRouteError, renderRouteError, type WebhookErrorCode } from '../http/route-error.js';

export type * from './events.js';

export interface ScalekitWebhooksOptions {
  /**
   * @deprecated Accepted for compatibility and ignored: signatures are verified with WebCrypto, so no SDK client is needed
   * (and the receiver runs on Node, Cloudflare Workers, Deno and Bun alike).
   */
  scalekit?: unknown;
  /** The endpoint's signing secret from the Scalekit dashboard (`whsec_…`; bare base64 works too). */
  secret: string;
  /**
   * Called once per verified delivery and event id. Resolve when the event is stored: the delivery is answered 200 then.
   * Throw (or reject) to answer 500 so Scalekit retries; the event is not remembered as handled.
   */
  onEvent: (event: ScalekitWebhookEvent, c: Context) => unknown;
  /** Verified events of a type this version does not type. Without it they are acknowledged (200) and skipped. */
  onUnknownEvent?: (event: UnknownScalekitWebhookEvent, c: Context) => unknown;
  /** Largest accepted body in bytes; larger deliveries get 413. Default 256 KiB. */
  maxBodyBytes?: number;
  /**
   * How long a delivery waits for `onEvent` before answering 500 `handler_timeout`, so a stuck handler cannot hold
   * Scalekit's connection open. The handler keeps running: a redelivery joins it, or is answered 200 once it has
   * finished. Default 30 000 ms.
   */
  handlerTimeoutMs?: number;
  /**
   * Where handled deliveries are remembered, keyed on the `webhook-id` header (the Standard Webhooks idempotency
   * key, the same on every retry) and on the event `id`. Default: this process's memory. Several instances
   * share one store, e.g. `redisIdempotencyStore(client)`: a delivery is then handled once across all of them,
   * and one that another instance is handling right now is answered 409 `delivery_in_progress` (Scalekit
   * retries it later). If the store fails, the delivery is answered 500 `idempotency_unavailable` so Scalekit
   * retries, and `onEvent` is not called.
   */
  idempotency?: IdempotencyStore;
  /**
   * How long a handled delivery is remembered (`ttlMs`, default 48 h: longer than Scalekit's retry schedule of
   * about 27.5 h), how many the in-memory store keeps (`maxEntries`, default 10 000 keys), and how long a claim
   * of an instance that died mid-delivery blocks its retries (`leaseMs`, default the larger of 5 minutes and
   * twice `handlerTimeoutMs`).
   */
  replay?: { maxEntries?: number; ttlMs?: number; leaseMs?: number };
  /** One line per delivery: event id, type and outcome, never the payload, the secret or a store's address. Default `console.log`. */
  log?: (line: string) => void;
}

const DEFAULTS = {
  maxBodyBytes: 256 * 1024,
  handlerTimeoutMs: 30_000,
  replay: { maxEntries: 10_000, ttlMs: 48 * 60 * 60 * 1000 },
  log: (line: string) => console.log(line),
} satisfies Partial<ScalekitWebhooksOptions>;

const ROUTE = 'scalekit webhook';

function refuse(code: WebhookErrorCode, message?: string, headers?: Record<string, string>): never {
  throw new ScalekitRouteError(code, { message, headers });
}

/** Event ids are Scalekit's, but a log line must stay one printable line whatever arrives. */
function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

function kindOf(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** Resolves true when `run` resolves within `ms`, false when the time runs out first; rejects if `run` rejects in time. */
async function settledWithin(run: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = run.then(() => true as const);
  done.catch(() => {}); // a failure after the timeout must not become an unhandled rejection; the retry runs afresh
  try {
    return await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function readOptions(options: ScalekitWebhooksOptions) {
  if (!options || typeof options !== 'object') throw new TypeError('scalekitWebhooks(): options are required.');
  const { secret, onEvent } = options;
  // A wrong secret is refused here rather than answered 401 on every delivery later.
  let verifier: ReturnType<typeof webhookVerifier>;
  try {
    verifier = webhookVerifier(secret);
  } catch (error) {
    throw new TypeError(`scalekitWebhooks(): \`secret\` is unusable: ${(error as Error).message}.`);
  }
  if (typeof onEvent !== 'function') throw new TypeError('scalekitWebhooks(): `onEvent` must be a function.');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? DEFAULTS.handlerTimeoutMs;
  if (!Number.isSafeInteger(handlerTimeoutMs) || handlerTimeoutMs <= 0) {
    throw new TypeError('scalekitWebhooks(): `handlerTimeoutMs` must be a positive integer.');
  }
  const maxEntries = options.replay?.maxEntries ?? DEFAULTS.replay.maxEntries;
  const ttlMs = options.replay?.ttlMs ?? DEFAULTS.replay.ttlMs;
  const leaseMs = options.replay?.leaseMs ?? Math.max(5 * 60_000, 2 * handlerTimeoutMs);
  const numbers = { maxBodyBytes, 'replay.maxEntries': maxEntries, 'replay.ttlMs': ttlMs, 'replay.leaseMs': leaseMs };
  for (const [name, value] of Object.entries(numbers)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(`scalekitWebhooks(): \`${name}\` must be a non-negative integer.`);
    }
  }
  const store = options.idempotency ?? new MemoryIdempotencyStore({ maxEntries });
  if (typeof store !== 'object' || store === null || !['begin', 'complete', 'abandon'].every((m) => typeof (store as never)[m] === 'function')) {
    throw new TypeError('scalekitWebhooks(): `idempotency` must be a store with begin, complete and abandon.');
  }
  return {
    verifier,
    onEvent,
    onUnknownEvent: options.onUnknownEvent,
    maxBodyBytes,
    handlerTimeoutMs,
    store,
    ttlMs,
    leaseMs,
    log: options.log ?? DEFAULTS.log,
  };
}

/**
 * Receives Scalekit's signed webhook deliveries (directory sync and SSO events) and hands each verified event to
 * `onEvent` once.
 *
 * `POST {mount}/` verifies the raw body bytes and the `webhook-id`, `webhook-timestamp` and `webhook-signature`
 * headers (Standard Webhooks, HMAC-SHA256 through WebCrypto; no SDK needed), then answers:
 * 401 `invalid_signature` (bad, missing or stale signature; `onEvent` is not called), 400 `invalid_request`
 * (not a JSON object with string `id` and `type`), 413 `payload_too_large`, 200 once `onEvent` resolved,
 * 500 `handler_failed` if it threw, so Scalekit delivers again. A delivery (same `webhook-id`) or event id
 * already handled is answered 200 without calling `onEvent`; one being handled on this instance waits for that
 * run; one being handled on another instance sharing the `idempotency` store gets 409 `delivery_in_progress`.
 * 500 `idempotency_unavailable` when that store fails. See docs/scaling.md for several instances.
 *
 * @example
 * ```ts
 * app.route('/webhooks/scalekit', scalekitWebhooks({
 *   secret: process.env.SCALEKIT_WEBHOOK_SECRET!,
 *   onEvent: async (event) => {
 *     switch (event.type) {
 *       case 'organization.directory.user_created':
 *       case 'organization.directory.user_updated':
 *         return users.upsert(event.organization_id, event.data);
 *       case 'organization.directory.user_deleted':
 *         return users.deactivate(event.organization_id, event.data.id);
 *     }
 *   },
 * }));
 * ```
 */
export function scalekitWebhooks(options: ScalekitWebhooksOptions): Hono {
  const settings = readOptions(options);
  const { store } = settings;
  // A retry can arrive at this instance while the first delivery is still being handled here: both wait on one
  // run (keyed on each of its idempotency keys). Another instance's run is only known through the store.
  const inFlight = new Map<string, Promise<void>>();

  /** Releases claims after a failure; the store being down then only delays the retry by the lease. */
  const abandonAll = async (keys: string[], label: string) => {
    const results = await Promise.allSettled(keys.map((key) => store.abandon(key)));
    if (results.some((result) => result.status === 'rejected')) {
      settings.log(`scalekit webhook: ${label} could not release its claim; a retry waits for the lease to expire`);
    }
  };
  const app = new Hono();

  const limit = bodyLimit({
    maxSize: settings.maxBodyBytes,
    onError: () => refuse('payload_too_large', `The delivery is larger than ${settings.maxBodyBytes} bytes.`),
  });

  const bodyLost = bodyLostOnce(ROUTE, settings.log, 'The webhook receiver could not read the delivery; it should be retried.');
  app.post('/', limit, async (c) => {
    const raw = await readRawBody(c, bodyLost);
    const verified = await settings.verifier.verify(c.req.raw.headers, raw);
    if (!verified.ok) {
      settings.log(`scalekit webhook: rejected a delivery (${verified.reason})`);
      refuse('invalid_signature');
    }

    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch {
      refuse('invalid_request', 'The delivery is not UTF-8 JSON.');
    }
    const parsed = parseEvent(body);
    if (parsed.kind === 'invalid') refuse('invalid_request', parsed.reason);

    const { id, type } = parsed.event;
    const label = `${printable(id)} ${printable(type)}`;
    // The webhook-id is the same on every retry of one delivery; the event id also catches a resent event.
    const keys = [`msg:${verified.id}`, `evt:${id}`];

    let run = keys.map((key) => inFlight.get(key)).find((pending) => pending !== undefined);
    const joined = run !== undefined;
    if (run === undefined) {
      const claimed: string[] = [];
      let state: 'new' | 'in_progress' | 'done' = 'new';
      try {
        for (const key of keys) {
          state = await store.begin(key, settings.leaseMs);
          if (state !== 'new') break;
          claimed.push(key);
        }
      } catch (error) {
        settings.log(`scalekit webhook: ${label} idempotency store failed (${printable(kindOf(error))}); answering 500 so Scalekit retries`);
        await abandonAll(claimed, label);
        refuse('idempotency_unavailable');
      }
      if (state !== 'new') {
        await abandonAll(claimed, label);
        if (state === 'done') {
          settings.log(`scalekit webhook: ${label} already handled`);
          return c.json({ received: true, duplicate: true });
        }
        settings.log(`scalekit webhook: ${label} is being handled elsewhere; answering 409 so Scalekit retries`);
        refuse('delivery_in_progress', undefined, { 'Retry-After': '5' });
      }

      const handle = (): unknown => {
        if (parsed.kind === 'known') return settings.onEvent(parsed.event, c);
        return settings.onUnknownEvent?.(parsed.event, c);
      };
      run = Promise.resolve()
        .then(handle)
        .then(
          async () => {
            const results = await Promise.allSettled(keys.map((key) => store.complete(key, settings.ttlMs)));
            // The event was handled: answering 500 now would only make Scalekit deliver it again.
            if (results.some((result) => result.status === 'rejected')) {
              settings.log(`scalekit webhook: ${label} handled, but the idempotency store could not record it`);
            }
          },
          async (error: unknown) => {
            await abandonAll(keys, label);
            throw error;
          },
        )
        .finally(() => {
          for (const key of keys) inFlight.delete(key);
        });
      for (const key of keys) inFlight.set(key, run);
    } else {
      settings.log(`scalekit webhook: ${label} arrived again while being handled; answering with that outcome`);
    }

    let finished: boolean;
    try {
      finished = await settledWithin(run, settings.handlerTimeoutMs);
    } catch (error) {
      if (!joined) {
        // The error's message is the host's and may quote user data: log only its kind.
        settings.log(`scalekit webhook: ${label} handler failed (${printable(kindOf(error))}); Scalekit will retry`);
      }
      refuse('handler_failed');
    }
    if (!finished) {
      settings.log(`scalekit webhook: ${label} handler still running after ${settings.handlerTimeoutMs} ms; Scalekit will retry`);
      refuse('handler_timeout');
    }
    if (!joined) {
      const outcome = parsed.kind === 'unknown' && !settings.onUnknownEvent ? 'skipped (unknown type)' : 'handled';
      settings.log(`scalekit webhook: ${label} ${outcome}`);
    }
    return c.json({ received: true, ...(joined ? { duplicate: true } : {}) });
  });

  app.all('/', () => refuse('method_not_allowed', 'Scalekit delivers webhooks with POST.', { Allow: 'POST' }));

  app.onError(renderRouteError(ROUTE, settings.log));

  return app;
}

/**
 * The exact body to verify. Under Express a body parser mounted first may have read the stream: `express.raw()`
 * and `express.text()` keep the bytes, a parse (`express.json()`) does not, and a re-serialised body would
 * never verify: then a 500 `internal` (so Scalekit retries once the mount order is fixed).
 */
async function readRawBody(c: Context, bodyLost: () => never): Promise<Uint8Array> {
  const read = bodyReadByHost(c);
  if (read === null) {
    // The bytes as sent: `text()` would drop a leading BOM, and the signature covers it.
    const bytes = await readThroughHono(c, () => c.req.arrayBuffer());
    if (bytes !== null) return new Uint8Array(bytes);
  } else if (read.exact) {
    return new TextEncoder().encode(read.text);
  }
  return bodyLost();
}
