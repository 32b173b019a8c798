/**
 * The neutral projects service every adapter provides, whatever the provider underneath.
 */
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { Capabilities } from "./Capabilities.js"
import * as Pagination from "./Pagination.js"
import { CreateProject, type Project, ProjectPatch } from "./Project.js"
import { type ProjectsError, Validation } from "./ProjectsError.js"

/** What callers pass: plain objects, validated by the service (bad input fails with `Validation`). */
export type CreateProjectInput = typeof CreateProject.Encoded
export type ProjectPatchInput = typeof ProjectPatch.Encoded
export type ListQueryInput = typeof Pagination.ListQuery.Encoded

export interface ProjectsService {
  readonly capabilities: Capabilities
  readonly create: (input: CreateProjectInput) => Effect.Effect<Project, ProjectsError>
  readonly get: (id: string) => Effect.Effect<Project, ProjectsError>
  /** Changes only the fields `patch` carries; `description: null` removes the description. */
  readonly update: (id: string, patch: ProjectPatchInput) => Effect.Effect<Project, ProjectsError>
  readonly delete: (id: string) => Effect.Effect<void, ProjectsError>
  readonly listPage: (query?: ListQueryInput) => Effect.Effect<Pagination.Page<Project>, ProjectsError>
  /** Every project the query selects, fetched page by page as the stream is pulled. */
  readonly list: (query?: Pagination.StreamQuery) => Stream.Stream<Project, ProjectsError>
}

export class Projects extends Context.Tag("@projectkit/core/Projects")<Projects, ProjectsService>() {}

/** A list request after validation, with the sort and page size resolved. */
export interface ResolvedListQuery {
  readonly search: string | undefined
  readonly sortBy: Pagination.SortKey
  readonly direction: Pagination.Direction
  readonly limit: number
  readonly cursor: string | undefined
}

/**
 * The page `query` asks for out of `all` the projects: searched, sorted and cut at the cursor's
 * keyset position exactly as a native implementation would. How an implementation without native
 * search, sort or cursors (one that can only read everything) emulates them, exactly.
 */
export const emulatePage = (
  cursors: Pagination.CursorCodec,
  all: Iterable<Project>,
  query: ResolvedListQuery
): Effect.Effect<Pagination.Page<Project>, Validation> =>
  Effect.gen(function*() {
    const scope = `${query.sortBy}:${query.direction}:${Pagination.searchKey(query.search ?? "")}`
    const after = query.cursor === undefined ? Option.none() : Option.some(yield* cursors.decode(scope, query.cursor))
    const { sortBy } = query
    const page = Pagination.keysetPage(
      Array.from(all).filter((project) => Pagination.matchesSearch(project.name, query.search)),
      {
        position: (project) => ({
          value: sortBy === "name" ? project.name : DateTime.toEpochMillis(project[sortBy]),
          id: project.id
        }),
        direction: query.direction,
        limit: query.limit,
        after
      }
    )
    return {
      items: page.items,
      nextCursor: page.hasMore ? Option.map(page.last, (last) => cursors.encode(scope, last)) : Option.none()
    }
  })

/** What an implementation writes; `make` adds validation, capability checks and `list`. */
export interface ProjectsImplementation {
  readonly capabilities: Capabilities
  readonly create: (input: CreateProject) => Effect.Effect<Project, ProjectsError>
  readonly get: (id: string) => Effect.Effect<Project, ProjectsError>
  readonly update: (id: string, patch: ProjectPatch) => Effect.Effect<Project, ProjectsError>
  readonly delete: (id: string) => Effect.Effect<void, ProjectsError>
  readonly listPage: (query: ResolvedListQuery) => Effect.Effect<Pagination.Page<Project>, ProjectsError>
}

const decode = <A, I>(schema: Schema.Schema<A, I>) => {
  const decodeUnknown = Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })
  return (input: unknown): Effect.Effect<A, Validation> =>
    Effect.mapError(decodeUnknown(input), Validation.fromParseError)
}
const decodeCreate = decode(CreateProject)
const decodePatch = decode(ProjectPatch)
const decodeQuery = decode(Pagination.ListQuery)

/**
 * Builds the service from an implementation, so that every implementation validates input, refuses
 * what it cannot do and pages in the same way.
 */
export const make = (implementation: ProjectsImplementation): ProjectsService => {
  const { capabilities } = implementation
  const bounds: Pagination.PageSizeBounds = {
    default: Math.min(Pagination.defaultPageSizeBounds.default, capabilities.maxPageSize),
    max: capabilities.maxPageSize
  }
  const listPage = (input: ListQueryInput = {}) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(input)
      yield* capabilities.checkQuery(query)
      const limit = yield* Pagination.resolvePageSize(query.limit, bounds)
      const { direction, sortBy } = capabilities.sortOf(query)
      return yield* implementation.listPage({ search: query.search, sortBy, direction, limit, cursor: query.cursor })
    })
  return {
    capabilities,
    create: (input) =>
      decodeCreate(input).pipe(
        Effect.tap((create) => capabilities.checkWrite(create)),
        Effect.flatMap(implementation.create)
      ),
    get: implementation.get,
    update: (id, input) =>
      decodePatch(input).pipe(
        Effect.tap((patch) => capabilities.checkWrite(patch)),
        Effect.flatMap((patch) => implementation.update(id, patch))
      ),
    delete: implementation.delete,
    listPage,
    list: ({ pageSize, ...query } = {}) =>
      Pagination.stream((cursor) =>
        listPage({
          ...query,
          // Streams fetch the largest pages by default: fewer round trips, the same items.
          limit: pageSize ?? capabilities.maxPageSize,
          ...(cursor._tag === "Some" ? { cursor: cursor.value } : {})
        })
      )
  }
}
