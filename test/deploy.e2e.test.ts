import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROUTES } from '@agentid/issuer'
import { freePort } from '../scripts/line-process.mjs'
import { waitForOutput } from './support/process-output.js'

// deploy/Dockerfile and deploy/agentid.service cannot be run here (no image registry, no
// systemd as PID 1). What can be checked is: they name commands, options, routes and paths that
// exist; the unit passes systemd-analyze verify; the unit's command line really starts the service,
// and the image's health check really tells a running service from a stopped one.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const BIN = join(ROOT, 'packages', 'cli', 'bin', 'agentid.js')

/** Dockerfile instructions, continuation lines joined, comments dropped, grouped by stage. */
function dockerStages(text: string): Array<Array<{ keyword: string; args: string }>> {
  const joined = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n').replace(/\\\n/g, ' ')
  const stages: Array<Array<{ keyword: string; args: string }>> = []
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line)
    if (!m) continue
    if (m[1] === 'FROM') stages.push([])
    stages.at(-1)?.push({ keyword: m[1]!, args: m[2]!.trim() })
  }
  return stages
}

/** A systemd unit's [Service] settings, each key with its values in order. */
function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim())
    if (m) settings.set(m[1]!, [...(settings.get(m[1]!) ?? []), m[2]!])
  }
  return settings
}

/** The long options `agentid serve --help` lists. */
function serveOptions(): Set<string> {
  const r = spawnSync(process.execPath, [BIN, 'serve', '--help'], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  return new Set([...r.stdout.matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]!))
}

function assertServeArgs(args: readonly string[], where: string): void {
  assert.equal(args[0], 'serve', where)
  const known = serveOptions()
  for (const flag of args.filter((a) => a.startsWith('--'))) assert.ok(known.has(flag), `${where}: agentid serve has no ${flag}`)
}

describe('deploy/: the Dockerfile and the systemd unit', () => {
  const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8')
  const unit = readFileSync(join(ROOT, 'deploy', 'agentid.service'), 'utf8')
  const stages = dockerStages(dockerfile)
  const final = stages.at(-1)!
  const one = (keyword: string) => {
    const found = final.filter((i) => i.keyword === keyword)
    assert.equal(found.length, 1, `the final stage has one ${keyword}`)
    return found[0]!.args
  }
  const settings = unitSettings(unit)
  const setting = (key: string) => settings.get(key)?.at(-1)
  const cmd = JSON.parse(one('CMD')) as string[]
  const healthcheck = JSON.parse(one('HEALTHCHECK').replace(/^.*?CMD\s+/, '')) as string[]
  const healthUrl = new URL(/fetch\('([^']+)'\)/.exec(healthcheck.join(' '))?.[1] ?? '')

  it('the image: node:20-slim stages, a non-root user, agentid serve with options it has, its home on a volume', () => {
    for (const stage of stages) assert.match(stage[0]!.args, /^node:20-slim\b/)
    assert.doesNotMatch(one('USER'), /^(root|0)(:|$)/)
    const cli = JSON.parse(readFileSync(join(ROOT, 'packages', 'cli', 'package.json'), 'utf8')) as { bin: Record<string, string> }
    assert.deepEqual(JSON.parse(one('ENTRYPOINT')), Object.keys(cli.bin))
    assertServeArgs(cmd, 'Dockerfile CMD')
    const port = cmd[cmd.indexOf('--port') + 1]
    assert.equal(one('EXPOSE'), port)
    const home = /AGENTID_HOME=(\S+)/.exec(one('ENV'))?.[1]
    assert.ok(home, 'the image sets AGENTID_HOME')
    assert.equal(one('VOLUME'), home)
    // The build packs every package of the repository but the private ones (the console, whose
    // built files ship inside the issuer package).
    const packed = [...dockerfile.matchAll(/-w packages\/([a-z0-9]+)/g)].map((m) => m[1]).sort()
    const published = readdirSync(join(ROOT, 'packages')).filter((p) => !(JSON.parse(readFileSync(join(ROOT, 'packages', p, 'package.json'), 'utf8')) as { private?: boolean }).private)
    assert.deepEqual(packed, published.sort())
    // The health check asks a public GET route on the port the service listens on.
    assert.equal(healthUrl.port, port)
    assert.ok(ROUTES.some((r) => r.method === 'GET' && r.url === healthUrl.pathname && r.access === 'public'), `no public GET ${healthUrl.pathname}`)
  })

  it('the unit: systemd-analyze verify is clean, unknown keys included', function () {
    if (!existsSync('/usr/bin/systemd-analyze')) this.skip()
    const r = spawnSync('systemd-analyze', ['verify', join(ROOT, 'deploy', 'agentid.service')], { encoding: 'utf8' })
    assert.equal(r.status, 0, r.stderr)
    // Unknown keys are only warnings: the unit must give none.
    assert.equal(r.stderr.trim(), '', r.stderr)
  })

  it('the unit: an existing command line, its own user, a state directory as AGENTID_HOME, hardening', () => {
    const [node, script, ...args] = setting('ExecStart')!.split(/\s+/)
    assert.match(node!, /^\/usr\/(local\/)?bin\/node$/)
    // The installed package's bin (npm install --prefix /opt/agentid @agentid/cli).
    const cli = JSON.parse(readFileSync(join(ROOT, 'packages', 'cli', 'package.json'), 'utf8')) as { bin: Record<string, string> }
    assert.equal(script, `/opt/agentid/node_modules/@agentid/cli/${cli.bin.agentid!.replace(/^\.\//, '')}`)
    assertServeArgs(args, 'ExecStart')
    const environment = settings.get('Environment') ?? []
    assert.ok(environment.includes(`AGENTID_HOME=/var/lib/${setting('StateDirectory')}`), environment.join(' '))
    assert.equal(setting('WorkingDirectory'), `/var/lib/${setting('StateDirectory')}`)
    for (const [key, value] of Object.entries({ DynamicUser: 'yes', NoNewPrivileges: 'yes', ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes', PrivateDevices: 'yes', CapabilityBoundingSet: '', RestrictSUIDSGID: 'yes', UMask: '0077', KillSignal: 'SIGTERM' })) {
      assert.equal(setting(key), value, `${key}=${value}`)
    }
  })

  it("the unit's command line runs the service; the image's health check passes while it runs and fails once it stopped", async () => {
    const [, , ...args] = setting('ExecStart')!.split(/\s+/)
    const port = String(await freePort())
    const home = mkdtempSync(join(tmpdir(), 'agentid-deploy-'))
    const unitPort = args[args.indexOf('--port') + 1]!
    const environment = Object.fromEntries((settings.get('Environment') ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1).replaceAll(unitPort, port)]))
    const service = spawn(process.execPath, [BIN, ...args.map((a) => (a === unitPort ? port : a))], {
      cwd: home, env: { PATH: process.env.PATH, ...environment, AGENTID_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    const check = () => spawnSync(healthcheck[0] === 'node' ? process.execPath : healthcheck[0]!, healthcheck.slice(1).map((a) => a.replaceAll(`:${healthUrl.port}/`, `:${port}/`)), { encoding: 'utf8' }).status
    try {
      await waitForOutput(service, 'listening on')
      assert.equal(check(), 0)
    } finally {
      const exited = new Promise((resolve) => service.once('exit', resolve))
      service.kill('SIGTERM')
      assert.equal(await exited, 0)
      rmSync(home, { recursive: true, force: true })
    }
    assert.equal(check(), 1)
  })
})
