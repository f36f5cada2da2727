// What the benches' load generators share: `concurrency` clients take the next of `total` requests
// until none is left; throughput and latency percentiles as one JSON line on stdout.
export async function runClients(total, concurrency, request) {
  let next = 0
  const latencies = []
  const client = async () => {
    while (next < total) {
      const i = next++
      const start = process.hrtime.bigint()
      await request(i)
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6)
    }
  }
  const start = process.hrtime.bigint()
  const cpuStart = process.cpuUsage()
  await Promise.all(Array.from({ length: concurrency }, client))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  latencies.sort((a, b) => a - b)
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
  // The clients' own CPU per request: when it nears the wall time per request, the load
  // generator (on a core shared with other work) and not the server sets the rate.
  const cpu = process.cpuUsage(cpuStart)
  console.log(JSON.stringify({ rate: total / seconds, p50: at(0.5), p99: at(0.99), clientCpuPerRequest: (cpu.user + cpu.system) / 1e6 / total }))
}
