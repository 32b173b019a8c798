/**
 * The report for people (`--html-report`, issue 27), opened in Chromium: its headings, a failure
 * with its check id, sentence, request and response, a `curl` line that — run by a shell against
 * the server — answers what the report says the server answered; nothing loaded from anywhere
 * (one self-contained file) and no error in the page. A whole run of every dialect's checks makes
 * a report under 1 MB. Without Chromium the browser part is skipped, except in CI.
 */
import type { RunningServer } from "@projectkit/server"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { promisify } from "node:util"
import { type Browser, chromium } from "playwright-core"
import type * as Report from "../src/Report.js"
import { runCli } from "./support/RunCli.js"
import * as Servers from "./support/Servers.js"

const execFile = promisify(ChildProcess.execFile)

const chromiumPath = process.env["PROJECTKIT_CHROMIUM"] ?? "/usr/bin/chromium"
const runs = Fs.existsSync(chromiumPath) || process.env["CI"] === "true"

const recordings = fileURLToPath(new URL("./recordings/", import.meta.url))

describe.runIf(runs)(`the HTML report in Chromium (${Servers.backend})`, () => {
  const servers = Servers.make()
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "pkc-html-"))
  let server: RunningServer
  let browser: Browser
  let apiKey: string

  beforeAll(async () => {
    const started = await Promise.all([
      servers.start(),
      chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] })
    ])
    server = started[0]
    browser = started[1]
    apiKey = (await server.createOrganization("html report")).credentials.sync.apiKey
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await servers.stopAll()
  })

  it("shows a failure whose curl line reproduces it against the server", async () => {
    // The cassette's creation and read, the read edited to expect 404: the project is still there
    // after the replay, so the curl line gets the 200 the report says the server answered.
    const cassette = Fs.readFileSync(Path.join(recordings, "sync-crud.cassette.yaml"), "utf8")
    const firstTwo = cassette.slice(0, cassette.indexOf("- request:\n    body: '{\"name\":\"Renamed\"}'"))
    const edited = firstTwo.replace("status: 200 OK\n    code: 200\n    duration: 12ms", "status: 404 Not Found\n    code: 404\n    duration: 12ms")
    expect(edited).not.toBe(firstTwo)
    const file = Path.join(dir, "edited.yaml")
    Fs.writeFileSync(file, edited)
    const html = Path.join(dir, "replay.html")
    const { outcome } = await runCli([
      "replay",
      "--recording",
      file,
      "--dialect",
      "sync",
      "--base-url",
      server.url,
      "--sync-api-key",
      apiKey,
      "--html-report",
      html,
      "--json-report",
      Path.join(dir, "replay.json")
    ])
    expect(outcome).toBe("failed")
    expect(Fs.readFileSync(html, "utf8")).not.toContain(apiKey)

    const page = await browser.newPage()
    const problems: Array<string> = []
    page.on("pageerror", (error) => problems.push(error.message))
    page.on("console", (message) => message.type() === "error" && problems.push(message.text()))
    page.on("request", (request) => !request.url().startsWith("file:") && problems.push(`loaded ${request.url()}`))
    await page.goto(pathToFileURL(html).href)
    expect(await page.locator("h1").textContent()).toContain("projectkit-conformance report")
    expect(await page.locator("h2").allTextContents()).toEqual(["Summary", "Failures (1)", "Coverage", "All checks (2)"])
    const failure = page.locator("section.failure")
    expect(await failure.locator("h3").textContent()).toContain("REPLAY-0002")
    expect(await failure.textContent()).toContain("status 200, recorded 404")
    expect(await failure.textContent()).toContain("Exchange 2 of the recording")
    // Coverage: the sync dialect's operations from the server's OpenAPI document, two exercised.
    const coverage = await page.locator("h3", { hasText: "operations exercised" }).first().textContent()
    expect(coverage).toMatch(/^sync: 2 of \d+ operations exercised$/)
    const curl = (await failure.locator("pre.curl").textContent())!
    expect(curl).toContain("${PROJECTKIT_CONFORMANCE_SYNC_API_KEY}")
    expect(curl).not.toContain(apiKey)
    await page.close()
    expect(problems).toEqual([])

    // Asynchronously: the server runs in this process, a synchronous child would stop it answering.
    const { stdout: reproduced } = await execFile("bash", ["-c", `${curl} -o /dev/null -w '%{http_code}'`], {
      env: { ...process.env, PROJECTKIT_CONFORMANCE_SYNC_API_KEY: apiKey },
      encoding: "utf8"
    })
    const report = JSON.parse(Fs.readFileSync(Path.join(dir, "replay.json"), "utf8")) as Report.Report
    expect(reproduced).toBe(String(report.checks[1]!.exchange!.response.status))
    expect(reproduced).toBe("200")
  })

  it("of a whole run of every dialect's checks is one file under 1 MB that opens without errors", async () => {
    const org = await server.createOrganization("whole run")
    const second = await server.createOrganization("whole run, second")
    const html = Path.join(dir, "run.html")
    await runCli([
      "--base-url",
      server.url,
      "--sync-api-key",
      org.credentials.sync.apiKey,
      "--sync-api-key-2",
      second.credentials.sync.apiKey,
      "--indream-api-key",
      org.credentials.indream.apiKey,
      "--sanity-token",
      org.credentials.sanity.token,
      "--html-report",
      html,
      "--json-report",
      Path.join(dir, "run.json")
    ])
    const report = JSON.parse(Fs.readFileSync(Path.join(dir, "run.json"), "utf8")) as Report.Report
    const size = Fs.statSync(html).size
    console.log(`HTML report of ${report.checks.length} checks: ${(size / 1024).toFixed(0)} KB`)
    expect(report.checks.length).toBeGreaterThanOrEqual(180)
    expect(size).toBeLessThan(1024 * 1024)
    const page = await browser.newPage()
    const problems: Array<string> = []
    page.on("pageerror", (error) => problems.push(error.message))
    await page.goto(pathToFileURL(html).href)
    expect(await page.locator("h2").allTextContents()).toContain(`All checks (${report.checks.length})`)
    // Every dialect has its coverage table, its operations read from the server.
    expect(await page.locator("h3", { hasText: "operations exercised" }).count()).toBe(report.dialects.length)
    await page.close()
    expect(problems).toEqual([])
  }, 180_000)
})
