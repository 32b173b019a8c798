/**
 * sync.so's storage: projects, assets and generations of each organization. Every statement is
 * confined to the caller's organization; a project of another organization, or one with USER
 * visibility owned by someone else, is indistinguishable from one that does not exist.
 *
 * It answers in core terms: rows, or `NotFound` (an id the caller cannot see), `InvalidReference`
 * (work filed under a `projectId` that is not one of the caller's projects: sync.so's 422),
 * `Validation` (a cursor that is not this list's); how they look on the wire is `SyncErrors`'.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type * as Statement from "@effect/sql/Statement"
import * as Pagination from "@projectkit/core/Pagination"
import * as Attachment from "@projectkit/core/Attachment"
import { NotFound, type Validation } from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { Caller } from "../../Organizations.js"
import * as Crypto from "node:crypto"
import { randomId } from "../../internal/ids.js"
import * as Keyset from "../../internal/keyset.js"
import { searchPage } from "../../internal/search.js"

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

/** `row`, or `NotFound` naming `resource` and `id` when there is none. */
const found = <A>(resource: string, id: string) => (row: Option.Option<A>): Effect.Effect<A, NotFound> =>
  Option.match(row, {
    onNone: () => Effect.fail(new NotFound({ resource, id })),
    onSome: Effect.succeed
  })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient

  const visibleProject = (caller: Caller) =>
    sql`org_id = ${caller.orgId} AND (visibility = 'ORGANIZATION' OR owner_id = ${caller.userId})`

  // Compiled once, in this client's dialect: a request only supplies the parameters (the id, then
  // the caller's organization and user, in the order they appear). Building the template and its
  // fragment and compiling them anew cost a GET more than SQLite's answer does.
  const [findProjectSql] = sql`SELECT id, name, visibility, mode, created_at, updated_at FROM sync_projects
        WHERE id = ${""} AND ${visibleProject({ orgId: "", userId: "" })}`.compile()
  const findProject = (caller: Caller, id: string) =>
    Effect.map(
      sql.unsafe<ProjectRow>(findProjectSql, [id, caller.orgId, caller.userId]),
      (rows) => Option.fromNullable(rows[0])
    )

  const getProject = (caller: Caller, id: string) => Effect.flatMap(findProject(caller, id), found("Project", id))

  const createProject = (caller: Caller, input: { name: string; visibility: string; mode: string }) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const row: ProjectRow = { id: randomId(), ...input, created_at: now, updated_at: now }
      yield* sql`INSERT INTO sync_projects (id, org_id, owner_id, name, name_search, visibility, mode, created_at, updated_at)
        VALUES (${row.id}, ${caller.orgId}, ${caller.userId}, ${row.name}, ${Pagination.searchKey(row.name)},
          ${row.visibility}, ${row.mode}, ${now}, ${now})`
      return row
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

  // -------------------------------------------------------------------------------------------
  // Assets
  // -------------------------------------------------------------------------------------------

  const assetColumns = sql.literal(`id, project_id, type, visibility, name, url, size, format, input_type,
    duration_seconds, thumbnail_url, width, height, created_at, updated_at`)

  const getAsset = (caller: Caller, id: string) =>
    Effect.flatMap(
      sql<AssetRow>`SELECT ${assetColumns} FROM sync_assets WHERE id = ${id} AND org_id = ${caller.orgId}`,
      (rows) => found<AssetRow>("Asset", id)(Option.fromNullable(rows[0]))
    )

  const createAsset = (
    caller: Caller,
    input: Omit<AssetRow, "id" | "created_at" | "updated_at" | "project_id">,
    projectReference: string | null | undefined
  ) =>
    createFiled(caller, projectReference, (projectId, now) =>
      insertAsset(caller, { ...input, id: randomId(), project_id: projectId, created_at: now, updated_at: now }, null))

  /** `row` stored for the caller's organization; `sha256` is the content's hash when the server received it. */
  const insertAsset = (caller: Caller, row: AssetRow, sha256: string | null) =>
    Effect.as(
      sql`INSERT INTO sync_assets (id, org_id, project_id, type, visibility, name, name_search, url, size,
          format, input_type, duration_seconds, thumbnail_url, width, height, sha256, created_at, updated_at)
        VALUES (${row.id}, ${caller.orgId}, ${row.project_id}, ${row.type}, ${row.visibility}, ${row.name},
          ${Pagination.searchKey(row.name ?? "")}, ${row.url}, ${row.size}, ${row.format}, ${row.input_type},
          ${row.duration_seconds}, ${row.thumbnail_url}, ${row.width}, ${row.height}, ${sha256}, ${row.created_at},
          ${row.updated_at})`,
      row
    )

  const listAssets = (
    caller: Caller,
    query: {
      readonly limit: number
      readonly cursor?: string
      readonly searchQuery?: string
      readonly sortBy?: AssetSort
      readonly projectId?: string
      readonly types?: ReadonlyArray<string>
    }
  ): Effect.Effect<Keyset.Page<AssetRow> & { readonly totalCount: number }, SqlError | Validation> =>
    Effect.gen(function*() {
      const sortBy = query.sortBy ?? "dateDesc"
      const order = assetOrders[sortBy]
      const search = query.searchQuery ?? ""
      const types = [...(query.types ?? [])].sort()
      const filters = sql.and([
        sql`org_id = ${caller.orgId}`,
        ...(search === "" ? [] : [sql`name_search LIKE ${Keyset.containsPattern(search)} ESCAPE '\\'`]),
        ...(query.projectId === undefined ? [] : [sql`project_id = ${query.projectId}`]),
        ...(types.length === 0 ? [] : [sql.in("type", types)])
      ])
      const page = yield* Keyset.page({
        scope: `sync/assets/${caller.orgId}/${sortBy}/${Pagination.searchKey(search)}/${query.projectId ?? ""}/${
          types.join(",")
        }`,
        cursor: query.cursor,
        limit: query.limit,
        read: (after, limit) => {
          const { after: afterPosition, orderBy } = Keyset.clauses(sql, order, after)
          return sql<AssetRow & { readonly sort_key: string | number }>`SELECT ${assetColumns},
              ${sql.literal(order.key)} AS sort_key
            FROM sync_assets
            WHERE ${filters} ${afterPosition}
            ${orderBy}
            LIMIT ${limit}`
        },
        position: (row) => ({ value: row.sort_key, id: row.id })
      })
      const counted = yield* sql<{ total: number }>`SELECT COUNT(*) AS total FROM sync_assets WHERE ${filters}`
      return {
        items: page.items.map(({ sort_key: _, ...row }) => row),
        totalCount: Number(counted[0]?.total ?? 0),
        nextCursor: page.nextCursor
      }
    })

  // -------------------------------------------------------------------------------------------
  // Generations
  // -------------------------------------------------------------------------------------------

  const generationColumns = sql.literal(`id, project_id, status, model, request, webhook_url, output_url,
    output_duration, error, error_code, created_at, updated_at`)

  const getGeneration = (caller: Caller, id: string) =>
    Effect.flatMap(
      sql<GenerationRow>`SELECT ${generationColumns} FROM sync_generations WHERE id = ${id} AND org_id = ${caller.orgId}`,
      (rows) => found<GenerationRow>("Generation", id)(Option.fromNullable(rows[0]))
    )

  const createGeneration = (
    caller: Caller,
    input: { readonly model: string; readonly request: unknown; readonly webhookUrl: string | null },
    projectReference: string | null | undefined,
    startsAt: (now: number) => number
  ) => createFiled(caller, projectReference, (projectId, now) => insertGeneration(caller, input, projectId, now, startsAt))

  const insertGeneration = (
    caller: Caller,
    input: { readonly model: string; readonly request: unknown; readonly webhookUrl: string | null },
    projectId: string | null,
    now: number,
    startsAt: (now: number) => number
  ) => {
    const row: GenerationRow = {
      id: randomId(),
      project_id: projectId,
      status: "PENDING",
      model: input.model,
      request: JSON.stringify(input.request),
      webhook_url: input.webhookUrl,
      output_url: null,
      output_duration: null,
      error: null,
      error_code: null,
      created_at: now,
      updated_at: now
    }
    return Effect.as(
      sql`INSERT INTO sync_generations (id, org_id, project_id, status, model, request, webhook_url,
          created_at, updated_at, next_transition_at)
        VALUES (${row.id}, ${caller.orgId}, ${projectId}, ${row.status}, ${row.model}, ${row.request},
          ${row.webhook_url}, ${now}, ${now}, ${startsAt(now)})`,
      row
    )
  }

  const listGenerations = (
    caller: Caller,
    query: { readonly status?: ReadonlyArray<string>; readonly ids?: ReadonlyArray<string> }
  ) =>
    sql<GenerationRow>`SELECT ${generationColumns} FROM sync_generations
      WHERE ${
      sql.and([
        sql`org_id = ${caller.orgId}`,
        ...(query.status === undefined || query.status.length === 0 ? [] : [sql.in("status", query.status)]),
        ...(query.ids === undefined || query.ids.length === 0 ? [] : [sql.in("id", query.ids)])
      ])
    }
      ORDER BY created_at DESC, id DESC`

  // -------------------------------------------------------------------------------------------
  // Generations with files
  // -------------------------------------------------------------------------------------------

  /**
   * A generation whose media were uploaded: each upload becomes an asset of the organization
   * (inputType UPLOAD, filed under the generation's project) and the generation's input item of
   * its type, in place of one the request named by URL ("the file taking precedence over the url").
   * Assets and generation are created in one transaction after the project check: a refused
   * `projectId` creates nothing, assets included.
   */
  const createGenerationWithUploads = (
    caller: Caller,
    input: {
      readonly model: string
      readonly request: { readonly input: ReadonlyArray<{ readonly type: string }> } & Record<string, unknown>
      readonly webhookUrl: string | null
      readonly uploads: ReadonlyArray<Upload>
    },
    projectReference: string | null | undefined,
    startsAt: (now: number) => number
  ) =>
    createFiled(caller, projectReference, (projectId, now) =>
      Effect.gen(function*() {
        const assets: Array<AssetRow> = []
        for (const upload of input.uploads) {
          const id = randomId()
          assets.push(yield* insertAsset(caller, {
            id,
            project_id: projectId,
            type: upload.assetType,
            // INF: an upload belongs to the organization, as the seed's example asset does.
            visibility: "ORGANIZATION",
            name: upload.name,
            url: uploadUrl(id, upload.name),
            size: upload.size,
            format: upload.format,
            input_type: "UPLOAD",
            duration_seconds: null,
            thumbnail_url: null,
            width: null,
            height: null,
            created_at: now,
            updated_at: now
          }, upload.sha256))
        }
        const uploaded = new Set<string>(input.uploads.map((upload) => upload.inputType))
        const request = {
          ...input.request,
          input: [
            ...input.request.input.filter((item) => !uploaded.has(item.type)),
            ...input.uploads.map((upload, index) => ({
              type: upload.inputType,
              assetId: assets[index]!.id,
              url: assets[index]!.url!
            }))
          ]
        }
        const row = yield* insertGeneration(caller, { model: input.model, request, webhookUrl: input.webhookUrl }, projectId, now, startsAt)
        return { generation: row, assets }
      }))

  // -------------------------------------------------------------------------------------------
  // Batches
  // -------------------------------------------------------------------------------------------

  /**
   * A batch and its lines, in one statement each: lines accepted (`payload` validated, its
   * projectId one of the caller's) wait for the batch to start; refused ones keep their error.
   */
  const createBatch = (
    caller: Caller,
    input: {
      readonly webhookUrl: string | null
      readonly resultsBase: string
      readonly lines: ReadonlyArray<BatchLineInput>
    },
    startsAt: number
  ) =>
    sql.withTransaction(Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const id = batchId()
      yield* sql`INSERT INTO sync_batches (id, org_id, user_id, status, webhook_url, results_base, created_at, updated_at,
          next_transition_at)
        VALUES (${id}, ${caller.orgId}, ${caller.userId}, 'PENDING', ${input.webhookUrl}, ${input.resultsBase}, ${now},
          ${now}, ${startsAt})`
      // In slices, so a 500-line batch stays under every backend's parameter limit.
      for (let start = 0; start < input.lines.length; start += 100) {
        const slice = input.lines.slice(start, start + 100)
        yield* sql`INSERT INTO sync_batch_lines ${
          sql.insert(slice.map((line) => ({
            batch_id: id,
            line: line.line,
            request_id: line.requestId,
            payload: line.payload,
            error_message: line.error?.message ?? null,
            error_code: line.error?.code ?? null
          })))
        }`
      }
      return yield* getBatch(caller, id)
    }))

  const batchViews = (where: Statement.Fragment) =>
    sql<BatchView>`SELECT b.id, b.status, b.webhook_url, b.output_url, b.created_at, b.updated_at,
        COUNT(l.line) AS total,
        COALESCE(SUM(CASE WHEN g.status = 'COMPLETED' THEN 1 ELSE 0 END), 0) AS succeeded,
        COALESCE(SUM(CASE WHEN l.error_message IS NOT NULL OR g.status IN ('FAILED', 'REJECTED') THEN 1 ELSE 0 END), 0)
          AS failed
      FROM sync_batches b
        LEFT JOIN sync_batch_lines l ON l.batch_id = b.id
        LEFT JOIN sync_generations g ON g.id = l.generation_id
      WHERE ${where}
      GROUP BY b.id, b.status, b.webhook_url, b.output_url, b.created_at, b.updated_at
      ORDER BY b.created_at DESC, b.id DESC`.pipe(
        Effect.map((rows) =>
          rows.map((row) => ({
            ...row,
            total: Number(row.total),
            succeeded: Number(row.succeeded),
            failed: Number(row.failed)
          }))
        )
      )

  const getBatch = (caller: Caller, id: string) =>
    Effect.flatMap(
      batchViews(sql.and([sql`b.id = ${id}`, sql`b.org_id = ${caller.orgId}`])),
      (rows) => found<BatchView>("Batch", id)(Option.fromNullable(rows[0]))
    )

  const listBatches = (
    caller: Caller,
    query: { readonly status?: string; readonly createdAfter?: number; readonly createdBefore?: number }
  ) =>
    batchViews(sql.and([
      sql`b.org_id = ${caller.orgId}`,
      ...(query.status === undefined ? [] : [sql`b.status = ${query.status}`]),
      ...(query.createdAfter === undefined ? [] : [sql`b.created_at > ${query.createdAfter}`]),
      ...(query.createdBefore === undefined ? [] : [sql`b.created_at < ${query.createdBefore}`])
    ]))

  /** A finished batch's lines in order, each with its generation (if it became one) or its error. */
  const batchResults = (caller: Caller, id: string) =>
    Effect.gen(function*() {
      const batch = yield* getBatch(caller, id)
      if (batch.status !== "COMPLETED" && batch.status !== "FAILED") {
        return yield* Effect.fail(
          new NotFound({ resource: "Batch results", id, description: `Batch ${id} has no results until it completes` })
        )
      }
      const rows = yield* sql<
        BatchLineRow & Partial<GenerationRow> & {
          readonly generation_status: string | null
          readonly generation_error_code: string | null
        }
      >`
        SELECT l.line, l.request_id, l.generation_id, l.error_message, l.error_code,
          g.id, g.project_id, g.status AS generation_status, g.model, g.request, g.webhook_url, g.output_url,
          g.output_duration, g.error, g.error_code AS generation_error_code, g.created_at, g.updated_at
        FROM sync_batch_lines l LEFT JOIN sync_generations g ON g.id = l.generation_id
        WHERE l.batch_id = ${id}
        ORDER BY l.line`
      return rows.map((row): BatchResult =>
        row.generation_status === null || row.generation_status === undefined
          ? { requestId: row.request_id, error: { message: row.error_message ?? "Not processed", code: row.error_code ?? "not_processed" } }
          : {
            requestId: row.request_id,
            generation: {
              id: row.id!,
              project_id: row.project_id ?? null,
              status: row.generation_status,
              model: row.model!,
              request: row.request!,
              webhook_url: row.webhook_url ?? null,
              output_url: row.output_url ?? null,
              output_duration: row.output_duration ?? null,
              error: row.error ?? null,
              error_code: row.generation_error_code ?? null,
              created_at: Number(row.created_at),
              updated_at: Number(row.updated_at)
            }
          }
      )
    })

  return {
    findProject,
    getProject,
    createProject,
    updateProject,
    deleteProject,
    listProjects,
    getAsset,
    createAsset,
    listAssets,
    getGeneration,
    createGeneration,
    createGenerationWithUploads,
    listGenerations,
    createBatch,
    getBatch,
    listBatches,
    batchResults
  } as const
})

