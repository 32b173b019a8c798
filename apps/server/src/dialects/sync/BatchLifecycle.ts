/**
 * The lifecycle of a sync.so batch (https://sync.so/docs/api-reference/guides/batch-processing),
 * on the clock of generations: PENDING for the same delay as a generation; then PROCESSING, its
 * accepted lines becoming ordinary generations (each then runs its own lifecycle); then, once
 * every one of them has finished, COMPLETED — or FAILED when not one line succeeded (INF: "batch
 * processing failed entirely"). The end sets `outputUrl` and, when the batch has a `webhook_url`,
 * queues its Batch Status Update webhook in the same transaction, signed as every webhook is
 * (https://sync.so/docs/api-reference/api/webhooks-payload-reference/webhooks/batch-status-update).
 *
 * Due transitions live in the database (`next_transition_at`) and are claimed with a
 * compare-and-set on the status, so they survive restarts and happen once with several instances.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as BatchInput from "./BatchInput.js"
import { forkPoller } from "../../internal/poller.js"
import { Webhooks } from "../../Webhooks.js"
import * as GenerationLifecycle from "./GenerationLifecycle.js"
import * as SyncBatchStore from "./SyncBatchStore.js"
import * as SyncGenerationStore from "./SyncGenerationStore.js"
import * as SyncWire from "./SyncWire.js"

interface DueBatch {
  readonly id: string
  readonly org_id: string
  readonly user_id: string
  readonly status: string
  readonly webhook_url: string | null
  readonly results_base: string
}

/** Where a finished batch's results are: its `results` route, under the base it was created through. */
export const resultsUrl = (base: string, id: string) => `${base}/v2/batches/${id}/result`

export const layer = (config: GenerationLifecycle.LifecycleConfig = GenerationLifecycle.defaultLifecycle) =>
  Layer.scopedDiscard(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const generations = yield* SyncGenerationStore.SyncGenerationStore
    const batches = yield* SyncBatchStore.SyncBatchStore
    const webhooks = yield* Webhooks
    const pending = Duration.toMillis(config.pending)
    // While its generations run, a batch looks again this often whether they have all finished.
    const recheck = Math.max(Duration.toMillis(config.pollInterval), 50)

    /** PENDING → PROCESSING: the accepted lines become generations, filed as their payloads say. */
    const start = (batch: DueBatch) =>
      sql.withTransaction(Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const claimed = yield* sql`UPDATE sync_batches SET status = 'PROCESSING', updated_at = ${now},
            next_transition_at = ${now + pending}
          WHERE id = ${batch.id} AND status = 'PENDING' RETURNING id`
        if (claimed.length === 0) return
        const caller = { orgId: batch.org_id, userId: batch.user_id }
        const lines = yield* sql<{ readonly line: number; readonly payload: string }>`SELECT line, payload
          FROM sync_batch_lines WHERE batch_id = ${batch.id} AND error_message IS NULL AND generation_id IS NULL
          ORDER BY line`
        for (const line of lines) {
          const { model, projectId, webhookUrl, ...request } = JSON.parse(line.payload) as {
            readonly model: string
            readonly projectId?: string | null
            readonly webhookUrl?: string
          } & Record<string, unknown>
          // The project may have gone since the batch was accepted: that line fails as the
          // Generate API's 422 would, the others run.
          const created = yield* generations.createGeneration(
            caller,
            { model, request, webhookUrl: webhookUrl ?? null },
            projectId,
            GenerationLifecycle.startsAt(config)
          ).pipe(
            Effect.map(Either.right),
            Effect.catchTag("InvalidReference", (error) => Effect.succeed(Either.left(BatchInput.invalidProject(error.id))))
          )
          if (Either.isRight(created)) {
            yield* sql`UPDATE sync_batch_lines SET generation_id = ${created.right.id}
              WHERE batch_id = ${batch.id} AND line = ${line.line}`
          } else {
            yield* sql`UPDATE sync_batch_lines SET error_message = ${created.left}, error_code = 'invalid_project'
              WHERE batch_id = ${batch.id} AND line = ${line.line}`
          }
        }
      }))

    /** PROCESSING → COMPLETED or FAILED, once no generation of the batch is still running. */
    const finish = (batch: DueBatch) =>
      sql.withTransaction(Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const view = yield* batches.getBatch({ orgId: batch.org_id, userId: batch.user_id }, batch.id)
        if (view.total - view.succeeded - view.failed > 0) {
          yield* sql`UPDATE sync_batches SET next_transition_at = ${now + recheck} WHERE id = ${batch.id} AND status = 'PROCESSING'`
          return
        }
        const status = view.succeeded > 0 ? "COMPLETED" : "FAILED"
        const outputUrl = resultsUrl(batch.results_base, batch.id)
        const changed = yield* sql`UPDATE sync_batches SET status = ${status}, output_url = ${outputUrl},
            updated_at = ${now}, next_transition_at = NULL
          WHERE id = ${batch.id} AND status = 'PROCESSING' RETURNING id`
        if (changed.length > 0 && batch.webhook_url !== null) {
          yield* webhooks.enqueue({
            orgId: batch.org_id,
            dialect: "sync",
            url: batch.webhook_url,
            payload: SyncWire.batchNotification({ ...view, status, output_url: outputUrl })
          })
        }
      }))

    const tick = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const due = yield* sql<DueBatch>`SELECT id, org_id, user_id, status, webhook_url, results_base
        FROM sync_batches WHERE next_transition_at <= ${now}
        ORDER BY next_transition_at LIMIT 50`
      yield* Effect.forEach(due, (batch) => batch.status === "PENDING" ? start(batch) : finish(batch), { discard: true })
    })
    yield* forkPoller("sync-batches", config.pollInterval, tick)
  }))
