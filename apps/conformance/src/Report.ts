/**
 * The result of a run and its three renderings: a human summary ending in
 * `N passed, N failed, N skipped`, a JSON report, and JUnit XML. Secrets (the configured
 * credentials, and tokens the checks were given) never leave here unredacted.
 */
import type { Dialect, Exchange, Profile, Source } from "./Check.js"
import { version } from "./internal/version.js"

/** The suite's version: its package.json's. */
export const SUITE_VERSION = version

export type Status = "passed" | "failed" | "skipped" | "error"

export interface CheckResult {
  readonly id: string
  readonly title: string
  readonly dialect: Dialect
  readonly profile: Profile
  readonly source: Source
  readonly status: Status
  readonly durationMs: number
  /** Why it was skipped. */
  readonly reason?: string
  /**
   * For a check skipped for want of configuration (a credential, a webhook receiver): the option
   * that would have run it, e.g. `--<dialect>-api-key-2`.
   */
  readonly unconfigured?: string
  /** What failed, or what went wrong in the harness. */
  readonly message?: string
  /** The request and response that failed (failures and errors only). */
  readonly exchange?: Exchange
}

export interface Report {
  readonly suite: "projectkit-conformance"
  readonly version: string
  readonly startedAt: string
  readonly durationMs: number
  readonly dialects: ReadonlyArray<Dialect>
  readonly profile: Profile
  readonly config: {
    readonly filter: ReadonlyArray<string>
    readonly prefix: string
    readonly targets: Readonly<Record<string, unknown>>
  }
  readonly summary: {
    readonly passed: number
    readonly failed: number
    readonly skipped: number
    readonly error: number
    /** Of the skipped, how many for want of configuration (see each check's `unconfigured`). */
    readonly unconfigured: number
  }
  readonly checks: ReadonlyArray<CheckResult>
  /** Cleanups that did not succeed: what may be left behind on the server. */
  readonly cleanupProblems: ReadonlyArray<string>
}

const REDACTED = "[REDACTED]"
const secretHeaders = new Set(["authorization", "x-api-key", "cookie", "set-cookie", "proxy-authorization"])

const redactText = (text: string, secrets: ReadonlyArray<string>) =>
  secrets.reduce((out, secret) => (secret.length >= 4 ? out.split(secret).join(REDACTED) : out), text)

const redactHeaders = (headers: Readonly<Record<string, string>>, secrets: ReadonlyArray<string>) =>
  Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key, secretHeaders.has(key.toLowerCase()) ? REDACTED : redactText(value, secrets)])
  )

const redactJson = (value: unknown, secrets: ReadonlyArray<string>): unknown => {
  if (value === undefined) return undefined
  return JSON.parse(redactText(JSON.stringify(value), secrets)) as unknown
}

export const redactExchange = (exchange: Exchange, secrets: ReadonlyArray<string>): Exchange => ({
  request: {
    method: exchange.request.method,
    url: redactText(exchange.request.url, secrets),
    headers: redactHeaders(exchange.request.headers, secrets),
    ...(exchange.request.body === undefined ? {} : { body: redactText(exchange.request.body, secrets) })
  },
  response: {
    status: exchange.response.status,
    headers: redactHeaders(exchange.response.headers, secrets),
    body: redactText(exchange.response.body, secrets),
    json: redactJson(exchange.response.json, secrets)
  },
  durationMs: exchange.durationMs
})

export interface MakeInput {
  readonly startedAt: Date
  readonly dialects: ReadonlyArray<Dialect>
  readonly profile: Profile
  readonly filter: ReadonlyArray<string>
  readonly prefix: string
  readonly targets: Readonly<Record<string, unknown>>
  readonly results: ReadonlyArray<CheckResult>
  readonly cleanupProblems: ReadonlyArray<string>
  readonly secrets: ReadonlyArray<string>
}

export const make = (input: MakeInput): Report => {
  const count = (status: Status) => input.results.filter((r) => r.status === status).length
  return {
    suite: "projectkit-conformance",
    version: SUITE_VERSION,
    startedAt: input.startedAt.toISOString(),
    durationMs: Date.now() - input.startedAt.getTime(),
    dialects: input.dialects,
    profile: input.profile,
    config: { filter: input.filter, prefix: input.prefix, targets: input.targets },
    summary: {
      passed: count("passed"),
      failed: count("failed"),
      skipped: count("skipped"),
      error: count("error"),
      unconfigured: input.results.filter((r) => r.status === "skipped" && r.unconfigured !== undefined).length
    },
    checks: input.results.map((result) => {
      if (result.exchange === undefined) return result
      if (result.status === "passed" || result.status === "skipped") {
        const { exchange: _, ...rest } = result
        return rest
      }
      return {
        ...result,
        ...(result.message ? { message: redactText(result.message, input.secrets) } : {}),
        exchange: redactExchange(result.exchange, input.secrets)
      }
    }),
    cleanupProblems: input.cleanupProblems.map((problem) => redactText(problem, input.secrets))
  }
}

