import { hash } from 'node:crypto'
import { isUtf8 } from 'node:buffer'
import { agentIdError, decodeBase64url, parseStrictJson } from '@agentid/core'

/** Caps on the disclosures of one SD-JWT, applied before any is decoded. */
export interface DisclosureLimits {
  /** Most disclosures in one presentation. */
  readonly maxCount: number
  /** Longest disclosure, in base64url characters. */
  readonly maxLength: number
  /** Deepest nesting of the resolved payload (objects and arrays). */
  readonly maxDepth: number
}

export const DISCLOSURE_LIMITS: DisclosureLimits = { maxCount: 64, maxLength: 4096, maxDepth: 12 }

/** One decoded disclosure (RFC 9901, section 4.2). */
interface Disclosure {
  /** Set for an object property disclosure; absent for an array element disclosure. */
  readonly name?: string
  readonly value: unknown
  used: boolean
}

// A SHA-256 digest in base64url: exactly 43 characters. Anything else in `_sd` or `...` cannot be
// a digest this verifier computes, so it is malformed rather than a decoy.
const DIGEST = /^[A-Za-z0-9_-]{43}$/
// RFC 9901, section 4.2.1: a disclosed claim name MUST NOT be `_sd` or `...`; `_sd_alg` only ever
// sits at the top of the payload; `__proto__` would replace the prototype of the object it lands in.
const RESERVED_NAMES = new Set(['_sd', '...', '_sd_alg', '__proto__'])

/** The base64url SHA-256 digest of a disclosure as it appears in the SD-JWT (RFC 9901, section 4.2.3). */
export function disclosureDigest(disclosure: string): string {
  // One-shot hash (Node >= 20.12): about twice as fast as createHash for these short inputs. The
  // text is hashed as UTF-8; a disclosure that is not ASCII is refused right after as not base64url.
  return hash('sha256', disclosure, 'base64url')
}

function fail(message: string): never {
  throw agentIdError('ERR_SD_JWT_DISCLOSURE', message)
}

function decodeDisclosure(text: string, i: number, limits: DisclosureLimits): Disclosure {
  if (text.length === 0) fail(`disclosure ${i} is empty`)
  if (text.length > limits.maxLength) fail(`disclosure ${i} is longer than ${limits.maxLength} characters`)
  const bytes = decodeBase64url(text, 'ERR_SD_JWT_DISCLOSURE', `disclosure ${i}`)
  if (!isUtf8(bytes)) fail(`disclosure ${i} is not valid UTF-8`)
  const array = parseStrictJson(bytes.toString('utf8'), { maxLength: limits.maxLength, maxDepth: limits.maxDepth }, 'ERR_SD_JWT_DISCLOSURE', `disclosure ${i}`)
  if (!Array.isArray(array) || (array.length !== 2 && array.length !== 3)) fail(`disclosure ${i} must be a JSON array of 2 or 3 elements`)
  const salt = array[0]
  if (typeof salt !== 'string' || salt.length === 0 || salt.length > 256) fail(`disclosure ${i} salt must be a non-empty string`)
  if (array.length === 2) return { value: array[1], used: false }
  const name = array[1]
  if (typeof name !== 'string') fail(`disclosure ${i} claim name must be a string`)
  if (RESERVED_NAMES.has(name)) fail(`disclosure ${i} names the reserved claim ${JSON.stringify(name)}`)
  return { name, value: array[2], used: false }
}

/** The payload with every disclosed claim in place, and the top-level names that were disclosed. */
export interface ResolvedPayload {
  readonly claims: Record<string, unknown>
  readonly disclosedTopLevel: ReadonlySet<string>
}

/**
 * Decodes the disclosures of an SD-JWT and replaces their digests in the (signature-checked)
 * payload, as RFC 9901, section 7.1 steps 2 to 5 say, refusing everything it calls for refusing:
 * a disclosure repeated, one no digest references, a digest met twice anywhere (payload or
 * disclosed values), an object disclosure where an array element is digested or the reverse, a
 * disclosed name that already exists beside its `_sd`, or is `_sd`, `...`, `_sd_alg`, `__proto__`,
 * or one of `forbiddenTopLevel` (claims the SD-JWT VC draft says are never selectively disclosed).
 * `_sd` must be an array of digests in an object; `...` the only member of an array element.
 * Digests that match no disclosure are decoys, and are dropped.
 * @throws AgentIdError ERR_SD_JWT_DISCLOSURE
 */
