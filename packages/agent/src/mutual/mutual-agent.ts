import { createHash, randomBytes } from 'node:crypto'
import { agentIdError, isAgentIdError, parseDidKey, type AccessRequest, type ErrorCode } from '@agentid/core'
import {
  checkAnyCredentialJwt,
  createVerifier,
  ReplayCache,
  resolveDidKey,
  type CheckedCredential,
  type Decision,
  type PresentationResult,
  type ResolvedKey,
  type VerifierOptions,
} from '@agentid/verifier'
import type { AgentKey } from '../key/agent-key.js'
import { createPresentation } from '../presentation/create-presentation.js'
import { bodyHash, readProof, signProof } from './request-proof.js'

/** Version of the handshake messages (docs/protocol.md); another version is refused. */
export const MUTUAL_VERSION = 2
/** A hello: the initiator's DID and a fresh nonce (the initiator's own, random, single use). */
export interface HelloMessage { readonly type: 'agentid/hello'; readonly v: 2; readonly from: string; readonly nonce: string }
/**
 * The responder's own nonce, and its presentation for the initiator over the whole handshake
 * (`agentid-mutual/2:response:<session id>`: both DIDs and both nonces).
 */
export interface ResponseMessage { readonly type: 'agentid/response'; readonly v: 2; readonly from: string; readonly to: string; readonly nonce: string; readonly vp: string }
/** The initiator's presentation for the responder over the whole handshake (`agentid-mutual/2:complete:<session id>`). */
export interface CompleteMessage { readonly type: 'agentid/complete'; readonly v: 2; readonly from: string; readonly to: string; readonly nonce: string; readonly vp: string }
export type HandshakeMessage = HelloMessage | ResponseMessage | CompleteMessage

/** A verified peer and what it may do, for as long as the earliest credential of either side lasts. */
export interface Session {
  /** base64url SHA-256 over both DIDs and both nonces: the same on both sides, and nowhere else. */
  readonly id: string
  readonly peer: string
  readonly initiator: boolean
  /** Milliseconds since the epoch. */
  readonly expires: number
  /** The peer's verified presentation: its credentials and entitlements. */
  readonly presentation: Extract<PresentationResult, { ok: true }>
  readonly peerSegment?: string
  /**
   * Whether the peer may send requests in this session: always when it opened the session (it
   * was admitted for that); when this agent opened it, only if the segment rules let the peer's
   * segment call this agent's (one-way rules: docs/protocol.md, "Micro-segmentation").
   */
  readonly peerMayCall: boolean
  /** @internal the peer's key, for request proofs */
  readonly peerKey: ResolvedKey
}

/** A definite "no" with its code. */
export interface MutualFailure { readonly ok: false; readonly code: ErrorCode; readonly message: string }

/** Options of {@link createMutualAgent}. */
export interface MutualOptions {
  readonly key: AgentKey
  /** This agent's credentials (VC-JWTs; a delegation chain root first), presented to peers. */
  readonly credentials: readonly string[]
  /**
   * How this agent verifies peers (trusted issuers, status lists, ...): its verifier is made with
   * these options for the key's DID. Handshake nonces are this agent's own, bound to the protocol.
   */
  readonly verifier: Omit<VerifierOptions, 'did' | 'externalChallenges'>
  /** What a peer must be entitled to before a session is accepted. */
  readonly requirePeer?: AccessRequest | readonly AccessRequest[]
  /**
   * Micro-segmentation, one way: for an agent in segment K, the segments it may call, that is
   * open sessions with and send requests to (`{ sales: ['crm', 'warehouse'], crm: ['sales'] }`:
   * sales and crm call each other, sales calls warehouse, warehouse calls no one). When set, a
   * peer (or this agent) without a segment is refused, this agent opens sessions only with peers
   * its segment may call, admits sessions only from peers whose segment may call its own, and
   * takes requests only from those.
   */
  readonly segments?: Readonly<Record<string, readonly string[]>>
  /** Longest session, in seconds (default 3600); never past the earliest credential expiry. */
  readonly sessionTtl?: number
  /** Seconds a request proof's `iat` may differ from now (default 60). */
  readonly clockTolerance?: number
  /** Sessions and pending handshakes kept (default 10,000 each; the oldest go first; at most 16 sessions per peer). */
  readonly maxSessions?: number
  readonly now?: () => number
}

