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
import * as Pagination from "@projectkit/core/Pagination"
import * as Attachment from "@projectkit/core/Attachment"
import { NotFound, type Validation } from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { Caller } from "../../Organizations.js"
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
    createFiled(caller, projectReference, (projectId, now) => {
      const row: AssetRow = { ...input, id: randomId(), project_id: projectId, created_at: now, updated_at: now }
      return Effect.as(
        sql`INSERT INTO sync_assets (id, org_id, project_id, type, visibility, name, name_search, url, size,
            format, input_type, duration_seconds, thumbnail_url, width, height, created_at, updated_at)
          VALUES (${row.id}, ${caller.orgId}, ${row.project_id}, ${row.type}, ${row.visibility}, ${row.name},
            ${Pagination.searchKey(row.name ?? "")}, ${row.url}, ${row.size}, ${row.format}, ${row.input_type},
            ${row.duration_seconds}, ${row.thumbnail_url}, ${row.width}, ${row.height}, ${now}, ${now})`,
        row
      )
    })

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
  ) =>
    createFiled(caller, projectReference, (projectId, now) => {
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
    })

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

  return {
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
    listGenerations
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
