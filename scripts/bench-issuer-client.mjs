// Load generator for scripts/bench-issuer.mjs, in its own process (and core): `concurrency`
// clients, each on keep-alive connections, issue `total` grants through POST /requests and
// report throughput and latency percentiles as one JSON line.
const [url, token, subject, totalText, concurrencyText] = process.argv.slice(2)
const total = Number(totalText)
const concurrency = Number(concurrencyText)
let next = 0
const latencies = []

async function client() {
  while (next < total) {
    const i = next++
    const start = process.hrtime.bigint()
    const response = await fetch(`${url}/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject, entitlements: [{ resource: `db:customers/${i}`, actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 5000 } }], ttl: '1h', task: { id: 'bench' } }),
    })
    const body = await response.json()
    if (response.status !== 201) throw new Error(`grant ${i}: ${response.status} ${JSON.stringify(body)}`)
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
}

const start = process.hrtime.bigint()
await Promise.all(Array.from({ length: concurrency }, client))
const seconds = Number(process.hrtime.bigint() - start) / 1e9
latencies.sort((a, b) => a - b)
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
console.log(JSON.stringify({ rate: total / seconds, p50: at(0.5), p99: at(0.99) }))
