// Public types of the emulator. Kept apart so tests and the demo can import them cheaply.
import type { EmulatorDirectory, EmulatorWebhooks } from './directory/index.js';
export type { EmulatorDirectory, EmulatorWebhooks, WebhookDelivery, DirectoryView, DirectoryUserView, DirectoryGroupView } from './directory/index.js';

/**
 * A portal section, as Scalekit names the feature on the wire (`sso`, `dir_sync`, `domain_verification`). The
 * SDK's `Feature` enum numbers only the first two; `domain_verification` is named over REST, or included when a
 * link asks for no feature in particular, and shows only while the organization's `domain_verification`
 * setting is on.
 */
export type EmulatorFeature = 'sso' | 'dir_sync' | 'domain_verification';

/**
 * Environment-wide portal branding (Scalekit's Dashboard › Settings › Branding). `null` = the emulator's default.
 * URLs are http(s) (no credentials, at most 2048 characters) or base64 `data:image/…` (at most 12 KiB);
 * the colour is `#rrggbb`.
 */
export interface EmulatorBranding {
  /** Shown in the portal header of every page (live and expired). */
  logoUrl: string | null;
  /** Primary buttons, focus rings, badges and the logo's fallback tile. */
  accentColor: string | null;
  /** The page's `<link rel="icon">`. */
  faviconUrl: string | null;
}

/** The certificate authority behind `tls: true`, for clients that must trust it. */
export interface EmulatorTls {
  /** PEM of the CA that signed the emulator's certificate (for `NODE_EXTRA_CA_CERTS`, `ca:` options, curl `--cacert`). */
  caPem: string;
  /** The same PEM in a file, written at start and removed by close(). */
  caPath: string;
  /** base64 SHA-256 of the leaf certificate's public key, for Chromium's `--ignore-certificate-errors-spki-list`. */
  spkiSha256: string;
}

export interface EmulatorOrganization {
  id: string;
  displayName: string;
}

export interface EmulatorSeedDomain {
  organizationId: string;
  domain: string;
}

export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  clientId?: string;
  clientSecret?: string;
  /**
   * The bearer token every `/_emulator/` route asks for (`Authorization: Bearer <token>`): 16-256 printable
   * ASCII characters without spaces. Default: a fresh random one per start, read back as `emulator.controlToken`.
   */
  controlToken?: string;
  /** Seed organizations; default {@link DEFAULT_ORGANIZATIONS}. */
  organizations?: EmulatorOrganization[];
  /**
   * Verified organization domains to seed, e.g. `[{ organizationId: 'org_acme', domain: 'acme.test' }]`: each
   * `ORGANIZATION_DOMAIN`, verified by an admin (`verification_method` `ADMIN`), so SSO sign-in finds its
   * organization by an email at that domain (home-realm discovery) from the start. Added again after every
   * `reset()`; no webhook event is sent for them. A domain Scalekit would refuse (public mail, malformed, taken,
   * unknown organization) makes `startEmulator` reject. At most 1 000.
   */
  domains?: EmulatorSeedDomain[];
  /** How long a minted, not yet loaded link stays valid. Default 60. */
  linkTtlSeconds?: number;
  /** How long a portal session lasts once its link is loaded. Default 21 600 (6 h). */
  sessionSeconds?: number;
  /** How long before the session's end the portal posts PORTAL_SESSION_WARNING. Default 300. */
  warningSeconds?: number;
  /**
   * Origins allowed to frame the portal (CSP `frame-ancestors`) and to receive its events. Entries are
   * origins; the port may be `*` (`http://localhost:*`) and the host may start with `*.`.
   * Default: `['http://localhost:*', 'http://127.0.0.1:*']`.
   */
  allowedOrigins?: string[];
  /**
   * Where directory events are delivered, signed with `secret` (`whsec_…`). `retryScheduleMs`
   * (delay before each attempt) defaults to Scalekit's: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
   * Also settable later through `emulator.webhooks.configure()` or `PUT /_emulator/webhooks`.
   */
  webhooks?: { url: string; secret: string; retryScheduleMs?: readonly number[] };
  /** Portal branding at start; change it later with `emulator.setBranding()` or `PUT /_emulator/branding`. */
  branding?: Partial<EmulatorBranding>;
  /**
   * Serve HTTPS (HTTP/1.1 and HTTP/2 chosen by ALPN on the one port) with a certificate for 127.0.0.1 and
   * localhost, signed by a CA made at start (`emulator.tls`). Default false: HTTP/1.1 and h2c.
   */
  tls?: boolean;
  /**
   * The origin (and optional path prefix) browsers and SDKs reach the emulator at when it sits behind a
   * proxy, e.g. `https://scalekit.dev.example.com`. Links' `location`, the portal page's references and the
   * SCIM endpoint use it. Default: the emulator's own `url`.
   */
  publicUrl?: string;
  /**
   * Receives one line per notable event: a request to a route the emulator does not serve, a page outside
   * `allowedOrigins` trying to frame the portal. Never a secret, token, link id or query string. Default:
   * silent (pass `console.warn` to see them); the CLI writes them to stderr.
   */
  log?: (message: string) => void;
}

export interface EmulatorLinkRecord {
  id: string;
  organizationId: string;
  /** The sections the portal page shows. */
  features: EmulatorFeature[];
  /** The `features` the request carried, as sent (empty when none was sent). */
  requestedFeatures: string[];
  issuedAt: string;
  loadedAt: string | null;
}

