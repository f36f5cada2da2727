#!/usr/bin/env node
// The OAuth authorization server and the MCP kit (issue 14), in one run:
// - token grants per second on one core (the service pinned to CPU 0, 32 clients on CPU 1, each
//   grant a new assertion and DPoP proof: two signature checks, the agent's live credentials read,
//   an access token signed, an audit entry committed), beside issuing over HTTP (POST /requests)
//   in the same run; target: at least the issuing rate;
// - the kit's CPU per call: checking the access token, its DPoP proof and the status of its
//   credentials, then deciding the tools/call, beside the two raw Ed25519 verifications it needs;
//   target: under 150 µs.
import { createPublicKey, verify } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { agentKeyFromSeed, createDpopProof, createJwtBearerAssertion } from '@agentid/agent'
import { DEFAULT_POLICY, Issuer, policyToJson, startService } from '@agentid/issuer'
import { createMcpGuard } from '@agentid/mcp'
import { resolveDidKey, statusListsFromJwts } from '@agentid/verifier'
import { freePort } from './line-process.mjs'
import { median, pinToCpu0, printRows, runOnCpu1, scaled } from './bench-support.mjs'

const self = fileURLToPath(import.meta.url)
pinToCpu0(self)

const TOTAL = scaled(1000, 50)
const CONCURRENCY = 32
const AGENTS = 32
const ROUNDS = scaled(5)
const CALLS = scaled(5000, 50)
const MCP = 'http://127.0.0.1:9/mcp'

const home = mkdtempSync(join(tmpdir(), 'agentid-bench-oauth-'))
// The issuer identifier and the token endpoint are the public URL: the service listens there.
const port = await freePort()
const { issuer, adminToken } = await Issuer.init({ home, env: { AGENTID_PUBLIC_URL: `http://127.0.0.1:${port}` } })
const policy = policyToJson(DEFAULT_POLICY)
policy.resourceServers = [{ url: MCP, resources: ['db:*'] }]
await issuer.setPolicy(policy, 'bench')
const keys = Array.from({ length: AGENTS }, (_, i) => agentKeyFromSeed(new Uint8Array(32).fill(i + 1)))
for (const key of keys) {
  await issuer.registerAgent({ did: key.did, name: `bench-${key.did.slice(-6)}`, kind: 'service', owner: 'bench' }, 'bench')
  await issuer.grant({ subject: key.did, entitlements: [{ resource: 'db:customers', actions: ['read'], constraints: { maxRecords: 5000 } }], ttlSeconds: 3600 }, 'bench')
}
const service = await startService(issuer, { port, sweepIntervalMs: 0, rateLimits: false, log: () => undefined, metrics: 'off' })
const url = issuer.publicUrl
const here = dirname(self)
const grantRound = () => runOnCpu1([join(here, 'bench-oauth-client.mjs'), url, MCP, String(AGENTS), String(TOTAL), String(CONCURRENCY)])
// Issuing goes to an agent of its own: the grants' agents keep one credential each.
const issuedTo = agentKeyFromSeed(new Uint8Array(32).fill(255))
await issuer.registerAgent({ did: issuedTo.did, name: 'bench-issued', kind: 'service', owner: 'bench' }, 'bench')
const issueRound = () => runOnCpu1([join(here, 'bench-issuer-client.mjs'), url, adminToken, issuedTo.did, String(TOTAL), String(CONCURRENCY)])

await grantRound() // warm-up
await issueRound()
const grants = []
const issues = []
const ratios = []
for (let round = 0; round < ROUNDS; round++) {
  grants.push(await grantRound())
  issues.push(await issueRound())
  ratios.push(grants.at(-1).rate / issues.at(-1).rate)
}

// The kit, in this process: one token, a new proof per call (as agents send), status from the
// issuer's published lists.
const key = keys[0]
const tokenUrl = `${url}/oauth/token`
const granted = await (await fetch(tokenUrl, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: createDpopProof(key, { method: 'POST', url: tokenUrl }) },
  body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: createJwtBearerAssertion(key, { audience: url }), resource: MCP }).toString(),
})).json()
const token = granted.access_token
const lists = []
for (const id of await issuer.statusListIds()) lists.push((await issuer.publishStatusList(id, 3600)).jwt)
const guard = createMcpGuard({ resource: MCP, authorizationServer: { issuer: url, signers: [issuer.did] }, statusLists: statusListsFromJwts(lists), tools: { query_customers: { resource: 'db:customers', action: 'read', context: (args) => ({ records: Number(args.limit) }) } } })
const message = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'query_customers', arguments: { limit: 100 } } }
const requests = Array.from({ length: CALLS }, () => ({ method: 'POST', headers: { authorization: `DPoP ${token}`, dpop: createDpopProof(key, { method: 'POST', url: MCP, accessToken: token }) }, socket: {} }))
const kitRound = async () => {
  const start = process.cpuUsage()
  for (const request of requests) guard.authorize(await guard.authenticate(request, MCP), message)
  const used = process.cpuUsage(start)
  return (used.user + used.system) / CALLS
}
// The raw floor: the token's and the proof's Ed25519 signatures, checked with ready keys.
const split = (jwt) => [Buffer.from(jwt.slice(0, jwt.lastIndexOf('.'))), Buffer.from(jwt.slice(jwt.lastIndexOf('.') + 1), 'base64url')]
const issuerKey = resolveDidKey(issuer.did).keyObject
const agentKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.publicKey).toString('base64url') }, format: 'jwk' })
const rawPairs = requests.map((r) => [split(token), split(r.headers.dpop)])
const rawRound = () => {
  const start = process.cpuUsage()
  for (const [[tokenData, tokenSig], [proofData, proofSig]] of rawPairs) {
    if (!verify(null, tokenData, issuerKey, tokenSig) || !verify(null, proofData, agentKey, proofSig)) throw new Error('bad signature')
  }
  const used = process.cpuUsage(start)
  return (used.user + used.system) / CALLS
}
const kit = []
const raw = []
for (let round = 0; round < ROUNDS; round++) {
  // Proofs are single use: each round replays none of the previous round's.
  for (const r of requests) r.headers.dpop = createDpopProof(key, { method: 'POST', url: MCP, accessToken: token })
  rawPairs.splice(0, rawPairs.length, ...requests.map((r) => [split(token), split(r.headers.dpop)]))
  kit.push(await kitRound())
  raw.push(rawRound())
}

await service.close()
await issuer.close()
rmSync(home, { recursive: true, force: true })

const pct = (x) => `${(x * 100).toFixed(1)}%`
printRows([
  ['OAuth token endpoint, jwt-bearer + DPoP grants', `${median(grants.map((g) => g.rate)).toFixed(0)}/s`, `${pct(median(ratios))} of POST /requests in the same run (target >= 100%; rounds ${pct(Math.min(...ratios))}-${pct(Math.max(...ratios))}); p50 ${median(grants.map((g) => g.p50)).toFixed(1)} ms`],
  ['issuer service, POST /requests (same run)', `${median(issues.map((g) => g.rate)).toFixed(0)}/s`, `${CONCURRENCY} concurrent, ${TOTAL} per round`],
  ['MCP kit per call: token + DPoP + status + authorize', `${median(kit).toFixed(1)} us`, `CPU per call (target < 150 us); 2 raw Ed25519 verifications: ${median(raw).toFixed(1)} us`],
])
