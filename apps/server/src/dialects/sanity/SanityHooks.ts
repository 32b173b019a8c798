/**
 * A project's webhooks (OFF CLI `hooks` commands; the Terraform provider manages them too). A
 * webhook keeps the fields it was given, as given (JSON), and the server adds its own (id,
 * project, author, times). SQL only.
 *
 * The emulator has no documents, and a webhook fires on document changes (a mutation matching its
 * filter, or a transaction): the control plane fires one instead, and its deliveries are
 * `SanityHookDeliveries`'.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { randomAlnum } from "./SanityProjectStore.js"

export interface HookRow {
  readonly id: string
  readonly project_id: string
  /** The fields it was given, JSON. */
  readonly fields: string
  readonly created_by: string
  readonly created_at: number
  readonly updated_at: number
}

const columns = "id, project_id, fields, created_by, created_at, updated_at"

const hookNotFound = (id: string) =>
  Effect.fail(new ProjectsError.NotFound({ resource: "hook", id, description: "Hook not found" }))

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const hook = sql.literal(columns)

  const list = (projectId: string) =>
    sql<HookRow>`SELECT ${hook} FROM sanity_hooks WHERE project_id = ${projectId} ORDER BY created_at, id`

  const find = (projectId: string, id: string) =>
    Effect.flatMap(
      sql<HookRow>`SELECT ${hook} FROM sanity_hooks WHERE project_id = ${projectId} AND id = ${id}`,
      (rows) => rows[0] === undefined ? hookNotFound(id) : Effect.succeed(rows[0])
    )

  const create = (projectId: string, fields: Readonly<Record<string, unknown>>, createdBy: string) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      // Sanity's hook ids are short mixed-case strings (INF).
      const row: HookRow = {
        id: randomAlnum(16, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
        project_id: projectId,
        fields: JSON.stringify(fields),
        created_by: createdBy,
        created_at: now,
        updated_at: now
      }
      yield* sql`INSERT INTO sanity_hooks (id, project_id, fields, created_by, created_at, updated_at)
        VALUES (${row.id}, ${row.project_id}, ${row.fields}, ${row.created_by}, ${row.created_at}, ${row.updated_at})`
      return row
    })

  /** The fields sent replace the stored ones. */
  const update = (projectId: string, id: string, change: Readonly<Record<string, unknown>>) =>
    sql.withTransaction(Effect.gen(function*() {
      const current = yield* find(projectId, id)
      const fields = JSON.stringify({ ...(JSON.parse(current.fields) as Record<string, unknown>), ...change })
      const now = yield* Clock.currentTimeMillis
      yield* sql`UPDATE sanity_hooks SET fields = ${fields}, updated_at = ${now} WHERE project_id = ${projectId} AND id = ${id}`
      return { ...current, fields, updated_at: now }
    }))

  const remove = (projectId: string, id: string) =>
    Effect.flatMap(
      sql`DELETE FROM sanity_hooks WHERE project_id = ${projectId} AND id = ${id} RETURNING id`,
      (rows) => rows.length === 0 ? hookNotFound(id) : Effect.void
    )

  return { list, find, create, update, remove }
})

export type SanityHookStoreService = Effect.Effect.Success<typeof make>

export class SanityHookStore extends Context.Tag("@projectkit/server/SanityHookStore")<SanityHookStore, SanityHookStoreService>() {}

export const layer = Layer.effect(SanityHookStore, make)
