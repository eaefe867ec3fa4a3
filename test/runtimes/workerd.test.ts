// The fixture host app in workerd, against the emulator on loopback (see suite.ts).
import { startWorkerd } from './harness.js';
import { runtimeSuite } from './suite.js';

runtimeSuite('workerd', startWorkerd);
