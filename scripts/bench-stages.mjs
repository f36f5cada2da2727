#!/usr/bin/env node
// Where a verification's time goes (issue 20), stage by stage, beside the signature checks alone,
// for a VP whose credential is already checked (one signature) and for a VP with a new credential
// (two): CPU time per presentation, the stages taking turns of 100 calls over the same
// presentations (each turn begun by another stage, so that none always pays for the collector's
// debt of the one before), medians of ten rounds. It reads two of the verifier's internal modules
// from its build output: run after `npm run build`.
//
//   node scripts/bench-stages.mjs     (npm run bench runs it; AGENTID_BENCH_ONLY=stages alone)
import { createPublicKey, verify } from 'node:crypto'
import { agentKeyFromSeed, createPresentation } from '@agentid/agent'
import { createVerifier } from '@agentid/verifier'
import { decodeJwt } from '../packages/verifier/dist/jws/decode-jwt.js'
import { checkPresentationJwt, PRESENTATION_LIMITS } from '../packages/verifier/dist/presentation/verify-presentation.js'
import { checkAnyCredentialJwt, CREDENTIAL_LIMITS } from '../packages/verifier/dist/credential/verify-credential.js'
import { benchCredential } from './bench-credential.mjs'
import { banner, median, pinToCpu0, printRows, scaled } from './bench-support.mjs'

pinToCpu0(new URL(import.meta.url).pathname)
const N = scaled(3000, 20)
const TURN = scaled(100, 5)
const ROUNDS = scaled(10, 1)
const issuer = agentKeyFromSeed(new Uint8Array(32).fill(1))
const agent = agentKeyFromSeed(new Uint8Array(32).fill(2))
const verifierKey = agentKeyFromSeed(new Uint8Array(32).fill(3))
const S = Math.floor(Date.now() / 1000)
const nowMs = (S + 1) * 1000
const vc = (i) => benchCredential(issuer, agent, S, i)
const key = (k) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(k.publicKey).toString('base64url') }, format: 'jwk' })
const agentKey = key(agent)
const issuerKey = key(issuer)
const signed = (jwt, k) => {
  const dot = jwt.lastIndexOf('.')
  if (!verify(null, Buffer.from(jwt.slice(0, dot), 'latin1'), k, Buffer.from(jwt.slice(dot + 1), 'base64url'))) throw new Error('bad signature')
}
const read = (jwt) => JSON.parse(Buffer.from(jwt.slice(jwt.indexOf('.') + 1, jwt.lastIndexOf('.')), 'base64url').toString('utf8'))
const request = { resource: 'db:customers', action: 'read', purpose: 'monthly-report', context: { ip: '10.20.1.2', records: 10 } }

const STAGES = [
  ['limit', 'signatures alone (node:crypto)'],
  ['floor', '+ Buffer.from and JSON.parse (floor)'],
  ['read', 'agentid: strict reading alone'],
  ['checked', 'agentid: read + signatures + claims'],
  ['verify', 'agentid: verifyPresentation'],
  ['authorize', 'agentid: verify + authorize'],
]

// One round's stages over its own presentations (a replay cache refuses a second use).
function stages(fresh, round) {
  const same = fresh ? undefined : vc(0)
  const vcs = Array.from({ length: N }, (_, i) => same ?? vc(1 + round * N + i))
  const challenge = (i) => `c-${round}-${i}`
  const vps = vcs.map((c, i) => createPresentation({ key: agent, credentials: [c], audience: verifierKey.did, challenge: challenge(i), ttl: 300 }))
  const verifier = () => {
    const v = createVerifier({ did: verifierKey.did, trustedIssuers: [issuer.did], externalChallenges: true, now: () => nowMs, credentialCacheSize: fresh ? 1 : 1024 })
    // The repeat case's credential is cached from its second sighting on: seen twice first.
    if (same) for (let k = 0; k < 2; k++) v.verifyCredential(same)
    return v
  }
  const v1 = verifier()
  const v2 = verifier()
  return {
    limit: (i) => { signed(vps[i], agentKey); if (fresh) signed(vcs[i], issuerKey) },
    floor: (i) => { read(vps[i]); signed(vps[i], agentKey); if (fresh) { read(vcs[i]); signed(vcs[i], issuerKey) } },
    read: (i) => { decodeJwt(vps[i], PRESENTATION_LIMITS, 'presentation'); if (fresh) decodeJwt(vcs[i], CREDENTIAL_LIMITS, 'credential') },
    checked: (i) => { checkPresentationJwt(vps[i], verifierKey.did, nowMs / 1000, 60); if (fresh) checkAnyCredentialJwt(vcs[i]) },
    verify: async (i) => {
      const r = await v1.verifyPresentation(vps[i], { challenge: challenge(i) })
      if (!r.ok) throw new Error(`${r.code}: ${r.message}`)
    },
    authorize: async (i) => {
      const r = await v2.verifyPresentation(vps[i], { challenge: challenge(i) })
      if (!r.ok) throw new Error(`${r.code}: ${r.message}`)
      if (!v2.authorize(r, request).allow) throw new Error('denied')
    },
  }
}

async function measure(fresh) {
  const micros = Object.fromEntries(STAGES.map(([id]) => [id, []]))
  for (let round = 0; round <= ROUNDS; round++) {
    const fns = stages(fresh, round)
    const spent = Object.fromEntries(STAGES.map(([id]) => [id, 0]))
    for (let start = 0, turn = 0; start < N; start += TURN, turn++) {
      for (let s = 0; s < STAGES.length; s++) {
        const id = STAGES[(s + turn) % STAGES.length][0]
        const fn = fns[id]
        const before = process.cpuUsage()
        for (let i = start; i < Math.min(N, start + TURN); i++) {
          const result = fn(i)
          if (result instanceof Promise) await result
        }
        const used = process.cpuUsage(before)
        spent[id] += used.user + used.system
      }
    }
    if (round > 0) for (const [id] of STAGES) micros[id].push(spent[id] / N) // round 0 warms up
  }
  const limit = median(micros.limit)
  return STAGES.map(([id, what]) => {
    const us = median(micros[id])
    const note = id === 'limit' ? '' : id === 'read' ? `${(us / limit * 100).toFixed(1)}% of the limit's time` : `${((100 * limit) / us).toFixed(1)}% of the limit`
    return [`${fresh ? 'new VC' : 'checked VC'}: ${what}`, `${us.toFixed(1)} us`, note]
  })
}

const rows = [...(await measure(false)), ...(await measure(true))]
console.log(banner('agentid verifier, where the time goes (CPU per presentation; checked VC: 1 signature, new VC: 2)'))
printRows(rows)
