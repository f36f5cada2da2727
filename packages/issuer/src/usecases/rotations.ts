import { auditKeys, type AuditKeys } from '../audit/checkpoints.js'
import type { IssuerContext } from './context.js'

/** The signed rotation statements of this issuer's keys, oldest first. */
export async function rotations(ctx: Pick<IssuerContext, 'store'>): Promise<string[]> {
  const stored = await ctx.store.getSetting('rotations')
  return stored ? (JSON.parse(stored) as string[]) : []
}

/** The keys the audit log's checkpoints are held to: `did` (the current one) and the earlier ones. */
export async function auditKeysOf(ctx: Pick<IssuerContext, 'store'>, did: string): Promise<AuditKeys> {
  return auditKeys(did, await rotations(ctx))
}
