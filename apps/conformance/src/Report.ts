/**
 * The result of a run and its three renderings: a human summary ending in
 * `N passed, N failed, N skipped`, a JSON report, and JUnit XML. Secrets (the configured
 * credentials, and tokens the checks were given) never leave here unredacted.
 */
import type { Dialect, Exchange, Profile, Source } from "./Check.js"

export const SUITE_VERSION = "0.1.0"

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
  readonly summary: { readonly passed: number; readonly failed: number; readonly skipped: number; readonly error: number }
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
    summary: { passed: count("passed"), failed: count("failed"), skipped: count("skipped"), error: count("error") },
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

const mark: Record<Status, string> = { passed: "PASS", failed: "FAIL", skipped: "SKIP", error: "ERR " }

export const summary = (report: Report): string => {
  const lines: Array<string> = [
    `projectkit-conformance ${report.version} — dialects: ${report.dialects.join(", ")}; profile: ${report.profile}`,
    ""
  ]
  for (const check of report.checks) {
    const detail = check.status === "skipped" ? ` (${check.reason})` : check.message ? ` — ${check.message}` : ""
    lines.push(`${mark[check.status]} ${check.id} ${check.title}${detail}`)
    if ((check.status === "failed" || check.status === "error") && check.exchange) {
      const { request, response } = check.exchange
      lines.push(`       ${request.method} ${request.url} → ${response.status} ${response.body.slice(0, 300)}`)
    }
  }
  lines.push("")
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

export const junit = (report: Report): string => {
  const seconds = (ms: number) => (ms / 1000).toFixed(3)
  const suites = report.dialects.map((dialect) => {
    const checks = report.checks.filter((check) => check.dialect === dialect)
    const count = (status: Status) => checks.filter((check) => check.status === status).length
    const cases = checks.map((check) => {
      const open = `    <testcase classname="projectkit-conformance.${dialect}" name="${xml(`${check.id} ${check.title}`)}" time="${
        seconds(check.durationMs)
      }">`
      const exchange = check.exchange
        ? xml(
          `${check.exchange.request.method} ${check.exchange.request.url}\n${check.exchange.request.body ?? ""}\n→ ${check.exchange.response.status}\n${check.exchange.response.body}`
        )
        : ""
      const body = check.status === "failed"
        ? `\n      <failure message="${xml(check.message ?? "")}">${exchange}</failure>\n    `
        : check.status === "error"
        ? `\n      <error message="${xml(check.message ?? "")}">${exchange}</error>\n    `
        : check.status === "skipped"
        ? `\n      <skipped message="${xml(check.reason ?? "")}"/>\n    `
        : ""
      const source = `\n      <properties><property name="source" value="${xml(`${check.source.document}: ${check.source.sentence}`)}"/><property name="profile" value="${check.profile}"/></properties>\n    `
      return `${open}${source}${body}</testcase>`
    })
    return [
      `  <testsuite name="projectkit-conformance.${dialect}" tests="${checks.length}" failures="${count("failed")}" errors="${
        count("error")
      }" skipped="${count("skipped")}" time="${seconds(checks.reduce((t, c) => t + c.durationMs, 0))}" timestamp="${report.startedAt}">`,
      ...cases,
      "  </testsuite>"
    ].join("\n")
  })
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="projectkit-conformance" tests="${report.checks.length}" failures="${report.summary.failed}" errors="${report.summary.error}" skipped="${report.summary.skipped}" time="${
      seconds(report.durationMs)
    }">`,
    ...suites,
    "</testsuites>",
    ""
  ].join("\n")
}
