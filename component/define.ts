import { ScalekitAdminPortal } from './admin-portal.js';

export const tagName = 'scalekit-admin-portal';

// Guarded so a second copy of the bundle, or server-side rendering without a registry, does not throw.
// The literal tag name (not `tagName`) lets the Custom Elements Manifest see the definition.
if (typeof customElements !== 'undefined' && !customElements.get('scalekit-admin-portal')) {
  customElements.define('scalekit-admin-portal', ScalekitAdminPortal);
}

declare global {
  interface HTMLElementTagNameMap {
    'scalekit-admin-portal': ScalekitAdminPortal;
  }
}
