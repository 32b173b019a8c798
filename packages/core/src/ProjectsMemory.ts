/**
 * A complete in-memory `Projects`: every rule of the neutral service (validation, partial updates,
 * keyset pagination with tamper-proof cursors, search, every sort key in both directions), with no
 * I/O. For users' tests, and the reference every other implementation is measured against.
 */
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Capabilities } from "./Capabilities.js"
import { randomUuid } from "./internal/uuid.js"
import * as Pagination from "./Pagination.js"
import { applyPatch, Project } from "./Project.js"
import { NotFound } from "./ProjectsError.js"
import { emulatePage, make as makeProjects, Projects, type ProjectsService } from "./Projects.js"

export interface Options {
  /** The `provider` projects report; "memory" by default. */
  readonly provider?: string
  readonly maxPageSize?: number
  /** Binds cursors to this store: a cursor of another store with another secret is refused. */
  readonly cursorSecret?: string
}

const everyDirection = { asc: "native", desc: "native" } as const

export const capabilities = (options: Options = {}): Capabilities =>
  new Capabilities({
    provider: options.provider ?? "memory",
    search: "native",
    sort: { name: everyDirection, createdAt: everyDirection, updatedAt: everyDirection },
    defaultSort: { sortBy: "createdAt", direction: "desc" },
    cursorPagination: "native",
    description: "native",
    attachments: "unsupported",
    maxPageSize: options.maxPageSize ?? 100
  })

export const make = (options: Options = {}): Effect.Effect<ProjectsService> =>
  Effect.sync(() => {
    const provider = options.provider ?? "memory"
    const codec = Pagination.makeCursorCodec(options.cursorSecret ?? "projectkit-memory")
    // Local to this store: each `make` (each Layer build) has its own.
    const store = new Map<string, Project>()
    const find = (id: string) =>
      Effect.suspend(() => {
        const project = store.get(id)
        return project === undefined ? Effect.fail(new NotFound({ resource: "project", id })) : Effect.succeed(project)
      })
    const save = (project: Project) =>
      Effect.sync(() => {
        store.set(project.id, project)
        return project
      })
    return makeProjects({
      capabilities: capabilities(options),
      create: (input) =>
        Effect.gen(function*() {
          const now = yield* DateTime.now
          const id = yield* randomUuid
          const fields = { id, name: input.name, createdAt: now, updatedAt: now, provider }
          const description = input.description === undefined ? {} : { description: input.description }
          return yield* save(new Project({ ...fields, ...description, raw: { ...fields, ...description } }))
        }),
      get: find,
      update: (id, patch) =>
        Effect.gen(function*() {
          const current = yield* find(id)
          const now = yield* DateTime.now
          const { description, name } = applyPatch(current, patch)
          const fields = { id, name, createdAt: current.createdAt, updatedAt: now, provider }
          const rest = description === undefined ? {} : { description }
          return yield* save(new Project({ ...fields, ...rest, raw: { ...fields, ...rest } }))
        }),
      delete: (id) => Effect.flatMap(find(id), () => Effect.sync(() => void store.delete(id))),
      listPage: (query) => emulatePage(codec, store.values(), query)
    })
  })

export const layer = (options: Options = {}): Layer.Layer<Projects> => Layer.effect(Projects, make(options))
