// What every gRPC service handler is given: the emulator's state and the knobs tests turn.
import type { DirectoryModule } from '../directory/index.js';
import type { Faults } from '../faults.js';
import type { EmulatorState } from '../state.js';
import type { Timers } from '../timers.js';
import type { ResolvedOptions } from '../options.js';
import type { UnknownRoutes } from '../unknown-routes.js';
import type { OrganizationEvents } from '../directory/organization-events.js';

export interface GrpcContext {
  state: EmulatorState;
  faults: Faults;
  timers: Timers;
  options: ResolvedOptions;
  /** The simulated IdP's directory (DirectoryService answers from it). */
  directory?: DirectoryModule;
  /** Where calls to services and methods the emulator does not serve are counted and logged. */
  unknownRoutes: UnknownRoutes;
  /** Sends the SSO and domain events a deleted organization's connection and domains end with. */
  organizationEvents?: OrganizationEvents;
}
