// Status lists: signing the current state of each list for verifiers.
import { gzipSync } from 'node:zlib'
import { agentIdError, CREDENTIALS_CONTEXT_V1, CREDENTIALS_CONTEXT_V2, CREDENTIALS_STATUS_CONTEXT_V1 } from '@agentid/core'
import { checkStatusListJwt, VC_JWT_TYPE } from '@agentid/verifier'
import type { IssuerContext } from './context.js'
import { isoSeconds } from './rules.js'

/** Every current status list (revocation and suspension), signed: what offline verifiers load. */
export async function publishStatusLists(ctx: Pick<IssuerContext, 'credentialFormat' | 'did' | 'now' | 'publicUrl' | 'signer' | 'store'>, ttlSeconds = 3600): Promise<string[]> {
  const jwts: string[] = []
  for (const id of await statusListIds(ctx)) jwts.push((await publishStatusList(ctx, id, ttlSeconds)).jwt)
  return jwts
}

/**
 * The ids of this issuer's status lists: the revocation and suspension lists, and after a key
 * rotation the previous key's too (they still speak for the credentials it issued).
 */
export async function statusListIds(ctx: Pick<IssuerContext, 'store'>): Promise<string[]> {
  return (await ctx.store.allStatusLists()).map((l) => l.id)
}

/**
 * Signs the current state of a status list (the newest revocation list by default) as a
 * BitstringStatusListCredential VC-JWT (Bitstring Status List v1.0, section 2.2), valid for
 * `ttlSeconds`. Verifiers use it offline and refuse it once older than their maximum age.
 * @throws AgentIdError ERR_NOT_FOUND, ERR_STORE
 */
export async function publishStatusList(ctx: Pick<IssuerContext, 'credentialFormat' | 'did' | 'now' | 'publicUrl' | 'signer' | 'store'>, listId?: string, ttlSeconds = 3600): Promise<{ listId: string; url: string; jwt: string }> {
  const state = await ctx.store.statusListState(listId)
  if (!state) throw agentIdError('ERR_NOT_FOUND', `no status list ${listId ?? ''}`.trim())
  const bits = new Uint8Array(state.list.size / 8)
  // Most significant bit first: index 0 is mask 0x80 of byte 0 (section 4.3).
  for (const index of state.setIndexes) bits[index >> 3]! |= 0x80 >> (index & 7)
  const url = `${ctx.publicUrl()}/status/${state.list.id}`
  const now = Math.floor(ctx.now() / 1000)
  // A list is signed by the issuer DID of its credentials: after a rotation, the previous key
  // keeps signing the lists of what it issued.
  const signer = state.list.issuer ?? ctx.did
  const body = {
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    id: url,
    credentialSubject: {
      id: `${url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: state.list.purpose,
      encodedList: `u${gzipSync(bits).toString('base64url')}`,
    },
  }
  // In the issuer's format now: verifiers read both, and a list outlives the format its first
  // credentials were issued in.
  const jwt = ctx.credentialFormat() === 'vc2.0'
    ? await ctx.signer.signJwt(VC_JWT_TYPE, { '@context': [CREDENTIALS_CONTEXT_V2], ...body, issuer: signer, validFrom: isoSeconds(now * 1000), validUntil: isoSeconds((now + ttlSeconds) * 1000) }, signer)
    : await ctx.signer.signVc(signer, 'status list', { '@context': [CREDENTIALS_CONTEXT_V1, CREDENTIALS_STATUS_CONTEXT_V1], ...body, issuanceDate: new Date(now * 1000).toISOString(), expirationDate: new Date((now + ttlSeconds) * 1000).toISOString() })
  if (checkStatusListJwt(jwt).url !== url) throw agentIdError('ERR_STORE', 'Veramo returned a status list for another URL')
  return { listId: state.list.id, url, jwt }
}
