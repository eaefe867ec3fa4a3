// Every visible state passes axe, in light and dark colour schemes; every button works from the keyboard.
// With SCREENSHOT_DIR set, each state is also saved as a picture to look at.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../component/index.js';
import { ScalekitAdminPortal } from '../../component/admin-portal.js';
import { payloads, portalPosts, portalSays, scenario, screenshot, type PlannedResponse } from './support/harness.js';

type State = 'loading' | 'ready' | 'warning' | 'expired' | 'error';

/** Puts a fresh element (after a focusable "before" button) into `state`, through the real endpoint and portal page. */
async function inState(state: State) {
  const responses: PlannedResponse[] = state === 'loading' ? [{ hang: true }] : state === 'error' ? [{ status: 401 }] : [];
  const s = await scenario({ responses });
  const wrapper = await fixture<HTMLDivElement>(html`<div style="padding: 8px">
    <button id="before">Before</button>
    <scalekit-admin-portal endpoint=${s.endpoint} ?no-auto-renew=${state === 'expired'}></scalekit-admin-portal>
  </div>`);
  const el = wrapper.querySelector('scalekit-admin-portal')!;
  if (state === 'loading') {
    if (el.status !== 'loading') await oneEvent(el, 'scalekit-loading');
  } else if (state === 'error') {
    if (el.status !== 'error') await oneEvent(el, 'scalekit-error');
  } else {
    if (el.status !== 'ready') await oneEvent(el, 'scalekit-ready');
    if (state === 'warning') await portalSays(el, payloads.warning());
    if (state === 'expired') {
      const expired = oneEvent(el, 'scalekit-session-expired');
      portalPosts(el, payloads.expiry());
      await expired;
    }
  }
  await el.updateComplete;
  return { el, s, before: wrapper.querySelector<HTMLButtonElement>('#before')! };
}

const STATES: State[] = ['loading', 'ready', 'warning', 'expired', 'error'];

for (const scheme of ['light', 'dark'] as const) {
  describe(`<scalekit-admin-portal> accessibility (${scheme})`, () => {
    before(() => {
      document.documentElement.style.colorScheme = scheme;
      document.body.style.background = 'Canvas';
      document.body.style.color = 'CanvasText';
    });
    after(() => {
      document.documentElement.style.colorScheme = '';
    });

    for (const state of STATES) {
      it(`is accessible while ${state}`, async () => {
        const { el } = await inState(state);
        expect(el.status).to.equal(state === 'warning' ? 'ready' : state);
        await screenshot(el, `${state}-${scheme}`);
        await expect(el).to.be.accessible();
      });
    }
  });
}

describe('<scalekit-admin-portal> assistive technology', () => {
  it('is aria-busy only while loading and announces status politely', async () => {
    const { el } = await inState('loading');
    expect(el.getAttribute('aria-busy')).to.equal('true');
    const live = el.shadowRoot!.querySelector('[role="status"]')!;
    expect(live.getAttribute('aria-live')).to.equal('polite');
    expect(live.textContent).to.contain('Loading');
    el.remove();
    expect(el.hasAttribute('aria-busy')).to.equal(false);

    const ready = await inState('ready');
    expect(ready.el.hasAttribute('aria-busy')).to.equal(false);
    expect(ready.el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('ready');
  });

  it('lets the host replace the skeleton through the loading slot', async () => {
    const s = await scenario({ responses: [{ hang: true }] });
    const el = await fixture<ScalekitAdminPortal>(html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint}>
      <p slot="loading">Opening your SSO settings…</p>
    </scalekit-admin-portal>`);
    const slot = el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="loading"]')!;
    expect(slot.assignedElements().map((e) => e.textContent)).to.deep.equal(['Opening your SSO settings…']);
    await expect(el).to.be.accessible();
  });
});

describe('<scalekit-admin-portal> keyboard', () => {
  const buttons: [State, string, string][] = [
    ['warning', '[part="banner"] button', 'Renew now'],
    ['expired', '[part="status"] button', 'Start a new session'],
    ['error', '[part="error"] button', 'Retry'],
  ];
  for (const [state, selector, label] of buttons) {
    for (const key of ['Enter', 'Space']) {
      it(`"${label}" is reached with Tab and activated with ${key}`, async () => {
        const { el, s, before } = await inState(state);
        const requestsBefore = (await s.requests()).length;
        before.focus();
        await sendKeys({ press: 'Tab' });
        const button = el.shadowRoot!.querySelector<HTMLButtonElement>(selector)!;
        expect(button.textContent).to.equal(label);
        expect(el.shadowRoot!.activeElement).to.equal(button);
        // Both listeners before the key press: the portal may be ready again before sendKeys returns.
        const loading = oneEvent(el, 'scalekit-loading');
        const ready = oneEvent(el, 'scalekit-ready');
        await sendKeys({ press: key });
        await loading;
        await ready;
        expect(await s.requests()).to.have.length(requestsBefore + 1);
      });
    }
  }
});
