import { decodeBase58btc, encodeBase58btc } from '../encoding/base58btc.js'
import { agentIdError } from '../errors/agentid-error.js'
import { assertStrongEd25519PublicKey } from './ed25519-key.js'

/** A parsed Ed25519 did:key. */
export interface DidKey {
  /** The DID, `did:key:z6Mk…`. */
  readonly did: string
  /** Its only verification method: `did#<multibase value>`. */
  readonly keyId: string
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array
}

const PREFIX = 'did:key:'
// Multicodec ed25519-pub = 0xed, written as the unsigned varint 0xed 0x01.
const ED25519_PUB_CODEC = 0xed
const ED25519_PUB = [0xed, 0x01] as const
// Far above any did:key (an Ed25519 one is 56 characters, RSA-4096 about 730): a cap so that
// decoding hostile input stays cheap, not a validity rule.
const MAX_DID_LENGTH = 2048

// Multicodec names of key types that are real but not usable for EdDSA signatures here; the
// spec says unsupportedPublicKeyType for them, which is ERR_DID_UNSUPPORTED, not "invalid".
const KNOWN_UNSUPPORTED: ReadonlyMap<number, string> = new Map([
  [0xec, 'x25519-pub (key agreement only)'],
  [0xe7, 'secp256k1-pub'],
  [0xea, 'bls12_381-g1-pub'],
  [0xeb, 'bls12_381-g2-pub'],
  [0xee, 'bls12_381-g1g2-pub'],
  [0x1200, 'p256-pub'],
  [0x1201, 'p384-pub'],
  [0x1202, 'p521-pub'],
  [0x1205, 'rsa-pub'],
  [0x1300, 'ed25519-priv (a private key)'],
])

function readVarint(bytes: Uint8Array): { value: number; length: number } {
  let value = 0
  for (let i = 0; i < 4 && i < bytes.length; i++) {
    const byte = bytes[i]!
    value |= (byte & 0x7f) << (7 * i)
    if ((byte & 0x80) === 0) {
      // A final zero byte after the first means the varint was not minimally encoded.
      if (i > 0 && byte === 0) throw agentIdError('ERR_DID_INVALID', 'did:key multicodec varint is not minimal')
      return { value, length: i + 1 }
    }
  }
  throw agentIdError('ERR_DID_INVALID', 'did:key multicodec varint is malformed')
}

/**
 * Parses an Ed25519 did:key (did:key spec, "Document Creation Algorithm"): `z` base58btc
 * multibase, multicodec 0xed01, exactly 32 key bytes, strict key checks. Fragments, paths and
 * queries are not part of a DID: use {@link parseDidKeyUrl} for a `kid`.
 * @throws AgentIdError ERR_DID_INVALID, ERR_DID_UNSUPPORTED, ERR_KEY_WEAK
 */
export function parseDidKey(did: unknown): DidKey {
  if (typeof did !== 'string' || did.length > MAX_DID_LENGTH) throw agentIdError('ERR_DID_INVALID', `DID must be a string of at most ${MAX_DID_LENGTH} characters`)
  if (!did.startsWith('did:')) throw agentIdError('ERR_DID_INVALID', 'DID must start with "did:"')
  if (!did.startsWith(PREFIX)) throw agentIdError('ERR_DID_UNSUPPORTED', `only did:key is supported, not ${did.split(':', 2).join(':')}`)
  const multibase = did.slice(PREFIX.length)
  if (!multibase.startsWith('z')) throw agentIdError('ERR_DID_INVALID', 'did:key must be base58btc multibase (prefix "z")')
  const bytes = decodeBase58btc(multibase.slice(1))
  const { value: codec, length } = readVarint(bytes)
  if (codec !== ED25519_PUB_CODEC) {
    const known = KNOWN_UNSUPPORTED.get(codec)
    if (known) throw agentIdError('ERR_DID_UNSUPPORTED', `did:key key type ${known} is not supported; use Ed25519`)
    throw agentIdError('ERR_DID_INVALID', `did:key has unknown multicodec 0x${codec.toString(16)}`)
  }
  const publicKey = bytes.subarray(length)
  if (publicKey.length !== 32) throw agentIdError('ERR_DID_INVALID', `Ed25519 did:key must hold 32 key bytes, not ${publicKey.length}`)
  assertStrongEd25519PublicKey(publicKey)
  return { did, keyId: `${did}#${multibase}`, publicKey }
}

/**
 * Parses a did:key URL used as a JWS `kid`: the DID, then `#` and the DID's own multibase value,
 * which is the only verification method a did:key has. Paths and queries are refused.
 * @throws AgentIdError ERR_DID_INVALID, ERR_DID_UNSUPPORTED, ERR_KEY_WEAK
 */
export function parseDidKeyUrl(url: unknown): DidKey {
  if (typeof url !== 'string') throw agentIdError('ERR_DID_INVALID', 'DID URL must be a string')
  const hash = url.indexOf('#')
  const did = hash < 0 ? url : url.slice(0, hash)
  if (/[/?]/.test(did.slice(4))) throw agentIdError('ERR_DID_INVALID', 'DID URL must not have a path or query')
  const key = parseDidKey(did)
  if (hash >= 0 && url !== key.keyId) throw agentIdError('ERR_DID_INVALID', 'DID URL fragment is not the key of this did:key')
  return key
}

/**
 * The did:key of an Ed25519 public key.
 * @throws AgentIdError ERR_KEY_WEAK
 */
export function didKeyFromPublicKey(publicKey: Uint8Array): DidKey {
  if (publicKey.length !== 32) throw agentIdError('ERR_INPUT_INVALID', 'Ed25519 public key must be 32 bytes')
  assertStrongEd25519PublicKey(publicKey)
  const prefixed = new Uint8Array(34)
  prefixed.set(ED25519_PUB, 0)
  prefixed.set(publicKey, 2)
  const multibase = `z${encodeBase58btc(prefixed)}`
  const did = `${PREFIX}${multibase}`
  return { did, keyId: `${did}#${multibase}`, publicKey: Uint8Array.from(publicKey) }
}
