#!/usr/bin/env node
// SD-JWT VC (issue 16): verifications per second on one core of an SD-JWT VC presentation with 3
// disclosures and its Key Binding JWT (verify + authorize), beside the two Ed25519 verifications
// it needs (issuer-signed JWT, KB-JWT; node:crypto, key objects ready) in the same run; target
// >= 70%. Every presentation is of a distinct credential (nothing cached). Also the OpenWallet
// Foundation's @sd-jwt/sd-jwt-vc verifier on the same presentations when it is installed, for
// scale (it checks less: docs/formats.md).
import { createPublicKey, sign, verify } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { agentKeyFromSeed, createSdJwtPresentation } from '@agentid/agent'
import { issueSdJwtVc } from '@agentid/issuer'
import { createVerifier } from '@agentid/verifier'
import { banner, median, pinToCpu0, printRows, scaled, opsPerSecond as opsPerSecondOf, asyncOpsPerSecond as asyncOpsPerSecondOf } from './bench-support.mjs'

const self = fileURLToPath(import.meta.url)
pinToCpu0(self)

const N = scaled(3000, 20)
const issuer = agentKeyFromSeed(new Uint8Array(32).fill(1))
const agent = agentKeyFromSeed(new Uint8Array(32).fill(2))
const verifierKey = agentKeyFromSeed(new Uint8Array(32).fill(3))
const NOW = Date.now()
const S = Math.floor(NOW / 1000)
const entitlements = [
  { resource: 'db:customers', actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 5000 } },
  { resource: 'db:orders', actions: ['read'] },
  { resource: 'mail:outbox', actions: ['send'] },
  { resource: 'files:reports/*', actions: ['read', 'list'] },
]
const presentations = Array.from({ length: N }, (_, i) => {
  const credential = issueSdJwtVc({
    issuer: issuer.did, sign: (data) => sign(null, data, issuer.privateKey), subject: agent.did, id: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    notBefore: S - 60, expires: S + 3600, agent: { name: 'report-bot', kind: 'company', owner: 'sales-team', segment: 'sales' }, entitlements, risk: 'medium', decoys: 2,
  })
  return createSdJwtPresentation({ key: agent, credential, disclose: ['db:customers', 'db:orders', 'mail:outbox'], audience: verifierKey.did, challenge: `challenge-${i}`, now: () => NOW })
})

const issuerKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(issuer.publicKey).toString('base64url') }, format: 'jwk' })
const agentKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(agent.publicKey).toString('base64url') }, format: 'jwk' })
const parts = (jwt) => { const i = jwt.lastIndexOf('.'); return [Buffer.from(jwt.slice(0, i)), Buffer.from(jwt.slice(i + 1), 'base64url')] }
const issued = presentations.map((p) => parts(p.slice(0, p.indexOf('~'))))
const kbs = presentations.map((p) => parts(p.slice(p.lastIndexOf('~') + 1)))
const limit = (i) => { if (!verify(null, issued[i][0], issuerKey, issued[i][1]) || !verify(null, kbs[i][0], agentKey, kbs[i][1])) throw new Error('bad') }

const opsPerSecond = (fn) => opsPerSecondOf(N, fn)
const asyncOpsPerSecond = (fn) => asyncOpsPerSecondOf(N, fn)
const ours = () => {
  const v = createVerifier({ did: verifierKey.did, trustedIssuers: [issuer.did], externalChallenges: true, now: () => NOW })
  return asyncOpsPerSecond(async (i) => {
    const r = await v.verifySdJwtPresentation(presentations[i], { challenge: `challenge-${i}` })
    if (!r.ok || r.entitlements.length !== 3) throw new Error(r.ok ? 'not 3 disclosed' : `${r.code}: ${r.message}`)
    const d = v.authorize(r, { resource: 'db:orders', action: 'read' })
    if (!d.allow) throw new Error(d.code)
  })
}

let library
try {
  const { SDJwtVcInstance } = await import('@sd-jwt/sd-jwt-vc')
  const { digest, generateSalt } = await import('@sd-jwt/crypto-nodejs')
  const verifierOf = (key) => async (data, signature) => verify(null, Buffer.from(data), key, Buffer.from(signature, 'base64url'))
  const lib = new SDJwtVcInstance({ verifier: verifierOf(issuerKey), kbVerifier: verifierOf(agentKey), hasher: digest, saltGenerator: generateSalt, signAlg: 'EdDSA' })
  library = async (i) => { await lib.verify(presentations[i], { keyBindingNonce: `challenge-${i}`, currentDate: S }) }
} catch {
  library = undefined // a dev dependency: the row is left out where it is not installed
}

// Warm up, then paired rounds: the ratio of each pair, medians reported.
for (let i = 0; i < 2; i++) { opsPerSecond(limit); await ours() }
const r = { limit: [], ours: [], ratio: [], library: [] }
for (let round = 0; round < scaled(9); round++) {
  r.limit.push(opsPerSecond(limit))
  r.ours.push(await ours())
  r.ratio.push(r.ours.at(-1) / r.limit.at(-1))
}
if (library) for (let round = 0; round < scaled(3); round++) r.library.push(await asyncOpsPerSecond(library))
const pct = (x) => `${(x * 100).toFixed(1)}%`
console.log(banner('agentid SD-JWT VC bench'))
const rows = [
  ['agentid, SD-JWT VC, 3 disclosures + KB-JWT (verify + authorize)', `${median(r.ours).toFixed(0)}/s`, `${pct(median(r.ratio))} of the 2-verification limit in the same run (target >= 70%; rounds ${pct(Math.min(...r.ratio))}-${pct(Math.max(...r.ratio))})`],
  ['SD-JWT VC, node:crypto limit, 2 Ed25519 verifications', `${median(r.limit).toFixed(0)}/s`, 'issuer-signed JWT and KB-JWT signatures alone, key objects ready'],
]
if (library) rows.push(['SD-JWT VC, @sd-jwt/sd-jwt-vc 0.19 verify', `${median(r.library).toFixed(0)}/s`, 'the OpenWallet Foundation library on the same presentations (no aud, iat, typ checks), for scale'])
printRows(rows)
