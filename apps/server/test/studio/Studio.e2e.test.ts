/**
 * The Studio in a real browser: Debian's Chromium driven by playwright-core against a started
 * server (`dist/bin.js`, on SQLite or on PostgreSQL with PROJECTKIT_TEST_DATABASE_URL), through
 * real HTTP only. Without Chromium the file is skipped, except in CI (CI=true), where that fails.
 *
 * With PROJECTKIT_STUDIO_SCREENSHOTS=1 the screenshots are written to docs/studio/ (committed,
 * shown in the README); otherwise to a temporary folder.
 */
import { eventuallyPromise } from "@projectkit/core/Eventually"
import { IndreamEditorState } from "@projectkit/indream"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as ServerProcess from "../support/ServerProcess.js"
import { createSchema, postgresUrl } from "../support/TestDatabase.js"

const chromiumPath = process.env["PROJECTKIT_CHROMIUM"] ?? "/usr/bin/chromium"
const hasChromium = Fs.existsSync(chromiumPath)
// In CI a missing browser is a failure, never a skip.
const runs = hasChromium || process.env["CI"] === "true"

const hasCurl = ChildProcess.spawnSync("curl", ["--version"]).status === 0

const screenshots = process.env["PROJECTKIT_STUDIO_SCREENSHOTS"] === "1"
  ? Path.resolve(import.meta.dirname, "../../docs/studio")
  : Fs.mkdtempSync(Path.join(Os.tmpdir(), "projectkit-studio-"))

