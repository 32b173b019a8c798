/**
 * The Autosaver under `TestClock`, against an in-process fake of Indream's `sync` that
 * records every call and can refuse them (429, validation, transient failures) on a script.
 */
import { describe, expect, it } from "@effect/vitest"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { Autosaver, type IndreamApi, IndreamClient } from "../src/index.js"

interface Call {
  readonly at: number
  /** The `stateVersion` sent, as a number (the Autosaver sends decimal integers). */
  readonly version: number
  readonly state: IndreamApi.EditorState
  readonly outcome: "saved" | "rateLimited" | "invalid" | "unavailable"
}

interface Fake {
  readonly calls: Array<Call>
  /** What the fake server holds: the last state it accepted. */
  stored: { readonly version: string; readonly state: IndreamApi.EditorState } | null
  inFlight: number
  maxInFlight: number
}

interface Script {
  /** Refuse with 429 and this Retry-After while it answers one. */
  readonly rateLimit?: (now: number) => Duration.Duration | undefined
  /** Refuse as invalid (a permanent failure). */
  readonly invalid?: (state: IndreamApi.EditorState) => boolean
  /** Fail as unavailable (503, transient). */
  readonly unavailable?: (now: number) => boolean
  readonly latency?: Duration.DurationInput
}

const unused = Effect.dieMessage("not used by the Autosaver")
const unusedStream = Stream.die("not used by the Autosaver")

const makeFake = (script: Script = {}) => {
  const fake: Fake = { calls: [], stored: null, inFlight: 0, maxInFlight: 0 }
  const client: IndreamClient.IndreamClientService = {
    projects: {
      create: () => unused,
      get: (projectId) =>
        Effect.succeed({
          projectId,
          title: "Fake",
          description: null,
          stateVersion: fake.stored?.version ?? "0",
          editorState: fake.stored?.state ?? {},
          createdAt: DateTime.unsafeMake(0),
          updatedAt: DateTime.unsafeMake(0)
        }),
      update: () => unused,
      sync: (projectId, request) =>
        Effect.gen(function*() {
          fake.inFlight++
          fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight)
          if (script.latency !== undefined) yield* Effect.sleep(script.latency)
          const at = yield* Clock.currentTimeMillis
          fake.inFlight--
          const record = (outcome: Call["outcome"]) =>
            fake.calls.push({ at, version: Number(request.stateVersion), state: request.editorState, outcome })
          const retryAfter = script.rateLimit?.(at)
          if (retryAfter !== undefined) {
            record("rateLimited")
            return yield* Effect.fail(new ProjectsError.RateLimited({ retryAfter }))
          }
          if (script.unavailable?.(at) === true) {
            record("unavailable")
            return yield* Effect.fail(new ProjectsError.ProviderFailure({ provider: "indream", status: 503, body: null }))
          }
          if (script.invalid?.(request.editorState) === true) {
            record("invalid")
            return yield* Effect.fail(ProjectsError.Validation.single(["editorState"], "not a valid state"))
          }
          record("saved")
          const stateVersion = request.stateVersion ?? "server-assigned"
          fake.stored = { version: stateVersion, state: request.editorState }
          return { projectId, stateVersion, updatedAt: DateTime.unsafeMake(at) }
        }),
      delete: () => unused,
      list: () => unused,
      stream: () => unusedStream
    },
    assets: {
      upload: () => unused,
      get: () => unused,
      delete: () => unused,
      listForProject: () => unused,
      streamForProject: () => unusedStream,
      addToProject: () => unused,
      removeFromProject: () => unused
    },
    exports: {
      create: () => unused,
      createFromProject: () => unused,
      get: () => unused,
      list: () => unused,
      stream: () => unusedStream,
      wait: () => unused
    },
    editor: { capabilities: () => unused, validate: () => unused },
    illustrations: { search: () => unused }
  }
  return { fake, client }
}

const config: Autosaver.AutosaverConfig = {
  projectId: "p1",
  stateVersion: "0",
  interval: "2 seconds",
  delay: "500 millis",
  backoff: "1 second",
  maxBackoff: "5 seconds"
}

/** An Autosaver in a scope of its own (so tests can close it), with its status history recorded. */
const start = (client: IndreamClient.IndreamClientService, overrides: Partial<Autosaver.AutosaverConfig> = {}) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const saver = yield* Autosaver.make({ ...config, ...overrides }).pipe(
      Effect.provideService(IndreamClient.IndreamClient, client),
      Scope.extend(scope)
    )
    const statuses: Array<Autosaver.Status> = []
    yield* Effect.forkIn(Stream.runForEach(saver.status, (status) => Effect.sync(() => statuses.push(status))), scope)
    // The subscriber records the current status first: once it has, it sees every change.
    while (statuses.length === 0) yield* Effect.yieldNow()
    return { saver, scope, statuses }
  })

const saved = (fake: Fake) => fake.calls.filter((call) => call.outcome === "saved")

const increasing = (values: ReadonlyArray<number>) => values.every((value, i) => i === 0 || value > values[i - 1]!)

