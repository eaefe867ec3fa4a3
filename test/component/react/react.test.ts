// React: the wrapper (`scalekit-admin-portal/react`) and the bare tag, server-rendered with react-dom/server in
// Node and hydrated with hydrateRoot here, or rendered on the client only. The element module is loaded before
// React hydrates, as on a real page, so the element is live while React has not set its properties yet.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, hydrateRoot, type Root } from 'react-dom/client';
import '../../../component/index.js';
import type { ScalekitAdminPortal } from '../../../component/admin-portal.js';
import type { ReadyDetail } from '../../../component/events.js';
import type { FetchLink, PortalFeature, PortalLink } from '../../../component/types.js';
import { frameOf, intersectionsComputed, scenario, type Scenario } from '../support/harness.js';
import { App, type AppProps } from './support/app.js';

/** Server-renders `props` in Node and puts the HTML in the page (the element upgrades at once). */
async function serverRendered(props: AppProps): Promise<{ container: HTMLElement; el: ScalekitAdminPortal }> {
  const markup = await executeServerCommand<string, AppProps>('react-ssr', props);
  const container = document.createElement('div');
  container.innerHTML = markup!;
  document.body.append(container);
  return { container, el: container.querySelector('scalekit-admin-portal')! };
}

/** The host's own transport: records the features it was asked for, and says in the body that it ran. */
function hostFetchLink(s: Scenario, calls: PortalFeature[][]): FetchLink {
  return async ({ features, signal }) => {
    calls.push(features);
    const response = await fetch(s.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ features, by: 'fetchLink' }),
      signal,
    });
    return (await response.json()) as PortalLink;
  };
}

function readyPromise(): { ready: Promise<CustomEvent<ReadyDetail>>; onReady: (e: CustomEvent<ReadyDetail>) => void } {
  let onReady!: (e: CustomEvent<ReadyDetail>) => void;
  const ready = new Promise<CustomEvent<ReadyDetail>>((resolve) => (onReady = resolve));
  return { ready, onReady };
}

