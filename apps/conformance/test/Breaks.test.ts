/**
 * The suite can fail: a proxy in front of the reference server breaks one behaviour at a time,
 * and each break is caught by the checks named for it. The same proxy, breaking nothing, passes.
 */
import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { allChecks } from "../src/dialects/index.js"
import * as Runner from "../src/Runner.js"
import * as Proxy from "./support/BreakingProxy.js"
import { Reference, layer as referenceLayer, runConfig, served } from "./support/Reference.js"
import { editorBreaks } from "./support/breaks/editor.js"
import { sanityBreaks } from "./support/breaks/sanity.js"
import { syncBreaks } from "./support/breaks/sync.js"

const breaks: ReadonlyArray<Proxy.BrokenBehaviour> = [...syncBreaks, ...editorBreaks, ...sanityBreaks]

/**
 * The checks of every documented response field on every route that answers it, and of every
 * documented request option's effect: each must be shown able to fail.
 */
const fieldAndOptionChecks = [
  "SYNC-PROJ-013", "SYNC-PROJ-016", "SYNC-ASSET-003", "SYNC-ASSET-004", "SYNC-ASSET-005", "SYNC-ASSET-006", "SYNC-ASSET-007",
  "SYNC-ASSET-008", "SYNC-GEN-001", "SYNC-GEN-002", "SYNC-GEN-003", "SYNC-MODEL-001", "SYNC-COST-001",
  "SYNC-FILES-001", "SYNC-FILES-002", "SYNC-FILES-003", "SYNC-BATCH-004", "SYNC-BATCH-006", "SYNC-BATCH-007", "SYNC-BATCH-008",
  "SYNC-BATCH-011", "SYNC-BATCH-012", "SYNC-BATCH-013", "SYNC-BATCH-014", "SYNC-BATCH-015",
  "EDIT-PROJ-007", "EDIT-PROJ-011", "EDIT-EXP-008", "EDIT-EXP-011", "EDIT-EXP-012", "EDIT-EXP-013",
  "SAN-PROJ-001", "SAN-PROJ-002", "SAN-PROJ-003", "SAN-PROJ-010", "SAN-PROJ-011", "SAN-PROJ-012", "SAN-PROJ-013", "SAN-PROJ-014",
  "SAN-CORS-001", "SAN-CORS-004", "SAN-DS-008", "SAN-DS-009", "SAN-DS-010", "SAN-DS-011", "SAN-DS-012", "SAN-DS-013",
  "SAN-DS-014", "SAN-DS-015", "SAN-EMB-003", "SAN-USER-002", "SAN-TOK-004", "SAN-TOK-005", "SAN-TAG-004",
  "SAN-USER-003", "SAN-USER-005"
]

layer(referenceLayer, { excludeTestServices: true, timeout: 60_000 })("a broken server", (it) => {
  it.effect("there are at least 12 distinct breaks, each named for checks that exist", () =>
    Effect.sync(() => {
      expect(new Set(breaks.map((b) => b.name)).size).toBe(breaks.length)
      expect(breaks.length).toBeGreaterThanOrEqual(12)
      const ids = new Set(allChecks.map((c) => c.id))
      for (const b of breaks) for (const id of b.caughtBy) expect(ids.has(id), `${b.name}: ${id}`).toBe(true)
    }))

  it.effect("every check of a documented field or request option has a break that it must catch", () =>
    Effect.sync(() => {
      const caught = new Set(breaks.flatMap((b) => b.caughtBy))
      expect(fieldAndOptionChecks.filter((id) => !caught.has(id))).toEqual([])
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
