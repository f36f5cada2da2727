import assert from 'node:assert/strict'
import { isIP } from 'node:net'
import { networkContains, parseIpAddress, parseIpNetwork } from '@agentid/core'
import { throwsCode } from './assert-code.js'

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values)
const v6 = (hexText: string): Uint8Array => Uint8Array.from(Buffer.from(hexText, 'hex'))

// [text, bytes]
const ADDRESSES: Array<[string, Uint8Array]> = [
  ['10.20.30.40', bytes(10, 20, 30, 40)],
  ['0.0.0.0', bytes(0, 0, 0, 0)],
  ['255.255.255.255', bytes(255, 255, 255, 255)],
  ['::', new Uint8Array(16)],
  ['::1', v6('00000000000000000000000000000001')],
  ['1::', v6('00010000000000000000000000000000')],
  ['2001:db8::1', v6('20010db8000000000000000000000001')],
  ['2001:DB8::1', v6('20010db8000000000000000000000001')],
  ['2001:0db8:0000:0000:0000:0000:0000:0001', v6('20010db8000000000000000000000001')],
  ['2001:db8:0:0:1::', v6('20010db8000000000001000000000000')],
  ['1:2:3:4:5:6:7:8', v6('00010002000300040005000600070008')],
  ['1:2:3:4:5:6:7::', v6('00010002000300040005000600070000')],
  ['::2:3:4:5:6:7:8', v6('00000002000300040005000600070008')],
  ['fe80::1:2', v6('fe800000000000000000000000010002')],
  ['::1.2.3.4', v6('00000000000000000000000001020304')],
  ['64:ff9b::10.0.0.1', v6('0064ff9b00000000000000000a000001')],
  ['1:2:3:4:5:6:1.2.3.4', v6('00010002000300040005000601020304')],
  // IPv4-mapped IPv6 (how Node reports IPv4 peers on a dual-stack socket) becomes plain IPv4.
  ['::ffff:10.0.0.1', bytes(10, 0, 0, 1)],
  ['::FFFF:10.0.0.1', bytes(10, 0, 0, 1)],
  ['::ffff:a00:1', bytes(10, 0, 0, 1)],
  ['0:0:0:0:0:ffff:10.0.0.1', bytes(10, 0, 0, 1)],
  ['0:0:0:0:0:ffff:0a00:0001', bytes(10, 0, 0, 1)],
]

const BAD_ADDRESSES = [
  '', '1.2.3', '1.2.3.4.5', '1.2.3.256', '01.2.3.4', '1.2.3.04', '1.2.3.-1', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4/32',
  '0x1.2.3.4', '1.2.3.', '.1.2.3', '1..2.3', '16909060', 'localhost', ':', ':::', '1:::2', '1::2::3', ':1:2:3:4:5:6:7',
  '1:2:3:4:5:6:7:', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', '::1:2:3:4:5:6:7:8', '12345::', 'g::1',
  'fe80::1%eth0', '::ffff:10.0.0.256', '::ffff:010.0.0.1', '::1.2.3', '::1.2.3.4:5', '1:2:3:4:5:6:7:1.2.3.4', '[::1]',
]

describe('IP addresses', () => {
  for (const [text, expected] of ADDRESSES) it(`parses ${text}`, () => assert.deepEqual(parseIpAddress(text), expected))

  for (const text of BAD_ADDRESSES) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.equal(parseIpAddress(text), undefined)
      // Deliberately stricter than node:net: no leading zeros in IPv4 octets, no zone ids.
      assert.equal(isIP(text) === 0 || /(^|[.:])0\d/.test(text) || text.includes('%'), true, 'the table agrees with node:net')
    })
  }

  it('refuses a dotted IPv4 part before ::', () => {
    for (const text of ['1.2.3.4::', '1:1.2.3.4::', '1.2.3.4::1']) {
      assert.equal(isIP(text), 0)
      assert.equal(parseIpAddress(text), undefined, text)
    }
    throwsCode(() => parseIpNetwork('1.2.3.4::/32'), 'ERR_INPUT_INVALID')
  })
})

