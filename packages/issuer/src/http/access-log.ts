import { createWriteStream } from 'node:fs'
import { agentIdError } from '@agentid/core'

/**
 * One line of the access log. What it never holds, by construction: a token, an Authorization
 * header or any other header, a body, a query string, or a path (the route pattern stands for
 * it: `/credentials/:id`, so not even a record id is written).
 */
export interface AccessLogEntry {
  /** When the answer was sent, ISO 8601. */
  readonly time: string
  readonly method: string
  /** The route pattern, or null for a request no route matched. */
  readonly route: string | null
  readonly status: number
  /** Milliseconds from the request received to its answer sent (to the stream's end, for `/status/events`). */
  readonly ms: number
  /** The client's address as the socket gives it (behind a proxy: the proxy's). */
  readonly client: string
  /** The authenticated principal's id, or an agent's DID when it spoke for itself; absent otherwise. */
  readonly principal?: string
}

/** The line written for an entry: one JSON object, newline-terminated. */
export function accessLogLine(entry: AccessLogEntry): string {
  return `${JSON.stringify(entry)}\n`
}

/** Where access-log lines go, and how to flush and close it. */
export interface AccessLogSink {
  write(line: string): void
  close(): Promise<void>
}

/**
 * An access log appended to `path`, created owner-only (0600: client addresses and principal ids
 * are personal data in many places). Writes are buffered; {@link AccessLogSink.close} flushes.
 * @throws AgentIdError ERR_USAGE when the file cannot be opened
 */
export async function openAccessLogFile(path: string): Promise<AccessLogSink> {
  const stream = createWriteStream(path, { flags: 'a', mode: 0o600 })
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve())
    stream.once('error', (cause) => reject(agentIdError('ERR_USAGE', `cannot open the access log ${path}: ${cause.message}`, { cause })))
  })
  // A failing disk must not take the service down: the lines are lost, once said.
  let failed = false
  stream.on('error', (error) => {
    if (!failed) process.stderr.write(`agentid serve: access log ${path}: ${error.message}; lines are lost until it is fixed\n`)
    failed = true
  })
  return {
    write: (line) => void stream.write(line),
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  }
}
