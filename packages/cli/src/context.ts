import type { Command } from 'commander'
import { agentIdError } from '@agentid/core'
import type { Issuer } from '@agentid/issuer'
import { localApi, remoteApi, type IssuerApi } from './api.js'
import { readTextFile } from './files.js'
import { Output, type CliIo } from './io.js'

/** What every command needs: the io, the global options, and the issuer when it uses one. */
export class CommandContext {
  #issuer: Issuer | undefined
  #api: (IssuerApi & { close?: () => Promise<void> }) | undefined
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
    this.#issuer ??= await Issuer.open({ home: this.home(), env: this.io.env, allowPrivateWebhooks: this.allowPrivateWebhooks() })
    return this.#issuer
  }

  /** AGENTID_ALLOW_PRIVATE_WEBHOOKS=1: webhooks to loopback and private addresses (refused otherwise). */
  allowPrivateWebhooks(): boolean {
    return this.io.env.AGENTID_ALLOW_PRIVATE_WEBHOOKS === '1'
  }

  /**
   * The issuer API: the service at AGENTID_URL (with AGENTID_TOKEN or AGENTID_TOKEN_FILE) when
   * set, else the same routes in this process on the local database, as the local operator (or
   * as the token's principal when a token is set).
   * @throws AgentIdError ERR_USAGE (URL without a token), ERR_NOT_FOUND (no local issuer)
   */
  async api(): Promise<IssuerApi> {
    if (this.#api) return this.#api
    const env = this.io.env
    const token = env.AGENTID_TOKEN || (env.AGENTID_TOKEN_FILE ? await readTextFile(this.io.cwd, env.AGENTID_TOKEN_FILE, 'token file') : undefined)
    if (env.AGENTID_URL) {
      if (!token) throw agentIdError('ERR_USAGE', 'AGENTID_URL is set: set AGENTID_TOKEN (or AGENTID_TOKEN_FILE) to a principal token too')
      this.#api = remoteApi(env.AGENTID_URL, token)
    } else {
      this.#api = await localApi(await this.issuer(), this.actor(), token)
    }
    return this.#api
  }

  /** True when commands go to a service (AGENTID_URL) rather than the local database. */
  remote(): boolean {
    return Boolean(this.io.env.AGENTID_URL)
  }

  /** The actor recorded in the audit log for CLI changes. */
  actor(): string {
    return `cli:${this.io.env.USER ?? this.io.env.LOGNAME ?? 'operator'}`
  }

  async close(): Promise<void> {
    await this.#api?.close?.()
    this.#api = undefined
    await this.#issuer?.close()
    this.#issuer = undefined
  }
}
