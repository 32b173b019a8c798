/**
 * sync.so's storage of projects, and the rule every piece of work filed under one follows. Every
 * statement is confined to the caller's organization; a project of another organization, or one with
 * USER visibility owned by someone else, is indistinguishable from one that does not exist.
 *
 * It answers in core terms: rows, or `NotFound` (an id the caller cannot see), `InvalidReference`
 * (work filed under a `projectId` that is not one of the caller's projects: sync.so's 422),
 * `Validation` (a cursor that is not this list's); how they look on the wire is `SyncErrors`'.
 * Assets, generations and batches are `SyncAssetStore`'s, `SyncGenerationStore`'s and `SyncBatchStore`'s.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Pagination from "@projectkit/core/Pagination"
import * as Attachment from "@projectkit/core/Attachment"
import { NotFound, type Validation } from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { Caller } from "../../Organizations.js"
import * as GroupCommit from "../../internal/groupCommit.js"
import { randomId } from "../../internal/ids.js"
import * as Keyset from "../../internal/keyset.js"
import { searchPage } from "../../internal/search.js"
import * as Sqlite from "../../internal/sqlite.js"

export interface ProjectRow {
  readonly id: string
  readonly name: string
  readonly visibility: string
  readonly mode: string
  readonly created_at: number
  readonly updated_at: number
}

export type ProjectSort = "createdAt" | "updatedAt" | "name"

/**
 * The order of each project sort. INF: the documents name `sortBy` (updatedAt or name) but no
 * direction; we sort names A→Z and times newest first, and with no `sortBy` newest created first.
 */
const projectOrders: Record<ProjectSort, Keyset.Order> = {
  createdAt: { key: "created_at", direction: "desc" },
  updatedAt: { key: "updated_at", direction: "desc" },
  name: { key: "name", direction: "asc" }
}

/** `row`, or `NotFound` naming `resource` and `id` when there is none (every sync.so store answers so). */
export const found = <A>(resource: string, id: string) => (row: Option.Option<A>): Effect.Effect<A, NotFound> =>
  Option.match(row, {
    onNone: () => Effect.fail(new NotFound({ resource, id })),
    onSome: Effect.succeed
  })

/** The most rows one multi-row INSERT of a group writes (9 parameters each; one statement per size). */
const groupInsertLimit = 32

export interface Options {
  /**
   * Commit the creates of one turn of the event loop together (`internal/groupCommit.ts`): on the
   * server's own SQLite in one transaction, on PostgreSQL one multi-row INSERT per group of up to
   * 32; on by default. Inside a caller's open transaction a create is its own statement either way.
   */
  readonly groupCommit?: boolean | undefined
}

