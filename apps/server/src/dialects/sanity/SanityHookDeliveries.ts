/**
 * Webhooks fired: each delivery is a message (its payload and headers, its state) with the
 * attempts made to deliver it (status code, response body, duration, why it failed), which
 * `GET /hooks/projects/{id}/{hookId}/messages`, `…/attempts` and `…/attempts/{attemptId}` answer
 * (OFF CLI `hooks logs` and `hooks attempt`).
 *
 * The emulator holds no documents, so no mutation fires a webhook; the control plane fires one
 * instead (INF): the Studio view "Webhook deliveries" of the Sanity tab makes a message for a hook
 * (`POST /__projectkit/orgs/{orgId}/views/sanity/hook-messages` `{"name": "<hookId>", "options":
 * {"operation": "create", "document": "{…}"}}`), as a document change matching the hook would.
 *
 * A background worker delivers due messages (kept in the database with their next attempt, claimed
 * with a compare-and-set lease, so a delivery survives restarts and is made once with several
 * instances): it sends the hook's method to its URL with Sanity's headers (DOC webhooks:
 * `sanity-project-id`, `sanity-dataset`, `sanity-document-id`, `sanity-operation`,
 * `sanity-transaction-id`, `sanity-transaction-time`, `sanity-webhook-id`, `idempotency-key`, the
 * hook's own `headers`) and, when the hook has a `secret`, `sanity-webhook-signature` as
 * `@sanity/webhook` verifies it: `t=<milliseconds>,v1=<base64url HMAC-SHA256(secret, "<t>.<body>")>`.
 * A 2xx delivers the message; anything else is an attempt failed (`http`, `network`, `timeout`),
 * retried with exponential backoff until the attempts run out (INF: Sanity retries failed
 * deliveries with backoff; its schedule is not published).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Crypto from "node:crypto"
import { randomId } from "../../internal/ids.js"
import { forkPoller } from "../../internal/poller.js"
import type { HookRow } from "./SanityHooks.js"
import { randomAlnum } from "./SanityProjectStore.js"

export interface DeliveryConfig {
  /** The delay before the first retry; each later one doubles it. */
  readonly retryBaseDelay: Duration.DurationInput
  /** Attempts in all, the first included, before a message is given up as failed. */
  readonly maxAttempts: number
  /** How long one attempt may take before it fails as `timeout`. */
  readonly timeout: Duration.DurationInput
  /** How often the worker looks for due messages. */
  readonly pollInterval: Duration.DurationInput
}

export const defaultDeliveryConfig: DeliveryConfig = {
  retryBaseDelay: "1 second",
  maxAttempts: 5,
  timeout: "10 seconds",
  pollInterval: "100 millis"
}

/** The operations a document webhook fires on (DOC: create, update, delete). */
export const operations = ["create", "update", "delete"] as const
export type Operation = (typeof operations)[number]

export interface MessageRow {
  readonly id: string
  readonly project_id: string
  readonly hook_id: string
  readonly payload: string
  readonly headers: string
  /** `queued` (an attempt is due), `delivered`, or `failed` (the attempts ran out). */
  readonly status: string
  readonly result_code: number | null
  readonly failure_count: number
  readonly next_attempt_at: number | null
  readonly created_at: number
}

export interface AttemptRow {
  readonly id: string
  readonly project_id: string
  readonly message_id: string
  readonly hook_id: string
  readonly is_failure: number
  /** `http`, `network`, `timeout` or `other` when it failed (the CLI's `formatFailure` cases). */
  readonly failure_reason: string | null
  readonly result_code: number | null
  readonly result_body: string | null
  readonly duration: number
  readonly created_at: number
}

const messageColumns = "id, project_id, hook_id, payload, headers, status, result_code, failure_count, next_attempt_at, created_at"
const attemptColumns =
  "id, project_id, message_id, hook_id, is_failure, failure_reason, result_code, result_body, duration, created_at"

/** INF: the part of a receiver's answer kept with the attempt (the CLI prints it). */
const maxResultBody = 2_000

/** `sanity-webhook-signature` as `@sanity/webhook` verifies it (timestamp in milliseconds). */
export const signature = (secret: string, timestampMillis: number, body: string): string =>
  `t=${timestampMillis},v1=${Crypto.createHmac("sha256", secret).update(`${timestampMillis}.${body}`).digest("base64url")}`

/** A field of the hook as it was given (undefined when it has none). */
const given = (hook: HookRow, key: string): unknown => (JSON.parse(hook.fields) as Record<string, unknown>)[key]

const invalid = (message: string) => ProjectsError.Validation.single([], message)

/** What firing needs to be told: the hook, and the document change it reports (each optional). */
export interface Firing {
  readonly hookId: string
  readonly operation?: string | undefined
  /** The changed document, JSON (INF default: a document of type `projectkit.webhookTest`). */
  readonly document?: string | undefined
}

