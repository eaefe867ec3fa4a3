// Which webhook deliveries were handled, behind a small store interface so several instances of a host can share
// the answer (redisIdempotencyStore in redis-stores.ts) while one instance keeps it in memory.

/**
 * What `begin` found for a key:
 * - `new`: nobody held it; the caller now holds a claim for `leaseMs` and must `complete` or `abandon` it;
 * - `in_progress`: someone else holds a live claim (another instance is running the handler right now);
 * - `done`: it was handled within the remembered time.
 */
export type IdempotencyState = 'new' | 'in_progress' | 'done';

/** Where handled (and in-flight) webhook deliveries are remembered. Each call may throw when the store is down. */
export interface IdempotencyStore {
  /**
   * Claims `key` atomically unless it is claimed or done. The claim expires after `leaseMs`, so an instance
   * that died mid-delivery does not block the key for longer than that.
   */
  begin(key: string, leaseMs: number): IdempotencyState | Promise<IdempotencyState>;
  /** Marks `key` handled for `ttlMs`, replacing this caller's claim. */
  complete(key: string, ttlMs: number): void | Promise<void>;
  /** Releases this caller's claim (the handler failed), so the next delivery runs it again. */
  abandon(key: string): void | Promise<void>;
}

interface Entry {
  state: 'in_progress' | 'done';
  expiresAt: number;
}

/**
 * This process's memory: the newest `maxEntries` keys, least recently seen evicted first, each until it expires.
 * Enough for one instance; several instances need a shared store.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  begin(key: string, leaseMs: number): IdempotencyState {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt > this.#now()) {
      this.#touch(key, entry);
      return entry.state;
    }
    this.#touch(key, { state: 'in_progress', expiresAt: this.#now() + leaseMs });
    return 'new';
  }

  complete(key: string, ttlMs: number): void {
    this.#touch(key, { state: 'done', expiresAt: this.#now() + ttlMs });
  }

  abandon(key: string): void {
    if (this.#entries.get(key)?.state === 'in_progress') this.#entries.delete(key);
  }

  /** Keys held (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  #touch(key: string, entry: Entry): void {
    this.#entries.delete(key); // re-insert: Map order is the eviction order
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }
}
