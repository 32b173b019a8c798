/**
 * The suite can fail: a proxy in front of the reference server breaks one behaviour at a time,
 * and each break is caught by the checks named for it. The same proxy, breaking nothing, passes.
 */
import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { allChecks, dialects } from "../src/dialects/index.js"
import * as Runner from "../src/Runner.js"
import * as Proxy from "./support/BreakingProxy.js"
import { breaksByDialect } from "./support/breaks/index.js"
import { Reference, layer as referenceLayer, runConfig, served } from "./support/Reference.js"

const breaks: ReadonlyArray<Proxy.BrokenBehaviour> = dialects.flatMap((dialect) => breaksByDialect[dialect.name] ?? [])

/**
 * How many breaks there are: a break added or lost changes it, so that neither happens unseen
 * (a lost break is a behaviour no longer shown able to fail).
 */
const BREAKS = 173

/**
 * The checks of every documented response field on every route that answers it, and of every
 * documented request option's effect — each says so itself (`asserts`): each must be shown able to fail.
 */
const fieldAndOptionChecks = allChecks.filter((check) => check.asserts !== undefined)

layer(referenceLayer, { excludeTestServices: true, timeout: 60_000 })("a broken server", (it) => {
  it.effect(`there are exactly ${BREAKS} distinct breaks, each named for checks of its dialect that exist`, () =>
    Effect.sync(() => {
      expect(dialects.filter((dialect) => breaksByDialect[dialect.name] === undefined).map((dialect) => dialect.name)).toEqual([])
      expect(new Set(breaks.map((b) => `${b.dialect}: ${b.name}`)).size).toBe(breaks.length)
      expect(breaks.length).toBe(BREAKS)
      const ids = new Set(allChecks.map((c) => `${c.dialect} ${c.id}`))
      for (const b of breaks) for (const id of b.caughtBy) expect(ids.has(`${b.dialect} ${id}`), `${b.name}: ${id}`).toBe(true)
    }))

  it.effect("every check of a documented field or request option has a break that it must catch", () =>
    Effect.sync(() => {
      // Every dialect has such checks: a dialect without would say nothing of its fields.
      for (const dialect of dialects) expect(fieldAndOptionChecks.filter((c) => c.dialect === dialect.name).length, dialect.name).toBeGreaterThan(0)
      const caught = new Set(breaks.flatMap((b) => b.caughtBy.map((id) => `${b.dialect} ${id}`)))
      expect(fieldAndOptionChecks.filter((c) => !caught.has(`${c.dialect} ${c.id}`)).map((c) => c.id)).toEqual([])
    }))

  describe.each(dialects.map((dialect) => dialect.name))("%s, through a proxy that breaks nothing", (dialect) => {
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
