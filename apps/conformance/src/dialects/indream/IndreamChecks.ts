/**
 * Indream Open API v1 checks, from the official OpenAPI document (cited by operation id), the
 * guide page on projects (seed 001) and the facts of the official client (providers/indream/README.md).
 * Where the documents are silent the checks assume what is marked INF (the `extended` profile).
 * Paths are relative to the dialect's base URL (the real one is https://api.indream.ai).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { createHmac } from "node:crypto"
import { type Check, type Exchange, forDialect } from "../../Check.js"
import * as Expect from "../../Expect.js"
import { Harness, type RequestOptions, type Who } from "../../Harness.js"
import { token } from "../../internal/common.js"
import { cite } from "./IndreamSources.js"

const SEED = "seeds/001_1d497ce5a3a811e3.txt"
const OPENAPI = "providers/indream/openapi.yaml"
const CLIENT = "providers/indream/README.md"

/** The document's own sentence for an operation: its `operationId` line, which names it there. */
const operation = (id: string, note?: string) => cite(OPENAPI, `operationId: ${id}`, note === undefined ? {} : { note })

/** The document does not speak of organizations. */
const ISOLATION = "INF: a resource belongs to the API key owner that made it (\"for the current API key owner\"); to another " +
  "owner's key it answers exactly as an unknown id does (the same 4xx and errorCode, 404 where the operation has one), never listed"

const S = {
  create: operation("createProject", "201 with a ProjectSummary in the {data, meta} envelope: projectId, title, description, createdAt, updatedAt"),
  read: operation("getProject", "200 with a ProjectDetail: the summary's fields, editorState and stateVersion (a string)"),
  patch: cite(OPENAPI, "Update only `title` and `description`.", {
    note: "patchProject answers a ProjectMetadata (projectId, title, description, updatedAt); an editorState sent with it is not saved"
  }),
  remove: operation("deleteProject", "200 with {projectId, deleted}; the project then answers 404"),
  list: cite(OPENAPI, "Response items are summaries only and do not include `editorState`.", {
    note: "listProjects: data is a list of ProjectSummary, meta.nextPageCursor the next page's pageCursor"
  }),
  pageSize: cite(OPENAPI, "PageSize:", {
    note: "pageSize is an integer from 1 to 50 (1 to 100 for project assets, PageSizeAssets); outside it the request is a 400 problem"
  }),
  paging: cite(CLIENT, "Lists put\n  the next cursor in `meta.nextPageCursor` (string or absent/null).", {
    note: "with pageSize=1, following meta.nextPageCursor as pageCursor walks every item once"
  }),
  requiredState: cite(OPENAPI, "`editorState` is required.", { note: "createProject without editorState is a 4xx problem" }),
  unknown: operation("getProject", "an unknown projectId is a 404 problem"),
  sync: operation("syncProject", "200 with {projectId, stateVersion (a string), updatedAt}"),
  replaces: cite(SEED, "each call replaces the stored editorState with the provided payload."),
  syncOnly: cite(SEED, "POST /v1/projects/{projectId}/sync updates only editorState and stateVersion"),
  stateVersion: cite(OPENAPI, "SyncProjectRequest:", {
    note: "INF: the document says nothing of conflicts; the stateVersion sent (a string ≤ 32) is the one stored and answered"
  }),
  rateLimited: cite(SEED, "If the API returns 429 OPEN_API_PROJECT_SYNC_RATE_LIMITED, back off and retry with jitter."),
  retryAfter: cite(CLIENT, "429 and ≥ 500, exponential from 300 ms to 3 s with jitter", {
    note: "INF: a 429 says when to retry in Retry-After (seconds), and a sync after it is accepted"
  }),
  invalidState: cite(OPENAPI, "Validate editor JSON schema and semantic rules before persistence or export.", {
    note: "INF: a sync of a state that validate finds invalid is a 4xx problem and the stored state is unchanged"
  }),
  upload: cite(OPENAPI, "Set `Content-Type` to the file MIME type and `x-file-name` to the original filename.", {
    note: "uploadAsset: 201 with an Asset; INF: fileUrl serves the same bytes with the same Content-Type, without the API key"
  }),
  uploadName: cite(OPENAPI, "UploadFileName:", { note: "x-file-name is required: an upload without it is a 400 problem" }),
  uploadProject: cite(OPENAPI, "When `x-project-id` is provided, the created asset is also bound to that project."),
  asset: operation("getAsset", "200 with the Asset the upload answered"),
  bind: cite(OPENAPI, "Bind an existing asset to the project without changing the asset itself.", {
    note: "addProjectAsset 201 {projectId, assetId}; listProjectAssets lists it with the Asset fields"
  }),
  unbind: cite(OPENAPI, "Remove only the project binding. The asset itself remains available for reuse."),
  referenced: cite(OPENAPI, "If the asset is still referenced by active records, the request fails with `ASSET_REFERENCED`.", {
    note: "a project binding is an active record: 409 ASSET_REFERENCED; once unbound the delete answers {assetId, deleted} and the asset is gone"
  }),
  projectExport: cite(OPENAPI, "Create a cloud export task from the latest persisted project state.", {
    note: "createProjectExport: 201 with {taskId, projectId, createdAt, durationSeconds, billedStandardSeconds, chargedCredits}"
  }),
  statelessExport: cite(SEED, "Use POST /v1/exports when you want to submit a full editorState payload and render it immediately without creating a project."),
  task: operation("getExport", "200 with an ExportTask; it reaches COMPLETED with an outputUrl"),
  taskList: cite(OPENAPI, "List export tasks for the current API key owner. Tasks created from projects include a nullable `projectId`."),
  output: cite(CLIENT, "terminal =\n  `COMPLETED | FAILED | CANCELED`; `exports.wait` polls `GET /v1/exports/{taskId}` until terminal.", {
    note: "INF: a COMPLETED task's outputUrl downloads the video of its format without the API key"
  }),
  history: cite(SEED, "retry-safe workflows where task history should stay attached to one project", {
    note: "deleting the project keeps its export tasks, still naming it"
  }),
  idempotency: cite(OPENAPI, "When provided, the server replays the first completed response for the same request payload.", {
    note: "INF: the same key with a different payload is refused with a 4xx problem (409)"
  }),
  clientTaskId: cite(OPENAPI, "If header is omitted but `clientTaskId` is provided, task deduplication uses `clientTaskId`."),
  concurrency: cite(
    OPENAPI,
    "Active Open API export tasks are limited to 2 per user. When exceeded, API returns `422 OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED`."
  ),
  exportBody: cite(OPENAPI, "CreateExportRequest:", { note: "fps is 30 or 60: another is a 4xx problem" }),
  webhook: cite(CLIENT, "body\n  `{ eventType: EXPORT_STARTED | EXPORT_COMPLETED | EXPORT_FAILED, occurredAt, task }`", {
    note: "sent to callbackUrl with callbackHeaders, signed in X-Indream-Timestamp and X-Indream-Signature"
  }),
  capabilities: operation("getEditorCapabilities", "200 with EditorCapabilities: every required field of its kind"),
  validate: cite(OPENAPI, "Semantic checks include keyframe local-time bounds and no-overlap rules within the same track.", {
    note: "validateEditorState answers {valid, errors} (errors {code, path, message}): a valid state valid, overlapping items not"
  }),
  illustrations: cite(OPENAPI, "When `q` is omitted, the endpoint returns the full supported list.", {
    note: "searchIllustrations: data is a list of names; with q, a part of the full list"
  }),
  auth: cite(CLIENT, "Auth header `x-api-key`", { note: "without the header, or with a key that is not one, a route answers 401" }),
  problem: cite(CLIENT, "Errors are problem details `{ type, title, status, detail, errorCode? }`.", {
    note: "every error the server sends carries errorCode too (issue 24), and status equals the HTTP status"
  }),
  envelope: cite(CLIENT, "Every success body is an envelope `{ data, meta? }`"),
  runtime: cite(SEED, "If the current account is not eligible for these routes, the API returns 403 OPEN_API_RUNTIME_ACCESS_FORBIDDEN."),
  noRuntime: cite(OPENAPI, "Unlike persistence and export routes, this endpoint does not require paid runtime access."),
  isolated: cite(OPENAPI, "List persistent editor projects for the current API key owner.", { note: ISOLATION })
}