export type SyncStoreService = Effect.Effect.Success<typeof make>

/** sync.so's storage, over whichever SQL backend the server runs on. */
export class SyncStore extends Context.Tag("@projectkit/server/SyncStore")<SyncStore, SyncStoreService>() {}

export const layer = Layer.effect(SyncStore, make)

export interface AssetRow {
  readonly id: string
  readonly project_id: string | null
  readonly type: string
  readonly visibility: string
  readonly name: string | null
  readonly url: string | null
  readonly size: number | null
  readonly format: string | null
  readonly input_type: string | null
  readonly duration_seconds: number | null
  readonly thumbnail_url: string | null
  readonly width: number | null
  readonly height: number | null
  readonly created_at: number
  readonly updated_at: number
}

export type AssetSort =
  | "nameAsc"
  | "nameDesc"
  | "dateAsc"
  | "dateDesc"
  | "durationAsc"
  | "durationDesc"
  | "sizeAsc"
  | "sizeDesc"
  | "kindAsc"
  | "kindDesc"

/**
 * The keyset expression of each asset sort. Missing values (an asset without a size, …) sort as
 * the smallest, through COALESCE, so the keyset stays a total order.
 */
const assetOrders: Record<AssetSort, Keyset.Order> = {
  nameAsc: { key: "COALESCE(name, '')", direction: "asc" },
  nameDesc: { key: "COALESCE(name, '')", direction: "desc" },
  dateAsc: { key: "created_at", direction: "asc" },
  dateDesc: { key: "created_at", direction: "desc" },
  durationAsc: { key: "COALESCE(duration_seconds, -1)", direction: "asc" },
  durationDesc: { key: "COALESCE(duration_seconds, -1)", direction: "desc" },
  sizeAsc: { key: "COALESCE(size, -1)", direction: "asc" },
  sizeDesc: { key: "COALESCE(size, -1)", direction: "desc" },
  kindAsc: { key: "type", direction: "asc" },
  kindDesc: { key: "type", direction: "desc" }
}

