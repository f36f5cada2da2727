// An agent in its own process that keeps its credentials with createCredentialKeeper
// (test/oid4vci.e2e.test.ts), on a clock its parent moves: each JSON line may carry `now`
// (milliseconds). {"redeem":{"offer":…,"txCode":…}} redeems an offer; {"tick":true} renews what is
// due; both answer with the credentials valid at that moment. Config in AGENTID_KEEPER:
// { "seed": hex, "issuer": url, "now": ms }.
import { createInterface } from 'node:readline'
import { agentKeyFromSeed, createCredentialKeeper } from '@agentid/agent'

const config = JSON.parse(process.env.AGENTID_KEEPER)
let clock = config.now
const key = agentKeyFromSeed(Buffer.from(config.seed, 'hex'))
const errors = []
const keeper = createCredentialKeeper({ key, issuer: config.issuer, now: () => clock, random: () => 0.5, onError: (e) => errors.push(e.code) })
const held = () => keeper.credentials().map((c) => ({ id: c.id, notBefore: c.notBefore, expires: c.expires }))

createInterface({ input: process.stdin }).on('line', async (line) => {
  const message = JSON.parse(line)
  if (message.now !== undefined) clock = message.now
  try {
    if (message.redeem) await keeper.redeemOffer(message.redeem.offer, message.redeem.txCode ? { txCode: message.redeem.txCode } : {})
    if (message.tick) {
      const due = keeper.nextRenewal()
      if (due === undefined || due <= clock) await keeper.tick()
    }
    console.log(JSON.stringify({ id: message.id, held: held(), next: keeper.nextRenewal(), errors: errors.splice(0) }))
  } catch (error) {
    console.log(JSON.stringify({ id: message.id, error: { code: error.code, message: error.message }, held: held() }))
  }
})
console.log(JSON.stringify({ ready: true, did: key.did }))
