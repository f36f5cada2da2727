// Child processes of scripts/bench.mjs. Imports only the verifier, as an agent embedding it would.
//   cold: verify one presentation (AGENTID_BENCH_VP) and exit: process start to first verification.
//   rss:  verify the presentations on stdin, one per line, read 64 KiB at a time (as a server reads
//         requests: never all at once), then print the peak RSS.
//   rss-floor: the same stream through the least a verifier must do (below), without agentid.
//   rss-floor-replay: the floor, also remembering each presentation until it expires (single
//         use), as any verifier must and the floor alone does not.
//   rss-import, rss-bare: import the verifier and exit, or exit at once: what its code costs.
import { createPublicKey, verify } from 'node:crypto'
import { readFileSync, readSync } from 'node:fs'

// This process's own peak: VmHWM, the high-water mark of its memory since exec. Not getrusage's
// maxRSS, which Linux carries over from the parent at fork and exec: spawned by a bench holding
// 10,000 presentations and its rounds' garbage, it reported the parent's 70-100 MB.
function peakRssKb() {
  try {
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))[1])
  } catch {
    return process.resourceUsage().maxRSS // no /proc: the parent's peak may show through
  }
}

// Each presentation on stdin, one per line, read 64 KiB at a time (as a server reads requests:
// never all at once); then prints how many and the peak RSS.
async function eachLine(verifyOne) {
  let i = 0
  let pending = ''
  const chunk = Buffer.allocUnsafe(64 * 1024)
  for (let n; (n = readSync(0, chunk)) > 0; ) {
    const lines = (pending + chunk.toString('latin1', 0, n)).split('\n')
    pending = lines.pop()
    for (const line of lines) await verifyOne(line, i++)
  }
  process.stdout.write(JSON.stringify({ verified: i, maxRssKb: peakRssKb() }))
}

const [role, verifierDid, issuerDid, holderKeyHex] = process.argv.slice(2)
if (role === 'rss-import' || role === 'rss-bare') {
  if (role === 'rss-import') await import('@agentid/verifier')
  process.stdout.write(JSON.stringify({ maxRssKb: peakRssKb() }))
  process.exit(0)
}
const verifier = role.startsWith('rss-floor') ? undefined : (await import('@agentid/verifier')).createVerifier({ did: verifierDid, trustedIssuers: [issuerDid], externalChallenges: true })

if (role.startsWith('rss-floor')) {
  // Single use: each presentation's signature kept until it expires, in a Map as agentid's
  // replay cache keeps it (base64 text, expiry in milliseconds).
  const replay = role === 'rss-floor-replay' ? new Map() : undefined
  // The floor of the rss row: the same stream read the same way, each presentation and the
  // credential it carries decoded with Buffer.from, parsed with JSON.parse and their two
  // signatures checked with node:crypto and ready keys; nothing else (no strictness, no claims,
  // no replay or caches). What any verifier in JavaScript pays, with Node's defaults.
  const spki = (hex) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' })
  const [holderKey, issuerKey] = holderKeyHex.split(',').map(spki)
  const check = (jwt, key) => {
    const dot = jwt.lastIndexOf('.')
    const payload = JSON.parse(Buffer.from(jwt.slice(jwt.indexOf('.') + 1, dot), 'base64url').toString('utf8'))
    if (!verify(null, Buffer.from(jwt.slice(0, dot), 'latin1'), key, Buffer.from(jwt.slice(dot + 1), 'base64url'))) throw new Error('bad signature')
    return payload
  }
  await eachLine(async (line) => {
    const vp = check(line, holderKey)
    check(vp.vp.verifiableCredential[0], issuerKey)
    replay?.set(Buffer.from(line.slice(line.lastIndexOf('.') + 1), 'base64url').toString('base64'), (vp.exp + 60) * 1000)
  })
} else if (role === 'cold') {
  const result = await verifier.verifyPresentation(process.env.AGENTID_BENCH_VP, { challenge: 'challenge-0' })
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`)
} else {
  await eachLine(async (line, i) => {
    const result = await verifier.verifyPresentation(line, { challenge: `challenge-${i}` })
    if (!result.ok) throw new Error(`${result.code}: ${result.message}`)
  })
}
