// The element's texts in the language of the page around it. A text comes from the host's `strings`, else the
// translation registered for the language (scalekit-admin-portal/locales/<lang>), else English, key by key.
import { en, type MessageKey, type ScalekitAdminPortalStrings } from './locales/en.js';
import { registeredLocales } from './locales/registry.js';

/** The `lang` in force at `node`: its own or its closest ancestor's, across shadow roots; '' when none says. */
export function langOf(node: Element): string {
  for (let at: Element | undefined = node; at; at = (at.getRootNode() as ShadowRoot).host) {
    const found = at.closest('[lang]');
    if (found) return found.getAttribute('lang')!;
  }
  return '';
}

/**
 * The text for `key` at `host`: `strings`, else the translation for the `lang` in force (its exact tag, then its
 * primary subtag: `de-CH` → `de`), else English; `{name}` placeholders filled from `params`.
 */
export function translate(
  host: Element,
  strings: Partial<ScalekitAdminPortalStrings> | undefined,
  key: MessageKey,
  params: Record<string, string> = {},
): string {
  const locales = registeredLocales();
  const tag = langOf(host).toLowerCase();
  const text = strings?.[key] ?? (locales[tag] ?? locales[tag.split('-')[0]!])?.[key] ?? en[key];
  // String(): whatever a host put in `strings` is shown as text, never run.
  return String(text).replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    // hasOwn: a `{constructor}` in a host's text is left as it is, not filled from Object.prototype.
    Object.hasOwn(params, name) ? params[name]! : placeholder,
  );
}
