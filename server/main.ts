// `npm start`: the demo host on http://localhost:3000 (PORT). With SCALEKIT_ENVIRONMENT_URL, SCALEKIT_CLIENT_ID
// and SCALEKIT_CLIENT_SECRET it talks to that Scalekit environment; without them, to the emulator in-process.
// Optional: HOST (default 127.0.0.1; 0.0.0.0 in a container), EMULATOR_PORT (default: any free port),
// DEMO_DIR (the built demo, default demo-dist/).

import { ConfigError, createDemoServer, parsePort } from './app.js';
import type { DemoServer } from './app.js';

const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  let server: DemoServer;
  try {
    const env = process.env;
    const port = parsePort(env['PORT'], 'PORT', 3000);
    const emulatorPort = parsePort(env['EMULATOR_PORT'], 'EMULATOR_PORT', 0);
    server = await createDemoServer({
      port,
      host: env['HOST']?.trim() || '127.0.0.1',
      env,
      emulator: { port: emulatorPort },
      demoDir: env['DEMO_DIR']?.trim() || undefined,
      log,
    });
  } catch (error) {
    console.error(`Not started: ${startupFailure(error)}`);
    process.exitCode = 1;
    return;
  }

  const { port } = new URL(server.url);
  log(`Demo: http://localhost:${port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Shutdown failed: ${error instanceof Error ? error.name : 'error'}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** One line for the operator; never an error object (it could hold request echoes). */
function startupFailure(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'EADDRINUSE') return 'the port is already in use (set PORT to another one).';
  if (code === 'EACCES') return 'not allowed to listen on that port (set PORT to one above 1024).';
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}

await main();
