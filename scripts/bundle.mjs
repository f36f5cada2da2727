#!/usr/bin/env node
// After tsc: bundles each library an agent embeds (core, verifier, agent) into one ES module,
// keeping imports of other @agentid packages and of node built-ins external. Node's ESM loader
// pays per file (resolve, stat, read, compile): one file instead of about 25 halves the
// verifier's import time, which is most of its cold start (docs/performance.md). tsc's output
// beside it still serves types and source maps.
//
// Then the `agentid` command (packages/cli/bin/agentid.js loads dist/bin.bundle.js): the CLI's
// own modules and commander in one file, about 40 ms off every command's start. The @agentid
// packages stay outside it: the issuer, loaded only by the commands that open a database, must
// share the one copy of @agentid/core (its errors are recognised with instanceof).
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

const cli = join(root, 'packages', 'cli')
await build({
  entryPoints: [join(cli, 'dist', 'bin.js')],
  outfile: join(cli, 'dist', 'bin.bundle.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@agentid/*'],
  // commander is CommonJS: its require() calls of node built-ins need a require in an ES module.
  banner: { js: "import { createRequire as __agentidCreateRequire } from 'node:module'; const require = __agentidCreateRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
})
