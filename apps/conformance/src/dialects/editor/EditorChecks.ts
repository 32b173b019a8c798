/**
 * Editor Open API v1 checks, from seed 001 (projects, autosave `sync`, exports, rate limits,
 * runtime access) and the choices recorded in providers/editor.md (marked INF there: the
 * `extended` profile). Paths are relative to the dialect's base URL.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type Check, type Exchange, forDialect } from "../../Check.js"
import * as Expect from "../../Expect.js"
import { Harness, type Who } from "../../Harness.js"
import { listItems, nextCursor, token } from "../../internal/common.js"
import { cite } from "./EditorSources.js"

const SEED = "seeds/001_1d497ce5a3a811e3.txt"
const NOTES = "providers/editor.md"

/** The routes the seed says carry a task's projectId. */
const APPEARS_IN = "That projectId also appears in:\n\n  • GET /v1/exports\n  • GET /v1/exports/{taskId}\n  • export webhook payloads"

/** The documents do not speak of organizations. */
const ISOLATION = "a project and its tasks belong to the account whose key made them: to another account's key they are " +
  "as if they did not exist (404, never listed)"

const S = {
  create: cite(SEED, "Create a project with POST /v1/projects", {
    note: "the answer is the new project: its projectId (how every other route names it) and the title it was given"
  }),
  read: cite(SEED, "Read the full project with GET /v1/projects/{projectId}"),
  isolated: cite(SEED, "Read the full project with GET /v1/projects/{projectId}", { note: ISOLATION }),
  getBoth: cite(SEED, "GET /v1/projects/{projectId} returns both metadata and the latest persisted editorState"),
  patchOnly: cite(SEED, "PATCH /v1/projects/{projectId} updates only title and description"),
  independently: cite(SEED, "update title and description independently from autosave traffic"),
  syncOnly: cite(SEED, "POST /v1/projects/{projectId}/sync updates only editorState and stateVersion"),
  replaces: cite(SEED, "each call replaces the stored editorState with the provided payload."),
  remove: cite(SEED, "Delete the project with DELETE /v1/projects/{projectId}"),
  exportSaved: cite(SEED, "Use POST /v1/projects/{projectId}/exports when you want to render the latest saved project state."),
  sameStructure: cite(SEED, "Project-based exports return the same task structure as stateless exports, plus an optional projectId."),
  stateless: cite(
    SEED,
    "Use POST /v1/exports when you want to submit a full editorState payload and render it immediately without creating a project."
  ),
  appearsIn: cite(SEED, APPEARS_IN),
  isolatedTask: cite(SEED, APPEARS_IN, { note: ISOLATION }),
  rateLimited: cite(SEED, "If the API returns 429 OPEN_API_PROJECT_SYNC_RATE_LIMITED, back off and retry with jitter."),
  runtime: cite(SEED, "If the current account is not eligible for these routes, the API returns 403 OPEN_API_RUNTIME_ACCESS_FORBIDDEN."),
  uploadFirst: cite(SEED, "upload assets before final render"),
  projectRoutesOnly: cite(SEED, "Project routes require runtime OpenAPI access.", {
    note: "a stateless export (POST /v1/exports) is not a project route, so it needs no runtime access"
  }),
  multiple: cite(SEED, "create multiple export tasks from the same saved project"),
  keepState: cite(SEED, "keep editorState on the server"),
  auth: cite(NOTES, "Auth: `Authorization: Bearer <api key>`."),
  errorBody: cite(NOTES, "Error body: `{\"code\": \"OPEN_API_…\", \"message\": \"…\"}` with the HTTP status"),
  codes: cite(NOTES, "the same style (`OPEN_API_PROJECT_NOT_FOUND`, `OPEN_API_VALIDATION_FAILED`, `OPEN_API_UNAUTHORIZED`, …)."),
  projectShape: cite(NOTES, "Project: `{projectId, title, description, editorState, stateVersion, createdAt, updatedAt}`", {
    note: "GET answers the full project (the seed); the metadata answers — PATCH and the list — carry the same fields " +
      "but the editorState, which the seed keeps apart from metadata"
  }),
  listPaginated: cite(NOTES, "list `GET /v1/projects` cursor-paginated"),
  stateVersion: cite(NOTES, "the seed says each sync replaces, so the server"),
  history: cite(NOTES, "task history stays after the project is deleted (retry-safe workflows)"),
  task: cite(NOTES, "Export task: `{taskId, status: queued | rendering | completed | failed, progress (0–100), outputUrl?,\n  error?, createdAt, updatedAt, projectId?}`"),
  taskFilters: cite(NOTES, "`GET /v1/exports` filterable by `projectId` and status,"),
  taskPages: cite(NOTES, "`GET /v1/exports` filterable by `projectId` and status,\n  cursor-paginated;"),
  webhookBody: cite(NOTES, "`{event: \"export.completed\" | \"export.failed\", task}`"),
  retryAfter: cite(NOTES, "with `Retry-After` in seconds on the 429")
}

