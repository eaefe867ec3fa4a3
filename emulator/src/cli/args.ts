// The CLI's configuration: environment variables first, flags on top. Every value is checked here, so a bad
// one stops the CLI with one line naming the flag or variable it came from (a rejected secret is never echoed).
import { validateOrganization } from '../options.js';
import { isWebhookSecret } from '../directory/webhook-signer.js';
import { parseOriginPattern } from '../origins.js';
import type { EmulatorOptions, EmulatorOrganization, EmulatorSeedDomain } from '../types.js';

export const USAGE = `Usage: npx scalekit-emulator [flags]

Starts a local Scalekit environment and prints SCALEKIT_ENVIRONMENT_URL, SCALEKIT_CLIENT_ID and
SCALEKIT_CLIENT_SECRET for your server, and EMULATOR_CONTROL_TOKEN for its /_emulator/ controls.
Flags override the environment; a repeated flag replaces the variable's whole list.
  --port N, EMULATOR_PORT               port to listen on (default 8788; 0 = any free port)
  --host H, EMULATOR_HOST               address to listen on (default 127.0.0.1)
  --tls, EMULATOR_TLS=1                 serve https (h2 and HTTP/1.1) with a certificate from a CA made at
                                        start; prints the CA's path for NODE_EXTRA_CA_CERTS
  --public-url URL, EMULATOR_PUBLIC_URL where browsers reach it behind a proxy (links point there)
  --organization ID:NAME                a seed organization, e.g. org_acme:Acme (repeatable; replaces the
    EMULATOR_ORGANIZATIONS                default three); the variable is comma-separated ID:NAME pairs
  --domain ID:DOMAIN                    a verified domain of a seed organization, e.g. org_acme:acme.test, so
    EMULATOR_DOMAINS                      SSO sign-in by email finds it (repeatable); the variable: comma-separated
  --allowed-origin ORIGIN               an origin that may frame the portal, e.g. https://app.example.com or
    EMULATOR_ALLOWED_ORIGINS              'http://localhost:*' (repeatable; replaces the default list,
                                          http://localhost:* and http://127.0.0.1:*); the variable: comma-separated
  --webhook-url URL, EMULATOR_WEBHOOK_URL        where directory events are delivered (http or https)
  --webhook-secret S, EMULATOR_WEBHOOK_SECRET    whsec_… secret they are signed with (prefer the variable:
                                                 a flag is visible to other users in the process list)
  --new-credentials                     replace the saved client secret and control token with new ones
  EMULATOR_CLIENT_ID       client id it accepts (default skc_emulator)
  EMULATOR_CLIENT_SECRET   client secret it accepts (default: the saved one, see below)
  EMULATOR_CONTROL_TOKEN   bearer token the /_emulator/ controls ask for (16-256 printable ASCII
                           characters; default: the saved one)
  EMULATOR_STATE_DIR       where the generated secret and token are kept, the same on every start
                           (default $XDG_STATE_HOME/scalekit-emulator or ~/.local/state/scalekit-emulator;
                           macOS ~/Library/Application Support/scalekit-emulator; Windows %LOCALAPPDATA%)
Install: npm install -D scalekit-emulator`;

export interface CliConfig {
  options: EmulatorOptions;
  /** --new-credentials: generate and save a new client secret and control token. */
  newCredentials: boolean;
  help: boolean;
}

const MAX_ORGANIZATIONS = 1000;
const MAX_ORIGINS = 100;
const MAX_DOMAINS = 1000;

/** A value as shown in an error message: cut short, on one line. */
const shown = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);

function port(value: string, source: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new RangeError(`${source} must be a port number 0-65535`);
  return Number(value);
}

