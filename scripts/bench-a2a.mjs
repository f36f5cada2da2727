#!/usr/bin/env node
// A2A Agent Cards (issue 15): card verifications per second on one core, beside the one Ed25519
// verification each needs (node:crypto, key object ready) in the same run. A typical card (two
// skills, the agentid extension with its skill map), signed by one of 32 agent keys, each card
// distinct (its version); verified as an object, and from its JSON text (strict parse first, as
// fetchAgentCard does). Also the SDK's own verifier (@a2a-js/sdk, jose) on the same cards when it
// is installed, for scale.
import { createPublicKey, verify } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { agentKeyFromSeed } from '@agentid/agent'
import { agentCardPayload, agentIdExtension, signAgentCard, verifyAgentCard } from '@agentid/a2a'
import { banner, median, pinToCpu0, printRows, scaled, opsPerSecond as opsPerSecondOf, asyncOpsPerSecond as asyncOpsPerSecondOf } from './bench-support.mjs'

const self = fileURLToPath(import.meta.url)
pinToCpu0(self)

const N = scaled(5000, 50)
const keys = Array.from({ length: 32 }, (_, i) => agentKeyFromSeed(new Uint8Array(32).fill(i + 40)))
const card = (key, i) => signAgentCard({
  name: `CRM agent ${i}`,
  description: 'Answers questions about customers and accounts',
  supportedInterfaces: [{ url: 'https://crm-agent.example/a2a/jsonrpc', protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
  provider: { organization: 'Example', url: 'https://example.com' },
  version: `1.0.${i}`,
  capabilities: { streaming: true, extensions: [agentIdExtension({ did: key.did, skills: { lookup: [{ resource: 'crm:accounts/eu', action: 'read' }], report: [{ resource: 'db:customers', action: 'read', purpose: 'monthly-report' }] } })] },
  defaultInputModes: ['text/plain', 'application/json'],
  defaultOutputModes: ['text/plain', 'application/json'],
  skills: [
    { id: 'lookup', name: 'Customer lookup', description: 'Finds a customer by name or id', tags: ['crm', 'customers'], examples: ['Find ACME'] },
    { id: 'report', name: 'Monthly report', description: 'Summarises the month', tags: ['reports'] },
  ],
}, key)
const cards = Array.from({ length: N }, (_, i) => card(keys[i % keys.length], i))
const texts = cards.map((c) => JSON.stringify(c))
const publicKeys = keys.map((k) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(k.publicKey).toString('base64url') }, format: 'jwk' }))
const inputs = cards.map((c) => Buffer.from(`${c.signatures[0].protected}.${Buffer.from(agentCardPayload(c)).toString('base64url')}`))
const signatures = cards.map((c) => Buffer.from(c.signatures[0].signature, 'base64url'))

const opsPerSecond = (fn) => opsPerSecondOf(N, fn)
const asyncOpsPerSecond = (fn) => asyncOpsPerSecondOf(N, fn)
const limit = (i) => { if (!verify(null, inputs[i], publicKeys[i % keys.length], signatures[i])) throw new Error('bad') }
const ours = (i) => { const r = verifyAgentCard(cards[i]); if (!r.ok) throw new Error(`${r.code}: ${r.message}`) }
const oursText = (i) => { const r = verifyAgentCard(texts[i]); if (!r.ok) throw new Error(`${r.code}: ${r.message}`) }

let sdk
try {
  const { verifyAgentCardSignature } = await import('@a2a-js/sdk')
  const jwks = new Map(keys.map((k) => [k.keyId, { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(k.publicKey).toString('base64url') }]))
  const check = verifyAgentCardSignature(async (kid) => jwks.get(kid))
  sdk = (i) => check(cards[i])
} catch {
  sdk = undefined // the SDK is an optional peer: the row is left out
}

// Warm up, then paired rounds: the ratio of each pair, medians reported.
for (let i = 0; i < 2; i++) { opsPerSecond(limit); opsPerSecond(ours); opsPerSecond(oursText) }
const r = { limit: [], ours: [], text: [], ratio: [], sdk: [] }
for (let round = 0; round < scaled(7); round++) {
  r.limit.push(opsPerSecond(limit))
  r.ours.push(opsPerSecond(ours))
  r.ratio.push(r.ours.at(-1) / r.limit.at(-1))
  r.text.push(opsPerSecond(oursText))
  if (sdk) r.sdk.push(await asyncOpsPerSecond(sdk))
}
const pct = (x) => `${(x * 100).toFixed(0)}%`
console.log(banner('agentid A2A card bench'))
const rows = [
  ['A2A card verifications, 1 EdDSA signature', `${median(r.ours).toFixed(0)}/s`, `${pct(median(r.ratio))} of the node:crypto limit in the same run (rounds ${pct(Math.min(...r.ratio))}-${pct(Math.max(...r.ratio))}); JCS, header, did:key, DID match`],
  ['A2A card verifications from JSON text', `${median(r.text).toFixed(0)}/s`, 'strict parse (no duplicate members) first, as fetchAgentCard does'],
  ['A2A card, node:crypto limit, 1 Ed25519 verification', `${median(r.limit).toFixed(0)}/s`, 'the signature check alone, key objects ready, payload precomputed'],
]
if (sdk) rows.push(['A2A card, @a2a-js/sdk verifyAgentCardSignature', `${median(r.sdk).toFixed(0)}/s`, 'the SDK\'s own verifier (jose), same cards and keys, for scale'])
printRows(rows)
