// Load generator for scripts/bench-issuer.mjs (and bench-replicas.mjs), in its own process (and
// core): `concurrency` clients, each on keep-alive connections, issue `total` grants through
// POST /requests and report throughput and latency percentiles as one JSON line. `urls` is one
// URL, or several separated by commas: request i goes to the (i mod n)th, as a round-robin load
// balancer would send it.
import { runClients } from './load-clients.mjs'

const [urls, token, subject, total, concurrency] = process.argv.slice(2)
const replicas = urls.split(',')
await runClients(Number(total), Number(concurrency), async (i) => {
  const response = await fetch(`${replicas[i % replicas.length]}/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ subject, entitlements: [{ resource: `db:customers/${i}`, actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 5000 } }], ttl: '1h', task: { id: 'bench' } }),
  })
  const body = await response.json()
  if (response.status !== 201) throw new Error(`grant ${i}: ${response.status} ${JSON.stringify(body)}`)
})
