// Per-principal rate limiting for the token endpoint: a fixed window per key, behind a tiny store interface
// so a deployment with several instances can count in a shared store (Redis INCR + PEXPIRE fits it).

/** What a store answers for one counted request. */
export interface RateLimitHit {
  /** Requests counted for this key in the current window, this one included. */
  count: number;
  /** When the current window ends (epoch ms). */
  resetAt: number;
}

/**
 * Where request counts live. `hit` counts one request for `key` and says how many the current window holds.
 * A shared implementation must do the increment atomically.
 */
export interface RateLimitStore {
  hit(key: string, windowMs: number): RateLimitHit | Promise<RateLimitHit>;
}

export interface RateLimitOptions {
  /** Requests allowed per principal per window. Default 10. */
  limit?: number;
  /** Window length in ms. Default 60 000. */
  windowMs?: number;
  /**
   * Where counts are kept. Default: this process's memory ({@link MemoryRateLimitStore}); for several instances a
   * shared one such as `redisRateLimitStore(client)`.
   */
  store?: RateLimitStore;
  /**
   * When the store fails (Redis down): `false` (default) refuses the request with 503 `rate_limit_unavailable`;
   * `true` lets it through unlimited. Either way one line is logged per failed request.
   */
  failOpen?: boolean;
}

/**
 * `unavailable`: the store failed and `failOpen` is off. The request must be refused all the same (503
 * `rate_limit_unavailable`); `retryAfterSeconds` is then a suggestion, so a caller that only knows 429 still refuses.
 */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; unavailable?: true };

/** Seconds suggested to wait when the rate-limit store is down. */
export const STORE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export const RATE_LIMIT_DEFAULTS = { limit: 10, windowMs: 60_000 } as const satisfies RateLimitOptions;

/**
 * Fixed windows in a `Map`. No timer: expired windows are swept when the map grows, so nothing keeps the
 * process alive and memory stays bounded by the number of principals active within one window.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windows = new Map<string, RateLimitHit>();
  readonly #now: () => number;
  #sweepAt = 1024;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  hit(key: string, windowMs: number): RateLimitHit {
    const now = this.#now();
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      if (this.#windows.size >= this.#sweepAt) this.#sweep(now);
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return { ...window };
  }

  /** Number of live windows (for tests and metrics). */
  get size(): number {
    return this.#windows.size;
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
    // Still crowded: everyone is active. Let the map grow, but sweep again only after it doubles.
    this.#sweepAt = Math.max(1024, this.#windows.size * 2);
  }
}

/** A limiter bound to its options; `check(key)` counts one request and decides. */
export interface RateLimiter {
  check(key: string): Promise<RateLimitDecision>;
}

export function createRateLimiter(
  options: RateLimitOptions = {},
  now: () => number = Date.now,
  log: (line: string) => void = (line) => console.error(line),
): RateLimiter {
  const limit = options.limit ?? RATE_LIMIT_DEFAULTS.limit;
  const windowMs = options.windowMs ?? RATE_LIMIT_DEFAULTS.windowMs;
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError('scalekitPortal: rateLimit.limit must be a positive integer');
  if (!Number.isFinite(windowMs) || windowMs < 1) throw new TypeError('scalekitPortal: rateLimit.windowMs must be a positive number of ms');
  const store = options.store ?? new MemoryRateLimitStore({ now });
  if (typeof store.hit !== 'function') throw new TypeError('scalekitPortal: rateLimit.store must have a hit(key, windowMs) method');
  const failOpen = options.failOpen === true;

  return {
    async check(key) {
      let hit: RateLimitHit;
      try {
        hit = await store.hit(key, windowMs);
      } catch (error) {
        // The key names a user: log only the failure's kind.
        const kind = error instanceof Error ? error.name : typeof error;
        log(`scalekitPortal: rate limit store failed (${kind.slice(0, 60)}); ${failOpen ? 'letting the request through (failOpen)' : 'answering 503 rate_limit_unavailable'}`);
        return failOpen
          ? { allowed: true }
          : { allowed: false, retryAfterSeconds: STORE_UNAVAILABLE_RETRY_AFTER_SECONDS, unavailable: true };
      }
      const { count, resetAt } = hit;
      if (count <= limit) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now()) / 1000)) };
    },
  };
}
