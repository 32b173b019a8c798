/**
 * Webhook deliveries go to http(s) receivers only and never follow a redirect (issue 14: a
 * redirect was followed with the signature headers, to wherever it pointed).
 */
import { expect, layer } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import * as Webhooks from "../src/Webhooks.js"
import { makeSyncOrg } from "./support/SyncOrg.js"
import { createOrganization, request, layer as testServer } from "./support/TestServer.js"
import { pendingDeliveries, receiver } from "./support/WebhookReceiver.js"

const video = { type: "video" as const, url: "https://assets.sync.so/docs/example-video.mp4" }
const audio = { type: "audio" as const, url: "https://assets.sync.so/docs/example-audio.wav" }

/** A receiver that answers every delivery with a redirect to `location`, counting them. */
const redirecting = (location: string) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Http.Server; readonly hits: Array<number> }>((resume) => {
      const hits: Array<number> = []
      const server = Http.createServer((req, res) => {
        req.resume()
        req.on("end", () => {
          hits.push(Date.now())
          res.writeHead(302, { location }).end()
        })
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, hits })))
    }),
    ({ server }) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
  ).pipe(Effect.map(({ hits, server }) => ({ hits, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook` })))

layer(testServer({
  generations: { pending: "10 millis", processing: "10 millis", pollInterval: "10 millis" },
  webhooks: { retryBaseDelay: "50 millis", maxAttempts: 3, timeout: "2 seconds", pollInterval: "20 millis" }
}), { excludeTestServices: true })("webhook deliveries", (it) => {
  it.effect("are not redirected: a 3xx is a failed attempt, and the redirect's target never hears of it", () =>
    Effect.gen(function*() {
      const target = yield* receiver(0)
      const redirect = yield* redirecting(target.url)
      const org = yield* makeSyncOrg("redirected")
      yield* org.client.generations.create({ model: "lipsync-2", input: [video, audio], webhookUrl: redirect.url })
      // Every attempt (3) reaches the receiver that redirects, none its target; then it is given up.
      yield* Effect.sync(() => redirect.hits.length).pipe(eventually({ until: (hits) => hits >= 3 }))
      yield* pendingDeliveries(org.id).pipe(eventually({ until: (pending) => pending === 0 }))
      expect(redirect.hits).toHaveLength(3)
      expect(target.received).toHaveLength(0)
    }).pipe(Effect.scoped))

  it.effect("are refused up front for a webhookUrl that is not an absolute http(s) URL", () =>
    Effect.gen(function*() {
      const org = yield* createOrganization("file-hooks")
      for (const webhookUrl of ["file:///etc/passwd", "gopher://x/", "/relative"]) {
        const refused = yield* request("/sync/v2/generate", {
          method: "POST",
          headers: { "x-api-key": org.credentials.sync.apiKey, "content-type": "application/json" },
          body: JSON.stringify({ model: "lipsync-2", input: [video, audio], webhookUrl })
        })
        expect({ webhookUrl, status: refused.status }).toEqual({ webhookUrl, status: 400 })
      }
      const listed = yield* request("/sync/v2/generations", { headers: { "x-api-key": org.credentials.sync.apiKey } })
      expect(listed.body).toEqual([])
    }))

  it.effect("call only http(s) receivers", () => Effect.sync(() => {
    expect(Webhooks.isHttpUrl("http://127.0.0.1:9/hook")).toBe(true)
    expect(Webhooks.isHttpUrl("https://example.com/hook")).toBe(true)
    expect(Webhooks.isHttpUrl("file:///etc/passwd")).toBe(false)
    expect(Webhooks.isHttpUrl("gopher://x")).toBe(false)
    expect(Webhooks.isHttpUrl("not a url")).toBe(false)
  }))
})
