/**
 * sync.so's storage: projects, assets and generations of each organization. Every statement is
 * confined to the caller's organization; a project of another organization, or one with USER
 * visibility owned by someone else, is indistinguishable from one that does not exist.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Pagination from "@projectkit/core/Pagination"
import type { Validation } from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Caller } from "../Organizations.js"
import { randomId } from "../internal/ids.js"
import { containsPattern, cursors } from "../internal/keyset.js"

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
const projectOrders = {
  createdAt: { column: "created_at", direction: "desc" },
  updatedAt: { column: "updated_at", direction: "desc" },
  name: { column: "name", direction: "asc" }
} as const

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | null
}

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient

  const visibleProject = (caller: Caller) =>
    sql`org_id = ${caller.orgId} AND (visibility = 'ORGANIZATION' OR owner_id = ${caller.userId})`

  const findProject = (caller: Caller, id: string) =>
    Effect.map(
      sql<ProjectRow>`SELECT id, name, visibility, mode, created_at, updated_at FROM sync_projects
        WHERE id = ${id} AND ${visibleProject(caller)}`,
      (rows) => Option.fromNullable(rows[0])
    )

  const createProject = (caller: Caller, input: { name: string; visibility: string; mode: string }) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const row: ProjectRow = { id: randomId(), ...input, created_at: now, updated_at: now }
      yield* sql`INSERT INTO sync_projects (id, org_id, owner_id, name, name_search, visibility, mode, created_at, updated_at)
        VALUES (${row.id}, ${caller.orgId}, ${caller.userId}, ${row.name}, ${Pagination.searchKey(row.name)},
          ${row.visibility}, ${row.mode}, ${now}, ${now})`
      return row
    })

  /** Changes the fields given, in one transaction; none when the project is not visible. */
  const updateProject = (
    caller: Caller,
    id: string,
    patch: { readonly name?: string; readonly visibility?: string; readonly mode?: string }
  ) =>
    sql.withTransaction(Effect.gen(function*() {
      const current = yield* findProject(caller, id)
      if (Option.isNone(current)) return current
      const now = yield* Clock.currentTimeMillis
      // Time never runs backwards for a record, even if the clock does.
      const updated: ProjectRow = { ...current.value, ...patch, updated_at: Math.max(now, current.value.updated_at) }
      yield* sql`UPDATE sync_projects SET name = ${updated.name}, name_search = ${Pagination.searchKey(updated.name)},
        visibility = ${updated.visibility}, mode = ${updated.mode}, updated_at = ${updated.updated_at}
        WHERE id = ${id}`
      return Option.some(updated)
    }))

  /** Deletes the project; its assets and generations are detached by the schema (ON DELETE SET NULL). */
  const deleteProject = (caller: Caller, id: string) =>
    Effect.map(
      sql`DELETE FROM sync_projects WHERE id = ${id} AND ${visibleProject(caller)} RETURNING id`,
      (rows) => rows.length > 0
    )

  const listProjects = (
    caller: Caller,
    query: { readonly limit: number; readonly cursor?: string; readonly searchQuery?: string; readonly sortBy?: ProjectSort }
  ): Effect.Effect<Page<ProjectRow>, SqlError | Validation> =>
    Effect.gen(function*() {
      const sortBy = query.sortBy ?? "createdAt"
      const order = projectOrders[sortBy]
      const search = query.searchQuery ?? ""
      const scope = `sync/projects/${caller.orgId}/${caller.userId}/${sortBy}/${Pagination.searchKey(search)}`
      const after = query.cursor === undefined ? undefined : yield* cursors.decode(scope, query.cursor)
      const column = sql.literal(order.column)
      const comparison = sql.literal(order.direction === "asc" ? ">" : "<")
      const direction = sql.literal(order.direction === "asc" ? "ASC" : "DESC")
      const rows = yield* sql<ProjectRow>`SELECT id, name, visibility, mode, created_at, updated_at
        FROM sync_projects
        WHERE ${visibleProject(caller)}
        ${search === "" ? sql`` : sql`AND name_search LIKE ${containsPattern(search)} ESCAPE '\\'`}
        ${after === undefined ? sql`` : sql`AND (${column}, id) ${comparison} (${after.value}, ${after.id})`}
        ORDER BY ${column} ${direction}, id ${direction}
        LIMIT ${query.limit + 1}`
      const items = rows.slice(0, query.limit)
      const last = items[items.length - 1]
      const value = (row: ProjectRow) => sortBy === "name" ? row.name : sortBy === "updatedAt" ? row.updated_at : row.created_at
      return {
        items,
        nextCursor: rows.length > query.limit && last !== undefined
          ? cursors.encode(scope, { value: value(last), id: last.id })
          : null
      }
    })

  return { findProject, createProject, updateProject, deleteProject, listProjects, sql, randomId } as const
})
