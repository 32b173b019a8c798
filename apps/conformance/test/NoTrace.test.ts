/**
 * A run leaves no project behind after failing and after being interrupted (after passing: see
 * Reference.test.ts).
 */
import { expect, layer } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { dialects as suiteDialects } from "../src/dialects/index.js"
import * as Runner from "../src/Runner.js"
import * as Proxy from "./support/BreakingProxy.js"
import { projectsLeft, Reference, layer as referenceLayer, runConfig, served } from "./support/Reference.js"

const dialects = suiteDialects.map((dialect) => dialect.name).filter((name) => served.includes(name))

layer(referenceLayer, { excludeTestServices: true, timeout: 60_000 })("a run leaves no trace", (it) => {
  // After passing: see Reference.test.ts.

  it.effect("after failing", () =>
    Effect.gen(function*() {
      const info = yield* Reference
      // Every read fails; creates and deletes still work.
      const baseUrl = yield* Proxy.start(info.baseUrl, (request, forward) =>
        request.method === "GET"
          ? Promise.resolve({ status: 500, headers: { "content-type": "application/json" }, body: "{}" })
          : forward(request))
      const report = yield* Runner.run(runConfig(info, dialects, { baseUrl }))
      expect(report.summary.failed).toBeGreaterThan(10)
      expect(report.cleanupProblems).toEqual([])
      expect(yield* projectsLeft(info, dialects)).toEqual([])
    }).pipe(Effect.scoped))

  it.effect("after being interrupted", () =>
    Effect.gen(function*() {
      const info = yield* Reference
      // The run is interrupted once the server has created something for it (a create answered
      // 2xx, seen through a proxy that tells), so that there is something to clean up.
      const created = yield* Deferred.make<string>()
      const baseUrl = yield* Proxy.start(info.baseUrl, async (request, forward) => {
        const response = await forward(request)
        if (request.method === "POST" && response.status >= 200 && response.status < 300) {
          Effect.runSync(Deferred.succeed(created, `${request.method} ${request.url}`))
        }
        return response
      })
      const fiber = yield* Effect.fork(Runner.run(runConfig(info, dialects, { baseUrl })))
      expect(yield* Deferred.await(created)).toMatch(/^POST \//)
      yield* Fiber.interrupt(fiber)
      expect(yield* projectsLeft(info, dialects)).toEqual([])
    }).pipe(Effect.scoped))
})
