// Registers <scalekit-admin-portal> and re-exports everything a host needs to type against it.
import './define.js';

export { ScalekitAdminPortal } from './admin-portal.js';
export { tagName } from './define.js';
export type * from './events.js';
export type { MessageKey, ScalekitAdminPortalStrings } from './locales/en.js';
export type * from './types.js';
