// Normalises and checks startEmulator's options once, so the rest of the emulator can trust them.
import { randomBytes } from 'node:crypto';
import { DEFAULT_ALLOWED_ORIGINS, parseOriginPattern } from './origins.js';
import { validateBranding } from './branding.js';
import { resolveLog, type EmulatorLog } from './log.js';
import type { EmulatorBranding, EmulatorOptions, EmulatorOrganization, EmulatorSeedDomain } from './types.js';

export const DEFAULT_ORGANIZATIONS: readonly Readonly<EmulatorOrganization>[] = Object.freeze(
  [
    { id: 'org_acme', displayName: 'Acme Corporation' },
    { id: 'org_globex', displayName: 'Globex' },
    { id: 'org_initech', displayName: 'Initech' },
  ].map((org) => Object.freeze(org)),
);

export const DEFAULT_CLIENT_ID = 'skc_emulator';

export interface ResolvedOptions {
  port: number;
  host: string;
  clientId: string;
  clientSecret: string;
  /** The bearer token every `/_emulator/` route asks for. */
  controlToken: string;
  organizations: EmulatorOrganization[];
  /** Verified domains added at start and after every reset (checked by the domain registry when added). */
  domains: EmulatorSeedDomain[];
  linkTtlSeconds: number;
  sessionSeconds: number;
  warningSeconds: number;
  allowedOrigins: string[];
  webhooks: { url: string; secret: string } | null;
  branding: EmulatorBranding;
  tls: boolean;
  /** Normalised, no trailing slash; null = the listening URL. */
  publicUrl: string | null;
  /** Never throws; silent unless `log` was given. */
  log: EmulatorLog;
}

const ORG_ID = /^org_[A-Za-z0-9_-]{1,64}$/;
const CREDENTIAL = /^[\x21-\x7e]{1,256}$/; // printable ASCII, no spaces: survives a form body and a log-free compare

function positiveSeconds(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 31_536_000) {
    throw new RangeError(`${name} must be a positive number of seconds (at most one year)`);
  }
  return value;
}

function credential(name: string, value: unknown, fallback: () => string): string {
  if (value === undefined) return fallback();
  if (typeof value !== 'string' || !CREDENTIAL.test(value)) {
    throw new TypeError(`${name} must be 1-256 printable ASCII characters without spaces`);
  }
  return value;
}

const CONTROL_TOKEN = /^[\x21-\x7e]{16,256}$/;

/** 18 random bytes (144 bits), in the shape Scalekit's secrets have. */
export const newClientSecret = () => `sks_emu_${randomBytes(18).toString('base64url')}`;
/** 24 random bytes: 192 bits. */
export const newControlToken = () => `emuctl_${randomBytes(24).toString('base64url')}`;
export const isClientSecret = (value: unknown): value is string => typeof value === 'string' && CREDENTIAL.test(value);
export const isControlToken = (value: unknown): value is string => typeof value === 'string' && CONTROL_TOKEN.test(value);

function controlToken(value: unknown): string {
  // A fresh one per start unless given.
  if (value === undefined) return newControlToken();
  if (!isControlToken(value)) {
    throw new TypeError('controlToken must be 16-256 printable ASCII characters without spaces');
  }
  return value;
}

export function validateOrganization(org: unknown): EmulatorOrganization {
  if (typeof org !== 'object' || org === null) throw new TypeError('an organization must be { id, displayName }');
  const { id, displayName } = org as Record<string, unknown>;
  if (typeof id !== 'string' || !ORG_ID.test(id)) {
    throw new TypeError('organization id must look like "org_…" (letters, digits, "_" or "-", at most 68 characters)');
  }
  if (typeof displayName !== 'string' || displayName.trim() === '' || displayName.length > 200) {
    throw new TypeError('organization displayName must be a non-empty string of at most 200 characters');
  }
  return { id, displayName };
}

const MAX_SEED_DOMAINS = 1000;

