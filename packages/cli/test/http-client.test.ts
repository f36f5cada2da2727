import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { AnswerTooLargeError, httpRequest } from '../src/http-client.js'

// The CLI's one HTTP request (packages/cli/src/http-client.ts) against a local server that
// misbehaves in the ways a timeout and a size cap exist for.
describe('httpRequest', () => {
  let server: Server
  let url: URL
  let handle: Parameters<typeof createServer>[1]

  before(async () => {
    server = createServer((req, res) => handle!(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/x`)
  })
  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  const request = { method: 'GET', headers: {}, timeoutMs: 10_000, maxBytes: 1024 }

  it('answers the status and body of a plain answer, on a connection closed after it', async () => {
    let connection: string | undefined
    handle = (req, res) => { connection = req.headers.connection; res.writeHead(418).end('teapot') }
    assert.deepEqual(await httpRequest(url, request), { status: 418, text: 'teapot' })
    assert.equal(connection, 'close')
  })

  it('fails with a TimeoutError when the server never answers (it waits on the limit, whatever the machine speed)', async () => {
    handle = () => undefined // holds the request open
    await assert.rejects(httpRequest(url, { ...request, timeoutMs: 50 }), { name: 'TimeoutError' })
  })

  it('fails with AnswerTooLargeError past maxBytes, before reading the rest', async () => {
    handle = (_req, res) => { res.writeHead(200); res.on('error', () => undefined); res.write('x'.repeat(4096)); /* and never ends */ }
    await assert.rejects(httpRequest(url, request), AnswerTooLargeError)
  })

  it('fails with the socket error when nothing listens', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as { port: number }).port
    await new Promise((resolve) => closed.close(resolve))
    await assert.rejects(httpRequest(new URL(`http://127.0.0.1:${port}/`), request), { code: 'ECONNREFUSED' })
  })
})
