// Builds the static demo host page (demo/) into demo-dist/, served by demo/server/main.ts.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'demo',
  build: {
    outDir: '../demo-dist',
    emptyOutDir: true,
  },
});
