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
  /**
   * Both maps as one, made the first time the whole is read (a copy, compared or iterated:
   * never on a plain GET, which only looks services up) and again after the next write, so a
   * request pays at most what the copy it replaces cost.
   */
  #whole: Map<string, unknown> | undefined

  constructor(route: ReadonlyMap<string, unknown>) {
    super()
    this.#route = route
  }

  #flattened(): Map<string, unknown> {
    if (this.#whole !== undefined) return this.#whole
    const whole = new Map(this.#route)
    for (const [key, value] of super.entries()) whole.set(key, value)
    return this.#whole = whole
  }

  override get(key: string): unknown {
    return super.has(key) ? super.get(key) : this.#route.get(key)
  }

  override has(key: string): boolean {
    return super.has(key) || this.#route.has(key)
  }

  override set(key: string, value: unknown): this {
    super.set(key, value)
    this.#whole = undefined
    return this
  }

  override delete(key: string): boolean {
    this.#whole = undefined
    return super.delete(key)
  }

  override get size(): number {
    return this.#flattened().size
  }

  override entries(): MapIterator<[string, unknown]> {
    return this.#flattened().entries()
  }

  override keys(): MapIterator<string> {
    return this.#flattened().keys()
  }

  override values(): MapIterator<unknown> {
    return this.#flattened().values()
  }

  override [Symbol.iterator](): MapIterator<[string, unknown]> {
    return this.#flattened().entries()
  }

  override forEach(callback: (value: unknown, key: string, map: Map<string, unknown>) => void, thisArg?: unknown): void {
    this.#flattened().forEach((value, key) => callback.call(thisArg, value, key, this))
  }
}
