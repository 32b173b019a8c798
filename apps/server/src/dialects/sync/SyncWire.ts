/**
 * Rows as sync.so sends them: camelCase names, optional fields left out when unknown, and
 * `projectId` always present (null when the work is not filed under a project).
 */
import { SyncApi } from "@projectkit/sync"
import * as DateTime from "effect/DateTime"
import * as Schema from "effect/Schema"
import type * as Keyset from "../../internal/keyset.js"
import type { AssetRow } from "./SyncAssetStore.js"
import type { BatchResult, BatchView } from "./SyncBatchStore.js"
import type { GenerationRow } from "./SyncGenerationStore.js"
import type { ProjectRow } from "./SyncProjectStore.js"

const at = (millis: number) => DateTime.unsafeMake(millis)

/**
 * `millis` as a `DateTime`, the one of `earlier` when both are the same instant: a record never
 * updated gives one `DateTime`, which the encoder then formats once (issue 28: making a DateTime
 * costs a GET more than its bytes do).
 */
const atOr = (millis: number, earlierMillis: number, earlier: DateTime.Utc) =>
  millis === earlierMillis ? earlier : at(millis)

/** Copies the entries whose value is known, so absent stays absent on the wire. */
const known = <A extends Record<string, unknown>>(fields: A) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined)) as {
    [K in keyof A]?: Exclude<A[K], null>
  }

export const project = (row: ProjectRow): SyncApi.Project => {
  const createdAt = at(row.created_at)
  return {
    id: row.id,
    name: row.name,
    visibility: row.visibility as SyncApi.Visibility,
    mode: row.mode as "CREATOR",
    createdAt,
    updatedAt: atOr(row.updated_at, row.created_at, createdAt)
  }
}

export const asset = (row: AssetRow): SyncApi.Asset => {
  const createdAt = at(row.created_at)
  return {
    id: row.id,
    createdAt,
    updatedAt: atOr(row.updated_at, row.created_at, createdAt),
    type: row.type as SyncApi.Asset["type"],
    visibility: row.visibility as SyncApi.Visibility,
    ...known({
      name: row.name,
      url: row.url,
      size: row.size === null ? null : Number(row.size),
      format: row.format,
      inputType: row.input_type as SyncApi.Asset["inputType"] | null,
      durationSeconds: row.duration_seconds,
      thumbnailUrl: row.thumbnail_url,
      width: row.width,
      height: row.height
    }),
    projectId: row.project_id
  }
}

/** A page of the project list: `nextCursor` only when there is a next page. */
export const projectList = (page: Keyset.Page<ProjectRow>): typeof SyncApi.ProjectList.Type => ({
  items: page.items.map(project),
  ...(page.nextCursor === null ? {} : { nextCursor: page.nextCursor })
})

/** A page of the asset list, with how many assets the list has in all. */
export const assetList = (
  page: Keyset.Page<AssetRow> & { readonly totalCount: number }
): typeof SyncApi.AssetList.Type => ({
  items: page.items.map(asset),
  totalCount: page.totalCount,
  ...(page.nextCursor === null ? {} : { nextCursor: page.nextCursor })
})

/** What of a create request a generation keeps and echoes (the request was validated on the way in). */
export interface StoredRequest {
  readonly input: ReadonlyArray<SyncApi.Input>
  readonly options?: typeof SyncApi.GenerationOptions.Type
  readonly segments?: ReadonlyArray<typeof SyncApi.GenerationSegment.Type>
  readonly outputFileName?: string
}

export const generation = (row: GenerationRow): SyncApi.Generation => {
  const request = JSON.parse(row.request) as StoredRequest
  return {
    id: row.id,
    createdAt: at(row.created_at),
    status: row.status as SyncApi.GenerationStatus,
    model: row.model as SyncApi.Model,
    input: request.input,
    ...known({
      options: request.options,
      segments: request.segments,
      outputUrl: row.output_url,
      outputDuration: row.output_duration,
      error: row.error,
      error_code: row.error_code,
      errorCode: row.error_code,
      webhookUrl: row.webhook_url
    }),
    projectId: row.project_id
  }
}

/** A generation as JSON, for webhook payloads (SDK `GenerationNotification`). */
export const generationJson = (row: GenerationRow): unknown => Schema.encodeSync(SyncApi.Generation)(generation(row))

/** A batch's counts: every line is a success, a failure (refused, or its generation failed) or still pending. */
const metrics = (view: BatchView) => ({
  total_generations: view.total,
  success_count: view.succeeded,
  failed_count: view.failed,
  pending_count: view.total - view.succeeded - view.failed
})

/** A batch as Get Batch answers it; `outputUrl` is "" until it has finished. */
export const batch = (view: BatchView): SyncApi.Batch => ({
  id: view.id,
  created_at: at(view.created_at),
  status: view.status as SyncApi.BatchStatus,
  metrics: metrics(view),
  webhookUrl: view.webhook_url,
  outputUrl: view.output_url ?? ""
})

/**
 * The Batch Status Update webhook's body (webhooks-payload-reference/webhooks/batch-status-update):
 * camelCase metrics and createdAt, as the page's example has them.
 */
export const batchNotification = (view: BatchView): unknown => {
  const counts = metrics(view)
  return {
    id: view.id,
    status: view.status,
    metrics: {
      totalGenerations: counts.total_generations,
      successCount: counts.success_count,
      failedCount: counts.failed_count,
      pendingCount: counts.pending_count
    },
    outputUrl: view.output_url ?? "",
    webhookUrl: view.webhook_url,
    createdAt: new Date(view.created_at).toISOString(),
    options: {}
  }
}

/** The results file: one JSON line per input line, its generation as GET answers it, or its error. */
export const batchResults = (results: ReadonlyArray<BatchResult>): string =>
  results.map((result) =>
    JSON.stringify(
      "generation" in result
        ? { request_id: result.requestId, response: generationJson(result.generation) }
        : { request_id: result.requestId, error: result.error }
    )
  ).join("\n") + "\n"
