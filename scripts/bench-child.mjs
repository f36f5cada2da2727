// Child processes of scripts/bench.mjs. Imports only the verifier, as an agent embedding it would.
//   cold: verify one presentation (AGENTID_BENCH_VP) and exit: process start to first verification.
//   rss:  verify the presentations on stdin, one per line, read 64 KiB at a time (as a server reads
//         requests: never all at once), then print the peak RSS.
import { readSync } from 'node:fs'
import { createVerifier } from '@agentid/verifier'

const [role, verifierDid, issuerDid] = process.argv.slice(2)
const verifier = createVerifier({ did: verifierDid, trustedIssuers: [issuerDid], externalChallenges: true })

if (role === 'cold') {
  const result = await verifier.verifyPresentation(process.env.AGENTID_BENCH_VP, { challenge: 'challenge-0' })
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`)
} else {
  let i = 0
  let pending = ''
  const chunk = Buffer.allocUnsafe(64 * 1024)
  for (let n; (n = readSync(0, chunk)) > 0; ) {
    const lines = (pending + chunk.toString('latin1', 0, n)).split('\n')
    pending = lines.pop()
    for (const line of lines) {
      const result = await verifier.verifyPresentation(line, { challenge: `challenge-${i++}` })
      if (!result.ok) throw new Error(`${result.code}: ${result.message}`)
    }
  }
  process.stdout.write(JSON.stringify({ verified: i, maxRssKb: process.resourceUsage().maxRSS }))
}
