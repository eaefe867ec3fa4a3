// Importing the element in Node (server-side rendering, tooling) must not touch window/document and must be
// safe twice. Runs under node --test (npm run test:server), not in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';

test('the element modules import in Node without a DOM, twice', async () => {
  assert.equal(typeof (globalThis as { window?: unknown }).window, 'undefined');
  assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
  const entry = await import('../../component/index.js');
  const again = await import('../../component/define.js');
  const element = await import('../../component/admin-portal.js');
  assert.equal(entry.ScalekitAdminPortal, element.ScalekitAdminPortal);
  assert.equal(again.tagName, 'scalekit-admin-portal');
  assert.equal(typeof (globalThis as { window?: unknown }).window, 'undefined');
  assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
  // @lit/reactive-element's Node build provides a minimal registry; where there is one, the tag is registered exactly once.
  const registry = (globalThis as { customElements?: CustomElementRegistry }).customElements;
  if (registry) assert.equal(registry.get('scalekit-admin-portal'), element.ScalekitAdminPortal);
});

test('the React entry server-renders the tag held back with defer-hydration', async () => {
  const React = await import('react');
  const { renderToString } = await import('react-dom/server');
  const { ScalekitAdminPortal } = await import('../../component/react.js');
  const markup = renderToString(React.createElement(ScalekitAdminPortal, { features: ['sso'], loading: 'eager' }));
  assert.equal(markup, '<scalekit-admin-portal defer-hydration=""></scalekit-admin-portal>');
  assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
});
