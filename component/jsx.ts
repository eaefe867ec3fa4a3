// JSX types for the bare `<scalekit-admin-portal>` tag in React 19 TSX. Types only, in a module of its own, so a
// page that does not use React never needs @types/react: `import type {} from 'scalekit-admin-portal/jsx'` once
// (the `scalekit-admin-portal/react` entry includes it).
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { ScalekitAdminPortal } from './admin-portal.js';
import type { ScalekitAdminPortalEventMap } from './events.js';
import type { ScalekitAdminPortalStrings } from './locales/en.js';
import type { FetchLink, PortalFeature } from './types.js';

type EventProps = {
  // React 19 adds a listener for `on<event-name>` on a custom element: `onscalekit-ready={(e) => …}`.
  [K in keyof ScalekitAdminPortalEventMap as `on${K}`]?: (event: ScalekitAdminPortalEventMap[K]) => void;
};

/** What `<scalekit-admin-portal>` accepts in React 19 JSX: its attributes, its properties and its events. */
export interface ScalekitAdminPortalJsxProps
  extends Omit<DetailedHTMLProps<HTMLAttributes<ScalekitAdminPortal>, ScalekitAdminPortal>, 'onError'>,
    EventProps {
  endpoint?: string;
  /** An array (set as the property) or space-separated text (the attribute, which also server-renders). */
  features?: PortalFeature[] | string;
  loading?: 'lazy' | 'eager';
  loadTimeout?: number;
  'load-timeout'?: number | string;
  frameTitle?: string;
  'frame-title'?: string;
  noAutoRenew?: boolean;
  'no-auto-renew'?: boolean;
  /** Space-separated origins the portal may come from; a link elsewhere is refused. */
  portalOrigin?: string;
  'portal-origin'?: string;
  /** Overrides for single texts, by key (see `scalekit-admin-portal/locales/en`). A property, like fetchLink. */
  strings?: Partial<ScalekitAdminPortalStrings>;
  /** A property: React 19 sets it on a client render, but not when hydrating server-rendered markup. */
  fetchLink?: FetchLink;
  /** While present the element does nothing; remove it once its properties are set. */
  'defer-hydration'?: boolean | '';
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'scalekit-admin-portal': ScalekitAdminPortalJsxProps;
    }
  }
}
