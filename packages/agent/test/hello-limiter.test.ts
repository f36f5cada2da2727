import assert from 'node:assert/strict'
import { HelloLimiter } from '../src/mutual/hello-limiter.js'

// The hello limiter of the mutual HTTP binding, with a frozen clock: bounded, and not reset by
// churn through many addresses (property 7).
describe('hello limiter', () => {
  const MINUTE = 60_000
  const T = 1_800_000_000_000 - (1_800_000_000_000 % MINUTE) // the start of a minute

  it('takes perAddress hellos per address per minute, then refuses that address only', () => {
    const limiter = new HelloLimiter({ perAddress: 3 })
    for (let i = 0; i < 3; i++) assert.equal(limiter.take('10.0.0.1', T), undefined)
    assert.equal(limiter.take('10.0.0.1', T + 59_999), 'address')
    assert.equal(limiter.take('10.0.0.2', T), undefined)
    assert.equal(limiter.take('10.0.0.1', T + MINUTE), undefined, 'a new minute')
  })

  it('cannot be reset by hellos from many other addresses (the old map was cleared at 5,000)', () => {
    const limiter = new HelloLimiter({ perAddress: 3, total: 100_000, maxAddresses: 50 })
    for (let i = 0; i < 3; i++) limiter.take('192.0.2.1', T)
    const churn: Record<string, number> = {}
    for (let i = 0; i < 20_000; i++) {
      const outcome = limiter.take(`198.51.${(i >> 8) & 255}.${i & 255}`, T + 1000) ?? 'ok'
      churn[outcome] = (churn[outcome] ?? 0) + 1
    }
    // Bounded: only 49 other addresses are counted; the rest are refused, not made room for.
    assert.deepEqual(churn, { ok: 49, addresses: 19_951 })
    assert.equal(limiter.take('192.0.2.1', T + 2000), 'address', 'the limited address is still limited')
    assert.equal(limiter.take('192.0.2.1', T + 59_999), 'address')
    // Next minute, the stale addresses make room again.
    assert.equal(limiter.take('203.0.113.9', T + MINUTE), undefined)
    assert.equal(limiter.take('192.0.2.1', T + MINUTE), undefined)
  })

  it('caps the hellos of all addresses together; refused hellos are not counted', () => {
    const limiter = new HelloLimiter({ perAddress: 60, total: 10 })
    const outcomes = Array.from({ length: 30 }, (_, i) => limiter.take(`10.1.0.${i}`, T + i) ?? 'ok')
    assert.deepEqual(outcomes.filter((o) => o === 'ok').length, 10)
    assert.ok(outcomes.slice(10).every((o) => o === 'total'))
    assert.equal(limiter.take('10.1.0.0', T + MINUTE), undefined)
  })

  it('counts an IPv6 client by its /64, and an IPv4-mapped address as IPv4', () => {
    const limiter = new HelloLimiter({ perAddress: 2 })
    assert.equal(limiter.take('2001:db8:1:2::1', T), undefined)
    assert.equal(limiter.take('2001:db8:1:2:ffff::2', T), undefined)
    assert.equal(limiter.take('2001:db8:1:2:abcd:1:2:3', T), 'address')
    assert.equal(limiter.take('2001:db8:1:3::1', T), undefined, 'another /64')
    assert.equal(limiter.take('::ffff:10.9.9.9', T), undefined)
    assert.equal(limiter.take('10.9.9.9', T), undefined)
    assert.equal(limiter.take('::ffff:10.9.9.9', T), 'address')
  })

  it('says how long until the minute is over, and refuses limits that are not positive whole numbers', () => {
    assert.equal(HelloLimiter.retryAfter(T), 60)
    assert.equal(HelloLimiter.retryAfter(T + 59_500), 1)
    for (const bad of [{ perAddress: 0 }, { total: 1.5 }, { maxAddresses: -1 }]) assert.throws(() => new HelloLimiter(bad), { code: 'ERR_USAGE' })
  })
})
