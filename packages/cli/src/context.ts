import type { Command } from 'commander'
import type { Issuer } from '@agentid/issuer'
import { Output, type CliIo } from './io.js'

/** What every command needs: the io, the global options, and the issuer when it uses one. */
export class CommandContext {
  #issuer: Issuer | undefined
  /** Set by a command that ends without an error but with a "no" (a denied request). */
  exitCode = 0

  constructor(
    readonly io: CliIo,
    private readonly program: Command,
  ) {}

  /** The output for the global `--json` flag. */
  out(): Output {
    return new Output(this.io, Boolean(this.program.opts<{ json?: boolean }>().json))
  }

  /** The `--home` option, else AGENTID_HOME, else `./.agentid` (resolved against cwd). */
  home(): string {
    const home = this.program.opts<{ home?: string }>().home ?? this.io.env.AGENTID_HOME ?? '.agentid'
    return home.startsWith('/') ? home : `${this.io.cwd}/${home}`
  }

  /**
   * Opens the issuer once per command; {@link close} closes it. Loaded on demand: the agent and
   * verifier commands must not pay for Veramo and SQLite at start-up.
   */
  async issuer(): Promise<Issuer> {
    const { Issuer } = await import('@agentid/issuer')
    this.#issuer ??= await Issuer.open({ home: this.home(), env: this.io.env })
    return this.#issuer
  }

  /** The actor recorded in the audit log for CLI changes. */
  actor(): string {
    return `cli:${this.io.env.USER ?? this.io.env.LOGNAME ?? 'operator'}`
  }

  async close(): Promise<void> {
    await this.#issuer?.close()
    this.#issuer = undefined
  }
}
