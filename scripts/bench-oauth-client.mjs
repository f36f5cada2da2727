// Load generator for scripts/bench-oauth.mjs, in its own process (and core): `concurrency`
// clients get `total` access tokens by the jwt-bearer grant, each with a new assertion and DPoP
// proof signed by one of the agents' keys (seeds 1..agents), and report throughput and latency
// percentiles as one JSON line.
import { agentKeyFromSeed, createDpopProof, createJwtBearerAssertion } from '@agentid/agent'
import { runClients } from './load-clients.mjs'

const [url, resource, agents, total, concurrency] = process.argv.slice(2)
const keys = Array.from({ length: Number(agents) }, (_, i) => agentKeyFromSeed(new Uint8Array(32).fill(i + 1)))
const tokenUrl = `${url}/oauth/token`
await runClients(Number(total), Number(concurrency), async (i) => {
  const key = keys[i % keys.length]
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: createDpopProof(key, { method: 'POST', url: tokenUrl }) },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: createJwtBearerAssertion(key, { audience: url }), resource }).toString(),
  })
  const body = await response.json()
  if (response.status !== 200) throw new Error(`grant ${i}: ${response.status} ${JSON.stringify(body)}`)
})
