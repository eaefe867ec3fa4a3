/**
 * The emulator's directory module: the simulated IdP's directory state, the webhook sender it feeds, the
 * DirectoryService, the `/_emulator` controls and the portal page's IdP panel — bundled so the emulator core
 * wires it with a few lines.
 */
import type { Hono } from 'hono';
import { DirectoryState, type UserInput, type UserPatch, type GroupInput } from './directory-state.js';
import { directoryService } from './directory-service.js';
import { directoryView, groupView, mountDirectoryControls, panelRoutes, userView } from './directory-controls.js';
import { WebhookSender, type WebhookDelivery, type WebhookTarget } from './webhook-sender.js';

export { idpPanel } from './idp-panel.js';
export { generateWebhookSecret, signWebhook } from './webhook-signer.js';
export { SCALEKIT_RETRY_SCHEDULE_MS, type WebhookDelivery, type WebhookTarget } from './webhook-sender.js';
export { DirectoryError } from './directory-state.js';

export interface WebhookOptions extends WebhookTarget {
  /**
   * Delay in ms before each attempt (index 0 = first). Default Scalekit's: immediately, 5 s, 5 min, 30 min,
   * 2 h, 5 h, 10 h, 10 h. Tests and demos may shorten it.
   */
  retryScheduleMs?: readonly number[];
}

/** `emulator.webhooks`: where directory events go and what happened to them. */
export interface EmulatorWebhooks {
  /** Sets (or with null clears) the receiver. Throws a TypeError for a malformed URL or secret. */
  configure(target: WebhookTarget | null): void;
  /** The receiver's URL, or null (the secret is never read back). */
  url(): string | null;
  /** Delivery log, newest last: `{ id, type, attempts, lastStatus, lastError, delivered, state, nextAttemptAt }`. */
  deliveries(): WebhookDelivery[];
  /** Resolves once no delivery is pending (delivered, failed or dropped). */
  settled(): Promise<void>;
}

export type DirectoryView = ReturnType<typeof directoryView>;
export type DirectoryUserView = ReturnType<typeof userView>;
export type DirectoryGroupView = ReturnType<typeof groupView>;

/** `emulator.directory`: the simulated IdP, driven from code (same rules and events as the portal panel). */
export interface EmulatorDirectory {
  get(organizationId: string): DirectoryView;
  enable(organizationId: string): DirectoryView;
  disable(organizationId: string): DirectoryView;
  addUser(organizationId: string, user: UserInput): DirectoryUserView;
  updateUser(organizationId: string, userId: string, patch: UserPatch): DirectoryUserView;
  deactivateUser(organizationId: string, userId: string): DirectoryUserView;
  deleteUser(organizationId: string, userId: string): void;
  addGroup(organizationId: string, group: GroupInput): DirectoryGroupView;
  updateGroup(organizationId: string, groupId: string, patch: GroupInput): DirectoryGroupView;
  deleteGroup(organizationId: string, groupId: string): void;
  addMember(organizationId: string, groupId: string, userId: string): DirectoryUserView;
  removeMember(organizationId: string, groupId: string, userId: string): DirectoryUserView;
}

export interface DirectoryModuleOptions {
  hasOrganization: (organizationId: string) => boolean;
  baseUrl: () => string;
  webhooks?: WebhookOptions;
  /** Turns directory sync on/off where the portal page keeps it; default: the directory state itself. */
  setEnabled?: (organizationId: string, enabled: boolean) => void;
  /** The organization of a live portal session that includes directory sync, or null. */
  sessionOrganization?: (token: string) => string | null;
  log?: (line: string) => void;
}

export interface DirectoryModule {
  state: DirectoryState;
  sender: WebhookSender;
  /** DirectoryService handlers for `router.service(DirectoryService, …)`. */
  service: ReturnType<typeof directoryService>;
  /** Adds `/webhooks*` and `/directory/*` to the emulator's `/_emulator` app. */
  mountControls(controlApp: Hono): void;
  /** Adds `/portal/directory/*` (the IdP panel's API) to the emulator's root app. */
  mountPanelRoutes(app: Hono): void;
  webhooks: EmulatorWebhooks;
  directory: EmulatorDirectory;
  reset(): void;
  close(): Promise<void>;
}

export function createDirectoryModule(options: DirectoryModuleOptions): DirectoryModule {
  const sender = new WebhookSender({
    target: options.webhooks ? { url: options.webhooks.url, secret: options.webhooks.secret } : null,
    retryScheduleMs: options.webhooks?.retryScheduleMs,
    log: options.log,
  });
  const state = new DirectoryState({
    hasOrganization: options.hasOrganization,
    baseUrl: options.baseUrl,
    emit: (event) => void sender.enqueue(event),
  });
  const setEnabled = options.setEnabled ?? ((organizationId: string, enabled: boolean) => void state.setEnabled(organizationId, enabled));
  const toggle = (organizationId: string, enabled: boolean) => {
    state.findDirectory(organizationId); // unknown organization → DirectoryError before anything changes
    setEnabled(organizationId, enabled);
    return directoryView(state, organizationId);
  };

  return {
    state,
    sender,
    service: directoryService({ state, setEnabled }),
    mountControls: (controlApp) => mountDirectoryControls(controlApp, { state, sender, setEnabled }),
    mountPanelRoutes: (app) => {
      app.route('/portal/directory', panelRoutes({ state, sessionOrganization: options.sessionOrganization ?? (() => null) }));
    },
    webhooks: {
      configure: (target) => sender.setTarget(target),
      url: () => sender.targetUrl(),
      deliveries: () => sender.deliveries(),
      settled: () => sender.settled(),
    },
    directory: {
      get: (orgId) => {
        state.findDirectory(orgId);
        return directoryView(state, orgId);
      },
      enable: (orgId) => toggle(orgId, true),
      disable: (orgId) => toggle(orgId, false),
      addUser: (orgId, user) => userView(state, state.addUser(orgId, user)),
      updateUser: (orgId, userId, patch) => userView(state, state.updateUser(orgId, userId, patch)),
      deactivateUser: (orgId, userId) => userView(state, state.deactivateUser(orgId, userId)),
      deleteUser: (orgId, userId) => state.deleteUser(orgId, userId),
      addGroup: (orgId, group) => groupView(state, state.addGroup(orgId, group)),
      updateGroup: (orgId, groupId, patch) => groupView(state, state.updateGroup(orgId, groupId, patch)),
      deleteGroup: (orgId, groupId) => state.deleteGroup(orgId, groupId),
      addMember: (orgId, groupId, userId) => userView(state, state.addMember(orgId, groupId, userId)),
      removeMember: (orgId, groupId, userId) => userView(state, state.removeMember(orgId, groupId, userId)),
    },
    reset: () => {
      state.reset();
      sender.reset();
    },
    close: () => sender.close(),
  };
}
