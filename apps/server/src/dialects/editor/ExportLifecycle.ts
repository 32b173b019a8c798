/**
 * The lifecycle of an export task. The server does not render; it runs the task's state machine on
 * the clock — queued, then rendering with progress rising in steps, then completed (or failed) —
 * and when a task with a `webhookUrl` ends, queues the webhook in the same transaction.
 *
 * Due transitions live in the database (`next_transition_at`), advanced by a background worker
 * with a compare-and-set on (status, progress), so they survive restarts and happen once with
 * several instances. An `editorState` containing `projectkit-fail` makes the render fail, so that
 * failure paths can be tested.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { EditorApi } from "@projectkit/editor"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { forkPoller } from "../../internal/poller.js"
import { Webhooks } from "../../Webhooks.js"
import type { ExportRow } from "./EditorStore.js"
import * as EditorWire from "./EditorWire.js"

export interface ExportLifecycleConfig {
  /** How long a task stays queued. */
  readonly queued: Duration.DurationInput
  /** How long rendering takes, from 0 to 100 %. */
  readonly rendering: Duration.DurationInput
  readonly pollInterval: Duration.DurationInput
}

export const defaultLifecycle: ExportLifecycleConfig = {
  queued: "500 millis",
  rendering: "2 seconds",
  pollInterval: "100 millis"
}

/** Rendering advances in this many equal steps of progress. */
const steps = 4

/** When a new task starts rendering. */
export const startsAt = (config: ExportLifecycleConfig) => (createdAt: number) => createdAt + Duration.toMillis(config.queued)

interface DueExport extends ExportRow {
  readonly org_id: string
  readonly editor_state: string | null
  readonly next_transition_at: number
}

export const layer = (config: ExportLifecycleConfig = defaultLifecycle) =>
  Layer.scopedDiscard(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const webhooks = yield* Webhooks
    const step = Duration.toMillis(config.rendering) / steps
    const encodeWebhook = Schema.encodeSync(EditorApi.ExportWebhook)

    const advance = (row: DueExport) =>
      sql.withTransaction(Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const progress = row.status === "queued" ? 0 : Math.min(100, Number(row.progress) + 100 / steps)
        const done = row.status === "rendering" && progress >= 100
        const failed = done && (row.editor_state ?? "").includes("projectkit-fail")
        const next: ExportRow = done
          ? failed
            ? { ...row, status: "failed", error: "The editorState could not be rendered", updated_at: now }
            : {
              ...row,
              status: "completed",
              progress: 100,
              output_url: `https://renders.projectkit.invalid/editor/${row.id}.${row.format}`,
              updated_at: now
            }
          : { ...row, status: "rendering", progress, updated_at: now }
        const changed = yield* sql`UPDATE editor_exports SET status = ${next.status}, progress = ${next.progress},
            output_url = ${next.output_url}, error = ${next.error}, updated_at = ${now},
            next_transition_at = ${done ? null : Number(row.next_transition_at) + step}
          WHERE id = ${row.id} AND status = ${row.status} AND progress = ${row.progress} RETURNING id`
        if (done && changed.length > 0 && row.webhook_url !== null) {
          yield* webhooks.enqueue({
            orgId: row.org_id,
            dialect: "editor",
            url: row.webhook_url,
            payload: encodeWebhook({ event: failed ? "export.failed" : "export.completed", task: EditorWire.exportTask(next) })
          })
        }
      }))

    const tick = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const due = yield* sql<DueExport>`SELECT id, org_id, project_id, status, progress, format, editor_state,
          output_url, error, webhook_url, created_at, updated_at, next_transition_at
        FROM editor_exports WHERE next_transition_at <= ${now}
        ORDER BY next_transition_at LIMIT 200`
      yield* Effect.forEach(due, advance, { discard: true })
    })
    yield* forkPoller("editor-exports", config.pollInterval, tick)
  }))