/** `org_acme:Acme Corporation` → `{ id, displayName }`; the name is everything after the first colon. */
export function parseOrganization(value: string, source: string): EmulatorOrganization {
  const colon = value.indexOf(':');
  if (colon === -1) throw new TypeError(`${source} must be ID:NAME, e.g. org_acme:Acme (got ${shown(value)})`);
  const id = value.slice(0, colon).trim();
  const displayName = value.slice(colon + 1).trim();
  if (/[\x00-\x1f\x7f]/.test(displayName)) throw new TypeError(`${source}: an organization name must not contain control characters`);
  try {
    return validateOrganization({ id, displayName });
  } catch (error) {
    const what = (error as Error).message.startsWith('organization id') ? `id ${shown(id)} must look like org_… (letters, digits, "_" or "-", at most 68 characters)` : `name for ${shown(id)} must be 1-200 characters`;
    throw new TypeError(`${source}: organization ${what}`);
  }
}

function organizations(values: readonly string[], source: string): EmulatorOrganization[] {
  if (values.length > MAX_ORGANIZATIONS) throw new RangeError(`${source}: at most ${MAX_ORGANIZATIONS} organizations`);
  const list = values.map((v) => parseOrganization(v, source));
  const ids = new Set<string>();
  for (const { id } of list) {
    if (ids.has(id)) throw new TypeError(`${source}: organization ${shown(id)} is given twice`);
    ids.add(id);
  }
  return list;
}

/** `org_acme:acme.test` → `{ organizationId, domain }`; whether Scalekit would accept the name is checked at start. */
export function parseSeedDomain(value: string, source: string): EmulatorSeedDomain {
  const colon = value.indexOf(':');
  const organizationId = colon === -1 ? '' : value.slice(0, colon).trim();
  const domain = colon === -1 ? '' : value.slice(colon + 1).trim();
  if (!organizationId || !domain || /[\x00-\x20\x7f]/.test(domain) || domain.length > 253) {
    throw new TypeError(`${source} must be ORGANIZATION_ID:DOMAIN, e.g. org_acme:acme.test (got ${shown(value)})`);
  }
  return { organizationId, domain };
}

function seedDomains(values: readonly string[], source: string): EmulatorSeedDomain[] {
  if (values.length > MAX_DOMAINS) throw new RangeError(`${source}: at most ${MAX_DOMAINS} domains`);
  return values.map((v) => parseSeedDomain(v, source));
}

export function parseOrigin(value: string, source: string): string {
  try {
    parseOriginPattern(value);
  } catch {
    throw new TypeError(`${source} must be an origin such as https://app.example.com or 'http://localhost:*' (got ${shown(value)})`);
  }
  return value;
}

function origins(values: readonly string[], source: string): string[] {
  if (values.length > MAX_ORIGINS) throw new RangeError(`${source}: at most ${MAX_ORIGINS} origins`);
  return values.map((v) => parseOrigin(v, source));
}

export function parseWebhookUrl(value: string, source: string): string {
  let url: URL | null = null;
  try {
    url = value.length <= 2048 ? new URL(value) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(`${source} must be an http(s) URL, e.g. http://localhost:3000/webhooks/scalekit`);
  }
  return url.href;
}

function webhookSecret(value: string, source: string): string {
  // Never echoed: it is a secret, even when malformed.
  if (!isWebhookSecret(value)) throw new TypeError(`${source} must be whsec_ followed by a base64 key of at least 16 bytes`);
  return value;
}

/** Splits a comma-separated variable; empty entries are dropped, an empty result refused. */
function list(value: string, name: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new TypeError(`${name} names nothing (comma-separated entries expected)`);
  return items;
}

interface Collected {
  options: EmulatorOptions;
  webhookUrl?: { value: string; source: string };
  webhookSecret?: { value: string; source: string };
}

