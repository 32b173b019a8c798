/**
 * The work Sanity does in the background and the emulator simulates on the clock: a dataset copy
 * job goes pending → running → completed (the target dataset then exists), or failed when the
 * target was created meanwhile; an embeddings index goes `updating` → `ready`.
 *
 * The due transitions live in the database (`next_transition_at`, `embeddings_ready_at`),
 * advanced by a background worker with compare-and-set updates, so they survive restarts and
 * happen once with several instances.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { forkPoller } from "../../internal/poller.js"
import type { LifecycleDurations } from "./SanityDatasetStore.js"
import type { DeliveryConfig } from "./SanityHookDeliveries.js"

export interface LifecycleConfig {
  /** How long a copy job stays pending, then running. */
  readonly copyPending: Duration.DurationInput
  readonly copyRunning: Duration.DurationInput
  /** How long an embeddings index stays `updating`. */
  readonly embeddingsUpdating: Duration.DurationInput
  readonly pollInterval: Duration.DurationInput
  /** How fired webhooks are delivered and retried (`SanityHookDeliveries`'s defaults when absent). */
  readonly hookDeliveries?: DeliveryConfig | undefined
}

export const defaultLifecycle: LifecycleConfig = {
  copyPending: "1 second",
  copyRunning: "3 seconds",
  embeddingsUpdating: "2 seconds",
  pollInterval: "100 millis"
}

export const durations = (config: LifecycleConfig): LifecycleDurations => ({
  copyPending: Duration.toMillis(config.copyPending),
  copyRunning: Duration.toMillis(config.copyRunning),
  embeddingsUpdating: Duration.toMillis(config.embeddingsUpdating)
})

interface DueJob {
  readonly id: string
  readonly project_id: string
  readonly target_dataset: string
  readonly acl_mode: string
  readonly author_id: string
  readonly state: string
  readonly next_transition_at: number
}

export const layer = (config: LifecycleConfig = defaultLifecycle) =>
  Layer.scopedDiscard(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const running = Duration.toMillis(config.copyRunning)

    const advance = (job: DueJob) =>
      sql.withTransaction(Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        if (job.state === "pending") {
          yield* sql`UPDATE sanity_copy_jobs SET state = 'running', updated_at = ${now},
              next_transition_at = ${Number(job.next_transition_at) + running}
            WHERE id = ${job.id} AND state = 'pending'`
          return
        }
        const taken = yield* sql`SELECT name FROM sanity_datasets WHERE project_id = ${job.project_id}
          AND name = ${job.target_dataset}`
        const state = taken.length > 0 ? "failed" : "completed"
        const changed = yield* sql`UPDATE sanity_copy_jobs SET state = ${state}, updated_at = ${now},
            next_transition_at = NULL
          WHERE id = ${job.id} AND state = 'running' RETURNING id`
        if (changed.length > 0 && state === "completed") {
          yield* sql`INSERT INTO sanity_datasets (project_id, name, acl_mode, created_by, created_at, embeddings_enabled,
              embeddings_projection, embeddings_status, embeddings_ready_at)
            VALUES (${job.project_id}, ${job.target_dataset}, ${job.acl_mode}, ${job.author_id}, ${now}, 0, NULL,
              'inactive', NULL)`
        }
      }))

    const tick = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const due = yield* sql<DueJob>`SELECT id, project_id, target_dataset, acl_mode, author_id, state, next_transition_at
        FROM sanity_copy_jobs WHERE next_transition_at <= ${now} ORDER BY next_transition_at LIMIT 200`
      yield* Effect.forEach(due, advance, { discard: true })
      yield* sql`UPDATE sanity_datasets SET embeddings_status = 'ready', embeddings_ready_at = NULL
        WHERE embeddings_ready_at <= ${now}`
    })
    yield* forkPoller("sanity-jobs", config.pollInterval, tick)
  }))
