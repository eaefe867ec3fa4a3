// Every delay the emulator waits on (injected latency) goes through here, so close() can cancel
// them all and leave no timer keeping the process alive.

export class Timers {
  private readonly pending = new Set<{ timer: NodeJS.Timeout; reject: (error: Error) => void }>();

  /** Resolves after `ms`; rejects early if `signal` aborts or the emulator closes. */
  delay(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms),
        reject,
      };
      const onAbort = () => {
        clearTimeout(entry.timer);
        this.pending.delete(entry);
        reject(new Error('request aborted'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.add(entry);
    });
  }

  cancelAll(): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new Error('emulator closed'));
    }
    this.pending.clear();
  }
}
