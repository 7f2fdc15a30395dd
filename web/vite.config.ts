import { defineConfig } from 'vite';

// During `npm run dev`, API calls go to a locally running `openkap serve`
// (set OPENKAP_DEV_API, default http://127.0.0.1:8080) so cookies stay same-origin.
const devApi = process.env.OPENKAP_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The server's CSP forbids inline scripts; modern browsers need no preload polyfill.
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': { target: devApi, changeOrigin: false },
      '/healthz': { target: devApi },
    },
  },
});
