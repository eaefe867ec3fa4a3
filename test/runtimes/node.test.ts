// The fixture host app in a Node process, against the emulator on loopback (see suite.ts).
import { startNode } from './harness.js';
import { runtimeSuite } from './suite.js';

runtimeSuite('node', startNode);
