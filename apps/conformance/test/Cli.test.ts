/**
 * The command line: in-process against the reference server (flags and environment, the reports
 * it writes, secrets redacted, the outcome that decides the exit code), then as a user runs it — the
 * built bin in a child process — for what only a process shows: exit codes, what reaches stdout and
 * stderr, colour, help and version.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it, layer } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import { execFile, execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { cli, colours, exitCodes, type Outcome, RunOutcome } from "../src/Cli.js"
import { allChecks } from "../src/dialects/index.js"
import type * as Report from "../src/Report.js"
import * as Junit from "./support/Junit.js"
import { Reference, layer as referenceLayer } from "./support/Reference.js"

const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const outcome = yield* Ref.make<Outcome>("not run")
    // The summary would fill the test output; it is tested in Report.test.ts and below.
    const silent: Console.Console = { ...(yield* Effect.console), log: () => Effect.void, error: () => Effect.void }
    yield* cli(["node", "projectkit-conformance", ...args]).pipe(
      Effect.provideService(RunOutcome, outcome),
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.withConsole(silent)
    )
    return yield* Ref.get(outcome)
  })

/** A loopback port nothing listens on. */
const closedPort = () =>
  Effect.promise(() =>
    new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const address = server.address()
        server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 1))
      })
    })
  )

layer(referenceLayer, { excludeTestServices: true, timeout: 60_000 })("projectkit-conformance, in-process", (it) => {
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
      // Skipped only for want of the member key and a webhook receiver, and the report says which option.
      expect(
        report.checks.filter((c) => c.status === "skipped").every((c) => ["--sync-member-api-key", "--webhook-host"].includes(c.unconfigured ?? ""))
      ).toBe(true)
      expect(text).not.toContain(key)
      expect(text).not.toContain(key2)
      const xml = readFileSync(join(dir, "junit/r.xml"), "utf8")
      expect(xml).toContain(`<testsuite name="projectkit-conformance.sync" tests="${report.checks.length}" failures="0"`)
      if (Junit.available) expect(Junit.validate(xml)).toMatchObject({ valid: true })
    }))

  it.effect("fails with a wrong key for a check, reporting the failing exchange without the key", () =>
    Effect.gen(function*() {
      const info = yield* Reference
      const dir = mkdtempSync(join(tmpdir(), "pkc-"))
      const key = info.first.credentials["sync"]!["apiKey"]!
      const wrong = "sk-this-key-is-wrong-and-secret"
      // The first organization's key passes the preflight; the second is wrong, so the isolation
      // check that uses it fails.
      const outcome = yield* run([
        "--dialect", "sync", "--base-url", info.baseUrl, "--sync-api-key", key, "--sync-api-key-2", wrong,
        "--filter", "SYNC-ISO-001,SYNC-PROJ-002", "--unsupported", "SYNC-PROJ-002", "--json-report", join(dir, "r.json")
      ])
      expect(outcome).toBe("failed")
      const text = readFileSync(join(dir, "r.json"), "utf8")
      expect(text).not.toContain(wrong)
      const report = JSON.parse(text) as Report.Report
      expect(report.checks.map((c) => [c.id, c.status])).toEqual([["SYNC-PROJ-002", "skipped"], ["SYNC-ISO-001", "failed"]])
      expect(report.checks[0]!.reason).toContain("declared unsupported")
      const failed = report.checks[1]!
      expect(failed.exchange?.response.status).toBe(401)
      expect(failed.exchange?.request.headers["x-api-key"]).toBe("[REDACTED]")
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

  it.effect("--sync-webhook-secret verifies the batch webhook's signature, and is redacted; --lifecycle-timeout-ms bounds the wait", () =>
    Effect.gen(function*() {
      const info = yield* Reference
      const dir = mkdtempSync(join(tmpdir(), "pkc-"))
      const secret = info.first.webhookSecret!
      const args = (webhookSecret: string, report: string) => [
        "--dialect", "sync", "--base-url", info.baseUrl, "--sync-api-key", info.first.credentials["sync"]!["apiKey"]!,
        "--filter", "SYNC-BATCH-013", "--webhook-host", "127.0.0.1", "--lifecycle-timeout-ms", "5000",
        "--sync-webhook-secret", webhookSecret, "--json-report", join(dir, report)
      ]
      expect(yield* run(args(secret, "right.json"))).toBe("passed")
      const text = readFileSync(join(dir, "right.json"), "utf8")
      expect(text).not.toContain(secret)
      expect(JSON.parse(text)).toMatchObject({ config: { targets: { sync: { credentials: { webhookSecret: "[REDACTED]" } } } } })
      // Another secret: the same delivery's signature no longer matches.
      expect(yield* run(args(`${secret}x`, "wrong.json"))).toBe("failed")
      const wrong = JSON.parse(readFileSync(join(dir, "wrong.json"), "utf8")) as Report.Report
      expect(wrong.checks[0]?.message).toContain("does not match")
    }))

  it.effect("a dialect without credentials is unchecked, unless allowed; an unreachable server stops the run", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "pkc-"))
      const port = yield* closedPort()
      const skipped = yield* run(["--dialect", "indream", "--base-url", `http://127.0.0.1:${port}`, "--json-report", join(dir, "a.json")])
      expect(skipped).toBe("unchecked")
      const a = JSON.parse(readFileSync(join(dir, "a.json"), "utf8")) as Report.Report
      expect(a.summary.skipped).toBe(a.checks.length)
      expect(a.summary.unconfigured).toBe(a.checks.length)
      expect(a.checks.every((c) => c.unconfigured === "--indream-api-key")).toBe(true)
      expect(yield* run(["--dialect", "indream", "--allow-skipped-dialects"])).toBe("passed")
      expect(yield* run(["--dialect", "indream"], { PROJECTKIT_CONFORMANCE_ALLOW_SKIPPED_DIALECTS: "true" })).toBe("passed")
      const unreachable = yield* run(
        ["--dialect", "sync", "--base-url", `http://127.0.0.1:${port}`, "--json-report", join(dir, "b.json")],
        { PROJECTKIT_CONFORMANCE_SYNC_API_KEY: "sk-anything" }
      )
      expect(unreachable).toBe("unreachable")
      // Nothing was run, so no report claims anything.
      expect(existsSync(join(dir, "b.json"))).toBe(false)
    }))
})

