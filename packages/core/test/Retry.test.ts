import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"
import * as fc from "fast-check"
import { ProjectsError, Retry } from "../src/index.js"

const unavailable = new ProjectsError.ProviderFailure({ provider: "test", status: 503, body: "unavailable" })
const rateLimited = (millis: number) => new ProjectsError.RateLimited({ retryAfter: Duration.millis(millis) })

/**
 * Runs a request that fails with `errors` in turn (then succeeds) under the retry policy, moving
 * the TestClock until it settles; answers the clock times of every attempt and the outcome.
 */
const attemptsOf = (
  method: Retry.HttpMethod,
  errors: ReadonlyArray<unknown>,
  policy: Retry.RetryPolicy = Retry.defaultPolicy,
  seed = 1
) =>
  Effect.gen(function*() {
    const times = yield* Ref.make<ReadonlyArray<number>>([])
    const request = Effect.gen(function*() {
      const now = yield* TestClock.currentTimeMillis
      const seen = yield* Ref.updateAndGet(times, (ts) => [...ts, now])
      const error = errors[seen.length - 1]
      return error === undefined ? "ok" : yield* Effect.fail(error)
    })
    const fiber = yield* request.pipe(Retry.retry(method, policy), Effect.either, Effect.withRandom(Random.make(seed)), Effect.fork)
    // Far past any budget: every pending sleep resolves.
    yield* TestClock.adjust(Duration.hours(1))
    const outcome = yield* Fiber.join(fiber)
    return { outcome, times: yield* Ref.get(times) }
  })

describe("Retry.isRetryable", () => {
  it("retries a 429 whatever the method: the server provably did not process it", () => {
    for (const method of ["GET", "POST", "PATCH", "DELETE"] as const) {
      expect(Retry.isRetryable(rateLimited(10), method)).toBe(true)
    }
  })

  it("retries 502/503/504 and transport failures only on idempotent methods", () => {
    for (const status of [0, 502, 503, 504]) {
      const error = new ProjectsError.ProviderFailure({ provider: "test", status, body: "" })
      expect(Retry.isRetryable(error, "GET")).toBe(true)
      expect(Retry.isRetryable(error, "PUT")).toBe(true)
      expect(Retry.isRetryable(error, "DELETE")).toBe(true)
      expect(Retry.isRetryable(error, "POST")).toBe(false)
      expect(Retry.isRetryable(error, "PATCH")).toBe(false)
    }
  })

  it("never retries a 500, a client error or a domain error", () => {
    const never = [
      new ProjectsError.ProviderFailure({ provider: "test", status: 500, body: "" }),
      new ProjectsError.ProviderFailure({ provider: "test", status: 400, body: "" }),
      new ProjectsError.NotFound({ resource: "project", id: "p" }),
      ProjectsError.Validation.single(["name"], "required"),
      new ProjectsError.Unauthorized({ reason: "MissingCredentials" }),
      new Error("boom"),
      "not an error"
    ]
    for (const error of never) expect(Retry.isRetryable(error, "GET")).toBe(false)
  })
})