const check = forDialect("editor")

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

const createProject = (body: Record<string, unknown>, as: Who = "primary") =>
  Effect.gen(function*() {
    const h = yield* Harness
    const exchange = yield* h.request({ method: "POST", path: "/v1/projects", json: body, as })
    yield* Expect.ok(exchange)
    const projectId = yield* Expect.string(exchange, "projectId")
    yield* h.defer(`delete editor project ${projectId}`, h.request({ method: "DELETE", path: `/v1/projects/${projectId}`, as }))
    return { exchange, projectId, project: yield* Expect.object(exchange) }
  })

const newProject = (label: string, extra: Record<string, unknown> = {}, as: Who = "primary") =>
  Effect.flatMap(Harness, (h) => createProject({ title: h.unique(label), ...extra }, as))

const getProject = (projectId: string, as: Who = "primary") =>
  Effect.flatMap(Harness, (h) => h.request({ path: `/v1/projects/${projectId}`, as }))

const sync = (
  projectId: string,
  editorState: unknown,
  stateVersion: number,
  extra: Record<string, unknown> = {},
  as: Who = "primary",
  retryRateLimited = true
) =>
  Effect.flatMap(Harness, (h) =>
    h.request({ method: "POST", path: `/v1/projects/${projectId}/sync`, json: { editorState, stateVersion, ...extra }, as, retryRateLimited }))

/** A project with a saved state, ready to export. */
const savedProject = (label: string, as: Who = "primary") =>
  Effect.gen(function*() {
    const created = yield* newProject(label, {}, as)
    const saved = yield* sync(created.projectId, { scenes: [{ id: token(), text: label }] }, 1, {}, as)
    yield* Expect.ok(saved)
    return created
  })

const exportProject = (projectId: string, as: Who = "primary") =>
  Effect.flatMap(Harness, (h) => h.request({ method: "POST", path: `/v1/projects/${projectId}/exports`, json: {}, as }))

const statelessExport = (as: Who = "primary") =>
  Effect.flatMap(Harness, (h) =>
    h.request({ method: "POST", path: "/v1/exports", json: { editorState: { scenes: [{ id: token(), text: "stateless" }] } }, as }))

/** An export task's documented fields (notes); `projectId` only on a project's tasks. */
const taskFields: Expect.Shape = {
  taskId: "string",
  status: ["queued", "rendering", "completed", "failed"],
  progress: "number",
  outputUrl: Expect.optional("string"),
  error: Expect.optional("string"),
  createdAt: "date-time",
  updatedAt: "date-time",
  projectId: Expect.optional("string")
}

/** The project's metadata fields (notes), and the editorState of the full project. */
const metadataFields: Expect.Shape = {
  projectId: "string",
  title: "string",
  description: Expect.nullable("string"),
  stateVersion: "integer",
  createdAt: "date-time",
  updatedAt: "date-time"
}

/** The editor's error body: `{code, message}`. */
const errorCode = (exchange: Exchange, code: string) =>
  Effect.gen(function*() {
    const body = yield* Expect.object(exchange)
    yield* Expect.equal(body["code"], code, "the error code", exchange)
  })

const errorBody = (exchange: Exchange) =>
  Effect.gen(function*() {
    const body = yield* Expect.object(exchange)
    yield* Expect.that(
      typeof body["code"] === "string" && String(body["code"]).startsWith("OPEN_API_"),
      "the error body has no OPEN_API_… code",
      exchange
    )
    yield* Expect.that(typeof body["message"] === "string", "the error body has no message", exchange)
  })

/** Every export task of a query, page by page. */
const allExports = (query: Record<string, string>) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const items: Array<Record<string, unknown>> = []
    let cursor: string | undefined
    let last: Exchange | undefined
    for (let pages = 0; pages < 50; pages++) {
      const exchange = yield* h.request({ path: "/v1/exports", query: { ...query, limit: 100, ...(cursor ? { cursor } : {}) } })
      last = exchange
      yield* Expect.ok(exchange)
      items.push(...(yield* listItems(exchange)))
      cursor = nextCursor(exchange)
      if (cursor === undefined) break
    }
    return { items, last: last! }
  })

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

