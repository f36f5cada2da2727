import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { signJwt } from '@agentid/agent'
import { CREDENTIALS_CONTEXT_V1 } from '@agentid/core'
import { createVerifier, httpStatusLists, type HttpStatusListOptions } from '@agentid/verifier'
import { KEYS, makeVc, makeVp, S0, T0 } from '../../../test/support/tokens.js'

// A real HTTP server on loopback serves the list; the verifier fetches, caches and refreshes it.
describe('status lists over HTTP (fetched, cached, refreshed, failing closed)', () => {
  let server: Server
  let base: string
  let body = ''
  let etag = '"v1"'
  let requests = 0
  let conditional = 0
  let respond: 'ok' | 'error' | 'hang' | 'flood' | 'drip' = 'ok'
  // What the server saw of the last flood or drip: bytes written, and when the client went away.
  let streamed = { bytes: 0, closed: Promise.resolve() }

  function publish(revoked: number[], issuedAt: number, url = `${base}/status/rev-1`, key = KEYS.issuer, extra: { nbf?: number; validFrom?: string; purpose?: string } = {}): void {
    const bits = new Uint8Array(131072 / 8)
    for (const i of revoked) bits[i >> 3]! |= 0x80 >> (i & 7)
    body = signJwt(key, {
      iss: key.did, jti: url, iat: issuedAt, nbf: extra.nbf ?? issuedAt, exp: issuedAt + 3600,
      vc: {
        '@context': [CREDENTIALS_CONTEXT_V1], type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        ...(extra.validFrom ? { validFrom: extra.validFrom } : {}),
        credentialSubject: { type: 'BitstringStatusList', statusPurpose: extra.purpose ?? 'revocation', encodedList: `u${gzipSync(bits).toString('base64url')}` },
      },
    })
    etag = `"${issuedAt}-${revoked.join('.')}-${key.did.slice(-6)}-${extra.nbf ?? ''}${extra.validFrom ?? ''}${extra.purpose ?? ''}"`
  }

  before(async () => {
    server = createServer((req, res) => {
      requests++
      if (respond === 'hang') return
      if (respond === 'flood' || respond === 'drip') {
        // Headers at once, then a body that never ends: 64 MiB as fast as the client reads
        // (then nothing more), or one byte every 20 ms (the connection never idles).
        let closed: () => void = () => undefined
        streamed = { bytes: 0, closed: new Promise<void>((resolve) => (closed = resolve)) }
        res.once('close', () => closed())
        res.writeHead(200, { 'content-type': 'application/vc+jwt' })
        if (respond === 'drip') {
          const timer = setInterval(() => { streamed.bytes++; res.write('e') }, 20)
          res.once('close', () => clearInterval(timer))
          return
        }
        const chunk = Buffer.alloc(64 * 1024, 'e')
        const pump = () => {
          while (!res.destroyed && streamed.bytes < 64 * 1024 * 1024) {
            streamed.bytes += chunk.length
            if (!res.write(chunk)) return void res.once('drain', pump)
          }
        }
        pump()
        return
      }
      if (respond === 'error') {
        res.writeHead(500).end()
        return
      }
      if (req.headers['if-none-match'] === etag) {
        conditional++
        res.writeHead(304).end()
        return
      }
      res.writeHead(200, { 'content-type': 'application/vc+jwt', etag, 'cache-control': 'max-age=60' }).end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  after(() => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))

  beforeEach(() => {
    requests = 0
    conditional = 0
    respond = 'ok'
    publish([], S0 - 10)
  })

  async function verify(now: number, options: HttpStatusListOptions = {}, source = httpStatusLists({ timeoutMs: 500, ...options })) {
    const entry = { credentialStatus: { id: `${base}/status/rev-1#42`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '42', statusListCredential: `${base}/status/rev-1` } }
    const verifier = createVerifier({ did: KEYS.verifier.did, trustedIssuers: [KEYS.issuer.did], now: () => now, externalChallenges: true, statusLists: source })
    return verifier.verifyPresentation(makeVp([makeVc({}, entry)], { iat: Math.floor(now / 1000), nbf: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 60 }), { challenge: 'nonce-1' })
  }

  it('fetches the list once, then answers from the cache', async () => {
    const source = httpStatusLists({ timeoutMs: 500 })
    assert.equal((await verify(T0, {}, source)).ok, true)
    assert.equal((await verify(T0 + 1000, {}, source)).ok, true)
    assert.equal(requests, 1)
  })

  it('shares one fetch between concurrent checks', async () => {
    const source = httpStatusLists({ timeoutMs: 500 })
    const results = await Promise.all(Array.from({ length: 5 }, () => verify(T0, {}, source)))
    assert.ok(results.every((r) => r.ok))
    assert.equal(requests, 1)
  })

  it('refreshes in the background, with a conditional GET, and picks up a revocation', async () => {
    const source = httpStatusLists({ timeoutMs: 500, maxAge: 300, refreshAfter: 60 })
    assert.equal((await verify(T0, {}, source)).ok, true)
    // Unchanged list past refreshAfter: the cached copy answers; the refetch is a 304.
    assert.equal((await verify(T0 + 120_000, {}, source)).ok, true)
    await source.refresh(`${base}/status/rev-1`)
    assert.ok(conditional >= 1)
    // The issuer revokes index 42 and publishes; the next refresh brings it in.
    publish([42], S0 + 100)
    await source.refresh(`${base}/status/rev-1`)
    const revoked = await verify(T0 + 130_000, {}, source)
    assert.equal(revoked.ok === false && revoked.code, 'ERR_VC_REVOKED')
  })

  const FAILURES: Array<[string, () => void, HttpStatusListOptions, string]> = [
    ['the server answers 500', () => { respond = 'error' }, {}, 'ERR_STATUS_UNAVAILABLE'],
    ['the server does not answer in time', () => { respond = 'hang' }, { timeoutMs: 200 }, 'ERR_STATUS_UNAVAILABLE'],
    ['the list is older than maxAge', () => publish([], S0 - 3000), { maxAge: 300 }, 'ERR_STATUS_UNAVAILABLE'],
    ['the list says it is another URL', () => publish([], S0, `${base}/status/other`), {}, 'ERR_STATUS_UNAVAILABLE'],
    ['the list is signed by another issuer', () => publish([], S0, undefined, KEYS.otherIssuer), {}, 'ERR_STATUS_UNAVAILABLE'],
    ['the origin is not allowed', () => undefined, { allowedOrigins: ['https://issuer.example'] }, 'ERR_STATUS_UNAVAILABLE'],
    ['the response is larger than allowed', () => undefined, { maxBytes: 100 }, 'ERR_STATUS_UNAVAILABLE'],
    ['the body is not a list', () => { body = 'hello' }, {}, 'ERR_STATUS_UNAVAILABLE'],
  ]

  for (const [name, arrange, options, code] of FAILURES) {
    it(`fails closed when ${name}`, async () => {
      arrange()
      const result = await verify(T0, options)
      assert.equal(result.ok === false && result.code, code, result.ok ? '' : result.message)
    })
  }

  // Property 7: a bad list never replaces or jams a good cached one.
  describe('a list that must not replace the cached one is refused, and the cached one keeps answering', () => {
    const URL_ = () => `${base}/status/rev-1`
    const BAD: Array<[string, () => void]> = [
      ['signed by a stranger (not the issuer of the credential)', () => publish([42], S0 + 30, undefined, KEYS.otherIssuer)],
      ['issued (iat) an hour in the future', () => publish([42], S0 + 3600)],
      ['not valid before (nbf) an hour from now', () => publish([42], S0 + 30, undefined, KEYS.issuer, { nbf: S0 + 3600 })],
      ['with validFrom an hour from now', () => publish([42], S0 + 30, undefined, KEYS.issuer, { validFrom: new Date(T0 + 3_600_000).toISOString() })],
      ['for another purpose at the same URL', () => publish([42], S0 + 30, undefined, KEYS.issuer, { purpose: 'suspension' })],
    ]
    for (const [name, arrange] of BAD) {
      it(name, async () => {
        const source = httpStatusLists({ timeoutMs: 5000, maxAge: 300, refreshAfter: 60, now: () => T0 + 1000 })
        assert.equal((await verify(T0, {}, source)).ok, true)
        arrange()
        await assert.rejects(source.refresh(URL_()), { code: 'ERR_STATUS_UNAVAILABLE' })
        // Past refreshAfter: the check starts a refetch of the bad list and still answers from the good one.
        const during = await verify(T0 + 120_000, {}, source)
        assert.equal(during.ok, true, during.ok ? '' : during.message)
        await source.refresh(URL_()).catch(() => undefined)
        assert.equal((await verify(T0 + 121_000, {}, source)).ok, true)
        // Not jammed: the issuer's next genuine version (index 42 revoked) is taken at once.
        publish([42], S0 + 100)
        await source.refresh(URL_())
        const revoked = await verify(T0 + 122_000, {}, source)
        assert.equal(revoked.ok === false && revoked.code, 'ERR_VC_REVOKED')
      })
    }

    it('a list dated within the clock tolerance is taken', async () => {
      const source = httpStatusLists({ timeoutMs: 5000, clockTolerance: 60, now: () => T0 })
      assert.equal((await verify(T0, {}, source)).ok, true)
      publish([42], S0 + 50)
      await source.refresh(URL_())
      const revoked = await verify(T0 + 1000, {}, source)
      assert.equal(revoked.ok === false && revoked.code, 'ERR_VC_REVOKED')
    })
  })

  it('aborts a body as soon as it passes maxBytes, without reading the rest (a real stream of 64 MiB)', async () => {
    const source = httpStatusLists({ timeoutMs: 600_000, maxBytes: 256 * 1024 })
    respond = 'flood'
    // Only the cap can end this fetch: the timeout is ten minutes and the body does not end.
    await assert.rejects(source.refresh(`${base}/status/rev-1`), { code: 'ERR_STATUS_UNAVAILABLE' })
    await streamed.closed
    assert.ok(streamed.bytes < 48 * 1024 * 1024, `the server wrote ${streamed.bytes} bytes before the client went away`)
  })

  it('times out a body that keeps dripping after fast headers (timeoutMs covers the whole body)', async () => {
    const source = httpStatusLists({ timeoutMs: 300 })
    respond = 'drip'
    // The connection is never idle; only a deadline on the whole response can end it.
    await assert.rejects(source.refresh(`${base}/status/rev-1`), { code: 'ERR_STATUS_UNAVAILABLE' })
    await streamed.closed
  })

  it('refuses bad options', () => {
    assert.throws(() => httpStatusLists({ clockTolerance: 301 }), { code: 'ERR_USAGE' })
    assert.throws(() => httpStatusLists({ maxAge: 0 }), { code: 'ERR_USAGE' })
    assert.throws(() => httpStatusLists({ maxAge: 60, refreshAfter: 120 }), { code: 'ERR_USAGE' })
  })
})
