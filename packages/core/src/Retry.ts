/**
 * The client-side retry policy every adapter uses: exponential backoff with full jitter, honouring
 * `Retry-After`, bounded in attempts and in total time, and retrying only what is safe to retry.
 *
 * Safe means: a rate-limited request (429) was provably not processed, so it is retried whatever
 * its method; a transport failure (status 0) or a 502/503/504 may or may not have been processed,
 * so only idempotent methods retry it; anything else — a 4xx, a 500 on a POST — never.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleInterval from "effect/ScheduleInterval"

export interface RetryPolicy {
  /** The ceiling of the first retry's delay; each retry doubles it. */
  readonly baseDelay: Duration.DurationInput
  /** The largest ceiling of a jittered delay (a longer `Retry-After` is still honoured). */
  readonly maxDelay: Duration.DurationInput
  /** Retries at most, after the first attempt. */
  readonly maxAttempts: number
  /** The total time the retries may take, from the first failure; a wait past it is not started. */
  readonly maxElapsed: Duration.DurationInput
}

export const defaultPolicy: RetryPolicy = {
  baseDelay: "100 millis",
  maxDelay: "10 seconds",
  maxAttempts: 4,
  maxElapsed: "60 seconds"
}

/** No retries: for callers that retry themselves, such as Indream's `Autosaver`. */
export const noRetries: RetryPolicy = {
  baseDelay: 0,
  maxDelay: 0,
  maxAttempts: 0,
  maxElapsed: 0
}

export type HttpMethod = "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "POST" | "PATCH"

const idempotent: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
const transient: ReadonlySet<number> = new Set([0, 502, 503, 504])

/** Whether a failed request of `method` may be sent again. */
export const isRetryable = (error: unknown, method: HttpMethod): boolean => {
  if (!Predicate.hasProperty(error, "_tag")) return false
  if (error._tag === "RateLimited") return true
  return error._tag === "ProviderFailure" && Predicate.hasProperty(error, "status") &&
    typeof error.status === "number" && transient.has(error.status) && idempotent.has(method)
}

/** The `Retry-After` an error carries, if any. */
const retryAfterOf = (error: unknown): number =>
  Predicate.hasProperty(error, "_tag") && error._tag === "RateLimited" &&
    Predicate.hasProperty(error, "retryAfter") && Duration.isDuration(error.retryAfter)
    ? Duration.toMillis(error.retryAfter)
    : 0

/**
 * The delays of the policy: retry n (from 0) waits a uniformly random time in
 * [0, min(maxDelay, baseDelay·2ⁿ)], or the error's `retryAfter` if that is longer; it stops after
 * `maxAttempts` retries, or when a wait would end past `maxElapsed` from the first failure. It
 * outputs each delay. Which errors to retry is `isRetryable`'s business, not the schedule's.
 */
export const schedule = (policy: RetryPolicy = defaultPolicy): Schedule.Schedule<Duration.Duration, unknown> => {
  const base = Duration.toMillis(policy.baseDelay)
  const max = Duration.toMillis(policy.maxDelay)
  const budget = Duration.toMillis(policy.maxElapsed)
  return Schedule.makeWithState(
    { attempt: 0, startedAt: -1 },
    (now, error: unknown, state) =>
      Effect.gen(function*() {
        const startedAt = state.startedAt < 0 ? now : state.startedAt
        const ceiling = Math.floor(Math.min(max, base * 2 ** state.attempt))
        const jittered = yield* Random.nextIntBetween(0, ceiling + 1)
        const delay = Math.max(jittered, retryAfterOf(error))
        const next = { attempt: state.attempt + 1, startedAt }
        const stop = state.attempt >= policy.maxAttempts || now + delay - startedAt > budget
        return [
          next,
          Duration.millis(delay),
          stop ? ScheduleDecision.done : ScheduleDecision.continueWith(ScheduleInterval.after(now + delay))
        ] as const
      })
  )
}

/** Retries `self`, a request of `method`, as the policy allows. */
export const retry = (method: HttpMethod, policy: RetryPolicy = defaultPolicy) =>
<A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.retry(self, { schedule: schedule(policy), while: (error) => isRetryable(error, method) })

/**
 * The wait a `Retry-After` header asks for (RFC 9110 §10.2.3): delay-seconds, or an HTTP date
 * taken relative to `nowMillis`. A date in the past means no wait; anything unparsable, none.
 */
export const parseRetryAfter = (header: string | undefined, nowMillis: number): Option.Option<Duration.Duration> => {
  if (header === undefined) return Option.none()
  const value = header.trim()
  if (/^\d+$/.test(value)) return Option.some(Duration.seconds(Number(value)))
  const date = Date.parse(value)
  return Number.isNaN(date) || !/[a-z]/i.test(value)
    ? Option.none()
    : Option.some(Duration.millis(Math.max(0, date - nowMillis)))
}
