/**
 * The Indream dialect's storage: projects with their saved `editorState`, assets and their
 * bindings to projects, export tasks, and the first responses of idempotent requests. Every
 * statement is confined to the caller's organization; another organization's record answers
 * exactly like one that does not exist. What cannot be done fails with a core error (`NotFound`,
 * `Conflict`, `Validation` for a bad cursor); how Indream says so is `IndreamErrors`' business.
 * Uploaded bytes are `FileStore`'s.
 */
import * as SqlClient from "@effect/sql/SqlClient"
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
  readonly state_version: string
  readonly created_at: number
  readonly updated_at: number
}

export interface ProjectWithState extends ProjectRow {
  /** The saved state as the JSON text it was sent as. */
  readonly editor_state: string
}

export interface AssetRow {
  readonly id: string
  readonly type: string
  readonly source: string | null
  readonly filename: string
  readonly mimetype: string
  readonly size: number | null
  readonly file_key: string
  readonly width: number | null
  readonly height: number | null
  readonly duration: number | null
  readonly created_at: number
}

export interface ExportRow {
  readonly id: string
  readonly user_id: string
  readonly api_key_id: string
  readonly project_id: string | null
  readonly client_task_id: string | null
  readonly status: ExportStatus
  readonly progress: number
  readonly error: string | null
  readonly format: "mp4" | "webm"
  readonly fps: number
  readonly ratio: string
  readonly scale: number
  readonly width: number
  readonly height: number
  readonly duration_seconds: number
  readonly billed_standard_seconds: number
  readonly charged_credits: string
  readonly callback_url: string | null
  readonly callback_headers: string | null
  readonly output_key: string | null
  /** The server's public URL (with the dialect's prefix) when the task was created: its callbacks' `outputUrl`. */
  readonly public_base: string
  readonly created_at: number
  readonly updated_at: number
  readonly completed_at: number | null
}

export type ExportStatus = "PENDING" | "PROCESSING" | "COMPLETED" | "FAILED" | "PAUSED" | "CANCELED"

/** A task not yet finished, counted against the per-user limit. */
export const activeStatuses: ReadonlyArray<ExportStatus> = ["PENDING", "PROCESSING", "PAUSED"]

/** DOC: "Active Open API export tasks are limited to 2 per user." */
export const maxActiveExports = 2

export interface NewExport {
  readonly userId: string
  readonly apiKeyId: string
  readonly publicBase: string
  readonly projectId: string | null
  readonly clientTaskId: string | null
  readonly format: "mp4" | "webm"
  readonly fps: number
  readonly ratio: string
  readonly scale: number
  readonly width: number
  readonly height: number
  readonly durationSeconds: number
  readonly billedStandardSeconds: number
  readonly chargedCredits: string
  readonly callbackUrl: string | null
  readonly callbackHeaders: Readonly<Record<string, string>> | null
  readonly editorState: string
  /** When the task leaves PENDING. */
  readonly startsAt: number
}

/** The first response to an `Idempotency-Key`, kept to be replayed. */
export interface StoredResponse {
  readonly request_hash: string
  readonly body: string
}

const projectColumns = "id, title, description, state_version, created_at, updated_at"
const assetColumns = "id, type, source, filename, mimetype, size, file_key, width, height, duration, created_at"
const exportColumns = `id, user_id, api_key_id, public_base, project_id, client_task_id, status, progress, error, format, fps, ratio, scale,
  width, height, duration_seconds, billed_standard_seconds, charged_credits, callback_url, callback_headers,
  output_key, created_at, updated_at, completed_at`

/** The first row, or `NotFound` for the `resource` with `id`. */
const one = (resource: string, id: string) => <Row, E, R>(rows: Effect.Effect<ReadonlyArray<Row>, E, R>) =>
  Effect.flatMap(rows, (found) => {
    const row = found[0]
    return row === undefined ? Effect.fail(new ProjectsError.NotFound({ resource, id })) : Effect.succeed(row)
  })