/** The mutual-verification protocol of docs/protocol.md, for any message channel. */
export interface MutualAgent {
  readonly did: string
  /** Initiator, step 1: the hello to send, and the handle `complete` needs. */
  initiate(): { hello: HelloMessage; pending: { readonly nonce: string } }
  /** Responder, step 2: answers a hello with this agent's presentation and its own nonce. */
  respond(hello: unknown): Promise<ResponseMessage>
  /** Initiator, step 3: verifies the responder; returns the message that completes the handshake and the session. */
  complete(response: unknown, pending: { readonly nonce: string }): Promise<{ message: CompleteMessage; session: Session }>
  /** Responder, step 4: verifies the initiator; returns the session. */
  accept(complete: unknown): Promise<Session>
  /** Headers for a request in a session: `agentid-session` and `agentid-proof`. */
  signRequest(session: Session, request: { method: string; target: string; body?: string | Uint8Array }): Record<'agentid-session' | 'agentid-proof', string>
  /**
   * Checks again, now, what can change about the peer after the handshake: its credentials'
   * expiry, trust, revocation and suspension (from the verifier's cached, pushed status lists).
   * A client calls it before each request it sends in a session, as `verifyRequest` does for
   * each request it receives; a failure also ends the session.
   */
  checkPeer(session: Session): Promise<{ ok: true } | MutualFailure>
  /** Verifies a request's proof in its session (one signature check), replay, expiry, that the peer may call this agent, and the peer's credentials' status now. */
  verifyRequest(request: { session: string | undefined; proof: string | undefined; method: string; target: string; body?: string | Uint8Array }): Promise<{ ok: true; session: Session } | MutualFailure>
  /** Decides a request of the peer against its entitlements, now. */
  authorize(session: Session, request: AccessRequest): Decision
  /** True when this agent holds a session with this id, expired or not (a cheap first look). */
  knows(id: string): boolean
}

const DID_MAX = 128
const NONCE = /^[A-Za-z0-9_-]{16,128}$/
/**
 * Handshake presentations answer `agentid-mutual/2:<role>:<session id>`, never a bare nonce: a
 * presentation an agent makes in a handshake can never pass as the answer to an ordinary
 * challenge (a signing oracle: anyone may send a hello naming any audience and nonce); the role
 * (`response` or `complete`) keeps a responder's presentation from passing as an initiator's
 * (a reflection), and the session id binds it to both DIDs and both nonces.
 */
export const MUTUAL_NONCE_PREFIX = 'agentid-mutual/2:'
const HANDSHAKE_TTL_MS = 120_000
const SESSIONS_PER_PEER = 16
const PROOFS_PER_SESSION = 5000
const PROOF_FUTURE_MS = 5000

/** The challenge a handshake presentation answers: its role and the session id (both DIDs, both nonces). */
function handshakeChallenge(role: 'response' | 'complete', sid: string): string {
  return `${MUTUAL_NONCE_PREFIX}${role}:${sid}`
}

function fail(code: ErrorCode, message: string): never {
  throw agentIdError(code, message)
}

function parseMessage<T extends HandshakeMessage>(value: unknown, type: T['type'], fields: readonly string[]): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('ERR_INPUT_INVALID', 'handshake message must be an object')
  const m = value as Record<string, unknown>
  if (m.type !== type) fail('ERR_INPUT_INVALID', `expected a ${type} message`)
  if (m.v !== MUTUAL_VERSION) fail('ERR_INPUT_INVALID', `unsupported handshake version (this agent speaks v${MUTUAL_VERSION})`)
  const allowed = ['type', 'v', ...fields]
  const extra = Object.keys(m).find((k) => !allowed.includes(k))
  if (extra !== undefined) fail('ERR_INPUT_INVALID', `"${extra}" is not a field of ${type}`)
  for (const f of fields) {
    const v = m[f]
    if (typeof v !== 'string') fail('ERR_INPUT_INVALID', `${type} "${f}" must be a string`)
    if ((f === 'from' || f === 'to') && (v.length > DID_MAX || parseDidKey(v).did !== v)) fail('ERR_DID_INVALID', `${type} "${f}" must be a did:key`)
    if (f === 'nonce' && !NONCE.test(v)) fail('ERR_INPUT_INVALID', `${type} nonce must be 16-128 base64url characters`)
  }
  return m as unknown as T
}

