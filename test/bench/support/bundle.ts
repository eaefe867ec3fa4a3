// esbuild builds shared by the size measurement and the time-to-portal page: minified ESM for the browser.
import { build } from 'esbuild';
import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');

/** Lit and its sub-packages, for builds that leave Lit to the host's bundle. */
const LIT_EXTERNAL = ['lit', 'lit/*', 'lit-html', 'lit-html/*', 'lit-element', 'lit-element/*', '@lit/reactive-element', '@lit/reactive-element/*'];

export interface Bundle {
  code: string;
  /** Minified bytes each source file contributes to the output, largest first. */
  inputs: { path: string; bytes: number }[];
}

export async function bundleForBrowser(entry: string, options: { litExternal?: boolean } = {}): Promise<string> {
  return (await bundleWithInputs(entry, options)).code;
}

export async function bundleWithInputs(entry: string, options: { litExternal?: boolean } = {}): Promise<Bundle> {
  const result = await build({
    entryPoints: [resolve(repoRoot, entry)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    tsconfig: resolve(repoRoot, 'tsconfig.json'),
    external: options.litExternal ? LIT_EXTERNAL : [],
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  return { code: result.outputFiles[0]!.text, inputs };
}
