#!/usr/bin/env node
// After tsc: bundles each library an agent embeds (core, verifier, agent) into one ES module,
// keeping imports of other @agentid packages and of node built-ins external. Node's ESM loader
// pays per file (resolve, stat, read, compile): one file instead of about 25 halves the
// verifier's import time, which is most of its cold start (docs/performance.md). tsc's output
// beside it still serves types and source maps.
import { build } from 'esbuild'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

for (const name of ['core', 'verifier', 'agent']) {
  const dir = join(root, 'packages', name)
  await build({
    entryPoints: [join(dir, 'dist', 'index.js')],
    outfile: join(dir, 'dist', 'index.bundle.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@agentid/*'],
    sourcemap: true,
    logLevel: 'warning',
  })
}
