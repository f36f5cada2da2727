import type { ChildProcess } from 'node:child_process'

/**
 * Resolves once a child process has printed `pattern` (stdout and stderr together), with all it
 * printed so far; rejects when it exits first. It waits on the output, not on a clock: a busy
 * machine only makes it later. `limitMs` (default 2 minutes) only keeps a hung process from
 * hanging the suite.
 */
export function waitForOutput(child: ChildProcess, pattern: RegExp | string, limitMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    const matches = () => (typeof pattern === 'string' ? out.includes(pattern) : pattern.test(out))
    const done = (error?: Error) => {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.stderr?.off('data', onData)
      child.off('exit', onExit)
      if (error) reject(error)
      else resolve(out)
    }
    const onData = (chunk: Buffer | string) => {
      out += chunk.toString()
      if (matches()) done()
    }
    const onExit = (code: number | null) => done(new Error(`the process exited (${code}) before printing ${pattern}: ${out}`))
    const timer = setTimeout(() => done(new Error(`no ${pattern} after ${limitMs} ms: ${out}`)), limitMs)
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', onExit)
  })
}
