/**
 * `eventually` and `eventuallyPromise`: they wait for a condition that comes true later, and fail
 * with the condition's own last failure (or a message naming the last value) when it never does.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as TestClock from "effect/TestClock"
import { eventually, eventuallyPromise } from "../src/Eventually.js"

describe("eventually", () => {
  it.effect("tries again after failures and defects until the attempt succeeds, even under TestClock", () =>
    Effect.gen(function*() {
      let calls = 0
      const attempt = Effect.suspend(() => {
        calls++
        if (calls === 1) return Effect.fail("not yet" as const)
        if (calls === 2) return Effect.sync(() => expect(calls).toBe(3))
        return Effect.succeed(calls)
      })
      // The TestClock never moves here: only the real clock paces the attempts.
      expect(yield* eventually(attempt, { every: "1 millis" })).toBe(3)
      expect(yield* TestClock.currentTimeMillis).toBe(0)
    }))

  it.effect("waits for a value `until` accepts", () =>
    Effect.gen(function*() {
      let n = 0
      expect(yield* eventually(Effect.sync(() => ++n), { until: (value) => value >= 4, every: "1 millis" })).toBe(4)
    }))

  it.live("past the deadline, fails with the last failure, or names the last value `until` refused", () =>
    Effect.gen(function*() {
      const failed = yield* Effect.exit(eventually(Effect.fail("still down"), { within: "30 millis", every: "5 millis" }))
      expect(failed).toEqual(Exit.fail("still down"))
      const refused = yield* Effect.exit(
        eventually(Effect.succeed({ state: "running" }), { until: (job) => job.state === "done", what: "the job", within: "30 millis" })
      )
      expect(Exit.isFailure(refused) && String(refused.cause)).toContain(
        `the job did not hold within 30ms; the last value was {"state":"running"}`
      )
    }))
})

describe("eventuallyPromise", () => {
  it("resolves once the attempt does, and rejects with the last rejection itself", async () => {
    let calls = 0
    expect(await eventuallyPromise(() => {
      calls++
      expect(calls).toBeGreaterThan(2)
      return calls
    }, { every: "1 millis" })).toBe(3)
    const error = new TypeError("never")
    await expect(eventuallyPromise(() => Promise.reject(error), { within: "20 millis" })).rejects.toBe(error)
  })
})

describe("eventually, piped", () => {
  it.effect("takes its options first and the attempt from the pipe", () =>
    Effect.gen(function*() {
      let n = 0
      expect(yield* Effect.sync(() => ++n).pipe(eventually({ until: (value) => value === 2, every: "1 millis" }))).toBe(2)
    }))
})
