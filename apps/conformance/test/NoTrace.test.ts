/**
 * A run leaves no project behind after failing and after being interrupted (after passing: see
 * Reference.test.ts).
 */
import { expect, layer } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Runner from "../src/Runner.js"
import * as Proxy from "./support/BreakingProxy.js"
import { projectsLeft, Reference, layer as referenceLayer, runConfig, served } from "./support/Reference.js"

const dialects = (["sync", "editor", "sanity"] as const).filter((d) => served.includes(d))

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
      const fiber = yield* Effect.fork(Runner.run(runConfig(info, dialects)))
      // Interrupted once it has something to clean up: projects of its own exist on the server.
      yield* eventually(projectsLeft(info, dialects), { until: (left) => left.length > 0, every: "5 millis", what: "a project of the run" })
      yield* Fiber.interrupt(fiber)
      expect(yield* projectsLeft(info, dialects)).toEqual([])
    }))
})
