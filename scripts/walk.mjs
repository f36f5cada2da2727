#!/usr/bin/env node
// npm run walk: the README's five-minute walk, run for real with the
// agentid CLI on an embedded SQLite issuer in ./.agentid (AGENTID_HOME overrides it).
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js')
if (!existsSync(bin)) {
  console.error('agentid is not built yet: run "npm install" (it builds), or "npm run build".')
  process.exit(1)
}
const home = resolve(process.env.AGENTID_HOME ?? '.agentid')
const work = join(home, 'walk', new Date().toISOString().replace(/[:.]/g, '-'))
// The issuer's home is made owner-only here (init refuses a home others can enter); the walk's
// own folder goes inside it.
if (!existsSync(home)) mkdirSync(home, { recursive: true, mode: 0o700 })
mkdirSync(work, { recursive: true })
const env = { ...process.env, AGENTID_HOME: home }
const show = (path) => {
  const rel = relative(process.cwd(), path)
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel
}

/** Runs one agentid command in the walk folder, prints it with its output and time. */
function agentid(args, { expectExit = 0, json = false } = {}) {
  const start = process.hrtime.bigint()
  const r = spawnSync(process.execPath, [bin, ...(json ? ['--json'] : []), ...args], { cwd: work, env, encoding: 'utf8' })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  const shown = args.map((a) => (a.length > 40 ? `${a.slice(0, 18)}…${a.slice(-8)}` : a)).join(' ')
  console.log(`\n$ agentid ${json ? '--json ' : ''}${shown}   (${ms.toFixed(0)} ms, exit ${r.status})`)
  const text = `${r.stdout}${r.stderr}`.trimEnd()
  if (text && !json) console.log(text.split('\n').map((l) => `  ${l}`).join('\n'))
  if (r.status !== expectExit) {
    console.error(`\nunexpected exit ${r.status} (expected ${expectExit}); stopping the walk.`)
    process.exit(1)
  }
  return json ? JSON.parse(r.stdout) : r.stdout.trim()
}

console.log(`agentid walk: issuer home ${show(home)}, agent files in ${show(work)}`)

console.log('\n1. The issuer: created once, then reused.')
const issuerDid = existsSync(join(home, 'issuer.db')) ? agentid(['issuer', 'show']) : agentid(['init'], { json: true }).did
if (typeof issuerDid !== 'string') process.exit(1)
console.log(`  issuer ${issuerDid}`)

console.log('\n2. Each agent makes its own key; the private key never leaves its file.')
const reportBot = agentid(['agent', 'keygen', '--out', 'report-bot.key'])
const crmAgent = agentid(['agent', 'keygen', '--out', 'crm-agent.key'])

console.log('\n3. The issuer enrols the reporting agent and grants it one precise, expiring entitlement.')
agentid(['agent', 'register', reportBot, '--name', 'report-bot', '--kind', 'company', '--owner', 'sales-team', '--segment', 'sales'])
agentid(['grant', reportBot, '--resource', 'db:customers', '--action', 'read', '--purpose', 'monthly-report', '--ttl', '24h', '--constraint', 'maxRecords=5000', '--out', 'report-bot.vc.jwt'])
agentid(['status', 'publish', '--out', 'status.jwt'])

console.log('\n4. The CRM agent challenges the reporting agent, which presents its credential.')
const challenge = randomBytes(16).toString('base64url')
agentid(['present', '--key', 'report-bot.key', '--credential', 'report-bot.vc.jwt', '--audience', crmAgent, '--challenge', challenge, '--out', 'report-bot.vp.jwt'])

console.log('\n5. The CRM agent verifies offline and decides each request.')
const verify = ['verify', 'report-bot.vp.jwt', '--audience', crmAgent, '--challenge', challenge, '--trust', issuerDid, '--status-list', 'status.jwt']
agentid([...verify, '--resource', 'db:customers', '--action', 'read', '--purpose', 'monthly-report', '--records', '250'])
agentid([...verify, '--resource', 'db:hr-records', '--action', 'read', '--purpose', 'monthly-report'], { expectExit: 1 })
agentid([...verify, '--resource', 'db:customers', '--action', 'read', '--purpose', 'monthly-report', '--records', '20000'], { expectExit: 1 })

console.log(`\nDone. Everything the issuer did is in its audit log; run "AGENTID_HOME=${show(home)} node ${show(bin)} agent list" to see the inventory.`)
