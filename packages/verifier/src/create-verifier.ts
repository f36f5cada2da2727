import { randomBytes } from 'node:crypto'
import {
  agentIdError,
  heldDutyConflict,
  isAgentIdError,
  matchEntitlements,
  parseAccessRequest,
  parseDidKey,
  parseDutyConflicts,
  parseIpAddress,
  parseAction,
  parsePurpose,
  parseResource,
  type AccessRequest,
  type DutyConflict,
  type Entitlement,
  type ErrorCode,
} from '@agentid/core'
import { missingApprovals, parseApprovalRequirements, type ApprovalRequirements } from './credential/approval-requirements.js'
import { checkAnyCredentialJwt, type CheckedCredential, type VerifiedCredential } from './credential/verify-credential.js'
import { chainExceeds, resolveChains, type Chain } from './delegation/resolve-chains.js'
import { parseTrustedIssuers, untrustedReason, withRotations, type TrustedIssuer } from './credential/trusted-issuers.js'
import { resolveDidKey } from './crypto/ed25519.js'
import { decodeJwt, jwtSignatureValid } from './jws/decode-jwt.js'
import { BoundedCache } from './internal/bounded-cache.js'
import { deepFreeze } from './internal/deep-freeze.js'
import { ChallengeStore, ReplayCache } from './presentation/challenges.js'
import { checkPresentationJwt } from './presentation/verify-presentation.js'
import type { StatusSource } from './status/status-source.js'
import type { EventSink } from './events/event-sinks.js'
import { checkSdJwtPresentation, type VerifiedSdJwtCredential } from './sd-jwt/verify-sd-jwt-vc.js'

/** Options of {@link createVerifier}. */
export interface VerifierOptions {
  /** This verifier's DID: presentations must name it as their only audience. */
  readonly did: string
  /** Issuers whose credentials are accepted, optionally scoped to resource patterns. */
  readonly trustedIssuers: ReadonlyArray<string | TrustedIssuer>
  /**
   * Where revocation and suspension are looked up. Without one, a credential that carries
   * `credentialStatus` is refused (`ERR_STATUS_UNAVAILABLE`); `'unchecked'` accepts it and says so
   * in the result (`statusChecked: false`), for tests and offline demos only.
   */
  readonly statusLists?: StatusSource | 'unchecked'
  /** Clock in milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number
  /** Seconds of clock skew allowed on `nbf` and `exp` (default 60, at most 300). */
  readonly clockTolerance?: number
  /** Seconds a challenge stays usable (default 120). */
  readonly challengeTtl?: number
  /**
   * Accept a challenge that this verifier did not issue (the caller vouches for it, as the CLI
   * does). Presentations are still single use within this verifier.
   */
  readonly externalChallenges?: boolean
  /** Source of randomness for challenges and the key that MACs them (default `crypto.randomBytes`). */
  readonly random?: (size: number) => Buffer
  /**
   * The key that MACs challenges, 32 bytes (default: random, this verifier's own). Replicas of one
   * service share it, so that a challenge one gave out is answered at another; keep it secret.
   */
  readonly challengeKey?: Uint8Array
  /** Most delegations between a root credential and the holder (default 4). */
  readonly maxChainLength?: number
  /**
   * A delegate uses a chain only in good standing: the presentation must also carry a live
   * credential of its own from the chain's root issuer (or that issuer's rotated key), whose time
   * and status are checked like any other. Retiring or suspending the delegate at the issuer then
   * stops its chains as soon as the status list says so. Default true; `false` only for peers
   * that cannot present one yet.
   */
  readonly requireDelegateStanding?: boolean
  /** Credentials whose parsing and signature are remembered, from their second sighting on (default 1024). */
  readonly credentialCacheSize?: number
  /**
   * Live presentations remembered against replay (default 100,000). When it is full of live
   * ones, new presentations are refused (`ERR_VP_REPLAY`) until some expire: size it above the
   * number of presentations this verifier accepts in 6 minutes.
   */
  readonly replayCacheSize?: number
  /**
   * Approver roles a credential must show (`credentialSubject.approvals`) for its risk level, e.g.
   * `{ high: ['security'], critical: ['security', 'compliance'] }`. A credential that names no risk
   * is held to every role listed. Its entitlements are refused (`ERR_APPROVAL_REQUIRED`) otherwise.
   */
  readonly requireApprovals?: ApprovalRequirements
  /**
   * Duties no holder may carry together (`[{ name, sides: [{ resource, actions }, ...] }]`): a
   * presentation whose entitlements hold both sides of one is refused (`ERR_SOD_CONFLICT`).
   */
  readonly dutyConflicts?: readonly DutyConflict[]
  /**
   * Reports each `authorize` decision (holder, credential, resource, action, purpose, allow or
   * deny with its code, records, peer address) for monitoring: `httpEventSink` to the issuer,
   * `jsonlEventSink` to a file. Never slows or blocks a decision.
   */
  readonly events?: EventSink
  /** This verifier's segment, reported with its events. */
  readonly segment?: string
  /**
   * Rotation statements of trusted issuers (VC-JWTs an issuer's previous key signed, from the
   * issuer's `GET /issuer`): their successors are trusted with the same scope.
   */
  readonly issuerRotations?: readonly string[]
}

