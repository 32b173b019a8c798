/**
 * Export webhook signing and verification, under `TestClock`: the signature is the hex
 * HMAC-SHA256 of `${timestamp}.${rawBody}` (checked against node:crypto, computed independently),
 * and a receiver accepts exactly the deliveries signed with its secret, within 300 s of now.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as Crypto from "node:crypto"
import { IndreamWebhooks, verifyWebhook } from "../src/index.js"

const secret = "whsec_test_secret"
const now = 1_780_000_000

const event = {
  eventType: "EXPORT_COMPLETED",
  occurredAt: "2026-05-28T10:00:00.000Z",
  task: {
    taskId: "task-1",
    projectId: "3f2c3c4e-8a43-4a52-9b4e-1f1f2e3d4c5b",
    createdByApiKeyId: "key-1",
    clientTaskId: null,
    status: "COMPLETED",
    progress: 100,
    error: null,
    outputUrl: "https://files.example/task-1.mp4",
    durationSeconds: 3,
    billedStandardSeconds: 3,
    chargedCredits: "3",
    callbackUrl: "https://hooks.example/indream",
    createdAt: "2026-05-28T09:59:50.000Z",
    completedAt: "2026-05-28T10:00:00.000Z"
  }
}
const rawBody = JSON.stringify(event)

const nodeSignature = (timestamp: number | string, body: string) =>
  Crypto.createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")

const atNow = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.zipRight(TestClock.setTime(now * 1000), effect)

describe("IndreamWebhooks", () => {
  it.effect("signs as hex HMAC-SHA256 of `${timestamp}.${rawBody}`, the clock's seconds by default", () =>
    atNow(Effect.gen(function*() {
      const headers = yield* IndreamWebhooks.sign(secret, rawBody)
      expect(headers).toEqual({ "x-indream-timestamp": String(now), "x-indream-signature": nodeSignature(now, rawBody) })
      expect(yield* IndreamWebhooks.signature(secret, 12, new TextEncoder().encode("é"))).toBe(nodeSignature(12, "é"))
    })))

  it.effect("accepts a delivery signed with the secret, returning the event", () =>
    atNow(Effect.gen(function*() {
      const headers = { "X-Indream-Timestamp": String(now - 299), "X-Indream-Signature": nodeSignature(now - 299, rawBody) }
      const verified = yield* IndreamWebhooks.verify({ secret, headers, rawBody })
      expect(verified.eventType).toBe("EXPORT_COMPLETED")
      expect(verified.task.status).toBe("COMPLETED")
      // A `Headers`, and the raw bytes, work alike.
      const again = yield* IndreamWebhooks.verify({ secret, headers: new Headers(headers), rawBody: new TextEncoder().encode(rawBody) })
      expect(again).toEqual(verified)
    })))

  it.effect("refuses a wrong signature, another secret, a changed body, a missing header", () =>
    atNow(Effect.gen(function*() {
      const reason = (options: IndreamWebhooks.VerifyOptions) =>
        Effect.map(Effect.flip(IndreamWebhooks.verify(options)), (error) => error.reason)
      const signed = { "x-indream-timestamp": String(now), "x-indream-signature": nodeSignature(now, rawBody) }
      expect(yield* reason({ secret: "another", headers: signed, rawBody })).toBe("InvalidSignature")
      expect(yield* reason({ secret, headers: signed, rawBody: rawBody.replace("COMPLETED", "FAILED") })).toBe("InvalidSignature")
      expect(yield* reason({ secret, headers: { ...signed, "x-indream-signature": "00" }, rawBody })).toBe("InvalidSignature")
      expect(yield* reason({ secret, headers: { "x-indream-timestamp": String(now) }, rawBody })).toBe("MissingHeader")
      expect(yield* reason({ secret, headers: { "x-indream-signature": signed["x-indream-signature"] }, rawBody })).toBe("MissingHeader")
      expect(yield* reason({ secret, headers: { ...signed, "x-indream-timestamp": "soon" }, rawBody })).toBe("InvalidTimestamp")
    })))

  it.effect("refuses a timestamp more than 300 s away, either way, however well signed", () =>
    atNow(Effect.gen(function*() {
      for (const timestamp of [now - 301, now + 301]) {
        const headers = { "x-indream-timestamp": String(timestamp), "x-indream-signature": nodeSignature(timestamp, rawBody) }
        const error = yield* Effect.flip(IndreamWebhooks.verify({ secret, headers, rawBody }))
        expect(error.reason).toBe("TimestampOutOfTolerance")
      }
      const late = { "x-indream-timestamp": String(now - 600), "x-indream-signature": nodeSignature(now - 600, rawBody) }
      const accepted = yield* IndreamWebhooks.verify({ secret, headers: late, rawBody, toleranceSeconds: 900 })
      expect(accepted.task.taskId).toBe("task-1")
    })))

  it.effect("refuses a well-signed body that is not an export event", () =>
    atNow(Effect.gen(function*() {
      const body = JSON.stringify({ eventType: "SOMETHING_ELSE" })
      const headers = { "x-indream-timestamp": String(now), "x-indream-signature": nodeSignature(now, body) }
      expect((yield* Effect.flip(IndreamWebhooks.verify({ secret, headers, rawBody: body }))).reason).toBe("InvalidBody")
    })))

  it("verifyWebhook: the event as sent, or a rejection with the error itself", async () => {
    const timestamp = Math.floor(Date.now() / 1000)
    const headers = { "x-indream-timestamp": String(timestamp), "x-indream-signature": nodeSignature(timestamp, rawBody) }
    expect(await verifyWebhook({ secret, headers, rawBody })).toEqual(event)
    const refused = await verifyWebhook({ secret: "another", headers, rawBody }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(IndreamWebhooks.WebhookVerificationError)
    expect(refused).toMatchObject({ reason: "InvalidSignature" })
  })
})