const check = forDialect("indream")

// ---------------------------------------------------------------------------------------------
// Editor states
// ---------------------------------------------------------------------------------------------

/** The editorState's tick rate in these checks (the document's example's). */
const TICKS_PER_SECOND = 240000

const animated = (value: number) => ({ value, keyframes: [] })

/** A solid rectangle from `startTicks`, one second long (an item of the v1 schema). */
const solid = (id: string, startTicks: number) => ({
  id,
  type: "solid",
  color: "#111827",
  shape: "rectangle",
  startTicks,
  durationTicks: TICKS_PER_SECOND,
  top: animated(0),
  left: animated(0),
  width: animated(1280),
  height: animated(720),
  scaleX: animated(1),
  scaleY: animated(1),
  opacity: animated(1),
  isDraggingInTimeline: false,
  keepAspectRatio: false,
  borderRadius: animated(0),
  rotation: animated(0)
})

/** A valid editorState: one track of one-second solids starting at `starts` (in ticks), a `mark` in the track id. */
const stateOf = (starts: ReadonlyArray<number>, mark: string = token()) => ({
  compositionWidth: 1280,
  compositionHeight: 720,
  timebaseTicksPerSecond: TICKS_PER_SECOND,
  tracks: [{ id: `track-${mark}`, hidden: false, muted: false, items: starts.map((_, i) => `item-${i}`) }],
  assets: {},
  items: Object.fromEntries(starts.map((start, i) => [`item-${i}`, solid(`item-${i}`, start)])),
  transitions: {},
  globalBackground: { type: "none" },
  deletedAssets: []
})

/** One second of video. */
const validState = (mark?: string) => stateOf([0], mark)
/** Two items overlapping in one track: the document's no-overlap rule makes it invalid. */
const overlappingState = () => stateOf([0, TICKS_PER_SECOND / 2])

/** An export's required options (CreateProjectExportRequest). */
const exportOptions = { ratio: "16:9", scale: 1, fps: 30, format: "mp4" } as const

// ---------------------------------------------------------------------------------------------
// Answers: envelopes and problems
// ---------------------------------------------------------------------------------------------

/** The envelope's `data` of a success: an object, with `meta` an object beside it. */
const data = (exchange: Exchange): Effect.Effect<Record<string, unknown>, import("../../Check.js").CheckFailed> =>
  Effect.gen(function*() {
    const body = yield* Expect.object(exchange)
    yield* Expect.that(Expect.isRecord(body["meta"]), "the answer's envelope has no meta object", exchange)
    const inner = body["data"]
    if (!Expect.isRecord(inner)) return yield* Expect.fail("the answer's envelope has no data object", exchange)
    return inner
  })

/** The envelope's `data` of a list: a list of objects, with `meta` (and its nextPageCursor) beside it. */
const dataList = (exchange: Exchange) =>
  Effect.gen(function*() {
    const body = yield* Expect.object(exchange)
    const meta = body["meta"]
    if (!Expect.isRecord(meta)) return yield* Expect.fail("the list's envelope has no meta object", exchange)
    const cursor = meta["nextPageCursor"]
    yield* Expect.that(
      cursor === undefined || cursor === null || typeof cursor === "string",
      `meta.nextPageCursor is ${JSON.stringify(cursor)}, expected a string, null or nothing`,
      exchange
    )
    const items = body["data"]
    if (!Array.isArray(items) || !items.every(Expect.isRecord)) return yield* Expect.fail("the list's data is not a list of objects", exchange)
    return { items: items as ReadonlyArray<Record<string, unknown>>, next: typeof cursor === "string" && cursor !== "" ? cursor : undefined }
  })

/** A problem-details error of `status` (and `errorCode` when given). */
const problem = (exchange: Exchange, status: number, errorCode?: string) =>
  Effect.gen(function*() {
    yield* Expect.status(exchange, status)
    const body = yield* Expect.object(exchange)
    yield* Expect.fields(body, { type: "string", title: "string", status: "integer", detail: "string", errorCode: "string" }, "the problem", exchange)
    yield* Expect.equal(body["status"], status, "the problem's status", exchange)
    if (errorCode !== undefined) yield* Expect.equal(body["errorCode"], errorCode, "the problem's errorCode", exchange)
  })

/** A 4xx problem of any status. */
const clientProblem = (exchange: Exchange) =>
  Effect.gen(function*() {
    yield* Expect.clientError(exchange)
    yield* problem(exchange, exchange.response.status)
  })

// ---------------------------------------------------------------------------------------------
// Documented fields
// ---------------------------------------------------------------------------------------------

const summaryFields: Expect.Shape = {
  projectId: "string",
  title: "string",
  description: Expect.nullable("string"),
  createdAt: "date-time",
  updatedAt: "date-time"
}

const detailFields: Expect.Shape = { ...summaryFields, editorState: "object", stateVersion: "string" }

const metadataFields: Expect.Shape = { projectId: "string", title: "string", description: Expect.nullable("string"), updatedAt: "date-time" }

const assetFields: Expect.Shape = {
  assetId: "string",
  type: "string",
  source: Expect.nullable("string"),
  filename: "string",
  mimetype: "string",
  size: Expect.nullable("integer"),
  fileUrl: "string",
  fileKey: "string",
  width: Expect.nullable("number"),
  height: Expect.nullable("number"),
  duration: Expect.nullable("number")
}

const createdTaskFields: Expect.Shape = {
  taskId: "string",
  projectId: { kind: "string", optional: true, nullable: true },
  createdAt: "date-time",
  durationSeconds: "number",
  billedStandardSeconds: "integer",
  chargedCredits: "string",
  chargedCreditPool: Expect.optional("string")
}

const STATUSES = ["PENDING", "PROCESSING", "COMPLETED", "FAILED", "PAUSED", "CANCELED"]
const TERMINAL = ["COMPLETED", "FAILED", "CANCELED"]

const taskFields: Expect.Shape = {
  taskId: "string",
  projectId: Expect.nullable("string"),
  createdByApiKeyId: Expect.nullable("string"),
  clientTaskId: Expect.nullable("string"),
  status: STATUSES,
  progress: "number",
  error: Expect.nullable("string"),
  outputUrl: Expect.nullable("string"),
  durationSeconds: "number",
  billedStandardSeconds: "integer",
  chargedCredits: "string",
  callbackUrl: Expect.nullable("string"),
  createdAt: "date-time",
  completedAt: Expect.nullable("date-time")
}

const capabilityFields: Expect.Shape = {
  version: "string",
  animations: "array",
  captionAnimations: "object",
  transitions: "array",
  transitionPresets: "array",
  effects: "array",
  effectPresets: "array",
  filters: "array",
  filterPresets: "array",
  shapes: "array",
  backgroundPresets: "object"
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

const createProject = (body: Record<string, unknown>, as: Who = "primary", headers: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const exchange = yield* h.request({ method: "POST", path: "/v1/projects", json: body, as, headers })
    yield* Expect.status(exchange, 201)
    const project = yield* data(exchange)
    const projectId = project["projectId"]
    if (typeof projectId !== "string") return yield* Expect.fail("the created project has no projectId", exchange)
    yield* h.defer(`delete Indream project ${projectId}`, h.request({ method: "DELETE", path: `/v1/projects/${projectId}`, as }))
    return { exchange, projectId, project }
  })

