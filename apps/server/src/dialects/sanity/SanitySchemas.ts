/**
 * A dataset's deployed schemas (OFF CLI `schemas deploy|list|delete`) and its backup setting
 * (`backups enable|disable`). A schema is stored as the document the API answers with: its id
 * (`_.schemas.{workspace}`, INF after the CLI's `--id _.schemas.workspaceName` example; a tag adds
 * `.tag.{tag}`), the workspace and the schema as given. SQL only.
 *
 * Backups: the real service makes one a day once enabled; the emulator keeps the setting only and
 * makes none (nothing would be in a backup: it holds no documents), so the list stays empty.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import type { SanityApi } from "@projectkit/sanity"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export interface SchemaRow {
  readonly id: string
  readonly document: string
  readonly created_at: number
  readonly updated_at: number
}

export const schemaId = (workspace: string, tag: string | undefined) =>
  tag === undefined ? `_.schemas.${workspace}` : `_.schemas.${workspace}.tag.${tag}`

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient

  const list = (projectId: string, dataset: string) =>
    sql<SchemaRow>`SELECT id, document, created_at, updated_at FROM sanity_schemas
      WHERE project_id = ${projectId} AND dataset_name = ${dataset} ORDER BY created_at, id`

  const find = (projectId: string, dataset: string, id: string) =>
    Effect.map(
      sql<SchemaRow>`SELECT id, document, created_at, updated_at FROM sanity_schemas
        WHERE project_id = ${projectId} AND dataset_name = ${dataset} AND id = ${id}`,
      (rows) => rows[0]
    )

  /** Stores each workspace's schema, replacing one deployed before; their ids. */
  const deploy = (projectId: string, dataset: string, schemas: ReadonlyArray<typeof SanityApi.WorkspaceSchema.Type>) =>
    sql.withTransaction(Effect.forEach(schemas, (entry) =>
      Effect.gen(function*() {
        const id = schemaId(entry.workspace.name, entry.tag)
        const now = yield* Clock.currentTimeMillis
        const document = JSON.stringify({
          workspace: entry.workspace,
          schema: entry.schema,
          ...(entry.version === undefined ? {} : { version: entry.version }),
          ...(entry.tag === undefined ? {} : { tag: entry.tag })
        })
        const updated = yield* sql`UPDATE sanity_schemas SET document = ${document}, updated_at = ${now}
          WHERE project_id = ${projectId} AND dataset_name = ${dataset} AND id = ${id} RETURNING id`
        if (updated.length === 0) {
          yield* sql`INSERT INTO sanity_schemas (project_id, dataset_name, id, workspace, document, created_at, updated_at)
            VALUES (${projectId}, ${dataset}, ${id}, ${entry.workspace.name}, ${document}, ${now}, ${now})`
        }
        return id
      })))

  const remove = (projectId: string, dataset: string, id: string) =>
    Effect.flatMap(
      sql`DELETE FROM sanity_schemas WHERE project_id = ${projectId} AND dataset_name = ${dataset} AND id = ${id} RETURNING id`,
      (rows) =>
        rows.length === 0
          ? Effect.fail(new ProjectsError.NotFound({ resource: "schema", id, description: "Schema not found" }))
          : Effect.void
    )

  const setBackups = (projectId: string, dataset: string, enabled: boolean) =>
    Effect.as(
      sql`UPDATE sanity_datasets SET backups_enabled = ${enabled ? 1 : 0} WHERE project_id = ${projectId} AND name = ${dataset}`,
      { enabled }
    )

  return { list, find, deploy, remove, setBackups }
})

export type SanitySchemaStoreService = Effect.Effect.Success<typeof make>

export class SanitySchemaStore extends Context.Tag("@projectkit/server/SanitySchemaStore")<
  SanitySchemaStore,
  SanitySchemaStoreService
>() {}

export const layer = Layer.effect(SanitySchemaStore, make)
