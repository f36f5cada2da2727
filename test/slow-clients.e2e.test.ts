import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { startTestService, type TestService } from './support/service.js'

// Real sockets on 127.0.0.1 against a real service whose limits are short, so that each case
// takes about a second: a client that sends too slowly is answered 408 and cut off, and nothing
// else is.
const HEADERS_MS = 600
const REQUEST_MS = 1200
const KEEP_ALIVE_MS = 500

interface Outcome {
  /** Everything the server sent before it closed the connection. */
  readonly received: string
  /** Milliseconds from connecting to the close. */
  readonly closedAfterMs: number
}

/** Connects, runs `drip` (which writes slowly), and waits for the server to close the connection. */
async function slowClient(url: string, drip: (socket: Socket) => void, giveUpMs = 15_000): Promise<Outcome> {
  const { hostname, port } = new URL(url)
  const socket = connect({ host: hostname, port: Number(port) })
  const started = Date.now()
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => { received += chunk })
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  drip(socket)
  return new Promise((resolve, reject) => {
    const giveUp = setTimeout(() => { socket.destroy(); reject(new Error(`the server kept the connection for ${giveUpMs} ms; received: ${received}`)) }, giveUpMs)
    socket.on('error', () => undefined) // a reset after the answer is a close too
    socket.once('close', () => { clearTimeout(giveUp); resolve({ received, closedAfterMs: Date.now() - started }) })
  })
}

/** Writes `parts` one every `everyMs` while the socket is open. */
function dripParts(parts: readonly string[], everyMs: number): (socket: Socket) => void {
  return (socket) => {
    let next = 0
    const timer = setInterval(() => {
      if (socket.destroyed || next >= parts.length) return clearInterval(timer)
      socket.write(parts[next++]!)
    }, everyMs)
    socket.once('close', () => clearInterval(timer))
  }
}

function assertTimedOut(outcome: Outcome, limitMs: number): void {
  assert.match(outcome.received, /^HTTP\/1\.1 408 /, `a 408 answer, got: ${outcome.received.slice(0, 200)}`)
  const body = JSON.parse(outcome.received.slice(outcome.received.indexOf('\r\n\r\n') + 4))
  assert.equal(body.error.code, 'ERR_INPUT_INVALID')
  assert.ok(outcome.closedAfterMs >= limitMs, `not before the limit (${outcome.closedAfterMs} ms)`)
  // Node looks every limit/10 (here 60 ms). The bound only shows it was cut off by this limit
  // and not left open; the slack is for a busy machine (docs/operations.md states the promise).
  assert.ok(outcome.closedAfterMs < limitMs + 8000, `cut off after the limit (${outcome.closedAfterMs} ms)`)
}

