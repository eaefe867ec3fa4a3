// The emulator in a process of its own, so its CPU is not the bench's: prints its URL and credentials.
// BENCH_EMULATOR_TLS=1 serves HTTPS (h2), BENCH_EMULATOR_PUBLIC_URL names the proxy browsers reach it through
// and BENCH_EMULATOR_ALLOWED_ORIGINS (comma-separated) who may frame the portal.
import { startEmulator } from '../../../emulator/src/index.js';
import { announceReady } from './processes.js';

const publicUrl = process.env['BENCH_EMULATOR_PUBLIC_URL'];
const allowedOrigins = process.env['BENCH_EMULATOR_ALLOWED_ORIGINS']?.split(',');
const emulator = await startEmulator({
  port: 0,
  host: '127.0.0.1',
  tls: process.env['BENCH_EMULATOR_TLS'] === '1',
  ...(publicUrl ? { publicUrl } : {}),
  ...(allowedOrigins ? { allowedOrigins } : {}),
});
announceReady(
  {
    url: emulator.url,
    publicUrl: emulator.publicUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    controlToken: emulator.controlToken,
    tls: emulator.tls ? { caPath: emulator.tls.caPath, spkiSha256: emulator.tls.spkiSha256 } : null,
  },
  () => emulator.close(),
);
