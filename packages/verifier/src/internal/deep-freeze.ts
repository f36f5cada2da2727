/**
 * Freezes a value and everything reachable from it. Checked credentials are cached and shared by
 * every result that carries them: a caller that edited one would change what later presentations
 * of the same credential grant. (`for…in` rather than Object.keys: no array per object, and this
 * runs once per new credential on the verifier's hot path.)
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key in value) {
      const child = value[key]
      if (typeof child === 'object' && child !== null) deepFreeze(child)
    }
  }
  return value
}
