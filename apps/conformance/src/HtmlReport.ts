/**
 * The report for people (`--html-report`, for `run` and `replay`): one self-contained HTML file —
 * no external asset, script or font, so it opens from a CI artifact or a mail — with the summary,
 * every failure (its check id, the sentence it enforces and the page it comes from, the request and
 * the response with credentials masked, and a `curl` line to reproduce it), the coverage of each
 * dialect's operations, and every check's status. Bodies are cut so that a large run stays a small
 * file (a 200-check run is well under 1 MB).
 *
 * The `curl` lines carry no credential: each dialect's credential headers name the environment
 * variable the suite reads it from (`$PROJECTKIT_CONFORMANCE_<DIALECT>_…`), set it and paste.
 */
import type { DialectCoverage } from "./Coverage.js"
import type * as Registration from "./Dialect.js"
import * as Report from "./Report.js"

/** Characters of a body shown; the rest is cut with a note. */
const maxBody = 8_000

const html = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const cutBody = (body: string) =>
  body.length > maxBody ? `${body.slice(0, maxBody)}\n… (${body.length - maxBody} more characters)` : body

/** A shell word in single quotes, any single quote in it closed and escaped. */
const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`

/** Headers a client sets itself: not part of a reproduction. */
const notRepeated = new Set(["content-length", "host", "connection", "accept-encoding"])

/** The environment variable a dialect's primary credential option reads. */
export const credentialVariable = (dialect: Registration.Dialect): string | undefined => {
  const option = dialect.credentials.find((each) => each.credential === "primary")
  return option === undefined ? undefined : Report.envOf(option.flag)
}

/**
 * A `curl` command reproducing a request: the recorded headers but the credential ones, which are
 * the dialect's own with its credential as an environment variable (in double quotes, expanded by
 * the shell).
 */
export const curlOf = (
  request: { readonly method: string; readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body?: string },
  dialect: Registration.Dialect | undefined
): string => {
  const variable = dialect === undefined ? undefined : credentialVariable(dialect)
  const authentication = dialect === undefined || variable === undefined ? {} : dialect.authenticate(`\${${variable}}`)
  const credentialNames = new Set([
    ...Object.keys(authentication).map((name) => name.toLowerCase()),
    "authorization",
    "x-api-key",
    "cookie"
  ])
  const parts = ["curl", "-sS", "-X", request.method, quoted(request.url)]
  for (const [name, value] of Object.entries(request.headers)) {
    if (notRepeated.has(name.toLowerCase()) || credentialNames.has(name.toLowerCase())) continue
    parts.push("-H", quoted(`${name}: ${value}`))
  }
  for (const [name, value] of Object.entries(authentication)) parts.push("-H", `"${name}: ${value}"`)
  if (request.body !== undefined && request.body !== "") parts.push("--data-raw", quoted(request.body))
  return parts.join(" ")
}

const headersText = (headers: Readonly<Record<string, string>>) =>
  Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join("\n")

const style = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}pre{background:#f6f8fa;padding:.5rem;overflow:auto;white-space:pre-wrap;word-break:break-all;margin:.25rem 0}
.passed{color:#1a7f37}.failed,.error{color:#cf222e}.skipped{color:#9a6700}
.failure{border:1px solid #d0d7de;border-radius:6px;padding:0 1rem 1rem;margin:1rem 0}
.counts span{margin-right:1.5rem;font-weight:600}button{font:inherit;cursor:pointer}
.no{color:#cf222e}
`

// Copies the curl line beside the button; nothing else runs in the page.
const script = `document.addEventListener("click",function(e){var b=e.target;if(!b||!b.matches||!b.matches("button.copy"))return;
var t=b.previousElementSibling.textContent;if(navigator.clipboard){navigator.clipboard.writeText(t).then(function(){b.textContent="Copied"},function(){b.textContent="Select and copy"})}});`

export interface HtmlInput {
  readonly report: Report.Report
  readonly registered: ReadonlyArray<Registration.Dialect>
  readonly coverage: ReadonlyArray<DialectCoverage>
  /** The command that re-runs only the failures, shown under them. */
  readonly rerun?: string | undefined
}

