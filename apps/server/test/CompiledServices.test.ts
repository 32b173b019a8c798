/**
 * A request's services over its route's (`src/compiled/services.ts`): to `Context` the same as one
 * map holding both, the request's own entries winning, while the route's map is never written.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import { describe, expect, it } from "vitest"
import { RequestServices } from "../src/compiled/services.js"

class Store extends Context.Tag("test/Store")<Store, string>() {}
class Clock extends Context.Tag("test/Clock")<Clock, string>() {}
class Request extends Context.Tag("test/Request")<Request, string>() {}
class Caller extends Context.Tag("test/Caller")<Caller, string>() {}

const routeContext = Context.make(Store, "store").pipe(Context.add(Clock, "route clock"))

const requestContext = () => {
  const services = new RequestServices(routeContext.unsafeMap)
  services.set(Request.key, "request")
  services.set(Clock.key, "request clock")
  return { services, context: Context.unsafeMake<Store | Clock | Request>(services) }
}

describe("RequestServices", () => {
  it("reads, copies, merges and compares as one map of the route's and the request's services", () => {
    const { context, services } = requestContext()
    const flat = Context.make(Store, "store").pipe(Context.add(Clock, "request clock"), Context.add(Request, "request"))
    expect(Context.get(context, Store)).toBe("store")
    expect(Context.get(context, Clock)).toBe("request clock")
    expect(Context.getOption(context, Caller)._tag).toBe("None")
    expect(services.size).toBe(3)
    expect(new Set(services.keys())).toEqual(new Set([Store.key, Clock.key, Request.key]))
    expect(Equal.equals(context, flat)).toBe(true)
    const added = Context.add(context, Caller, "caller")
    expect([Context.get(added, Store), Context.get(added, Clock), Context.get(added, Caller)]).toEqual(["store", "request clock", "caller"])
    expect(added.unsafeMap.size).toBe(4)
    const merged = Context.merge(Context.make(Caller, "merged"), context)
    expect(merged.unsafeMap.size).toBe(4)
    expect(Context.get(merged, Clock)).toBe("request clock")
    expect(Context.omit(Clock)(context).unsafeMap.has(Clock.key)).toBe(false)
    const seen: Array<string> = []
    services.forEach((_value, key) => seen.push(key))
    expect(seen.sort()).toEqual([Clock.key, Request.key, Store.key].sort())
    // The route's services are shared by every request: never written.
    services.set(Caller.key, "caller")
    expect(routeContext.unsafeMap.size).toBe(2)
    expect(routeContext.unsafeMap.get(Clock.key)).toBe("route clock")
  })

  it("serves an Effect run in it, services provided on top included", () => {
    const { context } = requestContext()
    const program = Effect.all([Store, Clock, Request, Caller]).pipe(Effect.provideService(Caller, "caller"))
    expect(Effect.runSync(Effect.provide(program, context))).toEqual(["store", "request clock", "request", "caller"])
  })
})