// The one segment an agent's own entitlement credentials name, if they name exactly one.
function segmentOf(credentials: readonly CheckedCredential[], did: string): string | undefined {
  const segments = new Set(credentials.flatMap((c) => (c.kind === 'entitlement' && c.subject === did && c.claims.agent.segment ? [c.claims.agent.segment] : [])))
  return segments.size === 1 ? [...segments][0] : undefined
}

/** Keeps at most `max` entries, forgetting the oldest. */
class Bounded<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super()
  }

  override set(key: string, value: V): this {
    if (!this.has(key) && this.size >= this.max) this.delete(this.keys().next().value as string)
    return super.set(key, value)
  }
}

/**
 * Creates this agent's side of mutual verification: a handshake in which both agents present
 * credentials to each other over each other's fresh nonce, bound into a session; then one signed
 * proof per request (in the spirit of DPoP). See docs/protocol.md.
 * @throws AgentIdError ERR_USAGE for bad options
 */
export function createMutualAgent(options: MutualOptions): MutualAgent {
  const { key } = options
  const verifier = createVerifier({ ...options.verifier, did: key.did, externalChallenges: true })
  if (options.credentials.length === 0) throw agentIdError('ERR_USAGE', 'an agent needs at least one credential to present')
  const now = options.now ?? Date.now
  const sessionTtlMs = (options.sessionTtl ?? 3600) * 1000
  const toleranceMs = (options.clockTolerance ?? 60) * 1000
  const maxSessions = options.maxSessions ?? 10_000
  const required = options.requirePeer === undefined ? [] : Array.isArray(options.requirePeer) ? options.requirePeer : [options.requirePeer as AccessRequest]
  // This agent's own credentials: their earliest expiry bounds every session, and they say its segment.
  const own = options.credentials.map((jwt) => checkAnyCredentialJwt(jwt))
  const ownExpires = Math.min(...own.map((c) => c.expires)) * 1000
  const mySegment = segmentOf(own, key.did)
  // Each live session with the proofs it has accepted: replay protection per session, so that one
  // peer cannot fill it for the others, and forgotten with its session.
  const sessions = new Bounded<{ readonly session: Session; readonly proofs: ReplayCache }>(maxSessions)
  // Handshakes in flight: the ones this agent opened (its hello's nonce), and the ones it answered
  // (its response's nonce, with the initiator and its nonce). Each is used once.
  const initiated = new Bounded<number>(maxSessions)
  const pending = new Bounded<{ peer: string; nonce: string; expires: number }>(maxSessions)
  const newNonce = () => randomBytes(18).toString('base64url')

  function sessionId(initiator: string, responder: string, initiatorNonce: string, responderNonce: string): string {
    return createHash('sha256').update(`agentid-session/1\n${initiator}\n${responder}\n${initiatorNonce}\n${responderNonce}`).digest('base64url')
  }

  // May an agent of segment `from` call one of segment `to`? Without a policy, anyone may.
  function mayCall(from: string | undefined, to: string | undefined): boolean {
    return options.segments === undefined || (from !== undefined && to !== undefined && options.segments[from]?.includes(to) === true)
  }

  // The peer's presentation, verified for this agent and the handshake it answers (its role and
  // session id), then checked against what this agent requires of peers. The segment rule is
  // one way: the initiator is the caller.
  async function verifyPeer(vp: string, role: 'response' | 'complete', sid: string, peer: string): Promise<{ result: Extract<PresentationResult, { ok: true }>; segment: string | undefined; peerMayCall: boolean }> {
    const result = await verifier.verifyPresentation(vp, { challenge: handshakeChallenge(role, sid) })
    if (!result.ok) fail(result.code, result.message)
    if (result.holder !== peer) fail('ERR_VP_HOLDER_BINDING', `the presentation is from ${result.holder}, not ${peer}`)
    for (const request of required) {
      const decision = verifier.authorize(result, request)
      if (!decision.allow) fail(decision.code === 'ERR_INPUT_INVALID' ? 'ERR_INPUT_INVALID' : 'ERR_NOT_ENTITLED', `peer ${peer} may not ${request.action} ${request.resource}: ${decision.message}`)
    }
    const segment = segmentOf(result.credentials, peer)
    if (options.segments) {
      if (segment === undefined) fail('ERR_FORBIDDEN', `peer ${peer} has no single segment, and this agent admits peers by segment`)
      if (mySegment === undefined) fail('ERR_FORBIDDEN', 'this agent has no single segment of its own to admit peers by')
      // A response comes from the agent this one calls; a complete from the agent that calls it.
      const [caller, callee] = role === 'response' ? [mySegment, segment] : [segment, mySegment]
      if (!mayCall(caller, callee)) fail('ERR_FORBIDDEN', `segment ${caller} may not call segment ${callee}`)
    }
    return { result, segment, peerMayCall: role === 'complete' || mayCall(segment, mySegment) }
  }

  function openSession(id: string, peer: string, initiator: boolean, verified: { result: Extract<PresentationResult, { ok: true }>; segment: string | undefined; peerMayCall: boolean }): Session {
    const peerExpires = Math.min(...verified.result.credentials.map((c) => c.expires)) * 1000
    const session: Session = {
      id, peer, initiator, expires: Math.min(now() + sessionTtlMs, ownExpires, peerExpires), presentation: verified.result,
      ...(verified.segment !== undefined ? { peerSegment: verified.segment } : {}), peerMayCall: verified.peerMayCall, peerKey: resolveDidKey(peer),
    }
    // At most SESSIONS_PER_PEER per peer: one peer shaking hands again and again evicts only its own.
    const peers = [...sessions.values()].filter((s) => s.session.peer === peer)
    for (const old of peers.slice(0, Math.max(0, peers.length - SESSIONS_PER_PEER + 1))) sessions.delete(old.session.id)
    sessions.set(id, { session, proofs: new ReplayCache(PROOFS_PER_SESSION) })
    return session
  }

  // The peer's credentials, checked again now (expiry, trust, revocation, suspension); their
  // signatures were checked at the handshake. A peer no longer good loses the session.
  async function recheckPeer(session: Session): Promise<void> {
    for (const c of session.presentation.credentials) {
      if (c.kind !== 'entitlement') continue
      const status = await verifier.recheckCredential(c)
      if (!status.ok) {
        sessions.delete(session.id)
        fail(status.code, `the peer's credential ${c.id} is no longer good: ${status.message}`)
      }
    }
  }

  const present = (audience: string, role: 'response' | 'complete', sid: string) => createPresentation({ key, credentials: options.credentials, audience, challenge: handshakeChallenge(role, sid), ttl: 120 })

  async function caught<T>(work: () => Promise<T>): Promise<T | MutualFailure> {
    try {
      return await work()
    } catch (error) {
      if (isAgentIdError(error)) return { ok: false, code: error.code, message: error.message }
      throw error
    }
  }

  return {
    did: key.did,

    initiate() {
      const nonce = newNonce()
      initiated.set(nonce, now() + HANDSHAKE_TTL_MS)
      return { hello: { type: 'agentid/hello', v: MUTUAL_VERSION, from: key.did, nonce }, pending: { nonce } }
    },

    async respond(value) {
      const hello = parseMessage<HelloMessage>(value, 'agentid/hello', ['from', 'nonce'])
      if (hello.from === key.did) fail('ERR_VP_AUDIENCE', 'a hello from this agent itself')
      const nonce = newNonce()
      pending.set(nonce, { peer: hello.from, nonce: hello.nonce, expires: now() + HANDSHAKE_TTL_MS })
      return { type: 'agentid/response', v: MUTUAL_VERSION, from: key.did, to: hello.from, nonce, vp: present(hello.from, 'response', sessionId(hello.from, key.did, hello.nonce, nonce)) }
    },

    async complete(value, handle) {
      const response = parseMessage<ResponseMessage>(value, 'agentid/response', ['from', 'to', 'nonce', 'vp'])
      if (response.to !== key.did) fail('ERR_VP_AUDIENCE', `the response is addressed to ${response.to}, not this agent`)
      const opened = initiated.get(handle.nonce)
      initiated.delete(handle.nonce) // one answer per hello
      if (opened === undefined || opened <= now()) fail('ERR_VP_NONCE', 'this agent has no handshake waiting for that nonce (unknown, answered already, or expired)')
      // The presentation must answer this very handshake: this agent's DID and nonce, the
      // responder's DID and the nonce it sends now. A response made for another agent, another
      // hello, or with its nonce swapped does not.
      const sid = sessionId(key.did, response.from, handle.nonce, response.nonce)
      const verified = await verifyPeer(response.vp, 'response', sid, response.from)
      const message: CompleteMessage = { type: 'agentid/complete', v: MUTUAL_VERSION, from: key.did, to: response.from, nonce: response.nonce, vp: present(response.from, 'complete', sid) }
      return { message, session: openSession(sid, response.from, true, verified) }
    },

    async accept(value) {
      const complete = parseMessage<CompleteMessage>(value, 'agentid/complete', ['from', 'to', 'nonce', 'vp'])
      if (complete.to !== key.did) fail('ERR_VP_AUDIENCE', `the handshake is addressed to ${complete.to}, not this agent`)
      const handshake = pending.get(complete.nonce)
      pending.delete(complete.nonce) // one attempt per handshake
      if (!handshake || handshake.expires <= now()) fail('ERR_VP_NONCE', 'no handshake of this agent is waiting for that nonce (unknown, used or expired): send a new hello')
      if (handshake.peer !== complete.from) fail('ERR_VP_HOLDER_BINDING', `the handshake was opened by ${handshake.peer}, not ${complete.from}`)
      const sid = sessionId(complete.from, key.did, handshake.nonce, complete.nonce)
      const verified = await verifyPeer(complete.vp, 'complete', sid, complete.from)
      return openSession(sid, complete.from, false, verified)
    },

    signRequest(session, request) {
      const proof = signProof(key, { sid: session.id, htm: request.method.toUpperCase(), htu: request.target, bh: bodyHash(request.body) })
      return { 'agentid-session': session.id, 'agentid-proof': proof }
    },

    async checkPeer(session) {
      return caught(async () => {
        await recheckPeer(session)
        return { ok: true as const }
      })
    },

    async verifyRequest(request) {
      return caught(async () => {
        if (!request.session || !request.proof) fail('ERR_UNAUTHORIZED', 'a request needs agentid-session and agentid-proof: complete a handshake first')
        const live = sessions.get(request.session)
        if (!live) fail('ERR_UNAUTHORIZED', 'unknown session: complete a handshake first')
        const { session, proofs } = live
        const at = now()
        if (at >= session.expires) {
          sessions.delete(session.id)
          fail('ERR_VP_EXPIRED', 'the session has expired: complete a new handshake')
        }
        const claims = readProof(request.proof, session.peerKey)
        if (claims.sid !== session.id) fail('ERR_SIGNATURE', 'the proof is for another session')
        if (claims.htm !== request.method.toUpperCase() || claims.htu !== request.target) fail('ERR_SIGNATURE', 'the proof is for another request (method or target)')
        if (claims.bh !== bodyHash(request.body)) fail('ERR_SIGNATURE', 'the body is not the one the proof was signed over')
        if (at - claims.iat * 1000 > toleranceMs || claims.iat * 1000 - at > PROOF_FUTURE_MS) fail('ERR_VP_EXPIRED', 'the proof is too old (or from the future)')
        // Authenticated, then authorized: in a session this agent opened, the peer may answer but
        // call only if its segment may call this one (refused before its proof is used up).
        if (!session.peerMayCall) fail('ERR_FORBIDDEN', `segment ${session.peerSegment ?? '(none)'} may not call this agent's segment (this agent opened the session, and the rule is one way)`)
        // Held past the last moment the proof could be accepted, so the boundary cannot be replayed.
        const use = proofs.reserve(claims.jti, claims.iat * 1000 + toleranceMs + 1000, at)
        if (use !== 'ok') fail('ERR_VP_REPLAY', use === 'replay' ? 'this proof was already used' : 'too many live proofs in this session; slow down')
        // Zero trust: the peer's credentials must still be good now (revocation, suspension, expiry).
        await recheckPeer(session)
        return { ok: true as const, session }
      })
    },

    authorize(session, request) {
      if (now() >= session.expires) return { allow: false, code: 'ERR_VP_EXPIRED', message: 'the session has expired' }
      return verifier.authorize(session.presentation, request)
    },

    knows(id) {
      return sessions.has(id)
    },
  }
}
