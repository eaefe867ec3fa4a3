// The trust rule: a message counts only if it comes from this element's iframe AND from the link's origin AND
// is an object with a string event_type. Everything else must change nothing and dispatch nothing.
import { expect, fixtureSync, html, oneEvent } from '@open-wc/testing';
import '../../component/index.js';
import type { ScalekitAdminPortal } from '../../component/admin-portal.js';
import { acknowledged, frameOf, origins, payloads, portalSays, recordEvents, scenario } from './support/harness.js';

async function readyPortal() {
  const s = await scenario();
  const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint}></scalekit-admin-portal>`);
  await oneEvent(el, 'scalekit-ready');
  return { el, s };
}

function snapshot(el: ScalekitAdminPortal) {
  return { status: el.status, expiresAt: el.expiresAt?.toISOString(), src: frameOf(el)?.src, html: el.shadowRoot!.innerHTML };
}

describe('<scalekit-admin-portal> message trust', () => {
  it('ignores the documented payloads when another iframe on the portal origin posts them', async () => {
    const { el, s } = await readyPortal();
    const before = snapshot(el);
    const events = recordEvents(el);
    const { portalOrigin } = await origins();

    // Same origin as the real portal, but not the element's own frame.
    const other = document.createElement('iframe');
    const ack = 'other-frame';
    const done = acknowledged(() => other.contentWindow, ack);
    other.src = `${portalOrigin}/magicLink/lnk_other?spoof=${ack}`;
    document.body.append(other);
    await done;
    other.remove();

    expect(events).to.have.length(0);
    expect(snapshot(el)).to.deep.equal(before);
    expect(await s.requests()).to.have.length(1);
  });

  it("ignores messages from the element's own frame once it shows a page of another origin", async () => {
    const { el, s } = await readyPortal();
    const events = recordEvents(el);
    const { spoofOrigin } = await origins();
    const frame = frameOf(el)!;
    const status = el.status;
    const expiresAt = el.expiresAt;

    const ack = 'wrong-origin';
    const done = acknowledged(() => frame.contentWindow, ack);
    frame.contentWindow!.postMessage({ cmd: 'navigate', url: `${spoofOrigin}/magicLink/lnk_spoof?spoof=${ack}` }, '*');
    await done;

    expect(events).to.have.length(0);
    expect(el.status).to.equal(status);
    expect(el.expiresAt).to.equal(expiresAt);
    expect(await s.requests()).to.have.length(1);
  });

  it('ignores malformed data from the right frame and origin', async () => {
    const { el } = await readyPortal();
    const before = snapshot(el);
    const events = recordEvents(el);
    await portalSays(
      el,
      'PORTAL_SESSION_EXPIRY',
      null,
      42,
      ['PORTAL_SESSION_EXPIRY'],
      { event_type: 7, data: {} },
      { event_type: null },
      { type: 'PORTAL_SESSION_EXPIRY' },
      { eventType: 'PORTAL_SESSION_EXPIRY' },
    );
    expect(events).to.have.length(0);
    expect(snapshot(el)).to.deep.equal(before);
  });

  it('ignores messages posted by the host page itself, even with the right shape', async () => {
    const { el } = await readyPortal();
    const events = recordEvents(el);
    const ack = 'self';
    const done = acknowledged(() => window, ack);
    window.postMessage(payloads.expiry(), '*');
    window.postMessage(payloads.sso(true), '*');
    window.postMessage({ ack }, '*');
    await done;
    expect(events).to.have.length(0);
    expect(el.status).to.equal('ready');
  });

  it('tolerates hostile field types inside an accepted message without breaking', async () => {
    const { el } = await readyPortal();
    const events = recordEvents(el);
    const before = el.expiresAt!.toISOString();
    await portalSays(
      el,
      { event_type: 'PORTAL_SESSION_WARNING', data: { expiry: 'not a date' }, organization_id: { evil: true } },
      { event_type: 'ORGANIZATION_SSO_ENABLED', data: ['x'], organization_id: 5 },
      { event_type: '__proto__', data: { expiry: '<img src=x onerror=alert(1)>' } },
    );
    expect(el.expiresAt!.toISOString()).to.equal(before);
    const sso = events.find((e) => e.type === 'scalekit-sso-enabled')!;
    expect(sso.detail).to.deep.equal({ organizationId: null, data: {} });
    expect(events.find((e) => e.type === 'scalekit-session-warning')!.detail).to.deep.equal({ expiresAt: '' });
    expect(events.filter((e) => e.type === 'scalekit-portal-message')).to.have.length(3);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
  });

  it('keeps two portals on one page isolated', async () => {
    const [a, b] = await Promise.all([scenario(), scenario({ portal: { org: 'org_b' } })]);
    const wrapper = fixtureSync<HTMLDivElement>(html`<div>
      <scalekit-admin-portal id="a" loading="eager" endpoint=${a.endpoint}></scalekit-admin-portal>
      <scalekit-admin-portal id="b" loading="eager" endpoint=${b.endpoint}></scalekit-admin-portal>
    </div>`);
    const elA = wrapper.querySelector<ScalekitAdminPortal>('#a')!;
    const elB = wrapper.querySelector<ScalekitAdminPortal>('#b')!;
    // Both listeners are attached in the same task as the insertion, before either element can be ready.
    const [readyA, readyB] = await Promise.all([oneEvent(elA, 'scalekit-ready'), oneEvent(elB, 'scalekit-ready')]);
    expect(readyA.detail.organizationId).to.equal('org_test');
    expect(readyB.detail.organizationId).to.equal('org_b');

    const eventsA = recordEvents(elA);
    const eventsB = recordEvents(elB);
    // A's renewal after the expiry may finish before portalSays returns: listen first.
    const renewedA = oneEvent(elA, 'scalekit-ready');
    await portalSays(elA, payloads.sso(true), payloads.expiry());
    await portalSays(elB, payloads.directory(true));
    expect(eventsA.map((e) => e.type)).to.include.members(['scalekit-sso-enabled', 'scalekit-session-expired']);
    expect(eventsA.map((e) => e.type)).to.not.include('scalekit-directory-enabled');
    expect(eventsB.map((e) => e.type)).to.deep.equal(['scalekit-portal-message', 'scalekit-directory-enabled']);
    expect(elB.status).to.equal('ready');
    await renewedA;
    expect(await a.requests()).to.have.length(2);
    expect(await b.requests()).to.have.length(1);
  });
});