const projects: ReadonlyArray<Check> = [
  check("EDIT-PROJ-001", "Creating a project returns its projectId and title", S.create, Effect.gen(function*() {
    const h = yield* Harness
    const title = h.unique("create")
    const { exchange, project } = yield* createProject({ title })
    yield* Expect.equal(project["title"], title, "title", exchange)
  })),
  check("EDIT-PROJ-002", "A project is read in full: metadata and editorState", S.read, Effect.gen(function*() {
    const h = yield* Harness
    const title = h.unique("read")
    const { projectId } = yield* createProject({ title, description: "described" })
    const read = yield* getProject(projectId)
    yield* Expect.status(read, 200)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["projectId"], projectId, "projectId", read)
    yield* Expect.equal(body["title"], title, "title", read)
    yield* Expect.equal(body["description"], "described", "description", read)
    yield* Expect.that("editorState" in body, "the project has no editorState field", read)
  })),
  check("EDIT-PROJ-003", "GET answers the metadata and the latest synced editorState", S.getBoth, Effect.gen(function*() {
    const { projectId } = yield* newProject("get-both", { description: "meta" })
    const state = { scenes: [{ id: "s1", text: token() }] }
    yield* Expect.ok(yield* sync(projectId, state, 3))
    const read = yield* getProject(projectId)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["editorState"], state, "editorState", read)
    yield* Expect.equal(body["stateVersion"], 3, "stateVersion", read)
    yield* Expect.equal(body["description"], "meta", "description", read)
  })),
  check("EDIT-PROJ-004", "PATCH changes title and description, never editorState or stateVersion", S.patchOnly, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* newProject("patch-only")
    const state = { scenes: [{ id: "kept" }] }
    yield* Expect.ok(yield* sync(projectId, state, 2))
    const title = h.unique("patched")
    const patched = yield* h.request({
      method: "PATCH",
      path: `/v1/projects/${projectId}`,
      json: { title, description: "new", editorState: { scenes: [] }, stateVersion: 9 }
    })
    yield* Expect.ok(patched)
    const read = yield* getProject(projectId)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["title"], title, "title after PATCH", read)
    yield* Expect.equal(body["description"], "new", "description after PATCH", read)
    yield* Expect.equal(body["editorState"], state, "editorState after a PATCH that sent one", read)
    yield* Expect.equal(body["stateVersion"], 2, "stateVersion after a PATCH that sent one", read)
  })),
  check("EDIT-PROJ-005", "PATCH of the title alone leaves the description", S.independently, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* newProject("patch-title", { description: "stays" })
    yield* Expect.ok(yield* h.request({ method: "PATCH", path: `/v1/projects/${projectId}`, json: { title: h.unique("retitled") } }))
    const read = yield* getProject(projectId)
    yield* Expect.equal((yield* Expect.object(read))["description"], "stays", "description after a title-only PATCH", read)
  })),
  check("EDIT-PROJ-006", "A deleted project is gone (404)", S.remove, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* newProject("delete")
    yield* Expect.ok(yield* h.request({ method: "DELETE", path: `/v1/projects/${projectId}` }))
    yield* Expect.status(yield* getProject(projectId), 404)
  })),
  // No document gives the create's status (it was checked for 201 here before): only the 404's code is.
  check("EDIT-PROJ-007", "An unknown project is a 404 OPEN_API_PROJECT_NOT_FOUND", S.codes, Effect.gen(function*() {
    const missing = yield* getProject(crypto.randomUUID())
    yield* Expect.status(missing, 404)
    yield* errorCode(missing, "OPEN_API_PROJECT_NOT_FOUND")
  }), { profile: "extended", asserts: "fields" }),
  check("EDIT-PROJ-008", "A project without a title is refused with 400 OPEN_API_VALIDATION_FAILED", S.codes, Effect.gen(function*() {
    const h = yield* Harness
    const exchange = yield* h.request({ method: "POST", path: "/v1/projects", json: { description: "no title" } })
    yield* Expect.status(exchange, 400)
    yield* errorCode(exchange, "OPEN_API_VALIDATION_FAILED")
    const malformed = yield* h.request({ method: "POST", path: "/v1/projects", body: "{\"title\": " })
    yield* Expect.status(malformed, 400)
  }), { profile: "extended" }),
  check("EDIT-PROJ-010", "An editorState given at creation is kept on the server", S.keepState, Effect.gen(function*() {
    const state = { scenes: [{ id: token() }] }
    const { projectId } = yield* newProject("created-with-state", { editorState: state })
    const read = yield* getProject(projectId)
    yield* Expect.equal((yield* Expect.object(read))["editorState"], state, "editorState", read)
  }), { profile: "extended" }),
  check("EDIT-PROJ-009", "The project list is cursor-paginated and walks every project once", S.listPaginated, Effect.gen(function*() {
    const h = yield* Harness
    const tag = token()
    const created: Array<string> = []
    for (let i = 0; i < 5; i++) created.push((yield* createProject({ title: h.unique(`page-${tag}`) })).projectId)
    const seen: Array<unknown> = []
    let cursor: string | undefined
    let last: Exchange | undefined
    for (let pages = 0; pages < 20; pages++) {
      const exchange = yield* h.request({ path: "/v1/projects", query: { search: tag, limit: 2, ...(cursor ? { cursor } : {}) } })
      last = exchange
      yield* Expect.status(exchange, 200)
      const items = yield* listItems(exchange)
      yield* Expect.that(items.length <= 2, "a page has more than limit=2 items", exchange)
      seen.push(...items.map((p) => p["projectId"]))
      cursor = nextCursor(exchange)
      if (cursor === undefined) break
    }
    yield* Expect.that(new Set(seen).size === seen.length, "a project came twice across the pages", last)
    yield* Expect.that(created.every((id) => seen.includes(id)), "a project never came across the pages", last)
  }), { profile: "extended" })
]

