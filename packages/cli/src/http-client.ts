// One HTTP request with node:http / node:https, for the CLI's calls to the issuer service.
//
// Why not fetch: the first fetch() loads undici (about 70 ms on the development VM), and its
// pooled keep-alive connection then holds the process for another 100 ms or so after the answer;
// together most of a read-only command's time (docs/performance.md, "CLI start-up").

/** A request to send. */
export interface HttpRequest {
  readonly method: string
  readonly headers: Record<string, string>
  readonly body?: string
  /** The whole exchange, connecting included, must end within this. */
  readonly timeoutMs: number
  /** A longer answer is cut off and refused. */
  readonly maxBytes: number
}

/** The answer: its status and body text. */
export interface HttpAnswer {
  readonly status: number
  readonly text: string
}

/** The answer was longer than the request allowed. */
export class AnswerTooLargeError extends Error {}

/**
 * Sends `request` to `url` (http: or https:, certificates checked against Node's CA store and
 * NODE_EXTRA_CA_CERTS) on a connection of its own, closed after the answer, and reads the answer
 * as UTF-8 text. Redirects are answers like any other (not followed).
 * @throws AnswerTooLargeError for an answer above `maxBytes`; a DOMException named TimeoutError when
 *   `timeoutMs` runs out; the socket's Error otherwise (ECONNREFUSED, a certificate not trusted)
 */
export async function httpRequest(url: URL, request: HttpRequest): Promise<HttpAnswer> {
  const { request: send } = url.protocol === 'https:' ? await import('node:https') : await import('node:http')
  return new Promise((resolve, reject) => {
    // Cutting a long answer off, or the time running out, also fails the socket and the response
    // stream: the first reason is the one told (on timeout, the signal's TimeoutError, as fetch).
    let tooLarge: AnswerTooLargeError | undefined
    const signal = AbortSignal.timeout(request.timeoutMs)
    const fail = (error: Error) => reject(tooLarge ?? (signal.aborted ? signal.reason : error))
    const req = send(url, {
      method: request.method,
      headers: { ...request.headers, connection: 'close', ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}) },
      agent: false,
      signal,
    }, (res) => {
      const chunks: Buffer[] = []
      let length = 0
      res.on('data', (chunk: Buffer) => {
        length += chunk.length
        if (length > request.maxBytes) {
          tooLarge ??= new AnswerTooLargeError(`more than ${request.maxBytes} bytes`)
          req.destroy(tooLarge)
          return
        }
        chunks.push(chunk)
      })
      res.on('end', () => (tooLarge ? fail(tooLarge) : resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })))
      res.on('error', fail)
    })
    req.on('error', fail)
    req.end(request.body)
  })
}
