import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { AGENTID_CONTEXT_V1, CREDENTIALS_CONTEXT_V1, CREDENTIALS_CONTEXT_V2, CREDENTIALS_STATUS_CONTEXT_V1 } from '@agentid/core'

// The JSON-LD contexts agentid names ship as files (issue 16): the W3C ones byte for byte as
// published (the VC 2.0 and Bitstring Status List Recommendations give their SHA-256).
const FILES: Record<string, { file: string; sha256?: string }> = {
  [CREDENTIALS_CONTEXT_V1]: { file: 'credentials-v1.jsonld', sha256: 'ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc' },
  [CREDENTIALS_CONTEXT_V2]: { file: 'credentials-v2.jsonld', sha256: '59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734' },
  [CREDENTIALS_STATUS_CONTEXT_V1]: { file: 'credentials-status-v1.jsonld', sha256: 'fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7' },
  [AGENTID_CONTEXT_V1]: { file: 'agentid-v1.jsonld' },
}

describe('JSON-LD contexts ship as files', () => {
  for (const [url, { file, sha256 }] of Object.entries(FILES)) {
    it(`${url} is contexts/${file}${sha256 ? ', as published' : ''}`, () => {
      const bytes = readFileSync(new URL(`../contexts/${file}`, import.meta.url))
      const document = JSON.parse(bytes.toString('utf8')) as { '@context'?: unknown }
      assert.equal(typeof document['@context'], 'object')
      if (sha256) assert.equal(createHash('sha256').update(bytes).digest('hex'), sha256)
    })
  }
})