describe("Autosaver", () => {
  it.effect("1,000 rapid edits produce few syncs, spaced by the interval, and the last saved state is the last edit", () =>
    Effect.gen(function*() {
      const { client, fake } = makeFake()
      const { saver, statuses } = yield* start(client)
      // 1,000 edits in one second of typing (the clock moves every 10 edits, to keep the test fast).
      for (let i = 1; i <= 1000; i++) {
        yield* saver.update({ text: `edit ${i}` })
        if (i % 10 === 0) yield* TestClock.adjust("10 millis")
      }
      yield* TestClock.adjust("10 seconds")
      expect(fake.calls.length).toBeGreaterThan(0)
      expect(fake.calls.length).toBeLessThanOrEqual(3)
      for (let i = 1; i < fake.calls.length; i++) {
        expect(fake.calls[i]!.at - fake.calls[i - 1]!.at).toBeGreaterThanOrEqual(2000)
      }
      // The first save waited for the delay, coalescing the burst's start.
      expect(fake.calls[0]!.at).toBe(500)
      expect(fake.stored).toEqual({ version: "1000", state: { text: "edit 1000" } })
      expect(yield* saver.savedVersion).toBe("1000")
      expect(yield* saver.currentStatus).toEqual(Autosaver.Status.Saved({ stateVersion: "1000" }))
      const tags = statuses.map((status) => status._tag)
      expect(tags[0]).toBe("Saved")
      expect(tags).toContain("Pending")
      expect(tags).toContain("Saving")
      expect(tags.at(-1)).toBe("Saved")
    }))

  it.effect("a 429 storm delays saving, honouring Retry-After with jitter, and loses nothing", () =>
    Effect.gen(function*() {
      // The server refuses every sync for the first 10 seconds, asking for 3 s (more than the interval) each time.
      const { client, fake } = makeFake({ rateLimit: (now) => (now < 10_000 ? Duration.seconds(3) : undefined) })
      const { saver, statuses } = yield* start(client)
      for (let i = 1; i <= 100; i++) {
        yield* saver.update({ text: `edit ${i}` })
        yield* TestClock.adjust("100 millis")
      }
      yield* TestClock.adjust("60 seconds")
      const refused = fake.calls.filter((call) => call.outcome === "rateLimited")
      expect(refused.length).toBeGreaterThan(1)
      // Never back sooner than Retry-After (3 s) after a 429, nor than the interval (2 s) ever.
      for (let i = 1; i < fake.calls.length; i++) {
        const gap = fake.calls[i]!.at - fake.calls[i - 1]!.at
        expect(gap).toBeGreaterThanOrEqual(fake.calls[i - 1]!.outcome === "rateLimited" ? 3000 : 2000)
      }
      // Backing off: the gaps between refused attempts are not all the same (jitter) and grow overall.
      const gaps = refused.slice(1).map((call, i) => call.at - refused[i]!.at)
      expect(new Set(gaps).size).toBeGreaterThan(1)
      // Each retry sends the newest state, so versions only grow, and the last edit is what is kept.
      expect(increasing(fake.calls.map((call) => call.version))).toBe(true)
      expect(fake.stored).toEqual({ version: "100", state: { text: "edit 100" } })
      expect(statuses.some((status) => status._tag === "Retrying")).toBe(true)
      const retrying = statuses.find((status) => status._tag === "Retrying")!
      expect(retrying._tag === "Retrying" && Duration.toMillis(retrying.retryIn)).toBeGreaterThanOrEqual(3000)
      expect(yield* saver.currentStatus).toEqual(Autosaver.Status.Saved({ stateVersion: "100" }))
    }))

  it.effect("one sync at a time: an older state never overwrites a newer one, however slow the server", () =>
    Effect.gen(function*() {
      // Each sync takes 3 s, longer than the interval; some are refused with 429 in between.
      let refusals = 0
      const { client, fake } = makeFake({
        latency: "3 seconds",
        rateLimit: (now) => (now > 4000 && refusals++ < 3 ? Duration.millis(500) : undefined)
      })
      const { saver } = yield* start(client, { interval: "1 second", delay: "100 millis" })
      for (let i = 1; i <= 200; i++) {
        yield* saver.update({ n: i })
        yield* TestClock.adjust("50 millis")
      }
      yield* TestClock.adjust("60 seconds")
      expect(fake.maxInFlight).toBe(1)
      const versions = saved(fake).map((call) => call.version)
      expect(increasing(versions)).toBe(true)
      expect(refusals).toBeGreaterThanOrEqual(3)
      for (const call of fake.calls) expect(call.state).toEqual({ n: call.version })
      expect(fake.stored).toEqual({ version: "200", state: { n: 200 } })
    }))

  it.effect("closing flushes the latest state: at once when the interval allows, else as soon as it does", () =>
    Effect.gen(function*() {
      const { client, fake } = makeFake()
      const first = yield* start(client)
      yield* first.saver.update({ v: "a" })
      yield* TestClock.adjust("600 millis")
      expect(fake.stored?.state).toEqual({ v: "a" })
      yield* first.saver.update({ v: "b" })
      yield* first.saver.update({ v: "c" })
      // Closing 100 ms after a sync: the next one is allowed at 2.5 s, not before.
      const closing = yield* Effect.fork(Scope.close(first.scope, Exit.void))
      yield* TestClock.adjust("1 second")
      expect(fake.calls).toHaveLength(1)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(closing)
      expect(fake.calls).toHaveLength(2)
      expect(fake.calls[1]!.at).toBe(2500)
      expect(fake.stored).toEqual({ version: "3", state: { v: "c" } })

      // Long after the last sync, closing saves at once, skipping the delay.
      const second = yield* start(client, { stateVersion: "3" })
      yield* TestClock.adjust("10 seconds")
      yield* second.saver.update({ v: "d" })
      yield* Scope.close(second.scope, Exit.void)
      expect(fake.stored).toEqual({ version: "4", state: { v: "d" } })
    }))

  it.effect("a state refused for good is Failed, flush says why, and the next edit saves", () =>
    Effect.gen(function*() {
      const { client, fake } = makeFake({ invalid: (state) => state["bad"] === true })
      const { saver } = yield* start(client)
      yield* saver.update({ bad: true })
      const flushed = yield* Effect.fork(Effect.flip(saver.flush))
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(flushed)).toMatchObject({ _tag: "Validation" })
      expect(yield* saver.currentStatus).toMatchObject({ _tag: "Failed", stateVersion: "1", error: { _tag: "Validation" } })
      // Not retried by itself: a refused state would be refused again.
      yield* TestClock.adjust("30 seconds")
      expect(fake.calls).toHaveLength(1)
      yield* saver.update({ bad: false })
      yield* TestClock.adjust("3 seconds")
      expect(fake.stored).toEqual({ version: "2", state: { bad: false } })
      expect(yield* saver.currentStatus).toEqual(Autosaver.Status.Saved({ stateVersion: "2" }))
    }))

  it.effect("transient failures are retried up to maxRetries, then Failed; the state is kept for the next try", () =>
    Effect.gen(function*() {
      let down = true
      const { client, fake } = makeFake({ unavailable: () => down })
      const { saver } = yield* start(client, { maxRetries: 2 })
      yield* saver.update({ n: 1 })
      yield* TestClock.adjust("60 seconds")
      expect(fake.calls.map((call) => call.outcome)).toEqual(["unavailable", "unavailable", "unavailable"])
      expect(yield* saver.currentStatus).toMatchObject({ _tag: "Failed", stateVersion: "1" })
      down = false
      yield* saver.update({ n: 2 })
      yield* TestClock.adjust("3 seconds")
      expect(fake.stored).toEqual({ version: "2", state: { n: 2 } })
    }))

  it.effect("a client that dies on a sync does not stop the Autosaver: it is retried like no answer", () =>
    Effect.gen(function*() {
      const { client, fake } = makeFake()
      let died = false
      const flaky: IndreamClient.IndreamClientService = {
        ...client,
        projects: {
          ...client.projects,
          sync: (projectId, request) =>
            died ? client.projects.sync(projectId, request) : Effect.suspend(() => ((died = true), Effect.dieMessage("boom")))
        }
      }
      const { saver } = yield* start(flaky)
      yield* saver.update({ n: 1 })
      const flushed = yield* Effect.fork(saver.flush)
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(flushed)
      expect(died).toBe(true)
      expect(fake.stored).toEqual({ version: "1", state: { n: 1 } })
    }))

  it.effect("numbers states from the project's stateVersion, read from the server when not given", () =>
    Effect.gen(function*() {
      const { client, fake } = makeFake()
      fake.stored = { version: "41", state: { old: true } }
      const { saver } = yield* start(client, { stateVersion: undefined })
      yield* saver.update({ new: true })
      yield* saver.flush.pipe(Effect.fork, Effect.tap(() => TestClock.adjust("1 second")), Effect.flatMap(Fiber.join))
      expect(fake.stored).toEqual({ version: "42", state: { new: true } })
    }))

  it.effect("a stateVersion that is not a number is kept as the saved version, and states count on from 1", () =>
    Effect.gen(function*() {
      const { client, fake } = makeFake()
      fake.stored = { version: "v-opaque", state: { old: true } }
      const { saver } = yield* start(client, { stateVersion: undefined })
      expect(yield* saver.savedVersion).toBe("v-opaque")
      expect(yield* saver.currentStatus).toEqual(Autosaver.Status.Saved({ stateVersion: "v-opaque" }))
      yield* saver.update({ new: true })
      yield* saver.flush.pipe(Effect.fork, Effect.tap(() => TestClock.adjust("1 second")), Effect.flatMap(Fiber.join))
      expect(fake.stored).toEqual({ version: "1", state: { new: true } })
      expect(yield* saver.savedVersion).toBe("1")
    }))

  it("versionNumber counts on from decimal integers only", () => {
    expect(Autosaver.versionNumber("41")).toBe(41)
    expect(Autosaver.versionNumber("0")).toBe(0)
    for (const text of ["", "007", "1.5", "-3", "v2", "1e3", "9".repeat(20)]) expect(Autosaver.versionNumber(text)).toBe(0)
  })
})