const syncing: ReadonlyArray<Check> = [
  check("EDIT-SYNC-001", "sync changes editorState and stateVersion, never the title or description", S.syncOnly, Effect.gen(function*() {
    const h = yield* Harness
    const title = h.unique("sync-only")
    const { projectId } = yield* createProject({ title, description: "kept" })
    const state = { scenes: [{ id: token() }] }
    const synced = yield* sync(projectId, state, 4, { title: "changed by sync", description: "changed by sync" })
    yield* Expect.ok(synced)
    const read = yield* getProject(projectId)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["editorState"], state, "editorState after sync", read)
    yield* Expect.equal(body["stateVersion"], 4, "stateVersion after sync", read)
    yield* Expect.equal(body["title"], title, "title after a sync that sent one", read)
    yield* Expect.equal(body["description"], "kept", "description after a sync that sent one", read)
  })),
  check("EDIT-SYNC-002", "Each sync replaces the stored editorState (no merge)", S.replaces, Effect.gen(function*() {
    const { projectId } = yield* newProject("replace")
    yield* Expect.ok(yield* sync(projectId, { a: 1, nested: { x: 1 } }, 1))
    const second = { b: 2, nested: { y: 2 } }
    yield* Expect.ok(yield* sync(projectId, second, 2))
    const read = yield* getProject(projectId)
    yield* Expect.equal((yield* Expect.object(read))["editorState"], second, "editorState after the second sync", read)
  })),
  check("EDIT-SYNC-003", "A sync with an older stateVersion still replaces", S.stateVersion, Effect.gen(function*() {
    const { projectId } = yield* newProject("older")
    yield* Expect.ok(yield* sync(projectId, { v: 5 }, 5))
    yield* Expect.ok(yield* sync(projectId, { v: 3 }, 3))
    const read = yield* getProject(projectId)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["editorState"], { v: 3 }, "editorState", read)
    yield* Expect.equal(body["stateVersion"], 3, "stateVersion", read)
  }), { profile: "extended" }),
  check("EDIT-RATE-001", "Syncing too often answers 429 OPEN_API_PROJECT_SYNC_RATE_LIMITED", S.rateLimited, Effect.gen(function*() {
    const { projectId } = yield* newProject("rate")
    for (let i = 1; i <= 40; i++) {
      const exchange = yield* sync(projectId, { i }, i, {}, "primary", false)
      if (exchange.response.status === 429) return yield* errorCode(exchange, "OPEN_API_PROJECT_SYNC_RATE_LIMITED")
      yield* Expect.ok(exchange)
    }
    return yield* Expect.skip("40 syncs of one project in a row were all accepted: no rate limit to check")
  })),
  check("EDIT-RATE-002", "A rate-limited sync says when to retry (Retry-After), and succeeds after it", S.retryAfter, Effect.gen(function*() {
    const { projectId } = yield* newProject("retry-after")
    for (let i = 1; i <= 40; i++) {
      const exchange = yield* sync(projectId, { i }, i, {}, "primary", false)
      if (exchange.response.status !== 429) {
        yield* Expect.ok(exchange)
        continue
      }
      const retryAfter = Number(exchange.response.headers["retry-after"])
      yield* Expect.that(Number.isFinite(retryAfter) && retryAfter >= 0 && retryAfter <= 60, "no Retry-After in seconds", exchange)
      yield* Effect.sleep(`${retryAfter * 1000 + 100} millis`)
      return yield* Expect.ok(yield* sync(projectId, { i: "after" }, i + 1, {}, "primary", false))
    }
    return yield* Expect.skip("40 syncs of one project in a row were all accepted: no rate limit to check")
  }), { profile: "extended" })
]

