// A verifying agent in its own process, for tests (test/support/verifier-process.ts) and benches: reads one JSON request per line
// on stdin ({ id, vp }), answers one JSON line on stdout ({ id, ok, code }). Its status lists come
// over HTTP from the issuer, optionally pushed by the issuer's status events.
// Configuration: AGENTID_VERIFIER (JSON: { did, issuer, origin, maxAge, refreshAfter, events }).
import { createInterface } from 'node:readline'
import { createVerifier, httpStatusLists, subscribeStatusEvents } from '@agentid/verifier'

const config = JSON.parse(process.env.AGENTID_VERIFIER)
const statusLists = httpStatusLists({ maxAge: config.maxAge, refreshAfter: config.refreshAfter, allowedOrigins: [config.origin], timeoutMs: 1000 })
const verifier = createVerifier({ did: config.did, trustedIssuers: [config.issuer], statusLists, externalChallenges: true })
const subscription = config.events ? subscribeStatusEvents(statusLists, config.events, { reconnectMs: 200 }) : undefined
if (subscription) await subscription.ready
process.stdout.write(`${JSON.stringify({ ready: true })}\n`)

for await (const line of createInterface({ input: process.stdin })) {
  const { id, vp } = JSON.parse(line)
  const result = await verifier.verifyPresentation(vp, { challenge: 'challenge' })
  process.stdout.write(`${JSON.stringify({ id, ok: result.ok, ...(result.ok ? {} : { code: result.code }) })}\n`)
}
subscription?.close()
