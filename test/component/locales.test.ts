// The element speaks the page's language: every text from one table of keys, the language from `lang` on the
// element or its closest ancestor, translations registered by side-effect imports, `strings` over both.
// With SCREENSHOT_DIR set, the Arabic and Japanese error panels are saved as pictures (docs/locales-*.png).
import { expect, fixture, fixtureSync, html, oneEvent } from '@open-wc/testing';
import '../../component/index.js';
import '../../component/locales/ar.js';
import '../../component/locales/de.js';
import '../../component/locales/es.js';
import '../../component/locales/fr.js';
import '../../component/locales/ja.js';
import '../../component/locales/pt-BR.js';
import type { ScalekitAdminPortal } from '../../component/admin-portal.js';
import { en, type MessageKey } from '../../component/locales/en.js';
import { registerLocale, registeredLocales } from '../../component/locales/registry.js';
import { frameOf, payloads, portalPosts, portalSays, scenario, screenshot } from './support/harness.js';

const LANGUAGES = ['en', 'de', 'fr', 'es', 'ja', 'pt-BR', 'ar'] as const;

/** A phrase a speaker of each language would expect in the 401 message: proof that it is not English. */
const SIGN_IN_AGAIN: Record<(typeof LANGUAGES)[number], string> = {
  en: 'Sign in again',
  de: 'Melden Sie sich erneut an',
  fr: 'Reconnectez-vous',
  es: 'Vuelva a iniciar sesión',
  ja: 'もう一度サインインしてください',
  'pt-BR': 'Faça login novamente',
  ar: 'تسجيل الدخول مرة أخرى',
};

const tableOf = (lang: string) => (lang === 'en' ? en : registeredLocales()[lang.toLowerCase()]!);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const panelText = (el: ScalekitAdminPortal) => el.shadowRoot!.querySelector('[part="error"] p')!.textContent;
const buttonText = (el: ScalekitAdminPortal, part: string) => el.shadowRoot!.querySelector(`[part="${part}"] button`)!.textContent;

/** An element that fails with 401 (not retried), inside `wrapper` markup; resolves once the error is shown. */
async function failing(lang: string | null, attrs: { wrapperLang?: string; height?: string } = {}) {
  const s = await scenario({ responses: [{ status: 401 }] });
  const wrapper = fixtureSync<HTMLDivElement>(html`<div lang=${attrs.wrapperLang ?? 'en'} style="padding: 8px; width: 640px">
    <scalekit-admin-portal loading="eager" endpoint=${s.endpoint} lang=${lang ?? ''}
      style=${`--scalekit-admin-portal-height: ${attrs.height ?? '720px'}`}></scalekit-admin-portal>
  </div>`);
  const el = wrapper.querySelector('scalekit-admin-portal')!;
  if (lang === null) el.removeAttribute('lang');
  const { detail } = await oneEvent(el, 'scalekit-error');
  await el.updateComplete;
  return { el, wrapper, detail };
}

/**
 * Resolves once the element has rendered after a `lang` change: the change queued the element's mutation observer
 * as a microtask, which runs before this continuation and requests the update that updateComplete then awaits.
 */
async function rerendered(el: ScalekitAdminPortal) {
  await Promise.resolve();
  await el.updateComplete;
}

