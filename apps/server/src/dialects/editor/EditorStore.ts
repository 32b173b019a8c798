/**
 * The editor's storage: projects with their saved `editorState`, assets uploaded to them, and
 * export tasks. Every statement is confined to the caller's organization; another organization's
 * project is indistinguishable from one that does not exist.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Pagination from "@projectkit/core/Pagination"
import type { Validation } from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { randomId } from "../../internal/ids.js"
import { containsPattern, cursors } from "../../internal/keyset.js"

export interface ProjectRow {
  readonly id: string
  readonly title: string
  readonly description: string | null
  readonly state_version: number
  readonly created_at: number
  readonly updated_at: number
}

export interface ProjectWithState extends ProjectRow {
  /** The saved state as the JSON text it was sent as, or null before any. */
  readonly editor_state: string | null
}

export interface AssetRow {
  readonly id: string
  readonly project_id: string
  readonly name: string
  readonly content_type: string
  readonly size: number | null
  readonly url: string
  readonly created_at: number
}

export interface ExportRow {
  readonly id: string
  readonly project_id: string | null
  readonly status: string
  readonly progress: number
  readonly format: string
  readonly output_url: string | null
  readonly error: string | null
  readonly webhook_url: string | null
  readonly created_at: number
  readonly updated_at: number
}

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | null
}

const sortColumns = { title: "title", createdAt: "created_at", updatedAt: "updated_at" } as const

