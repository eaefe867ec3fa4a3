import { ReactiveElement, type PropertyDeclarations } from '@lit/reactive-element';
import { styles } from './admin-portal.styles.js';
import { portalEvent, type ErrorDetail, type ScalekitAdminPortalEventName } from './events.js';
import { LinkRequestError, fetchWith, requestLink } from './link-request.js';
import type { MessageKey, ScalekitAdminPortalStrings } from './locales/en.js';
import { LOCALE_EVENT } from './locales/registry.js';
import { langOf, translate } from './messages.js';
import { DEFAULT_ENDPOINT, DEFAULT_LOAD_TIMEOUT, toEndpoint, toFeatures, toLoadTimeout, toOrigins } from './options.js';
import type { FetchLink, PortalFeature, PortalLink, PortalMessage, PortalStatus } from './types.js';

/** `ORGANIZATION_SSO_ENABLED` → `scalekit-sso-enabled`, and the same for SSO/DIRECTORY × ENABLED/DISABLED. */
const CONFIGURATION_EVENT = /^ORGANIZATION_(SSO|DIRECTORY)_(EN|DIS)ABLED$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A new element with attributes, children and an optional click handler. */
function h(tag: string, attributes: Record<string, string>, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const name in attributes) node.setAttribute(name, attributes[name]!);
  node.append(...children);
  return node;
}

/** Writes only a change: a rewrite would re-announce a live region and replace a focused button's text. */
function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Origins given a `<link rel="preconnect">` already. */
const preconnected = new Set<string>();

/** Resolves true after `ms`, or false as soon as `signal` aborts (the timer is cleared either way). */
function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(done, ms, true);
    signal.addEventListener('abort', onAbort);
  });
}

/**
 * Embeds Scalekit's self-serve admin portal (SSO and SCIM directory sync) for the signed-in organization.
 * It asks the host's server for a fresh single-use link, frames it, trusts only messages from that frame and
 * that link's origin, and renews the session in place.
 *
 * @summary Scalekit's admin portal as one tag, safe by default.
 *
 * @fires scalekit-loading - A link request starts. `detail: { attempt }`.
 * @fires scalekit-ready - The portal loaded. `detail: { organizationId, expiresAt }`.
 * @fires scalekit-error - A failure the host should know of. `detail: { code, message, status?, retryable }`.
 * @fires scalekit-session-warning - The session ends soon; cancelable (hides the banner). `detail: { expiresAt }`.
 * @fires scalekit-session-expired - The session ended; cancelable (stops the renewal). `detail: { expiresAt }`.
 * @fires scalekit-sso-enabled - SSO was turned on in the portal. `detail: { organizationId, data }`.
 * @fires scalekit-sso-disabled - SSO was turned off in the portal. `detail: { organizationId, data }`.
 * @fires scalekit-directory-enabled - Directory sync was turned on. `detail: { organizationId, data }`.
 * @fires scalekit-directory-disabled - Directory sync was turned off. `detail: { organizationId, data }`.
 * @fires scalekit-portal-message - Every accepted portal message, known or not. `detail`: the raw payload.
 *
 * @attr lang - The language of the element's texts; without it, that of the closest ancestor with `lang`.
 * @attr defer-hydration - While present the element does nothing; removing it starts it. Rendered by servers
 * (and the React wrapper) so that the framework sets the properties before the first link request.
 *
 * @slot loading - Replaces the built-in skeleton shown while the portal loads.
 *
 * @csspart frame - The portal iframe.
 * @csspart status - The loading skeleton and the session-ended panel.
 * @csspart error - The error panel.
 * @csspart banner - The session-warning banner.
 * @csspart button - Every button ("Renew now", "Start a new session", "Retry").
 *
 * @cssprop [--scalekit-admin-portal-height=720px] - Height of the element (the portal wants at least 600px).
 * @cssprop [--scalekit-admin-portal-radius=8px] - Corner radius.
 * @cssprop [--scalekit-admin-portal-border=1px solid color-mix(in srgb, CanvasText 18%, transparent)] - Border around the element.
 * @cssprop [--scalekit-admin-portal-accent=#2557d6] - Button and banner colour.
 */
// Built on ReactiveElement with a few hand-made nodes rather than LitElement's templates: the same behaviour for
// about 3 KB less min+gzip on every host page, and the shadow DOM is small enough to keep by hand.
export class ScalekitAdminPortal extends ReactiveElement {
  static override styles = styles;

