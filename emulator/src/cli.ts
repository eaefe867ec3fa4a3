#!/usr/bin/env node
// `npx scalekit-emulator`: the emulator on its own, for a host app's dev server, CI, or trying the SDK by hand.
// Configuration (environment, then flags) is in cli/args.ts, the saved credentials in cli/credentials.ts, what it
// prints in cli/banner.ts. Any problem before it listens is one line on stderr and exit code 1, never a stack.
import { parseCli, USAGE } from './cli/args.js';
import { banner } from './cli/banner.js';
import { loadCredentials, stateDir, type CredentialsResult } from './cli/credentials.js';
import { DEFAULT_ALLOWED_ORIGINS } from './origins.js';
import type { Emulator } from './types.js';

function fail(reason: string): void {
  console.error(`Scalekit emulator not started: ${reason}`);
  process.exitCode = 1;
}

async function main(): Promise<void> {
  // Before anything is checked, so help is there even when the environment holds a bad value.
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  let config;
  try {
    config = parseCli(process.env, process.argv.slice(2));
  } catch (error) {
    return fail((error as Error).message);
  }
  const { options } = config;

  // What the environment sets wins; the saved pair fills in the rest, so `.env` files survive a restart.
  const fromEnvironment = [
    ...(options.clientSecret !== undefined ? ['EMULATOR_CLIENT_SECRET'] : []),
    ...(options.controlToken !== undefined ? ['EMULATOR_CONTROL_TOKEN'] : []),
  ];
  let credentials: CredentialsResult | null = null;
  if (fromEnvironment.length < 2 || config.newCredentials) {
    try {
      credentials = await loadCredentials(stateDir(process.env), { renew: config.newCredentials });
    } catch (error) {
      return fail((error as Error).message);
    }
    options.clientSecret ??= credentials.clientSecret;
    options.controlToken ??= credentials.controlToken;
  }

  // Loaded here, not at the top, so --help and a bad flag answer without loading the gRPC and TLS stacks.
  const { startEmulator } = await import('./index.js');
  let emulator: Emulator;
  try {
    emulator = await startEmulator({ ...options, log: (line) => console.warn(line) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'EADDRINUSE' ? 'the port is in use (set --port or EMULATOR_PORT)' : (error as Error).message);
  }
  console.log(banner({ emulator, allowedOrigins: options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS, credentials, fromEnvironment }));

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void emulator.close().then(() => console.log('Scalekit emulator stopped.'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

try {
  await main();
} catch (error) {
  // Whatever slipped through still ends as one line.
  fail((error as Error)?.message ?? String(error));
}
