import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { policyToJson, DEFAULT_POLICY } from '@agentid/issuer'
import { agentid, AGENTID_BIN } from './support/cli.js'
import { waitForOutput } from './support/process-output.js'
import { startTestService, type TestService } from './support/service.js'

// The agent's side of credential delivery as real processes (issue 15): an operator makes an
// offer with the CLI, the agent redeems it with its own key, fetches again, and keeps renewing.

describe('agentid agent fetch / renew and credential offer (real CLI processes, real service)', function () {
  this.timeout(120_000)
  let t: TestService
  let cwd: string
  before(async () => {
    t = await startTestService({ policy: { ...policyToJson(DEFAULT_POLICY), approvalChains: { low: [], medium: [], high: [], critical: [] }, rules: [{ resource: 'db:*', actions: ['*'], risk: 'low', maxTtl: '30d' }] } })
    cwd = mkdtempSync(join(tmpdir(), 'agentid-oid4vci-'))
  })
  after(async () => {
    await t.close()
    rmSync(cwd, { recursive: true, force: true })
  })

  const operator = (...args: string[]) => agentid(['--json', ...args], { cwd, env: { AGENTID_URL: t.url, AGENTID_TOKEN: t.tokens.admin } })
  // The agent has no principal token: only its key file.
  const agentCli = (...args: string[]) => agentid(args, { cwd, env: {} })

  it('onboards an agent by offer, fetches again with its key alone, and refuses a second redemption', async () => {
    const keygen = await agentCli('agent', 'keygen', '--out', 'bot.key')
    assert.equal(keygen.code, 0, keygen.stderr)
    const did = keygen.stdout.trim()
    assert.equal((await t.call(t.tokens.admin, 'POST', '/agents', { did, name: 'bot', kind: 'company', owner: 'ops' })).status, 201)
    const granted = await operator('grant', did, '--resource', 'db:customers', '--action', 'read', '--ttl', '1h', '--renewable-for', '7d')
    assert.equal(granted.code, 0, granted.stderr)
    const { id, jwt } = JSON.parse(granted.stdout) as { id: string; jwt: string }
    const record = (await t.call(t.tokens.admin, 'GET', `/credentials/${encodeURIComponent(id)}`)).body
    assert.ok(record.renewableUntil, 'the approved window is on the record')

    const offered = await operator('credential', 'offer', id, '--tx-code', '--ttl', '15m')
    assert.equal(offered.code, 0, offered.stderr)
    const { uri, txCode } = JSON.parse(offered.stdout) as { uri: string; txCode: string }

    const fetched = await agentCli('agent', 'fetch', '--key', 'bot.key', '--issuer', t.url, '--offer', uri, '--tx-code', txCode, '--out', 'bot.vc.jwt')
    assert.equal(fetched.code, 0, fetched.stderr)
    assert.equal(readFileSync(join(cwd, 'bot.vc.jwt'), 'utf8'), `${jwt}\n`)
    assert.equal(statSync(join(cwd, 'bot.vc.jwt')).mode & 0o777, 0o600)

    const again = await agentCli('agent', 'fetch', '--key', 'bot.key', '--issuer', t.url, '--offer', uri, '--tx-code', txCode)
    assert.equal(again.code, 1)
    assert.match(again.stderr, /ERR_OFFER_INVALID/)

    const byKey = await agentCli('agent', 'fetch', '--key', 'bot.key', '--issuer', t.url)
    assert.equal(byKey.code, 0, byKey.stderr)
    assert.equal(byKey.stdout.trim(), jwt)

    // Another agent's key gets nothing of this one's.
    assert.equal((await agentCli('agent', 'keygen', '--out', 'other.key')).code, 0)
    const other = await agentCli('agent', 'fetch', '--key', 'other.key', '--issuer', t.url)
    assert.equal(other.code, 1)
    assert.match(other.stderr, /ERR_UNAUTHORIZED|ERR_NOT_ENTITLED/)
  })

  it('agent renew --watch holds the credentials and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [AGENTID_BIN, 'agent', 'renew', '--key', 'bot.key', '--issuer', t.url, '--out', 'watched.jwt', '--watch'], { cwd, env: { PATH: process.env.PATH, HOME: cwd }, stdio: ['ignore', 'pipe', 'pipe'] })
    await waitForOutput(child, /holding urn:uuid:\S+ until/)
    assert.match(readFileSync(join(cwd, 'watched.jwt'), 'utf8'), /^ey[^\n]+\n$/)
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
  })

  it('explains what it needs', async () => {
    const help = await agentCli('agent', 'renew', '--help')
    assert.equal(help.code, 0)
    assert.match(help.stdout, /--watch/)
    const missing = await agentCli('agent', 'fetch', '--key', 'bot.key')
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /--issuer/)
  })
})
