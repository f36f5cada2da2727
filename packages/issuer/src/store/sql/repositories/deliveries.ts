import type { CredentialOfferRecord, DelegationRecord, WebhookRecord } from '../../issuer-store.js'
import { toDelegation, toOffer, toWebhook, type DelegationRow, type OfferRow, type WebhookRow } from '../rows.js'
import { SqlRepository } from './repository.js'

/** Webhooks (their secrets sealed under the key-encryption key by the caller). */
export class WebhooksRepository extends SqlRepository {
  async insert(webhook: WebhookRecord, secretSealed: string): Promise<void> {
    await this.sql.run('INSERT INTO webhooks (id, url, events, secret_sealed, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [webhook.id, webhook.url, JSON.stringify(webhook.events), secretSealed, webhook.createdBy, webhook.createdAt])
  }

  /** Oldest first, each with its sealed secret. */
  async list(): Promise<Array<{ webhook: WebhookRecord; secretSealed: string }>> {
    return (await this.sql.all<WebhookRow>('SELECT * FROM webhooks ORDER BY created_at, id')).map((row) => ({ webhook: toWebhook(row), secretSealed: row.secret_sealed }))
  }

  async setSealedSecret(id: string, secretSealed: string): Promise<void> {
    await this.sql.run('UPDATE webhooks SET secret_sealed = ? WHERE id = ?', [secretSealed, id])
  }

  /** Whether there was one to delete. */
  async delete(id: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM webhooks WHERE id = ?', [id])) > 0
  }
}

/** The sealed private keys of the key custody (for a key-encryption key rotation). */
export class SealedKeysRepository extends SqlRepository {
  list(): Promise<Array<{ alias: string; sealed: string }>> {
    return this.sql.all<{ alias: string; sealed: string }>('SELECT alias, sealed FROM custody_private_keys ORDER BY alias')
  }

  async set(alias: string, sealed: string): Promise<void> {
    await this.sql.run('UPDATE custody_private_keys SET sealed = ? WHERE alias = ?', [sealed, alias])
  }
}

/** OpenID4VCI credential offers, by the hash of their pre-authorized code. */
export class OffersRepository extends SqlRepository {
  async insert(offer: CredentialOfferRecord): Promise<void> {
    await this.sql.run(`INSERT INTO credential_offers (code_sha256, subject, credentials, tx_code_sha256, failed_attempts, created_by, created_at, expires_at)
      VALUES (?, ?, ?, ?, 0, ?, ?, ?)`, [offer.codeSha256, offer.subject, JSON.stringify(offer.credentials), offer.txCodeSha256 ?? null, offer.createdBy, offer.createdAt, offer.expiresAt])
  }

  async get(codeSha256: string): Promise<CredentialOfferRecord | undefined> {
    const row = await this.sql.get<OfferRow>('SELECT * FROM credential_offers WHERE code_sha256 = ?', [codeSha256])
    return row && toOffer(row)
  }

  async countFailure(codeSha256: string): Promise<void> {
    await this.sql.run('UPDATE credential_offers SET failed_attempts = failed_attempts + 1 WHERE code_sha256 = ?', [codeSha256])
  }

  async markRedeemed(codeSha256: string, at: number): Promise<void> {
    await this.sql.run('UPDATE credential_offers SET redeemed_at = ? WHERE code_sha256 = ?', [at, codeSha256])
  }
}

/** Delegations agents made offline and reported, under the credential at their root. */
export class DelegationsRepository extends SqlRepository {
  /** The hash of the JWT reported under `root` with this id, if any. */
  async reportedJwtSha256(root: string, id: string): Promise<string | undefined> {
    return (await this.sql.get<{ jwt_sha256: string }>('SELECT jwt_sha256 FROM delegations WHERE root = ? AND id = ?', [root, id]))?.jwt_sha256
  }

  async insert(r: DelegationRecord): Promise<void> {
    await this.sql.run(`INSERT INTO delegations (id, parent, root, delegator, delegate, entitlements, depth, not_before, expires, jwt_sha256, reported_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [r.id, r.parent, r.root, r.delegator, r.delegate, JSON.stringify(r.entitlements),
      r.depth, r.notBefore, r.expires, r.jwtSha256, r.reportedAt])
  }

  /** Deepest first. */
  async under(root: string): Promise<DelegationRecord[]> {
    return (await this.sql.all<DelegationRow>('SELECT * FROM delegations WHERE root = ? ORDER BY depth DESC, id', [root])).map(toDelegation)
  }

  /** Unexpired delegations to any of `delegates` whose root credential is not revoked, oldest report first. */
  async liveTo(delegates: readonly string[], nowSeconds: number): Promise<DelegationRecord[]> {
    return (await this.sql.all<DelegationRow>(`SELECT d.* FROM delegations d JOIN credentials c ON c.id = d.root
        WHERE d.expires > ? AND c.status != 'revoked' AND d.delegate IN ${this.dialect.jsonElements('?')} ORDER BY d.reported_at, d.id`, [nowSeconds, JSON.stringify(delegates)])).map(toDelegation)
  }
}

/** Completed tasks: by whose scope (an owner's identity, or `*` for every agent) and when. */
export class TasksRepository extends SqlRepository {
  /** When the task was completed for any of `scopes`, if it was. */
  async completedAt(taskId: string, scopes: readonly string[]): Promise<number | undefined> {
    return (await this.sql.get<{ completed_at: number }>(`SELECT completed_at FROM completed_tasks WHERE task_id = ? AND owner IN ${this.dialect.jsonElements('?')} LIMIT 1`,
      [taskId, JSON.stringify(scopes)]))?.completed_at
  }

  async insertCompletion(taskId: string, scope: string, at: number, by: string): Promise<void> {
    await this.sql.run('INSERT INTO completed_tasks (task_id, owner, completed_at, completed_by) VALUES (?, ?, ?, ?)', [taskId, scope, at, by])
  }
}
