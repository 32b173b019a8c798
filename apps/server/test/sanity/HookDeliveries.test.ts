/**
 * Sanity webhooks fired (issue 26): the control plane fires a project's hook (the Sanity tab's
 * "Webhook deliveries" view), the server really sends it to the hook's URL with Sanity's headers
 * and signature, records the message and each attempt (status, code, body, duration, failure
 * reason), retries a failure with backoff and gives up when the attempts run out; the hooks API
 * answers them as `sanity hooks logs` and `hooks attempt` read them.
 */
import { describe, expect, layer } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import type { SanityApi } from "@projectkit/sanity"
import * as Effect from "effect/Effect"
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import type * as Net from "node:net"
import { defaultLifecycle } from "../../src/dialects/sanity/SanityLifecycle.js"
import { makeSanityOrg } from "../support/SanityOrg.js"
import { layer as testServer, request, TestServer } from "../support/TestServer.js"

const server = testServer({
  sanity: {
    ...defaultLifecycle,
    hookDeliveries: { retryBaseDelay: "50 millis", maxAttempts: 3, timeout: "2 seconds", pollInterval: "20 millis" }
  }
})

interface Received {
  readonly method: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

/** A receiver answering each request with the next of `statuses` (the last one from then on). */
const receiver = (statuses: ReadonlyArray<number>) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const received: Array<Received> = []
      const http = Http.createServer((req, res) => {
        let body = ""
        req.on("data", (chunk: Buffer) => (body += chunk.toString()))
        req.on("end", () => {
          received.push({ method: req.method ?? "", headers: req.headers, body })
          const status = statuses[Math.min(received.length - 1, statuses.length - 1)]!
          res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "thanks" : "try again")
        })
      })
      await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve))
      const url = `http://127.0.0.1:${(http.address() as Net.AddressInfo).port}/hook`
      return { url, received, close: () => new Promise<void>((resolve) => http.close(() => resolve())) }
    }),
    (r) => Effect.promise(r.close)
  )

/** A port nothing listens on: the receiver closed. */
const closedPort = Effect.promise(async () => {
  const http = Http.createServer()
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve))
  const port = (http.address() as Net.AddressInfo).port
  await new Promise<void>((resolve) => http.close(() => resolve()))
  return port
})

