import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'bench.mjs')

// `npm run bench` is not part of CI, so a change that breaks a bench would show only when
// someone measures. Every bench runs here once at a hundredth of its counts: this proves that it
// runs and prints every row, not any figure.
describe('npm run bench, scaled down to a smoke run', function () {
  this.timeout(300_000)

  it('runs every bench to the end and prints every row with a figure', async () => {
    const child = spawn(process.execPath, [BENCH], { env: { ...process.env, AGENTID_BENCH_SCALE: '0.01' } })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    assert.equal(code, 0, `${out}\n${err}`)
    assert.match(out, /SCALED x0\.01: a smoke run, the figures mean nothing/)
    for (const row of [
      'node:crypto limit, 2 Ed25519 verifications', 'node:crypto limit, 1 Ed25519 verification',
      'agentid, VP with 1 new VC', 'agentid, VC 2.0: VP with 1 new VC', 'agentid, VP with an already-checked VC', 'parse floor: the limit + both payloads', 'parse floor: the limit + the VP', 'Veramo 7 agent, VP + VC + holder check', 'cold start to first verification', 'peak RSS over',
      'agentid, delegation chain of 1', 'agentid, delegation chain of 3', 'agentid, delegation chain of 5',
      'Veramo createVerifiableCredential', 'issuer service, POST /requests over HTTP', 'issuer service latency', 'revocation to refusal, push', 'status check per verification', 'credentials of one agent',
      'mutual handshake, both sides, CPU', 'request proof verified in a session, CPU', 'HTTP, same server without verification', 'HTTP, through a mutual session',
      'events ingested by the issuer, POST /events, warm', 'events ingested by the issuer, POST /events, cold', 'anomaly detector alone, warm', 'anomaly detector alone, cold', 'audit verify,',
      'serve: start to first answer',
      'OAuth token endpoint, jwt-bearer + DPoP grants', 'MCP kit per call: token + DPoP + status + authorize',
      'OpenID4VCI credential endpoint, renewals issued',
      'A2A card verifications, 1 EdDSA signature', 'A2A card verifications from JSON text',
      'agentid, SD-JWT VC, 3 disclosures + KB-JWT', 'SD-JWT VC, node:crypto limit, 2 Ed25519 verifications',
      'checked VC: signatures alone', 'checked VC: agentid: verify + authorize', 'new VC: + Buffer.from and JSON.parse', 'new VC: agentid: strict reading', 'new VC: agentid: read + signatures', 'new VC: agentid: verifyPresentation',
      'agentid agent list, remote, above bare node', 'agentid requests, remote, above bare node', 'agentid whoami, remote, above bare node', 'agentid verify, offline, above bare node', 'agentid --version, above bare node',
      // The PostgreSQL rows, where a server answers (the bench says it skipped otherwise; CI has one).
      ...(/skipped: no PostgreSQL/.test(out) && process.env.CI !== 'true' ? [] : [
        'grants over HTTP, SQLite, 1 process', 'grants over HTTP, PostgreSQL, 1 replica', 'grants over HTTP, PostgreSQL, 3 replicas', 'revocation to refusal across replicas',
      ]),
    ]) {
      const line = out.split('\n').find((l) => l.includes(row))
      assert.ok(line, `a row "${row}" in:\n${out}`)
      assert.match(line, /\s-?[0-9][0-9.,]*\s*(\/s|us|ms|s|MB|%)\s/, `a figure in: ${line}`)
    }
  })
})
