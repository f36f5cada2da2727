// Load generator for scripts/bench-oid4vci.mjs, in its own process (and core): first (untimed) a
// credential token per agent by the jwt-bearer grant, then, timed, `concurrency` clients each get
// a c_nonce and ask the credential endpoint for the agent's current credential with a key proof
// over it; every credential is due, so each answer is a renewal issued and committed. Prints
// throughput and latency percentiles as one JSON line. The clock is the issuer's: `offsetMs`
// ahead of this machine's.
import { agentKeyFromSeed, createDpopProof, createJwtBearerAssertion, createKeyProof } from '@agentid/agent'
import { runClients } from './load-clients.mjs'

const [url, agents, offsetMs, concurrency] = process.argv.slice(2)
const now = () => Math.floor((Date.now() + Number(offsetMs)) / 1000)
const keys = Array.from({ length: Number(agents) }, (_, i) => agentKeyFromSeed(Buffer.from(String(i).padStart(32, 'k'))))
const tokenUrl = `${url}/oauth/token`
const credentialUrl = `${url}/oid4vci/credential`
const grants = []
for (const key of keys) {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: createDpopProof(key, { method: 'POST', url: tokenUrl, iat: now() }) },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: createJwtBearerAssertion(key, { audience: url, iat: now() }), authorization_details: JSON.stringify([{ type: 'openid_credential', credential_configuration_id: 'AgentEntitlementCredential_jwt_vc_json' }]) }).toString(),
  })
  const body = await response.json()
  if (response.status !== 200) throw new Error(`token: ${response.status} ${JSON.stringify(body)}`)
  grants.push({ key, token: body.access_token, id: body.authorization_details[0].credential_identifiers[0] })
}
await runClients(grants.length, Number(concurrency), async (i) => {
  const { key, token, id } = grants[i]
  const { c_nonce: nonce } = await (await fetch(`${url}/oid4vci/nonce`, { method: 'POST' })).json()
  const proof = createKeyProof(key, { audience: url, nonce, iat: now() })
  const response = await fetch(credentialUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `DPoP ${token}`, dpop: createDpopProof(key, { method: 'POST', url: credentialUrl, accessToken: token, iat: now() }) },
    body: JSON.stringify({ credential_identifier: id, proofs: { jwt: [proof] } }),
  })
  const body = await response.json()
  if (response.status !== 200) throw new Error(`credential ${i}: ${response.status} ${JSON.stringify(body)}`)
})