describe("Retry.retry", () => {
  it.effect("waits exactly Retry-After when it is longer than the jittered delay", () =>
    Effect.gen(function*() {
      const { outcome, times } = yield* attemptsOf("POST", [rateLimited(7_000), rateLimited(3_000)])
      expect(outcome._tag).toBe("Right")
      expect(times).toHaveLength(3)
      // Jitter at retry 0 is at most 100 ms and at retry 1 at most 200 ms: Retry-After wins both.
      expect(times[1]! - times[0]!).toBe(7_000)
      expect(times[2]! - times[1]!).toBe(3_000)
    }))

  it.effect("jitters each delay within [0, min(maxDelay, base·2ⁿ)]", () =>
    Effect.gen(function*() {
      const policy: Retry.RetryPolicy = { baseDelay: "100 millis", maxDelay: "1 second", maxAttempts: 6, maxElapsed: "1 hour" }
      const seeds = fc.sample(fc.integer(), { numRuns: 60, seed: 42 })
      const delaysByRetry: Array<Set<number>> = Array.from({ length: 6 }, () => new Set())
      for (const seed of seeds) {
        const { times } = yield* attemptsOf("GET", Array.from({ length: 6 }, () => unavailable), policy, seed)
        expect(times).toHaveLength(7)
        for (let n = 0; n < 6; n++) {
          const delay = times[n + 1]! - times[n]!
          expect(delay).toBeGreaterThanOrEqual(0)
          expect(delay).toBeLessThanOrEqual(Math.min(1_000, 100 * 2 ** n))
          delaysByRetry[n]!.add(delay)
        }
      }
      // Full jitter really varies: not a constant backoff in disguise.
      for (const delays of delaysByRetry) expect(delays.size).toBeGreaterThan(10)
    }))

  it.effect("stops after maxAttempts retries and fails with the last error", () =>
    Effect.gen(function*() {
      const policy: Retry.RetryPolicy = { ...Retry.defaultPolicy, maxAttempts: 3 }
      const { outcome, times } = yield* attemptsOf("GET", Array.from({ length: 10 }, () => unavailable), policy)
      expect(times).toHaveLength(4)
      expect(outcome).toMatchObject({ _tag: "Left", left: { _tag: "ProviderFailure", status: 503 } })
    }))

  it.effect("does not start a wait that would end past maxElapsed", () =>
    Effect.gen(function*() {
      const policy: Retry.RetryPolicy = { ...Retry.defaultPolicy, maxAttempts: 100, maxElapsed: "10 seconds" }
      const { outcome, times } = yield* attemptsOf("POST", [rateLimited(4_000), rateLimited(4_000), rateLimited(4_000)], policy)
      // 0 → 4 s → 8 s; a third wait would end at 12 s, past the 10 s budget.
      expect(times).toEqual([0, 4_000, 8_000])
      expect(outcome).toMatchObject({ _tag: "Left", left: { _tag: "RateLimited" } })
    }))

  it.effect("never retries a POST that failed with 503: it may have been processed", () =>
    Effect.gen(function*() {
      const { outcome, times } = yield* attemptsOf("POST", [unavailable])
      expect(times).toHaveLength(1)
      expect(outcome._tag).toBe("Left")
    }))

  it.effect("retries a GET that failed with 503 and succeeds", () =>
    Effect.gen(function*() {
      const { outcome, times } = yield* attemptsOf("GET", [unavailable, unavailable])
      expect(times).toHaveLength(3)
      expect(outcome).toMatchObject({ _tag: "Right", right: "ok" })
    }))

  it.effect("never retries NotFound or Validation", () =>
    Effect.gen(function*() {
      for (const error of [new ProjectsError.NotFound({ resource: "project", id: "p" }), ProjectsError.Validation.single([], "bad")]) {
        const { times } = yield* attemptsOf("GET", [error])
        expect(times).toHaveLength(1)
      }
    }))
})

describe("Retry.parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z")
  it("reads delay-seconds and HTTP dates, and nothing else", () => {
    expect(Retry.parseRetryAfter("120", now).pipe(Option.map(Duration.toMillis))).toEqual(Option.some(120_000))
    expect(Retry.parseRetryAfter(" 0 ", now).pipe(Option.map(Duration.toMillis))).toEqual(Option.some(0))
    expect(Retry.parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now).pipe(Option.map(Duration.toMillis)))
      .toEqual(Option.some(30_000))
    expect(Retry.parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now).pipe(Option.map(Duration.toMillis)))
      .toEqual(Option.some(0))
    for (const bad of [undefined, "", "-5", "1.5", "soon", "12abc"]) {
      expect(Retry.parseRetryAfter(bad, now)).toEqual(Option.none())
    }
  })
})
