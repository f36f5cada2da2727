import { lookup } from 'node:dns/promises'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isAddressLiteral, refusedAddressReason, refusedHostReason } from './address-filter.js'

/** Resolves a host name to every address it has (default: the system resolver, `dns.lookup`). */
export type ResolveHost = (hostname: string) => Promise<ReadonlyArray<{ readonly address: string; readonly family: number }>>

/** Options of {@link webhookTarget} and {@link postWebhook}. */
export interface WebhookTargetOptions {
  /** Loopback, private and link-local destinations too (the operator's choice; default false). */
  readonly allowPrivate: boolean
  readonly resolve?: ResolveHost
}

/** A destination the filter refuses: final, not retried (the operator must fix the URL or allow it). */
export class RefusedDestinationError extends Error {
  override readonly name = 'RefusedDestinationError'
}

const systemResolve: ResolveHost = (hostname) => lookup(hostname, { all: true, verbatim: true })

/**
 * The address to connect to for a webhook URL: the literal address, or the first address its
 * name resolves to, after every resolved address has been judged (one private answer among
 * public ones refuses them all: a resolver's order is not ours to trust).
 * @throws RefusedDestinationError naming the refused address and why; Error when the name does not resolve
 */
export async function webhookTarget(url: URL, options: WebhookTargetOptions): Promise<{ address: string; family: 4 | 6 }> {
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  if (!options.allowPrivate) {
    const reason = refusedHostReason(url.hostname)
    if (reason) throw new RefusedDestinationError(`${url.host} is ${reason}; webhooks go to public addresses unless private ones are allowed`)
  }
  if (isAddressLiteral(url.hostname)) return { address: hostname, family: hostname.includes(':') ? 6 : 4 }
  const answers = await (options.resolve ?? systemResolve)(hostname)
  if (answers.length === 0) throw new Error(`${hostname} has no address`)
  if (!options.allowPrivate) {
    for (const { address } of answers) {
      const reason = refusedAddressReason(address)
      if (reason) throw new RefusedDestinationError(`${hostname} resolves to ${address}, ${reason}; webhooks go to public addresses unless private ones are allowed`)
    }
  }
  const first = answers[0]!
  return { address: first.address, family: first.family === 6 ? 6 : 4 }
}

/**
 * Posts one webhook body, connecting to the address {@link webhookTarget} checked (never
 * resolving the name a second time: a name that answers a public address to the check and a
 * private one to the connection, DNS rebinding, gets nowhere). TLS still checks the certificate
 * against the URL's host name. No redirects are followed.
 * @returns the HTTP status of the answer
 * @throws RefusedDestinationError for a refused destination; Error for a network failure or the timeout
 */
export async function postWebhook(url: string, headers: Readonly<Record<string, string>>, body: string, options: WebhookTargetOptions & { readonly timeoutMs: number }): Promise<number> {
  const target = new URL(url)
  const { address, family } = await webhookTarget(target, options)
  const https = target.protocol === 'https:'
  const send = https ? httpsRequest : httpRequest
  return new Promise<number>((resolve, reject) => {
    const request = send({
      host: address,
      family,
      port: target.port === '' ? (https ? 443 : 80) : Number(target.port),
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      headers: { ...headers, host: target.host, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(https && !isAddressLiteral(target.hostname) ? { servername: target.hostname } : {}),
    }, (response: IncomingMessage) => {
      response.resume()
      response.on('error', reject)
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
    request.on('error', reject)
    request.end(body)
  })
}
