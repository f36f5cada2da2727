import { agentIdError, parseIpAddress } from '@agentid/core'

/** How many hellos an agent's HTTP binding answers (each costs it a signature). */
export interface HelloLimits {
  /** Hellos per client address per clock minute (an IPv6 client by its /64; default 60). */
  readonly perAddress?: number
  /** Hellos from all addresses together per clock minute (default 3000). */
  readonly total?: number
  /** Client addresses remembered at once (default 10,000). */
  readonly maxAddresses?: number
}

/** Why a hello is refused: its address's minute is used up, everyone's is, or too many addresses are counted this minute. */
export type HelloRefusal = 'address' | 'total' | 'addresses'

/**
 * Counts hellos per client address and in all, per clock minute, in bounded memory that churn
 * cannot wipe. An address is forgotten only once its minute is over (when it is no different
 * from an address never seen): sending hellos from many other addresses cannot reset a limited
 * one, and nothing is ever cleared wholesale. When every remembered address is counting this
 * minute, a new address is refused rather than one of them forgotten. Addresses are only counted
 * for hellos that the total allowed, so with `maxAddresses` >= `total` (the defaults) that never
 * happens.
 */
export class HelloLimiter {
  readonly #perAddress: number
  readonly #total: number
  readonly #maxAddresses: number
  // Oldest minute first: an entry is moved to the end when its address starts a new minute.
  readonly #addresses = new Map<string, { minute: number; count: number }>()
  #all = { minute: -1, count: 0 }

  /** @throws AgentIdError ERR_USAGE for limits that are not positive whole numbers */
  constructor(limits: HelloLimits = {}) {
    this.#perAddress = limits.perAddress ?? 60
    this.#total = limits.total ?? 3000
    this.#maxAddresses = limits.maxAddresses ?? 10_000
    for (const n of [this.#perAddress, this.#total, this.#maxAddresses]) if (!Number.isSafeInteger(n) || n < 1) throw agentIdError('ERR_USAGE', 'hello limits must be positive whole numbers')
  }

  /** Counts a hello from `address` at `nowMs`, or says why it is refused (then nothing is counted). */
  take(address: string, nowMs: number): HelloRefusal | undefined {
    const minute = Math.floor(nowMs / 60_000)
    const key = addressKey(address)
    const seen = this.#addresses.get(key)
    const current = seen !== undefined && seen.minute === minute
    if (current && seen.count >= this.#perAddress) return 'address'
    if (this.#all.minute === minute && this.#all.count >= this.#total) return 'total'
    if (!current) {
      if (seen !== undefined) this.#addresses.delete(key)
      else if (this.#addresses.size >= this.#maxAddresses) {
        const [oldestKey, oldest] = this.#addresses.entries().next().value as [string, { minute: number }]
        if (oldest.minute === minute) return 'addresses'
        this.#addresses.delete(oldestKey)
      }
      this.#addresses.set(key, { minute, count: 0 })
    }
    this.#addresses.get(key)!.count++
    if (this.#all.minute !== minute) this.#all = { minute, count: 0 }
    this.#all.count++
    return undefined
  }

  /** Seconds until the minute that `nowMs` is in is over. */
  static retryAfter(nowMs: number): number {
    return Math.max(1, Math.ceil((60_000 - (nowMs % 60_000)) / 1000))
  }
}

// An IPv4 address (IPv4-mapped IPv6 included) as itself; an IPv6 address by its /64, since one
// host is normally given a whole /64 and could take a fresh address for every hello.
function addressKey(address: string): string {
  const bytes = parseIpAddress(address)
  if (!bytes) return address
  if (bytes.length === 4) return bytes.join('.')
  return `${Buffer.from(bytes.subarray(0, 8)).toString('hex')}::/64`
}
