import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"

/**
 * Runs `tick` now and then every `interval` for as long as the enclosing scope lives: the
 * background worker of a state machine whose due work is kept in the database, so work survives
 * restarts and several server instances can share it. A failing tick is logged, not fatal.
 */
export const forkPoller = <E, R>(name: string, interval: Duration.DurationInput, tick: Effect.Effect<unknown, E, R>) =>
  tick.pipe(
    Effect.catchAllCause((cause) => Effect.logWarning(`${name} failed; retrying on the next tick`, cause)),
    Effect.repeat(Schedule.spaced(interval)),
    Effect.annotateLogs("worker", name),
    Effect.forkScoped,
    Effect.asVoid
  )
