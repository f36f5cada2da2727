import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { clientAddressKey } from './client-address.js'

const REFUSAL_BODY = JSON.stringify({ error: { code: 'ERR_RATE_LIMITED', message: 'too many open connections from this address; reuse one (keep-alive) or close some' } })
const REFUSAL = `HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nRetry-After: 1\r\nContent-Length: ${Buffer.byteLength(REFUSAL_BODY)}\r\nConnection: close\r\n\r\n${REFUSAL_BODY}`

/**
 * Caps the connections one client address (an IPv6 client by its /64) holds open at once, at the
 * socket, before any HTTP parsing: one address cannot take every socket the process may open
 * (slow clients are cut by the timeouts, but only after them). A connection past the cap is
 * answered `429 ERR_RATE_LIMITED` (`Retry-After: 1`) at once and closed; it never reaches the
 * HTTP server, so no request on it is read or handled. The answer is a courtesy: past as many
 * again refused connections still closing from the same address, the next ones are dropped
 * without one.
 *
 * It wraps the server's own `connection` listener (Node's HTTP server parses on that event), so
 * call it once, before the server listens.
 * @param lingerMs how long a refused connection is given to read its answer and close (at most)
 */
export function limitConnectionsPerAddress(server: Server, max: number, lingerMs: number): void {
  const open = new Map<string, number>()
  const refusing = new Map<string, number>()
  const listeners = server.listeners('connection') as Array<(socket: Socket) => void>
  server.removeAllListeners('connection')
  const count = (map: Map<string, number>, key: string, delta: number) => {
    const n = (map.get(key) ?? 0) + delta
    if (n > 0) map.set(key, n)
    else map.delete(key)
  }
  server.on('connection', (socket: Socket) => {
    const key = clientAddressKey(socket.remoteAddress)
    if ((open.get(key) ?? 0) < max) {
      count(open, key, 1)
      socket.once('close', () => count(open, key, -1))
      for (const listener of listeners) listener.call(server, socket)
      return
    }
    socket.on('error', () => undefined)
    if ((refusing.get(key) ?? 0) >= max) {
      socket.destroy()
      return
    }
    count(refusing, key, 1)
    socket.once('close', () => count(refusing, key, -1))
    // Answer, half-close, and keep reading (and dropping) what the client sends, so that its
    // request still in flight does not turn the close into a reset that loses the answer.
    socket.end(REFUSAL)
    socket.resume()
    // A deadline, not an idle timeout: a client that keeps sending cannot keep it open.
    const linger = setTimeout(() => socket.destroy(), lingerMs)
    linger.unref()
    socket.once('close', () => clearTimeout(linger))
  })
}
