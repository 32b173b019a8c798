/**
 * sync.so's storage of generations: created (by URL, or with uploaded files that become assets in
 * the same transaction), read and listed, confined to the caller's organization. Their lifecycle
 * (status, outputs, webhooks) is `GenerationLifecycle`'s, which writes the rows it advances.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { Caller } from "../../Organizations.js"
import { randomId } from "../../internal/ids.js"
import { type AssetRow, SyncAssetStore } from "./SyncAssetStore.js"
import { found, SyncProjectStore } from "./SyncProjectStore.js"

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

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { createFiled } = yield* SyncProjectStore
  const { insertAsset } = yield* SyncAssetStore

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

  return { getGeneration, createGeneration, createGenerationWithUploads, listGenerations } as const
})

export type SyncGenerationStoreService = Effect.Effect.Success<typeof make>

/** sync.so's generations, over whichever SQL backend the server runs on. */
export class SyncGenerationStore extends Context.Tag("@projectkit/server/SyncGenerationStore")<
  SyncGenerationStore,
  SyncGenerationStoreService
>() {}

/** Needs `SyncProjectStore` and `SyncAssetStore` (a generation is filed under a project; its uploads become assets). */
export const layer = Layer.effect(SyncGenerationStore, make)
