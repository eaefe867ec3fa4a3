/**
 * Keeps the simulated IdP's directory in step with the portal page's own directory record (owned by the
 * emulator core's state): the page turns directory sync on or off and the core tells its change listeners;
 * the `/_emulator` controls, the Emulator object and the SDK's Enable/DisableDirectory go the other way,
 * through the core's record, so the portal page always shows the truth.
 */
import type { EmulatorState } from './state.js';
import type { DirectoryState } from './directory/directory-state.js';

/** Mirrors every directory change the core announces into `directory`. Returns the unsubscribe function. */
export function mirrorPortalDirectory(core: EmulatorState, directory: DirectoryState): () => void {
  const listener = (change: Parameters<EmulatorState['notify']>[0]) => {
    if (change.kind === 'directory') directory.adoptDirectory(change.organizationId, change.directory);
  };
  core.changeListeners.add(listener);
  return () => core.changeListeners.delete(listener);
}

/** Turns directory sync on/off through the core's record (as the portal page's toggle does), keeping its provider. */
export function portalDirectorySetter(core: EmulatorState) {
  return (organizationId: string, enabled: boolean): void => {
    const org = core.organizations.get(organizationId);
    if (!org) return;
    core.setDirectory(org, org.directory?.provider ?? 'OKTA', enabled);
  };
}