const newProject = (label: string, extra: Record<string, unknown> = {}, as: Who = "primary") =>
  Effect.flatMap(Harness, (h) => createProject({ title: h.unique(label), editorState: validState(), ...extra }, as))

const getProject = (projectId: string, as: Who = "primary") => Effect.flatMap(Harness, (h) => h.request({ path: `/v1/projects/${projectId}`, as }))

const sync = (projectId: string, body: Record<string, unknown>, as: Who = "primary", retryRateLimited = true) =>
  Effect.flatMap(Harness, (h) => h.request({ method: "POST", path: `/v1/projects/${projectId}/sync`, json: body, as, retryRateLimited }))

/** An upload of a small SVG (text, so that it passes any proxy unchanged), bound to a project when given. */
const upload = (options: { readonly projectId?: string; readonly content?: string; readonly fileName?: string | null } = {}) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const content = options.content ?? `<svg xmlns="http://www.w3.org/2000/svg" data-mark="${token()}"/>`
    const headers: Record<string, string> = {}
    if (options.fileName !== null) headers["x-file-name"] = options.fileName ?? `${token()}.svg`
    if (options.projectId !== undefined) headers["x-project-id"] = options.projectId
    const exchange = yield* h.request({ method: "POST", path: "/v1/uploads", body: content, contentType: "image/svg+xml", headers })
    return { exchange, content, fileName: headers["x-file-name"] }
  })

/** An uploaded asset, deleted at the end of the run. */
const newAsset = (projectId?: string) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const uploaded = yield* upload(projectId === undefined ? {} : { projectId })
    yield* Expect.status(uploaded.exchange, 201)
    const asset = yield* data(uploaded.exchange)
    const assetId = String(asset["assetId"])
    yield* h.defer(`delete Indream asset ${assetId}`, h.request({ method: "DELETE", path: `/v1/assets/${assetId}` }))
    return { ...uploaded, asset, assetId }
  })

/** Whether an answer is the per-user export concurrency limit. */
const atConcurrencyLimit = (exchange: Exchange) =>
  exchange.response.status === 422 && Expect.isRecord(exchange.response.json) &&
  exchange.response.json["errorCode"] === "OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED"

/** Polls until `done` holds of a fresh answer, at most the run's lifecycle timeout. */
const until = <A>(
  what: string,
  attempt: Effect.Effect<{ readonly exchange: Exchange; readonly value: A; readonly done: boolean }, import("../../Check.js").CheckFailed | import("../../Check.js").HarnessError, Harness>
) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const waitMs = Duration.toMillis(h.lifecycleTimeout)
    const deadline = Date.now() + waitMs
    for (;;) {
      const result = yield* attempt
      if (result.done) return result
      if (Date.now() > deadline) return yield* Expect.fail(`${what} after ${waitMs} ms (the run's lifecycle timeout)`, result.exchange)
      yield* Effect.sleep(Duration.millis(Math.min(500, Math.max(25, waitMs / 100))))
    }
  })

/**
 * Sends an export request; while two other tasks of the user are still active (422
 * OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED, the document's limit), waits for a slot.
 */
const startExport = (request: RequestOptions) =>
  Effect.flatMap(Harness, (h) =>
    until("two export tasks are still active", Effect.map(h.request(request), (exchange) => ({ exchange, value: exchange, done: !atConcurrencyLimit(exchange) })))
  ).pipe(Effect.map(({ exchange }) => exchange))

const exportProject = (projectId: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  startExport({ method: "POST", path: `/v1/projects/${projectId}/exports`, json: { ...exportOptions, ...extra }, headers })

const statelessExport = (extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  startExport({ method: "POST", path: "/v1/exports", json: { editorState: validState(), ...exportOptions, ...extra }, headers })

/** A project with a saved state, ready to export. */
const savedProject = (label: string, as: Who = "primary") => newProject(label, {}, as)

const taskIdOf = (exchange: Exchange) =>
  Effect.gen(function*() {
    yield* Expect.status(exchange, 201)
    const task = yield* data(exchange)
    if (typeof task["taskId"] !== "string") return yield* Expect.fail("the created task has no taskId", exchange)
    return task["taskId"]
  })

/** Reads the task until it is terminal. */
const untilTerminal = (taskId: string) =>
  Effect.flatMap(Harness, (h) =>
    until(
      `export task ${taskId} is not COMPLETED, FAILED or CANCELED`,
      Effect.gen(function*() {
        const exchange = yield* h.request({ path: `/v1/exports/${taskId}` })
        yield* Expect.status(exchange, 200)
        const task = yield* data(exchange)
        return { exchange, value: task, done: TERMINAL.includes(String(task["status"])) }
      })
    ))

/** Every task of the caller, page by page (at most 20 pages of 50). */
const allExports = Effect.gen(function*() {
  const h = yield* Harness
  const items: Array<Record<string, unknown>> = []
  let cursor: string | undefined
  let last: Exchange | undefined
  for (let pages = 0; pages < 20; pages++) {
    const exchange = yield* h.request({ path: "/v1/exports", query: { pageSize: 50, pageCursor: cursor } })
    last = exchange
    yield* Expect.status(exchange, 200)
    const page = yield* dataList(exchange)
    items.push(...page.items)
    cursor = page.next
    if (cursor === undefined) break
  }
  return { items, last: last! }
})

/**
 * Walks a list with `pageSize`, following meta.nextPageCursor: every id once, each page within the
 * size; it stops early once every id of `wanted` came (a long-lived account's task history is long).
 */
const walk = (path: string, idField: string, pageSize: number, wanted: ReadonlyArray<string> = []) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const seen: Array<unknown> = []
    let cursor: string | undefined
    let last: Exchange | undefined
    for (let pages = 0; pages < 200; pages++) {
      const exchange = yield* h.request({ path, query: { pageSize, pageCursor: cursor } })
      last = exchange
      yield* Expect.status(exchange, 200)
      const page = yield* dataList(exchange)
      yield* Expect.that(page.items.length <= pageSize, `a page has ${page.items.length} items, more than pageSize=${pageSize}`, exchange)
      seen.push(...page.items.map((item) => item[idField]))
      if (page.next !== undefined && page.next === cursor) return yield* Expect.fail("meta.nextPageCursor is the pageCursor just used", exchange)
      cursor = page.next
      if (cursor === undefined || (wanted.length > 0 && wanted.every((id) => seen.includes(id)))) break
    }
    yield* Expect.that(new Set(seen).size === seen.length, "an item came twice across the pages", last)
    return { seen, last: last! }
  })

/** The HMAC the client verifies: hex HMAC-SHA256 of `${timestamp}.${rawBody}`. */
const signatureOf = (secret: string, timestamp: string, body: string) => createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

