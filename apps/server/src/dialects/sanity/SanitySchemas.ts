/**
 * A dataset's deployed schemas (OFF CLI `schemas deploy|list|delete`) and its backup setting
 * (`backups enable|disable`). A schema is stored as the document the API answers with: its id
 * (`_.schemas.{workspace}`, INF after the CLI's `--id _.schemas.workspaceName` example; a tag adds
 * `.tag.{tag}`), the workspace and the schema as given. SQL only.
 *
 * Backups: the real service makes one a day once enabled. INF: the emulator takes one when backups
 * are turned on (so there is one to list and download), holding the documents the dataset has then
 * — its deployed schemas, the only documents the emulator keeps — and takes no daily ones. A
 * backup's files are downloaded with no token at URLs naming its random `download_key` (the real
 * service hands out signed storage URLs).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import type { SanityApi } from "@projectkit/sanity"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { randomSecret } from "../../internal/ids.js"
import { randomAlnum } from "./SanityProjectStore.js"

export interface SchemaRow {
  readonly id: string
  readonly document: string
  readonly created_at: number
  readonly updated_at: number
}

export interface BackupRow {
  readonly id: string
  readonly project_id: string
  readonly dataset_name: string
  readonly download_key: string
  /** The documents backed up: a JSON array. */
  readonly documents: string
  readonly created_at: number
}

const backupColumns = "id, project_id, dataset_name, download_key, documents, created_at"

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

  const backup = sql.literal(backupColumns)

  /**
   * Turns backups on or off; turned on (from off), a backup is taken at once of the documents
   * `documentsOf` makes of the dataset's deployed schemas.
   */
  const setBackups = (
    projectId: string,
    dataset: string,
    enabled: boolean,
    documentsOf: (rows: ReadonlyArray<SchemaRow>) => ReadonlyArray<unknown>
  ) =>
    sql.withTransaction(Effect.gen(function*() {
      const turnedOn = yield* sql`UPDATE sanity_datasets SET backups_enabled = ${enabled ? 1 : 0}
        WHERE project_id = ${projectId} AND name = ${dataset} AND backups_enabled = ${enabled ? 0 : 1} RETURNING name`
      if (enabled && turnedOn.length > 0) {
        const now = yield* Clock.currentTimeMillis
        const documents = JSON.stringify(documentsOf(yield* list(projectId, dataset)))
        // INF: the real ids are opaque; a date and a random part keep them ordered and unique.
        const id = `${new Date(now).toISOString().slice(0, 10)}-${randomAlnum(12)}`
        yield* sql`INSERT INTO sanity_backups (${backup}) VALUES (${id}, ${projectId}, ${dataset}, ${randomSecret()},
          ${documents}, ${now})`
      }
      return { enabled }
    }))

  /** The dataset's backups, newest first: at most `limit`, taken after/before the instants given (epoch ms). */
  const backups = (projectId: string, dataset: string, options: { readonly limit: number; readonly after?: number; readonly before?: number }) =>
    sql<BackupRow>`SELECT ${backup} FROM sanity_backups WHERE project_id = ${projectId} AND dataset_name = ${dataset}
      ${options.after === undefined ? sql`` : sql`AND created_at > ${options.after}`}
      ${options.before === undefined ? sql`` : sql`AND created_at < ${options.before}`}
      ORDER BY created_at DESC, id LIMIT ${options.limit}`

  const findBackup = (projectId: string, dataset: string, id: string) =>
    Effect.flatMap(
      sql<BackupRow>`SELECT ${backup} FROM sanity_backups WHERE project_id = ${projectId} AND dataset_name = ${dataset} AND id = ${id}`,
      (rows) =>
        rows[0] === undefined
          ? Effect.fail(new ProjectsError.NotFound({ resource: "backup", id, description: "Backup not found" }))
          : Effect.succeed(rows[0])
    )

  /** A backup by its download key (what its files' URLs hold). */
  const backupByKey = (key: string) =>
    Effect.flatMap(
      sql<BackupRow>`SELECT ${backup} FROM sanity_backups WHERE download_key = ${key}`,
      (rows) =>
        rows[0] === undefined
          ? Effect.fail(new ProjectsError.NotFound({ resource: "backup file", id: key, description: "Backup file not found" }))
          : Effect.succeed(rows[0])
    )

  return { list, find, deploy, remove, setBackups, backups, findBackup, backupByKey }
})

export type SanitySchemaStoreService = Effect.Effect.Success<typeof make>

export class SanitySchemaStore extends Context.Tag("@projectkit/server/SanitySchemaStore")<
  SanitySchemaStore,
  SanitySchemaStoreService
>() {}

export const layer = Layer.effect(SanitySchemaStore, make)
