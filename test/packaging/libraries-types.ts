// Type-checked by test/packaging.e2e.test.ts in a fresh project against the types installed from
// the npm pack tarballs of @agentid/core, verifier and agent (strict, skipLibCheck off: the
// packages' .d.ts files are checked too). Each @ts-expect-error proves the types are real: were
// a package typed `any`, the line would compile and the directive would be an error.
// Also checked with the repository (test/tsconfig.json), where it compiles the same way.
import { agentIdError, parseEntitlement, type AgentIdError, type Entitlement, type ErrorCode } from '@agentid/core'
import { createPresentation, generateAgentKey, type AgentKey } from '@agentid/agent'
import { createVerifier, type Decision, type PresentationResult, type Verifier } from '@agentid/verifier'

const key: AgentKey = generateAgentKey()
const did: string = key.did
const entitlement: Entitlement = parseEntitlement({ resource: 'db:customers', actions: ['read'] })
const verifier: Verifier = createVerifier({ did, trustedIssuers: [did] })
const challenge: string = verifier.challenge()
const vp: string = createPresentation({ key, credentials: ['a.b.c'], audience: did, challenge })

export async function decide(presentation: string): Promise<Decision> {
  const result: PresentationResult = await verifier.verifyPresentation(presentation, { challenge })
  return verifier.authorize(result, { resource: 'db:customers', action: 'read', context: { records: 1 } })
}

const code: ErrorCode = 'ERR_NOT_ENTITLED'
const error: AgentIdError = agentIdError(code, 'no')
export const checked = [entitlement, vp, error.exitCode]

// @ts-expect-error a verifier needs trustedIssuers
createVerifier({ did })
// @ts-expect-error not an error code
export const wrong: ErrorCode = 'ERR_NOT_A_CODE'
// @ts-expect-error a presentation's challenge is a string
createPresentation({ key, credentials: [], audience: did, challenge: 42 })
