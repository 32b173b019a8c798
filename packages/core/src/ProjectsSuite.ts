/**
 * The contract every `Projects` implementation passes, run in one line from its own tests:
 *
 * ```ts
 * import { suite } from "@projectkit/core/test-suite"
 * suite("SyncClient → reference server", SyncClient.layer({ apiKey, baseUrl }))
 * ```
 *
 * It runs against the real clock and tolerates other data in the store (a shared server): it names
 * what it creates with a random marker, judges lists only by the items it created, and deletes them.
 * Features the implementation's `Capabilities` declare unsupported are checked to fail with
 * `Unsupported` instead.
 */
import { describe, expect, layer } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { randomUuid } from "./internal/uuid.js"
import * as Pagination from "./Pagination.js"
import type { Project } from "./Project.js"
import { type ListQueryInput, Projects, type ProjectsService } from "./Projects.js"

export interface SuiteOptions {
  /** Per-test timeout; remote implementations may need more than the default. */
  readonly timeout?: number
}

const sortValue = (project: Project, sortBy: Pagination.SortKey) =>
  sortBy === "name" ? project.name : DateTime.toEpochMillis(project[sortBy])

/** Pages through `query` by hand, returning each page's items. */
const allPages = (projects: ProjectsService, query: ListQueryInput) =>
  Effect.gen(function*() {
    const pages: Array<ReadonlyArray<Project>> = []
    let cursor: string | undefined
    do {
      const page = yield* projects.listPage(cursor === undefined ? query : { ...query, cursor })
      pages.push(page.items)
      cursor = Option.getOrUndefined(page.nextCursor)
      if (pages.length > 10_000) return yield* Effect.dieMessage("the list never ends: its cursors go round")
    } while (cursor !== undefined)
    return pages
  })

