// Types of scripts/line-process.mjs, for the tests that use it.
export interface LineProcess<Info> {
  /** What the process said when it was ready. */
  readonly info: Info
  /** Sends one message (an id is added) and resolves to the answer with that id. */
  request(message: Record<string, unknown>): Promise<any>
  stop(): void
}
export function startLineProcess<Info = Record<string, unknown>>(script: string, env: NodeJS.ProcessEnv): Promise<LineProcess<Info>>
export function freePort(): Promise<number>
