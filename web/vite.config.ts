import { defineConfig } from 'vite';

/*
 * The web client: `npm run build:web` (vite build web) writes web/dist. JSX goes through Vite's
 * built-in transform (automatic runtime), so no React plugin is needed. `base: './'` keeps every
 * asset URL relative, so the same build works from any path (local server, CloudFront).
 */
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: { port: 5173 },
});