const projects: ReadonlyArray<Check> = [
  check("IND-PROJ-001", "createProject answers 201 and the project's summary in {data, meta}", S.create, Effect.gen(function*() {
    const h = yield* Harness
    const title = h.unique("create")
    const { exchange, project } = yield* createProject({ title, description: "described", editorState: validState() })
    yield* Expect.fields(project, summaryFields, "the createProject answer", exchange)
    yield* Expect.values(project, { title, description: "described" }, "the createProject answer", exchange)
  }), { asserts: "fields" }),
  check("IND-PROJ-002", "getProject answers the metadata, the latest editorState and its stateVersion (a string)", S.read, Effect.gen(function*() {
    const h = yield* Harness
    const title = h.unique("read")
    const state = validState()
    const { projectId } = yield* createProject({ title, editorState: state, stateVersion: "v1" })
    const read = yield* getProject(projectId)
    yield* Expect.status(read, 200)
    const project = yield* data(read)
    yield* Expect.fields(project, detailFields, "the getProject answer", read)
    yield* Expect.values(project, { projectId, title, editorState: state, stateVersion: "v1" }, "the getProject answer", read)
  }), { asserts: "fields" }),
  check("IND-PROJ-003", "patchProject changes title and description only, and answers the metadata", S.patch, Effect.gen(function*() {
    const h = yield* Harness
    const state = validState()
    const { projectId } = yield* newProject("patch", { editorState: state, stateVersion: "kept" })
    const title = h.unique("patched")
    const patched = yield* h.request({
      method: "PATCH",
      path: `/v1/projects/${projectId}`,
      json: { title, description: "new", editorState: validState(), stateVersion: "changed" }
    })
    yield* Expect.status(patched, 200)
    const metadata = yield* data(patched)
    yield* Expect.fields(metadata, metadataFields, "the patchProject answer", patched)
    yield* Expect.values(metadata, { projectId, title, description: "new" }, "the patchProject answer", patched)
    const read = yield* getProject(projectId)
    yield* Expect.values(yield* data(read), { title, description: "new", editorState: state, stateVersion: "kept" }, "the project after PATCH", read)
  }), { asserts: "fields" }),
  check("IND-PROJ-004", "deleteProject answers {projectId, deleted} and the project is gone (404 problem)", S.remove, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* newProject("delete")
    const deleted = yield* h.request({ method: "DELETE", path: `/v1/projects/${projectId}` })
    yield* Expect.status(deleted, 200)
    const body = yield* data(deleted)
    yield* Expect.fields(body, { projectId: "string", deleted: "boolean" }, "the deleteProject answer", deleted)
    yield* Expect.values(body, { projectId, deleted: true }, "the deleteProject answer", deleted)
    yield* problem(yield* getProject(projectId), 404)
  }), { asserts: "fields" }),
  check("IND-PROJ-005", "listProjects answers summaries without editorState", S.list, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* newProject("listed", { description: "listed" })
    const { last } = yield* walk("/v1/projects", "projectId", 50, [projectId])
    // The project is on some page: read them again to find it.
    let cursor: string | undefined
    for (let pages = 0; pages < 200; pages++) {
      const exchange = yield* h.request({ path: "/v1/projects", query: { pageSize: 50, pageCursor: cursor } })
      const page = yield* dataList(exchange)
      const item = page.items.find((p) => p["projectId"] === projectId)
      if (item !== undefined) {
        yield* Expect.fields(item, summaryFields, "the list item", exchange)
        yield* Expect.values(item, { description: "listed" }, "the list item", exchange)
        return yield* Expect.that(!("editorState" in item), "a list item carries editorState", exchange)
      }
      cursor = page.next
      if (cursor === undefined) break
    }
    return yield* Expect.fail("the project is not listed", last)
  }), { asserts: "fields" }),
  check("IND-PROJ-006", "createProject without editorState is a 4xx problem", S.requiredState, Effect.gen(function*() {
    const h = yield* Harness
    yield* clientProblem(yield* h.request({ method: "POST", path: "/v1/projects", json: { title: h.unique("no-state") } }))
    yield* clientProblem(yield* h.request({ method: "POST", path: "/v1/projects", body: "{\"title\": " }))
  })),
  check("IND-PROJ-007", "An unknown project is a 404 problem", S.unknown, Effect.gen(function*() {
    yield* problem(yield* getProject(crypto.randomUUID()), 404)
  })),
  check("IND-PROJ-008", "createProject with an Idempotency-Key replays its first answer; the key with another payload is refused", S.idempotency, Effect.gen(function*() {
    const h = yield* Harness
    const key = `conformance-${token()}`
    const body = { title: h.unique("idempotent"), editorState: validState() }
    const first = yield* createProject(body, "primary", { "idempotency-key": key })
    const again = yield* createProject(body, "primary", { "idempotency-key": key })
    yield* Expect.equal(again.projectId, first.projectId, "the replayed projectId", again.exchange)
    const other = yield* h.request({ method: "POST", path: "/v1/projects", json: { ...body, title: h.unique("other") }, headers: { "idempotency-key": key } })
    yield* clientProblem(other)
  }), { profile: "extended", asserts: "option" })
]

const syncing: ReadonlyArray<Check> = [
  check("IND-SYNC-001", "syncProject answers {projectId, stateVersion, updatedAt} and GET then has the state", S.sync, Effect.gen(function*() {
    const { projectId } = yield* newProject("sync")
    const state = validState()
    const synced = yield* sync(projectId, { editorState: state, stateVersion: "7" })
    yield* Expect.status(synced, 200)
    const body = yield* data(synced)
    yield* Expect.fields(body, { projectId: "string", stateVersion: "string", updatedAt: "date-time" }, "the syncProject answer", synced)
    yield* Expect.values(body, { projectId }, "the syncProject answer", synced)
    const read = yield* getProject(projectId)
    yield* Expect.values(yield* data(read), { editorState: state }, "the project after sync", read)
  }), { asserts: "fields" }),
  check("IND-SYNC-002", "Each sync replaces the stored editorState (no merge)", S.replaces, Effect.gen(function*() {
    const { projectId } = yield* newProject("replace")
    yield* Expect.status(yield* sync(projectId, { editorState: stateOf([0, TICKS_PER_SECOND]) }), 200)
    const last = stateOf([0])
    yield* Expect.status(yield* sync(projectId, { editorState: last }), 200)
    const read = yield* getProject(projectId)
    yield* Expect.values(yield* data(read), { editorState: last }, "the project after two syncs", read)
  })),
  check("IND-SYNC-003", "sync leaves the title and description", S.syncOnly, Effect.gen(function*() {
    const h = yield* Harness
    const title = h.unique("sync-only")
    const { projectId } = yield* createProject({ title, description: "kept", editorState: validState() })
    yield* Expect.status(yield* sync(projectId, { editorState: validState(), title: "changed", description: "changed" }), 200)
    const read = yield* getProject(projectId)
    yield* Expect.values(yield* data(read), { title, description: "kept" }, "the project after a sync that sent a title", read)
  })),
  check("IND-SYNC-004", "The stateVersion sent with a sync is the one answered and stored, a string", S.stateVersion, Effect.gen(function*() {
    const { projectId } = yield* newProject("state-version")
    const version = `v-${token()}`
    const synced = yield* sync(projectId, { editorState: validState(), stateVersion: version })
    yield* Expect.status(synced, 200)
    yield* Expect.values(yield* data(synced), { stateVersion: version }, "the syncProject answer", synced)
    const read = yield* getProject(projectId)
    yield* Expect.values(yield* data(read), { stateVersion: version }, "the project after sync", read)
    yield* clientProblem(yield* sync(projectId, { editorState: validState(), stateVersion: 7 }))
  }), { profile: "extended", asserts: "option" }),
  check("IND-SYNC-005", "A sync of an invalid editorState is a 4xx problem and stores nothing", S.invalidState, Effect.gen(function*() {
    const state = validState()
    const { projectId } = yield* newProject("invalid-sync", { editorState: state })
    yield* clientProblem(yield* sync(projectId, { editorState: overlappingState() }))
    yield* clientProblem(yield* sync(projectId, { editorState: { tracks: "none" } }))
    const read = yield* getProject(projectId)
    yield* Expect.values(yield* data(read), { editorState: state }, "the project after refused syncs", read)
  }), { profile: "extended" }),
  check("IND-RATE-001", "Syncing too often answers 429 OPEN_API_PROJECT_SYNC_RATE_LIMITED with Retry-After", S.rateLimited, Effect.gen(function*() {
    const { projectId } = yield* newProject("rate")
    for (let i = 1; i <= 60; i++) {
      const exchange = yield* sync(projectId, { editorState: validState(), stateVersion: String(i) }, "primary", false)
      if (exchange.response.status === 429) {
        yield* problem(exchange, 429, "OPEN_API_PROJECT_SYNC_RATE_LIMITED")
        const retryAfter = Number(exchange.response.headers["retry-after"])
        return yield* Expect.that(Number.isFinite(retryAfter) && retryAfter >= 0 && retryAfter <= 60, "the 429 has no Retry-After in seconds", exchange)
      }
      yield* Expect.status(exchange, 200)
    }
    return yield* Expect.skip("60 syncs of one project in a row were all accepted: no rate limit to check")
  })),
  check("IND-RATE-002", "After the Retry-After of a rate-limited sync, a sync is accepted", S.retryAfter, Effect.gen(function*() {
    const { projectId } = yield* newProject("retry-after")
    for (let i = 1; i <= 60; i++) {
      const exchange = yield* sync(projectId, { editorState: validState() }, "primary", false)
      if (exchange.response.status !== 429) {
        yield* Expect.status(exchange, 200)
        continue
      }
      const retryAfter = Number(exchange.response.headers["retry-after"])
      yield* Expect.that(Number.isFinite(retryAfter) && retryAfter >= 0 && retryAfter <= 60, "the 429 has no Retry-After in seconds", exchange)
      yield* Effect.sleep(Duration.millis(retryAfter * 1000 + 100))
      return yield* Expect.status(yield* sync(projectId, { editorState: validState() }, "primary", false), 200)
    }
    return yield* Expect.skip("60 syncs of one project in a row were all accepted: no rate limit to check")
  }), { profile: "extended" })
]

