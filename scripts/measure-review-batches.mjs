#!/usr/bin/env node
// Opening and closing one review campaign over N live credentials, on a fresh SQLite store
// (issue 17: campaigns are written in transactions of 500 items). Prints the wall time of each
// and the longest single write transaction of each, which is how long other writers (issuance,
// revocation) can wait behind the campaign. Build first (`npm run build`); run the same script in
// an older checkout to compare.
//
//   node scripts/measure-review-batches.mjs [N]   (default 30000)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKek, openSqliteStore } from '@agentid/issuer'

const N = Number(process.argv[2] ?? 30_000)
const T = Date.UTC(2026, 11, 1)
const AGENT = 'did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw'
const note = (action) => ({ actor: 'measure', action, details: {} })
const dir = mkdtempSync(join(tmpdir(), 'agentid-review-batches-'))
const store = openSqliteStore({ path: join(dir, 'issuer.db'), kek: generateKek(), create: true, now: () => T })
try {
  await store.initialize({
    settings: { issuerDid: 'did:key:zIssuer' }, statusList: { id: 'rev-1', purpose: 'revocation', size: 131072, createdAt: T },
    admin: { id: 'admin', roles: ['admin'], tokenSha256: 'x', createdAt: T }, roles: [],
  }, note('issuer.init'))
  await store.registerAgent({ did: AGENT, name: 'bot', kind: 'company', owner: 'ops', status: 'active', createdAt: T }, note('agent.register'))
  const issuing = []
  for (let i = 0; i < N; i++) {
    issuing.push(store.issueCredential({ id: `urn:uuid:c-${i}`, subject: AGENT, issuer: 'did:key:zIssuer', entitlements: [{ resource: 'db:x', actions: ['read'] }], notBefore: T / 1000, expires: T / 1000 + 30 * 86400 },
      async () => 'jwt', () => note('credential.issue')))
  }
  await Promise.all(issuing)
  // The longest a write queued behind the campaign waits: a probe write kept queued throughout.
  const longestWait = async (operation) => {
    let longest = 0
    let running = true
    const probe = (async () => {
      while (running) {
        const t = performance.now()
        await store.recordEvent(note('measure.probe'))
        longest = Math.max(longest, performance.now() - t)
      }
    })()
    const t0 = performance.now()
    const result = await operation()
    const ms = performance.now() - t0
    running = false
    await probe
    return { result, ms, longest }
  }
  const open = await longestWait(() => store.startReview({ id: 'rev-measure', name: 'measure', createdBy: 'measure', createdAt: T, deadline: T + 1000, status: 'open' }, { all: true }, (c) => `item-${c}`, () => note('review.start')))
  const close = await longestWait(() => store.closeOverdueReviews(T + 1000, true, () => note('review.close')))
  console.log(`${N.toLocaleString('en')} credentials: open ${open.result.items.toLocaleString('en')} items in ${(open.ms / 1000).toFixed(2)} s (a write waited at most ${open.longest.toFixed(0)} ms); close ${close.result.length.toLocaleString('en')} in ${(close.ms / 1000).toFixed(2)} s (at most ${close.longest.toFixed(0)} ms)`)
} finally {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
}
