import { isIP } from 'node:net'
import { agentIdError } from '@agentid/core'

/**
 * Parses the issuer's public URL: where verifiers reach its status lists. It is written into
 * every credential's status entry (`<url>/status/<list>`) and its list must be served at exactly
 * that URL, so it is an explicit setting, never derived from a request. An http(s) URL without
 * user info, query or fragment; a trailing slash is dropped.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parsePublicUrl(value: unknown, source = 'public URL'): string {
  let url: URL
  try {
    if (typeof value !== 'string' || value.length > 2048) throw new Error('not a string')
    url = new URL(value)
  } catch {
    throw agentIdError('ERR_INPUT_INVALID', `${source} must be an http(s) URL (e.g. https://issuer.example.com), not ${JSON.stringify(String(value).slice(0, 100))}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw agentIdError('ERR_INPUT_INVALID', `${source} must be http:// or https://`)
  if (url.username !== '' || url.password !== '') throw agentIdError('ERR_INPUT_INVALID', `${source} must not hold a user name or password`)
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) throw agentIdError('ERR_INPUT_INVALID', `${source} must not have a query or a fragment`)
  // 0.0.0.0 or :: is where a service listens to every interface, never where anyone reaches it.
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (host === '::' || /^0+(\.0+){0,3}$/.test(host) || (isIP(host) === 4 && host.startsWith('0.'))) {
    throw agentIdError('ERR_INPUT_INVALID', `${source} must name an address verifiers can reach, not ${url.hostname} (which only means "every interface" to a listener)`)
  }
  return url.href.replace(/\/+$/, '')
}

/** How the service is reached: the scheme it speaks and the address and port it listens on. */
export interface ListeningAddress {
  readonly protocol: 'http' | 'https'
  readonly host: string
  readonly port: number
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', ''])

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'))
}

/**
 * Why `publicUrl` cannot be how clients reach a service listening at `listening`, or undefined
 * when it can. Scheme and port must be the same (a proxy in front changes them: then say so);
 * an IP address must be the one listened on (or any, on a wildcard address); `localhost` and
 * loopback addresses need a loopback or wildcard listener; a service that listens on loopback
 * only cannot be reached by another name. Other host names are not resolved (that needs DNS,
 * and the name may point at a load balancer): only their scheme and port are compared.
 */
export function publicUrlMismatch(publicUrl: string, listening: ListeningAddress): string | undefined {
  const url = new URL(publicUrl)
  const scheme = url.protocol.slice(0, -1)
  if (scheme !== listening.protocol) return `it is ${scheme}, the service speaks ${listening.protocol}${listening.protocol === 'http' ? ' (give --tls-cert and --tls-key to serve https)' : ''}`
  const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port)
  if (port !== listening.port) return `its port is ${port}, the service listens on ${listening.port}`
  if (url.pathname !== '/' && url.pathname !== '') return `it has a path (${url.pathname}); the service answers at the root of its address`
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const listen = listening.host.replace(/^\[|\]$/g, '').toLowerCase()
  if (WILDCARDS.has(listen)) return undefined
  if (isIP(host) !== 0 || host === 'localhost') {
    if (host === listen || (isLoopback(host) && isLoopback(listen) && (host === 'localhost' || listen === 'localhost'))) return undefined
    return `its host ${url.hostname} is not the address the service listens on (${listening.host})`
  }
  if (isLoopback(listen)) return `the service listens on loopback only (${listening.host}): nobody reaches it as ${url.hostname} but through a proxy`
  return undefined
}

/** The URL a service listening at `listening` is reached at, as it would write it. */
export function listeningUrl(listening: ListeningAddress): string {
  const host = listening.host.includes(':') && !listening.host.startsWith('[') ? `[${listening.host}]` : listening.host
  return `${listening.protocol}://${host}:${listening.port}`
}