const paging: ReadonlyArray<Check> = [
  check("IND-PAGE-001", "pageSize outside its bounds is a 400 problem (projects and exports 1–50, project assets 1–100)", S.pageSize, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* newProject("page-bounds")
    for (const [path, over] of [["/v1/projects", 51], ["/v1/exports", 51], [`/v1/projects/${projectId}/assets`, 101]] as const) {
      yield* problem(yield* h.request({ path, query: { pageSize: 0 } }), 400)
      yield* problem(yield* h.request({ path, query: { pageSize: over } }), 400)
      yield* Expect.status(yield* h.request({ path, query: { pageSize: over - 1 } }), 200)
    }
  }), { asserts: "option" }),
  check("IND-PAGE-002", "listProjects: pageSize bounds each page and meta.nextPageCursor walks every project once", S.paging, Effect.gen(function*() {
    const created: Array<string> = []
    for (let i = 0; i < 3; i++) created.push((yield* newProject(`page-${i}`)).projectId)
    const { last, seen } = yield* walk("/v1/projects", "projectId", 1, created)
    yield* Expect.that(created.every((id) => seen.includes(id)), "a project never came across the pages", last)
  }), { asserts: "option" }),
  check("IND-PAGE-003", "listExports: pageSize bounds each page and meta.nextPageCursor walks every task once", S.paging, Effect.gen(function*() {
    const { projectId } = yield* savedProject("task-pages")
    const created: Array<string> = []
    for (let i = 0; i < 2; i++) created.push(yield* taskIdOf(yield* exportProject(projectId)))
    const { last, seen } = yield* walk("/v1/exports", "taskId", 1, created)
    yield* Expect.that(created.every((id) => seen.includes(id)), "a task never came across the pages", last)
  }), { asserts: "option" }),
  check("IND-PAGE-004", "listProjectAssets: pageSize bounds each page and meta.nextPageCursor walks every asset once", S.paging, Effect.gen(function*() {
    const { projectId } = yield* newProject("asset-pages")
    const created: Array<string> = []
    for (let i = 0; i < 3; i++) created.push((yield* newAsset(projectId)).assetId)
    const { last, seen } = yield* walk(`/v1/projects/${projectId}/assets`, "assetId", 1)
    yield* Expect.that(created.every((id) => seen.includes(id)), "an asset never came across the pages", last)
    yield* Expect.equal(seen.length, created.length, "the project's assets across the pages", last)
  }), { asserts: "option" })
]

const assets: ReadonlyArray<Check> = [
  check("IND-UP-001", "uploadAsset answers the Asset; its fileUrl serves the same bytes and Content-Type without the key", S.upload, Effect.gen(function*() {
    const h = yield* Harness
    const { asset, content, exchange, fileName } = yield* newAsset()
    yield* Expect.fields(asset, assetFields, "the uploadAsset answer", exchange)
    yield* Expect.values(asset, { filename: fileName, mimetype: "image/svg+xml", size: Buffer.byteLength(content) }, "the uploadAsset answer", exchange)
    const file = yield* h.request({ url: String(asset["fileUrl"]), path: "", as: "anonymous" })
    yield* Expect.status(file, 200)
    yield* Expect.equal(file.response.body, content, "the bytes fileUrl serves", file)
    yield* Expect.equal((file.response.headers["content-type"] ?? "").split(";")[0], "image/svg+xml", "fileUrl's Content-Type", file)
  }), { asserts: "fields" }),
  check("IND-UP-002", "An upload without x-file-name is a 400 problem", S.uploadName, Effect.gen(function*() {
    const { exchange } = yield* upload({ fileName: null })
    yield* problem(exchange, 400)
  })),
  check("IND-UP-003", "An upload with x-project-id is bound to that project", S.uploadProject, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* newProject("upload-bound")
    const { assetId } = yield* newAsset(projectId)
    const listed = yield* h.request({ path: `/v1/projects/${projectId}/assets` })
    yield* Expect.status(listed, 200)
    const { items } = yield* dataList(listed)
    yield* Expect.that(items.some((a) => a["assetId"] === assetId), "the uploaded asset is not listed under its x-project-id", listed)
    yield* h.request({ method: "DELETE", path: `/v1/projects/${projectId}/assets/${assetId}` })
  }), { asserts: "option" }),
  check("IND-ASSET-001", "getAsset answers the Asset the upload answered", S.asset, Effect.gen(function*() {
    const h = yield* Harness
    const { asset, assetId } = yield* newAsset()
    const read = yield* h.request({ path: `/v1/assets/${assetId}` })
    yield* Expect.status(read, 200)
    const body = yield* data(read)
    yield* Expect.fields(body, assetFields, "the getAsset answer", read)
    yield* Expect.values(body, asset, "the getAsset answer", read)
  }), { asserts: "fields" }),
  check("IND-ASSET-002", "addProjectAsset binds, listProjectAssets lists the Asset, deleteProjectAsset unbinds and keeps the asset", S.bind, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* newProject("bind")
    const { asset, assetId } = yield* newAsset()
    const bound = yield* h.request({ method: "POST", path: `/v1/projects/${projectId}/assets`, json: { assetId } })
    yield* Expect.status(bound, 201)
    const binding = yield* data(bound)
    yield* Expect.fields(binding, { projectId: "string", assetId: "string" }, "the addProjectAsset answer", bound)
    yield* Expect.values(binding, { projectId, assetId }, "the addProjectAsset answer", bound)
    const listed = yield* h.request({ path: `/v1/projects/${projectId}/assets` })
    yield* Expect.status(listed, 200)
    const item = (yield* dataList(listed)).items.find((a) => a["assetId"] === assetId)
    if (item === undefined) return yield* Expect.fail("the bound asset is not listed", listed)
    yield* Expect.fields(item, assetFields, "the listProjectAssets item", listed)
    yield* Expect.values(item, asset, "the listProjectAssets item", listed)
    const unbound = yield* h.request({ method: "DELETE", path: `/v1/projects/${projectId}/assets/${assetId}` })
    yield* Expect.status(unbound, 200)
    const removal = yield* data(unbound)
    yield* Expect.fields(removal, { projectId: "string", assetId: "string", deleted: "boolean" }, "the deleteProjectAsset answer", unbound)
    yield* Expect.values(removal, { projectId, assetId, deleted: true }, "the deleteProjectAsset answer", unbound)
    const after = yield* h.request({ path: `/v1/projects/${projectId}/assets` })
    yield* Expect.that(!(yield* dataList(after)).items.some((a) => a["assetId"] === assetId), "the unbound asset is still listed", after)
  }), { asserts: "fields" }),
  check("IND-ASSET-003", "Removing a binding keeps the asset itself", S.unbind, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* newProject("unbind")
    const { assetId } = yield* newAsset(projectId)
    yield* Expect.status(yield* h.request({ method: "DELETE", path: `/v1/projects/${projectId}/assets/${assetId}` }), 200)
    yield* Expect.status(yield* h.request({ path: `/v1/assets/${assetId}` }), 200)
  })),
  check("IND-ASSET-004", "deleteAsset is a 409 ASSET_REFERENCED while bound; unbound it answers {assetId, deleted} and the asset is gone", S.referenced, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* newProject("referenced")
    const { assetId } = yield* newAsset(projectId)
    yield* problem(yield* h.request({ method: "DELETE", path: `/v1/assets/${assetId}` }), 409, "ASSET_REFERENCED")
    yield* Expect.status(yield* h.request({ path: `/v1/assets/${assetId}` }), 200)
    yield* Expect.status(yield* h.request({ method: "DELETE", path: `/v1/projects/${projectId}/assets/${assetId}` }), 200)
    const deleted = yield* h.request({ method: "DELETE", path: `/v1/assets/${assetId}` })
    yield* Expect.status(deleted, 200)
    const body = yield* data(deleted)
    yield* Expect.fields(body, { assetId: "string", deleted: "boolean" }, "the deleteAsset answer", deleted)
    yield* Expect.values(body, { assetId, deleted: true }, "the deleteAsset answer", deleted)
    yield* problem(yield* h.request({ path: `/v1/assets/${assetId}` }), 404)
  }), { asserts: "fields" })
]

