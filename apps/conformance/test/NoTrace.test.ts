/**
 * A run leaves no project behind: after passing, after failing, and after being interrupted.
 */
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type { Dialect } from "../src/Check.js"
import * as Runner from "../src/Runner.js"
import * as Proxy from "./support/BreakingProxy.js"
import { Reference, type ReferenceInfo, layer as referenceLayer, runConfig, served } from "./support/Reference.js"

const dialects = (["sync", "editor", "sanity"] as const).filter((d) => served.includes(d))

/** The projects each organization can see, per dialect, straight from the server. */
const projectsLeft = (info: ReferenceInfo) =>
  Effect.promise(async () => {
    const left: Array<string> = []
    for (const org of [info.first, info.second]) {
      for (const dialect of dialects as ReadonlyArray<Dialect>) {
        const credential = org.credentials[dialect]
        const secret = credential?.["apiKey"] ?? credential?.["token"] ?? ""
        const [path, headers] = dialect === "sync"
          ? ["/sync/v2/projects?limit=100", { "x-api-key": secret }]
          : dialect === "editor"
          ? ["/editor/v1/projects?limit=100", { authorization: `Bearer ${secret}` }]
          : ["/sanity/v2021-06-07/projects", { authorization: `Bearer ${secret}` }]
        const body = await (await fetch(`${info.baseUrl}${path}`, { headers })).json() as unknown
        const items = Array.isArray(body) ? body : (body as { items: Array<unknown> }).items
        for (const item of items) left.push(`${dialect}: ${JSON.stringify(item).slice(0, 120)}`)
      }
    }
    return left
  })

layer(referenceLayer, { excludeTestServices: true, timeout: 60_000 })("a run leaves no trace", (it) => {
  it.effect("after passing", () =>
    Effect.gen(function*() {
      const info = yield* Reference
      const report = yield* Runner.run(runConfig(info, dialects))
      expect(report.summary.failed + report.summary.error).toBe(0)
      expect(yield* projectsLeft(info)).toEqual([])
    }))

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
      expect(yield* projectsLeft(info)).toEqual([])
    }).pipe(Effect.scoped))

  it.effect("after being interrupted", () =>
    Effect.gen(function*() {
      const info = yield* Reference
      const fiber = yield* Effect.fork(Runner.run(runConfig(info, dialects)))
      yield* Effect.sleep("300 millis")
      yield* Fiber.interrupt(fiber)
      expect(yield* projectsLeft(info)).toEqual([])
    }))
})
