import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { gzipSync } from 'node:zlib'
import { ERROR_CODES, isErrorCode } from '@agentid/core'
import { startTestService, type TestService } from './support/service.js'

// Every refusal, fastify's own included, is {"error":{"code","message"}} with the code's status.
// Requests are written by hand on a socket (real service on 127.0.0.1), so that nothing between
// the test and the server tidies them up.

interface RawAnswer {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

// Sends `text` and reads one answer: until the connection closes, or the declared body arrived.
function exchange(url: string, text: string | Buffer, head = false): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const socket = connect(Number(port), hostname)
    let data = Buffer.alloc(0)
    let done = false
    const finish = () => {
      if (done) return
      const raw = data.toString('latin1')
      const end = raw.indexOf('\r\n\r\n')
      if (end < 0) return
      const [statusLine, ...lines] = raw.slice(0, end).split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      let body = data.subarray(Buffer.byteLength(raw.slice(0, end + 4), 'latin1'))
      if (head) {
        body = Buffer.alloc(0)
      } else if (headers['transfer-encoding'] === 'chunked') {
        const chunks: Buffer[] = []
        let rest = body
        for (;;) {
          const lineEnd = rest.indexOf('\r\n')
          if (lineEnd < 0) return
          const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16)
          if (size === 0) break
          if (rest.length < lineEnd + 2 + size + 2) return
          chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size))
          rest = rest.subarray(lineEnd + 2 + size + 2)
        }
        body = Buffer.concat(chunks)
      } else if (headers['content-length'] !== undefined) {
        if (body.length < Number(headers['content-length'])) return
        body = body.subarray(0, Number(headers['content-length']))
      } else if (!socket.destroyed && !socket.readableEnded) {
        return
      }
      done = true
      socket.destroy()
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: body.toString('utf8') })
    }
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk])
      finish()
    })
    socket.on('end', () => {
      finish()
      if (!done) reject(new Error(`connection closed without a whole answer: ${JSON.stringify(data.toString('latin1'))}`))
    })
    socket.on('error', (error) => {
      if (!done) reject(error)
    })
    socket.write(text)
  })
}

function request(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
  if (body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'transfer-encoding' || k.toLowerCase() === 'content-length')) head.push(`Content-Length: ${Buffer.byteLength(body)}`)
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), typeof body === 'string' ? Buffer.from(body) : body ?? Buffer.alloc(0)])
}

// Statuses the transport sets and docs/operations.md documents: headers too large (431). The body is
// still the error format.
const TRANSPORT_STATUS: Readonly<Record<number, string>> = { 431: 'ERR_INPUT_INVALID' }