  // Declared here rather than with decorators: the same API, ~0.7 KB less min+gzip for every host page.
  static override properties: PropertyDeclarations = {
    endpoint: {},
    features: { converter: { fromAttribute: toFeatures } },
    loading: {},
    loadTimeout: { attribute: 'load-timeout', type: Number },
    frameTitle: { attribute: 'frame-title' },
    noAutoRenew: { attribute: 'no-auto-renew', type: Boolean },
    fetchLink: { attribute: false },
    portalOrigin: { attribute: 'portal-origin' },
    strings: { attribute: false },
    _status: { state: true },
    _link: { state: true },
    _error: { state: true },
    _warning: { state: true },
  };

  /** @internal Base of the exponential retry backoff in ms (waits base, 2×base, 4×base); tests lower it. */
  static retryBaseDelay = 500;
  /** @internal Retries after the first attempt for network, 5xx and 429 failures. */
  static maxRetries = 3;

  /** Where a fresh link is requested (`POST`, JSON body). Blank means the default. */
  endpoint = DEFAULT_ENDPOINT;

  /** Sections to scope the link to (`sso`, `dir_sync`); empty means all the server allows. Unknown values are ignored. */
  features: PortalFeature[] = [];

  /** `lazy` (default): request a link once near the viewport with the page visible. `eager`: on connect. */
  loading: 'lazy' | 'eager' = 'lazy';

  /** Ms to wait for the portal's load event before `load_timeout`. Not a positive number → 15000. */
  loadTimeout = DEFAULT_LOAD_TIMEOUT;

  /** The iframe's accessible title. Blank means "Admin portal" in the element's language (`frame.title`). */
  frameTitle = '';

  /** On session expiry show a "Start a new session" panel instead of renewing by itself. */
  noAutoRenew = false;

  /** Replaces the built-in `endpoint` request. Reject with `{ status, retryAfter? }` to report an HTTP failure. */
  fetchLink?: FetchLink;

  /**
   * Space-separated origins the portal may come from (`https://yourapp.scalekit.com`), each compared exactly with
   * the link's origin. When set, a link elsewhere is refused (`invalid_response`) and each origin is preconnected.
   */
  portalOrigin?: string;

  /** Texts to use instead of the built-in ones, by key (`{ 'button.retry': 'Try again' }`); see `locales/en`. */
  strings?: Partial<ScalekitAdminPortalStrings>;

  private _status: PortalStatus = 'idle';
  private _link: PortalLink | null = null;
  private _error: ErrorDetail | null = null;
  private _warning = false;
  private _expiresAt: Date | null = null;

  #controller?: AbortController;
  #pending?: Promise<void>;
  #loadTimer?: ReturnType<typeof setTimeout>;
  #observer?: IntersectionObserver;
  #stopWaiting?: () => void;
  #langObserver?: MutationObserver;
  /** What the error panel says, kept as a key so that it follows the language. */
  #errorMessage?: [MessageKey, Record<string, string>?];
  /** Set by an automatic renewal, cleared by a successful load: a second expiry in a row shows the panel instead of looping. */
  #renewing = false;
  /** Connected and not held back by `defer-hydration`. */
  #started = false;

  /** `idle`, `loading`, `ready`, `expired` or `error`; reflected as the `status` attribute (absent while idle). */
  get status(): PortalStatus {
    return this._status;
  }

