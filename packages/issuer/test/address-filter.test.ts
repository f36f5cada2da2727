import assert from 'node:assert/strict'
import { refusedAddressReason, refusedHostReason } from '../src/webhooks/address-filter.js'

// The webhook address filter is pure: every case here is judged without sending a packet.
describe('webhook address filter', () => {
  // [what the operator wrote after http://, refused?] — judged as the URL parser leaves the host.
  const URL_HOSTS: ReadonlyArray<readonly [string, boolean]> = [
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['2130706433', true], // decimal 127.0.0.1
    ['0x7f000001', true], // hex
    ['0x7f.1', true],
    ['0177.0.0.1', true], // octal
    ['017700000001', true],
    ['127.1', true],
    ['0', true], // 0.0.0.0
    ['0.0.0.0', true],
    ['10.0.0.5', true],
    ['012.0.0.5', true], // octal 10.0.0.5
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['0xc0.0xa8.1.1', true], // hex 192.168.1.1
    ['169.254.169.254', true], // cloud metadata
    ['2852039166', true], // decimal 169.254.169.254
    ['100.64.0.1', true],
    ['100.127.255.255', true],
    ['192.0.0.170', true],
    ['192.0.2.10', true],
    ['198.18.0.1', true],
    ['198.51.100.7', true],
    ['203.0.113.9', true],
    ['224.0.0.1', true],
    ['239.255.255.250', true],
    ['240.0.0.1', true],
    ['255.255.255.255', true],
    ['[::1]', true],
    ['[::]', true],
    ['[0:0:0:0:0:0:0:1]', true],
    ['[::ffff:127.0.0.1]', true],
    ['[::ffff:7f00:1]', true],
    ['[::ffff:10.0.0.1]', true],
    ['[::ffff:169.254.169.254]', true],
    ['[::127.0.0.1]', true], // IPv4-compatible, deprecated
    ['[64:ff9b::10.0.0.1]', true], // NAT64 of a private address
    ['[64:ff9b::7f00:1]', true],
    ['[64:ff9b:1::1]', true],
    ['[2002:7f00:1::1]', true], // 6to4 of 127.0.0.1
    ['[2002:c0a8:101::1]', true], // 6to4 of 192.168.1.1
    ['[fc00::1]', true],
    ['[fd12:3456:789a::1]', true],
    ['[fe80::1]', true],
    ['[febf::1]', true],
    ['[fec0::1]', true],
    ['[ff02::1]', true],
    ['[100::1]', true],
    ['[2001:db8::1]', true],
    ['[2001::1]', true], // Teredo
    ['[3fff::1]', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['localhost.', true],
    ['api.localhost', true],
    // Public: allowed.
    ['8.8.8.8', false],
    ['1.1.1.1', false],
    ['100.63.255.255', false],
    ['100.128.0.1', false],
    ['172.15.255.255', false],
    ['172.32.0.1', false],
    ['169.253.0.1', false],
    ['11.0.0.1', false],
    ['[2606:4700:4700::1111]', false],
    ['[::ffff:8.8.8.8]', false],
    ['[64:ff9b::8.8.8.8]', false], // NAT64 of a public address (DNS64 networks)
    ['[2002:808:808::1]', false], // 6to4 of 8.8.8.8
    ['hooks.example', false], // a name: judged when resolved
    ['127.0.0.1.nip.io', false], // a name too: its resolution is refused at delivery
  ]
  for (const [host, refused] of URL_HOSTS) {
    it(`http://${host}/ ${refused ? 'is refused' : 'may be registered'}`, () => {
      const hostname = new URL(`http://${host}/hook`).hostname
      const reason = refusedHostReason(hostname)
      assert.equal(reason !== undefined, refused, `${hostname}: ${reason ?? 'allowed'}`)
    })
  }

  // What a resolver can answer (dns.lookup), judged before connecting.
  const RESOLVED: ReadonlyArray<readonly [string, boolean]> = [
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['::1', true],
    ['::ffff:192.168.0.1', true],
    ['fe80::1%eth0', true],
    ['fe80::1%2', true],
    ['0.0.0.0', true],
    ['::', true],
    ['93.184.215.14', false],
    ['2606:2800:21f:cb07:6820:80da:af6b:8b2c', false],
    ['not-an-address', true],
    ['', true],
    ['1.2.3', true],
    ['01.2.3.4', true],
  ]
  for (const [address, refused] of RESOLVED) {
    it(`a resolved address ${JSON.stringify(address)} ${refused ? 'is refused' : 'is allowed'}`, () => {
      assert.equal(refusedAddressReason(address) !== undefined, refused, refusedAddressReason(address))
    })
  }

  it('names the range it refuses', () => {
    assert.match(refusedAddressReason('169.254.169.254')!, /link-local/)
    assert.match(refusedAddressReason('::ffff:10.0.0.1')!, /private/)
    assert.match(refusedAddressReason('64:ff9b::7f00:1')!, /NAT64 of loopback/)
  })
})
