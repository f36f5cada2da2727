import { openPrivateKey, sealPrivateKey, type KeyEncryptionKey } from '../../keys/key-encryption.js'
import type { AuditInput, StatusListRecord } from '../issuer-store.js'
import type { Tx } from '../sql/repositories/index.js'

/**
 * Moves the issuer to a new DID: the lists so far stay the previous key's, the new key's lists
 * begin, the rotation statement joins those before it, and the new DID is the issuer's.
 */
export async function rotateIssuer(t: Tx, rotation: { previous: string; did: string; statement: string; lists: readonly StatusListRecord[] }, audit: AuditInput): Promise<void> {
  await t.statusLists.claimUnowned(rotation.previous)
  for (const l of rotation.lists) await t.statusLists.insert({ ...l, issuer: rotation.did })
  const rotations = JSON.parse(await t.settings.get('rotations') ?? '[]') as string[]
  await t.settings.put('rotations', JSON.stringify([...rotations, rotation.statement]))
  await t.settings.put('issuerDid', rotation.did)
  await t.record(audit)
}

/** Seals every private key and webhook secret under `next` (opened with `current`); how many. */
export async function resealSecrets(t: Tx, current: KeyEncryptionKey, next: KeyEncryptionKey): Promise<number> {
  let count = 0
  for (const k of await t.sealedKeys.list()) {
    await t.sealedKeys.set(k.alias, sealPrivateKey(next, k.alias, openPrivateKey(current, k.alias, k.sealed)))
    count++
  }
  for (const { webhook, secretSealed } of await t.webhooks.list()) {
    const aad = `webhook:${webhook.id}`
    await t.webhooks.setSealedSecret(webhook.id, sealPrivateKey(next, aad, openPrivateKey(current, aad, secretSealed)))
    count++
  }
  return count
}