const exporting: ReadonlyArray<Check> = [
  check("EDIT-EXP-001", "A project export returns a task filed under the project", S.exportSaved, Effect.gen(function*() {
    const { projectId } = yield* savedProject("export")
    const exchange = yield* exportProject(projectId)
    yield* Expect.ok(exchange)
    yield* Expect.string(exchange, "taskId")
    yield* Expect.equal((yield* Expect.object(exchange))["projectId"], projectId, "the task's projectId", exchange)
  })),
  check("EDIT-EXP-002", "A project task has the stateless task's structure, plus projectId", S.sameStructure, Effect.gen(function*() {
    const { projectId } = yield* savedProject("structure")
    const filed = yield* exportProject(projectId)
    yield* Expect.ok(filed)
    const stateless = yield* statelessExport()
    yield* Expect.ok(stateless)
    const a = yield* Expect.object(filed)
    const b = yield* Expect.object(stateless)
    const missing = Object.keys(b).filter((key) => !(key in a))
    yield* Expect.that(missing.length === 0, `the project task lacks ${missing.join(", ")} of the stateless task`, filed)
    yield* Expect.that(typeof a["projectId"] === "string", "the project task has no projectId", filed)
  })),
  check("EDIT-EXP-003", "A stateless export renders without creating a project", S.stateless, Effect.gen(function*() {
    const exchange = yield* statelessExport()
    yield* Expect.ok(exchange)
    yield* Expect.string(exchange, "taskId")
    const projectId = (yield* Expect.object(exchange))["projectId"]
    yield* Expect.that(projectId === undefined || projectId === null, "a stateless task is filed under a project", exchange)
  })),
  check("EDIT-EXP-004", "GET /v1/exports/{taskId} shows the task's projectId", S.appearsIn, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* savedProject("get-task")
    const taskId = yield* Expect.string(yield* exportProject(projectId), "taskId")
    const read = yield* h.request({ path: `/v1/exports/${taskId}` })
    yield* Expect.status(read, 200)
    yield* Expect.equal((yield* Expect.object(read))["projectId"], projectId, "projectId", read)
  })),
  check("EDIT-EXP-005", "GET /v1/exports lists the task with its projectId", S.appearsIn, Effect.gen(function*() {
    const { projectId } = yield* savedProject("list-task")
    const taskId = yield* Expect.string(yield* exportProject(projectId), "taskId")
    const { items, last } = yield* allExports({})
    const task = items.find((t) => t["taskId"] === taskId)
    yield* Expect.that(task !== undefined, "the task is not in GET /v1/exports", last)
    yield* Expect.equal(task?.["projectId"], projectId, "the listed task's projectId", last)
  })),
  check("EDIT-EXP-006", "GET /v1/exports?projectId= lists exactly the project's tasks", S.taskFilters, Effect.gen(function*() {
    const { projectId } = yield* savedProject("filter-tasks")
    const taskId = yield* Expect.string(yield* exportProject(projectId), "taskId")
    const other = yield* Expect.string(yield* statelessExport(), "taskId")
    const { items, last } = yield* allExports({ projectId })
    yield* Expect.that(items.some((t) => t["taskId"] === taskId), "the project's task is missing", last)
    yield* Expect.that(!items.some((t) => t["taskId"] === other), "another task is listed under the project", last)
    yield* Expect.that(items.every((t) => t["projectId"] === projectId), "a listed task has another projectId", last)
  }), { profile: "extended" }),
  check("EDIT-EXP-007", "Task history stays after the project is deleted", S.history, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* savedProject("history")
    const taskId = yield* Expect.string(yield* exportProject(projectId), "taskId")
    yield* Expect.ok(yield* h.request({ method: "DELETE", path: `/v1/projects/${projectId}` }))
    const read = yield* h.request({ path: `/v1/exports/${taskId}` })
    yield* Expect.status(read, 200)
    yield* Expect.equal((yield* Expect.object(read))["projectId"], projectId, "projectId", read)
  }), { profile: "extended" }),
  check(
    "EDIT-EXP-008",
    "Every task answer has its documented fields, a known status and a progress from 0 to 100: both exports, the task and the list",
    S.task,
    Effect.gen(function*() {
      const h = yield* Harness
      const { projectId } = yield* savedProject("task-fields")
      const filed = yield* exportProject(projectId)
      yield* Expect.ok(filed)
      const taskId = yield* Expect.string(filed, "taskId")
      const stateless = yield* statelessExport()
      yield* Expect.ok(stateless)
      const read = yield* h.request({ path: `/v1/exports/${taskId}` })
      yield* Expect.status(read, 200)
      const { items, last } = yield* allExports({ projectId })
      const item = items.find((t) => t["taskId"] === taskId)
      if (item === undefined) return yield* Expect.fail("the task is not in GET /v1/exports", last)
      for (const [where, exchange, task] of [
        ["the project export's answer", filed, filed.response.json],
        ["the stateless export's answer", stateless, stateless.response.json],
        ["the GET answer", read, read.response.json],
        ["the list item", last, item]
      ] as const) {
        yield* Expect.fields(task, taskFields, where, exchange)
        const progress = (task as Record<string, unknown>)["progress"] as number
        yield* Expect.that(progress >= 0 && progress <= 100, `${where}: progress ${progress} is not 0–100`, exchange)
      }
    }),
    { profile: "extended", asserts: "fields" }
  ),
  check("EDIT-EXP-009", "The export webhook payload carries the task's projectId", S.appearsIn, Effect.gen(function*() {
    const h = yield* Harness
    if (Option.isNone(h.webhooks)) return yield* Expect.skip("no webhook receiver")
    const receiver = h.webhooks.value
    const tag = `editor-${token()}`
    const { projectId } = yield* savedProject("webhook")
    const started = yield* h.request({ method: "POST", path: `/v1/projects/${projectId}/exports`, json: { webhookUrl: receiver.url(tag) } })
    yield* Expect.ok(started)
    const taskId = yield* Expect.string(started, "taskId")
    const deliveries = yield* receiver.deliveries(tag)
    yield* Expect.that(deliveries.length > 0, `no webhook arrived in ${receiver.waitMs} ms`, started)
    const text = deliveries[0]!.body
    yield* Expect.that(text.includes(taskId), `the webhook is not about the task: ${text.slice(0, 200)}`, started)
    yield* Expect.that(text.includes(`"projectId":"${projectId}"`), `the webhook payload has no projectId: ${text.slice(0, 200)}`, started)
  }), { requires: ["webhooks"] }),
  check("EDIT-EXP-010", "One saved project gives as many export tasks as asked", S.multiple, Effect.gen(function*() {
    const { projectId } = yield* savedProject("many-tasks")
    const first = yield* exportProject(projectId)
    yield* Expect.ok(first)
    const second = yield* exportProject(projectId)
    yield* Expect.ok(second)
    const [a, b] = [yield* Expect.string(first, "taskId"), yield* Expect.string(second, "taskId")]
    yield* Expect.that(a !== b, "the two exports answered the same task", second)
    yield* Expect.equal((yield* Expect.object(second))["projectId"], projectId, "the second task's projectId", second)
  })),
  check("EDIT-ASSET-001", "An asset registered on a project is listed under it", S.uploadFirst, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* newProject("assets")
    const registered = yield* h.request({
      method: "POST",
      path: `/v1/projects/${projectId}/assets`,
      json: { name: h.unique("clip"), url: "https://example.com/projectkit-conformance/clip.mp4", contentType: "video/mp4" }
    })
    if (registered.response.status === 404 || registered.response.status === 405) {
      return yield* Expect.skip("the server has no asset route on projects (not documented)")
    }
    yield* Expect.ok(registered)
    const assetId = yield* Expect.string(registered, "assetId")
    const listed = yield* h.request({ path: `/v1/projects/${projectId}/assets` })
    yield* Expect.status(listed, 200)
    yield* Expect.that((yield* listItems(listed)).some((a) => a["assetId"] === assetId), "the asset is not listed", listed)
  }), { profile: "extended" })
]

