/**
 * Rate limits: rules as data, an exact GCRA decision, and the `RateLimiter` service over a
 * `RateLimiterStore` (in memory here; a SQL store lets several server instances share budgets).
 *
 * GCRA (the generic cell rate algorithm) keeps one number per key, the theoretical arrival time
 * (TAT). With emission interval T = window / limit and tolerance τ = (burst − 1)·T, a request of
 * cost c at time t is admitted when max(TAT, t) + c·T − t ≤ τ + T, and then moves TAT there.
 * A rejection changes nothing. In any half-open interval of length `window` this admits at most
 * `limit + burst − 1` requests (`maxPerWindow`), so with the default burst of 1, never more than
 * `limit`.
 *
 * The arithmetic is exact: times are scaled by `limit` and held in bigints, so an emission
 * interval such as 60 000 ms / 7 never rounds; `retryAfter` is rounded up to whole milliseconds
 * and is exact at that granularity — the same request is admitted at t + retryAfter and not a
 * millisecond earlier.
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as SynchronizedRef from "effect/SynchronizedRef"
import { RateLimited, Validation } from "./ProjectsError.js"

export class RateLimitRule extends Schema.Class<RateLimitRule>("@projectkit/core/RateLimitRule")({
  /** Names the rule in keys and errors, e.g. "editor.sync". */
  name: Schema.NonEmptyString,
  /** Requests per window, sustained. */
  limit: Schema.Int.pipe(Schema.positive()),
  window: Schema.DurationFromMillis.pipe(
    Schema.filter((d) => Duration.toMillis(d) >= 1 || "the window must be at least one millisecond")
  ),
  /** How many requests may be admitted at one instant; 1 means no burst. */
  burst: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 1, exact: true })
}) {
  /** The most requests this rule admits in any half-open interval of length `window`. */
  get maxPerWindow(): number {
    return this.limit + this.burst - 1
  }
}

/** The state GCRA keeps per key: the theoretical arrival time, in milliseconds × limit. */
export type RateLimitState = bigint

export type Decision =
  | {
    readonly _tag: "Allowed"
    /** How many more requests of cost 1 would be admitted right now. */
    readonly remaining: number
    /** When the key is back to its full burst (all tolerance restored). */
    readonly resetAfter: Duration.Duration
  }
  | {
    readonly _tag: "Rejected"
    readonly retryAfter: Duration.Duration
  }

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b

/**
 * The pure GCRA decision for a request of `cost` at `nowMillis`, and the state to keep after it
 * (unchanged on rejection). A cost above the rule's burst could never be admitted: that is a
 * `Validation` error, not a rejection with a `retryAfter` that would lie.
 */
export const decide = (
  rule: RateLimitRule,
  state: Option.Option<RateLimitState>,
  nowMillis: number,
  cost = 1
): Either.Either<{ readonly decision: Decision; readonly state: Option.Option<RateLimitState> }, Validation> => {
  if (!Number.isInteger(cost) || cost < 1 || cost > rule.burst) {
    return Either.left(
      Validation.single(["cost"], `must be an integer from 1 to the burst (${rule.burst}), got ${cost}`)
    )
  }
  const limit = BigInt(rule.limit)
  const interval = BigInt(Math.round(Duration.toMillis(rule.window))) // T × limit
  const tolerance = interval * BigInt(rule.burst - 1) // τ × limit
  const now = BigInt(Math.floor(nowMillis)) * limit
  const tat = Option.match(state, { onNone: () => now, onSome: (tat) => (tat > now ? tat : now) })
  const nextTat = tat + interval * BigInt(cost)
  const excess = nextTat - now - tolerance - interval
  if (excess > 0n) {
    return Either.right({
      decision: { _tag: "Rejected", retryAfter: Duration.millis(Number(ceilDiv(excess, limit))) },
      state
    })
  }
  const slack = tolerance + interval - (nextTat - now)
  return Either.right({
    decision: {
      _tag: "Allowed",
      remaining: Number(slack / interval),
      resetAfter: Duration.millis(Number(ceilDiv(nextTat - now, limit)))
    },
    state: Option.some(nextTat)
  })
}