const exporting: ReadonlyArray<Check> = [
  check("IND-EXP-001", "createProjectExport answers 201 and the task, filed under the project", S.projectExport, Effect.gen(function*() {
    const { projectId } = yield* savedProject("export")
    const exchange = yield* exportProject(projectId)
    yield* taskIdOf(exchange)
    const task = yield* data(exchange)
    yield* Expect.fields(task, createdTaskFields, "the createProjectExport answer", exchange)
    yield* Expect.values(task, { projectId, durationSeconds: 1 }, "the createProjectExport answer", exchange)
  }), { asserts: "fields" }),
  check("IND-EXP-002", "createExport renders a full editorState without a project", S.statelessExport, Effect.gen(function*() {
    const exchange = yield* statelessExport({ format: "webm" })
    yield* taskIdOf(exchange)
    const task = yield* data(exchange)
    yield* Expect.fields(task, createdTaskFields, "the createExport answer", exchange)
    yield* Expect.that(task["projectId"] === undefined || task["projectId"] === null, "a stateless task names a project", exchange)
  }), { asserts: "fields" }),
  check("IND-EXP-003", "getExport answers the ExportTask; it reaches COMPLETED with progress 100 and an outputUrl", S.task, Effect.gen(function*() {
    const { projectId } = yield* savedProject("task")
    const taskId = yield* taskIdOf(yield* exportProject(projectId, { clientTaskId: `ct-${token()}` }))
    const { exchange, value: task } = yield* untilTerminal(taskId)
    yield* Expect.fields(task, taskFields, "the getExport answer", exchange)
    yield* Expect.values(task, { taskId, projectId, status: "COMPLETED", progress: 100 }, "the finished task", exchange)
    yield* Expect.that(typeof task["outputUrl"] === "string" && Expect.isDateTime(task["completedAt"]), "a COMPLETED task has no outputUrl or completedAt", exchange)
  }), { asserts: "fields" }),
  check("IND-EXP-004", "A COMPLETED task's outputUrl downloads its video without the API key", S.output, Effect.gen(function*() {
    const h = yield* Harness
    for (const format of ["mp4", "webm"] as const) {
      const taskId = yield* taskIdOf(yield* statelessExport({ format }))
      const { exchange, value: task } = yield* untilTerminal(taskId)
      yield* Expect.equal(task["status"], "COMPLETED", "the task's status", exchange)
      const video = yield* h.request({ url: String(task["outputUrl"]), path: "", as: "anonymous" })
      yield* Expect.status(video, 200)
      yield* Expect.equal((video.response.headers["content-type"] ?? "").split(";")[0], `video/${format}`, "the output's Content-Type", video)
      yield* Expect.that(video.response.body.length > 0, "the output is empty", video)
    }
  }), { profile: "extended" }),
  check("IND-EXP-005", "listExports lists the task with every ExportTask field", S.taskList, Effect.gen(function*() {
    const { projectId } = yield* savedProject("task-list")
    const taskId = yield* taskIdOf(yield* exportProject(projectId))
    const { items, last } = yield* allExports
    const item = items.find((t) => t["taskId"] === taskId)
    if (item === undefined) return yield* Expect.fail("the task is not in listExports", last)
    yield* Expect.fields(item, taskFields, "the listExports item", last)
    yield* Expect.values(item, { projectId }, "the listExports item", last)
  }), { asserts: "fields" }),
  check("IND-EXP-006", "Deleting a project keeps its export tasks, still naming it", S.history, Effect.gen(function*() {
    const h = yield* Harness
    const { projectId } = yield* savedProject("history")
    const taskId = yield* taskIdOf(yield* exportProject(projectId))
    yield* Expect.status(yield* h.request({ method: "DELETE", path: `/v1/projects/${projectId}` }), 200)
    const read = yield* h.request({ path: `/v1/exports/${taskId}` })
    yield* Expect.status(read, 200)
    yield* Expect.values(yield* data(read), { taskId, projectId }, "the task after its project was deleted", read)
  })),
  check("IND-EXP-007", "createExport with an Idempotency-Key replays the first task; the key with another payload is refused", S.idempotency, Effect.gen(function*() {
    const key = `conformance-${token()}`
    const state = validState()
    const first = yield* taskIdOf(yield* statelessExport({ editorState: state }, { "idempotency-key": key }))
    const again = yield* statelessExport({ editorState: state }, { "idempotency-key": key })
    yield* Expect.equal(yield* taskIdOf(again), first, "the replayed taskId", again)
    yield* clientProblem(yield* statelessExport({ editorState: state, fps: 60 }, { "idempotency-key": key }))
  }), { asserts: "option" }),
  check("IND-EXP-008", "Without Idempotency-Key, the same clientTaskId gives the same task", S.clientTaskId, Effect.gen(function*() {
    const { projectId } = yield* savedProject("client-task")
    const clientTaskId = `ct-${token()}`
    const first = yield* taskIdOf(yield* exportProject(projectId, { clientTaskId }))
    const again = yield* exportProject(projectId, { clientTaskId })
    yield* Expect.equal(yield* taskIdOf(again), first, "the taskId of the same clientTaskId", again)
    const other = yield* exportProject(projectId, { clientTaskId: `ct-${token()}` })
    yield* Expect.that((yield* taskIdOf(other)) !== first, "another clientTaskId gave the same task", other)
  }), { asserts: "option" }),
  check("IND-EXP-009", "A third active export task is a 422 OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED", S.concurrency, Effect.gen(function*() {
    const h = yield* Harness
    // Start from no active task of the user (earlier checks' tasks finish on the server's clock).
    yield* until(
      "export tasks of the user are still active",
      Effect.map(allExports, ({ items, last }) => ({ exchange: last, value: items, done: items.every((t) => TERMINAL.includes(String(t["status"]))) }))
    )
    const send = () => h.request({ method: "POST", path: "/v1/exports", json: { editorState: validState(), ...exportOptions } })
    const first = yield* send()
    const second = yield* send()
    const third = yield* send()
    yield* taskIdOf(first)
    yield* taskIdOf(second)
    yield* problem(third, 422, "OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED")
  })),
  check("IND-EXP-010", "An export with an undocumented fps is a 4xx problem", S.exportBody, Effect.gen(function*() {
    yield* clientProblem(yield* statelessExport({ fps: 24 }))
    yield* clientProblem(yield* statelessExport({ editorState: overlappingState() }))
  })),
  check("IND-EXP-011", "Export webhooks: {eventType, occurredAt, task} to callbackUrl with callbackHeaders, signed", S.webhook, Effect.gen(function*() {
    const h = yield* Harness
    if (Option.isNone(h.webhooks)) return yield* Expect.skip("no webhook receiver")
    const receiver = h.webhooks.value
    const tag = `indream-${token()}`
    const { projectId } = yield* savedProject("webhook")
    const started = yield* exportProject(projectId, { callbackUrl: receiver.url(tag), callbackHeaders: { "x-conformance": tag } })
    const taskId = yield* taskIdOf(started)
    yield* untilTerminal(taskId)
    const eventsOf = (deliveries: ReadonlyArray<{ readonly json: unknown }>) =>
      deliveries.map((d) => (Expect.isRecord(d.json) ? d.json["eventType"] : undefined))
    // The task's last callback may come a moment after the task reads terminal.
    const { value: deliveries } = yield* until(
      "no EXPORT_COMPLETED callback arrived",
      Effect.map(receiver.deliveries(tag), (deliveries) => ({ exchange: started, value: deliveries, done: eventsOf(deliveries).includes("EXPORT_COMPLETED") }))
    )
    for (const delivery of deliveries) {
      yield* Expect.fields(delivery.json, { eventType: ["EXPORT_STARTED", "EXPORT_COMPLETED", "EXPORT_FAILED"], occurredAt: "date-time", task: "object" }, "the webhook body", started)
      const task = (delivery.json as Record<string, unknown>)["task"]
      yield* Expect.fields(task, taskFields, "the webhook's task", started)
      yield* Expect.values(task, { taskId, projectId }, "the webhook's task", started)
      yield* Expect.equal(delivery.headers["x-conformance"], tag, "the callbackHeaders on the delivery", started)
      const timestamp = delivery.headers["x-indream-timestamp"]
      const signature = delivery.headers["x-indream-signature"]
      if (typeof timestamp !== "string" || typeof signature !== "string") return yield* Expect.fail("a delivery is not signed (X-Indream-Timestamp, X-Indream-Signature)", started)
      yield* Expect.that(Math.abs(Number(timestamp) - Date.now() / 1000) <= 300, `X-Indream-Timestamp ${timestamp} is not now (unix seconds)`, started)
      if (Option.isSome(h.webhookSecret)) {
        yield* Expect.equal(signature, signatureOf(h.webhookSecret.value, timestamp, delivery.body), "X-Indream-Signature", started)
      } else {
        yield* Expect.that(/^[0-9a-f]{64}$/.test(signature), "X-Indream-Signature is not a hex HMAC-SHA256", started)
      }
    }
  }), { requires: ["webhooks"], asserts: "fields" })
]

