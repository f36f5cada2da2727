import type { Command } from 'commander'
import { agentIdError } from '@agentid/core'
import type { Issuer } from '@agentid/issuer'
import { localApi, remoteApi, type IssuerApi } from './api.js'
import { checkTokenFileMode, loadConfig, type CliConfig } from './config.js'
import { readTextFile } from './files.js'
import { Output, type CliIo } from './io.js'

/** What every command needs: the io, the global options, and the issuer when it uses one. */
export class CommandContext {
  #issuer: Issuer | undefined
  #api: (IssuerApi & { close?: () => Promise<void> }) | undefined
  #config: CliConfig | undefined
  /** Set by a command that ends without an error but with a "no" (a denied request). */
  exitCode = 0

  constructor(
    readonly io: CliIo,
    private readonly program: Command,
  ) {}

  /** The global options as given on the command line. */
  #flags(): { json?: boolean; home?: string; config?: string; database?: string } {
    return this.program.opts<{ json?: boolean; home?: string; config?: string; database?: string }>()
  }

  /** `--database` (a postgres:// URL); without it the issuer reads AGENTID_DATABASE, else uses the home's SQLite file. */
  database(): { database?: string } {
    const database = this.#flags().database
    return database !== undefined ? { database } : {}
  }

  /**
   * The config file (`--config`, else AGENTID_CONFIG, else `<home>/agentid.json`), read once.
   * @throws AgentIdError ERR_INPUT_INVALID
   */
  config(): CliConfig {
    this.#config ??= loadConfig({
      ...(this.#flags().config !== undefined ? { explicit: this.#flags().config! } : this.io.env.AGENTID_CONFIG ? { explicit: this.io.env.AGENTID_CONFIG } : {}),
      cwd: this.io.cwd,
      home: this.#resolve(this.#flags().home ?? this.io.env.AGENTID_HOME ?? '.agentid'),
    })
    return this.#config
  }

  /** `--json`, else AGENTID_OUTPUT (json or text), else the config file's `output`. */
  json(): boolean {
    if (this.#flags().json) return true
    const env = this.io.env.AGENTID_OUTPUT
    if (env === 'json' || env === 'text') return env === 'json'
    return this.config().output === 'json'
  }

  /** The output in the format {@link json} says. */
  out(): Output {
    return new Output(this.io, this.json())
  }

  /** The `--home` option, else AGENTID_HOME, else the config file's `home`, else `./.agentid` (resolved against cwd). */
  home(): string {
    return this.#resolve(this.#flags().home ?? this.io.env.AGENTID_HOME ?? this.config().home ?? '.agentid')
  }

  #resolve(path: string): string {
    return path.startsWith('/') ? path : `${this.io.cwd}/${path}`
  }

  /** The issuer service: AGENTID_URL, else the config file's `url`; undefined to work locally. */
  url(): string | undefined {
    return this.io.env.AGENTID_URL || this.config().url
  }

  /**
   * The principal's token: AGENTID_TOKEN, else the file AGENTID_TOKEN_FILE names, else the config
   * file's `token`, else the file its `tokenFile` names. A token file others can read is refused.
   * @throws AgentIdError ERR_INPUT_INVALID
   */
  async token(): Promise<string | undefined> {
    const env = this.io.env
    const config = this.config()
    // A token goes only to a service named where the token comes from: a config file that names
    // the service gives its token too (else a file could send your environment's token anywhere).
    if (!env.AGENTID_URL && config.url !== undefined && (env.AGENTID_TOKEN || env.AGENTID_TOKEN_FILE)) {
      throw agentIdError('ERR_USAGE', `${config.file} names the service (${config.url}) but the token comes from the environment: set AGENTID_URL too, or give the token in that file ("tokenFile")`)
    }
    if (env.AGENTID_TOKEN) return env.AGENTID_TOKEN
    const path = env.AGENTID_TOKEN_FILE || (config.token === undefined ? config.tokenFile : undefined)
    if (path === undefined) return config.token
    const full = path.startsWith('/') ? path : `${this.io.cwd}/${path}`
    checkTokenFileMode(full)
    return readTextFile(this.io.cwd, full, 'token file')
  }

  /**
   * Opens the issuer once per command; {@link close} closes it. Loaded on demand: the agent and
   * verifier commands must not pay for Veramo and SQLite at start-up.
   */
  async issuer(): Promise<Issuer> {
    const { Issuer } = await import('@agentid/issuer')
    this.#issuer ??= await Issuer.open({ home: this.home(), ...this.database(), env: this.io.env, allowPrivateWebhooks: this.allowPrivateWebhooks() })
    return this.#issuer
  }

  /** AGENTID_ALLOW_PRIVATE_WEBHOOKS=1: webhooks to loopback and private addresses (refused otherwise). */
  allowPrivateWebhooks(): boolean {
    return this.io.env.AGENTID_ALLOW_PRIVATE_WEBHOOKS === '1'
  }

  /**
   * The issuer API: the service at {@link url} (with the {@link token}) when set, else the same routes in this process on the local database, as the local operator (or
   * as the token's principal when a token is set).
   * @throws AgentIdError ERR_USAGE (URL without a token), ERR_NOT_FOUND (no local issuer)
   */
  async api(): Promise<IssuerApi> {
    if (this.#api) return this.#api
    const token = await this.token()
    const url = this.url()
    if (url) {
      if (!token) throw agentIdError('ERR_USAGE', 'AGENTID_URL is set: set AGENTID_TOKEN (or AGENTID_TOKEN_FILE, or "tokenFile" in the config file) to a principal token too')
      this.#api = remoteApi(url, token)
    } else {
      this.#api = await localApi(await this.issuer(), this.actor(), token)
    }
    return this.#api
  }

  /**
   * The API for public routes: like {@link api}, but a service is reached without a token when
   * none is set (`agentid status` checks a service it holds no token for).
   * @throws AgentIdError ERR_USAGE, ERR_NOT_FOUND (no local issuer)
   */
  async publicApi(): Promise<IssuerApi> {
    const url = this.url()
    // Public routes never get a token: it has no business there.
    if (url) return remoteApi(url, undefined)
    return this.api()
  }

  /** True when commands go to a service (AGENTID_URL) rather than the local database. */
  remote(): boolean {
    return Boolean(this.url())
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
