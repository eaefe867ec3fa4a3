// Shared by the measurements of one run: one emulator child, started on first use and stopped at the end.
import { startEmulatorProcess, type EmulatorProcess } from './emulator.js';

export class BenchContext {
  #emulator?: Promise<EmulatorProcess>;

  emulator(): Promise<EmulatorProcess> {
    return (this.#emulator ??= startEmulatorProcess());
  }

  async close(): Promise<void> {
    const emulator = await this.#emulator?.catch(() => undefined);
    await emulator?.stop();
  }
}