describe('<scalekit-admin-portal> languages', () => {
  describe('the tables', () => {
    for (const lang of LANGUAGES.slice(1)) {
      it(`${lang} translates every key and keeps every placeholder`, () => {
        const table = tableOf(lang);
        for (const key of Object.keys(en) as MessageKey[]) {
          expect(table[key], `${lang} ${key}`).to.be.a('string').and.not.equal('');
          expect(placeholders(table[key]!), `${lang} ${key}`).to.deep.equal(placeholders(en[key]));
          if (key !== 'dir') expect(table[key], `${lang} ${key}`).to.not.equal(en[key]);
        }
        expect(Object.keys(table).sort()).to.deep.equal(Object.keys(en).sort());
      });
    }
  });

  for (const lang of LANGUAGES) {
    it(`shows and reports errors in ${lang}`, async () => {
      const { el, detail } = await failing(lang);
      const expected = tableOf(lang)['error.unauthenticated'];
      expect(detail).to.deep.include({ code: 'unauthenticated', message: expected, retryable: false });
      expect(detail.message).to.contain(SIGN_IN_AGAIN[lang]);
      expect(panelText(el)).to.equal(expected);
      expect(buttonText(el, 'error')).to.equal(tableOf(lang)['button.retry']);
      const direction = getComputedStyle(el.shadowRoot!.querySelector('[part="error"]')!).direction;
      expect(direction).to.equal(lang === 'ar' ? 'rtl' : 'ltr');
      if (lang === 'ar' || lang === 'ja') {
        el.style.setProperty('--scalekit-admin-portal-height', '240px');
        await screenshot(el, `locales-${lang}`);
        await expect(el).to.be.accessible();
      }
    });
  }

  it('speaks the loading, ready and frame-title texts in the language too', async () => {
    const s = await scenario();
    const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal lang="ja" loading="eager" endpoint=${s.endpoint}></scalekit-admin-portal>`);
    const live = () => el.shadowRoot!.querySelector('[role="status"]')!.textContent;
    await oneEvent(el, 'scalekit-loading');
    await el.updateComplete;
    expect(live()).to.equal(tableOf('ja')['status.loading']);
    await oneEvent(el, 'scalekit-ready');
    await el.updateComplete;
    expect(live()).to.equal(tableOf('ja')['status.ready']);
    expect(frameOf(el)!.title).to.equal('管理ポータル');
  });

  it('shows the session-warning banner and the expired panel in the language', async () => {
    const s = await scenario();
    const el = fixtureSync<ScalekitAdminPortal>(
      html`<scalekit-admin-portal lang="de" loading="eager" no-auto-renew endpoint=${s.endpoint}></scalekit-admin-portal>`,
    );
    await oneEvent(el, 'scalekit-ready');
    const warning = payloads.warning();
    await portalSays(el, warning);
    await el.updateComplete;
    const banner = el.shadowRoot!.querySelector('[part="banner"]')!;
    const time = new Date(warning.data.expiry).toLocaleTimeString('de', { hour: '2-digit', minute: '2-digit' });
    expect(time).to.match(/^\d\d:\d\d$/);
    expect(banner.textContent).to.equal(`Ihre Sitzung im Admin-Portal läuft um ${time} ab.Jetzt verlängern`);
    const expired = oneEvent(el, 'scalekit-session-expired');
    portalPosts(el, payloads.expiry());
    await expired;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="status"]')!.textContent).to.equal(
      'Ihre Sitzung im Admin-Portal ist abgelaufen.Neue Sitzung starten',
    );
  });

  it('writes the banner time as the browser does when lang is not a tag Intl accepts', async () => {
    const s = await scenario();
    const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal lang="en_US" loading="eager" endpoint=${s.endpoint}></scalekit-admin-portal>`);
    await oneEvent(el, 'scalekit-ready');
    const warning = payloads.warning();
    await portalSays(el, warning);
    await el.updateComplete;
    const time = new Date(warning.data.expiry).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    expect(el.shadowRoot!.querySelector('[part="banner"] span')!.textContent).to.equal(`Your admin portal session ends at ${time}.`);
  });

  it('fills the load_timeout placeholders (seconds, this origin) in the language', async () => {
    const s = await scenario({ portal: { auto: 'none' } });
    const el = fixtureSync<ScalekitAdminPortal>(
      html`<scalekit-admin-portal lang="fr" loading="eager" load-timeout="300" endpoint=${s.endpoint}></scalekit-admin-portal>`,
    );
    const { detail } = await oneEvent(el, 'scalekit-error');
    expect(detail.code).to.equal('load_timeout');
    expect(detail.message).to.equal(
      `Le portail d’administration ne s’est pas chargé dans un délai de 0.3\u00a0secondes. S’il reste vide, ajoutez ${location.origin} aux URI de redirection autorisés dans votre tableau de bord Scalekit.`,
    );
  });

  describe('which language', () => {
    it("takes the closest ancestor's lang, matching a region by its primary subtag (de-CH → de)", async () => {
      const { el, detail } = await failing(null, { wrapperLang: 'de-CH' });
      expect(detail.message).to.equal(tableOf('de')['error.unauthenticated']);
      expect(panelText(el)).to.equal(tableOf('de')['error.unauthenticated']);
    });

    it("finds the page's lang across shadow roots", async () => {
      const s = await scenario({ responses: [{ status: 403 }] });
      const outer = await fixture<HTMLDivElement>(html`<div lang="es"><div></div></div>`);
      const host = outer.firstElementChild!;
      const root = host.attachShadow({ mode: 'open' });
      const el = document.createElement('scalekit-admin-portal');
      el.loading = 'eager';
      el.endpoint = s.endpoint;
      const failed = oneEvent(el, 'scalekit-error');
      root.append(el);
      expect((await failed).detail.message).to.equal(tableOf('es')['error.forbidden']);
      // And follows a change made there, outside the shadow root the element sits in.
      outer.lang = 'fr';
      await rerendered(el);
      expect(panelText(el)).to.equal(tableOf('fr')['error.forbidden']);
    });

    it("prefers the element's own lang to its ancestors'", async () => {
      const { detail } = await failing('ja', { wrapperLang: 'de' });
      expect(detail.message).to.equal(tableOf('ja')['error.unauthenticated']);
    });

    it('matches tags in any case, and pt-PT / pt with the Brazilian translation', async () => {
      expect((await failing('DE')).detail.message).to.equal(tableOf('de')['error.unauthenticated']);
      expect((await failing('pt-PT')).detail.message).to.equal(tableOf('pt-BR')['error.unauthenticated']);
      expect((await failing('pt')).detail.message).to.equal(tableOf('pt-BR')['error.unauthenticated']);
    });

    it('falls back to English for a language without a translation, an empty lang or a malformed one', async () => {
      for (const lang of ['it', '', 'en_US', '%%', '__proto__', 'constructor']) {
        const { el, detail } = await failing(lang, { wrapperLang: lang });
        expect(detail.message, lang).to.equal(en['error.unauthenticated']);
        expect(panelText(el), lang).to.equal(en['error.unauthenticated']);
        expect(buttonText(el, 'error'), lang).to.equal('Retry');
      }
    });
  });

  describe('changes', () => {
    it('re-renders when lang changes on the element, then on an ancestor, and lays out right to left for ar', async () => {
      const { el, wrapper } = await failing(null);
      const panel = el.shadowRoot!.querySelector('[part="error"]')!;
      expect(panelText(el)).to.equal(en['error.unauthenticated']);

      wrapper.lang = 'ar';
      await rerendered(el);
      expect(panelText(el)).to.equal(tableOf('ar')['error.unauthenticated']);
      expect(buttonText(el, 'error')).to.equal('إعادة المحاولة');
      expect(getComputedStyle(panel).direction).to.equal('rtl');

      el.lang = 'de';
      await rerendered(el);
      expect(panelText(el)).to.equal(tableOf('de')['error.unauthenticated']);
      expect(getComputedStyle(panel).direction).to.equal('ltr');

      el.removeAttribute('lang');
      wrapper.removeAttribute('lang');
      document.documentElement.lang = 'fr';
      try {
        await rerendered(el);
        expect(panelText(el)).to.equal(tableOf('fr')['error.unauthenticated']);
      } finally {
        document.documentElement.lang = 'en';
      }
    });

    it('keeps focus on a button whose label changes language', async () => {
      const { el, wrapper } = await failing('en');
      const retry = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="error"] button')!;
      retry.focus();
      el.lang = 'es';
      await rerendered(el);
      expect(retry.textContent).to.equal('Reintentar');
      expect(el.shadowRoot!.activeElement).to.equal(retry);
      expect(wrapper.contains(document.activeElement)).to.equal(true);
    });

    it('renders a translation registered after the element (a lazily imported language)', async () => {
      const { el } = await failing('it');
      expect(panelText(el)).to.equal(en['error.unauthenticated']);
      registerLocale('it', { 'error.unauthenticated': 'La sessione è scaduta. Accedi di nuovo per gestire queste impostazioni.' });
      await el.updateComplete;
      expect(panelText(el)).to.equal('La sessione è scaduta. Accedi di nuovo per gestire queste impostazioni.');
      // Keys the translation leaves out stay English.
      expect(buttonText(el, 'error')).to.equal('Retry');
    });
  });

  describe('strings', () => {
    it('overrides single keys in the panel and in the scalekit-error message, over a translation', async () => {
      const s = await scenario({ responses: [{ status: 401 }] });
      const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal lang="de" loading="eager" endpoint=${s.endpoint}></scalekit-admin-portal>`);
      el.strings = { 'error.unauthenticated': 'Bitte melden Sie sich bei Acme erneut an.' };
      const { detail } = await oneEvent(el, 'scalekit-error');
      await el.updateComplete;
      expect(detail.message).to.equal('Bitte melden Sie sich bei Acme erneut an.');
      expect(panelText(el)).to.equal('Bitte melden Sie sich bei Acme erneut an.');
      // Other keys still come from the translation.
      expect(buttonText(el, 'error')).to.equal('Erneut versuchen');
    });

    it('re-renders when set later, and fills placeholders in an overriding text', async () => {
      const s = await scenario({ responses: [{ status: 409 }] });
      const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint}></scalekit-admin-portal>`);
      const { detail } = await oneEvent(el, 'scalekit-error');
      await el.updateComplete;
      expect(detail.message).to.equal('The admin portal could not be opened (the server answered 409).');

      el.strings = { 'error.link_request_failed': 'Acme could not open its settings (HTTP {status}, {unknown}, {constructor}).', 'button.retry': 'Try again' };
      await el.updateComplete;
      expect(panelText(el)).to.equal('Acme could not open its settings (HTTP 409, {unknown}, {constructor}).');
      expect(buttonText(el, 'error')).to.equal('Try again');

      el.strings = undefined;
      await el.updateComplete;
      expect(panelText(el)).to.equal('The admin portal could not be opened (the server answered 409).');
    });

    it('shows whatever a host puts in strings as text, never as markup', async () => {
      const s = await scenario({ responses: [{ status: 401 }] });
      const el = fixtureSync<ScalekitAdminPortal>(html`<scalekit-admin-portal loading="eager" endpoint=${s.endpoint}></scalekit-admin-portal>`);
      el.strings = { 'error.unauthenticated': '<img src=x onerror="window.pwned = true">', 'button.retry': 42 as unknown as string };
      await oneEvent(el, 'scalekit-error');
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('img')).to.equal(null);
      expect(panelText(el)).to.equal('<img src=x onerror="window.pwned = true">');
      expect(buttonText(el, 'error')).to.equal('42');
    });
  });
});
