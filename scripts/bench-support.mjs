// What the bench scripts share: pinning to one core, the clients' process on the other, medians, the table.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

// True when `taskset` can pin processes to a CPU.
const canPin = existsSync('/usr/bin/taskset')

/**
 * Re-runs the script `self` pinned to CPU 0 (once: the child sees AGENTID_BENCH_PINNED) and exits
 * with its status; returns when already pinned or when `taskset` is missing.
 */
export function pinToCpu0(self) {
  if (!canPin || process.env.AGENTID_BENCH_PINNED) return
  const r = spawnSync('taskset', ['-c', '0', process.execPath, self, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, AGENTID_BENCH_PINNED: '1' } })
  process.exit(r.status ?? 1)
}

/**
 * Runs a node script on CPU 1 (the load, beside a server pinned to CPU 0) without blocking this
 * process, and resolves to the JSON it prints.
 */
export function runOnCpu1(args) {
  return new Promise((resolve, reject) => {
    const child = canPin ? spawn('taskset', ['-c', '1', process.execPath, ...args]) : spawn(process.execPath, args)
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err))))
  })
}

/**
 * `AGENTID_BENCH_SCALE` (default 1) multiplies the benches' counts and rounds. `npm test` runs
 * every bench at 0.01 to prove that it still runs (a bench that breaks only shows when someone
 * measures); the figures of a scaled run mean nothing.
 */
export const SCALE = benchScale(process.env.AGENTID_BENCH_SCALE)

function benchScale(value) {
  if (value === undefined || value === '') return 1
  const scale = Number(value)
  if (!(scale > 0 && scale <= 1)) throw new Error(`AGENTID_BENCH_SCALE must be a number in (0, 1], not ${value}`)
  return scale
}

/** `n` times the scale, and at least `min`. */
export const scaled = (n, min = 1) => Math.max(min, Math.round(n * SCALE))

/** The bench's first line: when, on what, and whether the figures count. */
export function banner(name) {
  const scale = SCALE === 1 ? '' : `, SCALED x${SCALE}: a smoke run, the figures mean nothing`
  return `${name} (${new Date().toISOString()}, node ${process.version}, ${process.env.AGENTID_BENCH_PINNED ? 'pinned to CPU 0' : 'not pinned'}${scale})`
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** Prints the bench's table: what was measured, the figure, and a note (the target, the method). */
export function printRows(rows) {
  for (const [what, value, note] of rows) console.log(`${what.padEnd(52)} ${value.padStart(10)}  ${note}`)
}

/**
 * The clock the paired rounds of scripts/bench.mjs read: `cpu` (the default since issue 20) is
 * this process's CPU time (user + system, every thread), so that other engineers' work on the
 * shared VM, which takes the core away for a while, does not land in one side of a ratio;
 * `AGENTID_BENCH_CLOCK=wall` reads the wall clock as before. Either way, pinned to one core.
 */
export const BENCH_CLOCK = process.env.AGENTID_BENCH_CLOCK === 'wall' ? 'wall' : 'cpu'
/** Starts the {@link BENCH_CLOCK}; the function it returns gives the seconds since. */
export const startClock = BENCH_CLOCK === 'wall'
  ? () => { const start = process.hrtime.bigint(); return () => Number(process.hrtime.bigint() - start) / 1e9 }
  : () => { const start = process.cpuUsage(); return () => { const d = process.cpuUsage(start); return (d.user + d.system) / 1e6 } }

/** Operations per second of `fn(i)` for i in [0, n), by {@link BENCH_CLOCK}. */
export function clockOpsPerSecond(n, fn) {
  const elapsed = startClock()
  for (let i = 0; i < n; i++) fn(i)
  return n / elapsed()
}

/** The same for an async `fn`, one at a time. */
export async function asyncClockOpsPerSecond(n, fn) {
  const elapsed = startClock()
  for (let i = 0; i < n; i++) await fn(i)
  return n / elapsed()
}

/**
 * Operations per second of each of `sides` (`fn(i)`, one call at a time, awaited only when it
 * returns a promise: a synchronous side pays no microtask) over the same
 * i in [0, n), by {@link BENCH_CLOCK}, run in turns of `chunk` calls: side 1 on 0..chunk-1, side
 * 2 on the same, ..., then the next chunk. A ratio of two sides then compares work done within
 * milliseconds of each other, so a slower moment of the shared machine (or the collector's debt
 * from the other side) lands on both alike; timing each side for a whole round apart let it land
 * on one (issue 20: paired rounds of 3,000 calls each spread 74-115% where turns of 100 spread a
 * few points).
 */
export async function interleavedRates(n, chunk, sides) {
  const seconds = sides.map(() => 0)
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk)
    for (let s = 0; s < sides.length; s++) {
      const fn = sides[s]
      const elapsed = startClock()
      for (let i = start; i < end; i++) {
        const result = fn(i)
        if (result instanceof Promise) await result
      }
      seconds[s] += elapsed()
    }
  }
  return seconds.map((t) => n / t)
}

/** Operations per second of `fn(i)` for i in [0, n). */
export function opsPerSecond(n, fn) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) fn(i)
  return n / (Number(process.hrtime.bigint() - start) / 1e9)
}

/** The same for an async `fn`, one at a time. */
export async function asyncOpsPerSecond(n, fn) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await fn(i)
  return n / (Number(process.hrtime.bigint() - start) / 1e9)
}
