/**
 * `SyncClient`'s transport against a scripted HTTP server: which failures it retries, how long it
 * waits, and what it answers when it gives up. (The client against the reference server is
 * tested in apps/server.)
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import { SyncClient } from "../src/index.js"

interface Seen {
  readonly method: string
  readonly url: string
  readonly apiKey: string | undefined
  readonly at: number
}

/** A server answering each request with the next scripted response; records what it saw. */
const scripted = (responses: ReadonlyArray<{ status: number; body: unknown; headers?: Record<string, string> }>) =>
  Effect.acquireRelease(
    Effect.async<{ server: Http.Server; seen: Array<Seen>; baseUrl: string }>((resume) => {
      const seen: Array<Seen> = []
      const server = Http.createServer((req, res) => {
        const header = req.headers["x-api-key"]
        seen.push({ method: req.method ?? "", url: req.url ?? "", apiKey: typeof header === "string" ? header : undefined, at: Date.now() })
        const next = responses[Math.min(seen.length - 1, responses.length - 1)]!
        req.resume()
        res.writeHead(next.status, { "content-type": "application/json", ...next.headers }).end(JSON.stringify(next.body))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number }
        resume(Effect.succeed({ server, seen, baseUrl: `http://127.0.0.1:${port}` }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
      })
  )

const client = (baseUrl: string) =>
  SyncClient.make({
    apiKey: "sk-test",
    baseUrl,
    retryPolicy: { baseDelay: "20 millis", maxDelay: "100 millis", maxAttempts: 3, maxElapsed: "10 seconds" }
  }).pipe(Effect.provide(FetchHttpClient.layer))

const models = [{ id: "lipsync-2", name: "lipsync-2", type: "lipsync", version: "2" }]
const unavailable = { status: 503, body: { statusCode: 503, message: "down" } }
const limited = (seconds: string) => ({ status: 429, body: { statusCode: 429, message: "slow down" }, headers: { "retry-after": seconds } })

describe("SyncClient transport", () => {
  it.live("sends the key to the base URL, and retries a 429 after its Retry-After", () =>
    Effect.gen(function*() {
      const { baseUrl, seen } = yield* scripted([limited("1"), { status: 200, body: models }])
      const sync = yield* client(`${baseUrl}/sync`)
      expect(yield* sync.models.list).toEqual(models)
      expect(seen.map((s) => [s.method, s.url, s.apiKey])).toEqual([
        ["GET", "/sync/v2/models", "sk-test"],
        ["GET", "/sync/v2/models", "sk-test"]
      ])
      expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950)
    }).pipe(Effect.scoped))

  it.live("retries a POST rejected with 429: the server did not process it", () =>
    Effect.gen(function*() {
      const project = { id: "p1", name: "x", visibility: "USER", mode: "CREATOR", createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z" }
      const { baseUrl, seen } = yield* scripted([limited("0"), { status: 201, body: project }])
      const sync = yield* client(baseUrl)
      expect((yield* sync.projects.create({ name: "x" })).id).toBe("p1")
      expect(seen).toHaveLength(2)
    }).pipe(Effect.scoped))

  it.live("gives up on 429 after its attempts, with RateLimited and the Retry-After", () =>
    Effect.gen(function*() {
      const { baseUrl, seen } = yield* scripted([limited("0")])
      const sync = yield* client(baseUrl)
      const error = yield* Effect.flip(sync.models.list)
      expect(error._tag).toBe("RateLimited")
      expect(seen).toHaveLength(4)
    }).pipe(Effect.scoped))

  it.live("retries a GET on 503, never a POST", () =>
    Effect.gen(function*() {
      const get = yield* scripted([unavailable, unavailable, { status: 200, body: models }])
      expect(yield* (yield* client(get.baseUrl)).models.list).toEqual(models)
      expect(get.seen).toHaveLength(3)
      const post = yield* scripted([unavailable, { status: 201, body: {} }])
      const error = yield* Effect.flip((yield* client(post.baseUrl)).projects.create({ name: "once" }))
      expect(error).toMatchObject({ _tag: "ProviderFailure", status: 503 })
      expect(post.seen).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("maps the documented statuses to core errors, and a body off the contract to ProviderFailure", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* scripted([
        { status: 401, body: { statusCode: 401, message: "Invalid API key" } },
        { status: 404, body: { statusCode: 404, message: "nope" } },
        { status: 400, body: { statusCode: 400, message: ["name must be a string", "name is too long"] } },
        { status: 200, body: { unexpected: true } }
      ])
      const sync = yield* client(baseUrl)
      expect(yield* Effect.flip(sync.models.list)).toMatchObject({ _tag: "Unauthorized" })
      expect(yield* Effect.flip(sync.projects.get("p9"))).toMatchObject({ _tag: "NotFound", resource: "project", id: "p9" })
      expect(yield* Effect.flip(sync.projects.create({ name: "x" }))).toMatchObject({
        _tag: "Validation",
        issues: [{ path: [], message: "name must be a string" }, { path: [], message: "name is too long" }]
      })
      expect(yield* Effect.flip(sync.projects.get("p1"))).toMatchObject({ _tag: "ProviderFailure" })
    }).pipe(Effect.scoped))
})
