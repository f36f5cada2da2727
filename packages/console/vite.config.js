import { defineConfig } from 'vite'

// The console is served by the issuer at /console (packages/issuer/src/http/console-routes.ts).
// No inline script or style anywhere: the issuer's Content-Security-Policy forbids them.
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
})
