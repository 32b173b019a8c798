/**
 * What an editor in a browser or desktop app needs to save safely through Indream's `sync`: feed it
 * every change; it coalesces them and calls `sync` at most once per `interval` (DOC: "Use a
 * moderate sync frequency and back off when the API returns 429 OPEN_API_PROJECT_SYNC_RATE_LIMITED"),
 * backs off with jitter on 429 (never before `Retry-After`), never lets an older state overwrite a
 * newer one it already saved, flushes the latest state when its scope closes, and reports its
 * status as a stream.
 *
 * Ordering: Indream's `stateVersion` is a string (at most 32 characters) the server stores as
 * sent. The Autosaver numbers the states fed itself, counting up from the version the project was
 * opened at when that is a decimal integer (from 0 otherwise), and sends each number as its
 * `stateVersion` text; syncs go one at a time, always with the newest state at the moment of
 * sending, so the versions the server receives only grow. (Each sync replaces the stored state,
 * so the server does not guard the order; one Autosaver per project and editor session does.)
 */
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Queue from "effect/Queue"
import * as Random from "effect/Random"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import type * as IndreamApi from "./IndreamApi.js"
import { IndreamClient, type IndreamError } from "./IndreamClient.js"

export interface AutosaverConfig {
  readonly projectId: string
  /**
   * The `stateVersion` of the state the editor opened; the states fed are numbered from the next
   * one (from 1 when it is not a decimal integer). Read from the server when absent.
   */
  readonly stateVersion?: string | undefined
  /** The least time between two syncs: at most one sync per interval (default 2 seconds). */
  readonly interval?: Duration.DurationInput | undefined
  /**
   * How long after the first unsaved change a save starts, so that a burst of edits goes out as
   * one sync (default 500 millis). Skipped when closing.
   */
  readonly delay?: Duration.DurationInput | undefined
  /** The ceiling of the first retry's random delay; it doubles with each retry (default 1 second). */
  readonly backoff?: Duration.DurationInput | undefined
  /** The largest ceiling of a random retry delay; a longer `Retry-After` still wins (default 30 seconds). */
  readonly maxBackoff?: Duration.DurationInput | undefined
  /**
   * Retries of a save that failed for a transient reason (no response, a 5xx) before the status
   * is `Failed` (default 5). A 429 is always retried: the server did not take the state.
   */
  readonly maxRetries?: number | undefined
  /** How long closing may take to flush the latest state (default 30 seconds). */
  readonly closeTimeout?: Duration.DurationInput | undefined
}

/**
 * Where saving stands:
 * - `Saved`: everything fed so far is saved, up to `stateVersion`;
 * - `Pending`: changes up to `stateVersion` wait for their turn (the delay, or the interval);
 * - `Saving`: a sync of `stateVersion` is in flight;
 * - `Retrying`: the sync of `stateVersion` was refused (429) or failed transiently; the next try is in `retryIn`;
 * - `Failed`: the sync of `stateVersion` failed for good (validation, auth, not found, retries
 *   exhausted); the next change fed tries again, with the newest state.
 */
export type Status = Data.TaggedEnum<{
  Saved: { readonly stateVersion: string }
  Pending: { readonly stateVersion: string }
  Saving: { readonly stateVersion: string }
  Retrying: {
    readonly stateVersion: string
    readonly attempt: number
    readonly retryIn: Duration.Duration
    readonly error: IndreamError
  }
  Failed: { readonly stateVersion: string; readonly error: IndreamError }
}>

export const Status = Data.taggedEnum<Status>()

