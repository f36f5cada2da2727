import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { agentIdError, decodeBase64url } from '@agentid/core'

/** The operator's key-encryption key: 32 bytes that protect the issuer's private keys at rest. */
export type KeyEncryptionKey = Buffer & { readonly __kek: true }

/**
 * Parses a key-encryption key written as base64url (as `AGENTID_KEK` or the `kek` file holds it).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseKek(text: string, source: string): KeyEncryptionKey {
  const bytes = decodeBase64url(text.trim(), 'ERR_INPUT_INVALID', source)
  if (bytes.length !== 32) throw agentIdError('ERR_INPUT_INVALID', `${source} must be 32 bytes in base64url`)
  return bytes as KeyEncryptionKey
}

/** A fresh random key-encryption key. */
export function generateKek(): KeyEncryptionKey {
  return randomBytes(32) as KeyEncryptionKey
}

const VERSION = 'a256gcm1'

/**
 * Encrypts a private key with AES-256-GCM. The alias is bound as associated data, so a
 * ciphertext moved to another key's row does not decrypt.
 */
export function sealPrivateKey(kek: KeyEncryptionKey, alias: string, plaintext: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', kek, iv)
  cipher.setAAD(Buffer.from(`agentid-private-key:${alias}`))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.')
}

/**
 * Decrypts what {@link sealPrivateKey} made.
 * @throws AgentIdError ERR_KEK_MISMATCH when the key is wrong or the ciphertext was altered, ERR_STORE for a format it does not know
 */
export function openPrivateKey(kek: KeyEncryptionKey, alias: string, sealed: string): string {
  const [version, ivText, body, tagText] = sealed.split('.')
  const iv = Buffer.from(ivText ?? '', 'base64url')
  const tag = Buffer.from(tagText ?? '', 'base64url')
  // GCM would accept a tag truncated to 4 bytes: require the full 16, and the 12-byte IV we write.
  if (version !== VERSION || body === undefined || iv.length !== 12 || tag.length !== 16) throw agentIdError('ERR_STORE', `private key ${alias} has an unknown encryption format`)
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, iv, { authTagLength: 16 })
    decipher.setAAD(Buffer.from(`agentid-private-key:${alias}`))
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
  } catch (cause) {
    throw agentIdError('ERR_KEK_MISMATCH', `private key ${alias} does not decrypt: wrong key-encryption key, or the database was altered`, { cause })
  }
}
