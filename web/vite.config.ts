import { defineConfig } from 'vitest/config';

// No @types/node on purpose (minimal deps): only the env lookup below needs it.
declare const process: { env: Record<string, string | undefined> };

/**
 * `PORTAL_BACKEND=http://127.0.0.1:8000 npm run dev` proxies the backend routes so the
 * dev server behaves like the real deployment (same origin for config.json, /api, /oidc, /ws).
 */
const backend = process.env.PORTAL_BACKEND;
const proxied = ['/config.json', '/api', '/oidc'];

export default defineConfig({
  // Relative asset URLs: the bundle works from any path (local server, S3 + CloudFront prefix).
  base: './',
  // Plain esbuild JSX (no @vitejs/plugin-react needed).
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2020',
  },
  server: backend
    ? {
        proxy: {
          ...Object.fromEntries(proxied.map((p) => [p, { target: backend, changeOrigin: true }])),
          '/ws': { target: backend.replace(/^http/, 'ws'), ws: true, changeOrigin: true },
        },
      }
    : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
