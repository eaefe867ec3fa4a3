// portal-origin: the host names the origins its portal may come from. A link to any other origin is refused
// before anything is framed; each named origin gets a preconnect; a malformed value refuses links, loudly.
import { expect, fixtureSync, html, oneEvent } from '@open-wc/testing';
import '../../component/index.js';
import type { ScalekitAdminPortal } from '../../component/admin-portal.js';
import { toOrigins } from '../../component/options.js';
import type { PortalLink } from '../../component/types.js';
import { frameOf, origins, recordEvents, scenario } from './support/harness.js';

const preconnects = (origin: string) =>
  [...document.head.querySelectorAll<HTMLLinkElement>('link[rel="preconnect"]')].filter((link) => link.getAttribute('href') === origin);

/** Runs `body` with console.error recorded instead of printed. */
async function consoleErrors(body: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => seen.push(args.map(String).join(' '));
  try {
    await body();
  } finally {
    console.error = error;
  }
  return seen;
}

function portal(endpoint: string, portalOrigin: string) {
  return fixtureSync<ScalekitAdminPortal>(
    html`<scalekit-admin-portal loading="eager" endpoint=${endpoint} portal-origin=${portalOrigin}></scalekit-admin-portal>`,
  );
}

describe('<scalekit-admin-portal> portal-origin', () => {
  it('frames a link from a listed origin (among others, in any case, with a trailing slash)', async () => {
    const { portalOrigin } = await origins();
    for (const value of [portalOrigin, `https://acme.example  ${portalOrigin.toUpperCase()}/ https://auth.acme.example`]) {
      const s = await scenario();
      const el = portal(s.endpoint, value);
      await oneEvent(el, 'scalekit-ready');
      expect(new URL(frameOf(el)!.src).origin, value).to.equal(portalOrigin);
      expect(el.portalOrigin).to.equal(value);
    }
  });

  it('refuses a link from any other origin: invalid_response, not retryable, nothing framed, no second request', async () => {
    const { portalOrigin, spoofOrigin } = await origins();
    const s = await scenario();
    const el = portal(s.endpoint, spoofOrigin);
    const events = recordEvents(el);
    const { detail } = await oneEvent(el, 'scalekit-error');
    expect(detail).to.deep.equal({
      code: 'invalid_response',
      message: `The admin portal link points to ${portalOrigin}, which portal-origin does not allow.`,
      retryable: false,
    });
    expect(detail.message).to.not.contain('magicLink');
    await el.updateComplete;
    expect(el.status).to.equal('error');
    expect(frameOf(el)).to.equal(null);
    expect(el.shadowRoot!.querySelector('[part="error"] p')!.textContent).to.equal(detail.message);
    expect(events.map((e) => e.type)).to.deep.equal(['scalekit-loading', 'scalekit-error']);
    expect(await s.requests()).to.have.length(1);
    // The portal page was never loaded, so it never posted anything the element could trust.
    expect(await s.loads()).to.deep.equal({});
  });

  it('compares origins exactly: another port or scheme of the same host is another origin', async () => {
    const { portalOrigin } = await origins();
    const url = new URL(portalOrigin);
    for (const other of [`${url.protocol}//${url.hostname}:${Number(url.port) + 1}`, `https://${url.host}`, `http://localhost:${url.port}`]) {
      const s = await scenario();
      const el = portal(s.endpoint, other);
      expect((await oneEvent(el, 'scalekit-error')).detail.code, other).to.equal('invalid_response');
      expect(frameOf(el), other).to.equal(null);
    }
  });

  it('adds one <link rel="preconnect"> per origin to document.head before the link is requested', async () => {
    const { portalOrigin } = await origins();
    const other = 'https://portal.example';
    const s = await scenario();
    const seenAtRequest: number[] = [];
    const el = document.createElement('scalekit-admin-portal');
    el.loading = 'eager';
    el.portalOrigin = `${portalOrigin} ${other}`;
    el.fetchLink = async ({ signal }) => {
      seenAtRequest.push(preconnects(portalOrigin).length, preconnects(other).length);
      return (await (await fetch(s.endpoint, { method: 'POST', body: '{}', signal })).json()) as PortalLink;
    };
    const ready = oneEvent(el, 'scalekit-ready');
    document.body.append(el);
    await ready;
    expect(seenAtRequest).to.deep.equal([1, 1]);
    const [link] = preconnects(other);
    expect(link!.parentNode).to.equal(document.head);
    expect(link!.hasAttribute('crossorigin')).to.equal(false);

    // A renewal, and a second element for the same origins, add none.
    const again = oneEvent(el, 'scalekit-ready');
    await el.refresh();
    await again;
    const second = portal((await scenario()).endpoint, other);
    await oneEvent(second, 'scalekit-error');
    el.remove();
    expect(preconnects(portalOrigin)).to.have.length(1);
    expect(preconnects(other)).to.have.length(1);
  });

  it('without portal-origin accepts any http(s) origin and adds no preconnect', async () => {
    const before = document.head.querySelectorAll('link[rel="preconnect"]').length;
    const s = await scenario();
    const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint}></scalekit-admin-portal>`);
    await oneEvent(el, 'scalekit-ready');
    expect(document.head.querySelectorAll('link[rel="preconnect"]').length).to.equal(before);
  });

  it('applies a change to the next link; removing the attribute lifts the restriction', async () => {
    const { portalOrigin, spoofOrigin } = await origins();
    const s = await scenario();
    const el = portal(s.endpoint, portalOrigin);
    await oneEvent(el, 'scalekit-ready');
    el.setAttribute('portal-origin', spoofOrigin);
    const refused = oneEvent(el, 'scalekit-error');
    void el.refresh();
    expect((await refused).detail.code).to.equal('invalid_response');
    el.removeAttribute('portal-origin');
    const ready = oneEvent(el, 'scalekit-ready');
    await el.refresh();
    await ready;
    expect(await s.requests()).to.have.length(3);
  });

  describe('malformed values', () => {
    const MALFORMED = [
      '*',
      'https://*.scalekit.dev',
      '*.scalekit.dev',
      'acme.scalekit.dev',
      '//acme.scalekit.dev',
      'https://acme.scalekit.dev/path',
      'https://acme.scalekit.dev/?x=1',
      'https://acme.scalekit.dev/#top',
      'https://user:pass@acme.scalekit.dev',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'http://[::1',
      'https://acme.scalekit.dev,https://auth.acme.com',
      '"><img/src=x/onerror=alert(1)>',
      'null',
    ];

    it('refuse every link, with a console error naming each bad token, and never throw', async () => {
      const { portalOrigin } = await origins();
      for (const value of MALFORMED) {
        const s = await scenario();
        let el!: ScalekitAdminPortal;
        let code = '';
        const logged = await consoleErrors(async () => {
          el = portal(s.endpoint, value);
          code = (await oneEvent(el, 'scalekit-error')).detail.code;
        });
        expect(code, value).to.equal('invalid_response');
        expect(frameOf(el), value).to.equal(null);
        expect(logged.some((line) => line.includes(`portal-origin ignores "${value}"`)), `${value}: ${logged}`).to.equal(true);
        expect(el.shadowRoot!.querySelector('img'), value).to.equal(null);
        expect(preconnects(value), value).to.have.length(0);
        // The element still works once the value is fixed.
        el.setAttribute('portal-origin', portalOrigin);
        const ready = oneEvent(el, 'scalekit-ready');
        await el.refresh();
        await ready;
      }
    });

    it('an empty or blank value refuses every link too (set, but naming no origin)', async () => {
      for (const value of ['', '   ']) {
        const s = await scenario();
        const el = portal(s.endpoint, value);
        expect((await oneEvent(el, 'scalekit-error')).detail.code, JSON.stringify(value)).to.equal('invalid_response');
        expect(frameOf(el)).to.equal(null);
      }
    });

    it('a bad token next to a good one is dropped; the good one still works', async () => {
      const { portalOrigin } = await origins();
      const s = await scenario();
      let el!: ScalekitAdminPortal;
      const logged = await consoleErrors(async () => {
        el = portal(s.endpoint, `* ${portalOrigin}/path ${portalOrigin}`);
        await oneEvent(el, 'scalekit-ready');
      });
      expect(new URL(frameOf(el)!.src).origin).to.equal(portalOrigin);
      expect(logged).to.have.length(2);
    });

    it('parses property values of any type the documented way', async () => {
      const logged = await consoleErrors(async () => {
        expect(toOrigins(undefined)).to.equal(null);
        expect(toOrigins(null)).to.equal(null);
        expect(toOrigins('https://a.example  HTTPS://B.example:443/ http://localhost:8787')).to.deep.equal([
          'https://a.example', 'https://b.example', 'http://localhost:8787',
        ]);
        expect(toOrigins(['https://a.example', 42, {}, Symbol('x')])).to.deep.equal(['https://a.example']);
        expect(toOrigins(42)).to.deep.equal([]);
        expect(toOrigins({ toString: () => 'https://a.example' })).to.deep.equal([]);
        expect(toOrigins('https://bücher.example')).to.deep.equal(['https://xn--bcher-kva.example']);
      });
      expect(logged).to.have.length(3);
    });
  });
});
