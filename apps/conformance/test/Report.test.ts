/**
 * The renderings of a report: the summary's last line, JUnit XML, and secrets redacted everywhere.
 */
import { describe, expect, it } from "@effect/vitest"
import type { Exchange } from "../src/Check.js"
import * as Report from "../src/Report.js"

const secret = "sk-very-secret-key"

const exchange: Exchange = {
  request: {
    method: "POST",
    url: `http://server/sync/v2/projects?token=${secret}`,
    headers: { "x-api-key": secret, "content-type": "application/json" },
    body: `{"name":"<a & b>","key":"${secret}"}`
  },
  response: {
    status: 500,
    headers: { "content-type": "application/json" },
    body: `{"echo":"${secret}"}`,
    json: { echo: secret }
  },
  durationMs: 3
}

const base = {
  title: "A check & its <title>",
  dialect: "sync" as const,
  profile: "core" as const,
  source: { document: "seeds/000.txt", sentence: "A \"sentence\"." },
  durationMs: 5
}

const report = Report.make({
  startedAt: new Date(),
  dialects: ["sync"],
  profile: "core",
  filter: [],
  prefix: "pkc-test",
  targets: { sync: { baseUrl: "http://server/sync" } },
  results: [
    { ...base, id: "SYNC-A-001", status: "passed", exchange },
    { ...base, id: "SYNC-A-002", status: "failed", message: `expected 201 for ${secret}`, exchange },
    { ...base, id: "SYNC-A-003", status: "skipped", reason: "needs a second organization" },
    { ...base, id: "SYNC-A-004", status: "error", message: "connection refused" }
  ],
  cleanupProblems: [],
  secrets: [secret]
})

describe("Report", () => {
  it("counts every status", () => {
    expect(report.summary).toEqual({ passed: 1, failed: 1, skipped: 1, error: 1 })
    expect(Report.succeeded(report)).toBe(false)
  })

  it("ends the summary with `N passed, N failed, N skipped`, errors on the line before", () => {
    const lines = Report.summary(report).split("\n")
    expect(lines[lines.length - 1]).toBe("1 passed, 1 failed, 1 skipped")
    expect(lines[lines.length - 2]).toContain("1 errored")
  })

  it("keeps the exchange of failures only, with every secret redacted", () => {
    expect(report.checks[0]!.exchange).toBeUndefined()
    const json = Report.json(report)
    expect(json).not.toContain(secret)
    expect(report.checks[1]!.exchange?.request.headers["x-api-key"]).toBe("[REDACTED]")
    expect(report.checks[1]!.exchange?.response.json).toEqual({ echo: "[REDACTED]" })
  })

  it("renders JUnit XML with failures, errors and skips, escaped", () => {
    const xml = Report.junit(report)
    expect(xml).toContain(`<testsuite name="projectkit-conformance.sync" tests="4" failures="1" errors="1" skipped="1"`)
    expect(xml).toContain(`name="SYNC-A-002 A check &amp; its &lt;title&gt;"`)
    expect(xml).toContain(`<failure message="expected 201 for [REDACTED]">`)
    expect(xml).toContain(`<error message="connection refused">`)
    expect(xml).toContain(`<skipped message="needs a second organization"/>`)
    expect(xml).toContain(`A &quot;sentence&quot;.`)
    expect(xml).not.toContain(secret)
  })
})