export interface Autosaver {
  /**
   * Feeds the editor's current state; returns at once. The state is saved later, coalesced. Feed
   * states before the scope closes: what comes after is not saved.
   */
  readonly update: (state: IndreamApi.EditorState) => Effect.Effect<void>
  /** The status now, then each change of it (edits while already `Pending` are not changes). */
  readonly status: Stream.Stream<Status>
  readonly currentStatus: Effect.Effect<Status>
  /** The newest `stateVersion` the server confirmed. */
  readonly savedVersion: Effect.Effect<string>
  /**
   * Waits until everything fed so far is saved (still at the configured rate); fails with the
   * error if that save failed for good.
   */
  readonly flush: Effect.Effect<void, IndreamError>
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

type Activity =
  | { readonly _tag: "Idle" }
  | { readonly _tag: "Saving"; readonly version: number }
  | {
    readonly _tag: "Retrying"
    readonly version: number
    readonly attempt: number
    readonly retryIn: Duration.Duration
    readonly error: IndreamError
  }

interface State {
  /** The version the project was opened at, as text and as the number counted on from. */
  readonly openedAt: { readonly text: string; readonly number: number }
  /** The newest state fed, with its version. */
  readonly latest: { readonly state: IndreamApi.EditorState; readonly version: number } | null
  readonly savedVersion: number
  /** The newest version whose save failed for good (not retried until something newer comes). */
  readonly failedVersion: number
  readonly lastError: IndreamError | null
  /** When the oldest change not yet sent arrived. */
  readonly dirtySince: number | null
  /** When the last sync was sent. */
  readonly lastSyncAt: number
  readonly activity: Activity
  readonly closing: boolean
}

const latestVersion = (state: State) => state.latest?.version ?? state.savedVersion

/** The version waiting to be sent, if any. */
const pendingVersion = (state: State): number | null => {
  const version = latestVersion(state)
  return version > Math.max(state.savedVersion, state.failedVersion) ? version : null
}

/** The `stateVersion` text of a version number: the text the server was sent, or opened with. */
const label = (state: State, version: number) => version === state.openedAt.number ? state.openedAt.text : String(version)

const statusOf = (state: State): Status => {
  switch (state.activity._tag) {
    case "Saving":
      return Status.Saving({ stateVersion: label(state, state.activity.version) })
    case "Retrying": {
      const { attempt, error, retryIn, version } = state.activity
      return Status.Retrying({ stateVersion: label(state, version), attempt, retryIn, error })
    }
  }
  if (state.failedVersion > state.savedVersion && state.failedVersion >= latestVersion(state) && state.lastError !== null) {
    return Status.Failed({ stateVersion: label(state, state.failedVersion), error: state.lastError })
  }
  const pending = pendingVersion(state)
  return pending === null
    ? Status.Saved({ stateVersion: label(state, state.savedVersion) })
    : Status.Pending({ stateVersion: label(state, pending) })
}

/** The number a `stateVersion` text counts on from: itself when it is a decimal integer, else 0. */
export const versionNumber = (stateVersion: string): number =>
  /^(0|[1-9][0-9]{0,14})$/.test(stateVersion) ? Number(stateVersion) : 0

/** Changes worth reporting: another tag, another version saved or sent, another retry. More edits
 * while already `Pending` are not (a status stream is for a UI, not an edit log). */
const sameStatus = (a: Status, b: Status) =>
  a._tag === b._tag && (a._tag === "Pending" || a.stateVersion === b.stateVersion) &&
  (a._tag !== "Retrying" || b._tag !== "Retrying" || a.attempt === b.attempt)

/** Whether a failed sync may be sent again: a 429 always; no response or a 5xx a bounded number of times. */
const retryable = (error: IndreamError): "rateLimited" | "transient" | false => {
  if (error._tag === "RateLimited") return "rateLimited"
  if (error._tag === "ProviderFailure" && (error.status === 0 || error.status >= 500)) return "transient"
  return false
}

// ---------------------------------------------------------------------------------------------
// The Autosaver
// ---------------------------------------------------------------------------------------------

/**
 * An Autosaver for one project, living as long as the scope: closing the scope flushes the latest
 * state (within `closeTimeout`) and stops it. Give it an `IndreamClient` built with
 * `retryPolicy: Retry.noRetries`, so that it alone decides when to send again.
 */
export const make = (config: AutosaverConfig): Effect.Effect<Autosaver, IndreamError, IndreamClient | Scope.Scope> =>
  Effect.gen(function*() {
    const client = yield* IndreamClient
    const interval = Duration.toMillis(config.interval ?? "2 seconds")
    const delay = Duration.toMillis(config.delay ?? "500 millis")
    const backoff = Duration.toMillis(config.backoff ?? "1 second")
    const maxBackoff = Duration.toMillis(config.maxBackoff ?? "30 seconds")
    const maxRetries = config.maxRetries ?? 5
    const closeTimeout = config.closeTimeout ?? "30 seconds"

    const openedText = config.stateVersion ??
      (yield* Effect.map(client.projects.get(config.projectId), (project) => project.stateVersion))
    const initialVersion = versionNumber(openedText)
    const ref = yield* SubscriptionRef.make<State>({
      openedAt: { text: openedText, number: initialVersion },
      latest: null,
      savedVersion: initialVersion,
      failedVersion: initialVersion,
      lastError: null,
      dirtySince: null,
      lastSyncAt: Number.NEGATIVE_INFINITY,
      activity: { _tag: "Idle" },
      closing: false
    })
    // Wakes the worker: a change arrived, or closing began. One pending signal is enough.
    const wake = yield* Queue.sliding<void>(1)
    const closing = yield* Deferred.make<void>()
    const update = (f: (state: State) => State) => SubscriptionRef.update(ref, f)

    /** Sends the newest state until it is saved, refused for good, or out of retries. */
    const save = Effect.gen(function*() {
      let attempt = 0
      let transientFailures = 0
      while (true) {
        const state = yield* SubscriptionRef.get(ref)
        if (state.latest === null || pendingVersion(state) === null) return
        const { state: editorState, version } = state.latest
        const sentAt = yield* Clock.currentTimeMillis
        yield* update((s) => ({ ...s, activity: { _tag: "Saving", version }, lastSyncAt: sentAt, dirtySince: null }))
        const result = yield* client.projects.sync(config.projectId, { editorState, stateVersion: String(version) }).pipe(
          // A defect of the client must not kill the worker (a flush would then wait forever): it
          // counts as a sync that got no answer.
          Effect.catchAllDefect((defect) =>
            Effect.fail(
              new ProjectsError.ProviderFailure({
                provider: "indream",
                status: 0,
                body: null,
                description: `the sync failed unexpectedly: ${String(defect)}`
              })
            )
          ),
          Effect.either
        )
        const now = yield* Clock.currentTimeMillis
        if (result._tag === "Right") {
          yield* update((s) => ({
            ...s,
            savedVersion: Math.max(s.savedVersion, version),
            // Changes that arrived during the sync keep their own dirtySince, set as they came.
            activity: { _tag: "Idle" }
          }))
          return
        }
        const error = result.left
        const kind = retryable(error)
        if (kind === "transient") transientFailures++
        if (kind === false || transientFailures > maxRetries) {
          yield* update((s) => ({ ...s, failedVersion: version, lastError: error, activity: { _tag: "Idle" } }))
          yield* Effect.logWarning(`autosave of project ${config.projectId} failed`, error)
          return
        }
        attempt++
        // Full jitter on top of what the server asked for, so clients refused together do not
        // come back together; never sooner than Retry-After, nor than the interval allows.
        const ceiling = Math.min(maxBackoff, backoff * 2 ** (attempt - 1))
        const jitter = yield* Random.nextIntBetween(0, Math.floor(ceiling) + 1)
        const asked = error._tag === "RateLimited" ? Duration.toMillis(error.retryAfter) : 0
        const wait = Math.max(asked + jitter, sentAt + interval - now)
        yield* update((s) => ({
          ...s,
          activity: { _tag: "Retrying", version, attempt, retryIn: Duration.millis(wait), error }
        }))
        yield* Effect.sleep(Duration.millis(wait))
      }
    })

    const worker = Effect.gen(function*() {
      yield* Queue.take(wake)
      while (true) {
        const state = yield* SubscriptionRef.get(ref)
        if (pendingVersion(state) === null) return
        const now = yield* Clock.currentTimeMillis
        const rateAllows = state.lastSyncAt + interval
        const due = state.closing ? rateAllows : Math.max((state.dirtySince ?? now) + delay, rateAllows)
        if (due > now) {
          const sleep = Effect.sleep(Duration.millis(due - now))
          // Closing cuts the delay short (not the interval): wake up and recompute.
          yield* state.closing ? sleep : Effect.raceFirst(sleep, Deferred.await(closing))
          continue
        }
        yield* save
      }
    }).pipe(Effect.forever)

    const flushTo = (target: number) =>
      ref.changes.pipe(
        Stream.filter((s) => s.savedVersion >= target || (s.failedVersion >= target && s.activity._tag === "Idle")),
        Stream.runHead,
        Effect.flatMap((found) => {
          const state = found._tag === "Some" ? found.value : null
          return state !== null && state.savedVersion < target && state.lastError !== null
            ? Effect.fail(state.lastError)
            : Effect.void
        })
      )

    const flush = Effect.flatMap(SubscriptionRef.get(ref), (state) => flushTo(latestVersion(state)))

    const fiber = yield* Effect.forkScoped(worker)
    // Runs before the worker is interrupted (finalizers run in reverse order of addition).
    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        yield* update((s) => ({ ...s, closing: true }))
        yield* Deferred.succeed(closing, undefined)
        yield* Queue.offer(wake, undefined)
        yield* flush.pipe(
          Effect.timeout(closeTimeout),
          Effect.catchAll((error) => Effect.logWarning(`autosave of project ${config.projectId} could not flush on close`, error))
        )
        yield* Fiber.interrupt(fiber)
      })
    )

    const autosaver: Autosaver = {
      update: (editorState) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          update((s) => ({
            ...s,
            latest: { state: editorState, version: latestVersion(s) + 1 },
            dirtySince: s.dirtySince ?? now
          }))).pipe(Effect.zipRight(Queue.offer(wake, undefined)), Effect.asVoid),
      status: Stream.changesWith(Stream.map(ref.changes, statusOf), sameStatus),
      currentStatus: Effect.map(SubscriptionRef.get(ref), statusOf),
      savedVersion: Effect.map(SubscriptionRef.get(ref), (state) => label(state, state.savedVersion)),
      flush
    }
    return autosaver
  })
