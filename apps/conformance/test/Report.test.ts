/**
 * The renderings of a report: the summary's last line, JUnit XML, and secrets redacted everywhere.
 */
import { describe, expect, it } from "@effect/vitest"
import type { Exchange } from "../src/Check.js"
import * as Report from "../src/Report.js"
import * as Junit from "./support/Junit.js"

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

const input: Report.MakeInput = {
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
}

const report = Report.make(input)

describe("Report", () => {
  it("counts every status", () => {
    expect(report.summary).toEqual({ passed: 1, failed: 1, skipped: 1, error: 1, unconfigured: 0 })
    expect(Report.succeeded(report)).toBe(false)
  })

  it("shows each failure's source: document, sentence, public page", () => {
    const text = Report.summary(Report.make({
      ...input,
      results: [{ ...base, id: "SYNC-A-002", status: "failed", message: "no", source: { ...base.source, url: "https://example.com/doc" } }]
    }))
    expect(text).toContain(`       source: seeds/000.txt: \u201cA "sentence".\u201d (https://example.com/doc)`)
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
    expect(xml).toContain(`<failure message="expected 201 for [REDACTED]" type="CheckFailed">`)
    expect(xml).toContain(`<error message="connection refused" type="HarnessError">`)
    expect(xml).toContain(`<skipped message="needs a second organization"/>`)
    expect(xml).toContain(`A &quot;sentence&quot;.`)
    expect(xml).not.toContain(secret)
  })

  it("puts what GitLab and GitHub read where they read it: testcase classname, name, time; failure, skipped", () => {
    const xml = Report.junit(report)
    expect(xml).toMatch(/<testcase classname="projectkit-conformance\.sync" name="SYNC-A-001 [^"]*" time="\d+\.\d{3}">/)
    // The failure's text says what failed, where the rule is written, and the exchange.
    const failure = xml.slice(xml.indexOf("<failure"), xml.indexOf("</failure>"))
    expect(failure).toContain("source: seeds/000.txt")
    expect(failure).toContain("POST http://server/sync/v2/projects")
    expect(failure).toContain("→ 500")
  })
})

describe("a run that checked nothing", () => {
  const unconfigured = (id: string, dialect: "sync" | "indream", option: string) => ({
    ...base,
    id,
    dialect,
    status: "skipped" as const,
    reason: `needs ${option}`,
    unconfigured: option
  })
  const partly = Report.make({
    ...input,
    dialects: ["sync", "indream"],
    results: [
      { ...base, id: "SYNC-A-001", status: "passed" },
      unconfigured("SYNC-A-002", "sync", "--sync-api-key-2"),
      unconfigured("IND-A-001", "indream", "--indream-api-key"),
      unconfigured("IND-A-002", "indream", "--indream-api-key")
    ]
  })

  it("is not a pass: unchecked, unless declared expected", () => {
    expect(Report.outcome(partly)).toBe("unchecked")
    expect(Report.uncheckedDialects(partly)).toEqual(["indream"])
    expect(Report.outcome(partly, { allowUnchecked: true })).toBe("passed")
    expect(Report.outcome(Report.make({ ...input, results: [] }))).toBe("unchecked")
    expect(Report.outcome(report)).toBe("failed")
  })

  it("counts the checks skipped for lack of configuration and names the options that would run them", () => {
    expect(partly.summary.unconfigured).toBe(3)
    const text = Report.summary(partly)
    expect(text).toContain("3 skipped for lack of configuration; these options would run them:")
    expect(text).toContain("  --sync-api-key-2 (or PROJECTKIT_CONFORMANCE_SYNC_API_KEY_2): 1 check")
    expect(text).toContain("  --indream-api-key (or PROJECTKIT_CONFORMANCE_INDREAM_API_KEY): 2 checks")
    // A dialect skipped whole is one line.
    expect(text).toContain("SKIP indream: all 2 checks (needs --indream-api-key)")
    expect(text).not.toContain("SKIP IND-A-001")
    expect(text).toContain("SKIP SYNC-A-002")
  })
})

describe.skipIf(!Junit.available)("JUnit XML, against the Jenkins xUnit junit-10.xsd (xmllint --schema)", () => {
  it("validates, for every status", () => {
    const result = Junit.validate(Report.junit(report))
    expect(result.output).toContain("validates")
    expect(result.valid).toBe(true)
  })

  it("validates for an empty run and for a run of several dialects", () => {
    const empty = Report.make({ ...input, results: [] })
    expect(Junit.validate(Report.junit(empty)).valid).toBe(true)
    const several = Report.make({
      ...input,
      dialects: ["sync", "indream"],
      results: [...input.results, { ...base, dialect: "indream", id: "IND-A-001", status: "passed" }]
    })
    expect(Junit.validate(Report.junit(several)).valid).toBe(true)
  })

  it("is a real check: the schema refuses properties in a test case and skipped on testsuites", () => {
    const valid = Report.junit(report)
    const propertiesInCase = valid.replace(
      /(<testcase [^>]*>)/,
      `$1<properties><property name="source" value="x"/></properties>`
    )
    expect(Junit.validate(propertiesInCase).valid).toBe(false)
    const skippedOnRoot = valid.replace(`<testsuites name="projectkit-conformance"`, `<testsuites skipped="1" name="projectkit-conformance"`)
    expect(Junit.validate(skippedOnRoot).valid).toBe(false)
  })
})
