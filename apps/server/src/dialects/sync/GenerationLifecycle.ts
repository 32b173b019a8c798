/**
 * The lifecycle of a sync.so generation. The server does not lipsync; it runs the same state
 * machine on the clock — PENDING, then PROCESSING, then COMPLETED (or FAILED) — and when a
 * generation with a `webhookUrl` ends, queues the webhook in the same transaction.
 *
 * The due transitions live in the database (`next_transition_at`), advanced by a background
 * worker with a compare-and-set on the status, so they survive restarts and happen once with
 * several instances. A video URL containing `projectkit-fail` makes the generation fail, so that
 * failure paths can be tested (INF: what real failures look like beyond `error`/`error_code`).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { forkPoller } from "../../internal/poller.js"
import { Webhooks } from "../../Webhooks.js"
import type { GenerationRow } from "./SyncGenerationStore.js"
import * as SyncWire from "./SyncWire.js"

export interface LifecycleConfig {
  /** How long a generation stays PENDING. */
  readonly pending: Duration.DurationInput
  /** How long it stays PROCESSING. */
  readonly processing: Duration.DurationInput
  readonly pollInterval: Duration.DurationInput
}

export const defaultLifecycle: LifecycleConfig = {
  pending: "1 second",
  processing: "3 seconds",
  pollInterval: "100 millis"
}

/** When a new generation leaves PENDING. */
export const startsAt = (config: LifecycleConfig) => (createdAt: number) => createdAt + Duration.toMillis(config.pending)

interface DueGeneration extends GenerationRow {
  readonly org_id: string
  readonly next_transition_at: number
}

const failureRequested = (request: string) => request.includes("projectkit-fail")

/** Where a finished generation's output would be: the reserved `.invalid` domain, as nothing is rendered. */
const outputUrl = (row: GenerationRow) => {
  const name = (JSON.parse(row.request) as { outputFileName?: string }).outputFileName ?? "output"
  return `https://outputs.projectkit.invalid/sync/${row.id}/${encodeURIComponent(name)}.mp4`
}

export const layer = (config: LifecycleConfig = defaultLifecycle) =>
  Layer.scopedDiscard(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const webhooks = yield* Webhooks
    const processing = Duration.toMillis(config.processing)

    const advance = (row: DueGeneration) =>
      sql.withTransaction(Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        if (row.status === "PENDING") {
          yield* sql`UPDATE sync_generations SET status = 'PROCESSING', updated_at = ${now},
            next_transition_at = ${row.next_transition_at + processing}
            WHERE id = ${row.id} AND status = 'PENDING'`
          return
        }
        const failed = failureRequested(row.request)
        const finished: GenerationRow = failed
          ? { ...row, status: "FAILED", error: "The input media could not be processed", error_code: "generation_failed", updated_at: now }
          : { ...row, status: "COMPLETED", output_url: outputUrl(row), output_duration: 10, updated_at: now }
        const changed = yield* sql`UPDATE sync_generations SET status = ${finished.status},
            output_url = ${finished.output_url}, output_duration = ${finished.output_duration},
            error = ${finished.error}, error_code = ${finished.error_code}, updated_at = ${now},
            next_transition_at = NULL
          WHERE id = ${row.id} AND status = 'PROCESSING' RETURNING id`
        if (changed.length > 0 && row.webhook_url !== null) {
          // The notification is the finished generation as GET returns it (SDK: GenerationNotification).
          yield* webhooks.enqueue({ orgId: row.org_id, dialect: "sync", url: row.webhook_url, payload: SyncWire.generationJson(finished) })
        }
      }))

    const tick = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const due = yield* sql<DueGeneration>`SELECT id, org_id, project_id, status, model, request, webhook_url,
          output_url, output_duration, error, error_code, created_at, updated_at, next_transition_at
        FROM sync_generations WHERE next_transition_at <= ${now}
        ORDER BY next_transition_at LIMIT 200`
      yield* Effect.forEach(due, advance, { discard: true })
    })
    yield* forkPoller("sync-generations", config.pollInterval, tick)
  }))