/** The shape only: whether Scalekit would accept each name is the domain registry's call, when it is added. */
function validateSeedDomains(value: unknown): EmulatorSeedDomain[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_SEED_DOMAINS) {
    throw new TypeError(`domains must be an array of at most ${MAX_SEED_DOMAINS} { organizationId, domain }`);
  }
  return value.map((entry: unknown) => {
    const { organizationId, domain } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof organizationId !== 'string' || typeof domain !== 'string' || domain.length > 253) {
      throw new TypeError('each of domains must be { organizationId, domain }, e.g. { organizationId: "org_acme", domain: "acme.test" }');
    }
    return { organizationId, domain };
  });
}

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('startEmulator options must be an object');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('port must be an integer 0-65535');
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || !/^[A-Za-z0-9.:-]{1,253}$/.test(host)) throw new TypeError('host must be a host name or IP address');

  if (options.organizations !== undefined && !Array.isArray(options.organizations)) {
    throw new TypeError('organizations must be an array of { id, displayName }');
  }
  const organizations = (options.organizations ?? DEFAULT_ORGANIZATIONS).map(validateOrganization);
  if (new Set(organizations.map((o) => o.id)).size !== organizations.length) {
    throw new TypeError('organization ids must be unique');
  }

  const domains = validateSeedDomains(options.domains);

  const allowedOrigins = options.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS;
  if (!Array.isArray(allowedOrigins)) throw new TypeError('allowedOrigins must be an array of origins');
  allowedOrigins.forEach(parseOriginPattern);

  const sessionSeconds = positiveSeconds('sessionSeconds', options.sessionSeconds, 21_600);
  const warningSeconds = positiveSeconds('warningSeconds', options.warningSeconds, 300);

  let webhooks: ResolvedOptions['webhooks'] = null;
  if (options.webhooks !== undefined) webhooks = validateWebhooks(options.webhooks);

  if (options.tls !== undefined && typeof options.tls !== 'boolean') throw new TypeError('tls must be true or false');

  return {
    port,
    host,
    domains,
    branding: validateBranding(options.branding),
    tls: options.tls ?? false,
    publicUrl: options.publicUrl === undefined ? null : validatePublicUrl(options.publicUrl),
    clientId: credential('clientId', options.clientId, () => DEFAULT_CLIENT_ID),
    clientSecret: credential('clientSecret', options.clientSecret, newClientSecret),
    controlToken: controlToken(options.controlToken),
    organizations,
    linkTtlSeconds: positiveSeconds('linkTtlSeconds', options.linkTtlSeconds, 60),
    sessionSeconds,
    warningSeconds,
    allowedOrigins: [...allowedOrigins],
    webhooks,
    log: resolveLog(options.log),
  };
}

export function validateWebhooks(value: unknown): { url: string; secret: string } {
  if (typeof value !== 'object' || value === null) throw new TypeError('webhooks must be { url, secret }');
  const { url, secret } = value as Record<string, unknown>;
  let parsed: URL | null = null;
  try {
    parsed = typeof url === 'string' ? new URL(url) : null;
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError('webhooks.url must be an http(s) URL');
  }
  if (typeof secret !== 'string' || !/^whsec_[A-Za-z0-9+/=]{8,200}$/.test(secret)) {
    throw new TypeError('webhooks.secret must look like "whsec_<base64 key>"');
  }
  return { url: parsed.href, secret };
}

/** An http(s) origin with an optional path prefix, no query, fragment or credentials; returned without a trailing slash. */
export function validatePublicUrl(value: unknown): string {
  let url: URL | null = null;
  try {
    url = typeof value === 'string' && value.length <= 1024 ? new URL(value) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
    throw new TypeError('publicUrl must be an http(s) URL without credentials, query or fragment');
  }
  if (!/^[A-Za-z0-9._~%!$&'()*+,;=:@/-]*$/.test(url.pathname)) throw new TypeError('publicUrl has an unusual path');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