describe.runIf(runs)("Studio in Chromium", () => {
  let server: ServerProcess.ServerProcess
  let browser: Browser
  let page: Page
  let dropSchema: (() => Promise<void>) | undefined
  let sqliteDir: string | undefined
  const foreignRequests: Array<string> = []

  beforeAll(async () => {
    let database: string
    if (postgresUrl !== undefined) {
      const schema = await createSchema(postgresUrl)
      database = schema.url
      dropSchema = schema.drop
    } else {
      sqliteDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "projectkit-studio-db-"))
      database = Path.join(sqliteDir, "studio.db")
    }
    const started = await Promise.all([
      ServerProcess.start(database, ["--generation-pending-ms", "300", "--generation-processing-ms", "1500"]),
      chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] })
    ])
    server = started[0]
    browser = started[1]
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    // The Studio must work offline: nothing it loads may come from another host.
    page.on("request", (request) => {
      if (!request.url().startsWith(server.baseUrl)) foreignRequests.push(request.url())
    })
    page.on("dialog", (dialog) => void dialog.accept())
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    if (server !== undefined) await ServerProcess.stop(server)
    await dropSchema?.()
    if (sqliteDir !== undefined) Fs.rmSync(sqliteDir, { recursive: true, force: true })
  })

  const admin = { authorization: `Bearer ${ServerProcess.adminToken}`, "content-type": "application/json" }

  /** Resolves once `check` finds something, polling every 100 ms; fails after `within` ms. */
  const eventually = <A>(what: string, within: number, check: () => Promise<A | undefined>): Promise<A> =>
    eventuallyPromise(async () => {
      const found = await check()
      if (found === undefined) throw new Error(`${what}: not within ${within} ms`)
      return found
    }, { within: `${within} millis`, every: "100 millis", what })

  const openTab = (label: string) => page.getByRole("navigation", { name: "Views" }).getByRole("button", { name: label }).click()

  it("shows what the API made and lets the API see what it makes, live", async () => {
    const org = await ServerProcess.createOrganization(server.baseUrl, "Studio e2e")
    const sync = { "x-api-key": org.credentials.sync.apiKey, "content-type": "application/json" }
    const indream = { "x-api-key": org.credentials.indream.apiKey, "content-type": "application/json" }
    // (`createOrganization`'s type names the keys other tests use; the answer carries every dialect's.)
    const sanityToken = (org.credentials as unknown as { sanity: { token: string } }).sanity.token

    // Signing in from the keyboard: the token typed, Enter.
    await page.goto(`${server.baseUrl}/__projectkit/studio`)
    await page.getByLabel("Admin token").fill("not the token")
    await page.keyboard.press("Enter")
    await page.getByRole("alert").waitFor({ timeout: 5_000 })
    // The banner's link carries the token in its fragment. The poll interval used while the event
    // stream is up is set to ten minutes: whatever shows up below within seconds came through the
    // stream (or, for work advancing on the server's clock, the in-flight refresh).
    await page.goto(`${server.baseUrl}/__projectkit/studio#token=${ServerProcess.adminToken}&poll=600000`)
    await page.getByRole("heading", { name: "projectkit Studio" }).waitFor()
    expect(page.url()).not.toContain("token")
    await page.locator("html[data-live=events]").waitFor({ timeout: 5_000 })
    await page.locator("#live", { hasText: "Live" }).waitFor()
    await page.locator(`#organization option[value="${org.id}"]`).waitFor({ state: "attached" })
    await page.selectOption("#organization", org.id)
    // The tabs between Organizations and Requests are the dialects' views, as the server describes them.
    const described = await ServerProcess.call(server.baseUrl, "/__projectkit/studio/views", { headers: admin })
    const titles = (described.body as { dialects: Array<{ title: string }> }).dialects.map((dialect) => dialect.title)
    expect(titles).toEqual(["sync.so", "Sanity", "Indream"])
    expect(await page.getByRole("navigation", { name: "Views" }).getByRole("button").allTextContents())
      .toEqual(["Organizations", ...titles, "Requests", "Faults"])
    await openTab("sync.so")

    // A project created over the API (USER visibility, sync.so's default) appears within 2 s,
    // announced by the event stream: the page asks for the organization's data after the signal.
    const dataRequests: Array<number> = []
    page.on("request", (request) => {
      if (request.url().endsWith(`/__projectkit/orgs/${org.id}/views/sync`)) dataRequests.push(Date.now())
    })
    // The tab has drawn its views, records or "none" (its first data read answered) before the project is made.
    await page.locator("[data-view], .empty").first().waitFor()
    const sentAt = Date.now()
    const fromApi = await ServerProcess.call(server.baseUrl, "/sync/v2/projects", {
      method: "POST",
      headers: sync,
      body: JSON.stringify({ name: "Made over the API" })
    })
    expect(fromApi.status).toBe(201)
    const apiProject = fromApi.body as { id: string }
    await page.locator(`[data-record="${apiProject.id}"]`).waitFor({ timeout: 2_000 })
    expect(dataRequests.filter((at) => at >= sentAt).length).toBeGreaterThan(0)
    expect(await page.locator("html").getAttribute("data-live")).toBe("events")

    // One created in the Studio is returned by GET /sync/v2/projects.
    await page.getByLabel("New project").fill("Made in the Studio")
    await page.getByRole("button", { name: "Create project" }).click()
    await eventually("the Studio's project over the API", 2_000, async () => {
      const list = await ServerProcess.call(server.baseUrl, "/sync/v2/projects", { headers: sync })
      const names = (list.body as { items: Array<{ name: string }> }).items.map((p) => p.name)
      return names.includes("Made in the Studio") ? true : undefined
    })
    await page.locator("[data-view=projects] > [data-record] h3", { hasText: "Made in the Studio" }).waitFor({ timeout: 2_000 })

    // A generation filed under a project shows under it and reaches COMPLETED on screen.
    const created = await ServerProcess.call(server.baseUrl, "/sync/v2/generate", {
      method: "POST",
      headers: sync,
      body: JSON.stringify({
        model: "lipsync-2",
        input: [
          { type: "video", url: "https://assets.sync.so/docs/example-video.mp4" },
          { type: "audio", url: "https://assets.sync.so/docs/example-audio.wav" }
        ],
        projectId: apiProject.id
      })
    })
    expect(created.status).toBe(201)
    const generation = (created.body as { id: string }).id
    const filed = page.locator(`[data-record="${apiProject.id}"] [data-record="${generation}"] .status`)
    await filed.waitFor({ timeout: 2_000 })
    await page.locator(`[data-record="${apiProject.id}"] [data-record="${generation}"] .status`, { hasText: "COMPLETED" })
      .waitFor({ timeout: 10_000 })
    await page.screenshot({ path: Path.join(screenshots, "sync-projects.png"), fullPage: true })

    // Deleting the project leaves the generation listed, ungrouped.
    await page.getByRole("button", { name: "Delete Made over the API" }).click()
    await page.locator(`[data-unfiled] [data-record="${generation}"]`).waitFor({ timeout: 2_000 })
    expect(await page.locator(`[data-record="${apiProject.id}"]`).count()).toBe(0)
    const after = await ServerProcess.call(server.baseUrl, `/sync/v2/generate/${generation}`, { headers: sync })
    expect((after.body as { projectId: unknown }).projectId).toBeNull()

    // An Indream export's progress bar reaches 100 %.
    const editorState = IndreamEditorState.blank()
    const project = await ServerProcess.call(server.baseUrl, "/indream/v1/projects", {
      method: "POST",
      headers: indream,
      body: JSON.stringify({ title: "Launch video", description: "Cut for the launch", editorState })
    })
    expect(project.status).toBe(201)
    const projectId = (project.body as { data: { projectId: string } }).data.projectId
    const task = await ServerProcess.call(server.baseUrl, `/indream/v1/projects/${projectId}/exports`, {
      method: "POST",
      headers: indream,
      body: JSON.stringify({ ratio: "16:9", scale: 1, fps: 30, format: "mp4" })
    })
    expect(task.status).toBe(201)
    const taskId = (task.body as { data: { taskId: string } }).data.taskId
    await openTab("Indream")
    await page.locator(`[data-record="${taskId}"] progress`).waitFor({ timeout: 2_000 })
    await page.locator(`[data-record="${taskId}"] progress[value="100"]`).waitFor({ timeout: 10_000 })
    expect(await page.locator(`[data-record="${taskId}"] .percent`).textContent()).toBe("100 %")
    await page.screenshot({ path: Path.join(screenshots, "indream-exports.png"), fullPage: true })

    // Sanity: a project made over the API, with its datasets, tokens and the organization's members.
    const sanity = await ServerProcess.call(server.baseUrl, "/sanity/v2021-06-07/projects", {
      method: "POST",
      headers: { authorization: `Bearer ${sanityToken}`, "content-type": "application/json" },
      body: JSON.stringify({ displayName: "Marketing site" })
    })
    expect(sanity.status).toBeLessThan(300)
    await openTab("Sanity")
    const sanityProject = (sanity.body as { id: string }).id
    await page.locator(`[data-record="${sanityProject}"] h3`, { hasText: "Marketing site" })
      .waitFor({ timeout: 2_000 })

    // A dataset copy's progress bar reaches 100 % (pending, running, completed on the server's clock).
    const sanityAuth = { authorization: `Bearer ${sanityToken}`, "content-type": "application/json" }
    const datasets = `/sanity/v2021-06-07/projects/${sanityProject}/datasets`
    expect((await ServerProcess.call(server.baseUrl, `${datasets}/production`, { method: "PUT", headers: sanityAuth, body: "{}" })).status)
      .toBeLessThan(300)
    const copy = await ServerProcess.call(server.baseUrl, `${datasets}/production/copy`, {
      method: "PUT",
      headers: sanityAuth,
      body: JSON.stringify({ targetDataset: "staging" })
    })
    expect(copy.status).toBeLessThan(300)
    const copyBar = page.locator(`[data-record="${sanityProject}"] [data-view="copy-jobs"] progress`)
    await copyBar.waitFor({ timeout: 2_000 })
    await page.locator(`[data-record="${sanityProject}"] [data-view="copy-jobs"] progress[value="100"]`).waitFor({ timeout: 10_000 })
    await page.screenshot({ path: Path.join(screenshots, "sanity-projects.png"), fullPage: true })

    // A request sent with curl shows in the journal, its headers shown with the API key masked.
    await openTab("Requests")
    await page.getByRole("button", { name: "Record requests" }).click()
    await page.getByRole("button", { name: "Stop recording" }).waitFor({ timeout: 2_000 })
    const curlHeaders = { "x-api-key": org.credentials.sync.apiKey, "x-request-id": "curl-from-the-test" }
    const curlUrl = `${server.baseUrl}/sync/v2/projects?limit=5`
    if (hasCurl) {
      ChildProcess.execFileSync("curl", ["-s", "-o", "/dev/null", ...Object.entries(curlHeaders).flatMap(([name, value]) => ["-H", `${name}: ${value}`]), curlUrl])
    } else {
      // No curl on this machine: the same request as curl sends it.
      await fetch(curlUrl, { headers: { ...curlHeaders, "user-agent": "curl/8 (fetch in its place)", accept: "*/*" } })
    }
    const row = page.locator(`[data-request="curl-from-the-test"] button`)
    await row.waitFor({ timeout: 2_000 })
    expect(await row.textContent()).toContain("GET /sync/v2/projects?limit=5 ·")
    await row.click()
    await page.locator(`[data-request="curl-from-the-test"] .details`).waitFor()
    const key = org.credentials.sync.apiKey
    const headers = page.locator(`[data-request="curl-from-the-test"] dl.headers`).first()
    await headers.locator("dt", { hasText: "x-api-key" }).waitFor()
    expect(await headers.textContent()).toContain(`${key.slice(0, 4)}…${key.slice(-4)}`)
    expect(await headers.textContent()).toContain("curl/")
    // Nowhere in the page: not in its DOM, not in any attribute.
    expect(await page.content()).not.toContain(key)
    expect(await page.content()).not.toContain(key.slice(4, -4))
    await page.screenshot({ path: Path.join(screenshots, "requests.png"), fullPage: true })

    // A fault added in the Studio makes the next matching API call fail as configured.
    await openTab("Faults")
    await page.selectOption("#fault-dialect", "sync")
    await page.selectOption("#fault-method", "GET")
    await page.getByLabel("Path (under the dialect)").fill("/v2/projects")
    await page.getByLabel("Status").fill("503")
    await page.getByRole("button", { name: "Add fault" }).click()
    await page.locator("[data-fault]").waitFor({ timeout: 2_000 })
    const failed = await ServerProcess.call(server.baseUrl, "/sync/v2/projects", { headers: sync })
    expect(failed.status).toBe(503)
    await page.getByRole("button", { name: "Clear all" }).click()
    await page.getByText("No fault injected.").waitFor({ timeout: 2_000 })
    expect((await ServerProcess.call(server.baseUrl, "/sync/v2/projects", { headers: sync })).status).toBe(200)

    // 390 px wide: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 })
    await openTab("sync.so")
    await page.locator("[data-unfiled]").waitFor()
    // (The page's globals, typed here: this file has no DOM types.)
    const scrollWidth = await page.evaluate(() =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth
    )
    expect(scrollWidth).toBeLessThanOrEqual(390)

    expect(foreignRequests).toEqual([])
    // The organization the test made stays the test's: the control plane still answers for it.
    expect((await ServerProcess.call(server.baseUrl, `/__projectkit/orgs/${org.id}/views/sync`, { headers: admin })).status).toBe(200)
  }, 60_000)
})