const editor: ReadonlyArray<Check> = [
  check("IND-EDIT-001", "getEditorCapabilities answers every EditorCapabilities field", S.capabilities, Effect.gen(function*() {
    const h = yield* Harness
    const exchange = yield* h.request({ path: "/v1/editor/capabilities" })
    yield* Expect.status(exchange, 200)
    const capabilities = yield* data(exchange)
    yield* Expect.fields(capabilities, capabilityFields, "the capabilities", exchange)
    yield* Expect.fields(capabilities["captionAnimations"], { in: "array", out: "array", loop: "array" }, "captionAnimations", exchange)
    yield* Expect.fields(capabilities["backgroundPresets"], { colors: "array", gradients: "array", images: "array", blurLevels: "array" }, "backgroundPresets", exchange)
  }), { asserts: "fields" }),
  check("IND-EDIT-002", "validateEditorState: a valid state is valid; overlapping items in one track are not, with error paths", S.validate, Effect.gen(function*() {
    const h = yield* Harness
    const valid = yield* h.request({ method: "POST", path: "/v1/editor/validate", json: { editorState: validState() } })
    yield* Expect.status(valid, 200)
    const validResult = yield* data(valid)
    yield* Expect.fields(validResult, { valid: "boolean", errors: "array" }, "the validation result", valid)
    yield* Expect.values(validResult, { valid: true, errors: [] }, "the validation of a valid state", valid)
    for (const state of [overlappingState(), { ...validState(), tracks: "none" }]) {
      const invalid = yield* h.request({ method: "POST", path: "/v1/editor/validate", json: { editorState: state } })
      yield* Expect.status(invalid, 200)
      const result = yield* data(invalid)
      yield* Expect.values(result, { valid: false }, "the validation of an invalid state", invalid)
      const errors = result["errors"]
      yield* Expect.that(Array.isArray(errors) && errors.length > 0, "an invalid state has no errors", invalid)
      for (const error of errors as ReadonlyArray<unknown>) yield* Expect.fields(error, { code: "string", path: "string", message: "string" }, "a validation error", invalid)
    }
  }), { asserts: "fields" }),
  check("IND-ILL-001", "searchIllustrations answers names; with q, a part of the full list", S.illustrations, Effect.gen(function*() {
    const h = yield* Harness
    const all = yield* h.request({ path: "/v1/illustrations" })
    yield* Expect.status(all, 200)
    const names = (yield* Expect.object(all))["data"]
    if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) return yield* Expect.fail("data is not a list of names", all)
    yield* Expect.that(names.length > 1, "the full list has fewer than two names", all)
    const first = String(names[0])
    const some = yield* h.request({ path: "/v1/illustrations", query: { q: first } })
    yield* Expect.status(some, 200)
    const found = (yield* Expect.object(some))["data"]
    yield* Expect.that(Array.isArray(found) && found.includes(first), `q=${first} does not find it`, some)
    yield* Expect.that(Array.isArray(found) && found.every((n) => names.includes(n)), "q found a name the full list has not", some)
    const none = yield* h.request({ path: "/v1/illustrations", query: { q: `zz${token()}qq` } })
    const nothing = (yield* Expect.object(none))["data"]
    yield* Expect.that(Array.isArray(nothing) && nothing.length < names.length, "q matching nothing answers the full list", none)
  }), { asserts: "option" })
]

