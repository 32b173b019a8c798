/**
 * sync.so's storage of assets: created by URL (filed under one of the caller's projects, or none),
 * or by the server for a generation's uploaded file (`insertAsset`, from `SyncGenerationStore`),
 * listed with filters, sorts and a total. Confined to the caller's organization, answering in core
 * terms as `SyncProjectStore` does.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Pagination from "@projectkit/core/Pagination"
import { Forbidden, type Validation } from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { Caller } from "../../Organizations.js"
import { randomId } from "../../internal/ids.js"
import * as Keyset from "../../internal/keyset.js"
import { found, SyncProjectStore } from "./SyncProjectStore.js"

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

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { createFiled, getProject } = yield* SyncProjectStore

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
    projectReference: string | null | undefined,
    upload: { readonly id: string; readonly sha256: string | null } | null = null
  ) =>
    createFiled(caller, projectReference, (projectId, now) =>
      insertAsset(
        caller,
        { ...input, id: randomId(), project_id: projectId, created_at: now, updated_at: now },
        upload?.sha256 ?? null,
        upload?.id ?? null
      ))

  /**
   * `row` stored for the caller's organization, owned by the caller (the owner rule of update and
   * delete, the key of find-uploaded); `sha256` is the content's hash when the server received it,
   * `uploadId` the upload holding its bytes.
   */
  const insertAsset = (caller: Caller, row: AssetRow, sha256: string | null, uploadId: string | null = null) =>
    Effect.as(
      sql`INSERT INTO sync_assets (id, org_id, project_id, type, visibility, name, name_search, url, size,
          format, input_type, duration_seconds, thumbnail_url, width, height, sha256, owner_user_id, upload_id,
          created_at, updated_at)
        VALUES (${row.id}, ${caller.orgId}, ${row.project_id}, ${row.type}, ${row.visibility}, ${row.name},
          ${Pagination.searchKey(row.name ?? "")}, ${row.url}, ${row.size}, ${row.format}, ${row.input_type},
          ${row.duration_seconds}, ${row.thumbnail_url}, ${row.width}, ${row.height}, ${sha256}, ${caller.userId},
          ${uploadId}, ${row.created_at}, ${row.updated_at})`,
      row
    )

  /**
   * The caller's own asset, to change or delete: assets-api/update and delete — "With API-key auth
   * the asset must be owned by the key owner"; one the caller can see but does not own is
   * `Forbidden` (403 asset_forbidden), an unknown one `NotFound` (404 asset_not_found). INF: the
   * key owner is the key's user; an asset registered before owners were kept is nobody's.
   */
  const ownAsset = (caller: Caller, id: string) =>
    Effect.gen(function*() {
      const row = yield* getAsset(caller, id)
      const owner = yield* sql<{ readonly owner_user_id: string | null; readonly upload_id: string | null }>`SELECT
          owner_user_id, upload_id FROM sync_assets WHERE id = ${id}`
      if (owner[0]?.owner_user_id !== caller.userId) {
        return yield* Effect.fail(
          new Forbidden({ reason: "Other", description: `Asset ${id} is not yours: only its owner may change or delete it` })
        )
      }
      return { row, uploadId: owner[0]?.upload_id ?? null }
    })

  /** Changes the fields sent, and only those (assets-api/update). */
  const updateAsset = (
    caller: Caller,
    id: string,
    patch: {
      readonly name?: string
      readonly visibility?: string
      readonly durationSeconds?: number
      readonly size?: number
      readonly format?: string
      readonly width?: number
      readonly height?: number
    }
  ) =>
    Effect.gen(function*() {
      yield* ownAsset(caller, id)
      const now = yield* Clock.currentTimeMillis
      const sets = [
        ...(patch.name === undefined ? [] : [sql`name = ${patch.name}`, sql`name_search = ${Pagination.searchKey(patch.name)}`]),
        ...(patch.visibility === undefined ? [] : [sql`visibility = ${patch.visibility}`]),
        ...(patch.durationSeconds === undefined ? [] : [sql`duration_seconds = ${patch.durationSeconds}`]),
        ...(patch.size === undefined ? [] : [sql`size = ${patch.size}`]),
        ...(patch.format === undefined ? [] : [sql`format = ${patch.format}`]),
        ...(patch.width === undefined ? [] : [sql`width = ${patch.width}`]),
        ...(patch.height === undefined ? [] : [sql`height = ${patch.height}`]),
        sql`updated_at = ${now}`
      ]
      yield* sql`UPDATE sync_assets SET ${sql.csv(sets)} WHERE id = ${id} AND org_id = ${caller.orgId}`
      return yield* getAsset(caller, id)
    })

  /** Deletes the caller's own asset (assets-api/delete), answering which upload held its bytes, if one did. */
  const deleteAsset = (caller: Caller, id: string) =>
    Effect.gen(function*() {
      const { uploadId } = yield* ownAsset(caller, id)
      yield* sql`DELETE FROM sync_assets WHERE id = ${id} AND org_id = ${caller.orgId}`
      return { id, uploadId }
    })

  /**
   * The newest asset the caller (its key) registered with this digest and type (assets-api/find-uploaded:
   * "Assets registered with another API key do not match, even within the same organization").
   */
  const findUploaded = (caller: Caller, sha256: string, type: string) =>
    Effect.map(
      sql<AssetRow>`SELECT ${assetColumns} FROM sync_assets WHERE org_id = ${caller.orgId}
        AND owner_user_id = ${caller.userId} AND sha256 = ${sha256} AND type = ${type}
        ORDER BY created_at DESC, id DESC LIMIT 1`,
      (rows) => Option.fromNullable(rows[0])
    )

  /** Files an asset of the caller's organization under one of its projects (projects/attach-asset); idempotent. */
  const attachAsset = (caller: Caller, projectId: string, assetId: string) =>
    Effect.gen(function*() {
      yield* getProject(caller, projectId)
      yield* getAsset(caller, assetId)
      yield* sql`UPDATE sync_assets SET project_id = ${projectId} WHERE id = ${assetId} AND org_id = ${caller.orgId}`
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

  return {
    getAsset,
    createAsset,
    insertAsset,
    listAssets,
    updateAsset,
    deleteAsset,
    findUploaded,
    attachAsset
  } as const
})

export type SyncAssetStoreService = Effect.Effect.Success<typeof make>

/** sync.so's assets, over whichever SQL backend the server runs on. */
export class SyncAssetStore extends Context.Tag("@projectkit/server/SyncAssetStore")<
  SyncAssetStore,
  SyncAssetStoreService
>() {}

/** Needs `SyncProjectStore` (an asset is filed under a project). */
export const layer = Layer.effect(SyncAssetStore, make)
