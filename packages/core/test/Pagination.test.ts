import { describe, expect, it } from "@effect/vitest"
import { Pagination, Projects, ProjectsMemory } from "../src/index.js"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as fc from "fast-check"

/**
 * A clock that moves only when told to. (TestClock would do, but each adjustment yields to the
 * event loop, which makes hundreds of property runs needlessly slow.)
 */
const manualClock = () => {
  let now = 0
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => now,
    unsafeCurrentTimeNanos: () => BigInt(now) * 1_000_000n,
    currentTimeMillis: Effect.sync(() => now),
    currentTimeNanos: Effect.sync(() => BigInt(now) * 1_000_000n),
    sleep: () => Effect.void
  }
  return { clock, advance: (millis: number) => Effect.sync(() => void (now += millis)) }
}

const run = <A, E>(body: (advance: (millis: number) => Effect.Effect<void>) => Effect.Effect<A, E>) => {
  const { advance, clock } = manualClock()
  return Effect.runPromise(Effect.withClock(body(advance), clock))
}

/** The reference order, written independently of the code under test: UTF-8 bytes, then id. */
const referenceCompare = (sortBy: Pagination.SortKey, direction: Pagination.Direction) =>
(a: { name: string; createdAt: number; updatedAt: number; id: string }, b: typeof a) => {
  const byValue = sortBy === "name"
    ? Buffer.compare(Buffer.from(a.name), Buffer.from(b.name))
    : a[sortBy] - b[sortBy]
  const order = byValue !== 0 ? byValue : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  return direction === "asc" ? order : -order
}

const snapshot = (p: { id: string; name: string; createdAt: DateTime.Utc; updatedAt: DateTime.Utc }) => ({
  id: p.id,
  name: p.name,
  createdAt: DateTime.toEpochMillis(p.createdAt),
  updatedAt: DateTime.toEpochMillis(p.updatedAt)
})

// Few distinct names and clock steps, so ties (broken by id) are common; astral characters test
// the code-point order.
const arbName = fc.constantFrom("a", "B", "b", "ab", "c", "é", "\u{1F600}", "\uFFFD", "z")
const arbSort = fc.constantFrom<Pagination.SortKey>("name", "createdAt", "updatedAt")
const arbDirection = fc.constantFrom<Pagination.Direction>("asc", "desc")

const pageThrough = (projects: Projects.ProjectsService, query: Projects.ListQueryInput) =>
  Effect.gen(function*() {
    const seen: Array<ReturnType<typeof snapshot>> = []
    let cursor: string | undefined
    do {
      const page = yield* projects.listPage(cursor === undefined ? query : { ...query, cursor })
      expect(page.items.length).toBeLessThanOrEqual(query.limit ?? 20)
      seen.push(...page.items.map(snapshot))
      cursor = Option.getOrUndefined(page.nextCursor)
    } while (cursor !== undefined)
    return seen
  })