const access: ReadonlyArray<Check> = [
  check("IND-AUTH-001", "Without x-api-key, or with a wrong one, a route answers a 401 problem", S.auth, Effect.gen(function*() {
    const h = yield* Harness
    for (const path of ["/v1/projects", "/v1/exports", "/v1/editor/capabilities"]) {
      yield* problem(yield* h.request({ path, as: "anonymous" }), 401)
      yield* problem(yield* h.request({ path, as: "anonymous", headers: { "x-api-key": `wrong-${token()}` } }), 401)
    }
    yield* problem(yield* h.request({ path: "/v1/projects", as: "anonymous", headers: { authorization: "Bearer x" } }), 401)
  })),
  check("IND-ERR-001", "Every success is an envelope {data, meta}; every error a problem with errorCode", S.problem, Effect.gen(function*() {
    const h = yield* Harness
    yield* problem(yield* getProject(crypto.randomUUID()), 404)
    yield* problem(yield* h.request({ path: "/v1/projects", as: "anonymous" }), 401)
    yield* clientProblem(yield* h.request({ method: "POST", path: "/v1/projects", json: {} }))
    yield* clientProblem(yield* h.request({ path: "/v1/projects", query: { pageSize: "many" } }))
    const listed = yield* h.request({ path: "/v1/projects", query: { pageSize: 1 } })
    yield* dataList(listed)
  }), { asserts: "fields" }),
  check("IND-ACCESS-001", "Without runtime access, project, upload, asset and export routes answer 403 OPEN_API_RUNTIME_ACCESS_FORBIDDEN", S.runtime, Effect.gen(function*() {
    const h = yield* Harness
    const id = crypto.randomUUID()
    const routes: ReadonlyArray<RequestOptions> = [
      { method: "POST", path: "/v1/projects", json: { title: h.unique("ineligible"), editorState: validState() } },
      { method: "GET", path: "/v1/projects" },
      { method: "GET", path: `/v1/projects/${id}` },
      { method: "PATCH", path: `/v1/projects/${id}`, json: { title: "x" } },
      { method: "DELETE", path: `/v1/projects/${id}` },
      { method: "POST", path: `/v1/projects/${id}/sync`, json: { editorState: validState() } },
      { method: "GET", path: `/v1/projects/${id}/assets` },
      { method: "POST", path: `/v1/projects/${id}/assets`, json: { assetId: id } },
      { method: "DELETE", path: `/v1/projects/${id}/assets/${id}` },
      { method: "POST", path: `/v1/projects/${id}/exports`, json: exportOptions },
      { method: "POST", path: "/v1/uploads", body: "<svg/>", contentType: "image/svg+xml", headers: { "x-file-name": "a.svg" } },
      { method: "GET", path: `/v1/assets/${id}` },
      { method: "DELETE", path: `/v1/assets/${id}` },
      { method: "POST", path: "/v1/exports", json: { editorState: validState(), ...exportOptions } },
      { method: "GET", path: "/v1/exports" },
      { method: "GET", path: `/v1/exports/${id}` },
      { method: "GET", path: "/v1/illustrations" }
    ]
    for (const route of routes) yield* problem(yield* h.request({ ...route, as: "ineligible" }), 403, "OPEN_API_RUNTIME_ACCESS_FORBIDDEN")
  }), { requires: ["ineligible"] }),
  check("IND-ACCESS-002", "Without runtime access, capabilities and validate still answer", S.noRuntime, Effect.gen(function*() {
    const h = yield* Harness
    yield* Expect.status(yield* h.request({ path: "/v1/editor/capabilities", as: "ineligible" }), 200)
    yield* Expect.status(yield* h.request({ method: "POST", path: "/v1/editor/validate", json: { editorState: validState() }, as: "ineligible" }), 200)
  }), { requires: ["ineligible"] }),
  check("IND-ISO-001", "Another owner's projects, assets and tasks answer as unknown ids, and are never listed", S.isolated, Effect.gen(function*() {
    const h = yield* Harness
    const { project, projectId } = yield* savedProject("isolated")
    const { assetId } = yield* newAsset()
    const taskId = yield* taskIdOf(yield* exportProject(projectId))
    const unknown = crypto.randomUUID()
    const attempts = (project: string, asset: string, task: string): ReadonlyArray<RequestOptions> => [
      { path: `/v1/projects/${project}` },
      { method: "PATCH", path: `/v1/projects/${project}`, json: { title: "taken" } },
      { method: "POST", path: `/v1/projects/${project}/sync`, json: { editorState: validState() } },
      { path: `/v1/projects/${project}/assets` },
      { method: "POST", path: `/v1/projects/${project}/exports`, json: exportOptions },
      { path: `/v1/assets/${asset}` },
      { method: "DELETE", path: `/v1/assets/${asset}` },
      { path: `/v1/exports/${task}` },
      { method: "DELETE", path: `/v1/projects/${project}` }
    ]
    const theirs = attempts(projectId, assetId, taskId)
    const unknowns = attempts(unknown, unknown, unknown)
    for (let i = 0; i < theirs.length; i++) {
      const other = yield* h.request({ ...theirs[i]!, as: "secondary" })
      const missing = yield* h.request({ ...unknowns[i]!, as: "secondary" })
      // The document lists no 404 for createProjectExport: whatever an unknown id answers, a 4xx.
      yield* Expect.clientError(other)
      yield* Expect.equal(other.response.status, missing.response.status, `${theirs[i]!.method ?? "GET"} of another owner's id, against an unknown id's status`, other)
      yield* Expect.equal((other.response.json as Record<string, unknown> | undefined)?.["errorCode"], (missing.response.json as Record<string, unknown> | undefined)?.["errorCode"], "the errorCode, against an unknown id's", other)
    }
    const listed = yield* h.request({ path: "/v1/projects", as: "secondary", query: { pageSize: 50 } })
    yield* Expect.that(!(yield* dataList(listed)).items.some((p) => p["projectId"] === projectId), "another owner lists the project", listed)
    const tasks = yield* h.request({ path: "/v1/exports", as: "secondary", query: { pageSize: 50 } })
    yield* Expect.that(!(yield* dataList(tasks)).items.some((t) => t["taskId"] === taskId), "another owner lists the task", tasks)
    const read = yield* getProject(projectId)
    yield* Expect.status(read, 200)
    yield* Expect.values(yield* data(read), { title: project["title"] }, "the project after another owner's PATCH", read)
  }), { requires: ["secondOrganization"] })
]

export const checks: ReadonlyArray<Check> = [...projects, ...syncing, ...paging, ...assets, ...exporting, ...editor, ...access]

/** Deletes every project of the run still there (titled with its prefix). */
export const sweep = (as: Who) =>
  Effect.gen(function*() {
    const h = yield* Harness
    let cursor: string | undefined
    const mine: Array<string> = []
    for (let page = 0; page < 50; page++) {
      const listed = yield* h.request({ path: "/v1/projects", as, query: { pageSize: 50, pageCursor: cursor } })
      if (listed.response.status !== 200) break
      const body = listed.response.json
      if (!Expect.isRecord(body) || !Array.isArray(body["data"])) break
      for (const p of body["data"] as ReadonlyArray<unknown>) {
        if (Expect.isRecord(p) && String(p["title"]).startsWith(h.prefix)) mine.push(String(p["projectId"]))
      }
      const meta = body["meta"]
      cursor = Expect.isRecord(meta) && typeof meta["nextPageCursor"] === "string" ? meta["nextPageCursor"] : undefined
      if (cursor === undefined) break
    }
    for (const projectId of mine) yield* h.request({ method: "DELETE", path: `/v1/projects/${projectId}`, as })
  })