export interface EmulatorStats {
  tokenRequests: number;
  /** RPC attempts by method name, e.g. `{ GeneratePortalLink: 3 }`; UNAUTHENTICATED attempts count too. */
  rpcs: Record<string, number>;
  linksIssued: number;
  linksLoaded: number;
  /** The most recent links, newest last (bounded). Never the link's location. */
  links: EmulatorLinkRecord[];
  /**
   * Requests to routes the emulator does not serve (HTTP 404, REST 404, gRPC UNIMPLEMENTED): how many, and the
   * latest 20 as `{ method, path }` — no query string, link ids shown as `{id}`, paths cut at 100 characters.
   */
  unknownRoutes: { count: number; recent: Array<{ method: string; path: string }> };
}

/** gRPC status names accepted by {@link EmulatorFaults.failRpcs}, in lower snake case. */
export type GrpcCodeName =
  | 'cancelled'
  | 'unknown'
  | 'invalid_argument'
  | 'deadline_exceeded'
  | 'not_found'
  | 'already_exists'
  | 'permission_denied'
  | 'resource_exhausted'
  | 'failed_precondition'
  | 'aborted'
  | 'out_of_range'
  | 'unimplemented'
  | 'internal'
  | 'unavailable'
  | 'data_loss'
  | 'unauthenticated';

export interface EmulatorFaults {
  /** Answer the next `count` token requests with HTTP `status` (400–599). */
  failTokenRequests(count: number, status: number): void;
  /** Answer the next `count` RPCs (of `method` only, when given) with gRPC status `code`. */
  failRpcs(count: number, code: GrpcCodeName | string, method?: string): void;
  /** Delay every token request and RPC by `ms` (0 turns it off). */
  setLatency(ms: number): void;
  /**
   * Make the next `count` (default 1) simulated DNS checks of `domain` fail — VerifyDomain and the portal's
   * Verify button then mark it FAILED and send `organization.domain_dns_verification_failed`. 0 clears it.
   */
  failDnsChecks(domain: string, count?: number): void;
  /** Remove every pending fault and the latency. */
  clear(): void;
}

/** An organization domain, as `emulator.domains` and `/_emulator/domains` show it. */
export interface EmulatorDomain {
  id: string;
  organizationId: string;
  /** Lower case, no trailing dot. */
  domain: string;
  /** `ORGANIZATION_DOMAIN` routes SSO sign-ins (home-realm discovery); `ALLOWED_EMAIL_DOMAIN` does not. */
  type: 'ORGANIZATION_DOMAIN' | 'ALLOWED_EMAIL_DOMAIN';
  status: 'PENDING' | 'VERIFIED' | 'FAILED';
  /** The TXT record the admin publishes: host name and value. */
  txtRecord: { name: string; value: string };
  createdAt: string;
  updatedAt: string;
}

/** `emulator.domains`: organization domains from code, with the same rules and events as DomainService. */
export interface EmulatorDomains {
  /**
   * Claims a domain: PENDING until verified, or VERIFIED at once with `{ verified: true }` (as a domain added by
   * the app team in Scalekit's dashboard). Type default `ORGANIZATION_DOMAIN`. Throws a `DomainError` (`code`
   * `invalid_domain`, `public_domain`, `domain_taken`, `organization_not_found`…) and changes nothing on bad input.
   */
  add(organizationId: string, domain: string, options?: { type?: EmulatorDomain['type']; verified?: boolean }): EmulatorDomain;
  list(organizationId: string): EmulatorDomain[];
  /** Runs the simulated DNS check (see `faults.failDnsChecks`); true when the domain is verified afterwards. */
  verify(organizationId: string, domainId: string): boolean;
  delete(organizationId: string, domainId: string): void;
}

export interface Emulator {
  /** e.g. `http://127.0.0.1:8788` (`https://…` with `tls: true`), no trailing slash: the SDK's environment URL. */
  url: string;
  clientId: string;
  clientSecret: string;
  /**
   * What `/_emulator/` routes over HTTP ask for: `Authorization: Bearer <controlToken>`, else 401. The methods on
   * this object need none.
   */
  controlToken: string;
  stats(): EmulatorStats;
  faults: EmulatorFaults;
  /** Back to the seeded state: organizations, links, sessions, stats and faults. Issued tokens stay valid. */
  reset(): void;
  /** Where directory events go, and the delivery log. */
  webhooks: EmulatorWebhooks;
  /** The simulated identity provider: users and groups, each change a signed webhook. */
  directory: EmulatorDirectory;
  /** Organization domains (DomainService's state): add one verified for a demo or a sign-in test. */
  domains: EmulatorDomains;
  /** The current portal branding. */
  branding(): EmulatorBranding;
  /**
   * Replaces the portal branding (fields left out go back to the default; `null` clears all). Throws a
   * TypeError/RangeError and changes nothing on a bad value. reset() restores the branding given at start.
   */
  setBranding(branding: Partial<EmulatorBranding> | null): EmulatorBranding;
  /** Where links point: `publicUrl` when given, else `url`. */
  publicUrl: string;
  /** With `tls: true`: the CA to trust; otherwise null. */
  tls: EmulatorTls | null;
  /** The current organizations (seeded and created through the API). */
  organizations(): EmulatorOrganization[];
  /** Stops listening and drops every connection and timer; resolves once nothing is left. */
  close(): Promise<void>;
}
