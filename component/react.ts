// `scalekit-admin-portal/react`: the element as a React component. Properties (arrays, functions) are set
// before the element may start, on a client render and when hydrating server-rendered markup alike. Written
// here rather than with a wrapper generator so the package pulls in nothing React-only.
import * as React from 'react';
import { ScalekitAdminPortal as ScalekitAdminPortalElement } from './admin-portal.js';
import './define.js';
import type {
  ConfigurationDetail, ErrorDetail, LoadingDetail, ReadyDetail, SessionExpiredDetail, SessionWarningDetail,
} from './events.js';
import type { FetchLink, PortalFeature, PortalMessage } from './types.js';
import type { ScalekitAdminPortalStrings } from './locales/en.js';

export type { ScalekitAdminPortalJsxProps } from './jsx.js';

type Handler<D> = (event: CustomEvent<D>) => void;

/** Props of `<ScalekitAdminPortal>`: the element's properties and one `on…` prop per event. */
export interface ScalekitAdminPortalProps
  extends Omit<React.HTMLAttributes<ScalekitAdminPortalElement>, 'onError' | 'onLoad'> {
  /** Where a fresh link is requested (`POST`). Default `/api/scalekit/portal-link`. */
  endpoint?: string;
  /** Sections to scope the link to; empty or absent means all the server allows. */
  features?: PortalFeature[];
  /** `lazy` (default): once near the viewport with the page visible; `eager`: at once. */
  loading?: 'lazy' | 'eager';
  /** Ms to wait for the portal to load before `load_timeout`. Default 15000. */
  loadTimeout?: number;
  /** The iframe's accessible title. Default `Admin portal`. */
  frameTitle?: string;
  /** On session expiry show a "Start a new session" panel instead of renewing by itself. */
  noAutoRenew?: boolean;
  /** Replaces the built-in `endpoint` request. */
  fetchLink?: FetchLink;
  /** Space-separated origins the portal may come from; a link elsewhere is refused. Recommended in production. */
  portalOrigin?: string;
  /** Overrides for any visible text or announcement, by key (see `scalekit-admin-portal/locales/en`). */
  strings?: Partial<ScalekitAdminPortalStrings>;
  onLoading?: Handler<LoadingDetail>;
  onReady?: Handler<ReadyDetail>;
  onError?: Handler<ErrorDetail>;
  onSessionWarning?: Handler<SessionWarningDetail>;
  onSessionExpired?: Handler<SessionExpiredDetail>;
  onSsoEnabled?: Handler<ConfigurationDetail>;
  onSsoDisabled?: Handler<ConfigurationDetail>;
  onDirectoryEnabled?: Handler<ConfigurationDetail>;
  onDirectoryDisabled?: Handler<ConfigurationDetail>;
  onPortalMessage?: Handler<PortalMessage>;
}

/** The element's own properties, set on it (never rendered as attributes, so React 18 and 19 agree). */
const PROPERTIES = [
  'endpoint', 'features', 'loading', 'loadTimeout', 'frameTitle', 'noAutoRenew', 'fetchLink', 'portalOrigin', 'strings',
] as const;

/** Each `on…` prop and the DOM event it listens to. */
const EVENTS = {
  onLoading: 'scalekit-loading',
  onReady: 'scalekit-ready',
  onError: 'scalekit-error',
  onSessionWarning: 'scalekit-session-warning',
  onSessionExpired: 'scalekit-session-expired',
  onSsoEnabled: 'scalekit-sso-enabled',
  onSsoDisabled: 'scalekit-sso-disabled',
  onDirectoryEnabled: 'scalekit-directory-enabled',
  onDirectoryDisabled: 'scalekit-directory-disabled',
  onPortalMessage: 'scalekit-portal-message',
} as const satisfies Partial<Record<keyof ScalekitAdminPortalProps, string>>;

type PropertyName = (typeof PROPERTIES)[number];
type EventProp = keyof typeof EVENTS;

// Layout effects run before paint and before the element's own first request; on the server they do not run
// (and React warns about useLayoutEffect there), so the server gets a plain effect it never calls.
const useClientLayoutEffect = typeof document === 'undefined' ? React.useEffect : React.useLayoutEffect;

/**
 * `<scalekit-admin-portal>` for React 18 and 19, server-rendered (Next.js App Router, Remix) or client-only.
 *
 * It renders the tag with `defer-hydration`, which holds the element back; the wrapper sets the properties in a
 * layout effect and then removes the attribute, so the first link request always uses these props.
 *
 * @example
 * <ScalekitAdminPortal features={['sso']} fetchLink={myFetchLink} onReady={(e) => console.log(e.detail.organizationId)} />
 */
export const ScalekitAdminPortal: React.ForwardRefExoticComponent<
  ScalekitAdminPortalProps & React.RefAttributes<ScalekitAdminPortalElement>
> = React.forwardRef<ScalekitAdminPortalElement, ScalekitAdminPortalProps>((props, forwardedRef) => {
  const element = React.useRef<ScalekitAdminPortalElement | null>(null);
  const latest = React.useRef(props);
  latest.current = props;

  const htmlProps: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(props)) {
    if (!(PROPERTIES as readonly string[]).includes(name) && !(name in EVENTS)) htmlProps[name] = value;
  }

  const setRef = React.useCallback(
    (node: ScalekitAdminPortalElement | null) => {
      element.current = node;
      if (typeof forwardedRef === 'function') forwardedRef(node);
      else if (forwardedRef) forwardedRef.current = node;
    },
    [forwardedRef],
  );

  // Every render: the element's properties follow the props (an unchanged value is not set again).
  useClientLayoutEffect(() => {
    const el = element.current;
    if (!el) return;
    for (const name of PROPERTIES) {
      const value = props[name];
      if (value !== undefined && el[name] !== value) (el as unknown as Record<PropertyName, unknown>)[name] = value;
    }
  });

  // Once: one listener per event that calls whatever handler the latest props hold, then the element may start.
  useClientLayoutEffect(() => {
    const el = element.current;
    if (!el) return;
    const listeners = (Object.keys(EVENTS) as EventProp[]).map((prop) => {
      const listener = (event: Event) => (latest.current[prop] as ((e: Event) => void) | undefined)?.(event);
      el.addEventListener(EVENTS[prop], listener);
      return () => el.removeEventListener(EVENTS[prop], listener);
    });
    el.removeAttribute('defer-hydration');
    return () => listeners.forEach((remove) => remove());
  }, []);

  return React.createElement('scalekit-admin-portal', {
    ...htmlProps,
    ref: setRef,
    'defer-hydration': '',
    suppressHydrationWarning: true,
  });
});
ScalekitAdminPortal.displayName = 'ScalekitAdminPortal';

export { ScalekitAdminPortalElement };
