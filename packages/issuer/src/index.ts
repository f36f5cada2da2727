// Public API of @agentid/issuer. Every exported name is listed here on purpose.
export { ISSUER_ROTATION_TYPE } from '@agentid/verifier'
export { CREDENTIAL_FORMATS, Issuer, MAX_GRANT_TTL, WEBHOOK_EVENTS } from './issuer.js'
export type { AccessOutcome, CredentialFormat, GrantFormat, GrantInput, IssuedCredential, IssuerOptions, PolicyInForce, RegisterAgentInput, RoleInput } from './issuer.js'
export { assessEntitlements, DEFAULT_POLICY, parsePolicy, policyToJson } from './governance/policy.js'
export type { Assessment, Policy, PolicyRule } from './governance/policy.js'
export { BUILT_IN_ROLES, operator } from './governance/principal.js'
export type { Principal } from './governance/principal.js'
export { issueSdJwtVc } from './credentials/sd-jwt-vc.js'
export type { SdJwtVcInput } from './credentials/sd-jwt-vc.js'
export { issuerHome } from './home.js'
export type { IssuerAgent } from './veramo/issuer-agent.js'
export type { IssuerHome } from './home.js'
export { DEFAULT_ROLES } from './default-roles.js'
export { openSqliteStore } from './store/sqlite/sqlite-store.js'
export type { SqliteStoreOptions } from './store/sqlite/sqlite-store.js'
export { openPostgresStore } from './store/postgres/postgres-store.js'
export type { PostgresStoreOptions } from './store/postgres/postgres-store.js'
export { localBus } from './cluster/cluster-bus.js'
export type { ClusterBus, ClusterTopic } from './cluster/cluster-bus.js'
export { openPostgresBus } from './cluster/postgres-bus.js'
export type { PostgresBusOptions } from './cluster/postgres-bus.js'
export { auditEntryHash, canonicalJson, findChainBreak, GENESIS_HASH } from './audit/hash-chain.js'
export { reviewDigest } from './governance/review-digest.js'
export type { ReviewStarted } from './usecases/reviews.js'
export { AUDIT_CHECKPOINT_TYPE, auditKeys, checkCheckpointJwt, verifyAuditLog, verifyAuditSinceCheckpoint, type AuditKeys } from './audit/checkpoints.js'
export type { AuditTailVerification, AuditVerification, CheckpointClaim } from './audit/checkpoints.js'
export { generateKek, parseKek } from './keys/key-encryption.js'
export type { KeyEncryptionKey } from './keys/key-encryption.js'
export type {
  AccessRequestRecord,
  AgentPosition,
  AgentRecord,
  AlertOrder,
  AlertPageFilter,
  AlertRecord,
  ApprovalRecord,
  AuditCheckpointRecord,
  AuditEntry,
  AuditInput,
  CredentialDraft,
  CredentialRecord,
  DelegationRecord,
  IssuerSetup,
  IssuerStore,
  KeyCustodyStores,
  PolicyVersion,
  PrincipalRecord,
  RetirementStep,
  ReviewCampaignRecord,
  ReviewItemRecord,
  ReviewOpened,
  ReviewProgress,
  ReviewSelection,
  RoleTemplate,
  StatusAllocation,
  StatusListRecord,
  WebhookRecord,
} from './store/issuer-store.js'
export { createService, METRICS_ROLES, startService, SERVICE_VERSION } from './http/service.js'
export type { MetricsAccess, RunningService, ServiceOptions } from './http/service.js'
export { accessLogLine, openAccessLogFile } from './http/access-log.js'
export type { AccessLogEntry, AccessLogSink } from './http/access-log.js'
export type { Readiness, ReadinessCheck } from './http/readiness.js'
export { listeningUrl, parsePublicUrl, publicUrlMismatch } from './public-url.js'
export type { ListeningAddress } from './public-url.js'
export { ROUTES } from './http/routes.js'
export type { Access, Route } from './http/routes.js'
export { openApiPath } from './http/openapi.js'
export { agentView, alertView, auditView, campaignView, credentialView, delegationView, policyView, principalView, requestView, retirementView, reviewItemView, roleView, webhookView } from './views.js'
export { ANOMALY_KINDS, AnomalyDetector, BASELINE_CAPS, SEVERITY_LEVELS } from './monitoring/anomaly-detector.js'
export type { AgentContext, Anomaly, AnomalyKind, DetectorControls, DetectorOptions, Finding, ObserveContext, VerificationEvent } from './monitoring/anomaly-detector.js'
export { Corroboration } from './monitoring/corroboration.js'
export type { ContainmentLevel, CorroborationOptions, Verdict } from './monitoring/corroboration.js'
export type { EventMonitorOptions, IngestResult } from './monitoring/event-monitor.js'
export { backupIssuer, checkBackup, restoreIssuer } from './operations.js'
export { migrateToPostgres } from './migrate-to-postgres.js'
export type { MigrationProgress, MigrationReport } from './migrate-to-postgres.js'
export type { BackupCheck, BackupProgress } from './operations.js'
export { runDoctor } from './doctor.js'
export type { DoctorFinding } from './doctor.js'
