#!/usr/bin/env node
// `npx scalekit-emulator`: the emulator on its own, for a host app's dev server, CI, or trying the SDK by hand.
// EMULATOR_PORT (default 8788; 0 = any free port), EMULATOR_HOST (default 127.0.0.1),
// EMULATOR_CLIENT_ID / EMULATOR_CLIENT_SECRET (default: skc_emulator and a fresh random secret),
// EMULATOR_CONTROL_TOKEN (what /_emulator/ asks for; default a fresh random one),
// EMULATOR_ALLOWED_ORIGINS (comma-separated origins that may frame the portal), EMULATOR_PUBLIC_URL,
// EMULATOR_TLS=1. Flags override the environment: --port N, --host H, --tls, --public-url URL.
import type { EmulatorOptions } from './types.js';

const USAGE = `Usage: npx scalekit-emulator [--port N] [--host H] [--tls] [--public-url URL]

Starts a local Scalekit environment and prints SCALEKIT_ENVIRONMENT_URL, SCALEKIT_CLIENT_ID and
SCALEKIT_CLIENT_SECRET for your server, and EMULATOR_CONTROL_TOKEN for its /_emulator/ controls.
  --port N, EMULATOR_PORT          port to listen on (default 8788; 0 = any free port)
  --host H, EMULATOR_HOST          address to listen on (default 127.0.0.1)
  --tls, EMULATOR_TLS=1            serve https (h2 and HTTP/1.1) with a certificate from a CA made at start;
                                   prints the CA's path for NODE_EXTRA_CA_CERTS
  --public-url URL, EMULATOR_PUBLIC_URL  where browsers reach it behind a proxy (links point there)
  EMULATOR_CLIENT_ID       client id it accepts (default skc_emulator)
  EMULATOR_CLIENT_SECRET   client secret it accepts (default: a fresh random one)
  EMULATOR_CONTROL_TOKEN   bearer token the /_emulator/ controls ask for (16-256 printable ASCII
                           characters; default: a fresh random one)
  EMULATOR_ALLOWED_ORIGINS comma-separated origins that may frame the portal
                           (default any http://localhost:* and http://127.0.0.1:*)
Install: npm install -D scalekit-emulator`;

/** Applies command-line flags on top of the environment's options; throws a TypeError on anything unknown. */
export function applyArgs(options: EmulatorOptions, args: readonly string[]): EmulatorOptions {
  const out = { ...options };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new TypeError(`${flag} needs a value (see --help)`);
      return v;
    };
    if (flag === '--tls') out.tls = true;
    else if (flag === '--port') {
      const v = value();
      if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new RangeError('--port must be a port number 0-65535');
      out.port = Number(v);
    } else if (flag === '--host') out.host = value();
    else if (flag === '--public-url') out.publicUrl = value();
    else throw new TypeError(`unknown argument ${JSON.stringify(arg.slice(0, 40))} (see --help)`);
  }
  return out;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv): EmulatorOptions {
  const rawPort = env.EMULATOR_PORT?.trim() || '8788';
  if (!/^\d{1,5}$/.test(rawPort) || Number(rawPort) > 65535) {
    throw new RangeError('EMULATOR_PORT must be a port number 0-65535');
  }
  const options: EmulatorOptions = { port: Number(rawPort), host: env.EMULATOR_HOST?.trim() || '127.0.0.1' };
  if (env.EMULATOR_CLIENT_ID) options.clientId = env.EMULATOR_CLIENT_ID;
  if (env.EMULATOR_CLIENT_SECRET) options.clientSecret = env.EMULATOR_CLIENT_SECRET;
  if (env.EMULATOR_CONTROL_TOKEN) options.controlToken = env.EMULATOR_CONTROL_TOKEN;
  if (env.EMULATOR_PUBLIC_URL) options.publicUrl = env.EMULATOR_PUBLIC_URL;
  if (env.EMULATOR_TLS === '1' || env.EMULATOR_TLS === 'true') options.tls = true;
  if (env.EMULATOR_ALLOWED_ORIGINS) {
    options.allowedOrigins = env.EMULATOR_ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean);
  }
  return options;
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  // Loaded here, not at the top, so --help answers without loading the gRPC and TLS stacks.
  const { startEmulator } = await import('./index.js');
  let emulator;
  try {
    emulator = await startEmulator(applyArgs(optionsFromEnv(process.env), process.argv.slice(2)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? 'the port is in use (set EMULATOR_PORT)' : (error as Error).message;
    console.error(`Scalekit emulator not started: ${reason}`);
    process.exitCode = 1;
    return;
  }
  // Printing the credentials and the control token is the point of this command: they are the emulator's own,
  // local and throwaway; this banner is the only place the token is ever written.
  const tlsLines = emulator.tls
    ? `TLS: trust the emulator's CA with NODE_EXTRA_CA_CERTS=${emulator.tls.caPath}
  (curl --cacert ${emulator.tls.caPath}; Chromium: --ignore-certificate-errors-spki-list=${emulator.tls.spkiSha256})
`
    : '';
  const publicLine = emulator.publicUrl !== emulator.url ? `Portal links point at ${emulator.publicUrl}\n` : '';
  console.log(`Scalekit emulator listening on ${emulator.url}
  SCALEKIT_ENVIRONMENT_URL=${emulator.url}
  SCALEKIT_CLIENT_ID=${emulator.clientId}
  SCALEKIT_CLIENT_SECRET=${emulator.clientSecret}
  EMULATOR_CONTROL_TOKEN=${emulator.controlToken}
Organizations: ${emulator.organizations().map((o) => `${o.id} (${o.displayName})`).join(', ')}
${tlsLines}${publicLine}REST: ${emulator.url}/api/v1/… (Bearer token from POST ${emulator.url}/oauth/token)
Controls (Authorization: Bearer $EMULATOR_CONTROL_TOKEN): GET /_emulator/stats, POST /_emulator/faults, POST /_emulator/reset
  curl -H "Authorization: Bearer $EMULATOR_CONTROL_TOKEN" ${emulator.url}/_emulator/stats
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
