// The demo server's configuration from its environment: which Scalekit (the emulator, or a real environment
// from SCALEKIT_*), the webhook secret, ports and the setup-link lifetime. Each mistake is one ConfigError line
// for the operator; values are never echoed.
// Only light modules here: main.ts checks the configuration before it loads the server.
import { randomBytes } from 'node:crypto';
import { SETUP_LINK_TTL } from '../../server/setup-links/limits.js';

/** A start-up problem the operator must fix; its message is one line and never contains a secret. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type ScalekitConfig =
  | { mode: 'scalekit'; environmentUrl: string; clientId: string; clientSecret: string }
  | { mode: 'emulator' };

const SCALEKIT_VARIABLES = ['SCALEKIT_ENVIRONMENT_URL', 'SCALEKIT_CLIENT_ID', 'SCALEKIT_CLIENT_SECRET'] as const;

/**
 * All three `SCALEKIT_*` variables: a real environment. None: the emulator. Anything in between, or an
 * environment URL that is not an http(s) URL, is a {@link ConfigError}. Values are never echoed.
 */
export function scalekitConfigFromEnv(env: Record<string, string | undefined>): ScalekitConfig {
  const present = SCALEKIT_VARIABLES.filter((name) => (env[name] ?? '').trim() !== '');
  if (present.length === 0) return { mode: 'emulator' };
  if (present.length < SCALEKIT_VARIABLES.length) {
    const missing = SCALEKIT_VARIABLES.filter((name) => !present.includes(name));
    throw new ConfigError(
      `Set all of ${SCALEKIT_VARIABLES.join(', ')} to use a Scalekit environment, or none to use the local ` +
        `emulator (missing: ${missing.join(', ')}).`,
    );
  }
  const raw = env['SCALEKIT_ENVIRONMENT_URL']!.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('SCALEKIT_ENVIRONMENT_URL is not a URL (expected e.g. https://your-env.scalekit.dev).');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash) {
    throw new ConfigError('SCALEKIT_ENVIRONMENT_URL must be a plain http(s) URL (expected e.g. https://your-env.scalekit.dev).');
  }
  return {
    mode: 'scalekit',
    environmentUrl: url.href.replace(/\/+$/, ''),
    clientId: env['SCALEKIT_CLIENT_ID']!.trim(),
    clientSecret: env['SCALEKIT_CLIENT_SECRET']!.trim(),
  };
}

/**
 * The demo's webhook signing secret: generated per process on the emulator (it signs with the same secret);
 * `SCALEKIT_WEBHOOK_SECRET` against a real environment, or null (no receiver). Never echoed.
 */
export function webhookSecretFromEnv(config: ScalekitConfig, env: Record<string, string | undefined>): string | null {
  if (config.mode === 'emulator') return generateDemoWebhookSecret();
  const secret = (env['SCALEKIT_WEBHOOK_SECRET'] ?? '').trim();
  if (secret === '') return null;
  if (!/^[^_\s]+_\S+$/.test(secret)) {
    throw new ConfigError('SCALEKIT_WEBHOOK_SECRET must be the webhook endpoint signing secret (whsec_…).');
  }
  return secret;
}

/** A fresh `whsec_…` signing secret (32-byte key), for a demo whose emulator and receiver share one process. */
export function generateDemoWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** `PORT`-style value → port number, or a {@link ConfigError}. */
export function parsePort(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(`${name} must be a port number between 0 and 65535.`);
  }
  return port;
}

/**
 * `NORTHWIND_SETUP_LINK_TTL_MS`: how long setup links last (e.g. 60000 to watch one expire by hand). Unset: the
 * package's default (7 days). Outside 1 minute – 30 days, or not a whole number: a {@link ConfigError}.
 */
export function setupLinkTtlFromEnv(env: Record<string, string | undefined>): number | undefined {
  const raw = (env['NORTHWIND_SETUP_LINK_TTL_MS'] ?? '').trim();
  if (raw === '') return undefined;
  const ms = Number(raw);
  if (!/^\d{1,10}$/.test(raw) || ms < SETUP_LINK_TTL.minMs || ms > SETUP_LINK_TTL.maxMs) {
    throw new ConfigError(
      `NORTHWIND_SETUP_LINK_TTL_MS must be milliseconds between ${SETUP_LINK_TTL.minMs} (1 minute) and ${SETUP_LINK_TTL.maxMs} (30 days).`,
    );
  }
  return ms;
}
