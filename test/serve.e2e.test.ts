import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitForOutput } from './support/process-output.js'
import { agentid, AGENTID_BIN, type CliResult } from './support/cli.js'
import { freePort } from './support/service.js'

// `agentid serve` as a real process, and the CLI talking to it (AGENTID_URL + a token): the
// governance commands end to end, then a graceful stop.
describe('agentid serve and the CLI against it (real processes)', function () {
  this.timeout(120_000)
  let dir: string
  let url: string
  let server: ChildProcess
  let serverOut = ''
  const home = () => join(dir, '.agentid')

  const run = (env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> => agentid(['--json', ...args], { cwd: dir, env })
  const local = (...args: string[]) => run({ AGENTID_HOME: home() }, ...args)
  const as = (token: string) => (...args: string[]) => run({ AGENTID_URL: url, AGENTID_TOKEN: token }, ...args)
  const ok = (r: CliResult): any => {
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout)
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentid-serve-'))
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    server = spawn(process.execPath, [AGENTID_BIN, '--json', 'serve', '--init', '--port', String(port), '--headers-timeout', '1s'], {
      cwd: dir, env: { PATH: process.env.PATH, HOME: dir, AGENTID_PUBLIC_URL: url }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    server.stdout!.setEncoding('utf8').on('data', (d: string) => (serverOut += d))
    server.stderr!.setEncoding('utf8').on('data', (d: string) => (serverOut += d))
    // Ready once it has printed its JSON document (url, did, token file).
    // Ready once it has printed its JSON document (url, did, token file).
    await waitForOutput(server, '"adminTokenFile"')
  })

  after(() => {
    if (server.exitCode === null) server.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })

  it('creates the issuer on first start, writes the admin token owner-only, and governs through the CLI', async () => {
    const started = JSON.parse(serverOut.slice(0, serverOut.lastIndexOf('}') + 1))
    assert.equal(started.url, url)
    assert.equal(started.created, true)
    assert.equal(statSync(started.adminTokenFile).mode & 0o777, 0o600)
    const admin = as(readFileSync(started.adminTokenFile, 'utf8').trim())

    // Principals: two approvers and a person who owns an agent.
    const ownerDid = ok(await local('agent', 'keygen', '--out', 'owner.key')).did
    const botDid = ok(await local('agent', 'keygen', '--out', 'bot.key')).did
    const olga = ok(await admin('principal', 'create', 'olga', '--role', 'ai-ops')).token
    const sam = ok(await admin('principal', 'create', 'sam', '--role', 'security', '--token-out', 'sam.token')).tokenFile
    assert.equal(statSync(sam).mode & 0o777, 0o600)
    const owen = ok(await admin('principal', 'create', 'owen', '--role', 'agent-owner', '--did', ownerDid)).token
    assert.deepEqual(ok(await admin('principal', 'list')).principals.map((p: { id: string }) => p.id), ['admin', 'olga', 'sam', 'owen'])

    // A role template, then an employee agent enrolled with it.
    ok(await admin('role', 'set', 'crm-reader', '--description', 'reads CRM accounts', '--resource', 'crm:accounts/*', '--action', 'read', '--ttl', '8h'))
    const enrolled = ok(await admin('agent', 'register', botDid, '--name', 'crm-bot', '--kind', 'employee', '--owner', ownerDid, '--role', 'crm-reader', '--out', 'bot.vc.jwt'))
    assert.equal(enrolled.credentials.length, 1)

    // The owner asks for a write: approval needed, so `grant` exits 1 and `request` 0.
    const grant = await as(owen)('grant', botDid, '--resource', 'crm:accounts/eu/*', '--action', 'update', '--ttl', '2h')
    assert.equal(grant.code, 1, grant.stderr)
    const pending = JSON.parse(grant.stdout).request
    assert.deepEqual(pending.chain, ['ai-ops', 'security'])
    const second = await as(owen)('request', botDid, '--resource', 'crm:accounts/eu/*', '--action', 'update', '--ttl', '2h')
    assert.equal(JSON.parse(second.stderr).error.code, 'ERR_CONFLICT', 'the same request is pending already')
    assert.equal(ok(await as(olga)('requests', '--status', 'pending')).requests.length, 1)

    // Approvals in order; security's issues the credential into a file.
    const outOfOrder = await run({ AGENTID_URL: url, AGENTID_TOKEN_FILE: 'sam.token' }, 'approve', pending.id, '--out', 'never.jwt')
    assert.equal(JSON.parse(outOfOrder.stderr).error.code, 'ERR_FORBIDDEN')
    assert.throws(() => statSync(join(dir, 'never.jwt')), 'a refused approval leaves no file')
    ok(await as(olga)('approve', pending.id, '--reason', 'OPS-17'))
    const issued = ok(await run({ AGENTID_URL: url, AGENTID_TOKEN_FILE: 'sam.token' }, 'approve', pending.id, '--out', 'update.vc.jwt'))
    assert.equal(issued.request.status, 'issued')
    assert.match(readFileSync(join(dir, 'update.vc.jwt'), 'utf8'), /^eyJ/)

    // Just-in-time, then the task completes.
    const jit = ok(await as(owen)('request', botDid, '--resource', 'crm:accounts/eu/7', '--action', 'update', '--jit', '--ttl', '15m', '--task', 'incident-7'))
    ok(await as(olga)('approve', jit.request.id))
    ok(await run({ AGENTID_URL: url, AGENTID_TOKEN_FILE: 'sam.token' }, 'approve', jit.request.id))
    assert.equal(ok(await as(owen)('task', 'complete', 'incident-7')).revoked.length, 1)

    // A review of everything live. The admin enrolled the agent with its role, so certifying
    // that credential is a reviewer's, not the admin's (nobody certifies what they asked for).
    const campaign = ok(await admin('review', 'start', '--all', '--name', 'q4'))
    assert.equal(campaign.items.length, 2)
    // Items come in the order of their ids (as GET /reviews lists them), not of issuance.
    const enrolment = campaign.items.find((i: { credential: string }) => i.credential === enrolled.credentials[0].id)
    const own = await admin('review', 'certify', enrolment.id)
    assert.equal(JSON.parse(own.stderr).error.code, 'ERR_FORBIDDEN')
    const rita = ok(await admin('principal', 'create', 'rita', '--role', 'reviewer')).token
    assert.equal(ok(await as(rita)('review', 'certify', enrolment.id)).item.decision, 'certified')

    // Principals have a lifecycle, through the CLI: whoami, a rotated token (the old one is
    // refused at once), a disabled principal.
    assert.equal(ok(await as(olga)('whoami')).id, 'olga')
    const rotated = ok(await admin('principal', 'rotate', 'olga', '--ttl', '1h', '--token-out', 'olga.token'))
    assert.equal(statSync(rotated.tokenFile).mode & 0o777, 0o600)
    assert.equal(JSON.parse((await as(olga)('whoami')).stderr).error.code, 'ERR_UNAUTHORIZED')
    const olgaNow = await run({ AGENTID_URL: url, AGENTID_TOKEN_FILE: 'olga.token' }, 'whoami')
    assert.match(JSON.parse(olgaNow.stdout).expiresAt, /^20\d\d-/)
    ok(await admin('principal', 'disable', 'olga'))
    assert.equal(JSON.parse((await run({ AGENTID_URL: url, AGENTID_TOKEN_FILE: 'olga.token' }, 'whoami')).stderr).error.code, 'ERR_UNAUTHORIZED')
    assert.deepEqual(ok(await admin('principal', 'update', 'sam', '--role', 'security', '--role', 'auditor')).principal.roles, ['security', 'auditor'])

    // Retiring the owner retires their agent and locks the owner out.
    const retired = ok(await admin('agent', 'retire', ownerDid))
    assert.deepEqual(retired.retired, [botDid])
    const locked = await as(owen)('requests')
    assert.equal(locked.code, 1)
    assert.equal(JSON.parse(locked.stderr).error.code, 'ERR_UNAUTHORIZED')

    // Without a token, a remote call is a usage error; an unreachable service says so.
    const noToken = await run({ AGENTID_URL: url }, 'agent', 'list')
    assert.equal(noToken.code, 2)
    const down = await run({ AGENTID_URL: 'http://127.0.0.1:9', AGENTID_TOKEN: olga }, 'requests')
    assert.equal(JSON.parse(down.stderr).error.code, 'ERR_SERVICE_UNREACHABLE')
    assert.match(JSON.parse(down.stderr).error.message, /cannot reach the issuer/)
  })

  it('--headers-timeout cuts off a client that connects and sends nothing: 408 in the error format', async () => {
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(url).port) })
    const started = Date.now()
    let received = ''
    socket.setEncoding('utf8').on('data', (d: string) => (received += d))
    await new Promise((resolve) => socket.once('close', resolve))
    const waited = Date.now() - started
    assert.match(received, /^HTTP\/1\.1 408 [^]*"code":"ERR_INPUT_INVALID"/)
    // Not before the limit; the upper bound only tells it from the 30 s request timeout, with
    // room for a busy machine.
    assert.ok(waited >= 1000 && waited < 20_000, `closed after ${waited} ms`)
  })

  it('stops on SIGTERM after in-flight grants: every credential a client received is in the database', async () => {
    const token = readFileSync(join(home(), 'admin.token'), 'utf8').trim()
    const did = ok(await local('agent', 'keygen', '--out', 'late.key')).did
    ok(await as(token)('agent', 'register', did, '--name', 'late-bot', '--kind', 'service', '--owner', 'ops'))
    const grant = (i: number) => fetch(`${url}/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: did, entitlements: [{ resource: `db:table${i}`, actions: ['read'] }], ttl: '1h' }),
    }).then(async (r) => ({ status: r.status, body: await r.json() as { credential?: { id: string } } }), () => undefined)
    const inFlight = Array.from({ length: 20 }, (_, i) => grant(i))
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve))
    // Stopped once the first grant is answered: the others are in flight then, however busy the machine.
    await Promise.race(inFlight)
    server.kill('SIGTERM')
    const answers = await Promise.all(inFlight)
    assert.equal(await exited, 0, serverOut)
    const received = answers.filter((a) => a?.status === 201).map((a) => a!.body.credential!.id)
    const stored = ok(await local('agent', 'show', did)).credentials.map((c: { id: string }) => c.id)
    for (const id of received) assert.ok(stored.includes(id), `credential ${id} was answered and is stored`)
    assert.equal(ok(await local('audit', 'verify')).ok, true)
  })
})
