/**
 * The editor's storage: projects with their saved `editorState`, assets uploaded to them, and
 * export tasks. Every statement is confined to the caller's organization; another organization's
 * project is indistinguishable from one that does not exist. What cannot be done fails with a
 * core error (`NotFound`, `InvalidReference`, `Validation` for a bad cursor); how the editor says
 * so on the wire is `EditorErrors`' business.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Pagination from "@projectkit/core/Pagination"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { randomId } from "../../internal/ids.js"
import * as Keyset from "../../internal/keyset.js"

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

/** What a sync leaves on the project. */
export interface SavedState {
  readonly id: string
  readonly state_version: number
  readonly updated_at: number
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

const sortColumns = { title: "title", createdAt: "created_at", updatedAt: "updated_at" } as const

const projectColumns = "id, title, description, state_version, created_at, updated_at"
const exportColumns = "id, project_id, status, progress, format, output_url, error, webhook_url, created_at, updated_at"

/** The first row, or `NotFound` for the `resource` with `id`. */
const one = (resource: "project" | "export", id: string) => <Row, E, R>(rows: Effect.Effect<ReadonlyArray<Row>, E, R>) =>
  Effect.flatMap(rows, (found) => {
    const row = found[0]
    return row === undefined ? Effect.fail(new ProjectsError.NotFound({ resource, id })) : Effect.succeed(row)
  })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const projectFields = sql.literal(projectColumns)
  const exportFields = sql.literal(exportColumns)

  const findProject = (orgId: string, id: string) =>
    sql<ProjectWithState>`SELECT ${projectFields}, editor_state FROM editor_projects WHERE id = ${id} AND org_id = ${orgId}`
      .pipe(one("project", id))

  const findSummary = (orgId: string, id: string) =>
    sql<ProjectRow>`SELECT ${projectFields} FROM editor_projects WHERE id = ${id} AND org_id = ${orgId}`.pipe(one("project", id))

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
      const now = yield* Clock.currentTimeMillis
      const updated: ProjectRow = { ...current, ...patch, updated_at: Math.max(now, Number(current.updated_at)) }
      yield* sql`UPDATE editor_projects SET title = ${updated.title}, title_search = ${Pagination.searchKey(updated.title)},
          description = ${updated.description}, updated_at = ${updated.updated_at}
        WHERE id = ${id} AND org_id = ${orgId}`
      return updated
    }))

  /** Replaces the saved state and its version, nothing else; one statement, so never torn. */
  const saveState = (orgId: string, id: string, state: { readonly json: string; readonly version: number }) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      return yield* sql<SavedState>`UPDATE editor_projects
        SET editor_state = ${state.json}, state_version = ${state.version},
          updated_at = CASE WHEN updated_at > ${now} THEN updated_at ELSE ${now} END
        WHERE id = ${id} AND org_id = ${orgId}
        RETURNING id, state_version, updated_at`.pipe(one("project", id))
    })

  /** Deletes the project and its assets; its export tasks stay, still naming it. */
  const deleteProject = (orgId: string, id: string) =>
    Effect.asVoid(sql`DELETE FROM editor_projects WHERE id = ${id} AND org_id = ${orgId} RETURNING id`.pipe(one("project", id)))

  const listProjects = (
    orgId: string,
    query: {
      readonly limit: number
      readonly cursor?: string
      readonly search?: string
      readonly sortBy?: keyof typeof sortColumns
      readonly order?: "asc" | "desc"
    }
  ) => {
    const sortBy = query.sortBy ?? "createdAt"
    // INF: titles A→Z and times newest first unless told otherwise.
    const order: Keyset.Order = { key: sortColumns[sortBy], direction: query.order ?? (sortBy === "title" ? "asc" : "desc") }
    const search = query.search ?? ""
    return Keyset.page({
      scope: `editor/projects/${orgId}/${sortBy}/${order.direction}/${Pagination.searchKey(search)}`,
      cursor: query.cursor,
      limit: query.limit,
      read: (after, limit) => {
        const page = Keyset.clauses(sql, order, after)
        return sql<ProjectRow>`SELECT ${projectFields} FROM editor_projects
          WHERE org_id = ${orgId}
          ${search === "" ? sql`` : sql`AND title_search LIKE ${Keyset.containsPattern(search)} ESCAPE '\\'`}
          ${page.after}
          ${page.orderBy}
          LIMIT ${limit}`
      },
      position: (row) => ({
        value: sortBy === "title" ? row.title : Keyset.int(sortBy === "updatedAt" ? row.updated_at : row.created_at),
        id: row.id
      })
    })
  }

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
      yield* findSummary(orgId, projectId)
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
      return row
    }))

  const listAssets = (orgId: string, projectId: string) =>
    sql<AssetRow>`SELECT ${assetFields} FROM editor_assets WHERE project_id = ${projectId} AND org_id = ${orgId}
      ORDER BY created_at, id`

  /**
   * Fails with `InvalidReference` naming every one of `ids` that is not an asset of the
   * organization (of `projectId`, when given): nothing may be rendered from media it lacks.
   */
  const requireAssets = (orgId: string, projectId: string | null, ids: ReadonlyArray<string>) =>
    ids.length === 0
      ? Effect.void
      : Effect.flatMap(
        sql<{ id: string }>`SELECT id FROM editor_assets WHERE org_id = ${orgId} AND ${sql.in("id", ids)}
          ${projectId === null ? sql`` : sql`AND project_id = ${projectId}`}`,
        (rows) => {
          const known = new Set(rows.map((row) => row.id))
          const unknown = ids.filter((id) => !known.has(id))
          const [first] = unknown
          if (first === undefined) return Effect.void
          const owner = projectId === null ? "your account does not have" : `project ${projectId} does not have`
          return Effect.fail(
            new ProjectsError.InvalidReference({
              field: "editorState.assetId",
              id: first,
              ids: unknown,
              description: `editorState refers to assets that ${owner}: ${unknown.join(", ")}`
            })
          )
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
    sql<ExportRow>`SELECT ${exportFields} FROM editor_exports WHERE id = ${id} AND org_id = ${orgId}`.pipe(one("export", id))

  /** Newest first, by `projectId` and `status` when given; keyset cursors. */
  const listExports = (
    orgId: string,
    query: { readonly limit: number; readonly cursor?: string; readonly projectId?: string; readonly status?: string }
  ) =>
    Keyset.page({
      scope: `editor/exports/${orgId}/${query.projectId ?? ""}/${query.status ?? ""}`,
      cursor: query.cursor,
      limit: query.limit,
      read: (after, limit) => {
        const page = Keyset.clauses(sql, { key: "created_at", direction: "desc" }, after)
        return sql<ExportRow>`SELECT ${exportFields} FROM editor_exports
          WHERE org_id = ${orgId}
          ${query.projectId === undefined ? sql`` : sql`AND project_id = ${query.projectId}`}
          ${query.status === undefined ? sql`` : sql`AND status = ${query.status}`}
          ${page.after}
          ${page.orderBy}
          LIMIT ${limit}`
      },
      position: (row) => ({ value: Keyset.int(row.created_at), id: row.id })
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
    requireAssets,
    createExport,
    findExport,
    listExports
  } as const
})

export type EditorStoreService = Effect.Effect.Success<typeof make>

/** The editor's storage, over whichever SQL backend the server runs on. */
export class EditorStore extends Context.Tag("@projectkit/server/EditorStore")<EditorStore, EditorStoreService>() {}

export const layer = Layer.effect(EditorStore, make)
