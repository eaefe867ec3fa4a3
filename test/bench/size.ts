// 1. Size: the element as a host ships it (minified ESM, gzip), with its runtime (@lit/reactive-element) bundled
// and with Lit external, beside the floor — a LitElement that only renders an iframe — built the same way; and the
// React entry without React. `npm run size` holds the same figures to a budget (.size-limit.json).
import { gzipSync } from 'node:zlib';
import { bundleWithInputs, type BrowserBundleOptions } from './support/bundle.js';
import { kib, type BenchSection } from './support/report.js';
import { ratio } from './support/stats.js';

const ELEMENT_ENTRY = 'component/index.ts';
const FLOOR_ENTRY = 'test/bench/floor/floor-element.ts';
const REACT_ENTRY = 'component/react.ts';
const TARGET_WITH_LIT_BYTES = 8 * 1024;
const TARGET_RATIO = 1.3;

interface Sizes {
  minified: number;
  gzip: number;
  /** Minified bytes per source file (before gzip). */
  inputs: { path: string; bytes: number }[];
}

async function sizesOf(entry: string, options: BrowserBundleOptions = {}): Promise<Sizes> {
  const bundle = await bundleWithInputs(entry, options);
  const code = Buffer.from(bundle.code);
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs: bundle.inputs };
}

export async function measureSize(_context?: unknown): Promise<BenchSection> {
  const element = { withLit: await sizesOf(ELEMENT_ENTRY), litExternal: await sizesOf(ELEMENT_ENTRY, { litExternal: true }) };
  // The React entry as a React app ships it: the element, @lit/react and the wrapper; React is the app's own.
  const react = await sizesOf(REACT_ENTRY, { external: ['react', 'react-dom'] });
  const floor = { withLit: await sizesOf(FLOOR_ENTRY), litExternal: await sizesOf(FLOOR_ENTRY, { litExternal: true }) };
  const ratioWithLit = ratio(element.withLit.gzip, floor.withLit.gzip);
  const ratioLitExternal = ratio(element.litExternal.gzip, floor.litExternal.gzip);

  return {
    id: 'size',
    title: 'Size (esbuild --minify, ESM, gzip -9)',
    head: ['build', 'element min', 'element min+gzip', 'floor min+gzip', 'ratio'],
    rows: [
      ['Lit bundled', kib(element.withLit.minified), kib(element.withLit.gzip), kib(floor.withLit.gzip), `${ratioWithLit}×`],
      ['Lit external', kib(element.litExternal.minified), kib(element.litExternal.gzip), kib(floor.litExternal.gzip), `${ratioLitExternal}×`],
      ['`/react` entry, React external', kib(react.minified), kib(react.gzip), '—', '—'],
    ],
    checks: [
      {
        target: '≤ 8 KiB min+gzip with Lit',
        measured: kib(element.withLit.gzip),
        met: element.withLit.gzip <= TARGET_WITH_LIT_BYTES,
      },
      {
        target: `≤ ${TARGET_RATIO}× the floor (Lit bundled)`,
        measured: `${ratioWithLit}×`,
        met: ratioWithLit === null ? null : ratioWithLit <= TARGET_RATIO,
      },
    ],
    notes: [
      `The element's own code, minified bytes before gzip: ${element.litExternal.inputs
        .map((input) => `${input.path.replace(/^component\//, '')} ${input.bytes}`)
        .join(', ')}.`,
      'The floor is test/bench/floor/floor-element.ts: one `src` property and an iframe, nothing else. ' +
        'With Lit external, the ratio compares only the code each element adds on top of Lit. ' +
        'The element is built on @lit/reactive-element alone (no lit-html templates), the floor on LitElement.',
    ],
    data: { element, floor, react, ratioWithLit, ratioLitExternal, targets: { withLitBytes: TARGET_WITH_LIT_BYTES, ratio: TARGET_RATIO } },
  };
}

