/**
 * The suite against the reference server, for every dialect it serves: every check passes (or is
 * skipped for a declared reason), and the run leaves nothing behind.
 */
import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { Dialect } from "../src/Check.js"
import * as Report from "../src/Report.js"
import * as Runner from "../src/Runner.js"
import { projectsLeft, Reference, layer as referenceLayer, runConfig, served } from "./support/Reference.js"

const failures = (report: Report.Report) =>
  report.checks.filter((c) => c.status === "failed" || c.status === "error").map((c) => `${c.id}: ${c.message}\n${JSON.stringify(c.exchange)}`)

layer(referenceLayer, { excludeTestServices: true, timeout: 60_000 })("the reference server", (it) => {
  describe.each(["sync", "editor", "sanity"] as const)("%s", (dialect: Dialect) => {
    it.effect.skipIf(!served.includes(dialect))("passes every check", () =>
      Effect.gen(function*() {
        const info = yield* Reference
        expect(info.dialects).toContain(dialect)
        const report = yield* Runner.run(runConfig(info, [dialect]))
        expect(failures(report)).toEqual([])
        expect(report.summary.passed).toBeGreaterThan(0)
        // With every credential configured, nothing is skipped for want of one.
        expect(report.checks.filter((c) => c.status === "skipped").map((c) => `${c.id}: ${c.reason}`)).toEqual([])
        expect(report.cleanupProblems).toEqual([])
        // It leaves no trace.
        expect(yield* projectsLeft(info, [dialect])).toEqual([])
        expect(Report.succeeded(report)).toBe(true)
      }))
  })
})