/** One entitlement the verified holder has, with the credential that grants it. */
export interface GrantedEntitlement {
  /** The holder's own credential (the leaf of its chain). */
  readonly credentialId: string
  /** The trusted issuer at the root of the chain. */
  readonly issuer: string
  readonly expires: number
  readonly entitlement: Entitlement
  /** Credential ids from the issuer's root to the leaf; one id when nothing was delegated. */
  readonly chain: readonly string[]
  /** Why the root credential does not meet `requireApprovals`; such entitlements never allow. */
  readonly approvalsMissing?: string
}

/** A definite "no", with a stable code. */
export interface Failure {
  readonly ok: false
  readonly code: ErrorCode
  readonly message: string
}

/** Outcome of {@link Verifier.verifyPresentation}. */
export type PresentationResult =
  | {
      readonly ok: true
      readonly holder: string
      /**
       * Every credential presented, ancestors in delegation chains included: their subjects are
       * not the holder and they may grant more. What the holder may do is `entitlements`.
       */
      readonly credentials: readonly CheckedCredential[]
      readonly entitlements: readonly GrantedEntitlement[]
      readonly statusChecked: boolean
      /**
       * Set by {@link Verifier.verifySdJwtPresentation} (docs/formats.md, "SD-JWT VC"): the
       * credential as disclosed. `credentials` is then empty and `entitlements` holds only what
       * was disclosed.
       */
      readonly sdJwt?: VerifiedSdJwtCredential
    }
  | Failure

/** Outcome of {@link Verifier.verifyCredential}. */
export type CredentialResult = { readonly ok: true; readonly credential: VerifiedCredential; readonly statusChecked: boolean } | Failure

/** Outcome of {@link Verifier.authorize}. */
export type Decision =
  | { readonly allow: true; readonly credentialId: string; readonly issuer: string; readonly entitlement: Entitlement; readonly chain: readonly string[] }
  | { readonly allow: false; readonly code: ErrorCode; readonly message: string }

/** The verifier contract of DESIGN.md. */
export interface Verifier {
  readonly did: string
  /** A fresh single-use nonce for a peer to sign into its presentation. */
  challenge(): string
  /** Checks a VP-JWT for this verifier and the challenge it answers. */
  verifyPresentation(jwt: unknown, options: { challenge: string }): Promise<PresentationResult>
  /**
   * Checks an SD-JWT VC presentation (`<issuer-signed JWT>~<disclosures>~<KB-JWT>`, docs/formats.md)
   * for this verifier and the challenge it answers: the result's `entitlements` are the disclosed
   * ones only, `credentials` is empty and `sdJwt` is the credential as disclosed. A separate call,
   * not a branch of verifyPresentation, so that code built on VP-JWT results (sessions that recheck
   * `credentials`, token exchange) never receives this shape unasked.
   */
  verifySdJwtPresentation(token: unknown, options: { challenge: string }): Promise<PresentationResult>
  /** Checks a single VC-JWT: signature, claims, time, trust and status. */
  verifyCredential(jwt: unknown): Promise<CredentialResult>
  /**
   * Checks again what can change after a credential was verified (time, trust, status) for one
   * that this verifier returned in a result; its signature and parsing are not redone. For
   * sessions that keep verifying a peer on every request.
   */
  recheckCredential(credential: VerifiedCredential): Promise<CredentialResult>
  /** Decides a concrete request against a verified presentation, now. */
  authorize(result: PresentationResult, request: AccessRequest): Decision
}

