import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { auditEntryHash, canonicalJson } from '../src/audit/hash-chain.js'
import type { AuditInput } from '../src/store/issuer-store.js'

// Every stored log was hashed with these bytes: the audit hash must never change. The reference
// is the definition (keys sorted at every level, undefined members left out, as JSON.stringify
// and Array.prototype.join write the rest); the code hashes faster than it, never differently.
function referenceCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(',')}]`
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${referenceCanonicalJson(record[k])}`).join(',')}}`
}

function referenceHash(prevHash: string, seq: number, at: number, input: AuditInput): string {
  const body = referenceCanonicalJson({ seq, at, actor: input.actor, action: input.action, target: input.target, details: input.details })
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex')
}

describe('the audit hash', () => {
  it('is the hash every stored log was written with (fixed vectors)', () => {
    const details = { z: [1, 'é', null, { b: 2, a: 1 }], a: 'x\u2028y', n: -0.5 }
    assert.equal(auditEntryHash('0'.repeat(64), 7, 1796000000123, { actor: 'admin', action: 'credential.issue', target: 'urn:uuid:1', details }), 'ef8e0df41730a23fb646eddee4d546074c9dbb46fdb206f09f9e8b8b6cbab372')
    assert.equal(auditEntryHash('ab', 1, 2, { actor: 'a', action: 'b', details: {} }), 'a77f577b81944d930cc1af84402b3ac78bb7cfb31d363fa8c7e73461e1f1db24')
  })

  it('writes what the definition writes, for any value (undefined members and elements, sparse arrays, odd keys)', () => {
    const leaf = fc.oneof(fc.constant(undefined), fc.constant(null), fc.boolean(), fc.double(), fc.integer(), fc.string(), fc.fullUnicodeString({ maxLength: 6 }))
    const value = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
      array: fc.oneof(fc.array(tie('tree'), { maxLength: 5 }), fc.sparseArray(tie('tree'), { maxLength: 5 })),
      object: fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('a', 'A', '10', '2', 'é', '__proto__x', '')), tie('tree'), { maxKeys: 5 }),
    })).tree
    fc.assert(fc.property(value, (v) => {
      assert.equal(canonicalJson(v), referenceCanonicalJson(v))
    }), { numRuns: 2000, seed: 20261205 })
    const input = fc.record({ actor: fc.string(), action: fc.string(), target: fc.option(fc.string(), { nil: undefined }), details: fc.dictionary(fc.string({ maxLength: 4 }), value, { maxKeys: 4 }) }, { requiredKeys: ['actor', 'action', 'details'] })
    fc.assert(fc.property(fc.hexaString({ minLength: 64, maxLength: 64 }), fc.nat(), fc.nat(), input, (prev, seq, at, entry) => {
      assert.equal(auditEntryHash(prev, seq, at, entry as AuditInput), referenceHash(prev, seq, at, entry as AuditInput))
    }), { numRuns: 1000, seed: 20261205 })
  })
})
