/**
 * A request's services as one `Map`: its own (the request, its query, what its middleware
 * provides) over its route's, which are shared by every request rather than copied into each (a
 * copy of the route's few dozen services was a measurable share of a GET).
 *
 * `Context` reads a context's map through `get` and `has`, copies it by iterating it
 * (`new Map(map)`, spreads, `entries()`, `forEach`) and compares contexts by `size` and `keys()`:
 * every one of those sees the union here, the request's own entries winning. Writes (`set`) go to
 * the request's own entries; `Context` never deletes from a map it did not just copy, and `delete`
 * here only removes a request's own entry (a route's service stays visible: see the README's
 * list of what compiled routes rely on).
 */
export class RequestServices extends Map<string, unknown> {
  readonly #route: ReadonlyMap<string, unknown>

  constructor(route: ReadonlyMap<string, unknown>) {
    super()
    this.#route = route
  }

  override get(key: string): unknown {
    return super.has(key) ? super.get(key) : this.#route.get(key)
  }

  override has(key: string): boolean {
    return super.has(key) || this.#route.has(key)
  }

  override get size(): number {
    let size = this.#route.size
    for (const key of super.keys()) if (!this.#route.has(key)) size++
    return size
  }

  override *entries(): MapIterator<[string, unknown]> {
    for (const entry of this.#route) if (!super.has(entry[0])) yield entry
    yield* super.entries()
  }

  override *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key
  }

  override *values(): MapIterator<unknown> {
    for (const [, value] of this.entries()) yield value
  }

  override [Symbol.iterator](): MapIterator<[string, unknown]> {
    return this.entries()
  }

  override forEach(callback: (value: unknown, key: string, map: Map<string, unknown>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this)
  }
}
