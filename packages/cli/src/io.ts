import { agentIdError, isAgentIdError, type AgentIdError } from '@agentid/core'

/** Where a command reads and writes: the real process, or a test's buffers. */
export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
  /** True when stderr is a terminal (progress and colour only then). */
  readonly isTty: boolean
}

/** How a command reports: one JSON document in `--json` mode, lines for people otherwise. */
export class Output {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** The command's result: `data` as JSON, or the human lines. */
  result(data: unknown, human: () => string): void {
    this.io.stdout(this.json ? `${JSON.stringify(data, null, 2)}\n` : ensureNewline(human()))
  }

  /** A note for people on stderr (never in `--json` mode, which stays machine-readable). */
  note(text: string): void {
    if (!this.json) this.io.stderr(ensureNewline(text))
  }

  /** The error line (or JSON error document) on stderr; returns the exit code. */
  error(error: AgentIdError): number {
    if (this.json) this.io.stderr(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`)
    else this.io.stderr(`agentid: ${error.code}: ${error.message}\n`)
    return error.exitCode
  }
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`
}

/** Any thrown value as an AgentIdError (unexpected ones keep their cause). */
export function asAgentIdError(error: unknown): AgentIdError {
  if (isAgentIdError(error)) return error
  return agentIdError('ERR_STORE', `unexpected failure: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
}