// ---------------------------------------------------------------------------------------------
// Store
// ---------------------------------------------------------------------------------------------

export interface RateLimiterStoreService {
  /**
   * Reads the state of `key`, computes an answer and the next state with `f`, and writes it, as
   * one atomic step per key (a SQL store does it in one transaction). `Option.none()` deletes.
   */
  readonly modify: <A>(
    key: string,
    f: (state: Option.Option<RateLimitState>, nowMillis: number) => readonly [A, Option.Option<RateLimitState>]
  ) => Effect.Effect<A>
}

export class RateLimiterStore extends Context.Tag("@projectkit/core/RateLimiterStore")<
  RateLimiterStore,
  RateLimiterStoreService
>() {}

/** A store in memory, for one process. Each Layer build has its own. */
export const layerStoreMemory: Layer.Layer<RateLimiterStore> = Layer.effect(
  RateLimiterStore,
  Effect.map(SynchronizedRef.make(new Map<string, RateLimitState>()), (ref) =>
    RateLimiterStore.of({
      modify: (key, f) =>
        SynchronizedRef.modifyEffect(ref, (states) =>
          Effect.map(Clock.currentTimeMillis, (now) => {
            const [answer, next] = f(Option.fromNullable(states.get(key)), now)
            if (Option.isSome(next)) states.set(key, next.value)
            else states.delete(key)
            return [answer, states] as const
          }))
    }))
)

// ---------------------------------------------------------------------------------------------
// Limiter
// ---------------------------------------------------------------------------------------------

export interface RateLimitKey {
  /** Whose budget: an organization, a project, … */
  readonly tenant: string
  readonly rule: RateLimitRule
}

export interface RateLimiterService {
  /** Decides a request and records it if admitted. */
  readonly decide: (key: RateLimitKey, cost?: number) => Effect.Effect<Decision, Validation>
  /** Admits the request, or fails with `RateLimited` and the exact `retryAfter`. */
  readonly consume: (
    key: RateLimitKey,
    cost?: number
  ) => Effect.Effect<Extract<Decision, { _tag: "Allowed" }>, RateLimited | Validation>
}

export class RateLimiter extends Context.Tag("@projectkit/core/RateLimiter")<RateLimiter, RateLimiterService>() {}

/** The store key of a (tenant, rule) pair: budgets of different tenants and rules never mix. */
export const storeKey = (key: RateLimitKey): string => `${key.rule.name}\u0000${key.tenant}`

export const make: Effect.Effect<RateLimiterService, never, RateLimiterStore> = Effect.map(
  RateLimiterStore,
  (store) => {
    const decideKey = (key: RateLimitKey, cost = 1): Effect.Effect<Decision, Validation> =>
      Effect.flatten(
        store.modify(
          storeKey(key),
          (state, now): readonly [Either.Either<Decision, Validation>, Option.Option<RateLimitState>] =>
            Either.match(decide(key.rule, state, now, cost), {
              onLeft: (invalid) => [Either.left(invalid), state],
              onRight: (result) => [Either.right(result.decision), result.state]
            })
        )
      )
    return {
      decide: decideKey,
      consume: (key, cost) =>
        Effect.flatMap(decideKey(key, cost), (decision) =>
          decision._tag === "Allowed"
            ? Effect.succeed(decision)
            : Effect.fail(new RateLimited({ retryAfter: decision.retryAfter, rule: key.rule.name })))
    }
  }
)

export const layer: Layer.Layer<RateLimiter, never, RateLimiterStore> = Layer.effect(RateLimiter, make)

/** A limiter with its own in-memory store. */
export const layerMemory: Layer.Layer<RateLimiter> = Layer.provide(layer, layerStoreMemory)
