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

test('the translations import in Node without a DOM and register for every copy of the element', async () => {
  // One literal import per language, so a bundler sees each file.
  await import('../../component/locales/ar.js');
  await import('../../component/locales/de.js');
  await import('../../component/locales/es.js');
  await import('../../component/locales/fr.js');
  await import('../../component/locales/ja.js');
  await import('../../component/locales/pt-BR.js');
  const { registeredLocales } = await import('../../component/locales/registry.js');
  const { en } = await import('../../component/locales/en.js');
  const locales = registeredLocales();
  assert.deepEqual(Object.keys(locales).sort(), ['ar', 'de', 'es', 'fr', 'ja', 'pt', 'pt-br']);
  for (const table of Object.values(locales)) assert.deepEqual(Object.keys(table).sort(), Object.keys(en).sort());
  // Kept on globalThis under a registered symbol: a second copy of the package (or the bundle) finds them.
  assert.equal((globalThis as Record<symbol, unknown>)[Symbol.for('scalekit-admin-portal-locales')], locales);
  assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
});

test('the React entry server-renders the tag held back with defer-hydration', async () => {
  const React = await import('react');
  const { renderToString } = await import('react-dom/server');
  const { ScalekitAdminPortal } = await import('../../component/react.js');
  const markup = renderToString(React.createElement(ScalekitAdminPortal, { features: ['sso'], loading: 'eager' }));
  assert.equal(markup, '<scalekit-admin-portal defer-hydration=""></scalekit-admin-portal>');
  assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
});
