/**
 * A project's dataset aliases (OFF CLI `datasets alias create|link|unlink|delete`): a name linked
 * to one dataset of the project, or to none. SQL only: rows out, `NotFound` / `Conflict` with
 * Sanity's message; the handlers check grants and names first.
 *
 * INF: an alias whose dataset was deleted shows as linked to none (its `datasetName` is read
 * against the project's datasets), so deleting a dataset never fails because an alias names it.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { lockProject } from "./SanityProjectStore.js"

export interface AliasRow {
  readonly name: string
  /** Null when linked to no dataset, or its dataset is gone. */
  readonly dataset_name: string | null
}

const aliasNotFound = (name: string) =>
  Effect.fail(new ProjectsError.NotFound({ resource: "alias", id: name, description: `Dataset alias "${name}" not found` }))

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient

  /** The project's aliases by name, each with the dataset it names if that still exists. */
  const list = (projectId: string) =>
    sql<AliasRow>`SELECT a.name, d.name AS dataset_name FROM sanity_aliases a
      LEFT JOIN sanity_datasets d ON d.project_id = a.project_id AND d.name = a.dataset_name
      WHERE a.project_id = ${projectId} ORDER BY a.name`

  const find = (projectId: string, name: string) =>
    Effect.flatMap(
      sql<AliasRow>`SELECT a.name, d.name AS dataset_name FROM sanity_aliases a
        LEFT JOIN sanity_datasets d ON d.project_id = a.project_id AND d.name = a.dataset_name
        WHERE a.project_id = ${projectId} AND a.name = ${name}`,
      (rows) => rows[0] === undefined ? aliasNotFound(name) : Effect.succeed(rows[0])
    )

  /** The dataset must exist for an alias to name it (404 otherwise). */
  const requireDataset = (projectId: string, datasetName: string) =>
    Effect.flatMap(
      sql`SELECT name FROM sanity_datasets WHERE project_id = ${projectId} AND name = ${datasetName}`,
      (rows) =>
        rows.length === 0
          ? Effect.fail(new ProjectsError.NotFound({ resource: "dataset", id: datasetName, description: "Dataset not found" }))
          : Effect.void
    )

  const create = (projectId: string, name: string, datasetName: string | null) =>
    sql.withTransaction(Effect.gen(function*() {
      yield* lockProject(sql, projectId)
      const taken = yield* sql`SELECT name FROM sanity_aliases WHERE project_id = ${projectId} AND name = ${name}`
      if (taken.length > 0) {
        return yield* new ProjectsError.Conflict({ description: `Dataset alias "${name}" already exists` })
      }
      if (datasetName !== null) yield* requireDataset(projectId, datasetName)
      const now = yield* Clock.currentTimeMillis
      yield* sql`INSERT INTO sanity_aliases (project_id, name, dataset_name, created_at, updated_at)
        VALUES (${projectId}, ${name}, ${datasetName}, ${now}, ${now})`
      return { name, dataset_name: datasetName } satisfies AliasRow
    }))

  /** Links the alias to `datasetName` (null: unlinks it); the row as it was before. */
  const link = (projectId: string, name: string, datasetName: string | null) =>
    sql.withTransaction(Effect.gen(function*() {
      yield* lockProject(sql, projectId)
      const before = yield* find(projectId, name)
      if (datasetName !== null) yield* requireDataset(projectId, datasetName)
      const now = yield* Clock.currentTimeMillis
      yield* sql`UPDATE sanity_aliases SET dataset_name = ${datasetName}, updated_at = ${now}
        WHERE project_id = ${projectId} AND name = ${name}`
      return before
    }))

  const remove = (projectId: string, name: string) =>
    Effect.flatMap(
      sql`DELETE FROM sanity_aliases WHERE project_id = ${projectId} AND name = ${name} RETURNING name`,
      (rows) => rows.length === 0 ? aliasNotFound(name) : Effect.void
    )

  return { list, find, create, link, remove }
})

export type SanityAliasStoreService = Effect.Effect.Success<typeof make>

export class SanityAliasStore extends Context.Tag("@projectkit/server/SanityAliasStore")<
  SanityAliasStore,
  SanityAliasStoreService
>() {}

export const layer = Layer.effect(SanityAliasStore, make)
