import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ScalekitClient } from '@scalekit-sdk/node';
import {
  parseEvent,
  type ScalekitWebhookEvent,
  type UnknownScalekitWebhookEvent,
} from './webhook-events.js';
import { BODY_CONSUMED_HINT, bodyReadByHost } from './host-body.js';

export type * from './webhook-events.js';

export interface ScalekitWebhooksOptions {
  /** The Scalekit SDK client; only its `verifyWebhookPayload` is used. */
  scalekit: Pick<ScalekitClient, 'verifyWebhookPayload'>;
  /** The endpoint's signing secret from the Scalekit dashboard (`whsec_…`). */
  secret: string;
  /**
   * Called once per verified event id. Resolve when the event is stored: the delivery is answered 200 then.
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
   * How handled event ids are remembered so a redelivery is not handled twice: the newest `maxEntries` ids,
   * each for `ttlMs`. The default TTL (48 h) outlasts Scalekit's retry schedule (about 27.5 h).
   */
  replay?: { maxEntries?: number; ttlMs?: number };
  /** One line per delivery: event id, type and outcome, never the payload or the secret. Default `console.log`. */
  log?: (line: string) => void;
}

const DEFAULTS = {
  maxBodyBytes: 256 * 1024,
  handlerTimeoutMs: 30_000,
  replay: { maxEntries: 10_000, ttlMs: 48 * 60 * 60 * 1000 },
  log: (line: string) => console.log(line),
} satisfies Partial<ScalekitWebhooksOptions>;

type ErrorCode = 'invalid_signature' | 'invalid_request' | 'payload_too_large' | 'method_not_allowed' | 'handler_failed' | 'handler_timeout' | 'internal';

function errorResponse(c: Context, status: ContentfulStatusCode, code: ErrorCode, message: string) {
  return c.json({ error: { code, message } }, status);
}

/** Event ids are Scalekit's, but a log line must stay one printable line whatever arrives. */
function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

/** Ids of handled events: least recently seen evicted first, each forgotten after `ttlMs`. */
class HandledEventIds {
  readonly #seenAt = new Map<string, number>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  has(id: string): boolean {
    const seenAt = this.#seenAt.get(id);
    if (seenAt === undefined) return false;
    this.#seenAt.delete(id);
    if (Date.now() - seenAt >= this.ttlMs) return false;
    this.#seenAt.set(id, seenAt); // re-insert: Map order is the eviction order
    return true;
  }

  add(id: string): void {
    this.#seenAt.delete(id);
    this.#seenAt.set(id, Date.now());
    while (this.#seenAt.size > this.maxEntries) {
      const oldest = this.#seenAt.keys().next().value as string;
      this.#seenAt.delete(oldest);
    }
  }
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
  const { scalekit, secret, onEvent } = options;
  if (!scalekit || typeof scalekit.verifyWebhookPayload !== 'function') {
    throw new TypeError('scalekitWebhooks(): `scalekit` must be a Scalekit SDK client.');
  }
  // The SDK takes the key from the part after "_"; say so here rather than 401 every delivery later.
  if (typeof secret !== 'string' || !/^[^_\s]+_\S+$/.test(secret)) {
    throw new TypeError('scalekitWebhooks(): `secret` must be the endpoint signing secret, "whsec_" followed by base64.');
  }
  if (typeof onEvent !== 'function') throw new TypeError('scalekitWebhooks(): `onEvent` must be a function.');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? DEFAULTS.handlerTimeoutMs;
  if (!Number.isSafeInteger(handlerTimeoutMs) || handlerTimeoutMs <= 0) {
    throw new TypeError('scalekitWebhooks(): `handlerTimeoutMs` must be a positive integer.');
  }
  const maxEntries = options.replay?.maxEntries ?? DEFAULTS.replay.maxEntries;
  const ttlMs = options.replay?.ttlMs ?? DEFAULTS.replay.ttlMs;
  for (const [name, value] of Object.entries({ maxBodyBytes, 'replay.maxEntries': maxEntries, 'replay.ttlMs': ttlMs })) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(`scalekitWebhooks(): \`${name}\` must be a non-negative integer.`);
    }
  }
  return {
    scalekit,
    secret,
    onEvent,
    onUnknownEvent: options.onUnknownEvent,
    maxBodyBytes,
    handlerTimeoutMs,
    maxEntries,
    ttlMs,
    log: options.log ?? DEFAULTS.log,
  };
}

