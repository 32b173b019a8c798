import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { Capabilities, Pagination, Projects, ProjectsError, ProjectsMemory } from "../src/index.js"

describe("ProjectsMemory", () => {
  it.effect("keeps createdAt and moves updatedAt on the clock", () =>
    Effect.gen(function*() {
      const projects = yield* ProjectsMemory.make()
      const created = yield* projects.create({ name: "clocked" })
      yield* TestClock.adjust("5 seconds")
      const updated = yield* projects.update(created.id, { name: "clocked again" })
      expect(updated.createdAt).toEqual(created.createdAt)
      expect(updated.updatedAt.epochMillis - created.updatedAt.epochMillis).toBe(5000)
    }))

  it.effect("reports every Schema issue of bad input at once", () =>
    Effect.gen(function*() {
      const projects = yield* ProjectsMemory.make()
      const error = yield* Effect.flip(
        projects.create({ name: 42, description: false, extra: 1 } as unknown as Projects.CreateProjectInput)
      )
      expect(error._tag).toBe("Validation")
      if (error._tag !== "Validation") return
      expect(error.issues.map((issue) => issue.path[0]).sort()).toEqual(["description", "extra", "name"])
    }))

  it.effect("separate stores share nothing", () =>
    Effect.gen(function*() {
      const a = yield* ProjectsMemory.make()
      const b = yield* ProjectsMemory.make()
      const project = yield* a.create({ name: "only in a" })
      expect((yield* Effect.flip(b.get(project.id)))._tag).toBe("NotFound")
    }))
})

describe("Capabilities", () => {
  const limited = new Capabilities.Capabilities({
    ...ProjectsMemory.capabilities({ provider: "limited" }),
    search: "unsupported",
    description: "unsupported",
    sort: {
      name: { asc: "native", desc: "unsupported" },
      createdAt: { asc: "unsupported", desc: "unsupported" },
      updatedAt: { asc: "emulated", desc: "emulated" }
    },
    defaultSort: { sortBy: "updatedAt", direction: "desc" }
  })
  const makeLimited = Effect.map(ProjectsMemory.make({ provider: "limited" }), (inner) =>
    Projects.make({
      capabilities: limited,
      create: (input) => inner.create(input),
      get: inner.get,
      update: (id, patch) => inner.update(id, patch),
      delete: inner.delete,
      listPage: ({ cursor, direction, limit, search, sortBy }) =>
        inner.listPage({
          sortBy,
          direction,
          limit,
          ...(search === undefined ? {} : { search }),
          ...(cursor === undefined ? {} : { cursor })
        })
    }))

  it.effect("refuses what is unsupported with Unsupported, and allows what is emulated", () =>
    Effect.gen(function*() {
      const projects = yield* makeLimited
      const refused: ReadonlyArray<Effect.Effect<unknown, ProjectsError.ProjectsError>> = [
        projects.listPage({ search: "x" }),
        projects.listPage({ sortBy: "name", direction: "desc" }),
        projects.listPage({ sortBy: "createdAt" }),
        projects.create({ name: "x", description: "y" })
      ]
      for (const attempt of refused) {
        const error = yield* Effect.flip(attempt)
        expect(error).toMatchObject({ _tag: "Unsupported", provider: "limited" })
      }
      const created = yield* projects.create({ name: "fine" })
      expect((yield* Effect.flip(projects.update(created.id, { description: null })))._tag).toBe("Unsupported")
      const page = yield* projects.listPage({ search: "", sortBy: "updatedAt" })
      expect(page.items.map((p) => p.id)).toEqual([created.id])
      expect(Option.isNone(page.nextCursor)).toBe(true)
    }))

  it("resolves the default order, and ascending for a named key without a direction", () => {
    const sortOf = (query: typeof Pagination.ListQuery.Encoded) => limited.sortOf(new Pagination.ListQuery(query))
    expect(sortOf({})).toEqual({ sortBy: "updatedAt", direction: "desc" })
    expect(sortOf({ direction: "asc" })).toEqual({ sortBy: "updatedAt", direction: "asc" })
    expect(sortOf({ sortBy: "name" })).toEqual({ sortBy: "name", direction: "asc" })
    expect(sortOf({ sortBy: "name", direction: "desc" })).toEqual({ sortBy: "name", direction: "desc" })
  })
})
