// scalekit-emulator: a local Scalekit environment the unmodified @scalekit-sdk/node and a real
// browser accept, speaking Scalekit's token, gRPC and portal protocols. Like stripe-mock: nothing in the component or the token
// endpoint imports it; the demo's dev default and the tests do.
import { getRequestListener } from '@hono/node-server';
import { BrandingStore } from './branding.js';
import { Faults } from './faults.js';
import { grpcHandler, knownMethodNames } from './grpc/services.js';
import { httpApp } from './http-app.js';
import { basePath } from './portal/routes.js';
import { listenDual } from './http/listener.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { EmulatorState } from './state.js';
import { createTlsMaterial, type TlsMaterial } from './http/tls.js';
import { Timers } from './timers.js';
import { UnknownRoutes } from './unknown-routes.js';
import { createDirectoryModule, idpPanel } from './directory/index.js';
import { mirrorPortalDirectory, portalDirectorySetter } from './portal-directory-bridge.js';
import type { Emulator, EmulatorOptions } from './types.js';
import type { DirectoryModule } from './directory/index.js';
import { OrganizationEvents } from './directory/organization-events.js';
import { attachDomainRegistry, DomainRegistry } from './domains/domain-registry.js';
import { mountDomainControls, domainView } from './controls/domain-controls.js';
import { domainPortalRoutes } from './portal/domain-routes.js';
import { ssoContext } from './sso/context.js';
import { SsoStore } from './sso/sso-store.js';

export { DEFAULT_ORGANIZATIONS, DEFAULT_CLIENT_ID } from './options.js';
export type * from './types.js';
export { DomainError } from './domains/domain-registry.js';
export { PUBLIC_MAIL_DOMAINS } from './domains/domain-name.js';

/** Internals for the emulator's own modules (the directory module plugs in here); not part of the public contract. */
export interface EmulatorInternals {
  state: EmulatorState;
  faults: Faults;
  timers: Timers;
  options: ResolvedOptions;
  directory: DirectoryModule;
  branding: BrandingStore;
  unknownRoutes: UnknownRoutes;
  domains: DomainRegistry;
  organizationEvents: OrganizationEvents;
}