/** `LIKE` pattern matching `text` anywhere, its wildcards escaped (ESCAPE '\'). */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const projectFields = sql.literal(projectColumns)
  const assetFields = sql.literal(assetColumns)
  const exportFields = sql.literal(exportColumns)

  // -------------------------------------------------------------------------------------------
  // Projects
  // -------------------------------------------------------------------------------------------

  // Compiled once, in this client's dialect (a request supplies the id, then the organization): a
  // template built and compiled per request cost a GET about a tenth of its time.
  const [findProjectSql] = sql`SELECT ${projectFields}, editor_state FROM indream_projects WHERE id = ${""} AND org_id = ${""}`
    .compile()
  const [findSummarySql] = sql`SELECT ${projectFields} FROM indream_projects WHERE id = ${""} AND org_id = ${""}`.compile()

  const findProject = (orgId: string, id: string) =>
    sql.unsafe<ProjectWithState>(findProjectSql, [id, orgId]).pipe(one("project", id))

  const findSummary = (orgId: string, id: string) => sql.unsafe<ProjectRow>(findSummarySql, [id, orgId]).pipe(one("project", id))

  const createProject = (
    orgId: string,
    input: { readonly title: string; readonly description: string | null; readonly editorState: string; readonly stateVersion: string }
  ) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const row: ProjectWithState = {
        id: randomId(),
        title: input.title,
        description: input.description,
        editor_state: input.editorState,
        state_version: input.stateVersion,
        created_at: now,
        updated_at: now
      }
      yield* sql`INSERT INTO indream_projects (id, org_id, title, description, editor_state, state_version, created_at, updated_at)
        VALUES (${row.id}, ${orgId}, ${row.title}, ${row.description}, ${row.editor_state}, ${row.state_version}, ${now}, ${now})`
      return row
    })

  /** Changes title and description only, those given. */
  const updateMetadata = (orgId: string, id: string, patch: { readonly title?: string; readonly description?: string | null }) =>
    sql.withTransaction(Effect.gen(function*() {
      // Lock the row first (a no-op write), so a PATCH racing this one reads what this one wrote.
      yield* sql`UPDATE indream_projects SET updated_at = updated_at WHERE id = ${id} AND org_id = ${orgId}`
      const current = yield* findSummary(orgId, id)
      const now = yield* Clock.currentTimeMillis
      const updated: ProjectRow = { ...current, ...patch, updated_at: Math.max(now, Number(current.updated_at)) }
      yield* sql`UPDATE indream_projects SET title = ${updated.title}, description = ${updated.description},
          updated_at = ${updated.updated_at} WHERE id = ${id} AND org_id = ${orgId}`
      return updated
    }))

  /** Replaces the saved state and its version, nothing else; one statement, so never torn. */
  const saveState = (orgId: string, id: string, state: { readonly json: string; readonly version: string }) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      sql<ProjectRow>`UPDATE indream_projects
        SET editor_state = ${state.json}, state_version = ${state.version},
          updated_at = CASE WHEN updated_at > ${now} THEN updated_at ELSE ${now} END
        WHERE id = ${id} AND org_id = ${orgId}
        RETURNING ${projectFields}`.pipe(one("project", id)))

  /** Deletes the project and its asset bindings; its assets and export tasks stay. */
  const deleteProject = (orgId: string, id: string) =>
    Effect.asVoid(sql`DELETE FROM indream_projects WHERE id = ${id} AND org_id = ${orgId} RETURNING id`.pipe(one("project", id)))

  /** INF: the document gives no order; newest first, as the product's project list shows them. */
  const listProjects = (orgId: string, query: { readonly pageSize: number; readonly pageCursor: string | undefined }) =>
    Keyset.page({
      scope: `indream/projects/${orgId}`,
      cursor: query.pageCursor,
      limit: query.pageSize,
      read: (after, limit) => {
        const page = Keyset.clauses(sql, { key: "created_at", direction: "desc" }, after)
        return sql<ProjectRow>`SELECT ${projectFields} FROM indream_projects WHERE org_id = ${orgId}
          ${page.after} ${page.orderBy} LIMIT ${limit}`
      },
      position: (row) => ({ value: Keyset.int(row.created_at), id: row.id })
    })

  // -------------------------------------------------------------------------------------------
  // Assets
  // -------------------------------------------------------------------------------------------

  /** An asset that is not deleted. */
  const findAsset = (orgId: string, id: string) =>
    sql<AssetRow>`SELECT ${assetFields} FROM indream_assets WHERE id = ${id} AND org_id = ${orgId} AND deleted_at IS NULL`
      .pipe(one("asset", id))

  /** A new asset over a stored file, bound to `projectId` when given (which must exist). */
  const createAsset = (
    orgId: string,
    input: Omit<AssetRow, "id" | "created_at"> & { readonly projectId: string | null }
  ) =>
    sql.withTransaction(Effect.gen(function*() {
      if (input.projectId !== null) yield* findSummary(orgId, input.projectId)
      const now = yield* Clock.currentTimeMillis
      const row: AssetRow = {
        id: randomId(),
        type: input.type,
        source: input.source,
        filename: input.filename,
        mimetype: input.mimetype,
        size: input.size,
        file_key: input.file_key,
        width: input.width,
        height: input.height,
        duration: input.duration,
        created_at: now
      }
      yield* sql`INSERT INTO indream_assets (id, org_id, type, source, filename, mimetype, size, file_key, width, height,
          duration, created_at)
        VALUES (${row.id}, ${orgId}, ${row.type}, ${row.source}, ${row.filename}, ${row.mimetype}, ${row.size},
          ${row.file_key}, ${row.width}, ${row.height}, ${row.duration}, ${now})`
      if (input.projectId !== null) {
        yield* sql`INSERT INTO indream_project_assets (project_id, asset_id, org_id, created_at)
          VALUES (${input.projectId}, ${row.id}, ${orgId}, ${now})`
      }
      return row
    }))

  /** Binds an existing asset to a project; binding it again changes nothing. */
  const bindAsset = (orgId: string, projectId: string, assetId: string) =>
    sql.withTransaction(Effect.gen(function*() {
      yield* findSummary(orgId, projectId)
      yield* findAsset(orgId, assetId)
      const now = yield* Clock.currentTimeMillis
      const bound = yield* sql`SELECT project_id FROM indream_project_assets
        WHERE project_id = ${projectId} AND asset_id = ${assetId}`
      if (bound.length === 0) {
        yield* sql`INSERT INTO indream_project_assets (project_id, asset_id, org_id, created_at)
          VALUES (${projectId}, ${assetId}, ${orgId}, ${now})`
      }
    }))

  /** Removes the binding only; the asset stays. `NotFound` when the project has no such binding. */
  const unbindAsset = (orgId: string, projectId: string, assetId: string) =>
    Effect.gen(function*() {
      yield* findSummary(orgId, projectId)
      yield* sql`DELETE FROM indream_project_assets
        WHERE project_id = ${projectId} AND asset_id = ${assetId} AND org_id = ${orgId} RETURNING asset_id`
        .pipe(one("asset", assetId))
    })

  /** The project's bound assets, oldest binding first. */
  const listProjectAssets = (
    orgId: string,
    projectId: string,
    query: { readonly pageSize: number; readonly pageCursor: string | undefined }
  ) =>
    Effect.zipRight(
      findSummary(orgId, projectId),
      Keyset.page({
        scope: `indream/project-assets/${orgId}/${projectId}`,
        cursor: query.pageCursor,
        limit: query.pageSize,
        read: (after, limit) => {
          const order = Keyset.clauses(sql, { key: "bound_at", direction: "asc" }, after)
          return sql<AssetRow & { readonly bound_at: number }>`SELECT * FROM (
              SELECT a.id, a.type, a.source, a.filename, a.mimetype, a.size, a.file_key, a.width, a.height,
                a.duration, a.created_at, b.created_at AS bound_at
              FROM indream_project_assets b JOIN indream_assets a ON a.id = b.asset_id
              WHERE b.project_id = ${projectId} AND b.org_id = ${orgId} AND a.deleted_at IS NULL
            ) bound
            WHERE 1 = 1 ${order.after} ${order.orderBy} LIMIT ${limit}`
        },
        position: (row) => ({ value: Keyset.int(row.bound_at), id: row.id })
      })
    )

  /**
   * Soft-deletes the asset, unless a project binding or a project's saved state uses it: then
   * `Conflict` (DOC: 409 `ASSET_REFERENCED`). INF: a saved state uses an asset when its JSON
   * names the asset's id or its `fileKey` (the document maps `fileKey` to `assets[*].remoteKey`).
   */
  const deleteAsset = (orgId: string, id: string) =>
    sql.withTransaction(Effect.gen(function*() {
      const asset = yield* findAsset(orgId, id)
      const bindings = yield* sql<{ project_id: string }>`SELECT project_id FROM indream_project_assets
        WHERE asset_id = ${id} AND org_id = ${orgId} LIMIT 1`
      const states = bindings.length > 0 ? [] : yield* sql<{ id: string }>`SELECT id FROM indream_projects
        WHERE org_id = ${orgId}
          AND (editor_state LIKE ${containing(id)} ESCAPE '\\' OR editor_state LIKE ${containing(asset.file_key)} ESCAPE '\\')
        LIMIT 1`
      const user = bindings[0]?.project_id ?? states[0]?.id
      if (user !== undefined) {
        return yield* Effect.fail(
          new ProjectsError.Conflict({
            description: `Asset ${id} is still used by project ${user}: remove it from the project and its editorState first`
          })
        )
      }
      const now = yield* Clock.currentTimeMillis
      yield* sql`UPDATE indream_assets SET deleted_at = ${now} WHERE id = ${id} AND org_id = ${orgId}`
      // The caller removes its file (`FileStore`): the row stays, marked, and no longer serves it.
      return asset
    }))

  // -------------------------------------------------------------------------------------------
  // Exports
  // -------------------------------------------------------------------------------------------

  const findExport = (orgId: string, id: string) =>
    sql<ExportRow>`SELECT ${exportFields} FROM indream_exports WHERE id = ${id} AND org_id = ${orgId}`.pipe(one("export task", id))

  /** The task an earlier request with `clientTaskId` created, if any. */
  const findByClientTaskId = (orgId: string, clientTaskId: string) =>
    Effect.map(
      sql<ExportRow>`SELECT ${exportFields} FROM indream_exports WHERE org_id = ${orgId} AND client_task_id = ${clientTaskId}
        ORDER BY created_at LIMIT 1`,
      (rows) => rows[0]
    )

  /**
   * A new task; or, when `clientTaskId` was used before, the task it created (DOC: dedup); or,
   * when the user has `maxActiveExports` unfinished tasks, none (DOC: 422
   * `OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED`, which no core error names: the handler says it).
   */
  const createExport = (orgId: string, input: NewExport) =>
    sql.withTransaction(Effect.gen(function*() {
      if (input.clientTaskId !== null) {
        const earlier = yield* findByClientTaskId(orgId, input.clientTaskId)
        if (earlier !== undefined) return { _tag: "Deduplicated", row: earlier } as const
      }
      const active = yield* sql<{ count: number | string }>`SELECT COUNT(*) AS count FROM indream_exports
        WHERE org_id = ${orgId} AND user_id = ${input.userId} AND ${sql.in("status", activeStatuses)}`
      if (Number(active[0]?.count ?? 0) >= maxActiveExports) return { _tag: "LimitReached" } as const
      const now = yield* Clock.currentTimeMillis
      const row: ExportRow = {
        id: randomId(),
        user_id: input.userId,
        api_key_id: input.apiKeyId,
        public_base: input.publicBase,
        project_id: input.projectId,
        client_task_id: input.clientTaskId,
        status: "PENDING",
        progress: 0,
        error: null,
        format: input.format,
        fps: input.fps,
        ratio: input.ratio,
        scale: input.scale,
        width: input.width,
        height: input.height,
        duration_seconds: input.durationSeconds,
        billed_standard_seconds: input.billedStandardSeconds,
        charged_credits: input.chargedCredits,
        callback_url: input.callbackUrl,
        callback_headers: input.callbackHeaders === null ? null : JSON.stringify(input.callbackHeaders),
        output_key: null,
        created_at: now,
        updated_at: now,
        completed_at: null
      }
      yield* sql`INSERT INTO indream_exports (id, org_id, user_id, api_key_id, public_base, project_id, client_task_id, status, progress, error,
          format, fps, ratio, scale, width, height, duration_seconds, billed_standard_seconds, charged_credits,
          callback_url, callback_headers, editor_state, output_key, created_at, updated_at, completed_at, next_transition_at)
        VALUES (${row.id}, ${orgId}, ${row.user_id}, ${row.api_key_id}, ${row.public_base}, ${row.project_id}, ${row.client_task_id}, 'PENDING', 0, NULL,
          ${row.format}, ${row.fps}, ${row.ratio}, ${row.scale}, ${row.width}, ${row.height}, ${row.duration_seconds},
          ${row.billed_standard_seconds}, ${row.charged_credits}, ${row.callback_url}, ${row.callback_headers},
          ${input.editorState}, NULL, ${now}, ${now}, NULL, ${input.startsAt})`
      return { _tag: "Created", row } as const
    }))

  /** Newest first. */
  const listExports = (
    orgId: string,
    query: { readonly pageSize: number; readonly pageCursor: string | undefined; readonly createdByApiKeyId: string | undefined }
  ) =>
    Keyset.page({
      scope: `indream/exports/${orgId}/${query.createdByApiKeyId ?? ""}`,
      cursor: query.pageCursor,
      limit: query.pageSize,
      read: (after, limit) => {
        const page = Keyset.clauses(sql, { key: "created_at", direction: "desc" }, after)
        return sql<ExportRow>`SELECT ${exportFields} FROM indream_exports WHERE org_id = ${orgId}
          ${query.createdByApiKeyId === undefined ? sql`` : sql`AND api_key_id = ${query.createdByApiKeyId}`}
          ${page.after} ${page.orderBy} LIMIT ${limit}`
      },
      position: (row) => ({ value: Keyset.int(row.created_at), id: row.id })
    })

  /** A completed task by its output's key (the public download), any organization. */
  const findOutput = (outputKey: string) =>
    Effect.map(
      sql<ExportRow>`SELECT ${exportFields} FROM indream_exports WHERE output_key = ${outputKey} AND status = 'COMPLETED'`,
      (rows) => rows[0]
    )

  /** The asset a stored file belongs to, any organization (the public download); none once deleted. */
  /** The live asset whose file is `fileKey`, with its organization (whose files hold it). */
  const findFileAsset = (fileKey: string) =>
    Effect.map(
      sql<AssetRow & { readonly org_id: string }>`SELECT ${assetFields}, org_id FROM indream_assets
        WHERE file_key = ${fileKey} AND deleted_at IS NULL`,
      (rows) => rows[0]
    )

  // -------------------------------------------------------------------------------------------
  // Idempotency
  // -------------------------------------------------------------------------------------------

  const findResponse = (orgId: string, scope: string, key: string) =>
    Effect.map(
      sql<StoredResponse>`SELECT request_hash, body FROM indream_idempotency
        WHERE org_id = ${orgId} AND scope = ${scope} AND idempotency_key = ${key}`,
      (rows) => rows[0]
    )

  /** Keeps the first response under a key; a racing second one keeps the first's. */
  const saveResponse = (orgId: string, scope: string, key: string, response: StoredResponse) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      sql`INSERT INTO indream_idempotency (org_id, scope, idempotency_key, request_hash, status, body, created_at)
        VALUES (${orgId}, ${scope}, ${key}, ${response.request_hash}, 201, ${response.body}, ${now})
        ON CONFLICT (org_id, scope, idempotency_key) DO NOTHING`).pipe(Effect.asVoid)

  return {
    findProject,
    findSummary,
    createProject,
    updateMetadata,
    saveState,
    deleteProject,
    listProjects,
    findAsset,
    createAsset,
    bindAsset,
    unbindAsset,
    listProjectAssets,
    deleteAsset,
    findExport,
    createExport,
    listExports,
    findOutput,
    findFileAsset,
    findResponse,
    saveResponse
  } as const
})

export type IndreamStoreService = Effect.Effect.Success<typeof make>

/** The Indream dialect's storage, over whichever SQL backend the server runs on. */
export class IndreamStore extends Context.Tag("@projectkit/server/IndreamStore")<IndreamStore, IndreamStoreService>() {}

export const layer = Layer.effect(IndreamStore, make)