export function resolveDisclosures(
  payload: Record<string, unknown>,
  disclosures: readonly string[],
  forbiddenTopLevel: ReadonlySet<string>,
  limits: DisclosureLimits = DISCLOSURE_LIMITS,
): ResolvedPayload {
  if (disclosures.length > limits.maxCount) fail(`an SD-JWT carries at most ${limits.maxCount} disclosures`)
  const byDigest = new Map<string, Disclosure>()
  disclosures.forEach((text, i) => {
    const digest = disclosureDigest(text)
    if (byDigest.has(digest)) fail(`disclosure ${i} is repeated`)
    byDigest.set(digest, decodeDisclosure(text, i, limits))
  })
  const seen = new Set<string>()
  const disclosedTopLevel = new Set<string>()

  function take(digest: unknown, where: string): Disclosure | undefined {
    if (typeof digest !== 'string' || !DIGEST.test(digest)) fail(`${where} must hold SHA-256 digests (43 base64url characters)`)
    if (seen.has(digest)) fail(`digest ${digest} appears more than once`)
    seen.add(digest)
    const disclosure = byDigest.get(digest)
    if (disclosure !== undefined) disclosure.used = true
    return disclosure
  }

  function resolve(value: unknown, depth: number, path: string): unknown {
    if (typeof value !== 'object' || value === null) return value
    if (depth > limits.maxDepth) fail(`${path} is nested deeper than ${limits.maxDepth}`)
    if (Array.isArray(value)) {
      const out: unknown[] = []
      value.forEach((element, i) => {
        if (typeof element === 'object' && element !== null && !Array.isArray(element) && Object.hasOwn(element, '...')) {
          if (Object.keys(element).length !== 1) fail(`${path}[${i}]: "..." must be the only member of an array element digest`)
          const disclosure = take((element as Record<string, unknown>)['...'], `${path}[${i}]["..."]`)
          if (disclosure === undefined) return
          if (disclosure.name !== undefined) fail(`${path}[${i}]: an object property disclosure where an array element is digested`)
          out.push(resolve(disclosure.value, depth + 1, `${path}[${i}]`))
          return
        }
        out.push(resolve(element, depth + 1, `${path}[${i}]`))
      })
      return out
    }
    const record = value as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(record)) {
      if (key === '_sd') continue
      if (key === '...') fail(`${path}: "..." is only allowed as an array element digest`)
      if (key === '_sd_alg' && depth !== 0) fail(`${path}: "_sd_alg" is only allowed at the top of the payload`)
      if (key === '_sd_alg') continue
      out[key] = resolve(record[key], depth + 1, `${path}.${key}`)
    }
    if (Object.hasOwn(record, '_sd')) {
      const digests = record._sd
      if (!Array.isArray(digests)) fail(`${path}._sd must be an array of digests`)
      for (const digest of digests) {
        const disclosure = take(digest, `${path}._sd`)
        if (disclosure === undefined) continue
        if (disclosure.name === undefined) fail(`${path}._sd: an array element disclosure where an object property is digested`)
        if (Object.hasOwn(out, disclosure.name)) fail(`${path}: disclosed claim "${disclosure.name}" already exists`)
        if (depth === 0) {
          if (forbiddenTopLevel.has(disclosure.name)) fail(`claim "${disclosure.name}" must not be selectively disclosed`)
          disclosedTopLevel.add(disclosure.name)
        }
        out[disclosure.name] = resolve(disclosure.value, depth + 1, `${path}.${disclosure.name}`)
      }
    }
    return out
  }

  const claims = resolve(payload, 0, '$') as Record<string, unknown>
  for (const disclosure of byDigest.values()) {
    if (!disclosure.used) fail('a disclosure is not referenced by any digest of the SD-JWT')
  }
  return { claims, disclosedTopLevel }
}
