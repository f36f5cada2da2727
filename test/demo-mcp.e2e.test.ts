import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// `npm run demo:mcp` runs to the end and shows what it says it shows: three processes (issuer,
// MCP server, agent) on 127.0.0.1 with the official SDK. Its timings are printed, never asserted.
describe('npm run demo:mcp (three real processes)', function () {
  this.timeout(120_000)
  it('walks from an allowed call through a step-up to a suspension that cuts the agent off', async () => {
    const script = fileURLToPath(new URL('../scripts/demo-mcp.mjs', import.meta.url))
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    const code = await new Promise((resolve) => child.once('exit', resolve))
    assert.equal(code, 0, out)
    const steps = [
      /1\. query_customers[\s\S]*allowed: 50 customers/,
      /2\. query_customers[\s\S]*refused: ERR_CONSTRAINT/,
      /3\. update_customer[\s\S]*refused: ERR_NOT_ENTITLED[\s\S]*write on db:customers, at http:\/\/127\.0\.0\.1:\d+\/requests/,
      /olga approves: HTTP 200; sam approves: HTTP 200/,
      /update_customer again: allowed: customer c-1042 updated/,
      /5\. export_payroll[\s\S]*refused: ERR_NOT_ENTITLED/,
      /6\. Security suspends[\s\S]*next call: refused: ERR_VC_SUSPENDED/,
    ]
    for (const step of steps) assert.match(out, step)
  })
})
