// Custom Elements Manifest analyzer settings for npm run build (scripts/build.mjs).
export default {
  globs: ['component/**/*.ts'],
  outdir: 'dist',
  litelement: true,
  quiet: true,
  // package.json already names dist/custom-elements.json; the analyzer must not rewrite it.
  packagejson: false,
};