const access: ReadonlyArray<Check> = [
  check("EDIT-ACCESS-001", "Without runtime access every project route answers 403 OPEN_API_RUNTIME_ACCESS_FORBIDDEN", S.runtime, Effect.gen(function*() {
    const h = yield* Harness
    const id = crypto.randomUUID()
    const routes = [
      { method: "POST", path: "/v1/projects", json: { title: h.unique("ineligible") } },
      { method: "GET", path: "/v1/projects" },
      { method: "GET", path: `/v1/projects/${id}` },
      { method: "PATCH", path: `/v1/projects/${id}`, json: { title: "x" } },
      { method: "POST", path: `/v1/projects/${id}/sync`, json: { editorState: {}, stateVersion: 1 } },
      { method: "POST", path: `/v1/projects/${id}/exports`, json: {} },
      { method: "DELETE", path: `/v1/projects/${id}` }
    ]
    for (const route of routes) {
      const exchange = yield* h.request({ ...route, as: "ineligible" })
      if (exchange.response.status < 300 && route.path === "/v1/projects" && route.method === "POST") {
        const created = (exchange.response.json as Record<string, unknown> | undefined)?.["projectId"]
        if (typeof created === "string") {
          yield* h.defer(`delete editor project ${created}`, h.request({ method: "DELETE", path: `/v1/projects/${created}`, as: "ineligible" }))
        }
      }
      yield* Expect.status(exchange, 403)
      yield* errorCode(exchange, "OPEN_API_RUNTIME_ACCESS_FORBIDDEN")
    }
  }), { requires: ["ineligible"] }),
  check("EDIT-ACCESS-002", "Runtime access is not needed for stateless exports", S.projectRoutesOnly, Effect.gen(function*() {
    yield* Expect.ok(yield* statelessExport("ineligible"))
  }), { profile: "extended", requires: ["ineligible"] }),
  check("EDIT-AUTH-001", "A request without a bearer key is a 401 OPEN_API_UNAUTHORIZED", S.auth, Effect.gen(function*() {
    const h = yield* Harness
    for (const path of ["/v1/projects", "/v1/exports"]) {
      const exchange = yield* h.request({ path, as: "anonymous" })
      yield* Expect.status(exchange, 401)
      yield* errorCode(exchange, "OPEN_API_UNAUTHORIZED")
    }
    const wrong = yield* h.request({ path: "/v1/projects", as: "anonymous", headers: { authorization: `Bearer invalid-${token()}` } })
    yield* Expect.status(wrong, 401)
  }), { profile: "extended" }),
  check("EDIT-ERR-001", "Errors answer {code, message}", S.errorBody, Effect.gen(function*() {
    const h = yield* Harness
    yield* errorBody(yield* getProject(crypto.randomUUID()))
    yield* errorBody(yield* h.request({ path: "/v1/projects", as: "anonymous" }))
    yield* errorBody(yield* h.request({ method: "POST", path: "/v1/projects", json: {} }))
  }), { profile: "extended" }),
  check("EDIT-ISO-001", "Another organization cannot read, change, sync, export or delete a project", S.isolated, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* savedProject("isolated")
    const attempts = [
      { method: "GET", path: `/v1/projects/${projectId}` },
      { method: "PATCH", path: `/v1/projects/${projectId}`, json: { title: "taken" } },
      { method: "POST", path: `/v1/projects/${projectId}/sync`, json: { editorState: { taken: true }, stateVersion: 99 } },
      { method: "POST", path: `/v1/projects/${projectId}/exports`, json: {} },
      { method: "DELETE", path: `/v1/projects/${projectId}` }
    ]
    for (const attempt of attempts) yield* Expect.status(yield* h.request({ ...attempt, as: "secondary" }), 404)
    const read = yield* getProject(projectId)
    yield* Expect.status(read, 200)
    yield* Expect.equal((yield* Expect.object(read))["stateVersion"], 1, "stateVersion after another organization's sync", read)
  }), { requires: ["secondOrganization"] }),
  check("EDIT-ISO-002", "Another organization cannot see an export task", S.isolatedTask, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* savedProject("isolated-task")
    const taskId = yield* Expect.string(yield* exportProject(projectId), "taskId")
    yield* Expect.status(yield* h.request({ path: `/v1/exports/${taskId}`, as: "secondary" }), 404)
    const listed = yield* h.request({ path: "/v1/exports", as: "secondary", query: { projectId } })
    if (listed.response.status < 300) {
      yield* Expect.that((yield* listItems(listed)).length === 0, "another organization lists the project's tasks", listed)
    }
  }), { requires: ["secondOrganization"] })
]

