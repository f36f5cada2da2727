// Load generator for scripts/bench-oauth.mjs, in its own process (and core): `concurrency`
// clients each get `total` / `concurrency` access tokens by the jwt-bearer grant, each with a new
// assertion and DPoP proof signed by one of the agents' keys (seeds 1..agents), and report
// throughput and latency percentiles as one JSON line.
import { agentKeyFromSeed, createDpopProof, createJwtBearerAssertion } from '@agentid/agent'

const [url, resource, agentsText, totalText, concurrencyText] = process.argv.slice(2)
const keys = Array.from({ length: Number(agentsText) }, (_, i) => agentKeyFromSeed(new Uint8Array(32).fill(i + 1)))
const total = Number(totalText)
const concurrency = Number(concurrencyText)
const tokenUrl = `${url}/oauth/token`
let next = 0
const latencies = []

async function client() {
  while (next < total) {
    const i = next++
    const key = keys[i % keys.length]
    const start = process.hrtime.bigint()
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: createDpopProof(key, { method: 'POST', url: tokenUrl }) },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: createJwtBearerAssertion(key, { audience: url }), resource }).toString(),
    })
    const body = await response.json()
    if (response.status !== 200) throw new Error(`grant ${i}: ${response.status} ${JSON.stringify(body)}`)
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
}

const start = process.hrtime.bigint()
await Promise.all(Array.from({ length: concurrency }, client))
const seconds = Number(process.hrtime.bigint() - start) / 1e9
latencies.sort((a, b) => a - b)
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
console.log(JSON.stringify({ rate: total / seconds, p50: at(0.5), p99: at(0.99) }))