const fire = (orgId: string, name: string, options?: Readonly<Record<string, string>>) =>
  Effect.flatMap(TestServer, ({ adminToken }) =>
    request(`/__projectkit/orgs/${orgId}/views/sanity/hook-messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name, ...(options === undefined ? {} : { options }) })
    }))

const setUp = (name: string, hook: Readonly<Record<string, unknown>>) =>
  Effect.gen(function*() {
    const org = yield* makeSanityOrg(name)
    const project = yield* org.client.projects.create({ displayName: name })
    yield* org.client.datasets.create(project.id, "production", { aclMode: "public" })
    const created = yield* org.client.hooks.create(project.id, {
      name: "On publish",
      dataset: "production",
      url: "http://127.0.0.1:1/unused",
      ...hook
    })
    return { org, projectId: project.id, hookId: created.id }
  })

/** `sanity-webhook-signature` as `@sanity/webhook` checks it, computed here independently. */
const verifies = (header: string | undefined, secret: string, body: string) => {
  const match = /^t=(\d+),v1=([^, ]+)$/.exec(header ?? "")
  if (match === null) return false
  const expected = Crypto.createHmac("sha256", secret).update(`${match[1]}.${body}`).digest("base64url")
  return expected === match[2]
}

layer(server, { excludeTestServices: true })("Sanity webhooks fired by the control plane", (it) => {
  describe("a delivery", () => {
    it.scoped("is sent signed with Sanity's headers, retried after a failure, and logged as messages and attempts", () =>
      Effect.gen(function*() {
        const target = yield* receiver([500, 200])
        const { hookId, org, projectId } = yield* setUp("hooks fired", {
          url: target.url,
          secret: "s3cret",
          headers: { "x-custom": "yes" }
        })
        const fired = yield* fire(org.id, hookId, { operation: "update", document: JSON.stringify({ _id: "doc1", _type: "post", title: "Hi" }) })
        expect(fired).toMatchObject({ status: 201, body: { parent: projectId, cells: { hook: hookId, status: "queued" } } })
        const messageId = (fired.body as { id: string }).id

        const messages = yield* eventually(org.client.hooks.messages(projectId, hookId), {
          until: (list) => list[0]?.status === "delivered",
          what: "the message delivered"
        })
        expect(messages).toEqual([{
          id: messageId,
          projectId,
          hookId,
          createdAt: expect.stringMatching(/Z$/),
          status: "delivered",
          resultCode: 200,
          failureCount: 1,
          payload: JSON.stringify({ _id: "doc1", _type: "post", title: "Hi" })
        }])
        const attempts = yield* org.client.hooks.attempts(projectId, hookId)
        expect(attempts.map((a) => [a.isFailure, a.failureReason, a.resultCode, a.resultBody, a.messageId])).toEqual([
          [false, null, 200, "thanks", messageId],
          [true, "http", 500, "try again", messageId]
        ])
        for (const attempt of attempts) {
          expect(attempt).toMatchObject({ inProgress: false, projectId, hookId, duration: expect.any(Number) })
          expect(yield* org.client.hooks.attempt(projectId, attempt.id)).toEqual(attempt)
        }

        // What the receiver got, twice: the document, Sanity's headers, a signature it can verify.
        expect(target.received).toHaveLength(2)
        for (const got of target.received) {
          expect(got.method).toBe("POST")
          expect(got.body).toBe(messages[0]!.payload)
          expect(got.headers).toMatchObject({
            "content-type": "application/json",
            "sanity-project-id": projectId,
            "sanity-dataset": "production",
            "sanity-document-id": "doc1",
            "sanity-operation": "update",
            "sanity-webhook-id": hookId,
            "idempotency-key": messageId,
            "x-custom": "yes"
          })
          expect(verifies(got.headers["sanity-webhook-signature"] as string | undefined, "s3cret", got.body)).toBe(true)
          expect(verifies(got.headers["sanity-webhook-signature"] as string | undefined, "other", got.body)).toBe(false)
        }
      }))

    it.scoped("to a receiver that cannot be reached fails as a network error, retried until the attempts run out", () =>
      Effect.gen(function*() {
        const port = yield* closedPort
        const { hookId, org, projectId } = yield* setUp("hooks unreachable", { url: `http://127.0.0.1:${port}/gone` })
        expect((yield* fire(org.id, hookId)).status).toBe(201)
        const [message] = yield* eventually(org.client.hooks.messages(projectId, hookId), {
          until: (list) => list[0]?.status === "failed",
          what: "the message given up"
        })
        expect(message).toMatchObject({ status: "failed", failureCount: 3, resultCode: null })
        // No secret: no signature; a document of its own (INF) when none is given.
        expect(JSON.parse(message!.payload)).toMatchObject({ _type: "projectkit.webhookTest", _id: expect.any(String) })
        const attempts = yield* org.client.hooks.attempts(projectId, hookId)
        expect(attempts.map((a: SanityApi.HookAttempt) => [a.isFailure, a.failureReason, a.resultCode])).toEqual([
          [true, "network", null],
          [true, "network", null],
          [true, "network", null]
        ])
      }))
  })

  describe("refusals", () => {
    it.effect("an unknown hook, another organization's, a bad operation or document: 400, nothing queued", () =>
      Effect.gen(function*() {
        const { hookId, org, projectId } = yield* setUp("hooks refused", {})
        const stranger = yield* makeSanityOrg("hooks stranger")
        expect(yield* fire(org.id, "nope")).toMatchObject({ status: 400, body: { error: "bad_request" } })
        expect(yield* fire(stranger.id, hookId)).toMatchObject({ status: 400 })
        expect(yield* fire(org.id, hookId, { operation: "publish" })).toMatchObject({ status: 400 })
        expect(yield* fire(org.id, hookId, { document: "[1]" })).toMatchObject({ status: 400 })
        expect(yield* fire(org.id, hookId, { document: "{" })).toMatchObject({ status: 400 })
        expect(yield* org.client.hooks.messages(projectId, hookId)).toEqual([])
        // Another organization's attempt, or an unknown one, is not found.
        expect(yield* Effect.flip(org.client.hooks.attempt(projectId, "missing"))).toMatchObject({ _tag: "NotFound" })
        expect(yield* Effect.flip(stranger.client.hooks.messages(projectId, hookId))).toMatchObject({ _tag: "NotFound" })
      }))
  })
})