export const suite = <E>(name: string, implementation: Layer.Layer<Projects, E>, options: SuiteOptions = {}) =>
  layer(implementation, { excludeTestServices: true, ...(options.timeout ? { timeout: options.timeout } : {}) })(
    `Projects contract: ${name}`,
    (it) => {
      const marker = `pk${Effect.runSync(randomUuid).replace(/-/g, "").slice(0, 10)}`
      let serial = 0
      const uniqueName = (label: string) => `${marker} ${label} ${++serial}`

      /** Creates projects for one test and deletes them after it, whatever happens. */
      const withProjects = <A, E2>(
        names: ReadonlyArray<string>,
        use: (created: ReadonlyArray<Project>, projects: ProjectsService) => Effect.Effect<A, E2>
      ) =>
        Effect.gen(function*() {
          const projects = yield* Projects
          return yield* Effect.acquireUseRelease(
            Effect.forEach(names, (name) => projects.create({ name })),
            (created) => use(created, projects),
            (created) => Effect.forEach(created, (p) => Effect.ignore(projects.delete(p.id)), { discard: true })
          )
        })

      const ours = (created: ReadonlyArray<Project>) => {
        const ids = new Set(created.map((p) => p.id))
        return (items: ReadonlyArray<Project>) => items.filter((p) => ids.has(p.id))
      }

      const testOpts = options.timeout ? { timeout: options.timeout } : {}

      describe("create and get", () => {
        it.effect("creates a project with a trimmed name and timestamps, and reads it back", () =>
          withProjects([], (_, projects) =>
            Effect.gen(function*() {
              const name = uniqueName("create")
              const created = yield* projects.create({ name: `  ${name}  ` })
              yield* Effect.ensuring(
                Effect.gen(function*() {
                  expect(created.name).toBe(name)
                  expect(created.id.length).toBeGreaterThan(0)
                  expect(created.provider).toBe(projects.capabilities.provider)
                  expect(DateTime.lessThanOrEqualTo(created.createdAt, created.updatedAt)).toBe(true)
                  const read = yield* projects.get(created.id)
                  expect(read.id).toBe(created.id)
                  expect(read.name).toBe(name)
                  expect(DateTime.toEpochMillis(read.createdAt)).toBe(DateTime.toEpochMillis(created.createdAt))
                }),
                Effect.ignore(projects.delete(created.id))
              )
            })), testOpts)

        it.effect("rejects an empty or blank name with Validation", () =>
          Effect.gen(function*() {
            const projects = yield* Projects
            for (const name of ["", "   "]) {
              const error = yield* Effect.flip(projects.create({ name }))
              expect(error._tag).toBe("Validation")
            }
          }), testOpts)

        it.effect("stores a description where supported, and refuses one where not", () =>
          Effect.gen(function*() {
            const projects = yield* Projects
            const result = yield* Effect.either(
              projects.create({ name: uniqueName("described"), description: "first draft" })
            )
            if (projects.capabilities.description === "unsupported") {
              expect(Either.isLeft(result) && result.left._tag).toBe("Unsupported")
              return
            }
            const created = Either.getOrThrow(result)
            yield* Effect.ensuring(
              Effect.gen(function*() {
                expect(created.description).toBe("first draft")
                expect((yield* projects.get(created.id)).description).toBe("first draft")
              }),
              Effect.ignore(projects.delete(created.id))
            )
          }), testOpts)

        it.effect("answers NotFound for an id it does not know", () =>
          Effect.gen(function*() {
            const projects = yield* Projects
            const error = yield* Effect.flip(projects.get(yield* randomUuid))
            expect(error._tag).toBe("NotFound")
          }), testOpts)
      })

      describe("update", () => {
        it.effect("changes only the fields sent", () =>
          withProjects([uniqueName("patch")], ([project], projects) =>
            Effect.gen(function*() {
              const renamed = yield* projects.update(project!.id, { name: uniqueName("renamed") })
              expect(renamed.id).toBe(project!.id)
              expect(renamed.description).toBe(project!.description)
              expect(DateTime.toEpochMillis(renamed.createdAt)).toBe(DateTime.toEpochMillis(project!.createdAt))
              expect(DateTime.greaterThanOrEqualTo(renamed.updatedAt, project!.updatedAt)).toBe(true)
              expect((yield* projects.get(project!.id)).name).toBe(renamed.name)
              const unchanged = yield* projects.update(project!.id, {})
              expect(unchanged.name).toBe(renamed.name)
            })), testOpts)

        it.effect("sets and removes a description (null removes; absent keeps)", () =>
          withProjects([uniqueName("describe")], ([project], projects) =>
            Effect.gen(function*() {
              const set = yield* Effect.either(projects.update(project!.id, { description: "notes" }))
              if (projects.capabilities.description === "unsupported") {
                expect(Either.isLeft(set) && set.left._tag).toBe("Unsupported")
                return
              }
              expect(Either.getOrThrow(set).description).toBe("notes")
              const renamed = yield* projects.update(project!.id, { name: uniqueName("keeps description") })
              expect(renamed.description).toBe("notes")
              const cleared = yield* projects.update(project!.id, { description: null })
              expect(cleared.description).toBeUndefined()
              expect((yield* projects.get(project!.id)).description).toBeUndefined()
            })), testOpts)

        it.effect("rejects a blank name and leaves the project as it was", () =>
          withProjects([uniqueName("blank")], ([project], projects) =>
            Effect.gen(function*() {
              const error = yield* Effect.flip(projects.update(project!.id, { name: " " }))
              expect(error._tag).toBe("Validation")
              expect((yield* projects.get(project!.id)).name).toBe(project!.name)
            })), testOpts)

        it.effect("answers NotFound for an unknown id", () =>
          Effect.gen(function*() {
            const projects = yield* Projects
            const error = yield* Effect.flip(projects.update(yield* randomUuid, { name: "x" }))
            expect(error._tag).toBe("NotFound")
          }), testOpts)
      })

      describe("delete", () => {
        it.effect("deletes, after which the project is not found, nor deletable again", () =>
          Effect.gen(function*() {
            const projects = yield* Projects
            const project = yield* projects.create({ name: uniqueName("delete") })
            yield* projects.delete(project.id)
            expect((yield* Effect.flip(projects.get(project.id)))._tag).toBe("NotFound")
            expect((yield* Effect.flip(projects.delete(project.id)))._tag).toBe("NotFound")
          }), testOpts)
      })

      describe("list", () => {
        const names = ["delta", "Alpha", "charlie", "bravo", "echo", "alpha", "foxtrot"]
        const orders: ReadonlyArray<readonly [Pagination.SortKey, Pagination.Direction]> = [
          ["name", "asc"],
          ["name", "desc"],
          ["createdAt", "asc"],
          ["createdAt", "desc"],
          ["updatedAt", "asc"],
          ["updatedAt", "desc"]
        ]

        it.effect("pages through every project exactly once, in order, for each supported sort", () =>
          withProjects(names.map((n) => `${marker} list ${n}`), (created, projects) =>
            Effect.gen(function*() {
              const mine = ours(created)
              const search = projects.capabilities.search === "unsupported" ? {} : { search: marker }
              for (const [sortBy, direction] of orders) {
                if (projects.capabilities.sort[sortBy][direction] === "unsupported") {
                  const error = yield* Effect.flip(projects.listPage({ sortBy, direction }))
                  expect(error._tag).toBe("Unsupported")
                  continue
                }
                const pages = yield* allPages(projects, { sortBy, direction, limit: 3, ...search })
                for (const page of pages) expect(page.length).toBeLessThanOrEqual(3)
                const seen = mine(pages.flat())
                expect(seen.map((p) => p.id).sort()).toEqual(created.map((p) => p.id).sort())
                const compare = Pagination.comparePositions(direction)
                const positions = seen.map((p) => ({ value: sortValue(p, sortBy), id: p.id }))
                const sorted = [...positions].sort(compare)
                expect(positions, `${sortBy} ${direction}`).toEqual(sorted)
                const streamed = yield* Stream.runCollect(projects.list({ sortBy, direction, pageSize: 2, ...search }))
                expect(mine(Chunk.toReadonlyArray(streamed)).map((p) => p.id)).toEqual(seen.map((p) => p.id))
              }
            })), testOpts)

        it.effect("search keeps the names that contain the text, whatever the case", () =>
          withProjects(names.map((n) => `${marker} search ${n}`), (_, projects) =>
            Effect.gen(function*() {
              const result = yield* Effect.either(
                Stream.runCollect(projects.list({ search: `${marker} SEARCH ALPHA`.toLowerCase() }))
              )
              if (projects.capabilities.search === "unsupported") {
                expect(Either.isLeft(result) && result.left._tag).toBe("Unsupported")
                return
              }
              const upper = yield* Stream.runCollect(projects.list({ search: `${marker} SEARCH ALPHA` }))
              const found = Chunk.toReadonlyArray(upper).map((p) => p.name).sort()
              expect(found).toEqual([`${marker} search Alpha`, `${marker} search alpha`])
              expect(Chunk.size(Either.getOrThrow(result))).toBe(2)
            })), testOpts)

        it.effect("refuses a page size out of bounds with Validation", () =>
          Effect.gen(function*() {
            const projects = yield* Projects
            for (const limit of [0, -1, 1.5, projects.capabilities.maxPageSize + 1]) {
              expect((yield* Effect.flip(projects.listPage({ limit })))._tag).toBe("Validation")
            }
          }), testOpts)

        it.effect("refuses altered, malformed and foreign cursors with Validation", () =>
          withProjects(names.slice(0, 3).map((n) => `${marker} cursor ${n}`), (_, projects) =>
            Effect.gen(function*() {
              if (projects.capabilities.cursorPagination === "unsupported") return
              const { direction, sortBy } = projects.capabilities.defaultSort
              const first = yield* projects.listPage({ sortBy, direction, limit: 1 })
              const cursor = Option.getOrThrow(first.nextCursor)
              const altered = cursor.slice(0, -1) + (cursor.endsWith("A") ? "B" : "A")
              for (const bad of [altered, "not-a-cursor", "", `${cursor}x`, cursor.slice(1)]) {
                const error = yield* Effect.flip(projects.listPage({ sortBy, direction, limit: 1, cursor: bad }))
                expect(error._tag, bad).toBe("Validation")
              }
              const other = orders.find(([key, dir]) =>
                (key !== sortBy || dir !== direction) && projects.capabilities.sort[key][dir] !== "unsupported"
              )
              if (other !== undefined) {
                const error = yield* Effect.flip(
                  projects.listPage({ sortBy: other[0], direction: other[1], limit: 1, cursor })
                )
                expect(error._tag).toBe("Validation")
              }
            })), testOpts)

        it.effect("never skips or repeats a surviving project while others write between pages", () =>
          withProjects(["b", "d", "f", "h", "j", "l"].map((n) => `${marker} keyset ${n}`), (created, projects) =>
            Effect.gen(function*() {
              const search = projects.capabilities.search === "unsupported" ? {} : { search: `${marker} keyset` }
              const query = { sortBy: "name", direction: "asc", limit: 2, ...search } as const
              if (projects.capabilities.sort.name.asc === "unsupported") return
              const first = yield* projects.listPage(query)
              const seen = [...first.items]
              let cursor = Option.getOrUndefined(first.nextCursor)
              // Between pages: insert before and after the position, delete one not yet seen.
              const extra = yield* Effect.forEach(
                ["a", "e", "k"],
                (n) => projects.create({ name: `${marker} keyset ${n}` })
              )
              const doomed = created.find((p) => p.name.endsWith(" h"))!
              yield* projects.delete(doomed.id)
              yield* Effect.ensuring(
                Effect.gen(function*() {
                  while (cursor !== undefined) {
                    const page = yield* projects.listPage({ ...query, cursor })
                    seen.push(...page.items)
                    cursor = Option.getOrUndefined(page.nextCursor)
                  }
                  const ids = seen.map((p) => p.id)
                  expect(new Set(ids).size).toBe(ids.length)
                  const survivors = created.filter((p) => p.id !== doomed.id)
                  for (const survivor of survivors) expect(ids).toContain(survivor.id)
                  expect(ids).not.toContain(doomed.id)
                }),
                Effect.forEach(extra, (p) => Effect.ignore(projects.delete(p.id)), { discard: true })
              )
            })), testOpts)
      })
    }
  )