const DEFAULT_TOLERANCE = 60
const MAX_TOLERANCE = 300

function failure(error: unknown): Failure {
  if (isAgentIdError(error)) return { ok: false, code: error.code, message: error.message }
  // Anything else is a bug or an unexpected input shape: refuse, never let it through.
  return { ok: false, code: 'ERR_INPUT_INVALID', message: `verification failed: ${error instanceof Error ? error.message : String(error)}` }
}

// A link's failure as the chain's: ERR_DELEGATION naming the link, except for a lone credential
// (its own code stands) and a status that cannot be checked now (no verdict on the chain).
function inChain(chain: Chain, link: CheckedCredential, error: unknown): unknown {
  if (chain.links.length === 1 || !isAgentIdError(error) || error.code === 'ERR_STATUS_UNAVAILABLE') return error
  const role = link.id === chain.leaf.id ? 'delegation' : 'ancestor'
  return agentIdError('ERR_DELEGATION', `${role} ${link.id} of the chain ending in ${chain.leaf.id} is not acceptable: ${error.code}: ${error.message}`, { cause: error })
}

// Option errors are the caller's mistake: ERR_USAGE, with the parser's message.
function usage<T>(parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    throw isAgentIdError(error) ? agentIdError('ERR_USAGE', error.message) : error
  }
}

function numberOption(name: string, value: unknown, fallback: number, min: number, max: number, integer = false): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw agentIdError('ERR_USAGE', `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`)
  }
  return value
}

/** What a presentation holds while it is checked: its replay reservation and the challenge it answered. */
interface Claim {
  readonly reserved: string
  readonly answered: string | undefined
}

