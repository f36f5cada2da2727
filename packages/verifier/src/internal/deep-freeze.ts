/**
 * Freezes a value and everything reachable from it. Checked credentials are cached and shared by
 * every result that carries them: a caller that edited one would change what later presentations
 * of the same credential grant.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
  }
  return value
}