describe("Pagination", () => {
  it("pages through any data set exactly once, in order, for every sort and page size", () =>
    fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ name: arbName, step: fc.integer({ min: 0, max: 2 }), touch: fc.boolean() }), {
          maxLength: 40
        }),
        fc.integer({ min: 1, max: 7 }),
        arbSort,
        arbDirection,
        (rows, limit, sortBy, direction) =>
          run((advance) => Effect.gen(function*() {
            const projects = yield* ProjectsMemory.make()
            const created = []
            for (const row of rows) {
              yield* advance(row.step)
              created.push(yield* projects.create({ name: row.name }))
            }
            // Touch some projects again so updatedAt differs from createdAt.
            for (const [i, row] of rows.entries()) {
              yield* advance(row.step)
              if (row.touch) created[i] = yield* projects.update(created[i]!.id, { name: row.name })
            }
            const seen = yield* pageThrough(projects, { sortBy, direction, limit })
            const expected = created.map(snapshot).sort(referenceCompare(sortBy, direction))
            expect(seen).toEqual(expected)
          }))
      ),
      { numRuns: 200 }
    ))

  it("never skips or repeats a surviving item when items are inserted and deleted between pages", () =>
    fc.assert(
      fc.asyncProperty(
        fc.array(arbName, { minLength: 1, maxLength: 30 }),
        fc.array(
          fc.oneof(
            fc.record({ insert: arbName }),
            fc.record({ remove: fc.nat() })
          ),
          { maxLength: 30 }
        ),
        fc.integer({ min: 1, max: 5 }),
        arbSort,
        arbDirection,
        (names, writes, limit, sortBy, direction) =>
          run((advance) => Effect.gen(function*() {
            const projects = yield* ProjectsMemory.make()
            const initial = []
            for (const name of names) {
              yield* advance(1)
              initial.push(yield* projects.create({ name }))
            }
            const live = new Map(initial.map((p) => [p.id, p]))
            const deleted = new Set<string>()
            const seen: Array<string> = []
            let cursor: string | undefined
            let pending = [...writes]
            do {
              const page = yield* projects.listPage({
                sortBy,
                direction,
                limit,
                ...(cursor === undefined ? {} : { cursor })
              })
              seen.push(...page.items.map((p) => p.id))
              cursor = Option.getOrUndefined(page.nextCursor)
              // Two writes between every pair of pages.
              for (const write of pending.slice(0, 2)) {
                yield* advance(1)
                if ("insert" in write) {
                  const p = yield* projects.create({ name: write.insert })
                  live.set(p.id, p)
                } else if (live.size > 0) {
                  const victim = [...live.keys()][write.remove % live.size]!
                  yield* projects.delete(victim)
                  live.delete(victim)
                  deleted.add(victim)
                }
              }
              pending = pending.slice(2)
            } while (cursor !== undefined)
            expect(new Set(seen).size).toBe(seen.length)
            for (const p of initial) {
              if (!deleted.has(p.id)) expect(seen).toContain(p.id)
            }
          }))
      ),
      { numRuns: 200 }
    ))

  describe("cursor codec", () => {
    const codec = Pagination.makeCursorCodec("secret")
    const arbPosition = fc.record({
      value: fc.oneof(fc.string({ unit: "binary" }), fc.double({ noNaN: true, noDefaultInfinity: true })),
      id: fc.string({ unit: "binary" })
    })

    it("round-trips any position", () =>
      fc.assert(
        fc.property(fc.string(), arbPosition, (scope, position) => {
          const decoded = codec.decode(scope, codec.encode(scope, position))
          expect(decoded).toEqual(Either.right({ value: Object.is(position.value, -0) ? 0 : position.value, id: position.id }))
        }),
        { numRuns: 500 }
      ))

    it("rejects any altered cursor with a Validation error", () =>
      fc.assert(
        fc.property(arbPosition, fc.nat(), fc.string({ minLength: 1, maxLength: 3 }), (position, at, text) => {
          const cursor = codec.encode("scope", position)
          const index = at % (cursor.length + 1)
          for (
            const altered of [
              cursor.slice(0, index) + text + cursor.slice(index),
              cursor.slice(0, index) + text + cursor.slice(index + text.length)
            ]
          ) {
            if (altered === cursor) continue
            const decoded = codec.decode("scope", altered)
            expect(Either.isLeft(decoded) && decoded.left._tag).toBe("Validation")
          }
        }),
        { numRuns: 1000 }
      ))

    it("rejects a cursor made for another scope, or with another secret", () =>
      fc.assert(
        fc.property(arbPosition, fc.string(), fc.string(), (position, scope, other) => {
          fc.pre(scope !== other)
          const cursor = codec.encode(scope, position)
          expect(Either.isLeft(codec.decode(other, cursor))).toBe(true)
          expect(Either.isLeft(Pagination.makeCursorCodec("other secret").decode(scope, cursor))).toBe(true)
        })
      ))

    it("never throws on arbitrary input", () =>
      fc.assert(
        fc.property(fc.string({ unit: "binary" }), (junk) => {
          const decoded = codec.decode("scope", junk)
          expect(Either.isLeft(decoded)).toBe(true)
        }),
        { numRuns: 1000 }
      ))
  })

  describe("page size", () => {
    it("defaults, and refuses what is out of bounds", () => {
      expect(Pagination.resolvePageSize(undefined)).toEqual(Either.right(20))
      expect(Pagination.resolvePageSize(100)).toEqual(Either.right(100))
      expect(Pagination.resolvePageSize(1)).toEqual(Either.right(1))
      for (const bad of [0, 101, -5, 2.5, Number.NaN]) {
        const result = Pagination.resolvePageSize(bad)
        expect(Either.isLeft(result) && result.left.issues[0]?.path).toEqual(["limit"])
      }
    })
  })

  it.effect("a service refuses a junk cursor with Validation, not a defect", () =>
    Effect.gen(function*() {
      const projects = yield* ProjectsMemory.make()
      yield* projects.create({ name: "one" })
      yield* projects.create({ name: "two" })
      for (const cursor of ["%%%", "a.b", "eyJ4IjoxfQ.abc", "."]) {
        const error = yield* Effect.flip(projects.listPage({ limit: 1, cursor }))
        expect(error._tag).toBe("Validation")
      }
    }))
})
