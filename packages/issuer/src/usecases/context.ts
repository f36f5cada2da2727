import type { IssuerHome } from '../home.js'
import type { IssuerSigner } from '../signing/issuer-signer.js'
import type { IssuerStore } from '../store/issuer-store.js'
import type { CredentialFormat, PolicyInForce } from './types.js'

/**
 * What the use cases work with, wired once by the `Issuer` facade: the store, the clock and ids,
 * the signer, the policy in force, and the settings the facade may change while it runs (read
 * through functions, so that a use case always sees the current value).
 */
export interface IssuerContext {
  readonly did: string
  readonly home: IssuerHome
  readonly store: IssuerStore
  /** Clock in milliseconds. */
  readonly now: () => number
  /** Credential ids. */
  readonly randomId: () => string
  readonly publicUrl: () => string
  readonly credentialFormat: () => CredentialFormat
  /** Mint grants that do not name a format as SD-JWT VCs. */
  readonly sdJwtByDefault: boolean
  readonly allowPrivateWebhooks: boolean
  readonly policy: () => Promise<PolicyInForce>
  readonly signer: IssuerSigner
  readonly events: IssuerEvents
  // When a disabled or expired principal's token was last recorded (bounded by the principals).
  readonly staleTokenSeen: Map<string, number>
}

/** The issuer's listeners: status changes (pushed to verifiers) and issuance times (metrics). */
export class IssuerEvents {
  readonly #statusListeners = new Set<() => void>()
  readonly #issuedListeners = new Set<(seconds: number) => void>()

  onStatusChange(listener: () => void): () => void {
    this.#statusListeners.add(listener)
    return () => this.#statusListeners.delete(listener)
  }

  onIssued(listener: (seconds: number) => void): () => void {
    this.#issuedListeners.add(listener)
    return () => this.#issuedListeners.delete(listener)
  }

  // Passes an operation's result through; when it issued a credential, tells the listeners how long it took.
  async timed<T>(operation: Promise<T>, issued: (result: T) => boolean): Promise<T> {
    const start = performance.now()
    const result = await operation
    if (this.#issuedListeners.size > 0 && issued(result)) {
      const seconds = (performance.now() - start) / 1000
      for (const listener of this.#issuedListeners) listener(seconds)
    }
    return result
  }

  // Passes the result through, telling the listeners once it is committed.
  async changesStatus<T>(change: Promise<T>): Promise<T> {
    const result = await change
    this.statusChanged()
    return result
  }

  // Tells the listeners that statuses may have changed (after an operation of several
  // transactions, even one that failed part way: the parts before committed).
  statusChanged(): void {
    for (const listener of this.#statusListeners) listener()
  }
}
