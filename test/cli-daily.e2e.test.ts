import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { run as runInProcess } from '@agentid/cli'
import { AGENTID_BIN, agentid, type CliResult } from './support/cli.js'
import { waitForOutput } from './support/process-output.js'
import { freePort, startTestService, type TestService } from './support/service.js'

const errorOf = (r: CliResult): { code: string; message: string } => (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error

// Daily operation with the CLI, in real processes: inspect, the read commands, status, online
// status checks, repeated options, usage errors, completion and the config file.
describe('agentid CLI, daily operation (real processes)', function () {
  this.timeout(180_000)
  let dir: string
  let env: NodeJS.ProcessEnv
  let issuerDid: string
  let botDid: string
  let subDid: string
  let credentialId: string
  const run = (...args: string[]): Promise<CliResult> => agentid(args, { cwd: dir, env })
  const runEnv = (extra: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> => agentid(args, { cwd: dir, env: { ...env, ...extra } })
  const json = async (...args: string[]): Promise<any> => {
    const r = await run('--json', ...args)
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
    return JSON.parse(r.stdout)
  }
  function snapshot(): string {
    const db = new Database(join(dir, '.agentid', 'issuer.db'), { readonly: true })
    try {
      return JSON.stringify(['agents', 'credentials', 'audit_log', 'roles', 'settings', 'status_lists', 'access_requests'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()))
    } finally {
      db.close()
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentid-daily-'))
    env = { AGENTID_HOME: join(dir, '.agentid') }
    issuerDid = (await json('init')).did
    botDid = (await json('agent', 'keygen', '--out', 'bot.key')).did
    subDid = (await json('agent', 'keygen', '--out', 'sub.key')).did
    await json('agent', 'register', botDid, '--name', 'bot', '--kind', 'company', '--owner', 'ops')
    await json('agent', 'register', subDid, '--name', 'sub', '--kind', 'service', '--owner', 'ops')
    // Two --resource: every value is kept, one entitlement each.
    credentialId = (await json('grant', botDid, '--resource', 'db:customers', '--resource', 'crm:accounts/*', '--action', 'read,list', '--purpose', 'report',
      '--constraint', 'maxRecords=100', '--ttl', '8h', '--task', 'inc-7', '--out', 'bot.vc.jwt')).id
  })

  after(() => rmSync(dir, { recursive: true, force: true }))

  describe('inspect', () => {
    it('decodes a credential and says what a verifier would (trust and status not checked unless given)', async () => {
      const r = await json('inspect', 'bot.vc.jwt')
      assert.equal(r.ok, true)
      assert.equal(r.items.length, 1)
      const [item] = r.items
      assert.equal(item.kind, 'credential')
      assert.equal(item.credential.id, credentialId)
      assert.deepEqual(item.credential.entitlements.map((e: { resource: string }) => e.resource), ['db:customers', 'crm:accounts/*'])
      assert.deepEqual(item.verdict, { ok: true, trustChecked: false, statusChecked: false })
      const human = await run('inspect', 'bot.vc.jwt')
      assert.equal(human.code, 0)
      assert.match(human.stdout, /\(8h; expires in 7h 5\dm\)/)
      assert.match(human.stdout, /verifier {5}accepts; issuer trust not checked/)
    })

    it('checks trust and status when given, and exits 1 when a verifier would refuse', async () => {
      await json('status', 'publish', '--out', 'lists.jwt')
      const trusted = await json('inspect', 'bot.vc.jwt', '--trust', issuerDid, '--status-list', 'lists.jwt')
      assert.deepEqual(trusted.items[0].verdict, { ok: true, trustChecked: true, statusChecked: true })
      const untrusted = await run('--json', 'inspect', 'bot.vc.jwt', '--trust', botDid)
      assert.equal(untrusted.code, 1)
      assert.equal(JSON.parse(untrusted.stdout).items[0].verdict.code, 'ERR_VC_ISSUER_UNTRUSTED')
      // A tampered signature: decoded, refused with the verifier's code.
      const jwt = readFileSync(join(dir, 'bot.vc.jwt'), 'utf8').trim()
      writeFileSync(join(dir, 'tampered.jwt'), `${jwt.slice(0, -6)}${jwt.slice(-6) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`)
      const tampered = await run('--json', 'inspect', 'tampered.jwt')
      assert.equal(tampered.code, 1)
      assert.equal(JSON.parse(tampered.stdout).items[0].verdict.code, 'ERR_SIGNATURE')
    })

    it('recognises a delegation chain, a presentation, status lists, and JSON holding a JWT', async () => {
      await json('delegate', '--key', 'bot.key', '--parent', 'bot.vc.jwt', '--to', subDid, '--resource', 'db:customers', '--action', 'read', '--purpose', 'report',
        '--constraint', 'maxRecords=10', '--ttl', '30m', '--out', 'sub.chain')
      const chain = await json('inspect', 'sub.chain', '--trust', issuerDid)
      assert.equal(chain.items[0].kind, 'chain')
      assert.deepEqual(chain.items[0].links.map((l: { type: string }) => l.type), ['entitlement', 'delegation'])
      assert.equal(chain.items[0].verdict.ok, true)
      await json('present', '--key', 'bot.key', '--credential', 'bot.vc.jwt', '--audience', subDid, '--challenge', 'c-9', '--out', 'bot.vp.jwt')
      const vp = await json('inspect', 'bot.vp.jwt', '--trust', issuerDid, '--status-list', 'lists.jwt')
      assert.deepEqual([vp.items[0].kind, vp.items[0].holder, vp.items[0].challenge, vp.items[0].verdict.ok, vp.items[0].verdict.statusChecked], ['presentation', botDid, 'c-9', true, true])
      const lists = await json('inspect', 'lists.jwt')
      assert.deepEqual(lists.items.map((i: { kind: string; purpose: string }) => [i.kind, i.purpose]), [['status-list', 'revocation'], ['status-list', 'suspension']])
      writeFileSync(join(dir, 'present.json'), (await run('--json', 'present', '--key', 'bot.key', '--credential', 'bot.vc.jwt', '--audience', subDid, '--challenge', 'c-10')).stdout)
      assert.equal((await json('inspect', 'present.json')).items[0].kind, 'presentation')
    })

    it('refuses garbage with a clear code and no stack', async () => {
      const cases: Array<[string, string, string]> = [
        ['garbage.txt', 'hello world\n', 'ERR_INPUT_INVALID'],
        ['empty.json', '{"jwt": 42}', 'ERR_INPUT_INVALID'],
        ['broken.json', '{"jwt": ', 'ERR_INPUT_INVALID'],
        ['three-parts.jwt', 'abc.def.ghi', 'ERR_JWS_MALFORMED'],
      ]
      for (const [file, content, code] of cases) {
        writeFileSync(join(dir, file), content)
        const r = await run('inspect', file)
        assert.equal(r.code, 1, file)
        assert.match(r.stderr, new RegExp(`^agentid: ${code}: [^\\n]*\\n$`), file)
        assert.equal(errorOf(await run('--json', 'inspect', file)).code, code, file)
      }
      assert.equal(errorOf(await run('--json', 'inspect', 'missing.jwt')).code, 'ERR_INPUT_INVALID')
    })
  })

  describe('read commands', () => {
    it('credential list filters by agent and state; credential show shows one', async () => {
      const all = await json('credential', 'list')
      assert.equal(all.credentials.length, 1)
      assert.equal(all.credentials[0].state, 'active')
      assert.equal((await json('credential', 'list', '--agent', subDid)).credentials.length, 0)
      assert.equal((await json('credential', 'list', '--status', 'revoked,expired')).credentials.length, 0)
      assert.equal((await json('credential', 'list', '--status', 'suspended', '--status', 'active')).credentials.length, 1)
      const shown = await json('credential', 'show', credentialId)
      assert.deepEqual([shown.id, shown.subject, shown.state, shown.task.id], [credentialId, botDid, 'active', 'inc-7'])
      const human = await run('credential', 'show', credentialId)
      assert.match(human.stdout, /^ {2}valid {8}.* \(8h\)$/m)
      assert.match(human.stdout, /^ {2}state {8}active, 7h 5\dm left$/m)
      assert.equal(errorOf(await run('--json', 'credential', 'show', 'urn:uuid:nope')).code, 'ERR_NOT_FOUND')
      assert.equal(errorOf(await run('--json', 'credential', 'list', '--status', 'gone')).code, 'ERR_USAGE')
    })

    it('request show walks one request; task list sums up tasks', async () => {
      // A write on crm is high risk under the default policy: it waits for approvals.
      const opened = await json('request', botDid, '--resource', 'crm:accounts/eu/1', '--action', 'update', '--ttl', '2h', '--task', 'inc-7', '--justification', 'fix it')
      const shown = await json('request', 'show', opened.request.id)
      assert.deepEqual([shown.id, shown.status, shown.subject, shown.task.id], [opened.request.id, 'pending', botDid, 'inc-7'])
      const human = await run('request', 'show', opened.request.id)
      assert.match(human.stdout, /^ {2}asks for {5}update crm:accounts\/eu\/1 for 2h$/m)
      assert.equal(errorOf(await run('--json', 'request', 'show', 'req-nope')).code, 'ERR_NOT_FOUND')
      const { tasks } = await json('task', 'list')
      assert.deepEqual(tasks.map((t: { id: string; live: number; pending: number }) => [t.id, t.live, t.pending]), [['inc-7', 1, 1]])
    })

    it('status reads the local issuer: DID, public URL, lists, last checkpoint', async () => {
      const before = await json('status')
      assert.equal(before.did, issuerDid)
      assert.equal(before.publicUrl, 'http://127.0.0.1:8470')
      assert.deepEqual(before.statusLists.map((l: { id: string }) => l.id), ['rev-1', 'sus-1'])
      assert.equal(before.lastCheckpoint, null)
      const signed = await json('audit', 'checkpoint')
      const after = await json('status')
      assert.equal(after.lastCheckpoint.seq, signed.seq)
      assert.match((await run('status')).stdout, new RegExp(`^last checkpoint  entry ${signed.seq} at .* \\(\\d+s ago\\)$`, 'm'))
    })

    it('role list shows lifetimes as 8h, not 28800s', async () => {
      const r = await run('role', 'list')
      assert.match(r.stdout, /^crm-reader .* 8h /m)
      assert.doesNotMatch(r.stdout, /\d+s /)
    })
  })

  describe('repeated options', () => {
    it('refuses a second value of a single-value option with ERR_USAGE, and changes nothing', async () => {
      const before = snapshot()
      for (const args of [
        ['grant', botDid, '--resource', 'db:x', '--action', 'read', '--ttl', '1h', '--ttl', '2h'],
        ['grant', botDid, '--resource', 'db:x', '--action', 'read', '--purpose', 'a', '--purpose', 'b'],
        ['--home', '.agentid', '--home', 'elsewhere', 'agent', 'list'],
        ['verify', 'x', '--audience', subDid, '--challenge', 'a', '--challenge', 'b', '--trust', issuerDid],
      ]) {
        const r = await run(...args)
        assert.equal(r.code, 2, args.join(' '))
        assert.match(r.stderr, /^agentid: ERR_USAGE: --\w+ is given twice; it takes one value \(see agentid[\w ]* --help\)\n$/, args.join(' '))
      }
      assert.equal(snapshot(), before)
      // A flag given twice says the same thing twice.
      assert.equal((await run('--json', '--json', 'agent', 'list')).code, 0)
    })

    it('every option of every command either collects its values or refuses a second one', async () => {
      // The options that make sense repeated; every other option that takes a value refuses.
      const COLLECT = new Set([
        'principal create --role', 'principal update --role', 'webhook add --event',
        'role set --resource', 'role set --action', 'role set --constraint',
        'grant --resource', 'grant --action', 'grant --constraint', 'request --resource', 'request --action', 'request --constraint',
        'delegate --resource', 'delegate --action', 'delegate --constraint', 'present --credential', 'present --disclose',
        'verify --trust', 'verify --status-list', 'inspect --trust', 'inspect --status-list',
        'audit verify --checkpoint', 'credential list --status', 'credential offer --also', 'monitoring controls --sensitivity',
      ])
      const bash = (await run('completion', 'bash')).stdout
      // The third table of the script: the options that take a value, per command.
      const table = bash.slice(bash.indexOf('_agentid_value_options() {'))
      const rows = [...table.matchAll(/^ {4}"([a-z -]*)"\) echo "([^"]*)" ;;$/gm)].map((m) => [m[1]!, m[2]!.split(' ').filter((o) => o !== '')] as const)
      assert.ok(rows.length > 30, 'the completion tables list the commands')
      const empty = mkdtempSync(join(tmpdir(), 'agentid-options-'))
      let checked = 0
      try {
        for (const [path, options] of rows) {
          for (const option of options) {
            let stderr = ''
            const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t), env: { AGENTID_HOME: join(empty, 'none') }, cwd: empty, isTty: false }
            // Nothing to act on: a refusal comes from parsing; anything else fails without effect.
            await runInProcess([...path.split(' ').filter((w) => w !== ''), option, 'one', option, 'two'], io)
            const refused = /is given twice; it takes one value/.test(stderr)
            const key = `${path} ${option}`.trim()
            assert.equal(refused, !COLLECT.has(key), `${key}: ${stderr}`)
            checked++
          }
        }
      } finally {
        rmSync(empty, { recursive: true, force: true })
      }
      assert.ok(checked > 60, `checked ${checked} options`)
    })
  })

  describe('usage errors', () => {
    it('are one line, with the code and the --help of the command concerned', async () => {
      const cases: Array<[string[], RegExp]> = [
        [['agnt', 'list'], /^unknown command 'agnt'; did you mean agent\? \(see agentid --help\)$/],
        [['agent', 'lisst'], /^unknown command 'lisst'; did you mean list\? \(see agentid agent --help\)$/],
        [['agent'], /^agentid agent needs a command: keygen, register, .* \(see agentid agent --help\)$/],
        [['review'], /^agentid review needs a command: .* \(see agentid review --help\)$/],
        [['status', 'publsh'], /^unknown command 'publsh' for agentid status; its commands: publish \(see agentid status --help\)$/],
        [['agent', 'list', 'extra'], /^too many arguments for 'list'\. Expected 0 arguments but got 1 \(see agentid agent list --help\)$/],
        [['agent', 'show'], /^missing required argument 'did' \(see agentid agent show --help\)$/],
        [['grant', botDid, '--resource', 'db:x', '--action', 'read', '--bogus'], /^unknown option '--bogus' \(see agentid grant --help\)$/],
        [['request', botDid, '--action', 'read'], /^required option '--resource <pattern>' not specified \(see agentid request --help\)$/],
        [['grant', botDid, '--resource'], /^option '--resource <pattern>' argument missing \(see agentid grant --help\)$/],
        [['completion', 'fish'], /^completion takes bash or zsh \(see agentid completion --help\)$/],
      ]
      for (const [args, message] of cases) {
        const human = await run(...args)
        assert.equal(human.code, 2, args.join(' '))
        assert.equal(human.stdout, '', args.join(' '))
        const lines = human.stderr.split('\n')
        assert.deepEqual([lines.length, lines[1]], [2, ''], `one line for ${args.join(' ')}: ${human.stderr}`)
        assert.match(lines[0]!.replace(/^agentid: ERR_USAGE: /, ''), message, human.stderr)
        const machine = await run('--json', ...args)
        assert.equal(machine.stderr.split('\n').length, 2, machine.stderr)
        assert.equal(errorOf(machine).code, 'ERR_USAGE')
      }
    })
  })

  it('every new command has --help with examples', async () => {
    for (const args of [['inspect'], ['credential', 'list'], ['credential', 'show'], ['request', 'show'], ['task', 'list'], ['status'], ['completion'], ['verify'], []]) {
      const r = await run(...args, '--help')
      assert.equal(r.code, 0, args.join(' '))
      assert.match(r.stdout, /^Usage: agentid/, args.join(' '))
      assert.match(r.stdout, /^Examples?:$/m, args.join(' '))
    }
  })

  describe('completion', () => {
    it('bash: a real bash completes commands, sub-commands and options from the script', async () => {
      const script = (await run('completion', 'bash')).stdout
      writeFileSync(join(dir, 'agentid.bash'), script)
      const complete = (words: string[]) => {
        const quoted = words.map((w) => `'${w}'`).join(' ')
        const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `source ./agentid.bash && complete -p agentid && COMP_WORDS=(${quoted}) && COMP_CWORD=${words.length - 1} && _agentid && printf '%s\\n' "\${COMPREPLY[@]}"`], { cwd: dir, encoding: 'utf8' })
        assert.equal(r.status, 0, r.stderr)
        const [registration, ...replies] = r.stdout.trim().split('\n')
        assert.equal(registration, 'complete -o default -F _agentid agentid')
        return replies.filter((w) => w !== '')
      }
      assert.deepEqual(complete(['agentid', 'cred']), ['credential'])
      assert.deepEqual(complete(['agentid', 'credential', '']), ['list', 'show', 'offer', 'jwt'])
      assert.deepEqual(complete(['agentid', '--home', 'x', 'status', 'p']), ['publish'])
      assert.deepEqual(complete(['agentid', 'agent', 'register', botDid, '--k']), ['--kind'])
      assert.deepEqual(complete(['agentid', 'request', 's']), ['show'])
      assert.deepEqual(complete(['agentid', 'grant', botDid, '--out', '']), [], 'an option\'s value: files (-o default)')
      assert.ok(complete(['agentid', 'verify', 'vp.jwt', '--status-']).includes('--status-url'))
      assert.ok(complete(['agentid', '--']).includes('--config'))
      // compgen over the same words the script offers.
      const r = spawnSync('bash', ['--norc', '--noprofile', '-c', 'source ./agentid.bash && compgen -W "$(_agentid_subcommands "")" -- in'], { cwd: dir, encoding: 'utf8' })
      assert.deepEqual(r.stdout.trim().split('\n'), ['init', 'inspect'])
    })

    it('zsh: a real zsh registers it with compdef and completes from the same tables (skipped without zsh)', async function () {
      const script = (await run('completion', 'zsh')).stdout
      assert.match(script, /^#compdef agentid\n/)
      if (spawnSync('zsh', ['--version']).error) return this.skip()
      writeFileSync(join(dir, '_agentid'), script)
      // compadd only works inside a completion widget: stand-ins print what it would be given.
      const complete = (words: string[]) => {
        const quoted = words.map((w) => `'${w}'`).join(' ')
        const r = spawnSync('zsh', ['-f', '-c', [
          `autoload -U compinit && compinit -u -d ${join(dir, '.zcompdump')}`,
          'source ./_agentid',
          'print -r -- "registered: $_comps[agentid]"',
          'compadd() { shift; print -r -- "$*" }',
          '_files() { print -r -- FILES }',
          `words=(${quoted}); CURRENT=$#words; _agentid`,
        ].join('\n')], { cwd: dir, encoding: 'utf8' })
        assert.equal(r.status, 0, r.stderr)
        const [registered, offered] = r.stdout.trim().split('\n')
        assert.equal(registered, 'registered: _agentid')
        return offered!.split(' ')
      }
      assert.deepEqual(complete(['agentid', 'credential', '']), ['list', 'show', 'offer', 'jwt'])
      assert.deepEqual(complete(['agentid', '--home', 'x', 'status', 'p']), ['publish'])
      assert.ok(complete(['agentid', 'agent', 'register', botDid, '--k']).includes('--kind'))
      assert.deepEqual(complete(['agentid', 'grant', botDid, '--out', '']), ['FILES'])
      assert.ok(complete(['agentid', '']).includes('inspect'))
    })
  })

  describe('against a service (AGENTID_URL)', () => {
    let t: TestService
    let remoteEnv: NodeJS.ProcessEnv
    let vcId: string
    const remote = (...args: string[]) => runEnv(remoteEnv, ...args)
    const remoteJson = async (...args: string[]): Promise<any> => {
      const r = await remote('--json', ...args)
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
      return JSON.parse(r.stdout)
    }

    before(async () => {
      t = await startTestService()
      writeFileSync(join(dir, 'admin.token'), `${t.tokens.admin}\n`, { mode: 0o600 })
      remoteEnv = { AGENTID_URL: t.url, AGENTID_TOKEN_FILE: 'admin.token' }
      await remoteJson('agent', 'register', botDid, '--name', 'bot', '--kind', 'company', '--owner', 'ops')
      vcId = (await remoteJson('grant', botDid, '--resource', 'db:orders', '--action', 'read', '--ttl', '1h', '--out', 'remote.vc.jwt')).id
    })

    after(() => t?.close())

    it('status asks the service, without a token: DID, public URL, lists, last checkpoint', async () => {
      await t.issuer.checkpoint()
      const r = await runEnv({ AGENTID_URL: t.url }, '--json', 'status')
      assert.equal(r.code, 0, r.stderr)
      const s = JSON.parse(r.stdout)
      assert.deepEqual([s.url, s.reachable, s.did, s.publicUrl], [t.url, true, t.issuer.did, t.url])
      assert.deepEqual(s.statusLists.map((l: { url: string }) => l.url), [`${t.url}/status/rev-1`, `${t.url}/status/sus-1`])
      assert.equal(typeof s.lastCheckpoint.seq, 'number')
      // The route itself, as documented in docs/api.md.
      const direct = await t.call(undefined, 'GET', '/service')
      assert.deepEqual(Object.keys(direct.body).sort(), ['did', 'lastCheckpoint', 'publicUrl', 'statusLists'])
      const human = await runEnv({ AGENTID_URL: t.url }, 'status')
      assert.match(human.stdout, new RegExp(`^service {10}${t.url} \\(answering\\)$`, 'm'))
    })

    it('status sends no token, even when one is set: it reads public routes only', async () => {
      const seen: Array<string | undefined> = []
      const listener = createServer((request, response) => {
        seen.push(request.headers.authorization)
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ did: t.issuer.did, publicUrl: t.url, statusLists: [], lastCheckpoint: null }))
      })
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
      try {
        const port = (listener.address() as { port: number }).port
        await runEnv({ AGENTID_URL: `http://127.0.0.1:${port}`, AGENTID_TOKEN: t.tokens.admin }, '--json', 'status')
        assert.ok(seen.length > 0, 'the service was asked')
        assert.deepEqual(seen.filter((h) => h !== undefined), [], 'no Authorization header')
      } finally {
        listener.closeAllConnections()
        await new Promise((resolve) => listener.close(resolve))
      }
    })

    it('status says so with exit 1 when the service cannot be reached', async () => {
      const closed = await freePort()
      const r = await runEnv({ AGENTID_URL: `http://127.0.0.1:${closed}` }, 'status')
      assert.equal(r.code, 1)
      assert.match(r.stderr, /^agentid: ERR_\w+: cannot reach the issuer at http:\/\/127\.0\.0\.1:\d+/)
    })

    it('credential list/show and task list go through the service', async () => {
      const listed = await remoteJson('credential', 'list', '--agent', botDid)
      assert.deepEqual(listed.credentials.map((c: { id: string }) => c.id), [vcId])
      assert.equal((await remoteJson('credential', 'show', vcId)).subject, botDid)
      assert.deepEqual((await remoteJson('task', 'list')).tasks, [])
      // As a principal who may not read: the service's own refusal.
      writeFileSync(join(dir, 'rex.token'), `${t.tokens.reporter}\n`, { mode: 0o600 })
      const r = await runEnv({ AGENTID_URL: t.url, AGENTID_TOKEN_FILE: 'rex.token' }, '--json', 'credential', 'list')
      assert.equal(errorOf(r).code, 'ERR_FORBIDDEN')
    })

    it('verify --status-url checks status online at the credential\'s own URL', async () => {
      const verifyOnline = async (challenge: string) => {
        await json('present', '--key', 'bot.key', '--credential', 'remote.vc.jwt', '--audience', subDid, '--challenge', challenge, '--out', `${challenge}.vp.jwt`)
        return run('--json', 'verify', `${challenge}.vp.jwt`, '--audience', subDid, '--challenge', challenge, '--trust', t.issuer.did, '--status-url', '--resource', 'db:orders', '--action', 'read')
      }
      const ok = await verifyOnline('c-online-1')
      assert.equal(ok.code, 0, ok.stderr)
      assert.deepEqual([JSON.parse(ok.stdout).statusChecked, JSON.parse(ok.stdout).decision.allow], [true, true])
      await remoteJson('revoke', vcId, '--reason', 'test')
      const revoked = await verifyOnline('c-online-2')
      assert.equal(revoked.code, 1)
      assert.equal(errorOf(revoked).code, 'ERR_VC_REVOKED')
      // inspect takes the same option.
      const inspected = await run('--json', 'inspect', 'remote.vc.jwt', '--trust', t.issuer.did, '--status-url')
      assert.equal(JSON.parse(inspected.stdout).items[0].verdict.code, 'ERR_VC_REVOKED')
      // Not for an issuer nobody said to trust: the credential names the URL fetched.
      assert.equal(errorOf(await run('--json', 'inspect', 'remote.vc.jwt', '--status-url')).code, 'ERR_USAGE')
      assert.equal(errorOf(await run('--json', 'verify', 'c-online-2.vp.jwt', '--audience', subDid, '--challenge', 'c-online-2', '--trust', t.issuer.did, '--status-url', '--status-list', 'lists.jwt')).code, 'ERR_USAGE')
    })
  })

  describe('verify --status-url when the list cannot be had', () => {
    let home: string
    let port: number
    let server: Server | undefined
    const listen = async (handler: Parameters<typeof createServer>[1]) => {
      server = createServer(handler)
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve))
    }
    const stop = async () => {
      server?.closeAllConnections()
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
      server = undefined
    }
    let n = 0
    const verifyOnline = async (...extra: string[]) => {
      const challenge = `c-away-${++n}`
      const issuerEnv = { AGENTID_HOME: home }
      const p = await runEnv(issuerEnv, '--json', 'present', '--key', 'bot.key', '--credential', 'away.vc.jwt', '--audience', subDid, '--challenge', challenge, '--out', `${challenge}.vp.jwt`)
      assert.equal(p.code, 0, p.stderr)
      const issuer = JSON.parse((await runEnv(issuerEnv, '--json', 'issuer', 'show')).stdout).did as string
      return run('--json', 'verify', `${challenge}.vp.jwt`, '--audience', subDid, '--challenge', challenge, '--trust', issuer, '--status-url', ...extra)
    }

    before(async () => {
      // An issuer whose credentials point to a port this test controls.
      port = await freePort()
      home = join(dir, 'away-home')
      const issuerEnv = { AGENTID_HOME: home, AGENTID_PUBLIC_URL: `http://127.0.0.1:${port}` }
      assert.equal((await runEnv(issuerEnv, 'init')).code, 0)
      assert.equal((await runEnv(issuerEnv, 'agent', 'register', botDid, '--name', 'bot', '--kind', 'company', '--owner', 'ops')).code, 0)
      const g = await runEnv(issuerEnv, 'grant', botDid, '--resource', 'db:x', '--action', 'read', '--out', 'away.vc.jwt')
      assert.equal(g.code, 0, g.stderr)
    })

    afterEach(stop)

    it('nothing listens: ERR_STATUS_UNAVAILABLE', async () => {
      const r = await verifyOnline()
      assert.equal(r.code, 1)
      assert.equal(errorOf(r).code, 'ERR_STATUS_UNAVAILABLE')
      assert.match(errorOf(r).message, /could not be fetched/)
    })

    it('an answer slower than --status-timeout: ERR_STATUS_UNAVAILABLE', async () => {
      await listen(() => undefined) // accepts, never answers
      const r = await verifyOnline('--status-timeout', '1s')
      assert.equal(errorOf(r).code, 'ERR_STATUS_UNAVAILABLE')
      assert.match(errorOf(r).message, /took longer than 1000 ms/)
    })

    it('an answer over 1 MiB: ERR_STATUS_UNAVAILABLE, read no further', async () => {
      await listen((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/vc+jwt' })
        res.end('a'.repeat(2 * 1024 * 1024))
      })
      const r = await verifyOnline()
      assert.equal(errorOf(r).code, 'ERR_STATUS_UNAVAILABLE')
      assert.match(errorOf(r).message, /larger than 1048576 bytes/)
    })

    it('a list that is not the issuer\'s: ERR_STATUS_UNAVAILABLE', async () => {
      // The status lists of another issuer, served at this URL.
      const other = readFileSync(join(dir, 'lists.jwt'), 'utf8').split('\n')[0]!
      await listen((_req, res) => res.end(other))
      const r = await verifyOnline()
      assert.equal(errorOf(r).code, 'ERR_STATUS_UNAVAILABLE')
    })
  })

  describe('config file', () => {
    let t: TestService
    let cfgDir: string
    // The file is named (AGENTID_CONFIG): one in the working directory is never read on its own.
    const inCfg = (extra: NodeJS.ProcessEnv, ...args: string[]) => agentid(args, { cwd: cfgDir, env: { AGENTID_CONFIG: 'agentid.json', ...extra } })
    const writeConfig = (config: unknown, mode = 0o644, name = 'agentid.json') => {
      const path = join(cfgDir, name)
      rmSync(path, { force: true })
      writeFileSync(path, JSON.stringify(config), { mode })
      chmodSync(path, mode)
    }

    before(async () => {
      t = await startTestService()
      cfgDir = mkdtempSync(join(tmpdir(), 'agentid-config-'))
      writeFileSync(join(cfgDir, 'admin.token'), `${t.tokens.admin}\n`, { mode: 0o600 })
      writeFileSync(join(cfgDir, 'olga.token'), `${t.tokens['ai-ops']}\n`, { mode: 0o600 })
    })

    after(async () => {
      await t?.close()
      rmSync(cfgDir, { recursive: true, force: true })
    })

    it('the file gives the URL, token file and output; the environment beats it, flags beat both', async () => {
      writeConfig({ url: t.url, tokenFile: 'admin.token', output: 'json' })
      const fromFile = await inCfg({}, 'whoami')
      assert.equal(fromFile.code, 0, fromFile.stderr)
      assert.equal(JSON.parse(fromFile.stdout).id, 'admin')
      const envBoth = await inCfg({ AGENTID_URL: t.url, AGENTID_TOKEN_FILE: 'olga.token' }, 'whoami')
      assert.equal(JSON.parse(envBoth.stdout).id, 'olga')
      // A token from the environment never goes to a service only the file names.
      const envToken = await inCfg({ AGENTID_TOKEN_FILE: 'olga.token' }, 'whoami')
      assert.equal(errorOf(envToken).code, 'ERR_USAGE')
      assert.match(errorOf(envToken).message, /names the service .* but the token comes from the environment/)
      const text = await inCfg({ AGENTID_OUTPUT: 'text' }, 'whoami')
      assert.match(text.stdout, /^admin \(admin\)$/m)
      const flag = await inCfg({ AGENTID_OUTPUT: 'text' }, '--json', 'whoami')
      assert.equal(JSON.parse(flag.stdout).id, 'admin')
      const closed = await freePort()
      const envUrl = await inCfg({ AGENTID_URL: `http://127.0.0.1:${closed}` }, 'whoami')
      assert.equal(envUrl.code, 1)
      assert.match(JSON.parse(envUrl.stderr).error.message, new RegExp(`127\\.0\\.0\\.1:${closed}`))
    })

    it('home: --home beats AGENTID_HOME beats the file\'s "home"', async () => {
      for (const h of ['file-home', 'env-home', 'flag-home']) assert.equal((await inCfg({}, '--home', h, 'init')).code, 0)
      const did = async (h: string) => JSON.parse((await inCfg({}, '--json', '--home', h, 'issuer', 'show')).stdout).did as string
      writeConfig({ home: 'file-home' })
      const show = async (extra: NodeJS.ProcessEnv, ...args: string[]) => JSON.parse((await inCfg(extra, '--json', ...args, 'issuer', 'show')).stdout).did as string
      assert.equal(await show({}), await did('file-home'))
      assert.equal(await show({ AGENTID_HOME: 'env-home' }), await did('env-home'))
      assert.equal(await show({ AGENTID_HOME: 'env-home' }, '--home', 'flag-home'), await did('flag-home'))
    })

    it('--config and AGENTID_CONFIG name the file; a missing or unknown one is refused', async () => {
      rmSync(join(cfgDir, 'agentid.json'), { force: true })
      writeConfig({ url: t.url, tokenFile: 'olga.token' }, 0o644, 'other.json')
      assert.equal(JSON.parse((await inCfg({}, '--json', '--config', 'other.json', 'whoami')).stdout).id, 'olga')
      assert.equal(JSON.parse((await inCfg({ AGENTID_CONFIG: 'other.json' }, '--json', 'whoami')).stdout).id, 'olga')
      const cases: Array<[unknown, string]> = [
        [{ url: t.url, colour: 'blue' }, 'unknown key "colour"'],
        [{ output: 'yaml' }, '"output" must be "json" or "text"'],
        [[1, 2], 'one JSON object'],
        [{ serve: { port: 8470, bogus: 1 } }, '"bogus" is not an option'],
      ]
      for (const [config, message] of cases) {
        writeConfig(config)
        const r = await inCfg({}, '--json', 'serve')
        assert.equal(errorOf(r).code, 'ERR_INPUT_INVALID', JSON.stringify(config))
        assert.ok(errorOf(r).message.includes(message), errorOf(r).message)
      }
      rmSync(join(cfgDir, 'agentid.json'))
      assert.equal(errorOf(await inCfg({}, '--json', '--config', 'missing.json', 'whoami')).code, 'ERR_INPUT_INVALID')
    })

    it('is never read from the working directory on its own, nor through a link, nor when others may write it or it is not this user\'s', async () => {
      writeConfig({ url: t.url, tokenFile: 'admin.token' })
      const unnamed = await agentid(['--json', 'whoami'], { cwd: cfgDir, env: { AGENTID_TOKEN: t.tokens.admin } })
      assert.equal(errorOf(unnamed).code, 'ERR_NOT_FOUND', 'it worked on the (absent) local issuer, not the file\'s service')
      symlinkSync(join(cfgDir, 'agentid.json'), join(cfgDir, 'link.json'))
      assert.match(errorOf(await inCfg({ AGENTID_CONFIG: 'link.json' }, '--json', 'whoami')).message, /symbolic link/)
      writeConfig({ url: t.url, tokenFile: 'admin.token' }, 0o664)
      assert.match(errorOf(await inCfg({}, '--json', 'whoami')).message, /writable by others/)
      rmSync(join(cfgDir, 'link.json'))
      rmSync(join(cfgDir, 'agentid.json'))
    })

    it('a token is never read from a file others can read', async () => {
      writeConfig({ url: t.url, token: t.tokens.admin }, 0o644)
      const open = await inCfg({}, '--json', 'whoami')
      assert.equal(errorOf(open).code, 'ERR_INPUT_INVALID')
      assert.match(errorOf(open).message, /holds a token and is readable by others/)
      assert.ok(!open.stderr.includes(t.tokens.admin), 'the token is not printed')
      chmodSync(join(cfgDir, 'agentid.json'), 0o600)
      assert.equal(JSON.parse((await inCfg({}, '--json', 'whoami')).stdout).id, 'admin')
      writeFileSync(join(cfgDir, 'loose.token'), `${t.tokens.admin}\n`, { mode: 0o644 })
      chmodSync(join(cfgDir, 'loose.token'), 0o644)
      for (const extra of [{ AGENTID_URL: t.url, AGENTID_TOKEN_FILE: 'loose.token' }]) {
        const r = await inCfg(extra, '--json', 'whoami')
        assert.equal(errorOf(r).code, 'ERR_INPUT_INVALID')
        assert.match(errorOf(r).message, /readable by others/)
      }
      writeConfig({ url: t.url, tokenFile: 'loose.token' }, 0o644)
      assert.equal(errorOf(await inCfg({}, '--json', 'whoami')).code, 'ERR_INPUT_INVALID')
      writeConfig({ url: t.url }, 0o646)
      assert.match(errorOf(await inCfg({}, '--json', 'whoami')).message, /writable by others/)
      rmSync(join(cfgDir, 'agentid.json'))
    })

    it('"serve" gives serve its options; a flag beats it', async () => {
      const [filePort, flagPort] = [await freePort(), await freePort()]
      writeConfig({ home: 'serve-home', serve: { port: filePort, sweepInterval: '0', allowPrivateWebhooks: false } })
      // The second start is on another port than the public URL the first one set: told that it is meant.
      for (const [args, port] of [[[], filePort], [['--port', String(flagPort), '--public-url-mismatch-ok'], flagPort]] as const) {
        const child = spawn(process.execPath, [AGENTID_BIN, 'serve', '--init', ...args], { cwd: cfgDir, env: { PATH: process.env.PATH, HOME: cfgDir, AGENTID_CONFIG: 'agentid.json' }, stdio: ['ignore', 'pipe', 'pipe'] })
        try {
          const out = await waitForOutput(child, /listening on http:\/\/\S+/)
          assert.match(out, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}\\b`))
        } finally {
          if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((resolve) => child.once('exit', resolve))
            child.kill('SIGTERM')
            await exited
          }
        }
      }
      rmSync(join(cfgDir, 'agentid.json'))
    })
  })
})