/**
 * Creates an offline verifier (DESIGN.md, "Verifier contract"). It holds the challenge store,
 * the replay cache and a cache of checked credentials; keep one per process.
 * @throws AgentIdError ERR_USAGE, ERR_INPUT_INVALID, ERR_DID_* for bad options
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const did = parseDidKey(options.did).did
  const trust = withRotations(parseTrustedIssuers(options.trustedIssuers), options.issuerRotations ?? [], (jwt) => {
    const decoded = decodeJwt(jwt, { maxLength: 16 * 1024, maxDepth: 8 }, 'rotation statement')
    if (typeof decoded.payload.iss !== 'string') throw agentIdError('ERR_INPUT_INVALID', 'no iss')
    if (!jwtSignatureValid(decoded, resolveDidKey(decoded.payload.iss))) throw agentIdError('ERR_SIGNATURE', 'signature does not verify')
    return { issuer: parseDidKey(decoded.payload.iss).did, payload: decoded.payload }
  })
  const tolerance = numberOption('clockTolerance', options.clockTolerance, DEFAULT_TOLERANCE, 0, MAX_TOLERANCE)
  const challengeTtl = numberOption('challengeTtl', options.challengeTtl, 120, 1, 3600)
  const cacheSize = numberOption('credentialCacheSize', options.credentialCacheSize, 1024, 0, 1_000_000, true)
  const replayCacheSize = numberOption('replayCacheSize', options.replayCacheSize, 100_000, 1, 10_000_000, true)
  // A presentation carries at most 8 credentials: a root and 7 delegations.
  const maxChainLength = numberOption('maxChainLength', options.maxChainLength, 4, 0, 7, true)
  const requireStanding = options.requireDelegateStanding ?? true
  if (typeof requireStanding !== 'boolean') throw agentIdError('ERR_USAGE', 'requireDelegateStanding must be true or false')
  const requireApprovals = options.requireApprovals === undefined ? undefined : parseApprovalRequirements(options.requireApprovals)
  const dutyConflicts = options.dutyConflicts === undefined ? [] : usage(() => parseDutyConflicts(options.dutyConflicts, 'dutyConflicts'))
  const now = options.now ?? Date.now
  const random = options.random ?? randomBytes
  const status = options.statusLists
  if (status !== undefined && status !== 'unchecked' && typeof (status as StatusSource | undefined)?.check !== 'function') {
    throw agentIdError('ERR_USAGE', "statusLists must be a status source ({ check }) or 'unchecked'")
  }
  // Stateless challenges (a MAC under this key), single use until they expire: see ChallengeStore.
  if (options.challengeKey !== undefined && (!(options.challengeKey instanceof Uint8Array) || options.challengeKey.length !== 32)) throw agentIdError('ERR_USAGE', 'challengeKey must be 32 bytes')
  const challenges = new ChallengeStore(challengeTtl * 1000, options.challengeKey ? Buffer.from(options.challengeKey) : random(32), replayCacheSize)
  const replays = new ReplayCache(replayCacheSize)
  // Signature and parsing results keyed by the credential's exact text: a repeat presentation of
  // the same credential costs one signature check (the VP's). Time, trust and status are not
  // cached: they can change between two presentations. A credential is cached from its second
  // sighting on: one seen once (every link of a fresh chain, every one-off grant) is not worth
  // keeping, and freezing and storing it cost more than a tenth of its check. Cached results are
  // frozen, since every result that carries one shares it; an uncached result is its caller's alone.
  const checked = new BoundedCache<string, CheckedCredential>(cacheSize)
  const seenOnce = new BoundedCache<string, true>(cacheSize)

  // Both keyed by 12 characters of the signature (72 bits of its random R: cheap to hash, and
  // shorter than V8's 13 for a sliced string, so a key is a copy that does not keep the token
  // alive). A hit is confirmed against the whole text, so it is always for these exact bytes; a
  // collision costs a check redone or a credential cached one sighting early, never a wrong answer.
  function checkCredentialCached(jwt: string): CheckedCredential {
    // Not a string: no key, nothing cached; checkAnyCredentialJwt refuses it.
    const signature = typeof jwt === 'string' ? jwt.lastIndexOf('.') + 1 : -1
    const key = signature < 0 ? '' : jwt.slice(signature, signature + 12)
    const cached = checked.get(key)
    if (cached !== undefined && cached.jwt === jwt) return cached
    const credential = checkAnyCredentialJwt(jwt)
    if (seenOnce.get(key) === undefined) {
      seenOnce.set(key, true)
      return credential
    }
    checked.set(key, deepFreeze(credential))
    return credential
  }

  // A checked entitlement credential against the checks that can change: time, trust, status.
  async function stillGood(credential: VerifiedCredential): Promise<CredentialResult> {
    const nowMs = now()
    checkCurrent(credential, nowMs / 1000)
    return { ok: true, credential, statusChecked: await checkStatus(credential, nowMs) }
  }

  // Trust (for an issuer's credential: delegations are vouched for by their chain) and time, the
  // checks that cannot be cached.
  function checkCurrent(credential: CheckedCredential, nowSec: number): void {
    const reason = credential.kind === 'entitlement' ? untrustedReason(trust, credential.issuer, credential.entitlements) : undefined
    if (reason !== undefined) throw agentIdError('ERR_VC_ISSUER_UNTRUSTED', reason)
    if (nowSec >= credential.expires + tolerance) throw agentIdError('ERR_VC_EXPIRED', `credential ${credential.id} has expired`)
    if (credential.notBefore !== undefined && nowSec < credential.notBefore - tolerance) {
      throw agentIdError('ERR_VC_NOT_YET_VALID', `credential ${credential.id} is not valid yet`)
    }
  }

  // Status is checked after everything else so that a status list is fetched only for
  // credentials that are otherwise acceptable. Returns whether it was checked.
  async function checkStatus(credential: CheckedCredential, nowMs: number): Promise<boolean> {
    if (credential.kind !== 'entitlement' || credential.status.length === 0) return true
    if (status === 'unchecked') return false
    if (status === undefined) throw agentIdError('ERR_STATUS_UNAVAILABLE', `credential ${credential.id} has a status entry and this verifier has no status source`)
    for (const entry of credential.status) {
      const outcome = await status.check(entry, credential, nowMs)
      // Anything but an explicit `ok: true` is a refusal: a status source that answers oddly must
      // not let a credential through.
      if (outcome?.ok !== true) {
        const code = outcome?.code === 'ERR_VC_REVOKED' || outcome?.code === 'ERR_VC_SUSPENDED' ? outcome.code : 'ERR_STATUS_UNAVAILABLE'
        throw agentIdError(code, outcome?.message ?? `status of credential ${credential.id} is unknown`)
      }
    }
    return true
  }

  // Every chain with a delegation needs the holder's own credential from the root's issuer (its
  // lineage: rotated keys count as the same issuer) beside it: a lone credential, checked for
  // time, trust and status with the others. Nothing to look at without delegations.
  function checkStanding(chains: readonly Chain[], holder: string): void {
    for (const chain of chains) {
      if (chain.links.length === 1) continue
      const origin = trust.get(chain.links[0].issuer)?.origin ?? chain.links[0].issuer
      const standing = chains.some((c) => c.links.length === 1 && c.leaf.subject === holder && (trust.get(c.leaf.issuer)?.origin ?? c.leaf.issuer) === origin)
      if (!standing) {
        throw agentIdError('ERR_DELEGATION', `delegate ${holder} presents no live credential of its own from ${chain.links[0].issuer} beside the chain ending in ${chain.leaf.id}: its standing (not retired, not suspended) cannot be checked`)
      }
    }
  }

  // Time and trust of every link, then attenuation (costly, so only for chains that are otherwise
  // acceptable), then status. A lone credential keeps its own codes; in a chain, a failing link
  // makes the delegation fail (ERR_DELEGATION, with the link's reason), except a status that
  // cannot be checked now, which is no verdict on the chain.
  async function checkChain(chain: Chain, nowMs: number): Promise<boolean> {
    for (const link of chain.links) {
      try {
        checkCurrent(link, nowMs / 1000)
      } catch (error) {
        throw inChain(chain, link, error)
      }
    }
    const exceeds = chainExceeds(chain)
    if (exceeds !== undefined) throw agentIdError('ERR_DELEGATION', exceeds)
    let statusChecked = true
    for (const link of chain.links) {
      // Only an issuer's credential has a status; no await (and no microtask) for the others.
      if (link.status.length === 0) continue
      try {
        statusChecked = (await checkStatus(link, nowMs)) && statusChecked
      } catch (error) {
        throw inChain(chain, link, error)
      }
    }
    return statusChecked
  }

  return {
    did,

    challenge() {
      return challenges.issue(now(), random)
    },

    async verifyPresentation(jwt, verifyOptions) {
      if (typeof verifyOptions?.challenge !== 'string') throw agentIdError('ERR_USAGE', 'verifyPresentation needs { challenge: string }')
      let claim: Claim | undefined
      try {
        const nowMs = now()
        const nowSec = nowMs / 1000
        const vp = checkPresentationJwt(jwt, did, nowSec, tolerance)
        claim = claimOnce(vp, verifyOptions.challenge, nowMs)
        const credentials = vp.credentialJwts.map(checkCredentialCached)
        // Each format by its own rules, never mixed: VC 2.0 credentials in a 2.0 presentation.
        for (const c of credentials) if (c.format !== vp.format) throw agentIdError('ERR_TYPE_CONFUSION', `a ${vp.format === 'vc2.0' ? 'VC 2.0' : 'VC 1.1'} presentation carries a ${c.format === 'vc2.0' ? 'VC 2.0' : 'VC 1.1'} credential`)
        const chains = resolveChains(credentials, vp.holder, maxChainLength)
        let statusChecked = true
        for (const chain of chains) statusChecked = (await checkChain(chain, nowMs)) && statusChecked
        if (requireStanding) checkStanding(chains, vp.holder)
        const entitlements: GrantedEntitlement[] = []
        for (const { links, leaf } of chains) {
          const chain = links.map((l) => l.id)
          const root = links[0]
          const approvalsMissing = requireApprovals && missingApprovals(requireApprovals, root)
          for (const entitlement of leaf.entitlements) {
            const granted: GrantedEntitlement = { credentialId: leaf.id, issuer: root.issuer, expires: leaf.expires, entitlement, chain }
            entitlements.push(approvalsMissing ? { ...granted, approvalsMissing } : granted)
          }
        }
        const conflict = dutyConflicts.length > 0 ? heldDutyConflict(dutyConflicts, entitlements.map((g) => g.entitlement)) : undefined
        if (conflict !== undefined) throw agentIdError('ERR_SOD_CONFLICT', `the presented credentials together hold both sides of duty rule "${conflict}"`)
        return { ok: true, holder: vp.holder, credentials, entitlements, statusChecked }
      } catch (error) {
        if (claim) releaseClaim(claim)
        return failure(error)
      }
    },

    async verifySdJwtPresentation(token, verifyOptions) {
      if (typeof verifyOptions?.challenge !== 'string') throw agentIdError('ERR_USAGE', 'verifySdJwtPresentation needs { challenge: string }')
      return verifySdJwtPresentation(token, verifyOptions.challenge)
    },

    async verifyCredential(jwt) {
      try {
        const credential = checkCredentialCached(jwt as string)
        if (credential.kind !== 'entitlement') throw agentIdError('ERR_DELEGATION', 'a delegation cannot be verified alone: present it with its chain')
        return await stillGood(credential)
      } catch (error) {
        return failure(error)
      }
    },

    async recheckCredential(credential) {
      try {
        return await stillGood(credential)
      } catch (error) {
        return failure(error)
      }
    },

    authorize(result, request) {
      if (typeof request !== 'object' || request === null) throw agentIdError('ERR_USAGE', 'authorize needs a request { resource, action }')
      const decision = decide(result, request)
      if (options.events && result.ok) report(result.holder, request, decision)
      return decision
    },
  }

  // SD-JWT VC with Key Binding (RFC 9901): the same challenge, replay, trust, time, status and
  // approval rules as a VP-JWT, over the disclosed entitlements only. Trust scoping and duty
  // conflicts see only what was disclosed: the issuer checked the whole grant when it minted it.
  async function verifySdJwtPresentation(token: unknown, challenge: string): Promise<PresentationResult> {
    let claim: Claim | undefined
    try {
      const nowMs = now()
      const vp = checkSdJwtPresentation(token, did, nowMs / 1000, tolerance)
      claim = claimOnce(vp, challenge, nowMs)
      // The checks below read only ids, issuer, time, status, entitlements, risk and approvals,
      // which an SD-JWT credential has as a VC-JWT one does; its agent profile is partial.
      const credential = vp.credential as unknown as VerifiedCredential
      checkCurrent(credential, nowMs / 1000)
      const statusChecked = await checkStatus(credential, nowMs)
      const approvalsMissing = requireApprovals && missingApprovals(requireApprovals, credential)
      const entitlements = vp.credential.entitlements.map((entitlement): GrantedEntitlement => {
        const granted: GrantedEntitlement = { credentialId: vp.credential.id, issuer: vp.credential.issuer, expires: vp.credential.expires, entitlement, chain: [vp.credential.id] }
        return approvalsMissing ? { ...granted, approvalsMissing } : granted
      })
      const conflict = dutyConflicts.length > 0 ? heldDutyConflict(dutyConflicts, entitlements.map((g) => g.entitlement)) : undefined
      if (conflict !== undefined) throw agentIdError('ERR_SOD_CONFLICT', `the disclosed entitlements hold both sides of duty rule "${conflict}"`)
      return { ok: true, holder: vp.holder, credentials: [], entitlements, statusChecked, sdJwt: vp.credential }
    } catch (error) {
      if (claim) releaseClaim(claim)
      return failure(error)
    }
  }

  // A presentation's single use, either format: its challenge answered (unless the caller keeps
  // its own) and the presentation reserved, before any await, so that two concurrent uses cannot
  // both pass. Released when the presentation is refused, so refused ones cannot crowd out the rest.
  function claimOnce(vp: { readonly nonce: string; readonly replayKey: string; readonly expires: number }, challenge: string, nowMs: number): Claim {
    if (vp.nonce !== challenge) throw agentIdError('ERR_VP_NONCE', 'presentation answers another challenge')
    let answered: string | undefined
    if (!options.externalChallenges) {
      const use = challenges.consume(vp.nonce, nowMs)
      if (use === 'used') throw agentIdError('ERR_VP_REPLAY', 'this challenge was already answered')
      if (use === 'full') throw agentIdError('ERR_VP_REPLAY', 'too many live answered challenges to guarantee single use; try again shortly')
      if (use !== 'ok') throw agentIdError('ERR_VP_NONCE', `challenge is ${use === 'expired' ? 'expired' : 'not one this verifier issued'}`)
      answered = vp.nonce
    }
    const use = replays.reserve(vp.replayKey, (vp.expires + tolerance) * 1000, nowMs)
    if (use !== 'ok') {
      if (answered !== undefined) challenges.release(answered)
      throw agentIdError('ERR_VP_REPLAY', use === 'replay' ? 'this presentation was already used' : 'too many live presentations to guarantee single use; try again shortly')
    }
    return { reserved: vp.replayKey, answered }
  }

  function releaseClaim(claim: Claim): void {
    replays.release(claim.reserved)
    if (claim.answered !== undefined) challenges.release(claim.answered)
  }

  function decide(result: PresentationResult, request: AccessRequest): Decision {
    if (!result.ok) return { allow: false, code: result.code, message: result.message }
    try {
      parseAccessRequest(request)
      const nowMs = now()
      // Credentials may have expired since the presentation was verified (long sessions).
      const live = result.entitlements.filter((g) => nowMs / 1000 < g.expires + tolerance)
      if (live.length === 0) return { allow: false, code: 'ERR_VC_EXPIRED', message: 'every credential of this holder has expired' }
      const approved = requireApprovals ? live.filter((g) => g.approvalsMissing === undefined) : live
      const match = matchEntitlements(approved.map((g) => g.entitlement), request, nowMs)
      if (!match.allow) {
        // Say why when an entitlement would have allowed it but lacks its approvals.
        const unapproved = approved.length < live.length ? live.filter((g) => g.approvalsMissing !== undefined) : []
        const blocked = unapproved.length > 0 ? matchEntitlements(unapproved.map((g) => g.entitlement), request, nowMs) : undefined
        if (blocked?.allow) return { allow: false, code: 'ERR_APPROVAL_REQUIRED', message: unapproved[blocked.index]!.approvalsMissing! }
        return { allow: false, code: match.code, message: match.message }
      }
      const granted = approved[match.index]!
      return { allow: true, credentialId: granted.credentialId, issuer: granted.issuer, entitlement: granted.entitlement, chain: granted.chain }
    } catch (error) {
      const { code, message } = failure(error)
      return { allow: false, code, message }
    }
  }

  function report(holder: string, request: AccessRequest, decision: Decision): void {
    try {
      // Only well-formed values leave this process: one odd field (an X-Forwarded-For list as
      // `ip`) must not make the issuer refuse a whole batch of events.
      const valid = <T>(parse: () => T): T | undefined => {
        try {
          return parse()
        } catch {
          return undefined
        }
      }
      const context = request.context
      const resource = valid(() => parseResource(request.resource))
      const action = valid(() => parseAction(request.action))
      const purpose = request.purpose === undefined ? undefined : valid(() => parsePurpose(request.purpose))
      const ip = typeof context?.ip === 'string' && parseIpAddress(context.ip) ? context.ip : undefined
      const records = typeof context?.records === 'number' && Number.isSafeInteger(context.records) && context.records >= 0 ? context.records : undefined
      options.events!.emit({
        at: now(), agent: holder, decision: decision.allow ? 'allow' : 'deny', ...(decision.allow ? { credential: decision.credentialId } : { code: decision.code }),
        ...(resource !== undefined ? { resource } : {}), ...(action !== undefined ? { action } : {}), ...(purpose !== undefined ? { purpose } : {}),
        ...(records !== undefined ? { records } : {}), ...(ip !== undefined ? { ip } : {}),
        ...(options.segment !== undefined ? { segment: options.segment } : {}), verifier: did,
      })
    } catch {
      // Monitoring never changes a decision.
    }
  }
}
