/**
 * sync.so's storage of assets: created by URL (filed under one of the caller's projects, or none),
 * or by the server for a generation's uploaded file (`insertAsset`, from `SyncGenerationStore`),
 * listed with filters, sorts and a total. Confined to the caller's organization, answering in core
 * terms as `SyncProjectStore` does.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Pagination from "@projectkit/core/Pagination"
import type { Validation } from "@projectkit/core/ProjectsError"
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
  const { createFiled } = yield* SyncProjectStore

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

  return { getAsset, createAsset, insertAsset, listAssets } as const
})

export type SyncAssetStoreService = Effect.Effect.Success<typeof make>

/** sync.so's assets, over whichever SQL backend the server runs on. */
export class SyncAssetStore extends Context.Tag("@projectkit/server/SyncAssetStore")<
  SyncAssetStore,
  SyncAssetStoreService
>() {}

/** Needs `SyncProjectStore` (an asset is filed under a project). */
export const layer = Layer.effect(SyncAssetStore, make)
