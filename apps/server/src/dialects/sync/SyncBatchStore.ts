/**
 * sync.so's storage of batches: a batch and its lines (each accepted line later becomes a
 * generation, by `BatchLifecycle`), read with counts computed from its lines' generations, listed,
 * and a finished batch's results. Confined to the caller's organization.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type * as Statement from "@effect/sql/Statement"
import { NotFound } from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Crypto from "node:crypto"
import type { Caller } from "../../Organizations.js"
import type { GenerationRow } from "./SyncGenerationStore.js"
import { found } from "./SyncProjectStore.js"

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

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient

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

  return { createBatch, getBatch, listBatches, batchResults } as const
})

export type SyncBatchStoreService = Effect.Effect.Success<typeof make>

/** sync.so's batches, over whichever SQL backend the server runs on. */
export class SyncBatchStore extends Context.Tag("@projectkit/server/SyncBatchStore")<
  SyncBatchStore,
  SyncBatchStoreService
>() {}

export const layer = Layer.effect(SyncBatchStore, make)