function urlFor(host: string, port: number, secure: boolean): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `${secure ? 'https' : 'http'}://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * Starts the emulator on one port (HTTP/1.1 + h2c, or with `tls: true` HTTPS with h2 and HTTP/1.1 by ALPN) and
 * resolves once it is listening.
 *
 * @example
 * const emulator = await startEmulator({ port: 0 });
 * const scalekit = new Scalekit(emulator.url, emulator.clientId, emulator.clientSecret);
 * // …
 * await emulator.close();
 */
export async function startEmulator(options?: EmulatorOptions): Promise<Emulator> {
  const resolved = resolveOptions(options);
  let url = '';
  // Links, the portal page and the SCIM endpoint name the address a browser reaches, which a proxy may change.
  const publicUrl = () => resolved.publicUrl ?? url;
  const state = new EmulatorState(resolved.organizations, publicUrl);
  const branding = new BrandingStore(resolved.branding);
  const knownMethods = knownMethodNames();
  const faults = new Faults(() => knownMethods);
  const timers = new Timers();
  const unknownRoutes = new UnknownRoutes(resolved.log);
  // The simulated IdP (directory state, webhook sender, DirectoryService, controls, portal panel).
  const directory = createDirectoryModule({
    hasOrganization: (id) => state.organizations.has(id),
    baseUrl: publicUrl,
    log: (line) => resolved.log(`[emulator] ${line}`),
    webhooks: resolved.webhooks ? { ...resolved.webhooks, retryScheduleMs: options?.webhooks?.retryScheduleMs } : undefined,
    setEnabled: portalDirectorySetter(state),
    sessionOrganization: (token) => {
      const session = state.session(token);
      return session && session.features.includes('dir_sync') ? session.organizationId : null;
    },
  });
  mirrorPortalDirectory(state, directory.state);
  // SSO and domain events go out through the directory's signed sender, stamped with the same environment.
  const organizationEvents = new OrganizationEvents(directory.sender, directory.state.environmentId);
  organizationEvents.follow(state);
  // Seeded domains are part of the starting world, like the seed organizations: no event announces them.
  let seeding = false;
  const domains = new DomainRegistry(state, {
    faults,
    emit: (type, organizationId, record) => {
      if (!seeding) organizationEvents.domainChanged(type, organizationId, record);
    },
  });
  attachDomainRegistry(state, domains);
  const seedDomains = () => {
    seeding = true;
    try {
      for (const { organizationId, domain } of resolved.domains) {
        try {
          domains.create(organizationId, domain, { verified: true });
        } catch (error) {
          throw new TypeError(`domains: ${JSON.stringify(domain.slice(0, 60))} for ${JSON.stringify(organizationId.slice(0, 70))}: ${(error as Error).message}`);
        }
      }
    } finally {
      seeding = false;
    }
  };
  seedDomains();
  const internals: EmulatorInternals = {
    state, faults, timers, options: resolved, directory, branding, unknownRoutes, domains, organizationEvents,
  };
  const sso = ssoContext({ state, options: resolved, directory: directory.state, store: new SsoStore() });

  const reset = () => {
    state.reset();
    seedDomains();
    faults.clear();
    directory.reset();
    organizationEvents.reset();
    branding.reset();
    unknownRoutes.reset();
    sso.store.reset();
  };
  const stats = () => ({ ...state.stats(), unknownRoutes: unknownRoutes.snapshot() });

  const app = httpApp({
    ...internals,
    sso,
    control: { controlToken: resolved.controlToken, faults, branding, knownMethods: () => knownMethods, stats, reset },
    extendControl: (control) => {
      directory.mountControls(control);
      mountDomainControls(control, domains);
    },
    extendApp: (root) => {
      directory.mountPanelRoutes(root);
      root.route('/portal/domains', domainPortalRoutes({ state, registry: domains }));
    },
    directoryPanel: (session, nonce) =>
      idpPanel({ sessionToken: session.token, nonce, apiBase: `${basePath(resolved)}/portal/directory` }),
  });

  let tls: TlsMaterial | null = null;
  let listener;
  try {
    if (resolved.tls) {
      tls = await createTlsMaterial([resolved.host, ...(resolved.publicUrl ? [new URL(resolved.publicUrl).hostname] : [])]);
    }
    listener = await listenDual({
      port: resolved.port,
      host: resolved.host,
      app: getRequestListener(app.fetch, { overrideGlobalObjects: false }),
      grpc: grpcHandler(internals),
      tls: tls ? { key: tls.key, cert: tls.certChain } : undefined,
    });
  } catch (error) {
    await tls?.dispose();
    await directory.close();
    throw error;
  }
  url = urlFor(resolved.host, listener.port, tls !== null);

  let closing: Promise<void> | null = null;
  return {
    url,
    clientId: resolved.clientId,
    clientSecret: resolved.clientSecret,
    controlToken: resolved.controlToken,
    stats,
    faults,
    reset,
    webhooks: directory.webhooks,
    directory: directory.directory,
    domains: {
      add: (orgId, domain, opts) => domainView(domains.create(orgId, domain, opts), orgId),
      list: (orgId) => domains.list(orgId).map((record) => domainView(record, orgId)),
      verify: (orgId, domainId) => domains.verify(orgId, domainId),
      delete: (orgId, domainId) => domains.delete(orgId, domainId),
    },
    publicUrl: publicUrl(),
    tls: tls ? { caPem: tls.caPem, caPath: tls.caPath, spkiSha256: tls.spkiSha256 } : null,
    branding: () => branding.get(),
    setBranding: (value) => branding.set(value),
    organizations: () => [...state.organizations.values()].map(({ id, displayName }) => ({ id, displayName })),
    close: () => {
      closing ??= (async () => {
        timers.cancelAll();
        await directory.close();
        await listener.close();
        await tls?.dispose();
      })();
      return closing;
    },
  };
}