export const make = (config: DeliveryConfig = defaultDeliveryConfig) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const message = sql.literal(messageColumns)
    const attempt = sql.literal(attemptColumns)
    const baseDelay = Duration.toMillis(config.retryBaseDelay)
    const timeout = Duration.toMillis(config.timeout)

    /** A delivery of one of `orgId`'s hooks, queued now: refused (400) for a hook it does not have or a malformed document. */
    const fire = (orgId: string, firing: Firing) =>
      sql.withTransaction(Effect.gen(function*() {
        const [hook] = yield* sql<HookRow>`SELECT h.id, h.project_id, h.fields, h.created_by, h.created_at, h.updated_at
          FROM sanity_hooks h JOIN sanity_projects p ON p.id = h.project_id
          WHERE h.id = ${firing.hookId} AND p.org_id = ${orgId}`
        if (hook === undefined) return yield* invalid(`No webhook ${firing.hookId} in this organization`)
        const operation = firing.operation ?? "create"
        if (!(operations as ReadonlyArray<string>).includes(operation)) {
          return yield* invalid(`operation: "${operation}" is none of ${operations.join(", ")}`)
        }
        let document: Record<string, unknown> = { _id: randomId(), _type: "projectkit.webhookTest" }
        if (firing.document !== undefined && firing.document.trim() !== "") {
          let parsed: unknown
          try {
            parsed = JSON.parse(firing.document)
          } catch {
            return yield* invalid("document: not JSON")
          }
          if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            return yield* invalid("document: not a JSON object")
          }
          document = { _id: randomId(), ...(parsed as Record<string, unknown>) }
        }
        const now = yield* Clock.currentTimeMillis
        const id = randomAlnum(16, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        const dataset = given(hook, "dataset")
        const custom = given(hook, "headers")
        const headers: Record<string, string> = {
          // The hook's own headers first: Sanity's win over them.
          ...(typeof custom === "object" && custom !== null
            ? Object.fromEntries(Object.entries(custom).filter((entry): entry is [string, string] => typeof entry[1] === "string"))
            : {}),
          "content-type": "application/json",
          "user-agent": "Sanity.io webhook delivery",
          "sanity-project-id": hook.project_id,
          "sanity-dataset": typeof dataset === "string" ? dataset : "*",
          "sanity-document-id": String(document["_id"]),
          "sanity-operation": operation,
          "sanity-transaction-id": randomAlnum(22, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
          "sanity-transaction-time": new Date(now).toISOString(),
          "sanity-webhook-id": hook.id,
          "idempotency-key": id
        }
        const row: MessageRow = {
          id,
          project_id: hook.project_id,
          hook_id: hook.id,
          payload: JSON.stringify(document),
          headers: JSON.stringify(headers),
          status: "queued",
          result_code: null,
          failure_count: 0,
          next_attempt_at: now,
          created_at: now
        }
        yield* sql`INSERT INTO sanity_hook_messages (${message}) VALUES (${row.id}, ${row.project_id}, ${row.hook_id},
          ${row.payload}, ${row.headers}, ${row.status}, ${row.result_code}, ${row.failure_count}, ${row.next_attempt_at},
          ${row.created_at})`
        return row
      }))

    const messages = (projectId: string, hookId: string) =>
      sql<MessageRow>`SELECT ${message} FROM sanity_hook_messages WHERE project_id = ${projectId} AND hook_id = ${hookId}
        ORDER BY created_at DESC, id`

    const attempts = (projectId: string, hookId: string) =>
      sql<AttemptRow>`SELECT ${attempt} FROM sanity_hook_attempts WHERE project_id = ${projectId} AND hook_id = ${hookId}
        ORDER BY created_at DESC, id`

    const findAttempt = (projectId: string, attemptId: string) =>
      Effect.flatMap(
        sql<AttemptRow>`SELECT ${attempt} FROM sanity_hook_attempts WHERE project_id = ${projectId} AND id = ${attemptId}`,
        (rows) =>
          rows[0] === undefined
            ? Effect.fail(new ProjectsError.NotFound({ resource: "attempt", id: attemptId, description: "Attempt not found" }))
            : Effect.succeed(rows[0])
      )

    /** One organization's messages, newest first (the Studio's view). */
    const ofOrganization = (orgId: string) =>
      sql<MessageRow>`SELECT ${message} FROM sanity_hook_messages
        WHERE project_id IN (SELECT id FROM sanity_projects WHERE org_id = ${orgId}) ORDER BY created_at DESC, id`

    interface Outcome {
      readonly code: number | null
      readonly body: string | null
      readonly failure: string | null
    }

    /** One attempt at `due`, sent as its hook asks. */
    const send = (due: MessageRow & { readonly fields: string }) =>
      Effect.gen(function*() {
        const fields = JSON.parse(due.fields) as Record<string, unknown>
        const method = typeof fields["httpMethod"] === "string" ? fields["httpMethod"] : "POST"
        const url = typeof fields["url"] === "string" ? fields["url"] : ""
        const secret = typeof fields["secret"] === "string" && fields["secret"] !== "" ? fields["secret"] : undefined
        const started = yield* Clock.currentTimeMillis
        // GET and DELETE carry no body (INF: what fetch allows; Sanity's are body-less too).
        const withBody = method !== "GET" && method !== "DELETE"
        const headers: Record<string, string> = {
          ...(JSON.parse(due.headers) as Record<string, string>),
          ...(secret === undefined ? {} : { "sanity-webhook-signature": signature(secret, started, due.payload) })
        }
        const outcome = yield* Effect.tryPromise({
          try: async (signal): Promise<Outcome> => {
            const response = await fetch(url, {
              method,
              headers,
              ...(withBody ? { body: due.payload } : {}),
              redirect: "manual",
              signal: AbortSignal.any([signal, AbortSignal.timeout(timeout)])
            })
            const text = (await response.text()).slice(0, maxResultBody)
            const ok = response.status >= 200 && response.status < 300
            return { code: response.status, body: text, failure: ok ? null : "http" }
          },
          catch: (error) => error
        }).pipe(
          Effect.catchAll((error) =>
            Effect.succeed<Outcome>({
              code: null,
              body: null,
              failure: error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError") ? "timeout" : "network"
            })
          )
        )
        const finished = yield* Clock.currentTimeMillis
        yield* record(due, outcome, started, finished)
      })

    /** The attempt stored, and the message delivered, retried later or given up. */
    const record = (due: MessageRow, outcome: Outcome, started: number, finished: number) =>
      sql.withTransaction(Effect.gen(function*() {
        const failed = outcome.failure !== null
        yield* sql`INSERT INTO sanity_hook_attempts (${attempt}) VALUES (${randomAlnum(16, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")},
          ${due.project_id}, ${due.id}, ${due.hook_id}, ${failed ? 1 : 0}, ${outcome.failure}, ${outcome.code}, ${outcome.body},
          ${Math.max(0, finished - started)}, ${started})`
        if (!failed) {
          yield* sql`UPDATE sanity_hook_messages SET status = 'delivered', result_code = ${outcome.code},
            next_attempt_at = NULL WHERE id = ${due.id}`
          return
        }
        const failures = Number(due.failure_count) + 1
        const givenUp = failures >= config.maxAttempts
        yield* sql`UPDATE sanity_hook_messages SET status = ${givenUp ? "failed" : "queued"}, result_code = ${outcome.code},
          failure_count = ${failures}, next_attempt_at = ${givenUp ? null : finished + baseDelay * 2 ** (failures - 1)}
          WHERE id = ${due.id}`
      }))

    // Claims due messages by pushing their next attempt past the timeout first, so another
    // instance polling the same database does not send them twice.
    const tick = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const due = yield* sql<MessageRow & { readonly fields: string }>`SELECT m.id, m.project_id, m.hook_id, m.payload,
          m.headers, m.status, m.result_code, m.failure_count, m.next_attempt_at, m.created_at, h.fields
        FROM sanity_hook_messages m JOIN sanity_hooks h ON h.id = m.hook_id
        WHERE m.next_attempt_at <= ${now} ORDER BY m.next_attempt_at LIMIT 50`
      const lease = now + timeout + 1_000
      const claimed: Array<MessageRow & { readonly fields: string }> = []
      for (const message of due) {
        const rows = yield* sql`UPDATE sanity_hook_messages SET next_attempt_at = ${lease}
          WHERE id = ${message.id} AND next_attempt_at = ${message.next_attempt_at} RETURNING id`
        if (rows.length > 0) claimed.push(message)
      }
      yield* Effect.forEach(claimed, send, { concurrency: 10, discard: true })
    })

    return { fire, messages, attempts, findAttempt, ofOrganization, tick }
  })

export type SanityHookDeliveriesService = Omit<Effect.Effect.Success<ReturnType<typeof make>>, "tick">

export class SanityHookDeliveries extends Context.Tag("@projectkit/server/SanityHookDeliveries")<
  SanityHookDeliveries,
  SanityHookDeliveriesService
>() {}

/** The deliveries' store, and their worker for as long as the layer lives. */
export const layer = (config: DeliveryConfig = defaultDeliveryConfig) =>
  Layer.scoped(
    SanityHookDeliveries,
    Effect.gen(function*() {
      const { tick, ...service } = yield* make(config)
      yield* forkPoller("sanity-hook-deliveries", config.pollInterval, tick)
      return service
    })
  )
