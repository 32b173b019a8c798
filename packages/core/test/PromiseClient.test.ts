/**
 * The Promise face: plain values, core errors rejected as themselves, an AbortSignal per call,
 * `for await` over every page, `close`; and `promised`, which every provider's client is built with.
 */
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { eventuallyPromise } from "../src/Eventually.js"
import { Project, Projects, ProjectsError, ProjectsMemory } from "../src/index.js"
import * as PromiseClient from "../src/PromiseClient.js"

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** Rejects with what `promise` rejects with, or fails the test. */
const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then((value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)}`), (error: unknown) => error)

describe("toPlain", () => {
  it("turns times into ISO strings, options into values or undefined, durations into millis", () => {
    const at = DateTime.unsafeMake("2026-01-02T03:04:05.678Z")
    const value = {
      at,
      when: new Date("2026-01-02T03:04:05.678Z"),
      some: Option.some({ at }),
      none: Option.none(),
      wait: Duration.seconds(2),
      list: [Option.some(1), Option.none()],
      error: new ProjectsError.NotFound({ resource: "project", id: "p1" }),
      bytes: new Uint8Array([1, 2])
    }
    const result = PromiseClient.toPlain(value)
    expect(result).toEqual({
      at: "2026-01-02T03:04:05.678Z",
      when: "2026-01-02T03:04:05.678Z",
      some: { at: "2026-01-02T03:04:05.678Z" },
      none: undefined,
      wait: 2000,
      list: [1, undefined],
      error: value.error,
      bytes: value.bytes
    })
    expect(result.error).toBe(value.error)
    expectTypeOf(result.at).toEqualTypeOf<string>()
    expectTypeOf(result.when).toEqualTypeOf<string>()
    expectTypeOf(result.some).toEqualTypeOf<{ readonly at: string } | undefined>()
    expectTypeOf(result.wait).toEqualTypeOf<number>()
    expectTypeOf(result.list).toEqualTypeOf<ReadonlyArray<number | undefined>>()
    expectTypeOf(result.error).toEqualTypeOf<ProjectsError.NotFound>()
  })

  it("turns a record class into a plain object, without its methods", () => {
    const project = new Project.Project({
      id: "p1",
      name: "x",
      createdAt: DateTime.unsafeMake(0),
      updatedAt: DateTime.unsafeMake(1000),
      provider: "memory",
      raw: { createdAt: DateTime.unsafeMake(0) }
    })
    const result = PromiseClient.toPlain(project)
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
    expect(result).toEqual({
      id: "p1",
      name: "x",
      createdAt: "1970-01-01T00:00:00.000Z",
      updatedAt: "1970-01-01T00:00:01.000Z",
      provider: "memory",
      raw: { createdAt: "1970-01-01T00:00:00.000Z" }
    })
    expectTypeOf(result).toEqualTypeOf<PromiseClient.PlainProject>()
  })
})

describe("createProjectsClient", () => {
  it("answers with plain values, and lists every page with for await", async () => {
    const client = PromiseClient.createProjectsClient(ProjectsMemory.layer())
    try {
      const created = await client.projects.create({ name: "  Launch video  ", description: "Q3" })
      expect(created).toMatchObject({ name: "Launch video", description: "Q3", provider: "memory" })
      expect(created.createdAt).toMatch(isoTime)
      expect(Object.getPrototypeOf(created)).toBe(Object.prototype)
      expect(await client.projects.get(created.id)).toEqual(created)
      const updated = await client.projects.update(created.id, { description: null })
      expect(updated).not.toHaveProperty("description")
      for (const name of ["b", "c", "d", "e"]) await client.projects.create({ name })

      const first = await client.projects.listPage({ sortBy: "name", limit: 2 })
      expect(first.items.map((p) => p.name)).toEqual(["Launch video", "b"])
      expect(typeof first.nextCursor).toBe("string")
      const last = await client.projects.listPage({ sortBy: "name", limit: 3, cursor: first.nextCursor! })
      expect(last).toMatchObject({ items: [{ name: "c" }, { name: "d" }, { name: "e" }], nextCursor: undefined })

      const names: Array<string> = []
      for await (const project of client.projects.list({ sortBy: "name", direction: "desc", pageSize: 2 })) {
        names.push(project.name)
      }
      expect(names).toEqual(["e", "d", "c", "b", "Launch video"])

      // Leaving a loop early ends the stream; the next loop starts over.
      for await (const project of client.projects.list({ sortBy: "name", pageSize: 1 })) {
        expect(project.name).toBe("Launch video")
        break
      }
      await client.projects.delete(created.id)
      expect((await client.projects.capabilities()).maxPageSize).toBe(100)
    } finally {
      await client.close()
    }
  })

  it("rejects with the core error itself: instanceof, _tag, its fields", async () => {
    await using client = PromiseClient.createProjectsClient(ProjectsMemory.layer())
    const missing = await rejectionOf(client.projects.get("nope"))
    expect(missing).toBeInstanceOf(ProjectsError.NotFound)
    expect(missing).toBeInstanceOf(Error)
    expect(missing).toMatchObject({ _tag: "NotFound", resource: "project", id: "nope" })
    expect(String(missing)).not.toContain("FiberFailure")

    // What a Promise user reads of a RateLimited, without Effect's Duration.
    expect(new ProjectsError.RateLimited({ retryAfter: Duration.seconds(2) }).retryAfterMillis).toBe(2000)

    const invalid = await rejectionOf(client.projects.create({ name: "   " }))
    expect(invalid).toBeInstanceOf(ProjectsError.Validation)

    const iterating = await rejectionOf((async () => {
      for await (const _ of client.projects.list({ pageSize: 1000 })) expect.fail("no item expected")
    })())
    expect(iterating).toBeInstanceOf(ProjectsError.Validation)
  })

  it("an AbortSignal interrupts the call and rejects with its reason; closed clients reject", async () => {
    let started = 0
    const slow = Layer.effect(
      Projects.Projects,
      Effect.map(ProjectsMemory.make(), (projects) => ({
        ...projects,
        get: (id: string) => Effect.sync(() => started++).pipe(Effect.zipRight(Effect.never), Effect.zipRight(projects.get(id)))
      }))
    )
    const client = PromiseClient.createProjectsClient(slow)
    const controller = new AbortController()
    const pending = rejectionOf(client.projects.get("p1", { signal: controller.signal }))
    // Aborted while the call runs, not before it began.
    await eventuallyPromise(() => expect(started).toBe(1))
    controller.abort()
    const reason = await pending
    expect(reason).toBe(controller.signal.reason)
    expect((reason as Error).name).toBe("AbortError")

    const already = AbortSignal.abort(new Error("stop"))
    expect(await rejectionOf(client.projects.create({ name: "x" }, { signal: already }))).toBe(already.reason)

    const iterator = client.projects.list({ pageSize: 1 })[Symbol.asyncIterator]()
    await client.projects.create({ name: "one" })
    await client.projects.create({ name: "two" })
    expect((await iterator.next()).done).toBe(false)
    await client.close()
    await client[Symbol.asyncDispose]()
    expect(String(await rejectionOf(client.projects.get("p1")))).toContain("closed")
    expect(String(await rejectionOf(iterator.next()))).toContain("closed")
    expect(await iterator.return?.()).toEqual({ done: true, value: undefined })
  })

  it("has every member of the Effect service", () =>
    Effect.gen(function*() {
      const service = yield* ProjectsMemory.make()
      const client = PromiseClient.createProjectsClient(ProjectsMemory.layer())
      expect(Object.keys(client.projects).sort()).toEqual(Object.keys(service).sort())
      yield* Effect.promise(() => client.close())
    }).pipe(Effect.runPromise))
})

// ---------------------------------------------------------------------------------------------
// promised
// ---------------------------------------------------------------------------------------------

interface Toy {
  readonly items: {
    readonly get: (id: string, verbose?: boolean) => Effect.Effect<{ readonly id: string; readonly at: DateTime.Utc }, ProjectsError.NotFound>
    readonly stream: (from?: number) => Stream.Stream<number>
  }
  readonly count: Effect.Effect<number>
  readonly ticks: Stream.Stream<Option.Option<number>>
  readonly crash: () => Effect.Effect<void>
}
class ToyService extends Context.Tag("test/Toy")<ToyService, Toy>() {}

const toy: Toy = {
  items: {
    get: (id, verbose = false) =>
      id === "missing"
        ? Effect.fail(new ProjectsError.NotFound({ resource: "item", id }))
        : Effect.succeed({ id: verbose ? `${id}!` : id, at: DateTime.unsafeMake(0) }),
    stream: (from = 0) => Stream.range(from, from + 2)
  },
  count: Effect.succeed(3),
  ticks: Stream.make(Option.some(1), Option.none()),
  crash: () => Effect.die(new TypeError("boom"))
}

const shape: PromiseClient.Shape<Toy> = {
  items: { get: 2, stream: ["stream", 1] },
  count: "effect",
  ticks: "stream",
  crash: 0
}

describe("promised", () => {
  it("mirrors methods, effects and streams, with plain values and options last", async () => {
    const runner = PromiseClient.runner(Layer.succeed(ToyService, toy))
    const client = PromiseClient.promised(runner, ToyService, shape)
    try {
      expect(await client.items.get("a")).toEqual({ id: "a", at: "1970-01-01T00:00:00.000Z" })
      expect(await client.items.get("a", true, {})).toEqual({ id: "a!", at: "1970-01-01T00:00:00.000Z" })
      expect(await client.count()).toBe(3)
      const streamed: Array<number> = []
      for await (const n of client.items.stream(5)) streamed.push(n)
      expect(streamed).toEqual([5, 6, 7])
      const ticks: Array<number | undefined> = []
      for await (const tick of client.ticks()) ticks.push(tick)
      expect(ticks).toEqual([1, undefined])
      expect(await rejectionOf(client.items.get("missing"))).toBeInstanceOf(ProjectsError.NotFound)
      const defect = await rejectionOf(client.crash())
      expect(defect).toBeInstanceOf(TypeError)
      expect((defect as Error).message).toBe("boom")
      expectTypeOf(client.items.get).toEqualTypeOf<
        (id: string, verbose?: boolean, options?: PromiseClient.CallOptions) => Promise<{ readonly id: string; readonly at: string }>
      >()
      expectTypeOf(client.ticks).toEqualTypeOf<(options?: PromiseClient.CallOptions) => AsyncIterable<number | undefined>>()
    } finally {
      await runner.close()
    }
  })

  it("accepts only the service's exact shape", () => {
    // @ts-expect-error a member is missing
    const missing: PromiseClient.Shape<Toy> = { items: { get: 2, stream: ["stream", 1] }, count: "effect", ticks: "stream" }
    // @ts-expect-error `get` takes two parameters, the optional one included
    const wrong: PromiseClient.Shape<Toy> = { ...shape, items: { get: 1, stream: ["stream", 1] } }
    expect([missing, wrong]).toHaveLength(2)
  })
})
