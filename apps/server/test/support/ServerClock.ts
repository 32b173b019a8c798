/**
 * The test server's clock: the real time plus an offset the test moves forward (`advance`), so a
 * test that needs a later timestamp (`updatedAt` after an update, a second record created later)
 * gets it at once and for certain, instead of sleeping a few milliseconds and hoping the clock
 * ticked. Sleeps and timers stay real: lifecycles and deliveries run as they do in production.
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

export interface ServerClockService {
  /** The clock the server reads its time from. */
  readonly clock: Clock.Clock
  /** Moves the server's time forward by `duration` (the real time keeps running under it). */
  readonly advance: (duration: Duration.DurationInput) => Effect.Effect<void>
}

export class ServerClock extends Context.Tag("test/ServerClock")<ServerClock, ServerClockService>() {}

export const make = (): ServerClockService => {
  const live = Clock.make()
  let offsetMillis = 0
  const millis = () => live.unsafeCurrentTimeMillis() + offsetMillis
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: millis,
    unsafeCurrentTimeNanos: () => live.unsafeCurrentTimeNanos() + BigInt(offsetMillis) * 1_000_000n,
    currentTimeMillis: Effect.sync(millis),
    currentTimeNanos: Effect.sync(() => live.unsafeCurrentTimeNanos() + BigInt(offsetMillis) * 1_000_000n),
    sleep: live.sleep
  }
  return {
    clock,
    advance: (duration) =>
      Effect.sync(() => {
        offsetMillis += Duration.toMillis(Duration.decode(duration))
      })
  }
}

/** Moves the test server's time forward by `duration`. */
export const advance = (duration: Duration.DurationInput) => Effect.flatMap(ServerClock, (clock) => clock.advance(duration))
