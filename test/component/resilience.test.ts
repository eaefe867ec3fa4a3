// Failures of the link request and of the portal load: retries, backoff, Retry-After, aborts, expiry, timeouts.
import { expect, fixture, fixtureSync, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../component/index.js';
import { ScalekitAdminPortal } from '../../component/admin-portal.js';
import { parseRetryAfter } from '../../component/link-request.js';
import type { PortalLink } from '../../component/types.js';
import { frameOf, recordEvents, scenario, type PlannedResponse } from './support/harness.js';

const baseDelay = ScalekitAdminPortal.retryBaseDelay;

async function portalWith(responses: PlannedResponse[], portal?: Record<string, string>, attrs = '') {
  const s = await scenario({ responses, portal });
  const el = document.createElement('scalekit-admin-portal');
  el.loading = 'eager';
  el.endpoint = s.endpoint;
  if (attrs) el.setAttribute('load-timeout', attrs);
  const events = recordEvents(el);
  return { el, s, events, attach: () => fixture<HTMLElement>(html`<div></div>`).then((div) => div.append(el)) };
}

describe('<scalekit-admin-portal> resilience', () => {
  before(() => {
    ScalekitAdminPortal.retryBaseDelay = 1; // keep the exponential backoff, make it quick
  });
  after(() => {
    ScalekitAdminPortal.retryBaseDelay = baseDelay;
  });

  it('retries 5xx responses with backoff and then loads the link', async () => {
    const { el, s, events, attach } = await portalWith([{ status: 503 }, { status: 500 }]);
    const ready = oneEvent(el, 'scalekit-ready');
    await attach();
    await ready;
    expect(events.filter((e) => e.type === 'scalekit-loading').map((e) => e.detail.attempt)).to.deep.equal([1, 2, 3]);
    expect(events.filter((e) => e.type === 'scalekit-error')).to.have.length(0);
    expect(await s.requests()).to.have.length(3);
  });

  it('gives up after 3 retries with an error panel and Retry, which starts over', async () => {
    const { el, s, events, attach } = await portalWith([{ status: 502 }, { status: 502 }, { status: 502 }, { status: 502 }]);
    const failed = oneEvent(el, 'scalekit-error');
    await attach();
    const { detail } = await failed;
    expect(detail).to.deep.equal({
      code: 'link_request_failed',
      message: 'The admin portal could not be opened (the server answered 502).',
      status: 502,
      retryable: true,
    });
    expect(await s.requests()).to.have.length(4);
    expect(events.filter((e) => e.type === 'scalekit-error')).to.have.length(1);
    expect(el.status).to.equal('error');
    await el.updateComplete;
    const panel = el.shadowRoot!.querySelector('[part="error"]')!;
    expect(panel.getAttribute('role')).to.equal('alert');
    expect(frameOf(el)).to.equal(null);

    const ready = oneEvent(el, 'scalekit-ready');
    panel.querySelector('button')!.click();
    await ready;
    expect(await s.requests()).to.have.length(5);
  });

  it('honours Retry-After on 429 before asking again', async () => {
    const { el, s, attach } = await portalWith([{ status: 429, retryAfter: 1 }]);
    const ready = oneEvent(el, 'scalekit-ready');
    await attach();
    await ready;
    const [first, second] = await s.requests();
    // Lower bound set by the server's own header, not a performance threshold.
    expect(second.at - first.at).to.be.at.least(1000);
  });

  it('reports rate_limited after retries of 429 are exhausted', async () => {
    const { el, s, attach } = await portalWith(Array.from({ length: 4 }, () => ({ status: 429, retryAfter: 0 })));
    const failed = oneEvent(el, 'scalekit-error');
    await attach();
    expect((await failed).detail).to.deep.include({ code: 'rate_limited', status: 429, retryable: true });
    expect(await s.requests()).to.have.length(4);
  });

  for (const [status, code] of [[401, 'unauthenticated'], [403, 'forbidden']] as const) {
    it(`does not retry ${status}: ${code}`, async () => {
      const { el, s, attach } = await portalWith([{ status }]);
      const failed = oneEvent(el, 'scalekit-error');
      await attach();
      expect((await failed).detail).to.deep.include({ code, status, retryable: false });
      expect(await s.requests()).to.have.length(1);
    });
  }

  it('does not retry other 4xx answers (link_request_failed)', async () => {
    const { el, s, attach } = await portalWith([{ status: 404 }]);
    const failed = oneEvent(el, 'scalekit-error');
    await attach();
    expect((await failed).detail).to.deep.include({ code: 'link_request_failed', status: 404, retryable: false });
    expect(await s.requests()).to.have.length(1);
  });

  it('reports network when the endpoint cannot be reached, after retrying', async () => {
    const { el, events, attach } = await portalWith([]);
    el.endpoint = 'http://127.0.0.1:9/unreachable';
    const failed = oneEvent(el, 'scalekit-error');
    await attach();
    const { detail } = await failed;
    expect(detail).to.deep.equal({
      code: 'network',
      message: 'The server could not be reached. Check your connection, then try again.',
      retryable: true,
    });
    expect(events.filter((e) => e.type === 'scalekit-loading').map((e) => e.detail.attempt)).to.deep.equal([1, 2, 3, 4]);
  });

  const unusable: [string, PlannedResponse][] = [
    ['not JSON', { rawBody: '<html>oops' }],
    ['null', { rawBody: 'null' }],
    ['a javascript: location', { body: { id: 'x', location: 'javascript:alert(1)', expiresAt: new Date(Date.now() + 60_000).toISOString() } }],
    ['a data: location', { body: { id: 'x', location: 'data:text/html,<b>x</b>', expiresAt: new Date(Date.now() + 60_000).toISOString() } }],
    ['no expiresAt', { body: { id: 'x', location: 'https://example.scalekit.dev/magicLink/1' } }],
    ['a bad expiresAt', { body: { id: 'x', location: 'https://example.scalekit.dev/magicLink/1', expiresAt: 'tomorrow' } }],
    ['wrong types', { body: { id: 1, location: ['https://example.scalekit.dev'], expiresAt: 0 } }],
  ];
  for (const [what, response] of unusable) {
    it(`rejects a 200 with ${what} as invalid_response, without framing anything`, async () => {
      const { el, s, attach } = await portalWith([response]);
      const failed = oneEvent(el, 'scalekit-error');
      await attach();
      expect((await failed).detail).to.deep.include({ code: 'invalid_response', retryable: false });
      expect(frameOf(el)).to.equal(null);
      expect(await s.requests()).to.have.length(1);
    });
  }

  it('discards a link that expired before use and asks for a new one', async () => {
    const { el, s, attach } = await portalWith([{ expiresInMs: -1000 }]);
    const ready = oneEvent(el, 'scalekit-ready');
    await attach();
    await ready;
    const requests = await s.requests();
    expect(requests).to.have.length(2);
    const loads = await s.loads();
    expect(Object.keys(loads)).to.deep.equal([`lnk_${s.key}_2`]);
  });

  it('aborts the request in flight when disconnected', async () => {
    const { el, s, attach } = await portalWith([{ hang: true }]);
    const loading = oneEvent(el, 'scalekit-loading');
    await attach();
    await loading;
    await waitUntil(async () => (await s.requests()).length === 1, 'request reached the server', { timeout: 10_000 });
    el.remove();
    await waitUntil(async () => (await s.requests())[0].aborted, 'server saw the request aborted', { timeout: 10_000 });
    expect(el.status).to.equal('idle');
    expect(el.hasAttribute('aria-busy')).to.equal(false);
  });

  it('aborts the signal given to fetchLink when disconnected, and ignores its late answer', async () => {
    let signal!: AbortSignal;
    let answer!: (link: PortalLink) => void;
    const el = document.createElement('scalekit-admin-portal');
    el.loading = 'eager';
    el.fetchLink = (init) => {
      signal = init.signal;
      return new Promise((resolve) => (answer = resolve));
    };
    const events = recordEvents(el);
    const loading = oneEvent(el, 'scalekit-loading');
    document.body.append(el);
    await loading;
    el.remove();
    expect(signal.aborted).to.equal(true);
    answer({ id: 'late', location: 'https://example.scalekit.dev/magicLink/late', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await el.updateComplete;
    expect(frameOf(el)).to.equal(null);
    expect(events.map((e) => e.type)).to.deep.equal(['scalekit-loading']);
  });

  it('classifies what fetchLink throws: { status } as HTTP, anything else as network', async () => {
    const el = document.createElement('scalekit-admin-portal');
    el.loading = 'eager';
    el.fetchLink = async () => {
      throw Object.assign(new Error('nope'), { status: 403 });
    };
    const failed = oneEvent(el, 'scalekit-error');
    document.body.append(el);
    expect((await failed).detail).to.deep.include({ code: 'forbidden', status: 403, retryable: false });

    let calls = 0;
    el.fetchLink = async () => {
      calls++;
      throw new Error('host transport broke');
    };
    const again = oneEvent(el, 'scalekit-error');
    await el.refresh();
    expect((await again).detail).to.deep.include({ code: 'network', retryable: true });
    expect(calls).to.equal(4);
    el.remove();
  });

  it('re-mints on reconnect and never loads a used link twice', async () => {
    const s = await scenario();
    const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint}></scalekit-admin-portal>`);
    await oneEvent(el, 'scalekit-ready');
    const parent = el.parentElement!;
    el.remove();
    expect(el.status).to.equal('idle');
    expect(frameOf(el)).to.equal(null);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const ready = oneEvent(el, 'scalekit-ready');
    parent.append(el);
    await ready;
    expect(await s.requests()).to.have.length(2);
    expect(Object.values(await s.loads())).to.deep.equal([1, 1]);
  });

  it('re-mints when moved within the page (disconnect and connect in one task)', async () => {
    const s = await scenario();
    const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint}></scalekit-admin-portal>`);
    await oneEvent(el, 'scalekit-ready');
    const first = frameOf(el)!.src;
    const ready = oneEvent(el, 'scalekit-ready');
    el.parentElement!.append(document.createElement('hr'), el);
    await ready;
    expect(await s.requests()).to.have.length(2);
    expect(frameOf(el)!.src).to.not.equal(first);
    expect(el.status).to.equal('ready');
  });

  it('fails with load_timeout naming this origin when the portal never says it loaded', async () => {
    const { el, attach } = await portalWith([], { auto: 'none' }, '300');
    const failed = oneEvent(el, 'scalekit-error');
    await attach();
    const { detail } = await failed;
    expect(detail.code).to.equal('load_timeout');
    expect(detail.retryable).to.equal(true);
    expect(detail.message).to.contain(location.origin);
    expect(detail.message).to.contain('allowed redirect URIs');
    expect(detail.message).to.contain('0.3 seconds');
    expect(detail.message).to.not.contain('magicLink');
    await el.updateComplete;
    expect(frameOf(el)).to.equal(null);
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain(location.origin);
  });

  it('never puts a link, token or secret in an error message', async () => {
    const { el, attach } = await portalWith([{ status: 500, body: { error: { code: 'internal', message: 'secret sk_live_123 https://x/magicLink/abc' } } }, { status: 500 }, { status: 500 }, { status: 500 }]);
    const failed = oneEvent(el, 'scalekit-error');
    await attach();
    const { detail } = await failed;
    expect(detail.message).to.not.match(/sk_live|magicLink|secret/);
  });

  describe('parseRetryAfter', () => {
    it('reads seconds and HTTP dates, caps at a minute and ignores garbage', () => {
      const now = Date.parse('2026-01-01T00:00:00Z');
      expect(parseRetryAfter('2', now)).to.equal(2000);
      expect(parseRetryAfter(0, now)).to.equal(0);
      expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).to.equal(5000);
      expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).to.equal(0);
      expect(parseRetryAfter('86400', now)).to.equal(60_000);
      expect(parseRetryAfter('-5', now)).to.equal(undefined);
      expect(parseRetryAfter('soon', now)).to.equal(undefined);
      expect(parseRetryAfter(null, now)).to.equal(undefined);
    });
  });
});