// ---------------------------------------------------------------------------------------------
// Every documented field and request option
// ---------------------------------------------------------------------------------------------

const documented: ReadonlyArray<Check> = [
  check(
    "EDIT-PROJ-011",
    "Every project answer has its documented fields: create and read in full, update and list as metadata",
    S.projectShape,
    Effect.gen(function*() {
      const h = yield* Harness
      const title = h.unique(`fields-${token()}`)
      const state = { scenes: [{ id: token() }] }
      const { exchange: created, project, projectId } = yield* createProject({ title, description: "described", editorState: state })
      const read = yield* getProject(projectId)
      yield* Expect.status(read, 200)
      const retitled = h.unique(`fields-${token()}`)
      const updated = yield* h.request({ method: "PATCH", path: `/v1/projects/${projectId}`, json: { title: retitled } })
      yield* Expect.status(updated, 200)
      const listed = yield* h.request({ path: "/v1/projects", query: { search: retitled, limit: 100 } })
      yield* Expect.status(listed, 200)
      const item = (yield* listItems(listed)).find((p) => p["projectId"] === projectId)
      if (item === undefined) return yield* Expect.fail("the project is not in the list", listed)
      const full = { ...metadataFields, editorState: Expect.nullable("object") }
      yield* Expect.fields(project, full, "the create answer", created)
      yield* Expect.values(project, { projectId, title, description: "described", editorState: state }, "the create answer", created)
      yield* Expect.fields(read.response.json, full, "the GET answer", read)
      yield* Expect.values(read.response.json, { projectId, title, description: "described", editorState: state }, "the GET answer", read)
      yield* Expect.fields(updated.response.json, metadataFields, "the PATCH answer", updated)
      yield* Expect.values(updated.response.json, { projectId, title: retitled, description: "described" }, "the PATCH answer", updated)
      yield* Expect.fields(item, metadataFields, "the list item", listed)
      yield* Expect.values(item, { projectId, title: retitled, description: "described" }, "the list item", listed)
    }),
    { profile: "extended", asserts: "fields" }
  ),
  check("EDIT-EXP-011", "GET /v1/exports?status= lists only tasks of that status", S.taskFilters, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* savedProject("status-filter")
    const taskId = yield* Expect.string(yield* exportProject(projectId), "taskId")
    const read = yield* h.request({ path: `/v1/exports/${taskId}` })
    const status = String((yield* Expect.object(read))["status"])
    // Another status than the task's: the task is not listed, and every listed task has that status.
    const other = status === "failed" ? "completed" : "failed"
    const { items, last } = yield* allExports({ projectId, status: other })
    yield* Expect.that(items.every((t) => t["status"] === other), `a task of another status is listed for status=${other}`, last)
    const again = String((yield* Expect.object(yield* h.request({ path: `/v1/exports/${taskId}` })))["status"])
    if (again === status) yield* Expect.that(!items.some((t) => t["taskId"] === taskId), `a ${status} task is listed for status=${other}`, last)
  }), { profile: "extended", asserts: "option" }),
  check("EDIT-EXP-012", "GET /v1/exports: limit bounds each page and the cursors walk every task once", S.taskPages, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* savedProject("task-pages")
    const created: Array<string> = []
    for (let i = 0; i < 3; i++) created.push(yield* Expect.string(yield* exportProject(projectId), "taskId"))
    const seen: Array<unknown> = []
    let cursor: string | undefined
    let last: Exchange | undefined
    for (let pages = 0; pages < 20; pages++) {
      const exchange = yield* h.request({ path: "/v1/exports", query: { projectId, limit: 1, ...(cursor ? { cursor } : {}) } })
      last = exchange
      yield* Expect.status(exchange, 200)
      const items = yield* listItems(exchange)
      yield* Expect.that(items.length <= 1, "a page has more than limit=1 tasks", exchange)
      seen.push(...items.map((t) => t["taskId"]))
      const next = nextCursor(exchange)
      if (next !== undefined && next === cursor) return yield* Expect.fail("the next cursor is the cursor just used", exchange)
      cursor = next
      if (cursor === undefined) break
    }
    yield* Expect.that(new Set(seen).size === seen.length, "a task came twice across the pages", last)
    yield* Expect.that(created.every((id) => seen.includes(id)), "a task never came across the pages", last)
  }), { profile: "extended", asserts: "option" }),
  check("EDIT-EXP-013", "The export webhook body is {event, task}, the task with its documented fields", S.webhookBody, Effect.gen(function*() {
    const h = yield* Harness
    if (Option.isNone(h.webhooks)) return yield* Expect.skip("no webhook receiver")
    const receiver = h.webhooks.value
    const tag = `editor-body-${token()}`
    const started = yield* h.request({
      method: "POST",
      path: "/v1/exports",
      json: { editorState: { scenes: [{ id: token() }] }, webhookUrl: receiver.url(tag) }
    })
    yield* Expect.ok(started)
    const taskId = yield* Expect.string(started, "taskId")
    const deliveries = yield* receiver.deliveries(tag)
    yield* Expect.that(deliveries.length > 0, `no webhook arrived in ${receiver.waitMs} ms`, started)
    const body = deliveries[0]!.json
    yield* Expect.fields(body, { event: ["export.completed", "export.failed"], task: "object" }, "the webhook body", started)
    const task = (body as Record<string, unknown>)["task"]
    yield* Expect.fields(task, { ...taskFields, status: ["completed", "failed"] }, "the webhook's task", started)
    yield* Expect.values(task, { taskId }, "the webhook's task", started)
  }), { profile: "extended", requires: ["webhooks"], asserts: "fields" })
]

export const checks: ReadonlyArray<Check> = [...projects, ...syncing, ...exporting, ...access, ...documented]

/** Deletes every project of the run still there (named with its prefix). */
export const sweep = (as: Who) =>
  Effect.gen(function*() {
    const h = yield* Harness
    for (let page = 0; page < 20; page++) {
      const listed = yield* h.request({ path: "/v1/projects", as, query: { search: h.prefix, limit: 100 } })
      if (listed.response.status !== 200) return
      const mine = (yield* listItems(listed)).filter((p) => String(p["title"]).startsWith(h.prefix))
      if (mine.length === 0) return
      for (const p of mine) yield* h.request({ method: "DELETE", path: `/v1/projects/${String(p["projectId"])}`, as })
    }
  })
