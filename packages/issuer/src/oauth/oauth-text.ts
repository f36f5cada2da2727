/**
 * Text fit for `error_description` (RFC 6749, 5.2: printable ASCII without `"` and `\\`): quotes
 * become `'`, backslashes `/`, anything else outside the set `?`.
 */
export function oauthText(text: string): string {
  return text.replace(/"/g, "'").replace(/\\/g, '/').replace(/[^\x20-\x7e]/g, '?')
}
