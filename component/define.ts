import { ScalekitAdminPortal } from './admin-portal.js';

export const tagName = 'scalekit-admin-portal';

// Guarded so a second copy of the bundle, or server-side rendering without a registry, does not throw.
if (typeof customElements !== 'undefined' && !customElements.get(tagName)) {
  customElements.define(tagName, ScalekitAdminPortal);
}

declare global {
  interface HTMLElementTagNameMap {
    'scalekit-admin-portal': ScalekitAdminPortal;
  }
}
