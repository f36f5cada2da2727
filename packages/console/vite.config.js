import { defineConfig } from 'vite'

// The console is served by the issuer at /console (packages/issuer/src/http/console-routes.ts),
// from the issuer package's own dist/console: the built files ship with @agentid/issuer (the
// container image and any install of the package serve them), this package does not.
// No inline script or style anywhere: the issuer's Content-Security-Policy forbids them.
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../issuer/dist/console',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
})
