// Run by test/packaging.e2e.test.ts in a fresh project that installed all five npm pack tarballs:
// an issuer (SQLite, Veramo) enrols an agent and issues it a credential, which the verifier
// accepts against the issuer's own status list. One JSON line per check; exits non-zero at the
// first thing that does not work.
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { generateAgentKey, createPresentation } from '@agentid/agent'
import { Issuer } from '@agentid/issuer'
import { createVerifier, statusListsFromJwts } from '@agentid/verifier'

const report = (check, details = {}) => console.log(JSON.stringify({ check, ...details }))

for (const name of ['@agentid/issuer', '@agentid/cli']) {
  const file = fileURLToPath(import.meta.resolve(name))
  assert.ok(file.startsWith(`${process.cwd()}/node_modules/`), `${name} resolved to ${file}`)
  report('resolved', { name, file: file.slice(process.cwd().length + 1) })
}

const { issuer } = await Issuer.init({ home: 'issuer-home', env: { AGENTID_PUBLIC_URL: 'http://127.0.0.1:8470' } })
try {
  const agent = generateAgentKey()
  await issuer.registerAgent({ did: agent.did, name: 'report-bot', kind: 'company', owner: 'sales-team' }, 'packaging-test')
  const credential = await issuer.grant({ subject: agent.did, entitlements: [{ resource: 'db:customers', actions: ['read'], purpose: 'monthly-report' }], ttlSeconds: 3600 }, 'packaging-test')
  report('issued', { id: credential.id, issuer: issuer.did })

  const verifierKey = generateAgentKey()
  const verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [issuer.did], statusLists: statusListsFromJwts(await issuer.publishStatusLists()) })
  const challenge = verifier.challenge()
  const result = await verifier.verifyPresentation(createPresentation({ key: agent, credentials: [credential.jwt], audience: verifierKey.did, challenge }), { challenge })
  assert.ok(result.ok, JSON.stringify(result))
  assert.equal(result.statusChecked, true)
  const decision = verifier.authorize(result, { resource: 'db:customers', action: 'read', purpose: 'monthly-report', context: {} })
  assert.equal(decision.allow, true, JSON.stringify(decision))
  report('verified', { holder: result.holder, statusChecked: result.statusChecked, allowed: decision.allow })
} finally {
  await issuer.close()
}
