import assert from 'node:assert/strict'
import { isAgentIdError } from '@agentid/core'
import { ConsoleSessions, checkCsrf, checkLoginOrigin, cookieValue, sessionCookie } from '../src/http/console-session.js'
import { consoleSessionContract } from './support/console-session-contract.js'

consoleSessionContract('in memory', async (now) => new ConsoleSessions(now))

describe('console sessions (unit)', () => {
  it('reads one cookie among several, and writes the session cookie HttpOnly, SameSite=Strict, Secure over TLS', () => {
    assert.equal(cookieValue('a=1; agentid_console=xyz; b=2', 'agentid_console'), 'xyz')
    assert.equal(cookieValue('xagentid_console=1', 'agentid_console'), undefined)
    assert.equal(cookieValue(undefined, 'agentid_console'), undefined)
    // Two of them: one was planted from a sibling origin (cookie tossing).
    assert.throws(() => cookieValue('agentid_console=planted; agentid_console=mine', 'agentid_console'), (e: unknown) => isAgentIdError(e) && e.code === 'ERR_UNAUTHORIZED')
    assert.equal(sessionCookie('id', 60, false), 'agentid_console=id; Path=/; HttpOnly; SameSite=Strict; Max-Age=60')
    assert.equal(sessionCookie('id', 60, true), 'agentid_console=id; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure')
  })

  const OWN = ['https://agentid.example', 'http://127.0.0.1:8470']
  const CASES: ReadonlyArray<[string, Record<string, string>, boolean]> = [
    ['the token and this origin', { 'x-csrf-token': 'secret', origin: OWN[1]! }, true],
    ['the token and the public URL\'s origin (behind a TLS proxy)', { 'x-csrf-token': 'secret', origin: OWN[0]! }, true],
    ['the token and no Origin (a same-origin client that sends none)', { 'x-csrf-token': 'secret' }, true],
    ['no token', { origin: OWN[1]! }, false],
    ['a wrong token', { 'x-csrf-token': 'secreT', origin: OWN[1]! }, false],
    ['a longer token', { 'x-csrf-token': 'secret1', origin: OWN[1]! }, false],
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
    checkLoginOrigin({ origin: OWN[0]! }, OWN)
    checkLoginOrigin({}, OWN)
    assert.throws(() => checkLoginOrigin({ origin: 'https://evil.example' }, OWN), (e: unknown) => isAgentIdError(e) && e.code === 'ERR_CSRF')
  })
})
