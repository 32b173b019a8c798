import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as fc from "fast-check"
import { RateLimit } from "../src/index.js"

const rule = (limit: number, windowMillis: number, burst = 1, name = "test") =>
  new RateLimit.RateLimitRule({ name, limit, window: Duration.millis(windowMillis), burst })

/** Feeds requests at the given times through the pure decision; answers the admitted times. */
const simulate = (r: RateLimit.RateLimitRule, times: ReadonlyArray<number>) => {
  let state = Option.none<RateLimit.RateLimitState>()
  const admitted: Array<number> = []
  for (const t of times) {
    const result = Either.getOrThrow(RateLimit.decide(r, state, t))
    if (result.decision._tag === "Allowed") admitted.push(t)
    state = result.state
  }
  return { admitted, state }
}

const arbRule = fc
  .record({ limit: fc.integer({ min: 1, max: 50 }), window: fc.integer({ min: 1, max: 10_000 }) })
  .chain(({ limit, window }) => fc.integer({ min: 1, max: limit }).map((burst) => rule(limit, window, burst)))

const arbWholeIntervalRule = fc
  .record({ limit: fc.integer({ min: 1, max: 50 }), interval: fc.integer({ min: 1, max: 200 }) })
  .chain(({ interval, limit }) =>
    fc.integer({ min: 1, max: limit }).map((burst) => rule(limit, limit * interval, burst))
  )

describe("RateLimit.decide", () => {
  it("never admits more than maxPerWindow in any half-open window", () =>
    fc.assert(
      fc.property(arbRule, fc.array(fc.integer({ min: 0, max: 30_000 }), { maxLength: 300 }), (r, raw) => {
        const times = [...raw].sort((a, b) => a - b)
        const { admitted } = simulate(r, times)
        const window = Duration.toMillis(r.window)
        let start = 0
        for (let end = 0; end < admitted.length; end++) {
          while (admitted[end]! - admitted[start]! >= window) start++
          expect(end - start + 1).toBeLessThanOrEqual(r.maxPerWindow)
        }
      }),
      { numRuns: 500 }
    ))

  it("reaches maxPerWindow: the bound is tight", () =>
    fc.assert(
      // A whole-millisecond emission interval, so requests sampled every millisecond never drift.
      fc.property(arbWholeIntervalRule, (r) => {
        const window = Duration.toMillis(r.window)
        // From an idle key: the whole burst at 0, then a request every millisecond of the window.
        const times = [...Array.from({ length: r.burst }, () => 0), ...Array.from({ length: window - 1 }, (_, i) => i + 1)]
        expect(simulate(r, times).admitted.length).toBe(r.maxPerWindow)
      }),
      { numRuns: 300 }
    ))

  it("admits the first `burst` simultaneous requests and no more", () =>
    fc.assert(
      fc.property(arbRule, fc.integer({ min: 0, max: 1e12 }), (r, t) => {
        const { admitted } = simulate(r, Array.from({ length: r.burst + 5 }, () => t))
        expect(admitted.length).toBe(r.burst)
      })
    ))

  it("retryAfter is exact to the millisecond, and a rejection changes nothing", () =>
    fc.assert(
      fc.property(arbRule, fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 100 }), (r, raw) => {
        const times = [...raw].sort((a, b) => a - b)
        const { state } = simulate(r, times)
        const t = times[times.length - 1]!
        // Exhaust the key at t, then probe the rejection.
        let s = state
        let rejected: { retryAfter: Duration.Duration } | undefined
        for (let i = 0; i <= r.burst && rejected === undefined; i++) {
          const result = Either.getOrThrow(RateLimit.decide(r, s, t))
          if (result.decision._tag === "Rejected") {
            expect(result.state).toEqual(s)
            rejected = result.decision
          }
          s = result.state
        }
        expect(rejected).toBeDefined()
        const wait = Duration.toMillis(rejected!.retryAfter)
        expect(wait).toBeGreaterThan(0)
        expect(Either.getOrThrow(RateLimit.decide(r, s, t + wait)).decision._tag).toBe("Allowed")
        expect(Either.getOrThrow(RateLimit.decide(r, s, t + wait - 1)).decision._tag).toBe("Rejected")
      }),
      { numRuns: 500 }
    ))

  it("refuses a cost the rule can never admit, with Validation", () => {
    const r = rule(10, 1000, 3)
    for (const cost of [0, 4, 1.5]) {
      const result = RateLimit.decide(r, Option.none(), 0, cost)
      expect(Either.isLeft(result) && result.left._tag).toBe("Validation")
    }
    expect(Either.isRight(RateLimit.decide(r, Option.none(), 0, 3))).toBe(true)
  })

  it("counts remaining and reset from the rule", () => {
    const r = rule(4, 1000, 4)
    const first = Either.getOrThrow(RateLimit.decide(r, Option.none(), 0))
    expect(first.decision).toMatchObject({ _tag: "Allowed", remaining: 3 })
    if (first.decision._tag === "Allowed") expect(Duration.toMillis(first.decision.resetAfter)).toBe(250)
  })
})

describe("RateLimiter", () => {
  const sync = rule(3, 60_000, 1, "editor.sync")

  it.effect("admits up to the rule, then fails RateLimited with the exact retryAfter", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimit.RateLimiter
      const key = { tenant: "project-1", rule: sync }
      yield* limiter.consume(key)
      const error = yield* Effect.flip(limiter.consume(key))
      expect(error._tag).toBe("RateLimited")
      if (error._tag !== "RateLimited") return
      expect(error.rule).toBe("editor.sync")
      expect(Duration.toMillis(error.retryAfter)).toBe(20_000)
      yield* TestClock.adjust(Duration.millis(19_999))
      expect((yield* Effect.flip(limiter.consume(key)))._tag).toBe("RateLimited")
      yield* TestClock.adjust(Duration.millis(1))
      yield* limiter.consume(key)
    }).pipe(Effect.provide(RateLimit.layerMemory)))

  it.effect("keeps tenants and rules independent", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimit.RateLimiter
      const other = rule(3, 60_000, 1, "editor.export")
      yield* limiter.consume({ tenant: "a", rule: sync })
      expect((yield* Effect.flip(limiter.consume({ tenant: "a", rule: sync })))._tag).toBe("RateLimited")
      yield* limiter.consume({ tenant: "b", rule: sync })
      yield* limiter.consume({ tenant: "a", rule: other })
    }).pipe(Effect.provide(RateLimit.layerMemory)))

  it.effect("is atomic per key under concurrency: exactly the burst is admitted", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimit.RateLimiter
      const key = { tenant: "t", rule: rule(100, 1000, 7) }
      const results = yield* Effect.all(Array.from({ length: 50 }, () => Effect.either(limiter.consume(key))), {
        concurrency: "unbounded"
      })
      expect(results.filter(Either.isRight)).toHaveLength(7)
    }).pipe(Effect.provide(RateLimit.layerMemory)))
})
