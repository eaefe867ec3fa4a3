// The fixture host app in bun, against the emulator on loopback (see suite.ts).
import { startBun } from './harness.js';
import { runtimeSuite } from './suite.js';

runtimeSuite('bun', startBun);