describe('slow clients: 408 and a closed connection (real sockets on 127.0.0.1)', function () {
  this.timeout(30_000)
  let service: TestService

  before(async () => {
    service = await startTestService({ timeouts: { headersTimeoutMs: HEADERS_MS, requestTimeoutMs: REQUEST_MS, keepAliveTimeoutMs: KEEP_ALIVE_MS } })
  })
  after(async () => service.close())

  it('a client that connects and sends nothing is cut off after the headers timeout', async () => {
    assertTimedOut(await slowClient(service.url, () => undefined), HEADERS_MS)
  })

  it('headers dripped one line at a time (slowloris) are cut off after the headers timeout', async () => {
    const lines = ['GET /health HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', ...Array.from({ length: 100 }, (_, i) => `X-Drip-${i}: ${i}\r\n`)]
    assertTimedOut(await slowClient(service.url, dripParts(lines, 100)), HEADERS_MS)
  })

  it('a body dripped a byte at a time is cut off after the request timeout, and nothing is written', async () => {
    const before = service.dump()
    const body = JSON.stringify({ id: 'slow-body', roles: ['auditor'] })
    const head = `POST /principals HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${service.tokens.admin}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`
    assertTimedOut(await slowClient(service.url, dripParts([head, ...body], 100)), REQUEST_MS)
    assert.equal(service.dump(), before, 'the request that never arrived whole changed nothing')
  })

  it('an idle keep-alive connection is closed after the keep-alive timeout, without an answer', async () => {
    const outcome = await slowClient(service.url, (socket) => socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'))
    assert.match(outcome.received, /^HTTP\/1\.1 200 /)
    assert.doesNotMatch(outcome.received, /408/, 'a client that got its answer is not told it was slow')
    assert.ok(outcome.closedAfterMs >= KEEP_ALIVE_MS && outcome.closedAfterMs < KEEP_ALIVE_MS + 8000, `closed after ${outcome.closedAfterMs} ms`)
  })

  it('a client that is merely slow but inside the limits is served', async () => {
    const lines = ['GET /health HTTP/1.1\r\n', 'Host: 127.0.0.1\r\n', 'Connection: close\r\n', '\r\n']
    const outcome = await slowClient(service.url, dripParts(lines, 100))
    assert.match(outcome.received, /^HTTP\/1\.1 200 /)
    assert.match(outcome.received, /"status":"ok"|"ok"/)
  })

  it('an event stream the service sends is not cut by the request timeout', async () => {
    const response = await fetch(`${service.url}/status/events`)
    assert.equal(response.status, 200)
    const reader = response.body!.getReader()
    const open = Date.now()
    let text = ''
    // The stream starts with the current versions; keep reading past both limits.
    while (Date.now() - open < REQUEST_MS + 800) {
      const next = await Promise.race([reader.read(), new Promise<'wait'>((resolve) => setTimeout(() => resolve('wait'), 200))])
      if (next === 'wait') continue
      assert.equal(next.done, false, `the stream ended after ${Date.now() - open} ms`)
      text += new TextDecoder().decode(next.value)
    }
    assert.match(text, /event: status/)
    await reader.cancel()
  })

  it('a stalled request pipelined behind an event stream closes the connection, without writing into the stream', async () => {
    const outcome = await slowClient(service.url, (socket) => socket.write('GET /status/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /health HTTP/1.1\r\n'))
    assert.match(outcome.received, /^HTTP\/1\.1 200 [^]*event: status/)
    assert.doesNotMatch(outcome.received, /HTTP\/1\.1 408/, 'no answer spliced into the stream')
    assert.ok(outcome.closedAfterMs >= HEADERS_MS && outcome.closedAfterMs < HEADERS_MS + 8000, `closed after ${outcome.closedAfterMs} ms`)
  })

  it('refuses limits that would turn the protection off, or headers allowed longer than the request', async () => {
    for (const timeouts of [{ headersTimeoutMs: 0 }, { requestTimeoutMs: 0 }, { keepAliveTimeoutMs: -1 }, { headersTimeoutMs: 1.5 }, { headersTimeoutMs: 2000, requestTimeoutMs: 1000 }]) {
      await assert.rejects(startTestService({ timeouts }), { code: 'ERR_USAGE' }, JSON.stringify(timeouts))
    }
  })

  it('headers larger than Node accepts get a 431 in the service error format', async () => {
    const outcome = await slowClient(service.url, (socket) => socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`))
    assert.match(outcome.received, /^HTTP\/1\.1 431 /)
    assert.match(outcome.received, /"code":"ERR_INPUT_INVALID"/)
  })

  it('has the documented defaults: 10 s for headers, 30 s for a request, 72 s of keep-alive', async () => {
    const defaults = await startTestService()
    try {
      const server = defaults.service.app.server
      assert.deepEqual([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout], [10_000, 30_000, 72_000])
    } finally {
      await defaults.close()
    }
  })

  it('malformed HTTP gets a 400 in the service error format', async () => {
    const outcome = await slowClient(service.url, (socket) => socket.write('NOT HTTP AT ALL\r\n\r\n'))
    assert.match(outcome.received, /^HTTP\/1\.1 400 /)
    assert.match(outcome.received, /"code":"ERR_INPUT_INVALID"/)
  })
})
