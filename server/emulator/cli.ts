// `npm run emulator`: the emulator on its own, for trying the SDK or the portal page by hand.
// EMULATOR_PORT (default 8788; 0 = any free port), EMULATOR_HOST (default 127.0.0.1),
// EMULATOR_CLIENT_ID / EMULATOR_CLIENT_SECRET (default: skc_emulator and a fresh random secret),
// EMULATOR_ALLOWED_ORIGINS (comma-separated origins that may frame the portal).
import { startEmulator } from './index.js';
import type { EmulatorOptions } from './types.js';

export function optionsFromEnv(env: NodeJS.ProcessEnv): EmulatorOptions {
  const rawPort = env.EMULATOR_PORT?.trim() || '8788';
  if (!/^\d{1,5}$/.test(rawPort) || Number(rawPort) > 65535) {
    throw new RangeError('EMULATOR_PORT must be a port number 0-65535');
  }
  const options: EmulatorOptions = { port: Number(rawPort), host: env.EMULATOR_HOST?.trim() || '127.0.0.1' };
  if (env.EMULATOR_CLIENT_ID) options.clientId = env.EMULATOR_CLIENT_ID;
  if (env.EMULATOR_CLIENT_SECRET) options.clientSecret = env.EMULATOR_CLIENT_SECRET;
  if (env.EMULATOR_ALLOWED_ORIGINS) {
    options.allowedOrigins = env.EMULATOR_ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean);
  }
  return options;
}

async function main(): Promise<void> {
  let emulator;
  try {
    emulator = await startEmulator(optionsFromEnv(process.env));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? 'the port is in use (set EMULATOR_PORT)' : (error as Error).message;
    console.error(`Scalekit emulator not started: ${reason}`);
    process.exitCode = 1;
    return;
  }
  // Printing the credentials is the point of this command: they are the emulator's own, local and throwaway.
  console.log(`Scalekit emulator listening on ${emulator.url}
  SCALEKIT_ENVIRONMENT_URL=${emulator.url}
  SCALEKIT_CLIENT_ID=${emulator.clientId}
  SCALEKIT_CLIENT_SECRET=${emulator.clientSecret}
Organizations: ${emulator.organizations().map((o) => `${o.id} (${o.displayName})`).join(', ')}
Controls: GET ${emulator.url}/_emulator/stats, POST ${emulator.url}/_emulator/faults, POST ${emulator.url}/_emulator/reset
Ctrl+C to stop.`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void emulator.close().then(() => console.log('Scalekit emulator stopped.'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
