// Builds the static demo host pages (demo/web/) into demo-dist/, served by demo/server/main.ts: the customer's
// Settings › Security page, Northwind's staff console, the page a setup link opens, and the employees' sign-in
// and workspace pages.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'demo/web',
  build: {
    outDir: '../../demo-dist',
    emptyOutDir: true,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'demo/web/index.html'),
        staff: resolve(import.meta.dirname, 'demo/web/staff.html'),
        setup: resolve(import.meta.dirname, 'demo/web/setup.html'),
        signin: resolve(import.meta.dirname, 'demo/web/signin.html'),
        workspace: resolve(import.meta.dirname, 'demo/web/workspace.html'),
      },
    },
  },
});
