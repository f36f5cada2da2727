import assert from 'node:assert/strict'
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../scripts/line-process.mjs'
import { waitForOutput } from './support/process-output.js'

// Each package as a user gets it: `npm pack` in the repository, `npm install` of the tarballs in
// a fresh project outside it (nothing to fall back on: no workspace links, no hoisted
// node_modules of the monorepo), then real work with the installed code and a strict type-check
// of a consumer file against the installed types.
//
// @agentid/issuer depends on better-sqlite3, whose install script compiles SQLite (one to two
// minutes here). By default the install skips install scripts and the fresh project receives the
// repository's own compiled better_sqlite3.node, for the same better-sqlite3 version: everything
// but that compile is checked in the normal suite. AGENTID_PACK_FULL=1 installs as a user does,
// install scripts and compile included (docs/performance.md, "Packaging").
const FULL = process.env.AGENTID_PACK_FULL === '1'
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const FIXTURES = join(ROOT, 'test', 'packaging')
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
const PACKAGES = ['core', 'verifier', 'agent', 'mcp', 'a2a', 'issuer', 'cli'] as const
type PackageName = (typeof PACKAGES)[number]

/** What each tarball must hold besides package.json and README.md: its entry points and types. */
const MUST_HOLD: Record<PackageName, readonly string[]> = {
  core: ['dist/index.bundle.js', 'dist/index.d.ts', 'contexts/agentid-v1.jsonld'],
  verifier: ['dist/index.bundle.js', 'dist/index.d.ts'],
  agent: ['dist/index.bundle.js', 'dist/index.d.ts'],
  mcp: ['dist/index.js', 'dist/index.d.ts'],
  a2a: ['dist/index.js', 'dist/index.d.ts'],
  issuer: ['dist/index.js', 'dist/index.d.ts', 'dist/console/index.html'],
  cli: ['bin/agentid.js', 'dist/bin.bundle.js', 'dist/index.js', 'dist/index.d.ts'],
}

interface Packed {
  readonly name: string
  readonly filename: string
  readonly files: readonly string[]
}

/**
 * npm, without the lower-case npm_* variables an `npm test` around this run sets (its
 * npm_config_local_prefix would point the install at the repository); npmrc files still apply.
 */
function npm(args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')))
  const r = spawnSync('npm', [...args], { cwd, env: { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' }, encoding: 'utf8', maxBuffer: 64 << 20 })
  assert.equal(r.status, 0, `npm ${args.join(' ')} in ${cwd}:\n${r.stdout}\n${r.stderr}`)
  return r
}

function node(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, ...env }, encoding: 'utf8' })
}

/** Every bare module specifier a JavaScript file imports or requires. */
function bareImports(source: string): string[] {
  const found = new Set<string>()
  // Specifiers only (letters, digits, @ / . _ - :), so that text such as `from "${claim}"` in a message is not one.
  const patterns = [/\bfrom\s*["']([\w@/.:-]+)["']/g, /\bimport\s*\(\s*["']([\w@/.:-]+)["']\s*\)/g, /\bimport\s*["']([\w@/.:-]+)["']/g, /require\(\s*["']([\w@/.:-]+)["']\s*\)/g]
  for (const pattern of patterns) {
    for (const [, specifier] of source.matchAll(pattern)) if (specifier && !specifier.startsWith('.') && !specifier.startsWith('/')) found.add(specifier)
  }
  return [...found]
}

/** The package a specifier names: `@scope/name` or `name`, without a subpath. */
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier)

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile())
}

