import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto'
import { agentIdError, encodeBase64url, entitlementToJson, parseDidKey, type EntitlementSubject } from '@agentid/core'
import { checkSdJwtCredential } from '@agentid/verifier'
import { issueSdJwtVc } from '../credentials/sd-jwt-vc.js'
import type { AgentRecord, CredentialDraft, IssuerStore } from '../store/issuer-store.js'
import type { IssuerAgent } from '../veramo/issuer-agent.js'

/**
 * Everything the issuer signs goes through here: VC-JWTs through Veramo (VC 1.1, checkpoints,
 * rotation statements), and with node:crypto the JWTs that are not Veramo's (VC 2.0, SD-JWT VC,
 * access tokens). The keys stay in the store's custody tables, sealed.
 */
export class IssuerSigner {
  // Veramo, loaded at the first signature: opening the issuer and answering reads needs none of
  // it, and loading it is most of what a start costs.
  #agent: Promise<IssuerAgent> | undefined
  #jwtKey: { readonly did: string; readonly key: KeyObject } | undefined

  constructor(readonly store: IssuerStore, readonly did: string, agent: IssuerAgent | undefined, readonly sdJwtDecoys: number) {
    this.#agent = agent ? Promise.resolve(agent) : undefined
  }

  /** The Veramo agent the issuer signs with (loaded on first use). */
  veramo(): Promise<IssuerAgent> {
    this.#agent ??= import('../veramo/issuer-agent.js').then((m) => m.createIssuerAgent(this.store.custody))
    return this.#agent
  }

  /**
   * Signs a JWT with the issuer key on node:crypto (VC 2.0 credentials and status lists, SD-JWT
   * VCs, OAuth access tokens): header `{ alg: EdDSA, typ, kid: <issuer did:key URL> }`.
   */
  async signJwt(typ: string, payload: Record<string, unknown>, signer = this.did): Promise<string> {
    // The key of the issuer's DID, loaded once per DID (it changes at a rotation); an earlier
    // key of this issuer (its status lists) is loaded each time.
    if (signer === this.did && this.#jwtKey?.did !== this.did) this.#jwtKey = { did: this.did, key: await issuerSigningKey(this.store, this.did) }
    const key = signer === this.did ? this.#jwtKey!.key : await issuerSigningKey(this.store, signer)
    const signingInput = `${encodeBase64url(JSON.stringify({ alg: 'EdDSA', typ, kid: parseDidKey(signer).keyId }))}.${encodeBase64url(JSON.stringify(payload))}`
    return `${signingInput}.${encodeBase64url(sign(null, Buffer.from(signingInput), key))}`
  }

  // An entitlement credential as SD-JWT VC, checked as a verifier would before it is committed.
  async signSdJwtVc(draft: CredentialDraft, agent: AgentRecord, subject: EntitlementSubject, status: readonly Record<string, unknown>[], statusIndex: string): Promise<string> {
    if (this.#jwtKey?.did !== this.did) this.#jwtKey = { did: this.did, key: await issuerSigningKey(this.store, this.did) }
    const key = this.#jwtKey.key
    const sdJwt = issueSdJwtVc({
      issuer: this.did, sign: (data) => sign(null, data, key), subject: agent.did, id: draft.id, notBefore: draft.notBefore, expires: draft.expires,
      agent: subject.agent, entitlements: subject.entitlements, status, decoys: this.sdJwtDecoys,
      ...(subject.task ? { task: subject.task } : {}), ...(subject.risk ? { risk: subject.risk } : {}), ...(subject.approvals ? { approvals: subject.approvals } : {}),
    })
    const c = checkSdJwtCredential(sdJwt)
    const same = c.id === draft.id && c.subject === draft.subject && c.issuer === draft.issuer && c.notBefore === draft.notBefore && c.expires === draft.expires &&
      c.status.length === status.length && c.status.every((e) => e.statusListIndex === statusIndex) &&
      JSON.stringify(c.entitlements.map(entitlementToJson)) === JSON.stringify(draft.entitlements.map(entitlementToJson))
    if (!same) throw agentIdError('ERR_STORE', 'the SD-JWT VC minted does not match the grant')
    return sdJwt
  }

  // Every VC-JWT the issuer makes goes through Veramo here: signed by `signer` (this issuer, or a
  // previous key for its own status lists), with its key id in the header.
  async signVc(signer: string, what: string, credential: Record<string, unknown>): Promise<string> {
    const result = await (await this.veramo()).createVerifiableCredential({
      credential: { ...credential, issuer: { id: signer } },
      proofFormat: 'jwt',
      header: { kid: parseDidKey(signer).keyId },
    } as Parameters<IssuerAgent['createVerifiableCredential']>[0])
    const jwt = (result as { proof?: { jwt?: unknown } } | undefined)?.proof?.jwt
    if (typeof jwt !== 'string') throw agentIdError('ERR_STORE', `Veramo returned a ${what} without a JWT proof`)
    return jwt
  }
}

// The issuer's key pair as the custody tables hold it: its DID record names the key, whose sealed
// private part must decrypt (a wrong key-encryption key fails here, ERR_KEK_MISMATCH).
export async function checkIssuerKey(store: IssuerStore, did: string): Promise<void> {
  await issuerPrivateKeyHex(store, did)
}

// PKCS#8 DER prefix of an Ed25519 private key (RFC 8410); the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/**
 * The issuer's private key as a node:crypto key, for the JWTs it signs without Veramo (VC 2.0,
 * SD-JWT VC, access tokens): Veramo's key manager takes about 1.2 ms of CPU per signature where node:crypto takes
 * 60 µs (measured on the development VM), and the token endpoint signs on every grant. The key
 * stays in the custody tables, sealed; this copy lives in the process's memory, as the
 * key-encryption key does. Checked against the DID before use.
 */
async function issuerSigningKey(store: IssuerStore, did: string): Promise<KeyObject> {
  const hex = await issuerPrivateKeyHex(store, did)
  const key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(hex, 'hex').subarray(0, 32)]), format: 'der', type: 'pkcs8' })
  const x = createPublicKey(key).export({ format: 'jwk' }).x
  if (x !== encodeBase64url(parseDidKey(did).publicKey)) throw agentIdError('ERR_STORE', `the custody key of ${did} is not that DID's key`)
  return key
}

async function issuerPrivateKeyHex(store: IssuerStore, did: string): Promise<string> {
  let identifier
  try {
    identifier = await store.custody.didStore.getDID({ did })
  } catch (cause) {
    throw agentIdError('ERR_STORE', `the issuer's DID ${did} has no key record in this database`, { cause })
  }
  const alias = identifier.controllerKeyId ?? identifier.keys[0]?.kid
  if (alias === undefined) throw agentIdError('ERR_STORE', `the issuer's DID ${did} names no key`)
  return (await store.custody.privateKeyStore.getKey({ alias })).privateKeyHex
}
