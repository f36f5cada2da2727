// Run by test/packaging.e2e.test.ts in a fresh project that installed the npm pack tarballs of
// @agentid/core, verifier and agent: one real thing with each, printing one JSON line per check.
// Exits non-zero at the first thing that does not work.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { isAgentIdError, parseDidKey, parseEntitlement } from '@agentid/core'
import { agentKeyFromSeed, createPresentation, generateAgentKey, loadAgentKey, saveAgentKey, signJwt } from '@agentid/agent'
import { createVerifier } from '@agentid/verifier'

const report = (check, details = {}) => console.log(JSON.stringify({ check, ...details }))

// Every package resolved from this project's node_modules, not from a monorepo around it.
for (const name of ['@agentid/core', '@agentid/verifier', '@agentid/agent']) {
  const file = fileURLToPath(import.meta.resolve(name))
  assert.ok(file.startsWith(`${process.cwd()}/node_modules/`), `${name} resolved to ${file}`)
  report('resolved', { name, file: file.slice(process.cwd().length + 1) })
}

// @agentid/agent: a new key pair, saved and loaded again; @agentid/core parses its did:key.
const agent = generateAgentKey()
await saveAgentKey('agent.key', agent)
const loaded = await loadAgentKey('agent.key')
assert.equal(loaded.did, agent.did)
assert.equal(parseDidKey(agent.did).did, agent.did)
report('did:key', { did: agent.did })

// A credential from an issuer key, presented to a verifier and decided.
const issuer = agentKeyFromSeed(new Uint8Array(32).fill(7))
const verifierKey = agentKeyFromSeed(new Uint8Array(32).fill(9))
const now = Math.floor(Date.now() / 1000)
const entitlement = { resource: 'db:customers', actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 5000 } }
parseEntitlement(entitlement)
const vc = signJwt(issuer, {
  iss: issuer.did, sub: agent.did, jti: 'urn:uuid:7a1c2d3e-0000-4000-8000-000000000001', nbf: now - 60, exp: now + 3600,
  vc: {
    '@context': ['https://www.w3.org/2018/credentials/v1', 'https://w3id.org/agentid/v1'],
    type: ['VerifiableCredential', 'AgentEntitlementCredential'],
    credentialSubject: { agent: { name: 'report-bot', kind: 'company', owner: 'sales-team' }, entitlements: [entitlement] },
  },
})
const verifier = createVerifier({ did: verifierKey.did, trustedIssuers: [issuer.did], statusLists: 'unchecked' })
const challenge = verifier.challenge()
const vp = createPresentation({ key: loaded, credentials: [vc], audience: verifierKey.did, challenge })
const result = await verifier.verifyPresentation(vp, { challenge })
assert.ok(result.ok, JSON.stringify(result))
const allowed = verifier.authorize(result, { resource: 'db:customers', action: 'read', purpose: 'monthly-report', context: { records: 250 } })
const denied = verifier.authorize(result, { resource: 'db:hr-records', action: 'read', purpose: 'monthly-report', context: {} })
assert.equal(allowed.allow, true)
assert.equal(denied.allow, false)
report('verified', { holder: result.holder, allowed: allowed.allow, denied: denied.code })

// One copy of @agentid/core: an error thrown inside the verifier is the core's AgentIdError.
try {
  createVerifier({ did: 'did:example:not-a-key', trustedIssuers: [issuer.did] })
  assert.fail('a verifier for a DID that is not a did:key')
} catch (error) {
  assert.ok(isAgentIdError(error), String(error))
  report('one core', { code: error.code })
}

// The JSON-LD context is exported as a file; the packages' insides are not.
const context = JSON.parse(await readFile(fileURLToPath(import.meta.resolve('@agentid/core/contexts/agentid-v1.jsonld')), 'utf8'))
assert.ok(context['@context'])
await assert.rejects(import('@agentid/core/dist/index.js'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' })
report('exports')
