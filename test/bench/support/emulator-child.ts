// The emulator in a process of its own, so its CPU is not the bench's: prints its URL and credentials.
import { startEmulator } from '../../../emulator/src/index.js';
import { announceReady } from './processes.js';

const emulator = await startEmulator({ port: 0, host: '127.0.0.1' });
announceReady(
  { url: emulator.url, clientId: emulator.clientId, clientSecret: emulator.clientSecret, controlToken: emulator.controlToken },
  () => emulator.close(),
);
