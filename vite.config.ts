import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web console. `npm run build:web` (or `npm start`, through scripts/build-web.ts) writes
 * dist/web, which the Fastify server serves at `/`. `npx vite` serves it with hot reload and
 * proxies the API to a server on API_PROXY_TARGET (default http://127.0.0.1:8080).
 * Everything is bundled: no CDN, no remote fonts, tiles or glyphs (offline security network).
 */
const api = process.env.API_PROXY_TARGET ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  base: '/',
  publicDir: false,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'maplibre', test: /node_modules[\\/]maplibre-gl/ },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[a-z-]+)[\\/]/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      // The API, but not the console's own modules in src/web/api/ (served as /api/*.ts in dev).
      '^/api/(?![^?]*\\.tsx?(\\?|$))': api,
      '/docs': api,
    },
  },
});
