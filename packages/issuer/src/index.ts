// Public API of @agentid/issuer. Every exported name is listed here on purpose.
export { Issuer, MAX_GRANT_TTL } from './issuer.js'
export type { GrantInput, IssuedCredential, IssuerOptions, RegisterAgentInput } from './issuer.js'
export { issuerHome } from './home.js'
export type { IssuerHome } from './home.js'
export { DEFAULT_ROLES } from './default-roles.js'
export { openSqliteStore } from './store/sqlite/sqlite-store.js'
export type { SqliteStoreOptions } from './store/sqlite/sqlite-store.js'
export { auditEntryHash, canonicalJson, findChainBreak, GENESIS_HASH } from './audit/hash-chain.js'
export { generateKek, parseKek } from './keys/key-encryption.js'
export type { KeyEncryptionKey } from './keys/key-encryption.js'
export type {
  AgentRecord,
  AuditEntry,
  AuditInput,
  CredentialDraft,
  CredentialRecord,
  DelegationRecord,
  IssuerSetup,
  IssuerStore,
  KeyCustodyStores,
  PrincipalRecord,
  RoleTemplate,
  StatusAllocation,
  StatusListRecord,
} from './store/issuer-store.js'
