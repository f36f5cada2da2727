// Load client for scripts/bench-mutual.mjs, in its own process: `concurrency` callers send
// `total` GET requests to `url`, through a mutual session (mode "mutual") or plainly ("plain").
import { agentKeyFromSeed, createMutualAgent, mutualFetch } from '@agentid/agent'

const [mode, url, totalText, concurrencyText, seedHex, credential, issuerDid] = process.argv.slice(2)
const total = Number(totalText)
const concurrency = Number(concurrencyText)
let call = (path) => fetch(`${url}${path}`)
if (mode === 'mutual') {
  const key = agentKeyFromSeed(Buffer.from(seedHex, 'hex'))
  const mutual = createMutualAgent({ key, credentials: [credential], verifier: { trustedIssuers: [issuerDid] } })
  const client = mutualFetch(mutual, url)
  call = (path) => client(path)
  await (await call('/data/db:customers')).text() // the handshake, outside the timing
}
let next = 0
const start = process.hrtime.bigint()
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next++ < total) {
    const r = await call('/data/db:customers')
    if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${await r.text()}`)
    await r.text()
  }
}))
console.log(JSON.stringify({ rate: total / (Number(process.hrtime.bigint() - start) / 1e9) }))
