// What every SSO route reads: the emulator's state, its directory (the IdP's people), the SSO store and the
// checks built once from the options.
import { basePath } from '../portal/routes.js';
import type { DirectoryState, DirectoryUser } from '../directory/directory-state.js';
import type { EmulatorState } from '../state.js';
import type { ResolvedOptions } from '../options.js';
import { redirectUriChecker, type RedirectCheck } from './redirect-uri.js';
import type { SsoStore } from './sso-store.js';

export interface SsoDeps {
  state: EmulatorState;
  options: ResolvedOptions;
  directory?: DirectoryState;
  store: SsoStore;
}

export interface SsoContext extends SsoDeps {
  checkRedirect: (value: string | undefined) => RedirectCheck;
  /** The path prefix of a `publicUrl` (so the IdP page's form reaches the emulator through a proxy). */
  basePath: string;
  /** The people of an organization's directory (none when it has no directory). */
  people: (organizationId: string) => DirectoryUser[];
  /** The emulator's own origins: as reached, and `publicUrl`'s. */
  ownOrigin: (requestUrl: string) => string[];
}

export function ssoContext(deps: SsoDeps): SsoContext {
  const publicOrigin = deps.options.publicUrl ? new URL(deps.options.publicUrl).origin : null;
  return {
    ...deps,
    checkRedirect: redirectUriChecker(deps.options.allowedOrigins),
    basePath: basePath(deps.options),
    people: (organizationId) => deps.directory?.snapshot(organizationId)?.users ?? [],
    ownOrigin: (requestUrl) => [new URL(requestUrl).origin, ...(publicOrigin ? [publicOrigin] : [])],
  };
}
