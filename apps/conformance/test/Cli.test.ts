/**
 * The command line, in-process against the reference server: flags and environment, the reports it
 * writes, secrets redacted, and the outcome that decides the exit code.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { expect, layer } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { cli, Outcome } from "../src/Cli.js"
import type * as Report from "../src/Report.js"
import { Reference, layer as referenceLayer } from "./support/Reference.js"

const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const outcome = yield* Ref.make<"passed" | "failed" | "not run">("not run")
    // The summary would fill the test output; it is tested in Report.test.ts.
    const silent: Console.Console = { ...(yield* Effect.console), log: () => Effect.void }
    yield* cli(["node", "projectkit-conformance", ...args]).pipe(
      Effect.provideService(Outcome, outcome),
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.withConsole(silent)
    )
    return yield* Ref.get(outcome)
  })

layer(referenceLayer, { excludeTestServices: true, timeout: 60_000 })("projectkit-conformance", (it) => {
  it.effect("passes against the reference server, writes the reports, redacts the keys", () =>
    Effect.gen(function*() {
      const info = yield* Reference
      const dir = mkdtempSync(join(tmpdir(), "pkc-"))
      const key = info.first.credentials["sync"]!["apiKey"]!
      const key2 = info.second.credentials["sync"]!["apiKey"]!
      const outcome = yield* run(
        ["--dialect", "sync", "--base-url", info.baseUrl, "--sync-api-key", key, "--profile", "core", "--json-report", join(dir, "r.json"), "--junit-report", join(dir, "junit/r.xml")],
        { PROJECTKIT_CONFORMANCE_SYNC_API_KEY_2: key2 }
      )
      expect(outcome).toBe("passed")
      const text = readFileSync(join(dir, "r.json"), "utf8")
      const report = JSON.parse(text) as Report.Report
      expect(report.suite).toBe("projectkit-conformance")
      expect(report.dialects).toEqual(["sync"])
      expect(report.profile).toBe("core")
      expect(report.checks.every((c) => c.profile === "core")).toBe(true)
      // The second organization came from the environment: isolation checks ran.
      expect(report.checks.find((c) => c.id === "SYNC-ISO-001")?.status).toBe("passed")
      expect(report.summary.failed + report.summary.error).toBe(0)
      expect(text).not.toContain(key)
      expect(text).not.toContain(key2)
      const xml = readFileSync(join(dir, "junit/r.xml"), "utf8")
      expect(xml).toContain(`<testsuite name="projectkit-conformance.sync" tests="${report.checks.length}" failures="0"`)
    }))

  it.effect("fails with a wrong key, reporting the failing exchange without the key", () =>
    Effect.gen(function*() {
      const info = yield* Reference
      const dir = mkdtempSync(join(tmpdir(), "pkc-"))
      const wrong = "sk-this-key-is-wrong-and-secret"
      const outcome = yield* run([
        "--dialect", "sync", "--base-url", info.baseUrl, "--sync-api-key", wrong, "--filter", "SYNC-PROJ-001,SYNC-ISO,SYNC-PROJ-002",
        "--unsupported", "SYNC-PROJ-002", "--json-report", join(dir, "r.json")
      ])
      expect(outcome).toBe("failed")
      const text = readFileSync(join(dir, "r.json"), "utf8")
      expect(text).not.toContain(wrong)
      const report = JSON.parse(text) as Report.Report
      expect(report.checks.map((c) => [c.id, c.status])).toEqual([
        ["SYNC-PROJ-001", "failed"],
        ["SYNC-PROJ-002", "skipped"],
        ["SYNC-ISO-001", "skipped"],
        ["SYNC-ISO-002", "skipped"]
      ])
      const failed = report.checks[0]!
      expect(failed.exchange?.response.status).toBe(401)
      expect(failed.exchange?.request.headers["x-api-key"]).toBe("[REDACTED]")
      expect(report.checks[1]!.reason).toContain("declared unsupported")
      expect(report.checks[2]!.reason).toContain("second organization")
    }))

  it.effect("takes a dialect's own base URL over the root", () =>
    Effect.gen(function*() {
      const info = yield* Reference
      const dir = mkdtempSync(join(tmpdir(), "pkc-"))
      const outcome = yield* run([
        "--dialect", "sync", "--base-url", "http://127.0.0.1:9", "--sync-base-url", `${info.baseUrl}/sync/`,
        "--sync-api-key", info.first.credentials["sync"]!["apiKey"]!, "--filter", "SYNC-PROJ-00", "--json-report", join(dir, "r.json")
      ])
      expect(outcome).toBe("passed")
      const report = JSON.parse(readFileSync(join(dir, "r.json"), "utf8")) as Report.Report
      expect(report.summary.passed).toBe(9)
    }))

  it.effect("skips a dialect without credentials, and an unreachable server is an error", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "pkc-"))
      const skipped = yield* run(["--dialect", "editor", "--base-url", "http://127.0.0.1:9", "--json-report", join(dir, "a.json")])
      expect(skipped).toBe("passed")
      const a = JSON.parse(readFileSync(join(dir, "a.json"), "utf8")) as Report.Report
      expect(a.summary.skipped).toBe(a.checks.length)
      const unreachable = yield* run(
        ["--dialect", "sync", "--base-url", "http://127.0.0.1:9", "--filter", "SYNC-PROJ-010", "--json-report", join(dir, "b.json")],
        { PROJECTKIT_CONFORMANCE_SYNC_API_KEY: "sk-anything" }
      )
      expect(unreachable).toBe("failed")
      const b = JSON.parse(readFileSync(join(dir, "b.json"), "utf8")) as Report.Report
      expect(b.checks.map((c) => c.status)).toEqual(["error"])
    }))
})
