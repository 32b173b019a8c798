/**
 * `SanityClient` against a scripted HTTP server: the requests it sends (version prefix, bearer
 * token), the errors it maps, and the core `Projects` emulating search, sort and paging exactly
 * on Sanity's unpaged project list. (The client against the reference server is tested in
 * apps/server.)
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Retry from "@projectkit/core/Retry"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Http from "node:http"
import { SanityClient } from "../src/index.js"

interface Seen {
  readonly method: string
  readonly url: string
  readonly authorization: string | undefined
}

/** A server answering every request with `respond`; records what it saw. */
const scripted = (respond: (seen: Seen) => { status: number; body: unknown }) =>
  Effect.acquireRelease(
    Effect.async<{ server: Http.Server; seen: Array<Seen>; baseUrl: string }>((resume) => {
      const seen: Array<Seen> = []
      const server = Http.createServer((req, res) => {
        const request = { method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization }
        seen.push(request)
        const next = respond(request)
        req.resume()
        res.writeHead(next.status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(next.body))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number }
        resume(Effect.succeed({ server, seen, baseUrl: `http://127.0.0.1:${port}` }))
      })
    }),
    ({ server }) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
  )

const project = (id: string, displayName: string, created: number, updated = created) => ({
  id,
  displayName,
  studioHost: null,
  organizationId: "o1",
  isBlocked: false,
  isDisabled: false,
  isDisabledByUser: false,
  metadata: {},
  activityFeedEnabled: true,
  createdAt: new Date(created).toISOString(),
  updatedAt: new Date(updated).toISOString()
})

const projects = [
  project("p1", "Delta", 1000, 5000),
  project("p2", "alpha", 2000, 2000),
  project("p3", "Charlie", 3000, 1000),
  project("p4", "Bravo", 4000, 4000)
]

describe("SanityClient", () => {
  it.scoped("sends the API version and the bearer token, and maps Sanity's error bodies", () =>
    Effect.gen(function*() {
      const { baseUrl, seen } = yield* scripted((request) =>
        request.url.includes("/datasets/")
          ? { status: 403, body: { statusCode: 403, error: "Forbidden", message: "no grant" } }
          : request.url.endsWith("/projects/gone")
          ? { status: 404, body: { statusCode: 404, error: "Not Found", message: "Project not found" } }
          : { status: 200, body: projects }
      )
      const client = yield* SanityClient.make({ token: "sk-test", baseUrl, apiVersion: "v2025-02-19", retryPolicy: Retry.noRetries }).pipe(
        Effect.provide(FetchHttpClient.layer)
      )
      expect((yield* client.projects.list()).map((p) => p.displayName)).toEqual(["Delta", "alpha", "Charlie", "Bravo"])
      expect(seen[0]).toMatchObject({ method: "GET", url: "/v2025-02-19/projects", authorization: "Bearer sk-test" })
      expect(yield* Effect.flip(client.projects.get("gone"))).toMatchObject({ _tag: "NotFound", resource: "project", id: "gone" })
      expect(yield* Effect.flip(client.datasets.create("p1", "x"))).toMatchObject({ _tag: "Forbidden", description: "no grant" })
      expect(seen[2]).toMatchObject({ method: "PUT", url: "/v2025-02-19/projects/p1/datasets/x" })
    }))

  it.scoped("emulates search, every sort and keyset paging on the complete list", () =>
    Effect.gen(function*() {
      const { baseUrl, seen } = yield* scripted(() => ({ status: 200, body: projects }))
      const client = yield* SanityClient.make({ token: "sk-test", baseUrl }).pipe(Effect.provide(FetchHttpClient.layer))
      const service = SanityClient.makeProjects(client)
      const ids = (query: Parameters<typeof service.listPage>[0]) =>
        Effect.map(service.listPage(query), (page) => page.items.map((p) => p.id))
      expect(yield* ids({})).toEqual(["p1", "p2", "p3", "p4"])
      // By code point, as SQL's binary collation: upper case before lower case.
      expect(yield* ids({ sortBy: "name" })).toEqual(["p4", "p3", "p1", "p2"])
      expect(yield* ids({ sortBy: "updatedAt", direction: "desc" })).toEqual(["p1", "p4", "p2", "p3"])
      expect(yield* ids({ search: "ALP" })).toEqual(["p2"])
      const first = yield* service.listPage({ sortBy: "createdAt", direction: "desc", limit: 3 })
      expect(first.items.map((p) => p.id)).toEqual(["p4", "p3", "p2"])
      const cursor = Option.getOrThrow(first.nextCursor)
      const second = yield* service.listPage({ sortBy: "createdAt", direction: "desc", limit: 3, cursor })
      expect(second.items.map((p) => p.id)).toEqual(["p1"])
      expect(Option.isNone(second.nextCursor)).toBe(true)
      expect((yield* Effect.flip(service.listPage({ sortBy: "name", cursor })))._tag).toBe("Validation")
      expect((yield* Effect.flip(service.create({ name: "x", description: "y" })))._tag).toBe("Unsupported")
      expect(seen.every((request) => request.url.startsWith("/v2021-06-07/projects"))).toBe(true)
      expect(SanityClient.capabilities.search).toBe("emulated")
    }))
})