// ---------------------------------------------------------------------------------------------
// The built command, as a child process
// ---------------------------------------------------------------------------------------------

const root = fileURLToPath(new URL("..", import.meta.url))
const bin = join(root, "dist", "bin.js")

/** The newest modification time under a folder. */
const newest = (dir: string): number =>
  Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
    entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs
  ))

interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs the built bin with only the given environment (plus PATH), as a CI job would. */
const command = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.async<Ran>((resume) => {
    execFile(process.execPath, [bin, ...args], { env: { PATH: process.env["PATH"] ?? "", ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
      resume(Effect.succeed({ code, stdout, stderr }))
    })
  })

const ESC = "\u001b"

describe("the bin", () => {
  it("is built from the current sources (turbo builds before testing; otherwise run the build)", () => {
    expect(existsSync(bin)).toBe(true)
    expect(statSync(bin).mtimeMs).toBeGreaterThanOrEqual(newest(join(root, "src")) - 1000)
  })
})

layer(referenceLayer, { excludeTestServices: true, timeout: 60_000 })("projectkit-conformance, as a command", (it) => {
  it.effect("with no configuration at all: exit 3, and says which options would run the skipped checks", () =>
    Effect.gen(function*() {
      const ran = yield* command([])
      expect(ran.code).toBe(exitCodes.unchecked)
      expect(ran.stdout).toContain(`0 passed, 0 failed, ${allChecks.length} skipped`)
      expect(ran.stdout).toContain(`${allChecks.length} skipped for lack of configuration`)
      for (const option of ["--sync-api-key", "--indream-api-key", "--sanity-token"]) expect(ran.stdout).toContain(option)
      expect(ran.stdout).toContain("PROJECTKIT_CONFORMANCE_SYNC_API_KEY")
      expect(ran.stderr).toContain("nothing was checked of sync, indream, sanity")
      expect(ran.stderr).toContain("--allow-skipped-dialects")
      // Declared expected: exit 0.
      expect((yield* command(["--allow-skipped-dialects"])).code).toBe(0)
    }))

  it.effect("a selected dialect left without credentials fails the run; its checks are counted and the option named", () =>
    Effect.gen(function*() {
      const info = yield* Reference
      const ran = yield* command(["--base-url", info.baseUrl, "--filter", "PROJ-001"], {
        PROJECTKIT_CONFORMANCE_SYNC_API_KEY: info.first.credentials["sync"]!["apiKey"]!
      })
      expect(ran.stdout).toContain("PASS SYNC-PROJ-001")
      expect(ran.stdout).toContain("1 passed, 0 failed, 2 skipped")
      expect(ran.stdout).toContain("--indream-api-key (or PROJECTKIT_CONFORMANCE_INDREAM_API_KEY): 1 check")
      expect(ran.stderr).toContain("nothing was checked of indream, sanity")
      expect(ran.code).toBe(exitCodes.unchecked)
      // A filter that selects nothing checks nothing either.
      expect((yield* command(["--base-url", info.baseUrl, "--filter", "NO-SUCH-CHECK"])).code).toBe(exitCodes.unchecked)
    }))

  it.effect("an unreachable server: one line per dialect, exit 4, no check run", () =>
    Effect.gen(function*() {
      const port = yield* closedPort()
      const ran = yield* command(["--base-url", `http://127.0.0.1:${port}`], {
        PROJECTKIT_CONFORMANCE_SYNC_API_KEY: "sk-a",
        PROJECTKIT_CONFORMANCE_INDREAM_API_KEY: "ek-a",
        PROJECTKIT_CONFORMANCE_SANITY_TOKEN: "st-a"
      })
      expect(ran.code).toBe(exitCodes.unreachable)
      const lines = ran.stderr.trim().split("\n")
      expect(lines).toEqual([
        `projectkit-conformance: sync: cannot reach http://127.0.0.1:${port}/sync (ECONNREFUSED 127.0.0.1:${port})`,
        `projectkit-conformance: indream: cannot reach http://127.0.0.1:${port}/indream (ECONNREFUSED 127.0.0.1:${port})`,
        `projectkit-conformance: sanity: cannot reach http://127.0.0.1:${port}/sanity (ECONNREFUSED 127.0.0.1:${port})`,
        `projectkit-conformance: no check was run (exit code 4)`
      ])
      expect(ran.stdout).toBe("")
    }))

  it.effect("a base URL without the API (404) is unreachable; a refused key is exit 5", () =>
    Effect.gen(function*() {
      const info = yield* Reference
      const missing = yield* command(["--dialect", "sync", "--sync-base-url", `${info.baseUrl}/nowhere`, "--sync-api-key", "sk-x"])
      expect(missing.code).toBe(exitCodes.unreachable)
      expect(missing.stderr).toContain("answered 404 — is the base URL right?")
      const refused = yield* command(["--dialect", "sanity", "--base-url", info.baseUrl, "--sanity-token", "not-a-token"])
      expect(refused.code).toBe(exitCodes.rejected)
      expect(refused.stderr).toContain("sanity: the server refused the credential (--sanity-token)")
      expect(refused.stderr).toContain("401")
      expect(refused.stderr.trim().split("\n")).toHaveLength(2)
      expect(refused.stderr + refused.stdout).not.toContain("not-a-token")
    }))
})

describe("projectkit-conformance's command-line conventions", () => {
  it.effect("--help is plain text when not on a terminal, and shows optional options as optional", () =>
    Effect.gen(function*() {
      const ran = yield* command(["--help"])
      expect(ran.code).toBe(0)
      expect(ran.stdout).not.toContain(ESC)
      const usage = ran.stdout.split("\n").find((line) => line.startsWith("$ projectkit-conformance"))!
      for (const option of ["--filter", "--unsupported", "--dialect", "--sync-api-key", "--allow-skipped-dialects", "--json-report"]) {
        expect(usage).toContain(`[${option}`)
      }
      // Nothing in the usage is shown as required.
      expect(usage.replace(/\[[^\]]*\]/g, "").trim()).toBe("$ projectkit-conformance")
    }))

  it.effect.skipIf(!existsSync("/usr/bin/script"))("--help is styled on a terminal, and plain there too with NO_COLOR", () =>
    Effect.gen(function*() {
      // `script` gives the command a terminal.
      const onTerminal = (env: Record<string, string>) =>
        execFileSync("script", ["-qec", `'${process.execPath}' '${bin}' --help`, "/dev/null"], {
          env: { PATH: process.env["PATH"] ?? "", ...env },
          encoding: "utf8"
        })
      expect(onTerminal({})).toContain(ESC)
      expect(onTerminal({ NO_COLOR: "1" })).not.toContain(ESC)
    }))

  it("colours only a terminal without NO_COLOR", () => {
    expect(colours({ isTTY: true }, {})).toBe(true)
    expect(colours({ isTTY: true }, { NO_COLOR: "1" })).toBe(false)
    expect(colours({ isTTY: true }, { NO_COLOR: "" })).toBe(true)
    expect(colours({ isTTY: false }, {})).toBe(false)
    expect(colours({}, {})).toBe(false)
  })

  it.effect("a bad flag or value: one clean message and a hint, exit 2", () =>
    Effect.gen(function*() {
      for (const args of [["--bogus"], ["--dialect", "nope"]]) {
        const ran = yield* command(args)
        expect(ran.code).toBe(exitCodes.usage)
        expect(ran.stdout).toBe("")
        expect(ran.stderr).not.toContain(ESC)
        // No log line repeating the error as JSON.
        expect(ran.stderr).not.toMatch(/level=|"_tag"|fiber=/)
        const lines = ran.stderr.split("\n").filter((line) => line.trim() !== "")
        expect(lines).toHaveLength(2)
        expect(lines[1]).toBe("Run projectkit-conformance --help for the options.")
      }
    }))

  it.effect("--version is the package's", () =>
    Effect.gen(function*() {
      const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }
      const ran = yield* command(["--version"])
      expect(ran.code).toBe(0)
      expect(ran.stdout.trim()).toBe(manifest.version)
    }))
})
