// Shared by the measurements of one run: one emulator child, started on first use and stopped at the end; the
// command line's flags; and the sections finished so far, so a later measurement can quote an earlier one.
import { startEmulatorProcess, type EmulatorProcess } from './emulator.js';
import type { BenchSection } from './report.js';

/** What makes each network run cold: a new browser and profile, or a new off-the-record context in one browser. */
export type ColdBy = 'browser' | 'context';

export interface BenchFlags {
  /** `--runs N`: measured runs per page and RTT in the network bench (a quick look: `--runs 3`). */
  runs?: number;
  /** `--cold browser|context`: see ColdBy (default browser). */
  cold?: ColdBy;
}

export class BenchContext {
  #emulator?: Promise<EmulatorProcess>;
  readonly sections: BenchSection[] = [];

  constructor(readonly flags: BenchFlags = {}) {}

  emulator(): Promise<EmulatorProcess> {
    return (this.#emulator ??= startEmulatorProcess());
  }

  async close(): Promise<void> {
    const emulator = await this.#emulator?.catch(() => undefined);
    await emulator?.stop();
  }
}
