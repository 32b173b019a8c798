/**
 * The lifecycle of an Indream export task. The server does not render; it runs the task's state
 * machine on the clock — PENDING, then PROCESSING with `progress` rising in steps, then COMPLETED
 * with an `outputUrl` (or FAILED) — and queues the task's callbacks (EXPORT_STARTED when it starts
 * processing, EXPORT_COMPLETED / EXPORT_FAILED when it ends) in the same transaction.
 *
 * Due transitions live in the database (`next_transition_at`), advanced by a background worker
 * with a compare-and-set on (status, progress), so they survive restarts and happen once with
 * several instances. An `editorState` containing `projectkit-fail` makes the render fail, so that
 * failure paths can be tested.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { IndreamApi } from "@projectkit/indream"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { randomSecret } from "../../internal/ids.js"
import { forkPoller } from "../../internal/poller.js"
import { Webhooks } from "../../Webhooks.js"
import type { ExportRow } from "./IndreamStore.js"
import * as IndreamWire from "./IndreamWire.js"

export interface ExportLifecycleConfig {
  /** How long a task stays PENDING. */
  readonly pending: Duration.DurationInput
  /** How long PROCESSING takes, from 0 to 100 %. */
  readonly processing: Duration.DurationInput
  readonly pollInterval: Duration.DurationInput
}

export const defaultLifecycle: ExportLifecycleConfig = {
  pending: "500 millis",
  processing: "2 seconds",
  pollInterval: "100 millis"
}

/** Processing advances in this many equal steps of progress. */
const steps = 4

/** When a new task starts processing. */
export const startsAt = (config: ExportLifecycleConfig) => (createdAt: number) => createdAt + Duration.toMillis(config.pending)

/** The callback event a transition causes, if any. */
export type ExportEvent = "EXPORT_STARTED" | "EXPORT_COMPLETED" | "EXPORT_FAILED"

interface DueExport extends ExportRow {
  readonly org_id: string
  readonly editor_state: string
  readonly next_transition_at: number | string
}

/** The task after its next transition at `now`, and the event it causes. */
export const next = (row: DueExport, now: number, step: number): { readonly row: ExportRow; readonly event: ExportEvent | undefined; readonly due: number | null } => {
  if (row.status === "PENDING") {
    return { row: { ...row, status: "PROCESSING", progress: 0, updated_at: now }, event: "EXPORT_STARTED", due: Number(row.next_transition_at) + step }
  }
  const progress = Math.min(100, Number(row.progress) + 100 / steps)
  if (progress < 100) return { row: { ...row, progress, updated_at: now }, event: undefined, due: Number(row.next_transition_at) + step }
  if (row.editor_state.includes("projectkit-fail")) {
    return {
      row: { ...row, status: "FAILED", error: "The editorState could not be rendered", updated_at: now, completed_at: now },
      event: "EXPORT_FAILED",
      due: null
    }
  }
  return {
    row: { ...row, status: "COMPLETED", progress: 100, output_key: randomSecret(), updated_at: now, completed_at: now },
    event: "EXPORT_COMPLETED",
    due: null
  }
}

export const layer = (config: ExportLifecycleConfig = defaultLifecycle) =>
  Layer.scopedDiscard(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const webhooks = yield* Webhooks
    const step = Duration.toMillis(config.processing) / steps
    const encodeEvent = Schema.encodeSync(IndreamApi.ExportWebhookEvent)

    const advance = (row: DueExport) =>
      sql.withTransaction(Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const after = next(row, now, step)
        const changed = yield* sql`UPDATE indream_exports SET status = ${after.row.status}, progress = ${after.row.progress},
            error = ${after.row.error}, output_key = ${after.row.output_key}, updated_at = ${now},
            completed_at = ${after.row.completed_at}, next_transition_at = ${after.due}
          WHERE id = ${row.id} AND status = ${row.status} AND progress = ${row.progress} RETURNING id`
        if (after.event !== undefined && changed.length > 0 && row.callback_url !== null) {
          yield* webhooks.enqueue({
            orgId: row.org_id,
            dialect: "indream",
            url: row.callback_url,
            headers: row.callback_headers === null ? undefined : JSON.parse(row.callback_headers) as Record<string, string>,
            payload: encodeEvent({
              eventType: after.event,
              occurredAt: DateTime.unsafeMake(now),
              task: IndreamWire.exportTask(row.public_base)(after.row)
            })
          })
        }
      }))

    const tick = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const due = yield* sql<DueExport>`SELECT id, org_id, user_id, api_key_id, public_base, project_id, client_task_id, status, progress, error,
          format, fps, ratio, scale, width, height, duration_seconds, billed_standard_seconds, charged_credits,
          callback_url, callback_headers, output_key, created_at, updated_at, completed_at, editor_state, next_transition_at
        FROM indream_exports WHERE next_transition_at <= ${now}
        ORDER BY next_transition_at LIMIT 200`
      yield* Effect.forEach(due, advance, { discard: true })
    })
    yield* forkPoller("indream-exports", config.pollInterval, tick)
  }))
