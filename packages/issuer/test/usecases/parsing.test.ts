import assert from 'node:assert/strict'
import { encodeBase64url } from '@agentid/core'
import { rawEntitlements } from '../../src/usecases/delegations.js'
import { parseGrantFormat } from '../../src/usecases/issuance.js'
import { parseRoleTemplateName } from '../../src/usecases/policy.js'
import { tokenTtl } from '../../src/usecases/principals.js'
import { parseWebhookUrl } from '../../src/usecases/webhooks.js'

// The boundary parsers the use cases own: each refusal by its code.
describe('use-case input parsers', () => {
  const REFUSED: Array<[string, () => unknown]> = [
    ['a webhook URL that is not a URL', () => parseWebhookUrl('not a url')],
    ['a webhook URL that is not http(s)', () => parseWebhookUrl('ftp://example.com/hook')],
    ['a webhook URL with credentials', () => parseWebhookUrl('https://user:pw@example.com/hook')],
    ['a webhook URL over 2048 characters', () => parseWebhookUrl(`https://example.com/${'a'.repeat(2048)}`)],
    ['a token ttl under a minute', () => tokenTtl(59)],
    ['a token ttl over 366 days', () => tokenTtl(366 * 86400 + 1)],
    ['a role template name with capitals', () => parseRoleTemplateName('Sales')],
    ['a role template name starting with a digit', () => parseRoleTemplateName('1sales')],
    ['a grant format that is not vc or sd-jwt', () => parseGrantFormat('jwt')],
  ]
  for (const [name, parse] of REFUSED) it(`refuses ${name}`, () => assert.throws(parse, { code: 'ERR_INPUT_INVALID' }))

  it('accepts what is well formed', () => {
    assert.equal(parseWebhookUrl('https://example.com/hook'), 'https://example.com/hook')
    assert.equal(tokenTtl(60), 60)
    assert.equal(parseRoleTemplateName('sales-readonly'), 'sales-readonly')
    assert.equal(parseGrantFormat('sd-jwt'), 'sd-jwt')
  })

  it('keeps a delegation\'s entitlements verbatim, from VC 1.1 and VC 2.0 payloads', () => {
    const entitlements = [{ resource: 'crm:x', actions: ['read'], constraints: { unknownToThisVersion: 1 } }]
    const jwt = (payload: object) => `${encodeBase64url('{}')}.${encodeBase64url(JSON.stringify(payload))}.sig`
    assert.deepEqual(rawEntitlements(jwt({ vc: { credentialSubject: { entitlements } } })), entitlements)
    assert.deepEqual(rawEntitlements(jwt({ credentialSubject: { entitlements } })), entitlements)
  })
})
