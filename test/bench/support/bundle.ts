// esbuild builds shared by the size measurement and the time-to-portal page (minified ESM for the browser),
// and the endpoint child built for Node, run without the tsx loader.
import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');

/** Lit and its sub-packages, for builds that leave Lit to the host's bundle. */
const LIT_EXTERNAL = ['lit', 'lit/*', 'lit-html', 'lit-html/*', 'lit-element', 'lit-element/*', '@lit/reactive-element', '@lit/reactive-element/*'];

export interface Bundle {
  code: string;
  /** Minified bytes each source file contributes to the output, largest first. */
  inputs: { path: string; bytes: number }[];
}

export interface BrowserBundleOptions {
  /** Leave Lit to the host's bundle. */
  litExternal?: boolean;
  /** Other packages the host provides (React for the React entry). */
  external?: string[];
}

export async function bundleForBrowser(entry: string, options: BrowserBundleOptions = {}): Promise<string> {
  return (await bundleWithInputs(entry, options)).code;
}

export async function bundleWithInputs(entry: string, options: BrowserBundleOptions = {}): Promise<Bundle> {
  const result = await build({
    entryPoints: [resolve(repoRoot, entry)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    tsconfig: resolve(repoRoot, 'tsconfig.json'),
    external: [...(options.litExternal ? LIT_EXTERNAL : []), ...(options.external ?? [])],
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

/**
 * Build a bench child (`support/….ts`) into one ESM file for Node, its npm dependencies left to node_modules,
 * and return its path. Run by node alone, the process holds only what a host's built server would: tsx runs
 * its loader on a thread of its own, with a V8 heap that process.memoryUsage() does not see.
 */
export async function buildForNode(script: string): Promise<string> {
  const outdir = resolve(repoRoot, 'node_modules/.cache/scalekit-admin-portal-bench');
  await mkdir(outdir, { recursive: true });
  const outfile = resolve(outdir, basename(script).replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [resolve(repoRoot, 'test/bench', script)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    tsconfig: resolve(repoRoot, 'tsconfig.json'),
    logLevel: 'silent',
  });
  return outfile;
}
