/**
 * Webhook deliveries: queued in the database in the same transaction as the state change that
 * causes them, then POSTed by a background worker, signed, and retried with exponential backoff
 * until the receiver answers 2xx or the attempts run out. Kept in the database, so a delivery
 * survives a restart and is made once even with several server instances.
 *
 * Signing follows the Standard Webhooks scheme (INF: none of the providers' documents we hold says
 * how they sign): headers `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature`
 * = `v1,` + base64(HMAC-SHA256(secret, `${id}.${timestamp}.${body}`)), where the secret is the
 * organization's `whsec_…` secret taken as UTF-8 bytes. A dialect whose provider documents its
 * own scheme declares its signer (`Dialect.webhookSigner`), and its deliveries are signed by it.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Crypto from "node:crypto"
import * as Dialect from "./Dialect.js"
import { randomId } from "./internal/ids.js"
import { forkPoller } from "./internal/poller.js"

export interface WebhookConfig {
  /** The delay before the first retry; each later one doubles it. */
  readonly retryBaseDelay: Duration.DurationInput
  /** Attempts in all, the first included, before a delivery is given up as failed. */
  readonly maxAttempts: number
  /** How long one attempt may take. */
  readonly timeout: Duration.DurationInput
  /** How often the worker looks for due deliveries. */
  readonly pollInterval: Duration.DurationInput
}

export const defaultConfig: WebhookConfig = {
  retryBaseDelay: "1 second",
  maxAttempts: 8,
  timeout: "10 seconds",
  pollInterval: "200 millis"
}

export interface WebhooksService {
  /** Queues a delivery; run it inside the transaction of the change it reports. */
  readonly enqueue: (delivery: {
    readonly orgId: string
    readonly dialect: string
    readonly url: string
    readonly payload: unknown
    /** Headers the receiver asked for (Indream's `callbackHeaders`); the signature's win over them. */
    readonly headers?: Readonly<Record<string, string>> | undefined
  }) => Effect.Effect<void, SqlError>
}

export class Webhooks extends Context.Tag("@projectkit/server/Webhooks")<Webhooks, WebhooksService>() {}

/** How one delivery is signed: its signature headers, from the organization's secret, the delivery's id, the time and the body. */
export type Signer = (secret: string, id: string, timestampSeconds: number, body: string) => Readonly<Record<string, string>>

/** The signature headers of one delivery (exported for receivers' tests and docs). */
export const sign: Signer = (secret, id, timestampSeconds, body) => ({
  "webhook-id": id,
  "webhook-timestamp": String(timestampSeconds),
  "webhook-signature": `v1,${
    Crypto.createHmac("sha256", secret).update(`${id}.${timestampSeconds}.${body}`).digest("base64")
  }`
})

interface DueDelivery {
  readonly id: string
  readonly dialect: string
  readonly headers: string | null
  readonly url: string
  readonly payload: string
  readonly attempts: number
  readonly next_attempt_at: number
  readonly webhook_secret: string
}

/** Whether `url` is an absolute http(s) URL: the only receivers deliveries go to (loopback included). */
export const isHttpUrl = (url: string): boolean => {
  try {
    const { protocol } = new URL(url)
    return protocol === "http:" || protocol === "https:"
  } catch {
    return false
  }
}

export const layer = (config: WebhookConfig = defaultConfig) =>
  Layer.scoped(
    Webhooks,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const client = yield* HttpClient.HttpClient
      // Each dialect's deliveries signed by its own signer, if it declares one.
      const signers = new Map<string, Signer>()
      for (const dialect of yield* Dialect.Dialects) {
        if (dialect.webhookSigner !== undefined) signers.set(dialect.name, dialect.webhookSigner)
      }
      const timeout = Duration.decode(config.timeout)
      const baseDelay = Duration.toMillis(config.retryBaseDelay)

      const attempt = (delivery: DueDelivery) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          // Only http(s) receivers (the dialects refuse other URLs up front; this holds for rows from before).
          if (!isHttpUrl(delivery.url)) {
            yield* sql`UPDATE webhook_deliveries SET status = 'failed', attempts = ${delivery.attempts + 1},
              next_attempt_at = NULL, last_error = ${"only http and https receivers are called"} WHERE id = ${delivery.id}`
            return
          }
          const request = HttpClientRequest.post(delivery.url).pipe(
            HttpClientRequest.setHeaders(delivery.headers === null ? {} : JSON.parse(delivery.headers) as Record<string, string>),
            HttpClientRequest.setHeaders(
              (signers.get(delivery.dialect) ?? sign)(delivery.webhook_secret, delivery.id, Math.floor(now / 1000), delivery.payload)
            ),
            HttpClientRequest.bodyText(delivery.payload, "application/json")
          )
          const outcome = yield* client.execute(request).pipe(
            Effect.map((response) => ({ status: response.status, error: null as string | null })),
            Effect.timeout(timeout),
            Effect.catchAll((error) => Effect.succeed({ status: null as number | null, error: String(error) })),
            Effect.scoped
          )
          const attempts = delivery.attempts + 1
          const after = yield* Clock.currentTimeMillis
          if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
            yield* sql`UPDATE webhook_deliveries SET status = 'delivered', attempts = ${attempts},
              next_attempt_at = NULL, last_response_status = ${outcome.status}, last_error = NULL,
              delivered_at = ${after} WHERE id = ${delivery.id}`
            return
          }
          const failed = attempts >= config.maxAttempts
          const error = outcome.error ?? `the receiver answered ${outcome.status}`
          yield* sql`UPDATE webhook_deliveries SET status = ${failed ? "failed" : "pending"},
            attempts = ${attempts}, last_response_status = ${outcome.status}, last_error = ${error},
            next_attempt_at = ${failed ? null : after + baseDelay * 2 ** (attempts - 1)}
            WHERE id = ${delivery.id}`
        })

      // Claims due deliveries by pushing their next attempt past the timeout first, so another
      // instance polling the same database does not deliver them twice.
      const tick = Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const due = yield* sql<DueDelivery>`SELECT d.id, d.dialect, d.headers, d.url, d.payload, d.attempts, d.next_attempt_at,
            o.webhook_secret
          FROM webhook_deliveries d JOIN organizations o ON o.id = d.org_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= ${now}
          ORDER BY d.next_attempt_at LIMIT 50`
        const lease = now + Duration.toMillis(timeout) + 1000
        const claimed: Array<DueDelivery> = []
        for (const delivery of due) {
          const rows = yield* sql`UPDATE webhook_deliveries SET next_attempt_at = ${lease}
            WHERE id = ${delivery.id} AND status = 'pending' AND next_attempt_at = ${delivery.next_attempt_at}
            RETURNING id`
          if (rows.length > 0) claimed.push(delivery)
        }
        yield* Effect.forEach(claimed, attempt, { concurrency: 10, discard: true })
      })
      yield* forkPoller("webhooks", config.pollInterval, tick)

      return Webhooks.of({
        enqueue: ({ dialect, headers, orgId, payload, url }) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            sql`INSERT INTO webhook_deliveries (id, org_id, dialect, url, payload, headers, status, attempts, next_attempt_at, created_at)
              VALUES (${randomId()}, ${orgId}, ${dialect}, ${url}, ${JSON.stringify(payload)},
                ${headers === undefined ? null : JSON.stringify(headers)}, 'pending', 0, ${now}, ${now})`)
            .pipe(Effect.asVoid)
      })
    })
  )