export const makeWith = (options: Options) => Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient

  const visibleProject = (caller: Caller) =>
    sql`org_id = ${caller.orgId} AND (visibility = 'ORGANIZATION' OR owner_id = ${caller.userId})`

  // Compiled once, in this client's dialect: a request only supplies the parameters (the id, then
  // the caller's organization and user, in the order they appear). Building the template and its
  // fragment and compiling them anew cost a GET more than SQLite's answer does.
  const [findProjectSql] = sql`SELECT id, name, visibility, mode, created_at, updated_at FROM sync_projects
        WHERE id = ${""} AND ${visibleProject({ orgId: "", userId: "" })}`.compile()
  const projectRows = (caller: Caller, id: string) =>
    sql.unsafe<ProjectRow>(findProjectSql, [id, caller.orgId, caller.userId])
  const findProject = (caller: Caller, id: string) => Effect.map(projectRows(caller, id), (rows) => Option.fromNullable(rows[0]))
  // The row, or NotFound, in one step after the statement: a GET is mostly this (issue 28).
  const getProject = (caller: Caller, id: string): Effect.Effect<ProjectRow, NotFound | SqlError> =>
    Effect.flatMap(projectRows(caller, id), (rows) => found<ProjectRow>("Project", id)(Option.fromNullable(rows[0])))

  // Compiled once too, the INSERT of one row and of each group size (`insertsOfSize[n]`, n rows):
  // the parameters in the order of the columns, row after row.
  const projectValues = () => sql`(${""}, ${""}, ${""}, ${""}, ${""}, ${""}, ${""}, ${0}, ${0})`
  const insertProjectsSql = (count: number) =>
    sql`INSERT INTO sync_projects (id, org_id, owner_id, name, name_search, visibility, mode, created_at, updated_at)
        VALUES ${sql.csv(Array.from({ length: count }, projectValues))}`.compile()[0]
  const insertProjectSql = insertProjectsSql(1)
  const insertsOfSize = Array.from({ length: groupInsertLimit + 1 }, (_, count) => count < 2 ? insertProjectSql : insertProjectsSql(count))
  const groupCommit = Option.match(Sqlite.direct(sql), {
    // One statement per chunk of rows, in the group's one transaction: a statement run is a good
    // part of a row's cost there.
    onSome: (direct) => GroupCommit.onSqlite<ReadonlyArray<unknown>>(direct, (statements, rows) => {
      for (let at = 0; at < rows.length; at += groupInsertLimit) {
        const chunk = rows.slice(at, at + groupInsertLimit)
        statements.run(insertsOfSize[chunk.length]!, chunk.flat())
      }
    }),
    // PostgreSQL: one statement per group, so no BEGIN and COMMIT around it; a group is never
    // larger than one statement (the turn's further creates make further groups), so it is
    // committed all or none by the statement itself.
    onNone: () => GroupCommit.make<ReadonlyArray<unknown>>({
      commit: (rows) => sql.unsafe(insertsOfSize[rows.length]!, rows.length === 1 ? rows[0]! : rows.flat()),
      maxGroup: groupInsertLimit
    })
  })
  const grouped = options.groupCommit === false ? Option.none() : Option.some(groupCommit)
  const insertProject = (params: ReadonlyArray<unknown>): Effect.Effect<unknown, SqlError> =>
    Option.isNone(grouped)
      ? sql.unsafe(insertProjectSql, params)
      // Inside the caller's transaction the insert must be one of its statements (and the group,
      // waiting for that transaction to end, would wait for ever).
      : Effect.contextWithEffect((context: Context.Context<never>) =>
        Context.getOption(context, SqlClient.TransactionConnection)._tag === "Some"
          ? sql.unsafe(insertProjectSql, params)
          : grouped.value.write(params)
      )

  const createProject = (caller: Caller, input: { name: string; visibility: string; mode: string }) =>
    // The clock read in this step (`Clock.currentTimeMillis` would take three: issue 28).
    Effect.clockWith((clock) => {
      const now = clock.unsafeCurrentTimeMillis()
      const row: ProjectRow = { id: randomId(), ...input, created_at: now, updated_at: now }
      return Effect.as(
        insertProject([
          row.id,
          caller.orgId,
          caller.userId,
          row.name,
          Pagination.searchKey(row.name),
          row.visibility,
          row.mode,
          now,
          now
        ]),
        row
      )
    })

  /**
   * Changes the fields given, and only those, in one statement (`NotFound` when the project is not
   * visible). Concurrent PATCHes of different fields (from any instance) therefore all land, and
   * the row is never seen half-written. A patch of no field changes nothing, not even `updatedAt`.
   */
  const updateProject = (
    caller: Caller,
    id: string,
    patch: { readonly name?: string; readonly visibility?: string; readonly mode?: string }
  ): Effect.Effect<ProjectRow, NotFound | SqlError> =>
    Effect.gen(function*() {
      if (Object.keys(patch).length === 0) return yield* getProject(caller, id)
      const now = yield* Clock.currentTimeMillis
      const changes = [
        ...(patch.name === undefined
          ? []
          : [sql`name = ${patch.name}`, sql`name_search = ${Pagination.searchKey(patch.name)}`]),
        ...(patch.visibility === undefined ? [] : [sql`visibility = ${patch.visibility}`]),
        ...(patch.mode === undefined ? [] : [sql`mode = ${patch.mode}`]),
        // Time never runs backwards for a record, even if the clock does.
        sql`updated_at = CASE WHEN updated_at > ${now} THEN updated_at ELSE ${now} END`
      ]
      const rows = yield* sql<ProjectRow>`UPDATE sync_projects SET ${sql.csv(changes)}
        WHERE id = ${id} AND ${visibleProject(caller)}
        RETURNING id, name, visibility, mode, created_at, updated_at`
      return yield* found<ProjectRow>("Project", id)(Option.fromNullable(rows[0]))
    })

  /** Deletes the project; its assets and generations are detached by the schema (ON DELETE SET NULL). */
  const deleteProject = (caller: Caller, id: string) =>
    Effect.flatMap(
      sql`DELETE FROM sync_projects WHERE id = ${id} AND ${visibleProject(caller)} RETURNING id`,
      (rows) => rows.length > 0 ? Effect.void : Effect.fail(new NotFound({ resource: "Project", id }))
    )

  const listProjects = (
    caller: Caller,
    query: { readonly limit: number; readonly cursor?: string; readonly searchQuery?: string; readonly sortBy?: ProjectSort }
  ): Effect.Effect<Keyset.Page<ProjectRow>, SqlError | Validation> => {
    const sortBy = query.sortBy ?? "createdAt"
    const order = projectOrders[sortBy]
    const search = query.searchQuery ?? ""
    return Keyset.page({
      scope: `sync/projects/${caller.orgId}/${caller.userId}/${sortBy}/${Pagination.searchKey(search)}`,
      cursor: query.cursor,
      limit: query.limit,
      read: (after, limit) =>
        searchPage<ProjectRow>(sql, {
          table: "sync_projects",
          column: "name_search",
          trigrams: "sync_projects_search",
          select: sql`id, name, visibility, mode, created_at, updated_at`,
          where: visibleProject(caller),
          order,
          after,
          limit
        }, search),
      position: (row) => ({
        value: sortBy === "name" ? row.name : sortBy === "updatedAt" ? row.updated_at : row.created_at,
        id: row.id
      })
    })
  }

  /**
   * Creates work (an asset, a generation) filed under `reference`, at the current time: `create`
   * runs only once the reference resolved to one of the caller's projects (or was absent or null);
   * otherwise nothing is created and this fails with `InvalidReference`, which sync.so answers 422
   * (see `SyncErrors`). The project is looked up in the creating transaction, so a project deleted
   * concurrently cannot end up with new work filed under it.
   */
  const createFiled = <A, E>(
    caller: Caller,
    reference: string | null | undefined,
    create: (projectId: string | null, now: number) => Effect.Effect<A, E>
  ) =>
    sql.withTransaction(
      Attachment.createFiled({
        tenant: caller.orgId,
        reference,
        ownerOf: (projectId) => Effect.map(findProject(caller, projectId), Option.map(() => caller.orgId)),
        create: (projectId) => Effect.flatMap(Clock.currentTimeMillis, (now) => create(projectId, now))
      })
    )

  return { findProject, getProject, createProject, updateProject, deleteProject, listProjects, createFiled } as const
})

export const make = makeWith({})

export type SyncProjectStoreService = Effect.Effect.Success<typeof make>

/** sync.so's projects, over whichever SQL backend the server runs on. */
export class SyncProjectStore extends Context.Tag("@projectkit/server/SyncProjectStore")<
  SyncProjectStore,
  SyncProjectStoreService
>() {}

export const layer = Layer.effect(SyncProjectStore, make)