export interface GenerationRow {
  readonly id: string
  readonly project_id: string | null
  readonly status: string
  readonly model: string
  /** The create request as sent (input, options, segments, outputFileName), as JSON. */
  readonly request: string
  readonly webhook_url: string | null
  readonly output_url: string | null
  readonly output_duration: number | null
  readonly error: string | null
  readonly error_code: string | null
  readonly created_at: number
  readonly updated_at: number
}

/** A file received with a generation: measured and hashed as it arrived, its bytes not kept. */
export interface Upload {
  /** The input item it stands for. */
  readonly inputType: "video" | "audio" | "image"
  readonly assetType: "VIDEO" | "AUDIO" | "IMAGE"
  readonly name: string
  readonly size: number
  readonly format: string | null
  readonly sha256: string
}

/** INF: an upload's URL is where the server would serve it; like outputs, a reserved `.invalid` host. */
const uploadUrl = (id: string, name: string) => `https://assets.projectkit.invalid/sync/${id}/${encodeURIComponent(name)}`

/** INF: "batch_" and 24 lowercase hexadecimal characters (the documents show `batch_abc123`). */
const batchId = () => `batch_${Crypto.randomBytes(12).toString("hex")}`

/** One line of a batch's input file, as the store keeps it. */
export interface BatchLineInput {
  /** Its line number in the file (1-based, blank lines counted). */
  readonly line: number
  readonly requestId: string
  /** The payload, as JSON. */
  readonly payload: string
  /** Why the Generate API would refuse the payload; such a line fails alone. */
  readonly error?: { readonly message: string; readonly code: string } | undefined
}

export interface BatchLineRow {
  readonly line: number
  readonly request_id: string
  readonly generation_id: string | null
  readonly error_message: string | null
  readonly error_code: string | null
}

/** A batch with its counts, computed from its lines and their generations. */
export interface BatchView {
  readonly id: string
  readonly status: string
  readonly webhook_url: string | null
  readonly output_url: string | null
  readonly created_at: number
  readonly updated_at: number
  readonly total: number
  readonly succeeded: number
  readonly failed: number
}

export type BatchResult =
  | { readonly requestId: string; readonly generation: GenerationRow }
  | { readonly requestId: string; readonly error: { readonly message: string; readonly code: string } }
