import assert from 'node:assert/strict'
import { isAgentIdError } from '@agentid/core'
import { ConsoleSessions, checkCsrf, checkLoginOrigin, cookieValue, sessionCookie } from '../src/http/console-session.js'

describe('console sessions (unit)', () => {
  it('opens a session with random ids, ends it at close, and at its age limit or its token\'s expiry', () => {
    let now = 1_000_000
    const sessions = new ConsoleSessions(() => now)
    const a = sessions.open('aid_a')
    const b = sessions.open('aid_b', now + 60_000)
    assert.notEqual(a.id, b.id)
    assert.notEqual(a.csrf, a.id)
    assert.equal(sessions.get(a.id)?.token, 'aid_a')
    assert.equal(b.maxAgeSeconds, 60)
    now += 60_000
    assert.equal(sessions.get(b.id), undefined, 'not past the token\'s expiry')
    assert.ok(sessions.get(a.id))
    now += 8 * 3600 * 1000
    assert.equal(sessions.get(a.id), undefined, 'at most 8 hours')
    const c = sessions.open('aid_c')
    sessions.close(c.id)
    assert.equal(sessions.get(c.id), undefined)
  })

  it('reads one cookie among several, and writes the session cookie HttpOnly, SameSite=Strict, Secure over TLS', () => {
    assert.equal(cookieValue('a=1; agentid_console=xyz; b=2', 'agentid_console'), 'xyz')
    assert.equal(cookieValue('xagentid_console=1', 'agentid_console'), undefined)
    assert.equal(cookieValue(undefined, 'agentid_console'), undefined)
    assert.equal(sessionCookie('id', 60, false), 'agentid_console=id; Path=/; HttpOnly; SameSite=Strict; Max-Age=60')
    assert.equal(sessionCookie('id', 60, true), 'agentid_console=id; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure')
  })

  const OWN = 'http://127.0.0.1:8470'
  const CASES: ReadonlyArray<[string, Record<string, string>, boolean]> = [
    ['the token and this origin', { 'x-csrf-token': 'secret', origin: OWN }, true],
    ['the token and no Origin (a same-origin client that sends none)', { 'x-csrf-token': 'secret' }, true],
    ['no token', { origin: OWN }, false],
    ['a wrong token', { 'x-csrf-token': 'secreT', origin: OWN }, false],
    ['a longer token', { 'x-csrf-token': 'secret1', origin: OWN }, false],
    ['the token from another origin', { 'x-csrf-token': 'secret', origin: 'http://127.0.0.1:9999' }, false],
    ['the token from a null origin', { 'x-csrf-token': 'secret', origin: 'null' }, false],
  ]
  for (const [name, headers, ok] of CASES) {
    it(`${ok ? 'takes' : 'refuses (ERR_CSRF)'} a state change with ${name}`, () => {
      const run = () => checkCsrf({ csrf: 'secret' }, headers, OWN)
      if (ok) run()
      else assert.throws(run, (e: unknown) => isAgentIdError(e) && e.code === 'ERR_CSRF')
    })
  }

  it('refuses a sign-in from another origin', () => {
    checkLoginOrigin({ origin: OWN }, OWN)
    checkLoginOrigin({}, OWN)
    assert.throws(() => checkLoginOrigin({ origin: 'https://evil.example' }, OWN), (e: unknown) => isAgentIdError(e) && e.code === 'ERR_CSRF')
  })
})
