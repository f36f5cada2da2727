import type { Command } from 'commander'
import { agentIdError, parseConstraints, parseDuration, parseEntitlement, type Entitlement } from '@agentid/core'

/** Commander collector for repeatable options whose values may hold commas (`--constraint days=mon,tue`). */
export function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/** Commander collector for repeatable options (`--action read --action list`, or `read,list`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')]
}

/**
 * Parses `--constraint key=value` options into a constraints object (lists are comma-separated).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function parseConstraintOptions(pairs: readonly string[]): Record<string, unknown> | undefined {
  if (pairs.length === 0) return undefined
  const out: Record<string, unknown> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw agentIdError('ERR_INPUT_INVALID', `--constraint must be key=value, not "${pair}"`)
    const key = pair.slice(0, eq)
    const value = pair.slice(eq + 1)
    if (Object.hasOwn(out, key)) throw agentIdError('ERR_INPUT_INVALID', `--constraint ${key} is given twice`)
    if (key === 'days' || key === 'networks') out[key] = value.split(',').map((v) => v.trim())
    else if (key === 'maxRecords') out[key] = /^[0-9]{1,15}$/.test(value) ? Number(value) : value
    else out[key] = value
  }
  parseConstraints(out, 'constraint')
  return out
}

/**
 * The options that describe one entitlement and its lifetime (read back by entitlementFromOptions
 * and ttlSeconds): grant, request and role set take the same ones.
 */
export function entitlementOptions(command: Command, defaultTtl: string): Command {
  return command
    .requiredOption('--resource <pattern>', 'scheme:path, optionally ending in /* (e.g. db:customers, crm:accounts/*); repeatable: one entitlement per resource, each with the same actions, purpose and constraints', repeatable)
    .requiredOption('--action <action>', 'allowed action; repeat or comma-separate (read,list)', collect)
    .option('--purpose <purpose>', 'the only purpose the credential may be used for')
    .option('--ttl <duration>', 'lifetime: 30s, 15m, 24h, 7d (the policy sets the maximum)', defaultTtl)
    .option('--constraint <key=value>', 'hours=08:00-18:00Z | days=mon,tue | networks=10.0.0.0/8,fd00::/8 | maxRecords=5000; repeatable', repeatable)
}

/**
 * Builds the entitlements of `grant` options: one per `--resource`, each with the same actions,
 * purpose and constraints.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function entitlementsFromOptions(options: { resource: string[]; action: string[]; purpose?: string; constraint?: string[] }): Entitlement[] {
  const constraints = parseConstraintOptions(options.constraint ?? [])
  if (new Set(options.resource).size !== options.resource.length) throw agentIdError('ERR_INPUT_INVALID', '--resource names the same resource twice')
  return options.resource.map((resource, i) => parseEntitlement(
    { resource, actions: options.action, ...(options.purpose !== undefined ? { purpose: options.purpose } : {}), ...(constraints ? { constraints } : {}) },
    `entitlements[${i}]`,
  ))
}

/**
 * Parses a `--ttl` duration (`15m`, `24h`, `7d`).
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export function ttlSeconds(value: string, maxSeconds?: number): number {
  return parseDuration(value, '--ttl', maxSeconds)
}