/** Whether the run passed: nothing failed and nothing errored. */
export const succeeded = (report: Report) => report.summary.failed === 0 && report.summary.error === 0

/** Whether any check ran (passed, failed or errored) rather than being skipped. */
export const checkedAnything = (report: Report) => report.checks.some((check) => check.status !== "skipped")

/**
 * The selected dialects of which nothing was checked: every one of their selected checks was
 * skipped (most often: no credential for the dialect was given).
 */
export const uncheckedDialects = (report: Report): ReadonlyArray<Dialect> =>
  report.dialects.filter((dialect) => {
    const checks = report.checks.filter((check) => check.dialect === dialect)
    return checks.length > 0 && checks.every((check) => check.status === "skipped")
  })

/**
 * How the run went, for a CI job: `failed` when a check failed or errored; `unchecked` when it
 * checked nothing, or nothing of a selected dialect — a job whose secrets are missing must not go
 * green — unless that is declared expected (`allowUnchecked`); `passed` otherwise.
 */
export const outcome = (
  report: Report,
  options: { readonly allowUnchecked?: boolean } = {}
): "passed" | "failed" | "unchecked" =>
  !succeeded(report)
    ? "failed"
    : options.allowUnchecked !== true && (!checkedAnything(report) || uncheckedDialects(report).length > 0)
    ? "unchecked"
    : "passed"

/** The options that would run the checks skipped for want of configuration, with how many each. */
export const missingOptions = (report: Report): ReadonlyArray<{ readonly option: string; readonly checks: number }> => {
  const counts = new Map<string, number>()
  for (const check of report.checks) {
    if (check.status === "skipped" && check.unconfigured !== undefined) {
      counts.set(check.unconfigured, (counts.get(check.unconfigured) ?? 0) + 1)
    }
  }
  return [...counts].map(([option, checks]) => ({ option, checks }))
}

/** The environment variable of a command-line option: `--json-report` → `PROJECTKIT_CONFORMANCE_JSON_REPORT`. */
export const envOf = (option: string) => `PROJECTKIT_CONFORMANCE_${option.replace(/^--/, "").replace(/-/g, "_").toUpperCase()}`

/** Where a check's rule is written, for people to follow: document, sentence and public page. */
export const sourceText = (check: Pick<CheckResult, "source">): string => {
  const { document, note, sentence, url } = check.source
  return `source: ${document}: \u201c${sentence.replace(/\s*\n\s*/g, " ")}\u201d${url ? ` (${url})` : ""}${note ? ` \u2014 ${note}` : ""}`
}

const exchangeText = (exchange: Exchange) =>
  `${exchange.request.method} ${exchange.request.url}${exchange.request.body ? `\n${exchange.request.body}` : ""}\n\u2192 ${exchange.response.status}\n${exchange.response.body}`

const mark: Record<Status, string> = { passed: "PASS", failed: "FAIL", skipped: "SKIP", error: "ERR " }

