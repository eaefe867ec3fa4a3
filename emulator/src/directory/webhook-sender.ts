/**
 * Delivers signed webhook envelopes to the host app's receiver the way Scalekit does: first attempt at once,
 * then retries on any non-2xx answer or network failure on Scalekit's schedule. The schedule is injectable so
 * tests run it in milliseconds. First attempts go out one at a time in the order events happened (so a
 * receiver sees created before updated when it is healthy); retries run on their own timers.
 * Bounded: a fixed number of attempts, of pending deliveries and of log entries. Never logs a secret,
 * a URL or a payload — only event id, type and HTTP status.
 */
import http from 'node:http';
import https from 'node:https';
import { isWebhookSecret, webhookHeaders } from './webhook-signer.js';

/** Delay before each attempt: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (Scalekit's docs). */
export const SCALEKIT_RETRY_SCHEDULE_MS: readonly number[] = [
  0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

export interface WebhookTarget {
  /** The receiver, `http:` or `https:`. */
  url: string;
  /** `whsec_<base64>` — the same secret the receiver verifies with. */
  secret: string;
}

/** What is sent: Scalekit's envelope; only `id` and `type` matter to the sender. */
export interface WebhookEnvelope {
  id: string;
  type: string;
  [field: string]: unknown;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'dropped';

export interface WebhookDelivery {
  /** The event id (also sent as `webhook-id`, identical on every retry). */
  id: string;
  type: string;
  attempts: number;
  /** HTTP status of the last attempt; null before the first answer or on a network error. */
  lastStatus: number | null;
  /** `network` / `timeout` when the last attempt got no HTTP answer. */
  lastError: string | null;
  delivered: boolean;
  state: DeliveryState;
  nextAttemptAt: string | null;
}

export interface WebhookSenderOptions {
  target?: WebhookTarget | null;
  /** Delay in ms before attempt n (index 0 = first attempt); its length is the maximum number of attempts. */
  retryScheduleMs?: readonly number[];
  /** Deliveries not yet delivered or given up; beyond this new events are dropped (and recorded as such). */
  maxPending?: number;
  /** How many deliveries the log keeps (newest last). */
  maxLog?: number;
  /** Per-attempt limit; a receiver that does not answer in time counts as a failed attempt. */
  attemptTimeoutMs?: number;
  log?: (line: string) => void;
}

interface Pending {
  record: WebhookDelivery;
  body: string;
  timer: NodeJS.Timeout | null;
}

const MAX_URL_LENGTH = 2048;

/** Throws a TypeError saying what is wrong with a target (never echoing it). */
export function assertWebhookTarget(target: unknown): asserts target is WebhookTarget {
  if (typeof target !== 'object' || target === null) throw new TypeError('webhooks must be an object { url, secret }');
  const { url, secret } = target as Record<string, unknown>;
  if (typeof url !== 'string' || url.length > MAX_URL_LENGTH) throw new TypeError('webhooks.url must be an http(s) URL');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('webhooks.url must be an http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError('webhooks.url must be an http(s) URL');
  if (!isWebhookSecret(secret)) throw new TypeError('webhooks.secret must look like whsec_<base64 key of at least 16 bytes>');
}

export class WebhookSender {
  #target: WebhookTarget | null = null;
  readonly #schedule: readonly number[];
  readonly #maxPending: number;
  readonly #maxLog: number;
  readonly #attemptTimeoutMs: number;
  readonly #log: (line: string) => void;
  readonly #logEntries: WebhookDelivery[] = [];
  readonly #pending = new Map<WebhookDelivery, Pending>();
  /** Deliveries whose next attempt is due, in order. */
  readonly #ready: Pending[] = [];
  readonly #inFlight = new Set<http.ClientRequest>();
  #pumping = false;
  #closed = false;
  #settledWaiters: Array<() => void> = [];

  constructor(options: WebhookSenderOptions = {}) {
    const schedule = options.retryScheduleMs ?? SCALEKIT_RETRY_SCHEDULE_MS;
    if (!Array.isArray(schedule) || schedule.length === 0 || schedule.length > 20 ||
        !schedule.every((ms) => Number.isFinite(ms) && ms >= 0 && ms <= 2 ** 31 - 1)) {
      throw new TypeError('retryScheduleMs must be 1-20 delays in ms (0 to 2^31-1)');
    }
    this.#schedule = [...schedule];
    this.#maxPending = positiveInt(options.maxPending, 500, 'maxPending');
    this.#maxLog = positiveInt(options.maxLog, 200, 'maxLog');
    this.#attemptTimeoutMs = positiveInt(options.attemptTimeoutMs, 10_000, 'attemptTimeoutMs');
    this.#log = options.log ?? (() => {});
    if (options.target) this.setTarget(options.target);
  }

  /** Where deliveries go; null stops sending new events (pending retries then give up). */
  setTarget(target: WebhookTarget | null): void {
    if (target !== null) assertWebhookTarget(target);
    this.#target = target === null ? null : { url: target.url, secret: target.secret };
  }

  /** The target's URL without the secret (for stats), or null. */
  targetUrl(): string | null {
    return this.#target?.url ?? null;
  }

  /** Queues an event for delivery. Does nothing without a target (Scalekit sends nothing without an endpoint). */
  enqueue(event: Pick<WebhookEnvelope, 'id' | 'type'>): WebhookDelivery | null {
    if (this.#closed || this.#target === null) return null;
    const record: WebhookDelivery = {
      id: event.id, type: event.type, attempts: 0, lastStatus: null, lastError: null,
      delivered: false, state: 'pending', nextAttemptAt: new Date().toISOString(),
    };
    this.#remember(record);
    if (this.#pending.size >= this.#maxPending) {
      record.state = 'dropped';
      record.nextAttemptAt = null;
      this.#log(`webhook ${event.id} ${event.type} dropped: ${this.#maxPending} deliveries already pending`);
      return { ...record };
    }
    const pending: Pending = { record, body: JSON.stringify(event), timer: null };
    this.#pending.set(record, pending);
    this.#ready.push(pending);
    void this.#pump();
    return { ...record };
  }

  /** Delivery log, newest last (copies). */
  deliveries(): WebhookDelivery[] {
    return this.#logEntries.map((entry) => ({ ...entry }));
  }

  /** Resolves once nothing is pending (every delivery delivered, failed or dropped), or on close. */
  settled(): Promise<void> {
    if (this.#pending.size === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#settledWaiters.push(resolve));
  }

  /** Forgets the log and every pending delivery (keeps the target). */
  reset(): void {
    this.#cancelAll();
    this.#logEntries.length = 0;
  }

  /** Cancels timers and aborts attempts in flight; nothing is left to keep the process alive. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelAll();
  }

  #cancelAll(): void {
    for (const pending of this.#pending.values()) if (pending.timer) clearTimeout(pending.timer);
    for (const request of this.#inFlight) request.destroy();
    this.#inFlight.clear();
    this.#pending.clear();
    this.#ready.length = 0;
    this.#notifySettled();
  }

  #remember(record: WebhookDelivery): void {
    this.#logEntries.push(record);
    if (this.#logEntries.length > this.#maxLog) this.#logEntries.splice(0, this.#logEntries.length - this.#maxLog);
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#ready.length > 0 && !this.#closed) {
        const pending = this.#ready.shift()!;
        if (this.#pending.get(pending.record) !== pending) continue; // reset meanwhile
        await this.#attempt(pending);
      }
    } finally {
      this.#pumping = false;
    }
  }

  async #attempt(pending: Pending): Promise<void> {
    const { record } = pending;
    const target = this.#target;
    if (target === null) {
      this.#finish(pending, 'failed');
      this.#log(`webhook ${record.id} ${record.type} given up: no webhook target configured`);
      return;
    }
    record.attempts += 1;
    record.nextAttemptAt = null;
    const outcome = await this.#post(target, record.id, pending.body);
    if (this.#pending.get(record) !== pending) return; // reset or closed while in flight
    record.lastStatus = outcome.status;
    record.lastError = outcome.error;
    const result = outcome.status === null ? outcome.error! : String(outcome.status);
    if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
      record.delivered = true;
      this.#finish(pending, 'delivered');
      this.#log(`webhook ${record.id} ${record.type} delivered (attempt ${record.attempts}, ${result})`);
      return;
    }
    if (record.attempts >= this.#schedule.length) {
      this.#finish(pending, 'failed');
      this.#log(`webhook ${record.id} ${record.type} failed after ${record.attempts} attempts (last: ${result})`);
      return;
    }
    const delay = this.#schedule[record.attempts]!;
    record.nextAttemptAt = new Date(Date.now() + delay).toISOString();
    this.#log(`webhook ${record.id} ${record.type} attempt ${record.attempts} got ${result}; retrying in ${delay} ms`);
    pending.timer = setTimeout(() => {
      pending.timer = null;
      this.#ready.push(pending);
      void this.#pump();
    }, delay);
    pending.timer.unref();
  }

  #finish(pending: Pending, state: DeliveryState): void {
    pending.record.state = state;
    pending.record.nextAttemptAt = null;
    this.#pending.delete(pending.record);
    if (this.#pending.size === 0) this.#notifySettled();
  }

  #notifySettled(): void {
    const waiters = this.#settledWaiters;
    this.#settledWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** One POST, re-signed with the current time (as Standard Webhooks does on every attempt). */
  #post(target: WebhookTarget, id: string, body: string): Promise<{ status: number | null; error: string | null }> {
    const url = new URL(target.url);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const request = transport.request(url, {
        method: 'POST',
        agent: false, // a fresh connection per attempt: no keep-alive socket outlives close()
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'scalekit-emulator-webhooks',
          ...webhookHeaders(target.secret, id, body),
        },
        timeout: this.#attemptTimeoutMs,
      });
      this.#inFlight.add(request);
      let done = false;
      const finish = (status: number | null, error: string | null) => {
        if (done) return;
        done = true;
        this.#inFlight.delete(request);
        resolve({ status, error });
      };
      let status: number | null = null;
      request.on('response', (response) => {
        status = response.statusCode ?? null;
        response.resume(); // the answer's body is irrelevant; drain it so the socket closes
        response.on('end', () => finish(response.statusCode ?? null, null));
        response.on('error', () => finish(response.statusCode ?? null, null));
      });
      request.on('timeout', () => {
        request.destroy();
        finish(null, 'timeout');
      });
      request.on('error', () => finish(null, 'network'));
      request.on('close', () => finish(status, status === null ? 'network' : null));
      request.end(body);
    });
  }
}

function positiveInt(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new TypeError(`${name} must be a positive integer`);
  return value as number;
}
