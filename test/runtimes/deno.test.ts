// The fixture host app in deno, against the emulator on loopback (see suite.ts).
import { startDeno } from './harness.js';
import { runtimeSuite } from './suite.js';

runtimeSuite('deno', startDeno);
