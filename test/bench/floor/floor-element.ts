// The size floor: the least a Lit element that embeds the portal can be — one property, one iframe, defined.
// Built exactly like component/index.ts so the ratio compares the element's own code, not build settings.
import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';

export class FloorPortal extends LitElement {
  @property() src = '';

  override render() {
    return html`<iframe src=${this.src} title="Admin portal" allow="clipboard-write"></iframe>`;
  }
}

customElements.define('floor-portal', FloorPortal);
