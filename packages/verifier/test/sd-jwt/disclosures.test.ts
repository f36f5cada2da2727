import assert from 'node:assert/strict'
import { disclosureDigest, resolveDisclosures } from '@agentid/verifier'

// RFC 9901 examples, byte for byte: an object property disclosure (section 4.2.1, digest in
// 4.2.3, with the spaces its issuer put in the JSON) and an array element one (4.2.2, 4.2.4.2).
const FAMILY_NAME = 'WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0'
const FR = 'WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0'

describe('SD-JWT disclosures (RFC 9901)', () => {
  it('digests the RFC examples as the RFC does', () => {
    assert.equal(disclosureDigest(FAMILY_NAME), 'X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0')
    assert.equal(disclosureDigest(FR), 'w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs')
  })

  it('puts disclosed claims in place and drops decoys and the _sd machinery', () => {
    const payload = {
      iss: 'https://issuer.example.com',
      _sd: ['X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0', 'C9inp6YoRaEXR427zYJP7Qrk1WH_8bdwOA_YUrUnGQU'],
      nationalities: ['DE', { '...': 'w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs' }, { '...': 'JzYjH4svliH0R3PyEMfeZu6Jt69u5qehZo7F7EPYlSE' }],
      _sd_alg: 'sha-256',
    }
    const { claims, disclosedTopLevel } = resolveDisclosures(payload, [FAMILY_NAME, FR], new Set(['iss']))
    assert.deepEqual(claims, { iss: 'https://issuer.example.com', nationalities: ['DE', 'FR'], family_name: 'Möbius' })
    assert.deepEqual([...disclosedTopLevel], ['family_name'])
  })

  it('with nothing disclosed, every digest is a decoy', () => {
    const { claims } = resolveDisclosures({ _sd: ['X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0'], list: [{ '...': 'w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs' }] }, [], new Set())
    assert.deepEqual(claims, { list: [] })
  })

  const CASES: Array<[string, Record<string, unknown>, string[]]> = [
    ['an unreferenced disclosure', { _sd: [] }, [FAMILY_NAME]],
    ['a repeated disclosure', { _sd: ['X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0'] }, [FAMILY_NAME, FAMILY_NAME]],
    ['an array element disclosure under _sd', { _sd: ['w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs'] }, [FR]],
    ['an object property disclosure as an array element', { list: [{ '...': 'X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0' }] }, [FAMILY_NAME]],
    ['a disclosed name already present', { family_name: 'x', _sd: ['X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0'] }, [FAMILY_NAME]],
    ['a top-level name the caller forbids', { _sd: ['X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0'] }, [FAMILY_NAME]],
    ['an _sd that is not an array, in an object inside an array', { list: [{ _sd: 'X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0' }] }, [FAMILY_NAME]],
  ]
  for (const [name, payload, disclosures] of CASES) {
    it(`refuses ${name}`, () => {
      const forbidden = name.startsWith('a top-level') ? new Set(['family_name']) : new Set<string>()
      assert.throws(() => resolveDisclosures(payload, disclosures, forbidden), { code: 'ERR_SD_JWT_DISCLOSURE' })
    })
  }
})
