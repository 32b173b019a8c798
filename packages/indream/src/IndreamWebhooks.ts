/**
 * Indream's export webhooks, both sides: signing a delivery (for a server that sends them, such as
 * projectkit's reference server) and verifying one (for a receiver).
 *
 * Source (the official client's `webhooks` and its tests): a delivery to a task's `callbackUrl` is a
 * POST of `{eventType, occurredAt, task}` (`EXPORT_STARTED`, `EXPORT_COMPLETED`, `EXPORT_FAILED`)
 * with the task's `callbackHeaders` and two more: `X-Indream-Timestamp`, unix seconds, and
 * `X-Indream-Signature`, the hex HMAC-SHA256 of `${timestamp}.${rawBody}` keyed by the account's
 * webhook secret. A receiver rejects a timestamp more than 300 seconds away from its clock.
 *
 * Web Crypto (`globalThis.crypto.subtle`, in Node 20 and browsers) computes the HMAC, so the module
 * imports nothing from Node.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import * as IndreamApi from "./IndreamApi.js"

/** The headers, lower-case as Node and `Headers` give them. */
export const timestampHeader = "x-indream-timestamp"
export const signatureHeader = "x-indream-signature"

/** A timestamp further than this from the receiver's clock is refused (official client: 300 s). */
export const defaultToleranceSeconds = 300

/** Why a delivery was not accepted as Indream's. */
export class WebhookVerificationError extends Schema.TaggedError<WebhookVerificationError>(
  "@projectkit/indream/WebhookVerificationError"
)("WebhookVerificationError", {
  reason: Schema.Literal("MissingHeader", "InvalidTimestamp", "TimestampOutOfTolerance", "InvalidSignature", "InvalidBody"),
  description: Schema.String
}) {
  override get message(): string {
    return this.description
  }
}

/** Headers as a receiver may have them: a `Headers`, or Node's `IncomingHttpHeaders`-like record. */
export type HeadersInput =
  | { readonly get: (name: string) => string | null }
  | { readonly [name: string]: string | ReadonlyArray<string> | undefined }

const header = (headers: HeadersInput, name: string): string | undefined => {
  if (typeof headers.get === "function") {
    return (headers as { readonly get: (name: string) => string | null }).get(name) ?? undefined
  }
  const record = headers as { readonly [name: string]: string | ReadonlyArray<string> | undefined }
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name)
  const value = key === undefined ? undefined : record[key]
  return typeof value === "string" ? value : value?.[0]
}

const encoder = new TextEncoder()
const bytesOf = (body: string | Uint8Array): Uint8Array => (typeof body === "string" ? encoder.encode(body) : body)

const hex = (buffer: ArrayBuffer): string =>
  Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("")

/** The hex HMAC-SHA256 of `${timestamp}.${rawBody}` keyed by `secret`. */
export const signature = (secret: string, timestamp: number | string, rawBody: string | Uint8Array): Effect.Effect<string> =>
  Effect.promise(async () => {
    const key = await globalThis.crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"]
    )
    const body = bytesOf(rawBody)
    const prefix = encoder.encode(`${timestamp}.`)
    const message = new Uint8Array(prefix.length + body.length)
    message.set(prefix, 0)
    message.set(body, prefix.length)
    return hex(await globalThis.crypto.subtle.sign("HMAC", key, message))
  })

/**
 * The two headers of a delivery of `rawBody` at `timestamp` (unix seconds; the clock's now when
 * absent): what a sender adds to the task's `callbackHeaders`.
 */
export const sign = (
  secret: string,
  rawBody: string | Uint8Array,
  timestamp?: number
): Effect.Effect<{ readonly "x-indream-timestamp": string; readonly "x-indream-signature": string }> =>
  Effect.gen(function*() {
    const seconds = timestamp ?? Math.floor((yield* Clock.currentTimeMillis) / 1000)
    return { [timestampHeader]: String(seconds), [signatureHeader]: yield* signature(secret, seconds, rawBody) }
  })

/** Equal strings, compared in time that does not depend on where they differ. */
const constantTimeEqual = (a: string, b: string): boolean => {
  let difference = a.length ^ b.length
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    difference |= (a.charCodeAt(index) | 0) ^ (b.charCodeAt(index) | 0)
  }
  return difference === 0
}

export interface VerifyOptions {
  /** The account's webhook secret. */
  readonly secret: string
  readonly headers: HeadersInput
  /** The body exactly as received: the signature covers these bytes, not a re-serialised object. */
  readonly rawBody: string | Uint8Array
  /** How far the timestamp may be from now, in seconds (default 300). */
  readonly toleranceSeconds?: number | undefined
}

const decodeEvent = Schema.decodeUnknown(Schema.parseJson(IndreamApi.ExportWebhookEvent))

/**
 * The delivery's event, when it is Indream's: both headers present, the timestamp within the
 * tolerance of the clock's now, the signature right (compared in constant time), the body an
 * export event. Fails with `WebhookVerificationError` otherwise.
 */
export const verify = (options: VerifyOptions): Effect.Effect<IndreamApi.ExportWebhookEvent, WebhookVerificationError> =>
  Effect.gen(function*() {
    const timestamp = header(options.headers, timestampHeader)
    const given = header(options.headers, signatureHeader)
    if (timestamp === undefined || given === undefined) {
      return yield* new WebhookVerificationError({
        reason: "MissingHeader",
        description: `a webhook delivery needs both ${timestampHeader} and ${signatureHeader}`
      })
    }
    if (!/^\d{1,15}$/.test(timestamp.trim())) {
      return yield* new WebhookVerificationError({
        reason: "InvalidTimestamp",
        description: `${timestampHeader} must be unix seconds, got ${JSON.stringify(timestamp.slice(0, 40))}`
      })
    }
    const seconds = Number(timestamp.trim())
    const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    const tolerance = options.toleranceSeconds ?? defaultToleranceSeconds
    if (Math.abs(now - seconds) > tolerance) {
      return yield* new WebhookVerificationError({
        reason: "TimestampOutOfTolerance",
        description: `${timestampHeader} is ${Math.abs(now - seconds)} s away from now; at most ${tolerance} s is accepted`
      })
    }
    const expected = yield* signature(options.secret, timestamp.trim(), options.rawBody)
    if (!constantTimeEqual(expected, given.trim().toLowerCase())) {
      return yield* new WebhookVerificationError({
        reason: "InvalidSignature",
        description: `${signatureHeader} does not match the body and timestamp for this secret`
      })
    }
    const text = typeof options.rawBody === "string" ? options.rawBody : new TextDecoder().decode(options.rawBody)
    return yield* Effect.mapError(decodeEvent(text), (error) =>
      new WebhookVerificationError({
        reason: "InvalidBody",
        description: `the signed body is not an export webhook event: ${error.message}`
      }))
  })

/** `verify` for Promise users: the event as sent (times as ISO strings), or a rejection with the `WebhookVerificationError` itself. */
export const verifyWebhook = async (options: VerifyOptions): Promise<typeof IndreamApi.ExportWebhookEvent.Encoded> => {
  const exit = await Effect.runPromiseExit(
    // Encoding a value just decoded by the same schema cannot fail.
    Effect.flatMap(verify(options), (event) => Effect.orDie(Schema.encode(IndreamApi.ExportWebhookEvent)(event)))
  )
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}
