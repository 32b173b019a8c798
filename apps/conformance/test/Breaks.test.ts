/**
 * The suite can fail: a proxy in front of the reference server breaks one behaviour at a time,
 * and each break is caught by the checks named for it. The same proxy, breaking nothing, passes.
 */
import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { allChecks } from "../src/checks/index.js"
import * as Runner from "../src/Runner.js"
import * as Proxy from "./support/BreakingProxy.js"
import { Reference, layer as referenceLayer, runConfig, served } from "./support/Reference.js"
import { editorBreaks } from "./support/breaks/editor.js"
import { sanityBreaks } from "./support/breaks/sanity.js"
import { syncBreaks } from "./support/breaks/sync.js"

const breaks: ReadonlyArray<Proxy.BrokenBehaviour> = [...syncBreaks, ...editorBreaks, ...sanityBreaks]

layer(referenceLayer, { excludeTestServices: true, timeout: 60_000 })("a broken server", (it) => {
  it.effect("there are at least 12 distinct breaks, each named for checks that exist", () =>
    Effect.sync(() => {
      expect(new Set(breaks.map((b) => b.name)).size).toBe(breaks.length)
      expect(breaks.length).toBeGreaterThanOrEqual(12)
      const ids = new Set(allChecks.map((c) => c.id))
      for (const b of breaks) for (const id of b.caughtBy) expect(ids.has(id), `${b.name}: ${id}`).toBe(true)
    }))

  describe.each(["sync", "editor", "sanity"] as const)("%s, through a proxy that breaks nothing", (dialect) => {
    it.effect.skipIf(!served.includes(dialect))("passes", () =>
      Effect.gen(function*() {
        const info = yield* Reference
        const baseUrl = yield* Proxy.start(info.baseUrl, Proxy.identity)
        const report = yield* Runner.run(runConfig(info, [dialect], { baseUrl }))
        expect(report.checks.filter((c) => c.status !== "passed").map((c) => `${c.id}: ${c.message ?? c.reason}`)).toEqual([])
      }).pipe(Effect.scoped))
  })

  describe.each(breaks)("$dialect: $name", (behaviour) => {
    it.effect.skipIf(!served.includes(behaviour.dialect))(`is caught by ${behaviour.caughtBy.join(", ")}`, () =>
      Effect.gen(function*() {
        const info = yield* Reference
        const baseUrl = yield* Proxy.start(info.baseUrl, behaviour.broken)
        const report = yield* Runner.run(runConfig(info, [behaviour.dialect], { baseUrl, filter: behaviour.caughtBy }))
        const statuses = Object.fromEntries(report.checks.map((c) => [c.id, c.status]))
        for (const id of behaviour.caughtBy) expect({ id, status: statuses[id] }).toEqual({ id, status: "failed" })
        // A failure carries the exchange that showed it.
        for (const check of report.checks.filter((c) => c.status === "failed")) expect(check.exchange).toBeDefined()
      }).pipe(Effect.scoped))
  })
})
