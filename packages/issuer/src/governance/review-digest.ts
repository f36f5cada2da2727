import { createHash } from 'node:crypto'

/**
 * What a review campaign's audit entry names its items by (a campaign may hold millions): SHA-256
 * (hex) over the credential ids in sorted order (UTF-16 code units, as `Array.prototype.sort`),
 * each followed by a line feed. Recompute it from the campaign's items to check them against
 * the entry.
 */
export function reviewDigest(credentialIds: Iterable<string>): string {
  const hash = createHash('sha256')
  for (const id of [...credentialIds].sort()) hash.update(`${id}\n`)
  return hash.digest('hex')
}
