// The bare tag type-checks in React 19 TSX with the package's own JSX types, and wrong props do not.
// Runs tsc on a small TSX file (node --import tsx --test test/component/react/jsx-types.node.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');

test('<scalekit-admin-portal> and <ScalekitAdminPortal> type-check in React 19 TSX; wrong props are errors', () => {
  const dir = resolve(root, 'node_modules/.cache/scalekit-jsx-types');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    resolve(dir, 'usage.tsx'),
    `import type {} from '../../../component/jsx.js';
import { ScalekitAdminPortal } from '../../../component/react.js';
import type { PortalLink } from '../../../component/types.js';
declare const link: PortalLink;
export const bare = (
  <scalekit-admin-portal features={['sso']} fetchLink={async () => link} loading="eager" load-timeout="5000"
    onscalekit-ready={(e) => e.detail.organizationId?.toUpperCase()} suppressHydrationWarning />
);
export const text = <scalekit-admin-portal features="sso dir_sync" endpoint="/api/portal-link" />;
export const wrapper = (
  <ScalekitAdminPortal features={['dir_sync']} onReady={(e) => e.detail.expiresAt.length} onError={(e) => e.detail.code} />
);
// @ts-expect-error: not a feature
export const badFeature = <ScalekitAdminPortal features={['saml']} />;
// @ts-expect-error: loading is lazy or eager
export const badLoading = <scalekit-admin-portal loading="soon" />;
// @ts-expect-error: the error detail has no organizationId
export const badEvent = <ScalekitAdminPortal onError={(e) => e.detail.organizationId} />;
`,
  );
  writeFileSync(
    resolve(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', jsx: 'react-jsx', strict: true, noEmit: true,
        experimentalDecorators: true, useDefineForClassFields: false, skipLibCheck: true, lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        types: [],
      },
      files: ['usage.tsx'],
    }),
  );
  const { status, stdout, stderr } = spawnSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', dir], {
    encoding: 'utf8',
  });
  assert.equal(status, 0, stdout + stderr);
});
