import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API and the WebSocket to a running binary
// (AW_API, default http://127.0.0.1:8001), so the app is same-origin as in production.
const api = process.env.AW_API ?? 'http://127.0.0.1:8001';

const proxy = {
  '/api': { target: api, changeOrigin: false },
  '/ws': { target: api.replace(/^http/, 'ws'), ws: true },
};

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    sourcemap: false,
    target: 'es2020',
    // The CSP forbids inline scripts: Vite's module preload polyfill would be inlined.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 400,
  },
  server: { proxy },
  preview: { proxy },
});
