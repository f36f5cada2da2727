// Load generator for scripts/bench-issuer.mjs, in its own process (and core): `concurrency`
// clients, each on keep-alive connections, issue `total` grants through POST /requests and
// report throughput and latency percentiles as one JSON line.
import { runClients } from './load-clients.mjs'

const [url, token, subject, total, concurrency] = process.argv.slice(2)
await runClients(Number(total), Number(concurrency), async (i) => {
  const response = await fetch(`${url}/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ subject, entitlements: [{ resource: `db:customers/${i}`, actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 5000 } }], ttl: '1h', task: { id: 'bench' } }),
  })
  const body = await response.json()
  if (response.status !== 201) throw new Error(`grant ${i}: ${response.status} ${JSON.stringify(body)}`)
})