/**
 * Receives Scalekit's signed webhook deliveries (directory sync and SSO events) and hands each verified event to
 * `onEvent` once.
 *
 * `POST {mount}/` verifies the raw body and the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers
 * with the SDK's `verifyWebhookPayload`, then answers:
 * 401 `invalid_signature` (bad, missing or stale signature; `onEvent` is not called), 400 `invalid_request`
 * (not a JSON object with string `id` and `type`), 413 `payload_too_large`, 200 once `onEvent` resolved,
 * 500 `handler_failed` if it threw, so Scalekit delivers again. An event id already handled, or being handled
 * right now, is not handed to `onEvent` again.
 *
 * @example
 * ```ts
 * app.route('/webhooks/scalekit', scalekitWebhooks({
 *   scalekit,
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
  const handled = new HandledEventIds(settings.maxEntries, settings.ttlMs);
  // A retry can arrive while the first delivery is still being handled: both wait on one run.
  const inFlight = new Map<string, Promise<void>>();
  const app = new Hono();

  const limit = bodyLimit({
    maxSize: settings.maxBodyBytes,
    onError: (c) => errorResponse(c, 413, 'payload_too_large', `The delivery is larger than ${settings.maxBodyBytes} bytes.`),
  });

  const bodyLost = bodyLostOnce(settings.log);
  app.post('/', limit, async (c) => {
    const rawBody = await readRawBody(c, bodyLost);
    if (rawBody === null) {
      return errorResponse(c, 500, 'internal', 'The webhook receiver could not read the delivery; it should be retried.');
    }
    // Fetch headers are case-insensitive, so `Webhook-Id` is found too; the SDK wants lowercase keys.
    const headers = {
      'webhook-id': c.req.header('webhook-id') ?? '',
      'webhook-timestamp': c.req.header('webhook-timestamp') ?? '',
      'webhook-signature': c.req.header('webhook-signature') ?? '',
    };
    try {
      settings.scalekit.verifyWebhookPayload(settings.secret, headers, rawBody);
    } catch {
      settings.log('scalekit webhook: rejected a delivery with a missing, invalid or stale signature');
      return errorResponse(c, 401, 'invalid_signature', 'The webhook signature is missing, invalid or too old.');
    }

    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return errorResponse(c, 400, 'invalid_request', 'The delivery is not JSON.');
    }
    const parsed = parseEvent(body);
    if (parsed.kind === 'invalid') return errorResponse(c, 400, 'invalid_request', parsed.reason);

    const { id, type } = parsed.event;
    const label = `${printable(id)} ${printable(type)}`;
    if (handled.has(id)) {
      settings.log(`scalekit webhook: ${label} already handled`);
      return c.json({ received: true, duplicate: true });
    }

    let run = inFlight.get(id);
    const joined = run !== undefined;
    if (run === undefined) {
      const handle = (): unknown => {
        if (parsed.kind === 'known') return settings.onEvent(parsed.event, c);
        return settings.onUnknownEvent?.(parsed.event, c);
      };
      run = Promise.resolve()
        .then(handle)
        .then(() => handled.add(id))
        .finally(() => inFlight.delete(id));
      inFlight.set(id, run);
    } else {
      settings.log(`scalekit webhook: ${label} arrived again while being handled; answering with that outcome`);
    }

    let finished: boolean;
    try {
      finished = await settledWithin(run, settings.handlerTimeoutMs);
    } catch (error) {
      if (!joined) {
        // The error's message is the host's and may quote user data: log only its kind.
        const kind = error instanceof Error ? error.name : typeof error;
        settings.log(`scalekit webhook: ${label} handler failed (${printable(kind)}); Scalekit will retry`);
      }
      return errorResponse(c, 500, 'handler_failed', 'The event handler failed; the delivery should be retried.');
    }
    if (!finished) {
      settings.log(`scalekit webhook: ${label} handler still running after ${settings.handlerTimeoutMs} ms; Scalekit will retry`);
      return errorResponse(c, 500, 'handler_timeout', 'The event handler did not finish in time; the delivery should be retried.');
    }
    if (!joined) {
      const outcome = parsed.kind === 'unknown' && !settings.onUnknownEvent ? 'skipped (unknown type)' : 'handled';
      settings.log(`scalekit webhook: ${label} ${outcome}`);
    }
    return c.json({ received: true, ...(joined ? { duplicate: true } : {}) });
  });

  app.all('/', (c) => {
    c.header('Allow', 'POST');
    return errorResponse(c, 405, 'method_not_allowed', 'Scalekit delivers webhooks with POST.');
  });

  app.onError((error, c) => {
    settings.log(`scalekit webhook: unexpected ${printable(error.name)}`);
    return errorResponse(c, 500, 'internal', 'The webhook receiver failed.');
  });

  return app;
}

/**
 * The exact body to verify. Under Express a body parser mounted first may have read the stream: `express.raw()`
 * and `express.text()` keep the bytes, a parse (`express.json()`) does not, and a re-serialised body would
 * never verify. Then `null` (answered 500, so Scalekit retries once the mount order is fixed).
 */
async function readRawBody(c: Context, bodyLost: () => void): Promise<string | null> {
  const read = bodyReadByHost(c);
  if (read === null) return c.req.text();
  if (read.exact && read.text !== null) return read.text;
  bodyLost();
  return null;
}

/** The set-up mistake is the host's and the same on every delivery: say it once per receiver. */
function bodyLostOnce(log: (line: string) => void): () => void {
  let told = false;
  return () => {
    if (!told) log(`scalekit webhook: ${BODY_CONSUMED_HINT}`);
    told = true;
  };
}
