// Digital Bazaar's Bitstring Status List library ships no types: what the interop test uses.
declare module '@digitalbazaar/vc-bitstring-status-list' {
  export function statusTypeMatches(options: { credential: unknown }): boolean
  export function checkStatus(options: Record<string, unknown>): Promise<{ verified: boolean; error?: Error; results: Array<{ credentialStatus: { statusPurpose: string }; status: boolean }> }>
  export function createList(options: { length: number }): Promise<{ setStatus(index: number, status: boolean): void; encode(): Promise<string> }>
  export function createCredential(options: { id: string; list: unknown; statusPurpose: string; context?: string[] }): Promise<Record<string, unknown>>
}
