/**
 * Health says whether the storage answers, within a bounded time (issue 14: with PostgreSQL
 * stopped, health stayed 200 while every create and list answered 500). On PostgreSQL the server
 * reaches the database through a TCP proxy this test controls: cut, then black-holed, then back.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import * as Net from "node:net"
import * as TestDatabase from "./support/TestDatabase.js"
import { request, layer as testServer } from "./support/TestServer.js"

layer(testServer())("health", (it) => {
  it.effect("answers 200 with the storage's latency while the storage answers", () =>
    Effect.gen(function*() {
      const { body, status } = yield* request("/__projectkit/health")
      expect(status).toBe(200)
      expect(body).toMatchObject({ status: "ok", storage: TestDatabase.backend, storageLatencyMs: expect.any(Number) })
    }))
})

/** A TCP proxy to `target` whose behaviour the test switches: forward, refuse, or swallow everything. */
const proxy = (target: URL) =>
  Effect.acquireRelease(
    Effect.async<{ readonly port: number; mode: "forward" | "cut" | "blackhole"; readonly cutAll: () => void; readonly close: () => void }>(
      (resume) => {
        const sockets = new Set<Net.Socket>()
        const state = {
          port: 0,
          mode: "forward" as "forward" | "cut" | "blackhole",
          cutAll: () => {
            for (const socket of sockets) socket.destroy()
          },
          close: () => {
            state.cutAll()
            server.close()
          }
        }
        const server = Net.createServer((client) => {
          sockets.add(client)
          client.on("close", () => sockets.delete(client))
          client.on("error", () => client.destroy())
          if (state.mode === "cut") return client.destroy()
          if (state.mode === "blackhole") return
          const upstream = Net.connect(Number(target.port || 5432), target.hostname)
          sockets.add(upstream)
          upstream.on("close", () => sockets.delete(upstream))
          upstream.on("error", () => client.destroy())
          client.pipe(upstream).pipe(client)
        })
        server.listen(0, "127.0.0.1", () => {
          state.port = (server.address() as Net.AddressInfo).port
          resume(Effect.succeed(state))
        })
      }
    ),
    (state) => Effect.sync(() => state.close())
  )

describe.skipIf(TestDatabase.postgresUrl === undefined)("health on PostgreSQL that stops answering", () => {
  it.live("goes 503 within its bound when the database is cut or silent, and back to 200 when it returns", () =>
    Effect.gen(function*() {
      const url = new URL(yield* TestDatabase.freshSchema(TestDatabase.postgresUrl!))
      const through = yield* proxy(url)
      const proxied = new URL(url)
      proxied.hostname = "127.0.0.1"
      proxied.port = String(through.port)
      const health = request("/__projectkit/health")
      yield* Effect.gen(function*() {
        expect((yield* health).status).toBe(200)

        through.mode = "cut"
        through.cutAll()
        const cut = yield* health
        expect(cut.status).toBe(503)
        expect(cut.body).toMatchObject({ status: "unavailable", storage: "postgres", error: expect.any(String) })

        through.mode = "blackhole"
        through.cutAll()
        const started = Date.now()
        const silent = yield* health
        expect(silent.status).toBe(503)
        // Bounded: two seconds of waiting, and a little for the rest.
        expect(Date.now() - started).toBeLessThan(5_000)

        through.mode = "forward"
        through.cutAll()
        yield* eventually(health, { until: (answer) => answer.status === 200 })
      }).pipe(Effect.provide(testServer({ database: proxied.toString() })))
    }).pipe(Effect.scoped), 60_000)
})
