// `scalekit-admin-portal/react`: the element as a React component. Properties (arrays, functions) are set
// before the element may start, on a client render and when hydrating server-rendered markup alike.
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { ScalekitAdminPortal as ScalekitAdminPortalElement } from './admin-portal.js';
import './define.js';
import type {
  ConfigurationDetail, ErrorDetail, LoadingDetail, ReadyDetail, SessionExpiredDetail, SessionWarningDetail,
} from './events.js';
import type { FetchLink, PortalFeature, PortalMessage } from './types.js';

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

const event = <D>(name: string) => name as EventName<CustomEvent<D>>;

const Wrapped = createComponent({
  react: React,
  tagName: 'scalekit-admin-portal',
  elementClass: ScalekitAdminPortalElement,
  displayName: 'ScalekitAdminPortal',
  events: {
    onLoading: event<LoadingDetail>('scalekit-loading'),
    onReady: event<ReadyDetail>('scalekit-ready'),
    onError: event<ErrorDetail>('scalekit-error'),
    onSessionWarning: event<SessionWarningDetail>('scalekit-session-warning'),
    onSessionExpired: event<SessionExpiredDetail>('scalekit-session-expired'),
    onSsoEnabled: event<ConfigurationDetail>('scalekit-sso-enabled'),
    onSsoDisabled: event<ConfigurationDetail>('scalekit-sso-disabled'),
    onDirectoryEnabled: event<ConfigurationDetail>('scalekit-directory-enabled'),
    onDirectoryDisabled: event<ConfigurationDetail>('scalekit-directory-disabled'),
    onPortalMessage: event<PortalMessage>('scalekit-portal-message'),
  },
});

/**
 * `<scalekit-admin-portal>` for React 17–19, server-rendered (Next.js App Router, Remix) or client-only.
 *
 * It renders the tag with `defer-hydration`, which holds the element back; the wrapper sets the properties in a
 * layout effect and then removes the attribute, so the first link request always uses these props.
 *
 * @example
 * <ScalekitAdminPortal features={['sso']} fetchLink={myFetchLink} onReady={(e) => console.log(e.detail.organizationId)} />
 */
export const ScalekitAdminPortal: React.ForwardRefExoticComponent<
  ScalekitAdminPortalProps & React.RefAttributes<ScalekitAdminPortalElement>
> = React.forwardRef<ScalekitAdminPortalElement, ScalekitAdminPortalProps>((props, ref) =>
  React.createElement(Wrapped, { ...props, ref, 'defer-hydration': '' } as React.ComponentProps<typeof Wrapped>),
);
ScalekitAdminPortal.displayName = 'ScalekitAdminPortal';

export { ScalekitAdminPortalElement };
