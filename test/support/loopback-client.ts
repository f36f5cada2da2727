import { request, type IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'

/**
 * Another client address on this machine: all of 127.0.0.0/8 is loopback on Linux, so a client
 * socket bound to 127.0.0.N reaches a server on 127.0.0.1 from its own address. Nothing leaves
 * the machine; the target is always 127.0.0.1.
 */
export const clientAddress = (n: number): string => `127.0.0.${n}`

/** An answer: its status and headers; its JSON body unless it is an event stream (left open in `stream`). */
export interface LoopbackAnswer {
  readonly status: number
  readonly headers: IncomingMessage['headers']
  readonly body: any
  /** An open event stream: destroy it to disconnect. */
  readonly stream?: IncomingMessage
}

/** One HTTP request to `url` (on 127.0.0.1) from `from`, on a connection of its own. */
export function loopbackRequest(url: string, options: { from?: string; method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<LoopbackAnswer> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {}, agent: false, ...(options.from ? { localAddress: options.from } : {}) }, (res) => {
      if (res.headers['content-type']?.startsWith('text/event-stream')) return resolve({ status: res.statusCode!, headers: res.headers, body: undefined, stream: res })
      let text = ''
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => {
        let body: unknown = text
        try {
          body = JSON.parse(text)
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode!, headers: res.headers, body })
      })
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** A raw connection: its socket, what it received so far, and its close. */
export interface RawConnection {
  readonly socket: Socket
  received(): string
  readonly closed: Promise<void>
}

/** A raw connection to `url` from `from`; resolves once connected. */
export function rawConnection(url: string, from?: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ...(from ? { localAddress: from } : {}) })
    let received = ''
    socket.setEncoding('utf8').on('data', (d: string) => (received += d))
    socket.on('error', () => undefined) // a reset after an answer is a close too
    const closed = new Promise<void>((done) => socket.once('close', () => done()))
    socket.once('connect', () => resolve({ socket, received: () => received, closed }))
    socket.once('error', reject)
  })
}
