/**
 * A bounded map that forgets its oldest entry first (first in, first out). Reads do not reorder:
 * keeping recency would cost a delete and an insert on every hit of the hot path, and an entry
 * forgotten too early is only work redone (a parse, a signature check), never a wrong answer.
 */
export class BoundedCache<K, V> {
  readonly #max: number
  readonly #map = new Map<K, V>()

  constructor(max: number) {
    this.#max = max
  }

  get(key: K): V | undefined {
    return this.#map.get(key)
  }

  set(key: K, value: V): void {
    if (this.#max === 0) return
    this.#map.delete(key)
    this.#map.set(key, value)
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as K)
  }
}
