/**
 * Waiting in tests for what happens on its own (a lifecycle advancing, a webhook arriving, a server
 * becoming healthy, a stub seeing a request): the condition is polled until it holds, and the test
 * fails with the condition's last failure when it never does. It replaces sleeps of a guessed
 * length, which pass by accident on a fast machine and fail on a loaded one, and the hand-written
 * poll loops that each chose their own interval, deadline and message.
 *
 * ```ts
 * import { eventually, eventuallyPromise } from "@projectkit/core/Eventually"
 * const job = yield* eventually(client.jobs.get(id), { until: (job) => job.state === "completed" })
 * await eventuallyPromise(() => expect(stub.seen()).toBe(1))
 * ```
 *
 * The polling interval and the deadline run on the real clock, even under `TestClock`: the
 * condition usually depends on something outside the fiber (a socket, a server's worker).
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { dual } from "effect/Function"

export interface EventuallyOptions<A> {
  /** A success counts only when this holds (by default, any success counts). */
  readonly until?: ((value: A) => boolean) | undefined
  /** How long to keep trying: 10 seconds unless told (a loaded 2-core machine is slow, not wrong). */
  readonly within?: Duration.DurationInput | undefined
  /** The pause between two attempts: 20 ms unless told. */
  readonly every?: Duration.DurationInput | undefined
  /** What is awaited, for the message when it never happens. */
  readonly what?: string | undefined
}

const defaultWithin = Duration.seconds(10)
const defaultEvery = Duration.millis(20)

/** The message when the last attempt succeeded, but with a value `until` refused. */
const refused = (what: string | undefined, within: Duration.Duration, value: unknown) => {
  let shown: string
  try {
    shown = JSON.stringify(value) ?? String(value)
  } catch {
    shown = String(value)
  }
  return `${what ?? "the condition"} did not hold within ${Duration.format(within)}; the last value was ${shown}`
}

/**
 * Runs `attempt` until it succeeds (with a value `until` accepts), every `every`, for `within`.
 * Failures and defects (a failed `expect` inside the effect) are tried again; past the deadline
 * the last one is the answer, so the test reports what was still wrong. Also pipeable:
 * `client.jobs.get(id).pipe(eventually({ until: (job) => job.done }))`.
 */
export const eventually: {
  <A>(options?: EventuallyOptions<NoInfer<A>>): <E, R>(attempt: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(attempt: Effect.Effect<A, E, R>, options?: EventuallyOptions<A>): Effect.Effect<A, E, R>
} = dual(
  (args) => Effect.isEffect(args[0]),
  <A, E, R>(attempt: Effect.Effect<A, E, R>, options: EventuallyOptions<A> = {}): Effect.Effect<A, E, R> =>
    Effect.suspend(() => {
      const live = Clock.make()
      const within = Duration.decode(options.within ?? defaultWithin)
      const pause = live.sleep(Duration.decode(options.every ?? defaultEvery))
      const deadline = live.unsafeCurrentTimeMillis() + Duration.toMillis(within)
      const loop: Effect.Effect<A, E, R> = Effect.flatMap(Effect.exit(attempt), (exit) => {
        if (Exit.isSuccess(exit) && (options.until === undefined || options.until(exit.value))) return Effect.succeed(exit.value)
        if (Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause)) return Effect.failCause(exit.cause)
        if (live.unsafeCurrentTimeMillis() < deadline) return Effect.zipRight(pause, loop)
        return Exit.isSuccess(exit) ? Effect.dieMessage(refused(options.what, within, exit.value)) : Effect.failCause(exit.cause)
      })
      return loop
    })
)

/**
 * `eventually` for Promise code: calls `attempt` until it resolves (with a value `until` accepts);
 * past the deadline, rejects with the last rejection itself (an assertion error stays one).
 */
export const eventuallyPromise = async <A>(attempt: () => A | Promise<A>, options: EventuallyOptions<A> = {}): Promise<A> => {
  const exit = await Effect.runPromiseExit(eventually(Effect.promise(async () => attempt()), options))
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}
