// Where translations are kept: on globalThis under a registered symbol, so a translation imported from the package
// reaches an element loaded from the single-file bundle (or a second copy of the package) alike.
import type { ScalekitAdminPortalStrings } from './en.js';

/** Dispatched on globalThis when a translation is registered: elements already on the page render again. */
export const LOCALE_EVENT = 'scalekit-admin-portal-locales';
/** The key of the translations on globalThis (the event's name, so that the bundle carries the text once). */
export const LOCALES = Symbol.for(LOCALE_EVENT);

/** Translations by lower-case language tag. */
export type Locales = Record<string, Partial<ScalekitAdminPortalStrings>>;

/** The registered translations (none until a `locales/<lang>` module or `registerLocale` adds one). */
export const registeredLocales = (): Locales => (globalThis as { [LOCALES]?: Locales })[LOCALES] ?? {};

/**
 * Registers the element's texts for a language tag (`de`, `pt-BR`). A regional tag also serves its primary
 * subtag until a translation for that one is registered (`pt-BR` for a page in `pt` or `pt-PT`). Keys left out
 * fall back to English.
 *
 * @example registerLocale('it', { 'button.retry': 'Riprova', … })
 */
export function registerLocale(tag: string, strings: Partial<ScalekitAdminPortalStrings>): void {
  const locales = ((globalThis as { [LOCALES]?: Locales })[LOCALES] ??= Object.create(null) as Locales);
  const [primary, region] = tag.toLowerCase().split('-');
  locales[tag.toLowerCase()] = strings;
  if (region) locales[primary!] ??= strings;
  // In a browser only: importing a translation on a server must not need a DOM.
  (globalThis as Partial<EventTarget>).dispatchEvent?.(new Event(LOCALE_EVENT));
}
