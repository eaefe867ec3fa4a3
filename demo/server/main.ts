// `npm start`: the demo host on http://localhost:3000 (PORT). With SCALEKIT_ENVIRONMENT_URL, SCALEKIT_CLIENT_ID
// and SCALEKIT_CLIENT_SECRET it talks to that Scalekit environment; without them, to the emulator in-process.
// Optional: HOST (default 127.0.0.1; 0.0.0.0 in a container), EMULATOR_PORT (default: any free port),
// DEMO_DIR (the built demo, default demo-dist/), NORTHWIND_DATA_DIR (Northwind's database, default .data/northwind;
// `memory` keeps nothing), PUBLIC_URL (the origin setup links point at, default this server's),
// NORTHWIND_SETUP_LINK_TTL_MS (how long setup links last, default 7 days), NORTHWIND_ALLOWED_HOSTS (more host names
// to answer, comma-separated; others get 403).

import { ConfigError, parsePort, scalekitConfigFromEnv, setupLinkTtlFromEnv } from './config.js';
import { DataFolderInUseError, dataDirFromEnv } from './database.js';
import type { DemoServer } from './northwind.js';

const log = (line: string) => console.log(line);

// Handlers first, so a signal during start-up also ends in an orderly shutdown.
let starting: Promise<DemoServer | null> = Promise.resolve(null);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return; // a second signal while shutting down changes nothing; the close has a deadline
    stopping = true;
    log(`${signal}: shutting down`);
    starting
      .then((server) => server?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`Shutdown failed: ${error instanceof Error ? error.name : 'error'}`);
          process.exit(1);
        },
      );
  });
}

async function start(): Promise<DemoServer | null> {
  try {
    const env = process.env;
    // Every setting is checked before the server's modules load: a mistake is reported at once, not seconds later.
    const port = parsePort(env['PORT'], 'PORT', 3000);
    const emulatorPort = parsePort(env['EMULATOR_PORT'], 'EMULATOR_PORT', 0);
    scalekitConfigFromEnv(env);
    const dataDir = dataDirFromEnv(env);
    const setupLinkTtlMs = setupLinkTtlFromEnv(env);
    const [{ createDemoServer }, { nodeListener }] = await Promise.all([import('./northwind.js'), import('./node-listener.js')]);
    const server = await createDemoServer({
      listen: nodeListener({ port, host: env['HOST']?.trim() || '127.0.0.1' }),
      env,
      emulator: { port: emulatorPort },
      demoDir: env['DEMO_DIR']?.trim() || undefined,
      dataDir,
      setupLinkTtlMs,
      log,
    });
    log(`Demo: http://localhost:${new URL(server.url).port}`);
    log(`Northwind staff console (onboard a customer, invite its IT admin): http://localhost:${new URL(server.url).port}/staff`);
    return server;
  } catch (error) {
    console.error(`Not started: ${startupFailure(error)}`);
    process.exit(1);
  }
}

/** One line for the operator; never an error object (it could hold request echoes). */
function startupFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof DataFolderInUseError) return error.message;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'EADDRINUSE') return 'the port is already in use (set PORT to another one).';
  if (code === 'EACCES') return 'not allowed to listen on that port (set PORT to one above 1024).';
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}

starting = start();