  /** End of the current portal session, from the portal's events; `null` before the first. */
  get expiresAt(): Date | null {
    return this._expiresAt;
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'defer-hydration'];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A `lang` change on the element or any ancestor, up through every shadow root it sits in, re-renders the
    // texts. The callback runs only when a `lang` attribute changes: a page that never changes one does no work.
    const observer = (this.#langObserver ??= new MutationObserver(this.#rerender));
    for (let root: Node | undefined = this.getRootNode(); root; root = (root as ShadowRoot).host?.getRootNode()) {
      observer.observe(root, { attributeFilter: ['lang'], subtree: true });
    }
    addEventListener(LOCALE_EVENT, this.#rerender);
    if (!this.hasAttribute('defer-hydration')) this.#start();
  }

  #rerender = () => this.requestUpdate();

  /** The text for `key` in the element's language. */
  #t(key: MessageKey, params?: Record<string, string>): string {
    return translate(this, this.strings, key, params);
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    // `defer-hydration` (the community protocol for server-rendered custom elements): while present the element
    // waits; its removal means the framework has set the properties, so the element may start.
    if (name === 'defer-hydration') {
      if (value === null && this.isConnected && !this.#started) this.#start();
      return;
    }
    super.attributeChangedCallback(name, old, value);
  }

  #start(): void {
    this.#started = true;
    window.addEventListener('message', this.#onMessage);
    if (this.loading === 'eager') {
      // After the first render, a microtask away rather than a task: a framework that sets properties (features,
      // fetchLink) right after inserting the element, in the same task, is heard by the first request, and the
      // request does not wait for a later task (one cost 7 ms of a 94 ms start, measured on loopback).
      void this.updateComplete.then(() => {
        if (this.isConnected && this.#started && !this.#pending) void this.refresh();
      });
    } else {
      this.#observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((entry) => entry.isIntersecting)) {
            this.#observer?.disconnect();
            this.#whenVisible(() => void this.refresh());
          }
        },
        { rootMargin: '200px' },
      );
      this.#observer.observe(this);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#started = false;
    this.#langObserver?.disconnect();
    removeEventListener(LOCALE_EVENT, this.#rerender);
    window.removeEventListener('message', this.#onMessage);
    this.#controller?.abort();
    this.#pending = undefined;
    clearTimeout(this.#loadTimer);
    this.#observer?.disconnect();
    this.#stopWaiting?.();
    this._link = this._error = this._expiresAt = null;
    this._warning = this.#renewing = false;
    this.#setStatus('idle');
    // Drop the iframe now: a detached iframe re-inserted with its old src would load a used link again.
    this.performUpdate();
  }

  /**
   * Mints a fresh link now and loads it, renewing the session. Joins a request already in flight. Resolves once
   * the new link is in the frame or the attempt has failed (then `status` is `error` and `scalekit-error` fired).
   */
  refresh(): Promise<void> {
    if (!this.#started) return Promise.resolve();
    this.#observer?.disconnect();
    this.#stopWaiting?.();
    return (this.#pending ??= this.#load());
  }

  async #load(): Promise<void> {
    const controller = (this.#controller = new AbortController());
    try {
      await this.#attempts(controller.signal);
    } finally {
      // Cleared as soon as this load ends (not a microtask later), so a refresh() from an event handler starts anew.
      if (this.#controller === controller) this.#pending = undefined;
    }
  }

  async #attempts(signal: AbortSignal): Promise<void> {
    // Inputs captured once: a change while the request runs applies to the next link.
    const features = toFeatures(this.features);
    const fetchLink = this.fetchLink;
    const endpoint = toEndpoint(this.endpoint);
    const origins = toOrigins(this.portalOrigin);
    // Warms the connection to the portal while the link is minted, once per origin and page.
    for (const origin of origins ?? []) {
      if (preconnected.has(origin)) continue;
      preconnected.add(origin);
      document.head.append(h('link', { rel: 'preconnect', href: origin }));
    }
    clearTimeout(this.#loadTimer);
    this._error = null;
    this._warning = false;
    this.#setStatus('loading');
    for (let attempt = 1; ; attempt++) {
      this.dispatchEvent(portalEvent('scalekit-loading', { attempt }));
      let failure: LinkRequestError;
      try {
        const link = await (fetchLink ? fetchWith(fetchLink, features, signal) : requestLink(endpoint, features, signal));
        if (signal.aborted) return;
        const origin = new URL(link.location).origin;
        if (origins && !origins.includes(origin)) {
          return this.#fail(new LinkRequestError('invalid_response'), ['error.portal_origin', { origin }]);
        }
        if (Date.parse(link.expiresAt) > Date.now()) return this.#show(link);
        // Expired before use (slow network, sleeping laptop): discard it and ask again at once.
        failure = new LinkRequestError('invalid_response');
        if (attempt <= ScalekitAdminPortal.maxRetries) continue;
      } catch (error) {
        if (signal.aborted) return;
        failure = error instanceof LinkRequestError ? error : new LinkRequestError('network');
      }
      if (!failure.retryable || attempt > ScalekitAdminPortal.maxRetries) return this.#fail(failure);
      const delay = failure.retryAfterMs ?? ScalekitAdminPortal.retryBaseDelay * 2 ** (attempt - 1);
      if (!(await wait(delay, signal))) return;
    }
  }

  #show(link: PortalLink): void {
    this._link = link;
    const timeout = toLoadTimeout(this.loadTimeout);
    const params = { seconds: `${Math.round(timeout / 100) / 10}`, origin: location.origin };
    this.#loadTimer = setTimeout(() => this.#fail(new LinkRequestError('load_timeout'), ['error.load_timeout', params]), timeout);
  }

  #fail(error: LinkRequestError, text: [MessageKey, Record<string, string>?] = [`error.${error.code}`, { status: `${error.status}` }]): void {
    clearTimeout(this.#loadTimer);
    this._link = null;
    const { code, status, retryable } = error;
    this.#errorMessage = text;
    this._error = { code, message: this.#t(...text), retryable, ...(status ? { status } : {}) };
    this.#pending = undefined;
    this.#setStatus('error');
    this.dispatchEvent(portalEvent('scalekit-error', this._error));
  }

  #expire(expiresAt: string | null): void {
    if (this.#pending || this._status === 'expired') return; // a renewal is already under way
    clearTimeout(this.#loadTimer);
    this._warning = false;
    const renew =
      this.dispatchEvent(portalEvent('scalekit-session-expired', { expiresAt }, true)) && !this.noAutoRenew && !this.#renewing;
    this.#setStatus('expired');
    if (renew) {
      this.#renewing = true;
      this.#whenVisible(() => void this.refresh());
    } else {
      this._link = null;
    }
  }

  /** Runs `callback` now if the page is visible, else once it becomes visible (cancelled on disconnect). */
  #whenVisible(callback: () => void): void {
    this.#stopWaiting?.();
    if (document.visibilityState !== 'hidden') return callback();
    const onChange = () => {
      if (document.visibilityState === 'hidden') return;
      this.#stopWaiting?.();
      callback();
    };
    document.addEventListener('visibilitychange', onChange);
    this.#stopWaiting = () => {
      document.removeEventListener('visibilitychange', onChange);
      this.#stopWaiting = undefined;
    };
  }

  #setStatus(status: PortalStatus): void {
    this._status = status;
    // No attribute while idle: a server-rendered page hydrates against the markup it sent, which had none.
    if (status === 'idle') this.removeAttribute('status');
    else this.setAttribute('status', status);
    if (status === 'loading') this.setAttribute('aria-busy', 'true');
    else this.removeAttribute('aria-busy');
  }

  // Trust rule: this element's iframe AND the link's origin AND an object with a string event_type.
  #onMessage = (event: MessageEvent): void => {
    const link = this._link;
    const frame = this.#frame;
    if (!link || !frame || event.source !== frame.contentWindow || event.origin !== new URL(link.location).origin) return;
    const message = event.data as PortalMessage;
    if (!isRecord(message) || typeof message.event_type !== 'string') return;

    this.dispatchEvent(portalEvent('scalekit-portal-message', message));
    const data = isRecord(message.data) ? message.data : {};
    const organizationId = typeof message.organization_id === 'string' ? message.organization_id : null;
    const expiry = typeof data.expiry === 'string' && !Number.isNaN(Date.parse(data.expiry)) ? data.expiry : null;
    if (expiry) this._expiresAt = new Date(expiry);

    switch (message.event_type) {
      case 'PORTAL_LOAD_SUCCESS':
        clearTimeout(this.#loadTimer);
        this.#renewing = false;
        this._error = null;
        this.#setStatus('ready');
        this.dispatchEvent(portalEvent('scalekit-ready', { organizationId, expiresAt: expiry ?? '' }));
        return;
      case 'PORTAL_SESSION_WARNING':
        if (this.dispatchEvent(portalEvent('scalekit-session-warning', { expiresAt: expiry ?? '' }, true))) this._warning = true;
        return;
      case 'PORTAL_LOAD_FAILURE':
        if (data.error_code !== 'SESSION_EXPIRED') {
          if (this.#pending) return; // the old page failing while its replacement is on the way
          const code = data.error_code;
          const valid = typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code);
          return this.#fail(new LinkRequestError('portal_load_failure'), ['error.portal_load_failure', { code: valid ? code : message.event_type }]);
        }
        return this.#expire(expiry);
      case 'PORTAL_SESSION_EXPIRY':
        return this.#expire(expiry);
    }
    const [, section, state] = CONFIGURATION_EVENT.exec(message.event_type) ?? [];
    if (state) {
      const name = `scalekit-${section!.toLowerCase()}-${state.toLowerCase()}abled` as ScalekitAdminPortalEventName;
      this.dispatchEvent(portalEvent(name, { organizationId, data } as never));
    }
  };

  #renew = () => void this.refresh();

  // The shadow DOM, made once; update() shows, hides and fills its parts. A part that is not shown is not in the
  // tree at all, so neither assistive technology nor `::part()` sees it.
  #base?: HTMLElement;
  /** Nodes whose whole text is one key: the buttons and the session-ended line. */
  #labels: [HTMLElement, MessageKey][] = [];
  #banner?: HTMLElement;
  #bannerText?: HTMLElement;
  #stage?: HTMLElement;
  #skeleton?: HTMLElement;
  #ended?: HTMLElement;
  #errorPanel?: HTMLElement;
  #errorLine?: HTMLElement;
  #live?: HTMLElement;
  #frame: HTMLIFrameElement | null = null;
  /** The link in #frame. */
  #framed: PortalLink | null = null;

  #build(): void {
    const icon = () => h('i', { 'aria-hidden': 'true' });
    const label = (tag: string, key: MessageKey) => {
      const node = h(tag, tag === 'p' ? {} : { part: 'button' });
      if (tag !== 'p') node.addEventListener('click', this.#renew);
      this.#labels.push([node, key]);
      return node;
    };
    this.#bannerText = h('span', {});
    this.#banner = h('div', { part: 'banner', class: 'banner' }, this.#bannerText, label('button', 'button.renew'));
    this.#skeleton = h('div', { part: 'status', class: 'cover skeleton' }, h('slot', { name: 'loading' }, icon(), icon(), icon()));
    this.#ended = h('div', { part: 'status', class: 'cover' }, label('p', 'status.expired'), label('button', 'button.new_session'));
    this.#errorLine = h('p', {});
    this.#errorPanel = h('div', { part: 'error', class: 'cover', role: 'alert' }, this.#errorLine, label('button', 'button.retry'));
    this.#stage = h('div', { class: 'stage' });
    this.#live = h('div', { class: 'sr', role: 'status', 'aria-live': 'polite' });
    this.renderRoot.append((this.#base = h('div', { class: 'base' }, this.#stage, this.#live)));
  }

  protected override update(changed: Map<PropertyKey, unknown>): void {
    super.update(changed);
    if (!this.#stage) this.#build();
    const { _status: status, _link: link, _error: error } = this;
    const stage = this.#stage!;
    // Texts follow the language on every update: the element's or an ancestor's `lang`, `strings`, translations.
    this.#base!.dir = this.#t('dir');
    for (const [node, key] of this.#labels) setText(node, this.#t(key));

    const showBanner = this._warning && status === 'ready';
    if (showBanner) {
      const end = this._expiresAt;
      const format = (locale: string | string[]) => end?.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
      let time;
      try {
        time = format(langOf(this)); // the time as the text's language writes it
      } catch {
        time = format([]); // a lang Intl does not accept ('', en_US): as the browser writes it
      }
      setText(this.#bannerText!, time ? this.#t('status.expiring_at', { time }) : this.#t('status.expiring'));
      if (!this.#banner!.isConnected) stage.before(this.#banner!);
    } else {
      this.#banner!.remove();
    }

    // One iframe per link: changing src on a used iframe would add a browser-history entry, and Back would then
    // reload a used link. An iframe is never moved either: moving it reloads it.
    if (this.#frame && this.#framed !== link) {
      this.#frame.remove();
      this.#frame = null;
    }
    if (link && !this.#frame) {
      this.#frame = h('iframe', { part: 'frame', allow: 'clipboard-write', src: link.location }) as HTMLIFrameElement;
      this.#framed = link;
      stage.prepend(this.#frame);
    }
    if (this.#frame) this.#frame.title = this.frameTitle || this.#t('frame.title');

    if (error) setText(this.#errorLine!, this.#t(...this.#errorMessage!));
    // The covers in their order (later ones paint above earlier ones), each inserted only when missing so that a
    // focused button keeps its focus.
    const covers: [HTMLElement, unknown][] = [
      [this.#skeleton!, status === 'idle' || status === 'loading' || (status === 'expired' && link)],
      [this.#ended!, status === 'expired' && !link],
      [this.#errorPanel!, error],
    ];
    let next: HTMLElement | null = null;
    for (const [cover, shown] of covers.reverse()) {
      if (!shown) {
        cover.remove();
        continue;
      }
      if (cover.parentNode !== stage || cover.nextSibling !== next) stage.insertBefore(cover, next);
      next = cover;
    }
    // The polite live region says what changed; nothing while idle, nor on error (the panel is an alert itself).
    setText(this.#live!, status === 'idle' || status === 'error' ? '' : this.#t(showBanner ? 'status.expiring' : `status.${status}`));
  }
}