function assertErrorShape(answer: RawAnswer, code: string | undefined, what: string): void {
  let parsed: unknown
  try {
    parsed = JSON.parse(answer.body)
  } catch {
    assert.fail(`${what}: not JSON (${answer.status}): ${JSON.stringify(answer.body)}`)
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error
  assert.deepEqual(Object.keys(parsed as object), ['error'], `${what}: ${answer.body}`)
  assert.deepEqual(Object.keys(error ?? {}).sort(), ['code', 'message'], `${what}: ${answer.body}`)
  assert.ok(isErrorCode(error!.code), `${what}: ${String(error!.code)} is one of ours`)
  assert.equal(typeof error!.message, 'string')
  if (code !== undefined) assert.equal(error!.code, code, `${what}: ${answer.body}`)
  const expected = TRANSPORT_STATUS[answer.status] === error!.code ? answer.status : ERROR_CODES[error!.code as keyof typeof ERROR_CODES].status
  assert.equal(answer.status, expected, `${what}: status ${answer.status} for ${String(error!.code)}`)
  assert.match(answer.headers['content-type'] ?? '', /^application\/json/, `${what}: content type`)
}

describe('HTTP errors: every bad request is answered in the documented error format', function () {
  this.timeout(60_000)
  let t: TestService
  let auth: Record<string, string>
  const JSON_TYPE = { 'Content-Type': 'application/json' }
  before(async () => {
    t = await startTestService()
    auth = { Authorization: `Bearer ${t.tokens.admin}` }
  })
  after(() => t.close())

  // [name, raw request, expected code (undefined: any of ours)]
  const cases = (): ReadonlyArray<readonly [string, Buffer, string | undefined]> => [
    ['an unknown route', request('GET', '/nope'), 'ERR_NOT_FOUND'],
    ['an unknown route, authenticated', request('GET', '/nope', auth), 'ERR_NOT_FOUND'],
    ['a method the route does not have (PATCH)', request('PATCH', '/policy', auth), 'ERR_NOT_FOUND'],
    ['DELETE on a read-only route', request('DELETE', '/policy', auth), 'ERR_NOT_FOUND'],
    ['OPTIONS', request('OPTIONS', '/policy', auth), 'ERR_NOT_FOUND'],
    ['OPTIONS *', request('OPTIONS', '*'), 'ERR_NOT_FOUND'],
    ['TRACE', request('TRACE', '/health'), 'ERR_NOT_FOUND'],
    ['PROPFIND (a method Node knows, no route has)', request('PROPFIND', '/health'), 'ERR_NOT_FOUND'],
    ['CONNECT', request('CONNECT', '127.0.0.1:9'), 'ERR_NOT_FOUND'],
    ['a method Node does not know', request('BREW', '/health'), 'ERR_INPUT_INVALID'],
    ['text/plain body (415)', request('POST', '/agents', { ...auth, 'Content-Type': 'text/plain' }, 'hello'), 'ERR_INPUT_INVALID'],
    ['a body without a content type', request('POST', '/agents', auth, '{}'), 'ERR_INPUT_INVALID'],
    ['an empty content type', request('POST', '/agents', { ...auth, 'Content-Type': '' }, '{}'), 'ERR_INPUT_INVALID'],
    ['a malformed content type', request('POST', '/agents', { ...auth, 'Content-Type': 'application/' }, '{}'), 'ERR_INPUT_INVALID'],
    ['JSON declared in latin1', request('POST', '/agents', { ...auth, 'Content-Type': 'application/json; charset=latin1' }, '{}'), 'ERR_INPUT_INVALID'],
    ['a gzip-encoded body', request('POST', '/agents', { ...auth, ...JSON_TYPE, 'Content-Encoding': 'gzip' }, gzipSync('{}')), 'ERR_INPUT_INVALID'],
    ['a deflate-encoded body that happens to be JSON', request('POST', '/agents', { ...auth, ...JSON_TYPE, 'Content-Encoding': 'deflate' }, '{}'), 'ERR_INPUT_INVALID'],
    ['malformed JSON', request('POST', '/agents', { ...auth, ...JSON_TYPE }, '{"did":'), 'ERR_INPUT_INVALID'],
    ['JSON with a duplicate member', request('POST', '/agents', { ...auth, ...JSON_TYPE }, '{"a":1,"a":2}'), 'ERR_INPUT_INVALID'],
    ['JSON with __proto__', request('POST', '/agents', { ...auth, ...JSON_TYPE }, '{"__proto__":{}}'), 'ERR_INPUT_INVALID'],
    ['JSON null', request('POST', '/agents', { ...auth, ...JSON_TYPE }, 'null'), 'ERR_INPUT_INVALID'],
    ['a JSON array', request('POST', '/agents', { ...auth, ...JSON_TYPE }, '[]'), 'ERR_INPUT_INVALID'],
    ['invalid UTF-8 in JSON', request('POST', '/agents', { ...auth, ...JSON_TYPE }, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), 'ERR_INPUT_INVALID'],
    ['a body too large', request('POST', '/agents', { ...auth, ...JSON_TYPE }, JSON.stringify({ x: 'a'.repeat(70_000) })), 'ERR_INPUT_INVALID'],
    ['a content length above the limit', request('POST', '/agents', { ...auth, ...JSON_TYPE, 'Content-Length': '999999' }, '{}'), 'ERR_INPUT_INVALID'],
    ['a chunked body too large', request('POST', '/agents', { ...auth, ...JSON_TYPE, 'Transfer-Encoding': 'chunked' }, `11170\r\n${JSON.stringify({ x: 'a'.repeat(70_000 - 8) })}\r\n0\r\n\r\n`), 'ERR_INPUT_INVALID'],
    ['both Content-Length and Transfer-Encoding', request('POST', '/agents', { ...auth, ...JSON_TYPE, 'Content-Length': '2', 'Transfer-Encoding': 'chunked' }, '0\r\n\r\n'), 'ERR_INPUT_INVALID'],
    ['a body on a route that takes none', request('GET', '/policy', { ...auth, ...JSON_TYPE }, '{}'), 'ERR_INPUT_INVALID'],
    ['a body that fails the schema', request('POST', '/agents', { ...auth, ...JSON_TYPE }, '{"did":1}'), 'ERR_INPUT_INVALID'],
    ['an unknown field', request('POST', '/principals', { ...auth, ...JSON_TYPE }, '{"id":"x","roles":["auditor"],"extra":1}'), 'ERR_INPUT_INVALID'],
    ['an unknown query parameter', request('GET', '/policy?x=1', auth), 'ERR_INPUT_INVALID'],
    ['a query parameter of the wrong form', request('GET', '/audit?limit=abc', auth), 'ERR_INPUT_INVALID'],
    ['a query parameter given twice', request('GET', '/audit?limit=1&limit=2', auth), 'ERR_INPUT_INVALID'],
    ['a malformed percent-encoding in the query', request('GET', '/policy?%zz=1', auth), 'ERR_INPUT_INVALID'],
    ['a malformed percent-encoding in the path', request('GET', '/agents/%ZZ', auth), 'ERR_INPUT_INVALID'],
    ['a lone % in the path', request('GET', '/status/%'), 'ERR_INPUT_INVALID'],
    ['a path parameter too long for the router', request('GET', `/credentials/${'a'.repeat(5000)}`, auth), 'ERR_INPUT_INVALID'],
    ['a path parameter too long for the schema', request('GET', `/status/${'x'.repeat(100)}`), 'ERR_INPUT_INVALID'],
    ['an unknown status list', request('GET', '/status/nope'), 'ERR_NOT_FOUND'],
    ['a path without a leading slash', request('GET', 'health'), 'ERR_INPUT_INVALID'],
    ['a trailing slash', request('GET', '/health/'), 'ERR_NOT_FOUND'],
    ['a double slash', request('GET', '//health'), 'ERR_NOT_FOUND'],
    ['no token', request('GET', '/agents'), 'ERR_UNAUTHORIZED'],
    ['a malformed token', request('GET', '/agents', { Authorization: 'Bearer x' }), 'ERR_UNAUTHORIZED'],
    ['another scheme', request('GET', '/agents', { Authorization: 'Basic YTpi' }), 'ERR_UNAUTHORIZED'],
    ['a role missing', request('POST', '/principals', { Authorization: `Bearer ${t.tokens.auditor}`, ...JSON_TYPE }, '{"id":"x","roles":["auditor"]}'), 'ERR_FORBIDDEN'],
    ['an unknown Expect', request('GET', '/health', { Expect: 'teapot' }), 'ERR_INPUT_INVALID'],
    ['an HTTP/1.1 request without Host', Buffer.from('GET /health HTTP/1.1\r\nConnection: close\r\n\r\n'), 'ERR_INPUT_INVALID'],
    ['a header with a forbidden character', Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\nConnection: close\r\n\r\n', 'latin1'), 'ERR_INPUT_INVALID'],
    ['an invalid chunk size', request('POST', '/agents', { ...auth, ...JSON_TYPE, 'Transfer-Encoding': 'chunked' }, 'zz\r\n{}\r\n0\r\n\r\n'), 'ERR_INPUT_INVALID'],
    ['HTTP/2 preface on an HTTP/1 port', Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), 'ERR_INPUT_INVALID'],
    ['headers larger than Node accepts (431)', request('GET', '/health', { 'X-Big': 'a'.repeat(20_000) }), 'ERR_INPUT_INVALID'],
  ]

  it('covers each case with one of our codes, its status and nothing else in the body', async () => {
    const failures: string[] = []
    for (const [name, raw, code] of cases()) {
      try {
        assertErrorShape(await exchange(t.url, raw), code, name)
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message.split('\n')[0]}`)
      }
    }
    assert.deepEqual(failures, [])
  })

  it('answers HEAD with the status and content type of the error, and no body', async () => {
    for (const [path, status] of [['/nope', 404], ['/agents', 401], ['/status/nope', 404]] as const) {
      const answer = await exchange(t.url, request('HEAD', path), true)
      assert.equal(answer.status, status, path)
      assert.match(answer.headers['content-type'] ?? '', /^application\/json/)
      assert.equal(answer.body, '')
    }
  })
})

describe('HTTP errors while the service stops', function () {
  this.timeout(60_000)

  it('a request that arrives while the service drains gets 503 in the error format, not fastify\'s', async () => {
    const t = await startTestService()
    try {
      const { hostname, port } = new URL(t.url)
      const socket = connect(Number(port), hostname)
      let received = ''
      socket.setEncoding('latin1').on('data', (d: string) => (received += d))
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
      // A request in flight (its body not sent yet) keeps the connection busy while the service closes.
      await new Promise<void>((resolve) => socket.write(`PUT /roles/r1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.tokens.admin}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{`, () => resolve()))
      const stopping = t.service.close()
      while (t.service.app.server.listening) await new Promise((r) => setImmediate(r))
      // The rest of the first body, and a second request pipelined behind it.
      socket.write('}GET /health HTTP/1.1\r\nHost: x\r\n\r\n')
      await closed
      await stopping
      // Whichever request the server took after the drain began (the first, if its headers were
      // still on the way, else the second) is the last answered: 503 in our format.
      const answers = received.split(/(?=HTTP\/1\.1 )/)
      assert.ok(answers.length >= 1 && answers.length <= 2, received)
      const last = answers.at(-1)!
      assert.match(last, /^HTTP\/1\.1 503 /)
      assert.deepEqual(Object.keys(JSON.parse(last.slice(last.indexOf('\r\n\r\n') + 4)).error), ['code', 'message'])
      assert.equal(JSON.parse(last.slice(last.indexOf('\r\n\r\n') + 4)).error.code, 'ERR_STATUS_UNAVAILABLE')
      assert.doesNotMatch(received, /"statusCode"/, "nothing in fastify's own format")
    } finally {
      await t.issuer.close()
      const { rmSync } = await import('node:fs')
      rmSync(t.home, { recursive: true, force: true })
    }
  })
})
