import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { agentid, type CliResult } from './support/cli.js'

// The README's walk, in real processes: init, keygen, register, grant, publish status,
// present, verify; then the refusals, each with its code and exit status.
describe('agentid CLI end to end (real processes)', function () {
  this.timeout(120_000)
  let dir: string
  let env: NodeJS.ProcessEnv
  let issuerDid: string
  let agentDid: string
  let verifierDid: string
  const run = (...args: string[]): Promise<CliResult> => agentid(args, { cwd: dir, env })
  const json = async (...args: string[]): Promise<Record<string, unknown>> => {
    const r = await run('--json', ...args)
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout) as Record<string, unknown>
  }
  const errorOf = (r: CliResult): { code: string; message: string } => (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error

  // Everything the issuer knows, to prove that refused commands changed nothing.
  function snapshot(): string {
    const db = new Database(join(dir, '.agentid', 'issuer.db'), { readonly: true })
    try {
      return JSON.stringify(['agents', 'credentials', 'audit_log', 'roles', 'settings', 'status_lists'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()))
    } finally {
      db.close()
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentid-cli-'))
    env = { AGENTID_HOME: join(dir, '.agentid') }
    issuerDid = (await json('init')).did as string
    agentDid = (await json('agent', 'keygen', '--out', 'agent.key')).did as string
    verifierDid = (await json('agent', 'keygen', '--out', 'verifier.key')).did as string
  })

  after(() => rmSync(dir, { recursive: true, force: true }))

  it('walks from enrolment to an allowed request', async () => {
    assert.equal((await json('issuer', 'show')).did, issuerDid)
    const reg = await json('agent', 'register', agentDid, '--name', 'report-bot', '--kind', 'company', '--owner', 'sales-team', '--segment', 'sales')
    assert.equal((reg.agent as { did: string }).did, agentDid)
    const shown = await json('issuer', 'show')
    assert.deepEqual([shown.agents, shown.backend], [1, 'sqlite'])
    const grant = await json('grant', agentDid, '--resource', 'db:customers', '--action', 'read', '--purpose', 'monthly-report', '--ttl', '24h', '--constraint', 'maxRecords=5000', '--out', 'report.vc.jwt')
    assert.match(grant.id as string, /^urn:uuid:/)
    await json('status', 'publish', '--out', 'status.jwt')
    await json('present', '--key', 'agent.key', '--credential', 'report.vc.jwt', '--audience', verifierDid, '--challenge', 'c-1', '--out', 'vp.jwt')
    const ok = await run('--json', 'verify', 'vp.jwt', '--audience', verifierDid, '--challenge', 'c-1', '--trust', issuerDid, '--status-list', 'status.jwt',
      '--resource', 'db:customers', '--action', 'read', '--purpose', 'monthly-report', '--records', '120')
    assert.equal(ok.code, 0, ok.stderr)
    const result = JSON.parse(ok.stdout) as { valid: boolean; statusChecked: boolean; decision: { allow: boolean; credentialId: string } }
    assert.equal(result.valid, true)
    assert.equal(result.statusChecked, true)
    assert.deepEqual([result.decision.allow, result.decision.credentialId], [true, grant.id])
    const human = await run('verify', 'vp.jwt', '--audience', verifierDid, '--challenge', 'c-1', '--trust', issuerDid, '--status-list', 'status.jwt', '--resource', 'db:customers', '--action', 'read', '--purpose', 'monthly-report', '--records', '1')
    assert.equal(human.code, 0)
    assert.match(human.stdout, /^allowed: read on db:customers/m)
    const listed = await json('agent', 'list')
    assert.equal((listed.agents as unknown[]).length, 1)
  })

  it('denies the same presentation for another action with ERR_NOT_ENTITLED, exit 1', async () => {
    const r = await run('--json', 'verify', 'vp.jwt', '--audience', verifierDid, '--challenge', 'c-1', '--trust', issuerDid, '--status-list', 'status.jwt', '--resource', 'db:customers', '--action', 'delete')
    assert.equal(r.code, 1)
    const decision = (JSON.parse(r.stdout) as { decision: { allow: boolean; code: string } }).decision
    assert.deepEqual([decision.allow, decision.code], [false, 'ERR_NOT_ENTITLED'])
    const hr = await run('verify', 'vp.jwt', '--audience', verifierDid, '--challenge', 'c-1', '--trust', issuerDid, '--status-list', 'status.jwt', '--resource', 'db:hr-records', '--action', 'read')
    assert.equal(hr.code, 1)
    assert.match(hr.stdout, /denied: ERR_NOT_ENTITLED/)
  })

  it('delegates offline: the delegate presents the chain and is allowed only the subset', async () => {
    const subDid = (await json('agent', 'keygen', '--out', 'sub.key')).did as string
    const made = await json('delegate', '--key', 'agent.key', '--parent', 'report.vc.jwt', '--to', subDid, '--resource', 'db:customers', '--action', 'read',
      '--purpose', 'monthly-report', '--constraint', 'maxRecords=100', '--ttl', '30m', '--out', 'sub.chain')
    assert.equal(made.links, 1)
    // The delegate presents its own credential beside the chain: its standing with the issuer.
    await json('agent', 'register', subDid, '--name', 'sub', '--kind', 'service', '--owner', 'ops')
    await json('grant', subDid, '--resource', 'ops:standing', '--action', 'read', '--out', 'sub.vc.jwt')
    const bare = await run('--json', 'present', '--key', 'sub.key', '--credential', 'sub.chain', '--audience', verifierDid, '--challenge', 'c-bare', '--out', 'bare.vp.jwt')
    assert.equal(bare.code, 0, bare.stderr)
    const noStanding = await run('--json', 'verify', 'bare.vp.jwt', '--audience', verifierDid, '--challenge', 'c-bare', '--trust', issuerDid, '--status-list', 'status.jwt')
    assert.equal(errorOf(noStanding).code, 'ERR_DELEGATION')
    await json('present', '--key', 'sub.key', '--credential', 'sub.chain', '--credential', 'sub.vc.jwt', '--audience', verifierDid, '--challenge', 'c-sub', '--out', 'sub.vp.jwt')
    const verify = (...extra: string[]) => run('--json', 'verify', 'sub.vp.jwt', '--audience', verifierDid, '--challenge', 'c-sub', '--trust', issuerDid, '--status-list', 'status.jwt', '--resource', 'db:customers', '--action', 'read', '--purpose', 'monthly-report', ...extra)
    const ok = await verify('--records', '50')
    assert.equal(ok.code, 0, ok.stderr)
    const decision = (JSON.parse(ok.stdout) as { decision: { chain: string[] } }).decision
    assert.equal(decision.chain.length, 2)
    const tooMany = await verify('--records', '500')
    assert.equal(tooMany.code, 1)
    assert.equal((JSON.parse(tooMany.stdout) as { decision: { code: string } }).decision.code, 'ERR_CONSTRAINT')
    // Escalations are refused where they are made, before anything is signed.
    for (const extra of [['--action', 'read,write'], ['--action', 'read', '--constraint', 'maxRecords=9000'], ['--action', 'read', '--purpose', 'marketing']]) {
      const r = await run('--json', 'delegate', '--key', 'agent.key', '--parent', 'report.vc.jwt', '--to', subDid, '--resource', 'db:customers', '--out', 'bad.chain',
        ...(extra.includes('--purpose') ? [] : ['--purpose', 'monthly-report']), ...extra)
      assert.equal(r.code, 1, r.stderr)
      assert.equal(errorOf(r).code, 'ERR_DELEGATION')
    }
    // Only the parent's subject can delegate from it.
    // The issuer records a reported chain (once), for its audit log.
    const reported = await json('delegation', 'report', 'sub.chain')
    assert.equal((reported.recorded as unknown[]).length, 1)
    assert.equal((await json('delegation', 'report', 'sub.chain')).alreadyKnown, 1)
    const shown = await json('agent', 'show', agentDid)
    assert.deepEqual((shown.credentials as Array<{ delegations: Array<{ delegate: string }> }>).flatMap((c) => c.delegations.map((d) => d.delegate)), [subDid])
    const thief = await run('--json', 'delegate', '--key', 'sub.key', '--parent', 'report.vc.jwt', '--to', subDid, '--resource', 'db:customers', '--action', 'read', '--purpose', 'monthly-report', '--out', 'bad.chain')
    assert.equal(errorOf(thief).code, 'ERR_DELEGATION')
  })

  it('refuses an invalid presentation with its code, exit 1', async () => {
    const cases: Array<[string[], string]> = [
      [['verify', 'vp.jwt', '--audience', issuerDid, '--challenge', 'c-1', '--trust', issuerDid, '--status-list', 'status.jwt'], 'ERR_VP_AUDIENCE'],
      [['verify', 'vp.jwt', '--audience', verifierDid, '--challenge', 'c-2', '--trust', issuerDid, '--status-list', 'status.jwt'], 'ERR_VP_NONCE'],
      [['verify', 'vp.jwt', '--audience', verifierDid, '--challenge', 'c-1', '--trust', verifierDid, '--status-list', 'status.jwt'], 'ERR_VC_ISSUER_UNTRUSTED'],
      [['verify', 'vp.jwt', '--audience', verifierDid, '--challenge', 'c-1', '--trust', issuerDid], 'ERR_STATUS_UNAVAILABLE'],
      [['verify', 'report.vc.jwt', '--audience', verifierDid, '--challenge', 'c-1', '--trust', issuerDid, '--status-list', 'status.jwt'], 'ERR_TYPE_CONFUSION'],
    ]
    for (const [args, code] of cases) {
      const r = await run('--json', ...args)
      assert.equal(r.code, 1, `${code}: ${r.stderr}`)
      assert.equal(errorOf(r).code, code)
    }
  })

  it('gives bad input a one-line error with its code and changes nothing', async () => {
    writeFileSync(join(dir, 'secret.key'), '{}', { mode: 0o600 })
    chmodSync(join(dir, 'secret.key'), 0o000)
    const before = snapshot()
    const cases: Array<[string[], string, number]> = [
      [['grant', agentDid, '--action', 'read'], 'ERR_USAGE', 2],
      [['grant', agentDid, '--resource', 'db:x'], 'ERR_USAGE', 2],
      [['grant', agentDid, '--resource', 'db:x', '--action', 'read', '--ttl', '-5m'], 'ERR_INPUT_INVALID', 1],
      [['grant', agentDid, '--resource', 'db:x', '--action', 'read', '--ttl', '0h'], 'ERR_INPUT_INVALID', 1],
      [['grant', agentDid, '--resource', 'db:x', '--action', 'read', '--ttl', '31d'], 'ERR_INPUT_INVALID', 1],
      [['grant', agentDid, '--resource', 'db:*', '--action', 'read'], 'ERR_INPUT_INVALID', 1],
      [['grant', agentDid, '--resource', 'db:x', '--action', 'READ'], 'ERR_INPUT_INVALID', 1],
      [['grant', agentDid, '--resource', 'db:x', '--action', 'read', '--constraint', 'geofence=eu'], 'ERR_INPUT_INVALID', 1],
      [['grant', agentDid, '--resource', 'db:x', '--action', 'read', '--constraint', 'networks=10.0.0.1/8'], 'ERR_INPUT_INVALID', 1],
      [['grant', 'did:key:z6Mk0OIl', '--resource', 'db:x', '--action', 'read'], 'ERR_DID_INVALID', 1],
      [['grant', 'did:web:example.com', '--resource', 'db:x', '--action', 'read'], 'ERR_DID_UNSUPPORTED', 1],
      [['grant', 'did:key:z6MkeXATEjyXENzBXBxgC5EHk2JE5aqd7qMGGtDpLUH1e2Sj', '--resource', 'db:x', '--action', 'read'], 'ERR_KEY_WEAK', 1],
      [['grant', verifierDid, '--resource', 'db:x', '--action', 'read'], 'ERR_NOT_FOUND', 1],
      [['agent', 'register', 'not-a-did', '--name', 'x', '--kind', 'company', '--owner', 'ops'], 'ERR_DID_INVALID', 1],
      [['agent', 'register', agentDid, '--name', 'x', '--kind', 'robot', '--owner', 'ops'], 'ERR_INPUT_INVALID', 1],
      [['agent', 'register', agentDid, '--name', 'dup', '--kind', 'company', '--owner', 'ops'], 'ERR_CONFLICT', 1],
      [['agent', 'register', verifierDid, '--name', 'x', '--kind', 'company', '--owner', 'ops', '--role', 'no-such-role'], 'ERR_NOT_FOUND', 1],
      [['agent', 'register', verifierDid, '--kind', 'company', '--owner', 'ops'], 'ERR_USAGE', 2],
      [['agent', 'show', 'did:key:nope'], 'ERR_DID_INVALID', 1],
      [['agent', 'keygen', '--out', 'agent.key'], 'ERR_CONFLICT', 1],
      [['present', '--key', 'missing.key', '--credential', 'report.vc.jwt', '--audience', verifierDid, '--challenge', 'c'], 'ERR_INPUT_INVALID', 1],
      [['present', '--key', 'agent.key', '--credential', 'missing.jwt', '--audience', verifierDid, '--challenge', 'c'], 'ERR_INPUT_INVALID', 1],
      [['present', '--key', 'agent.key', '--credential', 'report.vc.jwt', '--audience', verifierDid, '--challenge', 'c', '--ttl', '10m'], 'ERR_INPUT_INVALID', 1],
      [['verify', 'missing.jwt', '--audience', verifierDid, '--challenge', 'c', '--trust', issuerDid], 'ERR_INPUT_INVALID', 1],
      [['verify', 'vp.jwt', '--audience', verifierDid, '--challenge', 'c-1', '--trust', issuerDid, '--resource', 'db:x'], 'ERR_USAGE', 2],
      [['verify', 'vp.jwt', '--audience', verifierDid, '--challenge', 'c-1'], 'ERR_USAGE', 2],
      [['frobnicate'], 'ERR_USAGE', 2],
      [['grant', agentDid, '--resource', 'db:x', '--action', 'read', '--bogus'], 'ERR_USAGE', 2],
      [['grant', agentDid, '--resource', 'db:x', '--action', 'read', '--out', 'report.vc.jwt'], 'ERR_CONFLICT', 1],
      [['grant', agentDid, '--resource', 'db:x', '--action', 'read', '--out', 'no-such-dir/x.jwt'], 'ERR_INPUT_INVALID', 1],
      [['agent', 'register', verifierDid, '--name', 'x', '--kind', 'company', '--owner', 'ops', '--role', 'sales-reporter', '--out', 'report.vc.jwt'], 'ERR_CONFLICT', 1],
    ]
    if (process.getuid?.() !== 0) cases.push([['present', '--key', 'secret.key', '--credential', 'report.vc.jwt', '--audience', verifierDid, '--challenge', 'c'], 'ERR_INPUT_INVALID', 1])
    for (const [args, code, exit] of cases) {
      const human = await run(...args)
      assert.equal(human.code, exit, `${args.join(' ')}: ${human.stderr}`)
      const lines = human.stderr.trimEnd().split('\n')
      assert.equal(lines.length, 1, `one line expected for ${args.join(' ')}:\n${human.stderr}`)
      assert.match(lines[0]!, new RegExp(`^agentid: ${code}: `), args.join(' '))
      const machine = await run('--json', ...args)
      assert.equal(machine.code, exit)
      assert.equal(errorOf(machine).code, code, args.join(' '))
      assert.equal(machine.stdout, '')
    }
    assert.equal(snapshot(), before)
  })

  it('an employee enrolled as a person delegates to their assistant; retiring them cuts off the chain', async () => {
    const erin = (await json('agent', 'keygen', '--out', 'erin.key')).did as string
    const assistant = (await json('agent', 'keygen', '--out', 'erin-assistant.key')).did as string
    const stranger = (await json('agent', 'keygen', '--out', 'stranger.key')).did as string
    await json('agent', 'register', erin, '--name', 'erin', '--kind', 'person', '--owner', 'finance')
    await json('grant', erin, '--resource', 'mail:erin/*', '--action', 'read,list', '--ttl', '8h', '--out', 'erin.vc.jwt')
    await json('agent', 'register', assistant, '--name', 'erin-assistant', '--kind', 'employee', '--owner', erin)
    await json('grant', assistant, '--resource', 'ops:standing', '--action', 'read', '--ttl', '8h', '--out', 'erin-assistant.vc.jwt')
    await json('agent', 'register', stranger, '--name', 'stranger', '--kind', 'company', '--owner', 'ops')
    // An assistant acts for a person: not for a company agent, and not for someone who has left.
    const notAPerson = await run('--json', 'agent', 'register', (await json('agent', 'keygen', '--out', 'x.key')).did as string, '--name', 'x', '--kind', 'employee', '--owner', stranger)
    assert.equal(errorOf(notAPerson).code, 'ERR_INPUT_INVALID')

    // Erin hands her assistant reading, offline; the issuer records it.
    await json('delegate', '--key', 'erin.key', '--parent', 'erin.vc.jwt', '--to', assistant, '--resource', 'mail:erin/inbox', '--action', 'read', '--ttl', '1h', '--out', 'erin.chain')
    assert.equal(((await json('delegation', 'report', 'erin.chain')).recorded as unknown[]).length, 1)
    // A delegation to an agent that is not hers works offline all the same: when reported, it is
    // recorded with a high alert naming her, so that someone looks at it.
    await json('delegate', '--key', 'erin.key', '--parent', 'erin.vc.jwt', '--to', stranger, '--resource', 'mail:erin/inbox', '--action', 'read', '--ttl', '1h', '--out', 'stray.chain')
    const stray = await json('delegation', 'report', 'stray.chain')
    assert.equal((stray.recorded as unknown[]).length, 1)
    assert.deepEqual((stray.alerts as Array<{ kind: string; severity: string; subject: string }>).map((a) => [a.kind, a.severity, a.subject]), [['delegation.stray', 'high', erin]])
    const human = await run('delegation', 'report', 'erin.chain')
    assert.match(human.stdout, /already known/)
    assert.ok(((await json('alerts')).alerts as Array<{ kind: string }>).some((a) => a.kind === 'delegation.stray'))
    assert.ok(((await json('alerts', '--order', 'score')).alerts as Array<{ kind: string }>).some((a) => a.kind === 'delegation.stray'))
    assert.equal(errorOf(await run('--json', 'alerts', '--order', 'risk')).code, 'ERR_INPUT_INVALID')

    await json('status', 'publish', '--out', 'erin-lists.jwt')
    const verifyAssistant = async (challenge: string, lists: string) => {
      await json('present', '--key', 'erin-assistant.key', '--credential', 'erin.chain', '--credential', 'erin-assistant.vc.jwt', '--audience', verifierDid, '--challenge', challenge, '--out', `${challenge}.vp.jwt`)
      return run('--json', 'verify', `${challenge}.vp.jwt`, '--audience', verifierDid, '--challenge', challenge, '--trust', issuerDid, '--status-list', lists, '--resource', 'mail:erin/inbox', '--action', 'read')
    }
    const allowed = await verifyAssistant('c-erin-1', 'erin-lists.jwt')
    assert.equal(allowed.code, 0, allowed.stderr)
    assert.deepEqual((JSON.parse(allowed.stdout) as { decision: { chain: string[] } }).decision.chain.length, 2)

    // Erin leaves: her record and her assistant are retired, her credential revoked, and with
    // the next published list every delegation below it is refused.
    const retired = await json('agent', 'retire', erin)
    assert.deepEqual(retired.retired, [erin, assistant])
    await json('status', 'publish', '--out', 'erin-lists-after.jwt')
    const refused = await verifyAssistant('c-erin-2', 'erin-lists-after.jwt')
    assert.equal(refused.code, 1)
    assert.equal(errorOf(refused).code, 'ERR_DELEGATION')
    assert.match(errorOf(refused).message, /ERR_VC_REVOKED/)
    const late = await run('--json', 'agent', 'register', (await json('agent', 'keygen', '--out', 'late.key')).did as string, '--name', 'late', '--kind', 'employee', '--owner', erin)
    assert.equal(errorOf(late).code, 'ERR_CONFLICT')
  })

  it('suspends and resumes: verifiers follow the published lists', async () => {
    const suspendee = (await json('agent', 'keygen', '--out', 'suspendee.key')).did as string
    await json('agent', 'register', suspendee, '--name', 'suspendee', '--kind', 'service', '--owner', 'ops')
    const vc = await json('grant', suspendee, '--resource', 'db:x', '--action', 'read', '--out', 'suspendee.vc.jwt')
    const verifyAfter = async (challenge: string, lists: string) => {
      await json('present', '--key', 'suspendee.key', '--credential', 'suspendee.vc.jwt', '--audience', verifierDid, '--challenge', challenge, '--out', `${challenge}.vp.jwt`)
      return run('--json', 'verify', `${challenge}.vp.jwt`, '--audience', verifierDid, '--challenge', challenge, '--trust', issuerDid, '--status-list', lists)
    }
    await json('agent', 'suspend', suspendee)
    await json('status', 'publish', '--out', 'lists-suspended.jwt')
    const suspended = await verifyAfter('c-s1', 'lists-suspended.jwt')
    assert.equal(errorOf(suspended).code, 'ERR_VC_SUSPENDED')
    // The agent's suspension is lifted by resuming the agent (a credential suspended with its agent does not come back alone).
    assert.equal(errorOf(await run('--json', 'resume', vc.id as string)).code, 'ERR_CONFLICT')
    await json('agent', 'resume', suspendee)
    await json('status', 'publish', '--out', 'lists-resumed.jwt')
    assert.equal((await verifyAfter('c-s2', 'lists-resumed.jwt')).code, 0)
    // Resuming again (a retry whose answer was lost) succeeds and says nothing changed.
    const retry = await json('resume', vc.id as string)
    assert.deepEqual([retry.status, retry.changed], ['active', false])
  })

  it('revokes: a verifier with a list published afterwards refuses the credential', async () => {
    const other = (await json('agent', 'keygen', '--out', 'revokee.key')).did as string
    await json('agent', 'register', other, '--name', 'revokee', '--kind', 'service', '--owner', 'ops')
    const vc = await json('grant', other, '--resource', 'db:x', '--action', 'read', '--out', 'revokee.vc.jwt')
    await json('present', '--key', 'revokee.key', '--credential', 'revokee.vc.jwt', '--audience', verifierDid, '--challenge', 'c-r', '--out', 'revokee.vp.jwt')
    await json('revoke', vc.id as string, '--reason', 'test')
    await json('status', 'publish', '--out', 'status-after.jwt')
    const r = await run('--json', 'verify', 'revokee.vp.jwt', '--audience', verifierDid, '--challenge', 'c-r', '--trust', issuerDid, '--status-list', 'status-after.jwt')
    assert.equal(r.code, 1)
    assert.equal(errorOf(r).code, 'ERR_VC_REVOKED')
    const again = await json('revoke', vc.id as string)
    assert.deepEqual([again.status, again.changed], ['revoked', false], 'a retried revocation is no error: nothing changed')
    const retired = await json('agent', 'retire', other)
    assert.deepEqual(retired.revoked, [])
    assert.equal(errorOf(await run('--json', 'grant', other, '--resource', 'db:x', '--action', 'read')).code, 'ERR_CONFLICT')
  })

  it('writes key files owner-only and refuses to read one others can', async () => {
    const key = JSON.parse(readFileSync(join(dir, 'agent.key'), 'utf8')) as { kty: string; crv: string; kid: string }
    assert.deepEqual([key.kty, key.crv, key.kid.startsWith(agentDid)], ['OKP', 'Ed25519', true])
    chmodSync(join(dir, 'agent.key'), 0o644)
    const r = await run('present', '--key', 'agent.key', '--credential', 'report.vc.jwt', '--audience', verifierDid, '--challenge', 'c')
    assert.equal(r.code, 1)
    assert.match(r.stderr, /ERR_INPUT_INVALID: .*readable by others/)
    chmodSync(join(dir, 'agent.key'), 0o600)
  })

  it('verifies the audit log and says where an edit breaks it', async () => {
    const ok = await json('audit', 'verify')
    assert.equal(ok.ok, true)
    const lines = (await run('audit', 'export', '--since', '2')).stdout.trim().split('\n')
    assert.equal(lines.length, (ok.entries as number) - 1)
    assert.equal((JSON.parse(lines[0]!) as { seq: number }).seq, 2)
    // An operator with the database file can bypass the triggers; the chain still tells.
    const db = new Database(join(dir, '.agentid', 'issuer.db'))
    db.exec('DROP TRIGGER audit_log_no_update')
    db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3").run()
    db.close()
    const broken = await run('--json', 'audit', 'verify')
    assert.equal(broken.code, 1)
    assert.equal(errorOf(broken).code, 'ERR_AUDIT_BROKEN')
    assert.match(errorOf(broken).message, /entry 3/)
  })

  it('has --help on every command', async () => {
    for (const args of [[], ['init'], ['issuer', 'show'], ['agent'], ['agent', 'keygen'], ['agent', 'register'], ['agent', 'list'], ['agent', 'show'], ['grant'], ['status', 'publish'], ['delegate'], ['delegation', 'report'], ['revoke'], ['suspend'], ['resume'], ['agent', 'suspend'], ['agent', 'resume'], ['agent', 'retire'], ['audit', 'verify'], ['audit', 'export'], ['present'], ['verify']]) {
      const r = await run(...args, '--help')
      assert.equal(r.code, 0, args.join(' '))
      assert.match(r.stdout, /^Usage: agentid/, args.join(' '))
    }
  })
})