/** A fresh npm project in the system's temporary directory, outside the repository. */
function freshProject(name: string, extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `agentid-${name}-`))
  assert.ok(relative(ROOT, dir).startsWith('..'), `${dir} must lie outside the repository`)
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `agentid-${name}`, private: true, type: 'module', ...extra }, null, 2)}\n`)
  return dir
}

/** A strict type-check of `files` (copied from test/packaging) against what `dir` installed. */
function typeCheck(dir: string, files: readonly string[]): void {
  for (const file of files) copyFileSync(join(FIXTURES, file), join(dir, file))
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
    files,
  }))
  const r = node([TSC, '-p', 'tsconfig.json'], dir)
  assert.equal(r.status, 0, `tsc against the installed types:\n${r.stdout}${r.stderr}`)
}

/** Runs a fixture script in the project; answers its JSON lines by check. */
function runFixture(dir: string, script: string): Map<string, Array<Record<string, unknown>>> {
  copyFileSync(join(FIXTURES, script), join(dir, script))
  const r = node([script], dir)
  assert.equal(r.status, 0, `${script}:\n${r.stdout}${r.stderr}`)
  const checks = new Map<string, Array<Record<string, unknown>>>()
  for (const line of r.stdout.trim().split('\n')) {
    const { check, ...details } = JSON.parse(line) as { check: string }
    checks.set(check, [...(checks.get(check) ?? []), details])
  }
  return checks
}

/** The first ```js or ```sh block after a README's "## Example" heading: what it shows running. */
function readmeExample(name: PackageName, language: 'js' | 'sh'): string {
  const readme = readFileSync(join(ROOT, 'packages', name, 'README.md'), 'utf8')
  const example = readme.slice(readme.indexOf('\n## Example\n'))
  const block = new RegExp(`\n\`\`\`${language}\n([^]*?)\n\`\`\`\n`).exec(example)
  assert.ok(block?.[1], `packages/${name}/README.md has no ${language} example under "## Example"`)
  return block[1]
}

/** Runs a README's example in the project; answers what it printed. */
function runReadmeExample(dir: string, name: PackageName, replace: (code: string) => string = (code) => code): string {
  const file = `readme-${name}.mjs`
  writeFileSync(join(dir, file), replace(readmeExample(name, 'js')))
  // TMPDIR inside the project: what an example makes in the temporary directory goes with it.
  const r = node([file], dir, { TMPDIR: dir })
  assert.equal(r.status, 0, `the example of packages/${name}/README.md:\n${r.stdout}${r.stderr}`)
  return r.stdout
}

