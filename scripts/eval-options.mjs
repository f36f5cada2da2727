// The options the anomaly evaluation's scripts share (eval-anomaly.mjs, eval-anomaly-explain.mjs),
// read strictly: a mistyped option must not run the default seeds and print their figures.
import { parseArgs } from 'node:util'
import { REPORTERS } from './anomaly-eval.mjs'

/**
 * Reads the script's `options` (node:util parseArgs) with --agents, --reporters and --help added,
 * and checks the shared ones. --help prints `usage` and exits 0; an unknown or malformed option
 * prints the problem and `usage` and exits 2. Returns the values and `fail` for the script's own checks.
 */
export function readOptions(usage, options) {
  const fail = (message) => {
    console.error(`${message}\n${usage}`)
    process.exit(2)
  }
  let values
  try {
    values = parseArgs({
      options: { ...options, agents: { type: 'string', default: '150' }, reporters: { type: 'string', default: 'one' }, help: { type: 'boolean', short: 'h', default: false } },
    }).values
  } catch (e) {
    fail(e.message)
  }
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  const agents = Number(values.agents)
  if (!Number.isSafeInteger(agents) || agents < 1) fail(`--agents: a whole number, not ${values.agents}`)
  if (!REPORTERS.includes(values.reporters)) fail(`--reporters: one of ${REPORTERS.join(', ')}, not ${values.reporters}`)
  return { values: { ...values, agents }, fail }
}

/** The workload module `--workload` names: a (./workload.mjs), b-h (./workload-<w>.mjs), or a module path. */
export function loadWorkload(name) {
  return import(name === 'a' ? './workload.mjs' : ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].includes(name) ? `./workload-${name}.mjs` : new URL(name, `file://${process.cwd()}/`).href)
}
