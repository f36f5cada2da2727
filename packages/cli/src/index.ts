// Public API of @agentid/cli: the command as a function, for embedding and tests.
export { run, VERSION } from './run.js'
export type { CliIo } from './io.js'
