// The page both sides render: react-dom/server in Node (the react-ssr command), then hydrateRoot in Chromium.
// Functions (fetchLink, event handlers) are given on the client only; the server never sees them, as in a real app.
import { createElement, useEffect, type Ref } from 'react';
import type { ScalekitAdminPortal as ScalekitAdminPortalElement } from '../../../../component/admin-portal.js';
import { ScalekitAdminPortal, type ScalekitAdminPortalProps } from '../../../../component/react.js';

export interface AppProps extends ScalekitAdminPortalProps {
  /** `wrapper`: the React component; `bare`: the `<scalekit-admin-portal>` tag as React 19 renders it. */
  kind: 'wrapper' | 'bare';
  /** For the bare tag: attributes and properties exactly as written in JSX. */
  bare?: Record<string, unknown>;
  /** React 19 passes a ref to a function component as a prop; App hands it on to the wrapper. */
  ref?: Ref<ScalekitAdminPortalElement>;
  /** Called once React committed the tree (on the client only: effects do not run on the server). */
  onCommit?: () => void;
}

export function App({ kind, bare, onCommit, ...props }: AppProps) {
  useEffect(() => onCommit?.(), [onCommit]);
  return createElement(
    'main',
    null,
    createElement('h1', null, 'Settings'),
    kind === 'wrapper' ? createElement(ScalekitAdminPortal, props) : createElement('scalekit-admin-portal', bare),
  );
}