// [text, prefix, address bytes]
const NETWORKS: Array<[string, number, Uint8Array]> = [
  ['10.20.0.0/16', 16, bytes(10, 20, 0, 0)],
  ['0.0.0.0/0', 0, bytes(0, 0, 0, 0)],
  ['10.0.0.1/32', 32, bytes(10, 0, 0, 1)],
  ['192.168.1.128/25', 25, bytes(192, 168, 1, 128)],
  ['2001:db8::/32', 32, v6('20010db8000000000000000000000000')],
  ['::/0', 0, new Uint8Array(16)],
  ['::1/128', 128, v6('00000000000000000000000000000001')],
  ['fe80::/10', 10, v6('fe800000000000000000000000000000')],
  // Mapped addresses stay IPv6 inside a network: the network is what the issuer wrote.
  ['::ffff:0.0.0.0/96', 96, v6('00000000000000000000ffff00000000')],
]

// [name, text]
const BAD_NETWORKS: Array<[string, unknown]> = [
  ['not a string', 10],
  ['no prefix', '10.0.0.0'],
  ['empty prefix', '10.0.0.0/'],
  ['host bits set (IPv4)', '10.20.0.1/16'],
  ['host bits set in the last prefix byte', '192.168.1.64/25'],
  ['host bits set with /0', '1.0.0.0/0'],
  ['host bits set (IPv6)', '2001:db8::1/32'],
  ['host bits set (IPv6, /127)', '::1/127'],
  ['prefix too long (IPv4)', '10.0.0.0/33'],
  ['prefix too long (IPv6)', '::/129'],
  ['prefix with a leading zero', '10.0.0.0/08'],
  ['prefix 00', '0.0.0.0/00'],
  ['negative prefix', '10.0.0.0/-1'],
  ['prefix with a plus', '10.0.0.0/+8'],
  ['prefix of four digits', '::/1000'],
  ['prefix with a space', '10.0.0.0/ 8'],
  ['netmask instead of a prefix', '10.0.0.0/255.0.0.0'],
  ['two slashes', '10.0.0.0/8/8'],
  ['leading zeros in an octet', '010.0.0.0/8'],
  ['bad address', '10.0.0/8'],
  ['bad IPv6 address', '2001:db8:::/32'],
  ['zone id', 'fe80::%eth0/64'],
  ['space', ' 10.0.0.0/8'],
]

describe('IP networks', () => {
  for (const [text, prefix, address] of NETWORKS) {
    it(`parses ${text}`, () => {
      const n = parseIpNetwork(text)
      assert.equal(n.prefix, prefix)
      assert.deepEqual(n.bytes, Array.from(address))
      assert.equal(n.text, text)
    })
  }

  for (const [name, text] of BAD_NETWORKS) it(`refuses ${name}`, () => throwsCode(() => parseIpNetwork(text), 'ERR_INPUT_INVALID'))

  // [network, address, inside]
  const CONTAINS: Array<[string, string, boolean]> = [
    ['10.20.0.0/16', '10.20.0.0', true],
    ['10.20.0.0/16', '10.20.255.255', true],
    ['10.20.0.0/16', '10.21.0.0', false],
    ['10.20.0.0/16', '10.19.255.255', false],
    ['10.20.0.0/16', '::ffff:10.20.1.2', true],
    ['10.20.0.0/16', '::ffff:10.21.1.2', false],
    ['10.20.0.0/16', '::a14:102', false], // IPv4-compatible, not mapped: an IPv6 address
    ['192.168.1.128/25', '192.168.1.128', true],
    ['192.168.1.128/25', '192.168.1.255', true],
    ['192.168.1.128/25', '192.168.1.127', false],
    ['10.0.0.1/32', '10.0.0.1', true],
    ['10.0.0.1/32', '10.0.0.2', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['0.0.0.0/0', '2001:db8::1', false],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::/32', '10.0.0.1', false],
    ['fe80::/10', 'febf::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['::/0', '::1', true],
    ['::/0', '10.0.0.1', false],
    ['::1/128', '::1', true],
    ['::1/128', '::2', false],
    // A mapped address is compared as IPv4, so an IPv6 network of mapped addresses never holds it.
    ['::ffff:0.0.0.0/96', '::ffff:10.0.0.1', false],
  ]
  for (const [network, address, inside] of CONTAINS) {
    it(`${network} ${inside ? 'contains' : 'does not contain'} ${address}`, () => {
      const bytesOf = parseIpAddress(address)
      assert.ok(bytesOf)
      assert.equal(networkContains(parseIpNetwork(network), bytesOf), inside)
    })
  }
})
