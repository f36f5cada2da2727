// What the scripts and the tests share to run a helper process that speaks JSON lines
// (scripts/verifier-process.mjs, scripts/mutual-agent-process.mjs): it prints {"ready":true,...}
// once, then answers every {"id":n,...} line it is sent with one line of the same id. And a free
// loopback port for a service that must know its URL before it listens.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'

/** Starts `node <script>` with `env` and resolves once it is ready, with what it said then. */
export async function startLineProcess(script, env) {
  const child = spawn(process.execPath, [script], { env, stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = new Map()
  let ready
  const started = new Promise((resolve, reject) => {
    ready = resolve
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)))
  })
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line)
    if (message.ready) return ready(message)
    waiting.get(message.id)?.(message)
    waiting.delete(message.id)
  })
  const info = await started
  let next = 0
  return {
    info,
    request(message) {
      const id = ++next
      return new Promise((resolve) => {
        waiting.set(id, resolve)
        child.stdin.write(`${JSON.stringify({ id, ...message })}\n`)
      })
    },
    stop() {
      child.kill()
    },
  }
}

/** A free loopback port (closed again at once). */
export async function freePort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}
