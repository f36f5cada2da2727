// The credential the verifier benches present (scripts/bench.mjs, bench-stages.mjs): a VC 1.1
// VC-JWT with one entitlement that has hours, networks and a record cap, valid from a minute
// before `nowSec` for an hour; `i` makes its id, so each `i` is a credential of its own.
import { signJwt } from '@agentid/agent'

export function benchCredential(issuer, subject, nowSec, i) {
  return signJwt(issuer, {
    iss: issuer.did, sub: subject.did, jti: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, nbf: nowSec - 60, exp: nowSec + 3600,
    vc: {
      '@context': ['https://www.w3.org/2018/credentials/v1', 'https://w3id.org/agentid/v1'],
      type: ['VerifiableCredential', 'AgentEntitlementCredential'],
      credentialSubject: {
        agent: { name: 'report-bot', kind: 'company', owner: 'sales-team', segment: 'sales' },
        entitlements: [{ resource: 'db:customers', actions: ['read'], purpose: 'monthly-report', constraints: { hours: '00:00-24:00Z', networks: ['10.20.0.0/16'], maxRecords: 5000 } }],
        task: { id: 'task-2026-11-report', description: 'November report' },
        risk: 'medium',
      },
    },
  })
}
