/**
 * The suite against the reference server, for every dialect it serves: every check passes, nothing
 * is skipped, and the run leaves nothing behind — on the server's compiled routes (its default) and
 * on the platform's router (`--platform-router`), which must answer the same.
 */
import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { Dialect } from "../src/Check.js"
import { dialects } from "../src/dialects/index.js"
import * as Report from "../src/Report.js"
import * as Runner from "../src/Runner.js"
import { layerWith, projectsLeft, Reference, runConfig, served } from "./support/Reference.js"

const failures = (report: Report.Report) =>
  report.checks.filter((c) => c.status === "failed" || c.status === "error").map((c) => `${c.id}: ${c.message}\n${JSON.stringify(c.exchange)}`)

const routes = [
  { routes: "compiled routes", compiledRoutes: true },
  { routes: "the platform's router", compiledRoutes: false }
] as const

describe.each(routes)("the reference server, on $routes", ({ compiledRoutes }) => {
  layer(layerWith({ compiledRoutes }), { excludeTestServices: true, timeout: 60_000 })("", (it) => {
    describe.each(dialects.map((dialect) => dialect.name))("%s", (dialect: Dialect) => {
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
          expect(Report.outcome(report)).toBe("passed")
        }))
    })
  })
})