const failureSection = (check: Report.CheckResult, registered: ReadonlyArray<Registration.Dialect>) => {
  const dialect = registered.find((each) => each.name === check.dialect)
  const parts = [
    `<section class="failure" id="${html(check.id)}">`,
    `<h3>${html(check.id)} <span class="${check.status}">${check.status}</span> — ${html(check.title)}</h3>`,
    `<p>${html(check.message ?? "")}</p>`,
    `<p><b>Sentence enforced</b> (${html(check.source.document)}): “${html(check.source.sentence)}”${
      check.source.url === undefined ? "" : ` — <a href="${html(check.source.url)}">${html(check.source.url)}</a>`
    }</p>`
  ]
  if (check.valueDifferences !== undefined && check.valueDifferences.length > 0) {
    parts.push(`<p><b>Values that differ</b> (not failures):</p><pre>${html(check.valueDifferences.join("\n"))}</pre>`)
  }
  if (check.exchange !== undefined) {
    const { request, response } = check.exchange
    parts.push(
      `<h4>Request</h4><pre>${html(`${request.method} ${request.url}\n${headersText(request.headers)}${request.body ? `\n\n${cutBody(request.body)}` : ""}`)}</pre>`,
      `<h4>Response</h4><pre>${html(`${response.status}\n${headersText(response.headers)}\n\n${cutBody(response.body)}`)}</pre>`,
      `<h4>Reproduce</h4><pre class="curl">${html(curlOf(request, dialect))}</pre><button class="copy" type="button">Copy</button>`
    )
  }
  parts.push("</section>")
  return parts.join("\n")
}

const coverageSection = (coverage: DialectCoverage) => {
  const exercised = coverage.operations.filter((operation) => operation.requests > 0).length
  const rows = coverage.operations.map((operation) =>
    `<tr><td>${html(operation.method)}</td><td>${html(operation.path)}</td><td${operation.requests === 0 ? ` class="no"` : ""}>${
      operation.requests === 0 ? "no" : `yes (${operation.requests})`
    }</td><td>${html(operation.seen.join(", "))}</td><td>${html(operation.documented.join(", ") || "not documented")}</td></tr>`
  )
  return [
    `<h3>${html(coverage.dialect)}: ${exercised} of ${coverage.operations.length} operations exercised</h3>`,
    `<p>Operations from ${html(coverage.source)}${coverage.unmatched > 0 ? `; ${coverage.unmatched} requests matched no documented operation` : ""}.</p>`,
    `<table><thead><tr><th>method</th><th>path</th><th>exercised</th><th>statuses seen</th><th>statuses documented</th></tr></thead><tbody>`,
    ...rows,
    "</tbody></table>"
  ].join("\n")
}

/** The report as one self-contained HTML document. */
export const render = (input: HtmlInput): string => {
  const { report } = input
  const failures = report.checks.filter((check) => check.status === "failed" || check.status === "error")
  const title = `projectkit-conformance report — ${report.dialects.join(", ")}`
  const recording = report.config.targets["recording"]
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${html(title)}</title><style>${style}</style></head><body>`,
    `<h1>${html(title)}</h1>`,
    `<h2>Summary</h2>`,
    `<p class="counts"><span class="passed">${report.summary.passed} passed</span><span class="failed">${report.summary.failed} failed</span><span class="skipped">${report.summary.skipped} skipped</span><span class="error">${report.summary.error} errored</span></p>`,
    `<p>Suite ${html(report.version)}, profile ${html(report.profile)}, started ${html(report.startedAt)}, ${
      (report.durationMs / 1000).toFixed(1)
    } s${typeof recording === "string" ? `, replaying ${html(recording)}` : ""}.</p>`,
    `<h2>Failures (${failures.length})</h2>`,
    failures.length === 0 ? "<p>None.</p>" : "",
    ...failures.map((check) => failureSection(check, input.registered)),
    input.rerun !== undefined && failures.length > 0
      ? `<p>Re-run only these:</p><pre class="rerun">${html(input.rerun)}</pre><button class="copy" type="button">Copy</button>`
      : "",
    `<h2>Coverage</h2>`,
    ...input.coverage.map(coverageSection),
    `<h2>All checks (${report.checks.length})</h2>`,
    `<table><thead><tr><th>id</th><th>dialect</th><th>check</th><th>status</th></tr></thead><tbody>`,
    ...report.checks.map((check) =>
      `<tr><td>${html(check.id)}</td><td>${html(check.dialect)}</td><td>${html(check.title)}</td><td class="${check.status}">${check.status}${
        check.reason === undefined ? "" : ` (${html(check.reason)})`
      }</td></tr>`
    ),
    "</tbody></table>",
    `<script>${script}</script>`,
    "</body></html>",
    ""
  ].join("\n")
}
