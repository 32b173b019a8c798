/**
 * Issue 29: while the storage cannot be reached, every dialect route answers 503 in the dialect's
 * own error body with Retry-After (not 500), and nothing half-written remains once it is back. On
 * PostgreSQL the server reaches the database through a TCP proxy the test cuts. On SQLite the
 * database file is opened once and stays reachable through its descriptor (removing its folder
 * changes nothing for a running server); what remains is the disk failing, whose SQLite codes are
 * classified here.
 */
import { SqlError } from "@effect/sql/SqlError"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as StorageOutage from "../src/internal/storageOutage.js"
import { proxiedSchema } from "./support/TcpProxy.js"
import * as TestDatabase from "./support/TestDatabase.js"
import { createOrganization, request, TestServer, layer as testServer } from "./support/TestServer.js"
import { IndreamErrors } from "@projectkit/indream"
import { SyncErrors } from "@projectkit/sync"

describe("what counts as the storage out of reach", () => {
  it("connection failures and a failing disk, not a refused statement", () => {
    const sql = (cause: unknown) => new SqlError({ cause, message: "Failed to execute statement" })
    expect(StorageOutage.isUnreachable(sql(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })))).toBe(true)
    expect(StorageOutage.isUnreachable(sql(new Error("Connection terminated unexpectedly")))).toBe(true)
    expect(StorageOutage.isUnreachable(sql(Object.assign(new Error("terminating connection"), { code: "57P01" })))).toBe(true)
    expect(StorageOutage.isUnreachable(sql(Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR_WRITE" })))).toBe(true)
    expect(StorageOutage.isUnreachable(sql(Object.assign(new Error("duplicate key"), { code: "23505" })))).toBe(false)
    expect(StorageOutage.isUnreachable(sql(Object.assign(new Error("constraint failed"), { code: "SQLITE_CONSTRAINT_UNIQUE" })))).toBe(false)
  })
})

describe.skipIf(TestDatabase.postgresUrl === undefined)("dialect routes while PostgreSQL is cut off", () => {
  it.live("answer 503 with Retry-After in each dialect's body, and nothing half-written remains", () =>
    Effect.gen(function*() {
      const { through, url } = yield* proxiedSchema(TestDatabase.postgresUrl!)
      yield* Effect.gen(function*() {
        const org = yield* createOrganization("outage")
        const sync = { "x-api-key": org.credentials.sync.apiKey, "content-type": "application/json" }
        const indream = { "x-api-key": org.credentials.indream.apiKey, "content-type": "application/json" }
        const sanity = { authorization: `Bearer ${org.credentials.sanity.token}`, "content-type": "application/json" }
        expect((yield* request("/sync/v2/projects", { method: "POST", headers: sync, body: `{"name":"before"}` })).status).toBe(201)

        through.mode = "cut"
        through.cutAll()
        const attempts = [
          { path: "/sync/v2/projects", init: { method: "POST", headers: sync, body: `{"name":"during"}` } },
          { path: "/sync/v2/projects", init: { headers: sync } },
          { path: "/indream/v1/projects", init: { method: "POST", headers: indream, body: `{"title":"during","editorState":{}}` } },
          { path: "/indream/v1/projects", init: { headers: indream } },
          { path: "/sanity/v2021-06-07/projects", init: { method: "POST", headers: sanity, body: `{"displayName":"during"}` } },
          { path: "/sanity/v2021-06-07/projects", init: { headers: sanity } }
        ]
        for (const attempt of attempts) {
          const answer = yield* request(attempt.path, attempt.init)
          const seen = `${attempt.init.method ?? "GET"} ${attempt.path}`
          expect({ seen, status: answer.status }).toEqual({ seen, status: 503 })
          expect(answer.headers.get("retry-after"), seen).toBe(String(StorageOutage.retryAfterSeconds))
          const body = answer.body as Record<string, unknown>
          if (attempt.path.startsWith("/sync")) expect(body).toEqual(SyncErrors.table.body(503, StorageOutage.message))
          if (attempt.path.startsWith("/indream")) expect(body).toEqual(IndreamErrors.table.body(503, StorageOutage.message))
          if (attempt.path.startsWith("/sanity")) {
            expect(body).toEqual({ statusCode: 503, error: "Service Unavailable", message: StorageOutage.message })
          }
        }

        // The journal says so: each refused request recorded with its 503.
        const { adminToken } = yield* TestServer
        const journal = yield* request("/__projectkit/requests?limit=100", { headers: { authorization: `Bearer ${adminToken}` } })
        const journaled = (journal.body as { requests: ReadonlyArray<{ method: string; path: string; status: number }> }).requests
        for (const attempt of attempts) {
          const method = attempt.init.method ?? "GET"
          expect(journaled.some((entry) => entry.method === method && entry.path === attempt.path && entry.status === 503), `${method} ${attempt.path}`)
            .toBe(true)
        }

        through.mode = "forward"
        through.cutAll()
        const listed = yield* Effect.eventually(
          Effect.filterOrFail(request("/sync/v2/projects", { headers: sync }), (answer) => answer.status === 200)
        ).pipe(Effect.timeout("10 seconds"))
        // Nothing of the refused creates was stored.
        expect((listed.body as { items: Array<{ name: string }> }).items.map((project) => project.name)).toEqual(["before"])
        const indreamProjects = yield* request("/indream/v1/projects", { headers: indream })
        expect(indreamProjects.status).toBe(200)
        expect(JSON.stringify(indreamProjects.body)).not.toContain("during")
        const sanityProjects = yield* request("/sanity/v2021-06-07/projects", { headers: sanity })
        expect(JSON.stringify(sanityProjects.body)).not.toContain("during")
      }).pipe(Effect.provide(testServer({ database: url, journal: { enabled: true } })))
    }).pipe(Effect.scoped), 60_000)
})