export const summary = (report: Report): string => {
  const lines: Array<string> = [
    `projectkit-conformance ${report.version} — dialects: ${report.dialects.join(", ")}; profile: ${report.profile}`,
    ""
  ]
  const unchecked = uncheckedDialects(report)
  for (const dialect of report.dialects) {
    const checks = report.checks.filter((check) => check.dialect === dialect)
    const reasons = new Set(checks.map((check) => check.reason))
    // A dialect skipped whole for one reason (no credential, most often) is one line, not one per check.
    if (unchecked.includes(dialect) && reasons.size === 1) {
      lines.push(`SKIP ${dialect}: all ${checks.length} checks (${checks[0]!.reason})`)
      continue
    }
    for (const check of checks) {
      const detail = check.status === "skipped" ? ` (${check.reason})` : check.message ? ` — ${check.message}` : ""
      lines.push(`${mark[check.status]} ${check.id} ${check.title}${detail}`)
      if (check.status === "failed" || check.status === "error") {
        if (check.exchange) {
          const { request, response } = check.exchange
          lines.push(`       ${request.method} ${request.url} → ${response.status} ${response.body.slice(0, 300)}`)
        }
        lines.push(`       ${sourceText(check)}`)
      }
    }
  }
  lines.push("")
  const missing = missingOptions(report)
  if (missing.length > 0) {
    lines.push(`${report.summary.unconfigured} skipped for lack of configuration; these options would run them:`)
    for (const { checks, option } of missing) {
      lines.push(`  ${option} (or ${envOf(option)}): ${checks} check${checks === 1 ? "" : "s"}`)
    }
  }
  if (unchecked.length > 0) lines.push(`nothing was checked of: ${unchecked.join(", ")}`)
  if (report.cleanupProblems.length > 0) {
    lines.push(`cleanup: ${report.cleanupProblems.length} resource(s) may be left behind:`)
    for (const problem of report.cleanupProblems) lines.push(`  ${problem}`)
  }
  if (report.summary.error > 0) lines.push(`${report.summary.error} errored (the harness failed; see above)`)
  lines.push(`${report.summary.passed} passed, ${report.summary.failed} failed, ${report.summary.skipped} skipped`)
  return lines.join("\n")
}

export const json = (report: Report): string => JSON.stringify(report, null, 2)

const xml = (text: string) =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    // Characters XML 1.0 cannot carry at all.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "")

/**
 * JUnit XML that validates against the schema CI systems check reports with (the Jenkins xUnit
 * plugin's junit-10.xsd, restated in test/support/junit-10.xsd): per dialect a `testsuite` with the
 * run's settings as `properties`; per check a `testcase` (classname, name, time — what GitLab and
 * GitHub reporters read) holding `failure`, `error` or `skipped`, and the check's source in
 * `system-out` (a test case may not carry `properties` in that schema).
 */
export const junit = (report: Report): string => {
  const seconds = (ms: number) => (ms / 1000).toFixed(3)
  const suites = report.dialects.map((dialect) => {
    const checks = report.checks.filter((check) => check.dialect === dialect)
    const count = (status: Status) => checks.filter((check) => check.status === status).length
    const target = report.config.targets[dialect]
    const baseUrl = typeof target === "object" && target !== null && "baseUrl" in target ? String(target.baseUrl) : ""
    const properties = [
      ["suite", `${report.suite} ${report.version}`],
      ["profile", report.profile],
      ["prefix", report.config.prefix],
      ...(baseUrl === "" ? [] : [["baseUrl", baseUrl]])
    ].map(([name, value]) => `      <property name="${xml(name!)}" value="${xml(value!)}"/>`)
    const cases = checks.map((check) => {
      const lines = [
        `    <testcase classname="projectkit-conformance.${dialect}" name="${xml(`${check.id} ${check.title}`)}" time="${
          seconds(check.durationMs)
        }">`
      ]
      const details = [check.message ?? "", sourceText(check), ...(check.exchange ? [exchangeText(check.exchange)] : [])]
        .filter((part) => part !== "").join("\n\n")
      if (check.status === "failed") {
        lines.push(`      <failure message="${xml(check.message ?? "")}" type="CheckFailed">${xml(details)}</failure>`)
      } else if (check.status === "error") {
        lines.push(`      <error message="${xml(check.message ?? "")}" type="HarnessError">${xml(details)}</error>`)
      } else if (check.status === "skipped") {
        lines.push(`      <skipped message="${xml(check.reason ?? "")}"/>`)
      }
      lines.push(`      <system-out>${xml(`${sourceText(check)}\nprofile: ${check.profile}`)}</system-out>`, "    </testcase>")
      return lines.join("\n")
    })
    return [
      `  <testsuite name="projectkit-conformance.${dialect}" tests="${checks.length}" failures="${count("failed")}" errors="${
        count("error")
      }" skipped="${count("skipped")}" time="${seconds(checks.reduce((t, c) => t + c.durationMs, 0))}" timestamp="${report.startedAt}">`,
      "    <properties>",
      ...properties,
      "    </properties>",
      ...cases,
      "  </testsuite>"
    ].join("\n")
  })
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    // No `skipped` here: the schema allows it on each testsuite only.
    `<testsuites name="projectkit-conformance" tests="${report.checks.length}" failures="${report.summary.failed}" errors="${report.summary.error}" time="${
      seconds(report.durationMs)
    }">`,
    ...suites,
    "</testsuites>",
    ""
  ].join("\n")
}
