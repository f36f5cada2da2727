import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agentid, type CliResult } from './support/cli.js'

// Secrets never leave where they belong: tokens, webhook secrets and the key-encryption key are
// in no log, error, listing, audit entry or database page (only hashes and sealed values are).
describe('secrets hygiene', function () {
  this.timeout(120_000)

  it('greps every output, the audit log and the database for each secret, and finds none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentid-secrets-'))
    const home = join(dir, '.agentid')
    try {
      const outputs: string[] = []
      const run = async (env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> => {
        const r = await agentid(args, { cwd: dir, env: { AGENTID_HOME: home, ...env } })
        outputs.push(r.stdout, r.stderr)
        return r
      }
      await run({}, 'init')
      const admin = readFileSync(join(home, 'admin.token'), 'utf8').trim()
      const kek = readFileSync(join(home, 'kek'), 'utf8').trim()
      // The two answers that show a secret once, by design, are kept out of the grep.
      const created = await agentid(['--json', 'principal', 'create', 'olga', '--role', 'ai-ops'], { cwd: dir, env: { AGENTID_HOME: home } })
      const token = JSON.parse(created.stdout).token as string
      const hook = await agentid(['--json', 'webhook', 'add', 'https://hooks.example/agentid'], { cwd: dir, env: { AGENTID_HOME: home } })
      const secret = JSON.parse(hook.stdout).secret as string
      const did = JSON.parse((await run({}, '--json', 'agent', 'keygen', '--out', 'a.key')).stdout).did as string
      await run({}, 'agent', 'register', did, '--name', 'bot', '--kind', 'service', '--owner', 'ops')
      await run({}, 'grant', did, '--resource', 'db:x', '--action', 'read', '--out', 'a.vc.jwt')
      await run({}, 'principal', 'list')
      await run({}, '--json', 'webhook', 'list')
      await run({ AGENTID_TOKEN: token }, 'approve', 'req-00000000-0000-0000-0000-000000000000')
      await run({ AGENTID_TOKEN: `${token.slice(0, -4)}AAAA` }, 'requests')
      await run({ AGENTID_TOKEN: admin }, '--json', 'requests')
      await run({}, 'audit', 'export')
      await run({}, 'audit', 'verify')
      await run({}, 'doctor')
      const everything = outputs.join('\n')
      const database = Buffer.concat(readdirSync(home).filter((f) => f.startsWith('issuer.db')).map((f) => readFileSync(join(home, f)))).toString('latin1')
      for (const [name, value] of [['admin token', admin], ['principal token', token], ['webhook secret', secret], ['key-encryption key', kek]] as const) {
        assert.ok(value.length > 20, name)
        assert.equal(everything.includes(value), false, `${name} appears in an output`)
        assert.equal(database.includes(value), false, `${name} appears in the database`)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
