// What the CLI prints once it listens: the lines to paste into `.env`, then what it was configured with and how
// to change it. Printing the client secret and control token is the point of the command (they are the
// emulator's own, local ones); the webhook secret is never printed, nor a webhook URL's credentials or query.
import type { Emulator } from '../types.js';
import type { CredentialsResult } from './credentials.js';

export interface BannerInput {
  emulator: Emulator;
  allowedOrigins: readonly string[];
  /** The saved pair, when either value came from it; null when both came from the environment. */
  credentials: CredentialsResult | null;
  /** `EMULATOR_CLIENT_SECRET` / `EMULATOR_CONTROL_TOKEN`, for those the environment set. */
  fromEnvironment: readonly string[];
}

/** A receiver URL as it may be shown: no user name, password, query or fragment. */
export function displayUrl(href: string): string {
  const url = new URL(href);
  return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
}

function credentialsLine({ credentials, fromEnvironment }: BannerInput): string {
  if (!credentials) return `Credentials: from ${fromEnvironment.join(' and ')}`;
  const overridden = fromEnvironment.length
    ? `; ${fromEnvironment.join(' and ')} from the environment ${fromEnvironment.length === 1 ? 'is' : 'are'} used instead`
    : '';
  switch (credentials.status) {
    case 'unsaved':
      return `Credentials: new for this run only, as ${credentials.file} could not be written (${credentials.reason}); set EMULATOR_STATE_DIR to a writable folder${overridden}`;
    case 'replaced':
      return `Credentials: new ones (--new-credentials), saved in ${credentials.file}${overridden}`;
    default:
      return `Credentials: saved in ${credentials.file}, the same on every start (--new-credentials or deleting the file makes new ones)${overridden}`;
  }
}

const SHOWN_ORGANIZATIONS = 10;

/** The first few; a long seed list would bury the lines that matter. */
function organizations(emulator: Emulator): string {
  const all = emulator.organizations();
  const shown = all.slice(0, SHOWN_ORGANIZATIONS).map((o) => `${o.id} (${o.displayName})`).join(', ');
  return all.length > SHOWN_ORGANIZATIONS ? `${shown} and ${all.length - SHOWN_ORGANIZATIONS} more` : shown;
}

/** The verified domains SSO sign-in routes by email (the first few), or how to add one. */
function domainsLine(emulator: Emulator): string {
  const all = emulator
    .organizations()
    .flatMap(({ id }) => emulator.domains.list(id).filter((d) => d.status === 'VERIFIED' && d.type === 'ORGANIZATION_DOMAIN').map((d) => `${d.domain} → ${id}`));
  if (!all.length) return 'Verified domains: none; sign-in by email needs one: --domain org_…:acme.test (repeatable) or EMULATOR_DOMAINS';
  const shown = all.slice(0, SHOWN_ORGANIZATIONS).join(', ');
  return `Verified domains (sign-in by email finds the organization): ${all.length > SHOWN_ORGANIZATIONS ? `${shown} and ${all.length - SHOWN_ORGANIZATIONS} more` : shown}`;
}

export function banner(input: BannerInput): string {
  const { emulator } = input;
  const webhookUrl = emulator.webhooks.url();
  const lines = [
    `Scalekit emulator listening on ${emulator.url}`,
    `  SCALEKIT_ENVIRONMENT_URL=${emulator.url}`,
    `  SCALEKIT_CLIENT_ID=${emulator.clientId}`,
    `  SCALEKIT_CLIENT_SECRET=${emulator.clientSecret}`,
    `  EMULATOR_CONTROL_TOKEN=${emulator.controlToken}`,
    credentialsLine(input),
    `Organizations: ${organizations(emulator)}`,
    '  change them: --organization org_…:Name (repeatable) or EMULATOR_ORGANIZATIONS=org_a:A,org_b:B',
    domainsLine(emulator),
    webhookUrl
      ? `Webhooks: directory events go to ${displayUrl(webhookUrl)}, signed with the secret given`
      : 'Webhooks: none; send directory events with --webhook-url URL and EMULATOR_WEBHOOK_SECRET=whsec_… (or PUT /_emulator/webhooks)',
    `May frame the portal: ${input.allowedOrigins.join(', ')}`,
    "  change it: --allowed-origin https://app.example.com (repeatable) or EMULATOR_ALLOWED_ORIGINS (comma-separated); either replaces this list",
  ];
  if (emulator.tls) {
    lines.push(
      `TLS: trust the emulator's CA with NODE_EXTRA_CA_CERTS=${emulator.tls.caPath}`,
      `  (curl --cacert ${emulator.tls.caPath}; Chromium: --ignore-certificate-errors-spki-list=${emulator.tls.spkiSha256})`,
    );
  }
  if (emulator.publicUrl !== emulator.url) lines.push(`Portal links point at ${emulator.publicUrl}`);
  lines.push(
    `REST: ${emulator.url}/api/v1/… (Bearer token from POST ${emulator.url}/oauth/token)`,
    'Controls (Authorization: Bearer $EMULATOR_CONTROL_TOKEN): GET /_emulator/stats, POST /_emulator/faults, POST /_emulator/reset',
    `  curl -H "Authorization: Bearer $EMULATOR_CONTROL_TOKEN" ${emulator.url}/_emulator/stats`,
    'Requests it does not serve and pages it refuses to be framed by are logged to stderr.',
    'Ctrl+C to stop.',
  );
  return lines.join('\n');
}
