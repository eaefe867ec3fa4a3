// Builds the static demo host pages (demo/) into demo-dist/, served by demo/server/main.ts: the customer's
// Settings › Security page, Northwind's staff console, and the page a setup link opens.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'demo',
  build: {
    outDir: '../demo-dist',
    emptyOutDir: true,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'demo/index.html'),
        staff: resolve(import.meta.dirname, 'demo/staff.html'),
        setup: resolve(import.meta.dirname, 'demo/setup.html'),
      },
    },
  },
});