const projectColumns = "id, title, description, state_version, created_at, updated_at"
const exportColumns = "id, project_id, status, progress, format, output_url, error, webhook_url, created_at, updated_at"

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const projectFields = sql.literal(projectColumns)
  const exportFields = sql.literal(exportColumns)

  const findProject = (orgId: string, id: string) =>
    Effect.map(
      sql<ProjectWithState>`SELECT ${projectFields}, editor_state FROM editor_projects WHERE id = ${id} AND org_id = ${orgId}`,
      (rows) => Option.fromNullable(rows[0])
    )

  const findSummary = (orgId: string, id: string) =>
    Effect.map(
      sql<ProjectRow>`SELECT ${projectFields} FROM editor_projects WHERE id = ${id} AND org_id = ${orgId}`,
      (rows) => Option.fromNullable(rows[0])
    )

  const createProject = (
    orgId: string,
    input: { readonly title: string; readonly description: string | null; readonly editorState: string | null }
  ) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const row: ProjectWithState = {
        id: randomId(),
        title: input.title,
        description: input.description,
        editor_state: input.editorState,
        state_version: 0,
        created_at: now,
        updated_at: now
      }
      yield* sql`INSERT INTO editor_projects (id, org_id, title, title_search, description, editor_state,
          state_version, created_at, updated_at)
        VALUES (${row.id}, ${orgId}, ${row.title}, ${Pagination.searchKey(row.title)}, ${row.description},
          ${row.editor_state}, 0, ${now}, ${now})`
      return row
    })

  /** Changes title and description only, those given; nothing else of the project. */
  const updateMetadata = (
    orgId: string,
    id: string,
    patch: { readonly title?: string; readonly description?: string | null }
  ) =>
    sql.withTransaction(Effect.gen(function*() {
      // Lock the row first (a no-op write): a PATCH racing this one on another instance waits and
      // then reads what this one wrote, so neither's field is lost.
      yield* sql`UPDATE editor_projects SET updated_at = updated_at WHERE id = ${id} AND org_id = ${orgId}`
      const current = yield* findSummary(orgId, id)
      if (Option.isNone(current)) return current
      const now = yield* Clock.currentTimeMillis
      const updated: ProjectRow = { ...current.value, ...patch, updated_at: Math.max(now, Number(current.value.updated_at)) }
      yield* sql`UPDATE editor_projects SET title = ${updated.title}, title_search = ${Pagination.searchKey(updated.title)},
          description = ${updated.description}, updated_at = ${updated.updated_at}
        WHERE id = ${id} AND org_id = ${orgId}`
      return Option.some(updated)
    }))

  /** Replaces the saved state and its version, nothing else; one statement, so never torn. */
  const saveState = (orgId: string, id: string, state: { readonly json: string; readonly version: number }) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const rows = yield* sql<{ id: string; state_version: number; updated_at: number }>`UPDATE editor_projects
        SET editor_state = ${state.json}, state_version = ${state.version},
          updated_at = CASE WHEN updated_at > ${now} THEN updated_at ELSE ${now} END
        WHERE id = ${id} AND org_id = ${orgId}
        RETURNING id, state_version, updated_at`
      return Option.fromNullable(rows[0])
    })

  /** Deletes the project and its assets; its export tasks stay, still naming it. */
  const deleteProject = (orgId: string, id: string) =>
    Effect.map(
      sql`DELETE FROM editor_projects WHERE id = ${id} AND org_id = ${orgId} RETURNING id`,
      (rows) => rows.length > 0
    )

  const listProjects = (
    orgId: string,
    query: {
      readonly limit: number
      readonly cursor?: string
      readonly search?: string
      readonly sortBy?: keyof typeof sortColumns
      readonly order?: "asc" | "desc"
    }
  ): Effect.Effect<Page<ProjectRow>, SqlError | Validation> =>
    Effect.gen(function*() {
      const sortBy = query.sortBy ?? "createdAt"
      // INF: titles A→Z and times newest first unless told otherwise.
      const order = query.order ?? (sortBy === "title" ? "asc" : "desc")
      const search = query.search ?? ""
      const scope = `editor/projects/${orgId}/${sortBy}/${order}/${Pagination.searchKey(search)}`
      const after = query.cursor === undefined ? undefined : yield* cursors.decode(scope, query.cursor)
      const column = sql.literal(sortColumns[sortBy])
      const comparison = sql.literal(order === "asc" ? ">" : "<")
      const direction = sql.literal(order === "asc" ? "ASC" : "DESC")
      const rows = yield* sql<ProjectRow>`SELECT ${projectFields} FROM editor_projects
        WHERE org_id = ${orgId}
        ${search === "" ? sql`` : sql`AND title_search LIKE ${containsPattern(search)} ESCAPE '\\'`}
        ${after === undefined ? sql`` : sql`AND (${column}, id) ${comparison} (${after.value}, ${after.id})`}
        ORDER BY ${column} ${direction}, id ${direction}
        LIMIT ${query.limit + 1}`
      const items = rows.slice(0, query.limit)
      const last = items[items.length - 1]
      // Number(): PostgreSQL answers BIGINT columns as strings, and a cursor must compare as a number.
      const value = (row: ProjectRow) =>
        sortBy === "title" ? row.title : sortBy === "updatedAt" ? Number(row.updated_at) : Number(row.created_at)
      return {
        items,
        nextCursor: rows.length > query.limit && last !== undefined
          ? cursors.encode(scope, { value: value(last), id: last.id })
          : null
      }
    })

  // -------------------------------------------------------------------------------------------
  // Assets
  // -------------------------------------------------------------------------------------------

  const assetFields = sql.literal("id, project_id, name, content_type, size, url, created_at")

  const createAsset = (
    orgId: string,
    projectId: string,
    input: { readonly name: string; readonly contentType: string; readonly size: number | null; readonly sha256: string | null; readonly url: (id: string) => string }
  ) =>
    sql.withTransaction(Effect.gen(function*() {
      const project = yield* findSummary(orgId, projectId)
      if (Option.isNone(project)) return Option.none<AssetRow>()
      const now = yield* Clock.currentTimeMillis
      const id = randomId()
      const row: AssetRow = {
        id,
        project_id: projectId,
        name: input.name,
        content_type: input.contentType,
        size: input.size,
        url: input.url(id),
        created_at: now
      }
      yield* sql`INSERT INTO editor_assets (id, org_id, project_id, name, content_type, size, sha256, url, created_at)
        VALUES (${id}, ${orgId}, ${projectId}, ${row.name}, ${row.content_type}, ${row.size}, ${input.sha256},
          ${row.url}, ${now})`
      return Option.some(row)
    }))

  const listAssets = (orgId: string, projectId: string) =>
    sql<AssetRow>`SELECT ${assetFields} FROM editor_assets WHERE project_id = ${projectId} AND org_id = ${orgId}
      ORDER BY created_at, id`

  /** Which of `ids` are not assets of the organization (of `projectId`, when given). */
  const unknownAssets = (orgId: string, projectId: string | null, ids: ReadonlyArray<string>) =>
    ids.length === 0
      ? Effect.succeed([])
      : Effect.map(
        sql<{ id: string }>`SELECT id FROM editor_assets WHERE org_id = ${orgId} AND ${sql.in("id", ids)}
          ${projectId === null ? sql`` : sql`AND project_id = ${projectId}`}`,
        (rows) => {
          const known = new Set(rows.map((row) => row.id))
          return ids.filter((id) => !known.has(id))
        }
      )

  // -------------------------------------------------------------------------------------------
  // Exports
  // -------------------------------------------------------------------------------------------

  const createExport = (
    orgId: string,
    input: {
      readonly projectId: string | null
      readonly format: string
      readonly editorState: string | null
      readonly webhookUrl: string | null
      readonly startsAt: number
    }
  ) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const row: ExportRow = {
        id: randomId(),
        project_id: input.projectId,
        status: "queued",
        progress: 0,
        format: input.format,
        output_url: null,
        error: null,
        webhook_url: input.webhookUrl,
        created_at: now,
        updated_at: now
      }
      yield* sql`INSERT INTO editor_exports (id, org_id, project_id, status, progress, format, editor_state,
          webhook_url, created_at, updated_at, next_transition_at)
        VALUES (${row.id}, ${orgId}, ${row.project_id}, 'queued', 0, ${row.format}, ${input.editorState},
          ${row.webhook_url}, ${now}, ${now}, ${input.startsAt})`
      return row
    })

  const findExport = (orgId: string, id: string) =>
    Effect.map(
      sql<ExportRow>`SELECT ${exportFields} FROM editor_exports WHERE id = ${id} AND org_id = ${orgId}`,
      (rows) => Option.fromNullable(rows[0])
    )

  /** Newest first, by `projectId` and `status` when given; keyset cursors. */
  const listExports = (
    orgId: string,
    query: { readonly limit: number; readonly cursor?: string; readonly projectId?: string; readonly status?: string }
  ): Effect.Effect<Page<ExportRow>, SqlError | Validation> =>
    Effect.gen(function*() {
      const scope = `editor/exports/${orgId}/${query.projectId ?? ""}/${query.status ?? ""}`
      const after = query.cursor === undefined ? undefined : yield* cursors.decode(scope, query.cursor)
      const rows = yield* sql<ExportRow>`SELECT ${exportFields} FROM editor_exports
        WHERE ${
        sql.and([
          sql`org_id = ${orgId}`,
          ...(query.projectId === undefined ? [] : [sql`project_id = ${query.projectId}`]),
          ...(query.status === undefined ? [] : [sql`status = ${query.status}`]),
          ...(after === undefined ? [] : [sql`(created_at, id) < (${after.value}, ${after.id})`])
        ])
      }
        ORDER BY created_at DESC, id DESC
        LIMIT ${query.limit + 1}`
      const items = rows.slice(0, query.limit)
      const last = items[items.length - 1]
      return {
        items,
        nextCursor: rows.length > query.limit && last !== undefined
          ? cursors.encode(scope, { value: Number(last.created_at), id: last.id })
          : null
      }
    })

  return {
    findProject,
    findSummary,
    createProject,
    updateMetadata,
    saveState,
    deleteProject,
    listProjects,
    createAsset,
    listAssets,
    unknownAssets,
    createExport,
    findExport,
    listExports
  } as const
})

export type EditorStoreService = Effect.Effect.Success<typeof make>

/** The editor's storage, over whichever SQL backend the server runs on. */
export class EditorStore extends Context.Tag("@projectkit/server/EditorStore")<EditorStore, EditorStoreService>() {}

export const layer = Layer.effect(EditorStore, make)