function fromEnv(env: NodeJS.ProcessEnv): Collected {
  const options: EmulatorOptions = {
    port: port(env.EMULATOR_PORT?.trim() || '8788', 'EMULATOR_PORT'),
    host: env.EMULATOR_HOST?.trim() || '127.0.0.1',
  };
  if (env.EMULATOR_CLIENT_ID) options.clientId = env.EMULATOR_CLIENT_ID;
  if (env.EMULATOR_CLIENT_SECRET) options.clientSecret = env.EMULATOR_CLIENT_SECRET;
  if (env.EMULATOR_CONTROL_TOKEN) options.controlToken = env.EMULATOR_CONTROL_TOKEN;
  if (env.EMULATOR_PUBLIC_URL) options.publicUrl = env.EMULATOR_PUBLIC_URL;
  if (env.EMULATOR_TLS === '1' || env.EMULATOR_TLS === 'true') options.tls = true;
  if (env.EMULATOR_ALLOWED_ORIGINS) {
    options.allowedOrigins = origins(list(env.EMULATOR_ALLOWED_ORIGINS, 'EMULATOR_ALLOWED_ORIGINS'), 'EMULATOR_ALLOWED_ORIGINS');
  }
  if (env.EMULATOR_ORGANIZATIONS) {
    options.organizations = organizations(list(env.EMULATOR_ORGANIZATIONS, 'EMULATOR_ORGANIZATIONS'), 'EMULATOR_ORGANIZATIONS');
  }
  if (env.EMULATOR_DOMAINS) options.domains = seedDomains(list(env.EMULATOR_DOMAINS, 'EMULATOR_DOMAINS'), 'EMULATOR_DOMAINS');
  const out: Collected = { options };
  if (env.EMULATOR_WEBHOOK_URL) out.webhookUrl = { value: parseWebhookUrl(env.EMULATOR_WEBHOOK_URL, 'EMULATOR_WEBHOOK_URL'), source: 'EMULATOR_WEBHOOK_URL' };
  if (env.EMULATOR_WEBHOOK_SECRET) {
    out.webhookSecret = { value: webhookSecret(env.EMULATOR_WEBHOOK_SECRET, 'EMULATOR_WEBHOOK_SECRET'), source: 'EMULATOR_WEBHOOK_SECRET' };
  }
  return out;
}

/** Reads the environment, then the flags; throws a TypeError or RangeError with a one-line message. */
export function parseCli(env: NodeJS.ProcessEnv, args: readonly string[]): CliConfig {
  const config = fromEnv(env);
  const options = config.options;
  const flagOrganizations: string[] = [];
  const flagOrigins: string[] = [];
  const flagDomains: string[] = [];
  let newCredentials = false;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [flag, inline] = eq === -1 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new TypeError(`${flag} needs a value (see --help)`);
      return v;
    };
    const bare = () => {
      if (inline !== undefined) throw new TypeError(`${flag} takes no value (see --help)`);
    };
    switch (flag) {
      case '--help':
      case '-h':
        help = true;
        break;
      case '--tls':
        bare();
        options.tls = true;
        break;
      case '--new-credentials':
        bare();
        newCredentials = true;
        break;
      case '--port':
        options.port = port(value(), '--port');
        break;
      case '--host':
        options.host = value();
        break;
      case '--public-url':
        options.publicUrl = value();
        break;
      case '--organization':
        flagOrganizations.push(value());
        break;
      case '--allowed-origin':
        flagOrigins.push(value());
        break;
      case '--domain':
        flagDomains.push(value());
        break;
      case '--webhook-url':
        config.webhookUrl = { value: parseWebhookUrl(value(), '--webhook-url'), source: '--webhook-url' };
        break;
      case '--webhook-secret':
        config.webhookSecret = { value: webhookSecret(value(), '--webhook-secret'), source: '--webhook-secret' };
        break;
      default:
        throw new TypeError(`unknown argument ${shown(arg.slice(0, 40))} (see --help)`);
    }
  }
  if (flagOrganizations.length) options.organizations = organizations(flagOrganizations, '--organization');
  if (flagOrigins.length) options.allowedOrigins = origins(flagOrigins, '--allowed-origin');
  if (flagDomains.length) options.domains = seedDomains(flagDomains, '--domain');
  const { webhookUrl, webhookSecret: secret } = config;
  if (webhookUrl && !secret) throw new TypeError(`${webhookUrl.source} needs a secret too: --webhook-secret or EMULATOR_WEBHOOK_SECRET (whsec_…)`);
  if (secret && !webhookUrl) throw new TypeError(`${secret.source} needs a receiver too: --webhook-url or EMULATOR_WEBHOOK_URL`);
  if (webhookUrl && secret) options.webhooks = { url: webhookUrl.value, secret: secret.value };
  return { options, newCredentials, help };
}