describe('React', () => {
  let errors: unknown[];
  let consoleError: typeof console.error;
  let root: Root | undefined;
  let container: HTMLElement | undefined;

  // React reports hydration mismatches and bad props with console.error (development build) or onRecoverableError.
  beforeEach(() => {
    errors = [];
    consoleError = console.error;
    console.error = (...args: unknown[]) => errors.push(args.map(String).join(' '));
  });
  afterEach(() => {
    console.error = consoleError;
    root?.unmount();
    container?.remove();
    root = container = undefined;
  });

  describe('<ScalekitAdminPortal> (scalekit-admin-portal/react)', () => {
    for (const loading of ['eager', 'lazy'] as const) {
      it(`server-renders and hydrates (loading=${loading}): the first request uses the props' features and fetchLink, no warning`, async () => {
        const s = await scenario();
        const props: AppProps = { kind: 'wrapper', endpoint: s.endpoint, features: ['sso'], loading, frameTitle: 'SSO settings' };
        const page = await serverRendered(props);
        container = page.container;
        const { el } = page;
        expect(el.hasAttribute('defer-hydration')).to.equal(true);
        expect(el.hasAttribute('status')).to.equal(false);
        // The page has painted and computed the element's visibility before React hydrates.
        await intersectionsComputed(el);
        expect(await s.requests()).to.have.length(0);

        const calls: PortalFeature[][] = [];
        const { ready, onReady } = readyPromise();
        root = hydrateRoot(container, createElement(App, { ...props, fetchLink: hostFetchLink(s, calls), onReady }), {
          onRecoverableError: (error) => errors.push(error),
        });
        const { detail } = await ready;
        expect(detail.organizationId).to.equal('org_test');
        expect(calls).to.deep.equal([['sso']]);
        expect((await s.requests()).map((r) => JSON.parse(r.body))).to.deep.equal([{ features: ['sso'], by: 'fetchLink' }]);
        expect(el.hasAttribute('defer-hydration')).to.equal(false);
        expect(frameOf(el)!.title).to.equal('SSO settings');
        expect(errors).to.deep.equal([]);
      });
    }

    it('renders on the client only: props set before the first request, events as on… props', async () => {
      const s = await scenario();
      const calls: PortalFeature[][] = [];
      const { ready, onReady } = readyPromise();
      const loadings: CustomEvent[] = [];
      container = document.createElement('div');
      document.body.append(container);
      root = createRoot(container);
      root.render(
        createElement(App, {
          kind: 'wrapper', loading: 'eager', features: ['dir_sync'], fetchLink: hostFetchLink(s, calls), onReady,
          onLoading: (e) => loadings.push(e),
        }),
      );
      const event = await ready;
      expect(event).to.be.instanceOf(CustomEvent);
      expect(calls).to.deep.equal([['dir_sync']]);
      expect(loadings.map((e) => e.detail)).to.deep.equal([{ attempt: 1 }]);
      const el = container.querySelector('scalekit-admin-portal')!;
      expect(el.hasAttribute('defer-hydration')).to.equal(false);
      expect(errors).to.deep.equal([]);
    });

    it('hands the element to a ref and applies later prop changes to the next link', async () => {
      const s = await scenario();
      const calls: PortalFeature[][] = [];
      const fetchLink = hostFetchLink(s, calls);
      let element: ScalekitAdminPortal | null = null;
      const first = readyPromise();
      container = document.createElement('div');
      document.body.append(container);
      root = createRoot(container);
      const ref = (node: ScalekitAdminPortal | null) => void (node && (element = node));
      root.render(createElement(App, { kind: 'wrapper', loading: 'eager', features: ['sso'], fetchLink, onReady: first.onReady, ref }));
      await first.ready;
      expect(element).to.equal(container.querySelector('scalekit-admin-portal'));

      const second = readyPromise();
      flushSync(() =>
        root!.render(createElement(App, { kind: 'wrapper', loading: 'eager', features: ['dir_sync'], fetchLink, onReady: second.onReady, ref })),
      );
      expect(element!.features).to.deep.equal(['dir_sync']);
      await element!.refresh();
      await second.ready;
      expect(calls).to.deep.equal([['sso'], ['dir_sync']]);
    });
  });

  describe('the bare <scalekit-admin-portal> tag in React 19', () => {
    it('renders on the client only with array and function properties and onscalekit-… listeners', async () => {
      const s = await scenario();
      const calls: PortalFeature[][] = [];
      const { ready, onReady } = readyPromise();
      container = document.createElement('div');
      document.body.append(container);
      root = createRoot(container);
      root.render(createElement(App, {
        kind: 'bare',
        bare: { loading: 'eager', features: ['sso'], fetchLink: hostFetchLink(s, calls), 'onscalekit-ready': onReady },
      }));
      await ready;
      expect(calls).to.deep.equal([['sso']]);
      expect(errors).to.deep.equal([]);
    });

    it('is not given array or function properties when React hydrates it (use the wrapper then)', async () => {
      const s = await scenario();
      const markup = { endpoint: s.endpoint, 'defer-hydration': '' };
      const page = await serverRendered({ kind: 'bare', bare: markup });
      container = page.container;
      const calls: PortalFeature[][] = [];
      let heard = 0;
      const listener = () => void heard++;
      const hydrated = new Promise<void>((onCommit) => {
        root = hydrateRoot(container!, createElement(App, {
          kind: 'bare',
          bare: { ...markup, features: ['sso'], fetchLink: hostFetchLink(s, calls), 'onscalekit-ready': listener },
          onCommit,
        }), { onRecoverableError: (error) => errors.push(error) });
      });
      await hydrated;
      const { el } = page;
      // React 19 left the element as the server markup made it: no features, no fetchLink.
      expect(el.features).to.deep.equal([]);
      expect(el.fetchLink).to.equal(undefined);
      el.dispatchEvent(new CustomEvent('scalekit-ready'));
      expect(heard).to.equal(0);
    });

    it('hydrates an element that has not started yet without a mismatch (no status attribute while idle)', async () => {
      const s = await scenario();
      // Lazy and far below the fold: connected before React hydrates, but not started.
      const bare = { endpoint: s.endpoint, features: 'sso', style: { marginTop: '4000px' } };
      const page = await serverRendered({ kind: 'bare', bare });
      container = page.container;
      await intersectionsComputed(page.el);
      expect(page.el.status).to.equal('idle');
      await new Promise<void>((onCommit) => {
        root = hydrateRoot(container!, createElement(App, { kind: 'bare', bare, onCommit }), {
          onRecoverableError: (error) => errors.push(error),
        });
      });
      expect(errors).to.deep.equal([]);
      expect(await s.requests()).to.have.length(0);
    });

    it('server-renders and hydrates with attributes (features as text) and suppressHydrationWarning', async () => {
      const s = await scenario();
      const bare = { endpoint: s.endpoint, features: 'sso', loading: 'eager', suppressHydrationWarning: true };
      const page = await serverRendered({ kind: 'bare', bare });
      container = page.container;
      const { el } = page;
      // The element starts before React hydrates: it has only what the server sent, its attributes.
      const ready = new Promise((resolve) => el.addEventListener('scalekit-ready', resolve, { once: true }));
      root = hydrateRoot(container, createElement(App, { kind: 'bare', bare }), {
        onRecoverableError: (error) => errors.push(error),
      });
      await ready;
      expect((await s.requests()).map((r) => JSON.parse(r.body))).to.deep.equal([{ features: ['sso'] }]);
      expect(errors).to.deep.equal([]);
    });
  });
});
