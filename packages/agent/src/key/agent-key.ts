import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { chmod, readFile, stat, writeFile } from 'node:fs/promises'
import { agentIdError, decodeBase64url, didKeyFromPublicKey, encodeBase64url, parseStrictJson } from '@agentid/core'

/** An agent's own Ed25519 key and the did:key it defines. */
export interface AgentKey {
  readonly did: string
  /** `did#fragment`, the JWS `kid`. */
  readonly keyId: string
  readonly publicKey: Uint8Array
  readonly privateKey: KeyObject
}

/** The key file: an OKP JWK (RFC 8037) with the DID beside it. */
export interface AgentKeyFile {
  readonly kty: 'OKP'
  readonly crv: 'Ed25519'
  readonly x: string
  readonly d: string
  readonly kid: string
}

function fromPrivateKey(privateKey: KeyObject): AgentKey {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' })
  const publicKey = decodeBase64url(jwk.x as string)
  const { did, keyId } = didKeyFromPublicKey(publicKey)
  return { did, keyId, publicKey, privateKey }
}

/** Generates a new agent key. The private key never leaves this process unless saved. */
export function generateAgentKey(): AgentKey {
  return fromPrivateKey(generateKeyPairSync('ed25519').privateKey)
}

/**
 * An agent key from a 32-byte Ed25519 seed (RFC 8032 private key), for tests and fixed vectors.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function agentKeyFromSeed(seed: Uint8Array): AgentKey {
  if (seed.length !== 32) throw agentIdError('ERR_INPUT_INVALID', 'Ed25519 seed must be 32 bytes')
  const publicJwk = createPublicKey(
    createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: encodeBase64url(seed), x: '' }, format: 'jwk' }),
  ).export({ format: 'jwk' })
  return fromPrivateKey(createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: encodeBase64url(seed), x: publicJwk.x as string }, format: 'jwk' }))
}

/** The JWK key file content of an agent key. */
export function agentKeyToFile(key: AgentKey): AgentKeyFile {
  const jwk = key.privateKey.export({ format: 'jwk' })
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x as string, d: jwk.d as string, kid: key.keyId }
}

/**
 * Parses a key file's content; the public key must match the private key and the `kid`.
 * @throws AgentIdError ERR_INPUT_INVALID, ERR_KEY_WEAK
 */
export function parseAgentKeyFile(text: string): AgentKey {
  const jwk = parseStrictJson(text, { maxLength: 4096, maxDepth: 2 }, 'ERR_INPUT_INVALID', 'key file') as Record<string, unknown>
  if (typeof jwk !== 'object' || jwk === null || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') {
    throw agentIdError('ERR_INPUT_INVALID', 'key file must be an Ed25519 OKP JWK with "d" and "x"')
  }
  const key = agentKeyFromSeed(decodeBase64url(jwk.d, 'ERR_INPUT_INVALID', 'key file "d"'))
  if (encodeBase64url(key.publicKey) !== jwk.x) throw agentIdError('ERR_INPUT_INVALID', 'key file "x" does not match its private key')
  if (jwk.kid !== undefined && jwk.kid !== key.keyId) throw agentIdError('ERR_INPUT_INVALID', 'key file "kid" does not match its key')
  return key
}

/**
 * Writes a key file readable by its owner only (0600). Refuses to overwrite.
 * @throws AgentIdError ERR_CONFLICT when the file exists
 */
export async function saveAgentKey(path: string, key: AgentKey): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(agentKeyToFile(key), null, 2)}\n`, { mode: 0o600, flag: 'wx' })
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') throw agentIdError('ERR_CONFLICT', `${path} already exists; refusing to overwrite a key`, { cause })
    throw agentIdError('ERR_INPUT_INVALID', `cannot write key file ${path}: ${(cause as Error).message}`, { cause })
  }
  await chmod(path, 0o600)
}

/**
 * Reads a key file. Refuses one that others can read: a leaked agent key is a stolen identity.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export async function loadAgentKey(path: string): Promise<AgentKey> {
  let text: string
  try {
    const info = await stat(path)
    if ((info.mode & 0o077) !== 0) throw agentIdError('ERR_INPUT_INVALID', `${path} is readable by others (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`)
    text = await readFile(path, 'utf8')
  } catch (cause) {
    if ((cause as { code?: unknown }).code === 'ERR_INPUT_INVALID') throw cause
    throw agentIdError('ERR_INPUT_INVALID', `cannot read key file ${path}: ${(cause as Error).message}`, { cause })
  }
  return parseAgentKeyFile(text)
}

/** Signs a JWT with the agent key: header `{alg: EdDSA, typ: JWT, kid}`. */
export function signJwt(key: AgentKey, payload: Record<string, unknown>): string {
  return signCompact(key, encodeBase64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: key.keyId })), payload)
}

/** Signs a JWT with the agent's key and this `typ` (`vc+jwt`, `vp+jwt`: VC 2.0 secured by VC-JOSE-COSE). */
export function signTyped(key: AgentKey, typ: string, payload: Record<string, unknown>): string {
  return signCompact(key, encodeBase64url(JSON.stringify({ alg: 'EdDSA', typ, kid: key.keyId })), payload)
}

/** A compact JWS of `payload` under an already encoded header, signed with `key`. */
export function signCompact(key: AgentKey, encodedHeader: string, payload: Record<string, unknown>): string {
  const body = encodeBase64url(JSON.stringify(payload))
  const signature = sign(null, Buffer.from(`${encodedHeader}.${body}`), key.privateKey)
  return `${encodedHeader}.${body}.${encodeBase64url(signature)}`
}
