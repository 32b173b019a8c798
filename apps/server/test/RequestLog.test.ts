/**
 * `--log-requests` logs each response's real status, on both routers (issue 14: the compiled
 * routes logged every response as 200, a 401 and a 201 alike).
 */
import * as HttpServer from "@effect/platform/HttpServer"
import { expect, it } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as Server from "../src/Server.js"

for (const compiledRoutes of [true, false]) {
  it.live(`logs the status each response was sent with (${compiledRoutes ? "compiled" : "platform"} routes)`, () =>
    Effect.gen(function*() {
      const lines: Array<{ readonly status: unknown; readonly url: unknown }> = []
      const capture = Logger.make(({ annotations, message }) => {
        if (String(message).includes("Sent HTTP response")) {
          lines.push({ status: HashMap.unsafeGet(annotations, "http.status"), url: HashMap.unsafeGet(annotations, "http.url") })
        }
      })
      const server = Server.layer({
        port: 0,
        host: "127.0.0.1",
        database: ":memory:",
        adminToken: Redacted.make("admin"),
        maxBodyBytes: 1024 * 1024,
        logRequests: true,
        compiledRoutes
      }).pipe(Layer.provide(Logger.replace(Logger.defaultLogger, capture))) as Layer.Layer<HttpServer.HttpServer>
      yield* Effect.gen(function*() {
        const address = (yield* HttpServer.HttpServer).address
        if (address._tag !== "TcpAddress") throw new Error("expected a TCP address")
        const base = `http://127.0.0.1:${address.port}`
        const send = (path: string, init?: RequestInit) => Effect.promise(() => fetch(`${base}${path}`, init).then((r) => r.text()))
        yield* send("/sync/v2/projects", { headers: { "x-api-key": "wrong" } })
        yield* send("/sync/v2/projects/a%00b")
        yield* send("/__projectkit/health")
        // The log line is written after the response: wait until all three are there.
        yield* Effect.sync(() => lines.length).pipe(eventually({ until: (logged) => logged >= 3, every: "10 millis" }))
      }).pipe(Effect.provide(server))
      expect(lines).toEqual([
        { status: 401, url: "/sync/v2/projects" },
        { status: 400, url: "/sync/v2/projects/a%00b" },
        { status: 200, url: "/__projectkit/health" }
      ])
    }), 30_000)
}