describe('npm pack tarballs installed into a fresh project', function () {
  this.timeout(FULL ? 900_000 : 300_000)
  let packDir: string
  const packed = {} as Record<PackageName, Packed>
  const tarball = (name: PackageName) => join(packDir, packed[name].filename)
  const projects: string[] = []
  const typesNode = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8')).version as string

  before(() => {
    packDir = mkdtempSync(join(tmpdir(), 'agentid-packs-'))
    // --ignore-scripts: the packages have none; this keeps the root's `prepare` (a build) out.
    const r = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packDir, ...PACKAGES.flatMap((p) => ['-w', `packages/${p}`])], ROOT)
    const list = JSON.parse(r.stdout) as Array<{ name: string; filename: string; files: Array<{ path: string }> }>
    for (const p of PACKAGES) {
      const entry = list.find((e) => e.name === `@agentid/${p}`)
      assert.ok(entry, `npm pack made no tarball for @agentid/${p}`)
      packed[p] = { name: entry.name, filename: entry.filename, files: entry.files.map((f) => f.path) }
    }
  })
  after(() => {
    for (const dir of [packDir, ...projects]) if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('each tarball holds its entry points, types and README, and no sources, tests or tsc source maps', () => {
    for (const p of PACKAGES) {
      const files = packed[p].files
      for (const file of ['package.json', 'README.md', ...MUST_HOLD[p]]) assert.ok(files.includes(file), `@agentid/${p} lacks ${file}: ${files.join(' ')}`)
      const stray = files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || /\.test\.|tsbuildinfo|tsconfig/.test(f) || (f.endsWith('.map') && !f.endsWith('.bundle.js.map')))
      assert.deepEqual(stray, [], `@agentid/${p} ships ${stray.join(' ')}`)
      // Whatever package.json points at is in the tarball.
      const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', p, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>>; bin?: Record<string, string> }
      const targets = [...Object.values(manifest.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t))), ...Object.values(manifest.bin ?? {})]
      for (const target of targets) assert.ok(files.includes(target.replace(/^\.\//, '')), `@agentid/${p} points at ${target}, which it does not ship`)
    }
  })

  it('every module a tarball\'s code imports is a node built-in or a declared dependency (no workspace, file or link specifier)', () => {
    const unpacked = mkdtempSync(join(tmpdir(), 'agentid-unpacked-'))
    projects.push(unpacked)
    for (const p of PACKAGES) {
      const dir = join(unpacked, p)
      mkdirSync(dir)
      const r = spawnSync('tar', ['-xzf', tarball(p), '-C', dir, '--strip-components=1'], { encoding: 'utf8' })
      assert.equal(r.status, 0, r.stderr)
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }
      const declared = { ...manifest.dependencies, ...manifest.peerDependencies }
      for (const [dep, range] of Object.entries(declared)) assert.doesNotMatch(range, /^(workspace|file|link|portal):|^\.\.?\//, `@agentid/${p} depends on ${dep}@${range}`)
      const missing = new Set<string>()
      for (const file of filesUnder(dir).filter((f) => f.endsWith('.js'))) {
        for (const specifier of bareImports(readFileSync(join(dir, file), 'utf8'))) {
          if (!isBuiltin(specifier) && !(packageOf(specifier) in declared)) missing.add(`${packageOf(specifier)} (${file})`)
        }
      }
      assert.deepEqual([...missing], [], `@agentid/${p} imports undeclared packages`)
    }
  })

  it('@agentid/core, verifier and agent: installed from their tarballs alone, they run and type-check there', () => {
    const dir = freshProject('libraries')
    projects.push(dir)
    npm(['install', '--prefer-offline', tarball('core'), tarball('verifier'), tarball('agent'), `@types/node@${typesNode}`], dir)
    // The three resolved from the tarballs, not from a registry (the names there are not ours).
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> }
    for (const p of ['core', 'verifier', 'agent'] as const) {
      assert.match(lock.packages[`node_modules/@agentid/${p}`]?.resolved ?? '', new RegExp(`^file:.*${packed[p].filename}$`))
    }
    assert.deepEqual(readdirSync(join(dir, 'node_modules', '@agentid')).sort(), ['agent', 'core', 'verifier'])

    const checks = runFixture(dir, 'libraries.mjs')
    assert.deepEqual(checks.get('resolved')?.map((c) => c.file), ['core', 'verifier', 'agent'].map((p) => `node_modules/@agentid/${p}/dist/index.bundle.js`))
    assert.match(String(checks.get('did:key')?.[0]?.did), /^did:key:z6Mk/)
    assert.deepEqual(checks.get('verified')?.map((c) => [c.allowed, c.denied]), [[true, 'ERR_NOT_ENTITLED']])
    assert.deepEqual(checks.get('one core'), [{ code: 'ERR_DID_UNSUPPORTED' }])
    assert.ok(checks.has('exports'))
    // A CommonJS project can require() them (Node 20.19+ loads ES modules synchronously).
    const cjs = node(['-e', "const { generateAgentKey } = require('@agentid/agent'); const { createVerifier } = require('@agentid/verifier'); const k = generateAgentKey(); createVerifier({ did: k.did, trustedIssuers: [k.did] }); console.log(k.did)"], dir)
    assert.equal(cjs.status, 0, cjs.stderr)
    assert.match(cjs.stdout, /^did:key:z6Mk/)

    typeCheck(dir, ['libraries-types.ts'])

    // The READMEs' examples run as written, printing what their comments say.
    assert.equal(runReadmeExample(dir, 'core'), 'true\nERR_CONSTRAINT\nERR_DID_UNSUPPORTED 1\n')
    assert.equal(runReadmeExample(dir, 'verifier'), 'true\ntrue\nERR_NOT_ENTITLED\n')
    assert.match(runReadmeExample(dir, 'agent'), /^did:key:z6Mk\w+\ntrue true true\n$/)
  })

  it(`all seven with @agentid/issuer and @agentid/cli${FULL ? ', installed as a user does (better-sqlite3 compiled)' : ' (better-sqlite3 binary of the repository; AGENTID_PACK_FULL=1 compiles it)'}: the issuer, the agentid command, the types`, async () => {
    // npm 11 asks a project to allow the install scripts it runs: better-sqlite3's builds SQLite.
    const dir = freshProject('all', { allowScripts: { 'better-sqlite3': true } })
    projects.push(dir)
    const tarballs = PACKAGES.map(tarball)
    if (FULL) {
      npm(['install', '--prefer-offline', ...tarballs, `@types/node@${typesNode}`], dir)
    } else {
      const sqlite = join(ROOT, 'node_modules', 'better-sqlite3')
      const version = JSON.parse(readFileSync(join(sqlite, 'package.json'), 'utf8')).version as string
      npm(['install', '--prefer-offline', '--ignore-scripts', ...tarballs, `better-sqlite3@${version}`, `@types/node@${typesNode}`], dir)
      mkdirSync(join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release'), { recursive: true })
      copyFileSync(join(sqlite, 'build', 'Release', 'better_sqlite3.node'), join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))
    }
    // One copy of each @agentid package, and no second better-sqlite3 beside the one checked.
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> }
    const copies = Object.keys(lock.packages).filter((k) => /node_modules\/(@agentid\/[^/]+|better-sqlite3)$/.test(k)).sort()
    assert.deepEqual(copies, ['node_modules/@agentid/a2a', 'node_modules/@agentid/agent', 'node_modules/@agentid/cli', 'node_modules/@agentid/core', 'node_modules/@agentid/issuer', 'node_modules/@agentid/mcp', 'node_modules/@agentid/verifier', 'node_modules/better-sqlite3'])

    // The MCP kit's README example, on a free port rather than 9470.
    const mcpPort = String(await freePort())
    assert.equal(runReadmeExample(dir, 'mcp', (code) => code.replaceAll('9470', mcpPort)), '401 true\nhttp://127.0.0.1:8470 true\n')

    // The A2A kit's README example: a card signed, verified, and refused once altered.
    assert.equal(runReadmeExample(dir, 'a2a'), 'true true\nERR_SIGNATURE\n')

    const checks = runFixture(dir, 'issuer.mjs')
    assert.deepEqual(checks.get('verified')?.map((c) => [c.statusChecked, c.allowed]), [[true, true]])

    // The installed command: version, init, then serve and a remote read against it.
    const bin = join(dir, 'node_modules', '.bin', 'agentid')
    const home = join(dir, 'cli-home')
    const version = node([bin, '--version'], dir)
    assert.equal(version.stdout, '0.1.0\n', version.stderr)
    // The public URL is set at init: the port the service will listen on.
    const port = await freePort()
    const init = node([bin, '--json', 'init'], dir, { AGENTID_HOME: home, AGENTID_PUBLIC_URL: `http://127.0.0.1:${port}` })
    assert.equal(init.status, 0, init.stderr)
    assert.match(JSON.parse(init.stdout).did, /^did:key:z6Mk/)
    const serve = spawn(process.execPath, [bin, '--json', 'serve', '--port', String(port)], {
      cwd: dir, env: { PATH: process.env.PATH, HOME: dir, AGENTID_HOME: home, AGENTID_PUBLIC_URL: `http://127.0.0.1:${port}` }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      await waitForOutput(serve, '"adminTokenFile"')
      const token = readFileSync(join(home, 'admin.token'), 'utf8').trim()
      const whoami = node([bin, '--json', 'whoami'], dir, { AGENTID_URL: `http://127.0.0.1:${port}`, AGENTID_TOKEN: token })
      assert.equal(whoami.status, 0, whoami.stderr)
      assert.deepEqual(JSON.parse(whoami.stdout).roles, ['admin'])
    } finally {
      // (It may have exited already, refusing to start: then there is nothing to stop.)
      if (serve.exitCode === null && serve.signalCode === null) {
        const exited = new Promise((resolve) => serve.once('exit', resolve))
        serve.kill('SIGTERM')
        assert.equal(await exited, 0)
      }
    }

    typeCheck(dir, ['libraries-types.ts', 'issuer-types.ts'])

    // The issuer README's example, on a free port rather than 8470 (this machine may run a service there).
    const examplePort = String(await freePort())
    assert.match(runReadmeExample(dir, 'issuer', (code) => code.replaceAll('8470', examplePort)), /^urn:uuid:[0-9a-f-]{36} 3\n200 \[ 'admin' \]\n$/)
    // The CLI README's walk: about 30 s of processes that each open the database, so only in the full run.
    if (FULL) {
      const r = spawnSync('bash', ['-e', '-c', readmeExample('cli', 'sh')], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, encoding: 'utf8' })
      assert.equal(r.status, 0, `the example of packages/cli/README.md:\n${r.stdout}${r.stderr}`)
      assert.match(r.stdout, /valid presentation from did:key:z6Mk\w+ \(1 credential\)\nallowed: read on db:customers by credential urn:uuid:/)
    }
  })
})
