import { expect, fixture, fixtureSync, html, oneEvent } from '@open-wc/testing';
import '../../component/index.js';
import { ScalekitAdminPortal } from '../../component/admin-portal.js';
import { toEndpoint, toFeatures, toLoadTimeout } from '../../component/options.js';
import type { PortalFeature, PortalLink } from '../../component/types.js';
import {
  frameOf, intersectionsComputed, origins, payloads, portalPosts, portalSays, recordEvents, scenario, setPageHidden,
} from './support/harness.js';

describe('<scalekit-admin-portal>', () => {
  afterEach(() => setPageHidden(false));

  describe('link request', () => {
    it('POSTs JSON with the features to the endpoint and frames the returned link', async () => {
      const s = await scenario();
      const el = fixtureSync<ScalekitAdminPortal>(
        html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint} features="sso dir_sync"></scalekit-admin-portal>`,
      );
      const { detail } = await oneEvent(el, 'scalekit-ready');
      const [request, ...more] = await s.requests();
      expect(more).to.have.length(0);
      expect(request.method).to.equal('POST');
      expect(request.contentType).to.equal('application/json');
      expect(JSON.parse(request.body)).to.deep.equal({ features: ['sso', 'dir_sync'] });

      const frame = frameOf(el)!;
      const { portalOrigin } = await origins();
      expect(new URL(frame.src).origin).to.equal(portalOrigin);
      expect(frame.getAttribute('allow')).to.equal('clipboard-write');
      expect(frame.title).to.equal('Admin portal');
      expect(frame.getAttribute('part')).to.equal('frame');
      expect(detail).to.deep.include({ organizationId: 'org_test' });
      expect(el.status).to.equal('ready');
      expect(el.getAttribute('status')).to.equal('ready');
      expect(el.expiresAt).to.be.instanceOf(Date);
      expect(el.expiresAt!.toISOString()).to.equal(new Date(detail.expiresAt).toISOString());
      expect(frame.getBoundingClientRect().height).to.be.greaterThan(600);
    });

    it('sends {} when no features are set (the server decides)', async () => {
      const s = await scenario();
      const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint}></scalekit-admin-portal>`);
      await oneEvent(el, 'scalekit-ready');
      expect(JSON.parse((await s.requests())[0].body)).to.deep.equal({});
    });

    it('uses the default endpoint /api/scalekit/portal-link when none (or a blank one) is given', async () => {
      const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal loading="eager" endpoint="  "></scalekit-admin-portal>`);
      await oneEvent(el, 'scalekit-ready');
      expect(el.status).to.equal('ready');
    });

    it('calls fetchLink instead of the endpoint, with the features and an AbortSignal', async () => {
      const s = await scenario();
      const calls: { features: PortalFeature[]; signal: AbortSignal }[] = [];
      const el = document.createElement('scalekit-admin-portal');
      el.loading = 'eager';
      el.endpoint = s.endpoint;
      el.features = ['dir_sync'];
      el.fetchLink = async (init) => {
        calls.push(init);
        // The host's own transport: here the same test endpoint, on a different path the element does not know.
        const response = await fetch(s.endpoint, { method: 'PUT', body: 'host-made', signal: init.signal });
        return (await response.json()) as PortalLink;
      };
      const ready = oneEvent(el, 'scalekit-ready');
      document.body.append(el);
      await ready;
      el.remove();
      expect(calls).to.have.length(1);
      expect(calls[0].features).to.deep.equal(['dir_sync']);
      expect(calls[0].signal).to.be.instanceOf(AbortSignal);
      const requests = await s.requests();
      expect(requests.map((r) => [r.method, r.body])).to.deep.equal([['PUT', 'host-made']]);
    });

    it('eager: hears properties a framework sets right after inserting the element, in the same task', async () => {
      const s = await scenario();
      const el = document.createElement('scalekit-admin-portal');
      el.loading = 'eager';
      const ready = oneEvent(el, 'scalekit-ready');
      document.body.append(el);
      // As Angular or a hand-written template does: insert first, then bind the properties.
      el.endpoint = s.endpoint;
      el.features = ['sso'];
      await ready;
      el.remove();
      const requests = await s.requests();
      expect(requests.map((r) => JSON.parse(r.body))).to.deep.equal([{ features: ['sso'] }]);
    });
  });

  describe('lazy loading', () => {
    it('requests nothing while off-screen, then exactly one link once scrolled into view', async () => {
      const s = await scenario();
      const wrapper = await fixture<HTMLDivElement>(
        html`<div><div style="height: 4000px"></div><scalekit-admin-portal endpoint=${s.endpoint}></scalekit-admin-portal></div>`,
      );
      const el = wrapper.querySelector('scalekit-admin-portal')!;
      const events = recordEvents(el);
      await intersectionsComputed(el);
      expect(await s.requests()).to.have.length(0);
      expect(el.status).to.equal('idle');
      expect(events).to.have.length(0);

      const loading = oneEvent(el, 'scalekit-loading');
      const ready = oneEvent(el, 'scalekit-ready');
      el.scrollIntoView();
      expect((await loading).detail).to.deep.equal({ attempt: 1 });
      await ready;
      expect(await s.requests()).to.have.length(1);
      window.scrollTo(0, 0);
    });

    it('requests nothing while the page is hidden, then one link when it becomes visible', async () => {
      const s = await scenario();
      setPageHidden(true);
      const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal endpoint=${s.endpoint}></scalekit-admin-portal>`);
      await intersectionsComputed(el);
      expect(await s.requests()).to.have.length(0);
      expect(el.status).to.equal('idle');

      const loading = oneEvent(el, 'scalekit-loading');
      const ready = oneEvent(el, 'scalekit-ready');
      setPageHidden(false);
      await loading;
      await ready;
      expect(await s.requests()).to.have.length(1);
    });

    it('loading="eager" requests on connect even off-screen', async () => {
      const s = await scenario();
      const wrapper = fixtureSync<HTMLDivElement>(
        html`<div><div style="height: 4000px"></div><scalekit-admin-portal loading="eager" endpoint=${s.endpoint}></scalekit-admin-portal></div>`,
      );
      const el = wrapper.querySelector('scalekit-admin-portal')!;
      await oneEvent(el, 'scalekit-ready');
      expect(await s.requests()).to.have.length(1);
    });

    it('treats an unknown loading value as lazy', async () => {
      const s = await scenario();
      const wrapper = await fixture<HTMLDivElement>(
        html`<div><div style="height: 4000px"></div><scalekit-admin-portal loading="soon" endpoint=${s.endpoint}></scalekit-admin-portal></div>`,
      );
      const el = wrapper.querySelector('scalekit-admin-portal')!;
      await intersectionsComputed(el);
      expect(await s.requests()).to.have.length(0);
    });
  });

  describe('portal events', () => {
    async function readyPortal(attrs: { noAutoRenew?: boolean } = {}) {
      const s = await scenario();
      // fixtureSync: the listener below is attached before the element can start anything asynchronous.
      const el = fixtureSync<ScalekitAdminPortal>(
        html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint} ?no-auto-renew=${attrs.noAutoRenew}></scalekit-admin-portal>`,
      );
      await oneEvent(el, 'scalekit-ready');
      return { el, s, events: recordEvents(el) };
    }

    it('maps SSO and directory events to their own events with organizationId and data', async () => {
      const { el, events } = await readyPortal();
      await portalSays(el, payloads.sso(true), payloads.sso(false), payloads.directory(true), payloads.directory(false));
      const mapped = events.filter((e) => e.type !== 'scalekit-portal-message');
      expect(mapped.map((e) => e.type)).to.deep.equal([
        'scalekit-sso-enabled', 'scalekit-sso-disabled', 'scalekit-directory-enabled', 'scalekit-directory-disabled',
      ]);
      expect(mapped[0].detail).to.deep.equal({ organizationId: 'org_test', data: payloads.sso(true).data });
      expect(mapped[3].detail).to.deep.equal({ organizationId: 'org_test', data: payloads.directory(false).data });
      for (const event of events) {
        expect(event.bubbles && event.composed, event.type).to.equal(true);
        expect(event.cancelable, event.type).to.equal(false);
      }
    });

    it('passes every accepted message, known or unknown, to scalekit-portal-message as the raw payload', async () => {
      const { el, events } = await readyPortal();
      const unknown = { event_type: 'SOMETHING_NEW', object: 'thing', organization_id: 'org_test', message: 'hi', data: { a: 1 } };
      await portalSays(el, unknown, payloads.sso(true));
      const raw = events.filter((e) => e.type === 'scalekit-portal-message').map((e) => e.detail);
      expect(raw).to.deep.equal([unknown, payloads.sso(true)]);
      expect(el.status).to.equal('ready');
    });

    it('shows a dismissible-by-host warning banner with "Renew now" on PORTAL_SESSION_WARNING', async () => {
      const { el, events } = await readyPortal();
      const warning = payloads.warning();
      await portalSays(el, warning);
      const event = events.find((e) => e.type === 'scalekit-session-warning')!;
      expect(event.detail).to.deep.equal({ expiresAt: warning.data.expiry });
      expect(event.cancelable).to.equal(true);
      expect(el.expiresAt!.toISOString()).to.equal(warning.data.expiry);
      await el.updateComplete;
      const banner = el.shadowRoot!.querySelector('[part="banner"]')!;
      expect(banner.textContent).to.contain('session ends');
      expect(banner.querySelector('button')!.textContent).to.equal('Renew now');
    });

    it('hides the banner when the host cancels scalekit-session-warning', async () => {
      const { el } = await readyPortal();
      el.addEventListener('scalekit-session-warning', (e) => e.preventDefault());
      await portalSays(el, payloads.warning());
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part="banner"]')).to.equal(null);
    });

    it('renews in place on PORTAL_SESSION_EXPIRY: a new link framed, the page not reloaded, no history entry', async () => {
      const { el, s, events } = await readyPortal();
      const firstSrc = frameOf(el)!.src;
      const historyLength = history.length;
      (window as { survivesReload?: boolean }).survivesReload = true;
      const renewed = oneEvent(el, 'scalekit-ready');
      await portalSays(el, payloads.expiry());
      const expired = events.find((e) => e.type === 'scalekit-session-expired')!;
      expect(expired.cancelable).to.equal(true);
      expect(expired.detail.expiresAt).to.be.a('string');
      await renewed;
      expect(frameOf(el)!.src).to.not.equal(firstSrc);
      expect(await s.requests()).to.have.length(2);
      expect((window as { survivesReload?: boolean }).survivesReload).to.equal(true);
      // Back must not lead the frame to the used link.
      expect(history.length).to.equal(historyLength);
      const loads = await s.loads();
      expect(Object.values(loads)).to.deep.equal([1, 1]);
    });

    it('treats PORTAL_LOAD_FAILURE with SESSION_EXPIRED as an expiry (renews)', async () => {
      const { el, s, events } = await readyPortal();
      const renewed = oneEvent(el, 'scalekit-ready');
      await portalSays(el, payloads.loadFailure('SESSION_EXPIRED'));
      expect(events.find((e) => e.type === 'scalekit-session-expired')!.detail).to.deep.equal({ expiresAt: null });
      await renewed;
      expect(await s.requests()).to.have.length(2);
    });

    it('reports other PORTAL_LOAD_FAILUREs as portal_load_failure with an error panel', async () => {
      const { el } = await readyPortal();
      const failed = oneEvent(el, 'scalekit-error');
      portalPosts(el, payloads.loadFailure('ORG_DISABLED'));
      const error = await failed;
      expect(error.detail.code).to.equal('portal_load_failure');
      expect(error.detail.message).to.contain('ORG_DISABLED');
      expect(el.status).to.equal('error');
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('could not be loaded');
    });

    it('ignores a load failure from the old page while a fresh link is on its way', async () => {
      const s = await scenario({ responses: [{}, { hang: true }] });
      const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint}></scalekit-admin-portal>`);
      await oneEvent(el, 'scalekit-ready');
      const events = recordEvents(el);
      const loading = oneEvent(el, 'scalekit-loading');
      void el.refresh();
      await loading;
      await portalSays(el, payloads.loadFailure('ORG_DISABLED'));
      expect(events.map((e) => e.type)).to.deep.equal(['scalekit-loading', 'scalekit-portal-message']);
      expect(el.status).to.equal('loading');
    });

    it('waits for a visible page before renewing', async () => {
      const { el, s } = await readyPortal();
      setPageHidden(true);
      await portalSays(el, payloads.expiry());
      expect(el.status).to.equal('expired');
      expect(await s.requests()).to.have.length(1);
      const loading = oneEvent(el, 'scalekit-loading');
      const ready = oneEvent(el, 'scalekit-ready');
      setPageHidden(false);
      await loading;
      await ready;
      expect(await s.requests()).to.have.length(2);
    });

    it('does not renew when the host cancels scalekit-session-expired: shows "Start a new session"', async () => {
      const { el, s } = await readyPortal();
      el.addEventListener('scalekit-session-expired', (e) => e.preventDefault());
      const expired = oneEvent(el, 'scalekit-session-expired');
      portalPosts(el, payloads.expiry());
      await expired;
      await el.updateComplete;
      expect(el.status).to.equal('expired');
      expect(frameOf(el)).to.equal(null);
      const button = el.shadowRoot!.querySelector('[part="status"] button')!;
      expect(button.textContent).to.equal('Start a new session');
      expect(await s.requests()).to.have.length(1);

      const ready = oneEvent(el, 'scalekit-ready');
      (button as HTMLButtonElement).click();
      await ready;
      expect(await s.requests()).to.have.length(2);
    });

    it('with no-auto-renew shows the expired panel instead of renewing', async () => {
      const { el, s } = await readyPortal({ noAutoRenew: true });
      const expired = oneEvent(el, 'scalekit-session-expired');
      portalPosts(el, payloads.expiry());
      await expired;
      await el.updateComplete;
      expect(el.status).to.equal('expired');
      expect(el.shadowRoot!.querySelector('[part="status"] button')!.textContent).to.equal('Start a new session');
      expect(await s.requests()).to.have.length(1);
    });

    it('stops after one automatic renewal that never loaded, instead of looping', async () => {
      const { el, s } = await readyPortal();
      // Every further link's page says at once that it is expired (as for a used link).
      await fetch(`/api/control/${s.key}`, { method: 'POST', body: JSON.stringify({ portal: { auto: 'expired' } }) });
      const expiries: CustomEvent[] = [];
      el.addEventListener('scalekit-session-expired', (e) => expiries.push(e));
      const second = new Promise<void>((resolve) =>
        el.addEventListener('scalekit-session-expired', () => expiries.length === 2 && resolve()),
      );
      portalPosts(el, payloads.expiry());
      await second;
      await el.updateComplete;
      expect(el.status).to.equal('expired');
      expect(el.shadowRoot!.querySelector('[part="status"] button')).to.not.equal(null);
      expect(await s.requests()).to.have.length(1);
    });

    it('refresh() mints a fresh link and loads it in place', async () => {
      const { el, s } = await readyPortal();
      const first = frameOf(el)!.src;
      const ready = oneEvent(el, 'scalekit-ready');
      await el.refresh();
      await el.updateComplete;
      expect(frameOf(el)!.src).to.not.equal(first);
      await ready;
      expect(await s.requests()).to.have.length(2);
    });

    it('joins a request already in flight instead of starting a second', async () => {
      const s = await scenario();
      const el = document.createElement('scalekit-admin-portal');
      el.endpoint = s.endpoint;
      document.body.append(el);
      const ready = oneEvent(el, 'scalekit-ready');
      const first = el.refresh();
      const second = el.refresh();
      expect(second).to.equal(first);
      await first;
      await ready;
      el.remove();
      expect(await s.requests()).to.have.length(1);
    });
  });

  describe('attributes and properties', () => {
    it('ignores unknown feature tokens and duplicates (with a console warning)', async () => {
      const s = await scenario();
      const warnings: unknown[] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => warnings.push(args);
      try {
        const el = fixtureSync<ScalekitAdminPortal>(
          html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint} features="  sso bogus sso <script> "></scalekit-admin-portal>`,
        );
        expect(el.features).to.deep.equal(['sso']);
        await oneEvent(el, 'scalekit-ready');
      } finally {
        console.warn = warn;
      }
      expect(JSON.parse((await s.requests())[0].body)).to.deep.equal({ features: ['sso'] });
      expect(warnings).to.have.length(1);
    });

    it('with only unknown feature tokens asks for the server default ({})', async () => {
      const s = await scenario();
      const warn = console.warn;
      console.warn = () => {};
      try {
        const el = fixtureSync<ScalekitAdminPortal>(
          html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint} features="saml scim"></scalekit-admin-portal>`,
        );
        await oneEvent(el, 'scalekit-ready');
        // A features property of the wrong type is treated the same way.
        (el as unknown as { features: unknown }).features = { sso: true };
        const again = oneEvent(el, 'scalekit-ready');
        await el.refresh();
        await again;
      } finally {
        console.warn = warn;
      }
      expect((await s.requests()).map((r) => JSON.parse(r.body))).to.deep.equal([{}, {}]);
    });

    it('uses frame-title for the iframe, falling back to "Admin portal" when blank', async () => {
      const s = await scenario();
      const el = fixtureSync<ScalekitAdminPortal>(
        html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint} frame-title="Acme SSO settings"></scalekit-admin-portal>`,
      );
      await oneEvent(el, 'scalekit-ready');
      expect(frameOf(el)!.title).to.equal('Acme SSO settings');
      el.frameTitle = '';
      await el.updateComplete;
      expect(frameOf(el)!.title).to.equal('Admin portal');
    });

    it('reads load-timeout as a number; garbage is kept on the property but used as 15000', async () => {
      const el = await fixture<ScalekitAdminPortal>(html`<scalekit-admin-portal load-timeout="250"></scalekit-admin-portal>`);
      expect(el.loadTimeout).to.equal(250);
      el.setAttribute('load-timeout', 'soon');
      expect(el.loadTimeout).to.be.NaN;
    });

    it('normalises hostile option values the documented way', () => {
      for (const bad of ['soon', '-5', '0', '', 'Infinity', NaN, -1, null, undefined, {}, '1e400']) {
        expect(toLoadTimeout(bad), String(bad)).to.equal(15000);
      }
      expect(toLoadTimeout('2500')).to.equal(2500);
      expect(toEndpoint('   ')).to.equal('/api/scalekit/portal-link');
      expect(toEndpoint(42)).to.equal('/api/scalekit/portal-link');
      expect(toEndpoint('/custom')).to.equal('/custom');
      const warn = console.warn;
      console.warn = () => {};
      try {
        expect(toFeatures('dir_sync sso')).to.deep.equal(['sso', 'dir_sync']);
        expect(toFeatures(['sso', 'sso', 'SSO', 1, null])).to.deep.equal(['sso']);
        expect(toFeatures(42)).to.deep.equal([]);
        expect(toFeatures('__proto__ constructor')).to.deep.equal([]);
      } finally {
        console.warn = warn;
      }
    });

    it('takes its height from --scalekit-admin-portal-height (720px by default)', async () => {
      const el = await fixture<ScalekitAdminPortal>(html`<scalekit-admin-portal></scalekit-admin-portal>`);
      expect(el.getBoundingClientRect().height).to.equal(720);
      el.style.setProperty('--scalekit-admin-portal-height', '640px');
      expect(el.getBoundingClientRect().height).to.equal(640);
    });

    it('exposes status and expiresAt as read-only', async () => {
      const el = await fixture<ScalekitAdminPortal>(html`<scalekit-admin-portal></scalekit-admin-portal>`);
      expect(() => ((el as unknown as { status: string }).status = 'ready')).to.throw(TypeError);
      expect(el.status).to.equal('idle');
      expect(el.expiresAt).to.equal(null);
    });

    it('registers once and is the same class through both entry points', async () => {
      expect(customElements.get('scalekit-admin-portal')).to.equal(ScalekitAdminPortal);
      await import('../../component/define.js');
      expect(customElements.get('scalekit-admin-portal')).to.equal(ScalekitAdminPortal);
    });
  });
});
