/**
 * sync.so v2 checks, from seed 000 (projects), seed 002 (Get Asset) and the notes in
 * providers/sync.md. Paths are relative to the dialect's base URL (e.g. `https://api.sync.so`).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type Check, type Exchange, forDialect } from "../../Check.js"
import * as Expect from "../../Expect.js"
import { Harness, type Who } from "../../Harness.js"
import { listItems, monotonic, nextCursor, token } from "../../internal/common.js"
import { cite } from "./SyncSources.js"

const SEED_PROJECTS = "seeds/000_86ea530f0552be1f.txt"
const SEED_ASSET = "seeds/002_ca4c5324aa88fbe4.txt"
const NOTES = "providers/sync.md"

/** sync.so's API reference, for the facts the notes took from the official SDK. */
const API = "https://sync.so/docs/api-reference/api"

/** Every status the official client distinguishes, 404 included (it is on the sentence's second line). */
const STATUSES = "Statuses the official client distinguishes: 400 BadRequest, 401 Unauthorized, 402 PaymentRequired,\n  404 NotFound, 429 TooManyRequests, 500 InternalServerError"

/** Another organization's resources: the documents treat them as a wrong id. */
const ISOLATION = "Resources belong to an organization: to another organization's key a project (or generation, or asset) " +
  "is as if it did not exist — a 404 like an unknown id, never listed, never changed."

const S = {
  returnsId: cite(SEED_PROJECTS, "POST /v2/projects returns the new project’s id."),
  defaults: cite(
    SEED_PROJECTS,
    "visibility defaults to USER (visible only to the key owner) and mode to CREATOR; both are optional."
  ),
  nameRequired: cite(SEED_PROJECTS, "A project is lightweight — only a name is required."),
  getOne: cite(SEED_PROJECTS, "Get oneGET /v2/projects/{id}"),
  list: cite(SEED_PROJECTS, "ListGET /v2/projects"),
  remove: cite(SEED_PROJECTS, "DeleteDELETE /v2/projects/{id}"),
  patch: cite(SEED_PROJECTS, "PATCH only changes the fields you send."),
  paginated: cite(
    SEED_PROJECTS,
    "GET /v2/projects is cursor-paginated (limit, cursor) and supports searchQuery (by name) and sortBy (updatedAt or name)."
  ),
  optional: cite(
    SEED_PROJECTS,
    "The field is optional on both endpoints — omit it and the work simply isn’t grouped under a project."
  ),
  echo: cite(
    SEED_PROJECTS,
    "The generation and asset responses echo back the projectId they were filed under (or null when none was given)."
  ),
  mustReference: cite(SEED_PROJECTS, "projectId must reference a project in your organization.", { note: ISOLATION }),
  rejected: cite(
    SEED_PROJECTS,
    "If it doesn’t (wrong id, or a project from another org), the create request is rejected with 422 Unprocessable Entity — the generation or asset is not created."
  ),
  nullFine: cite(SEED_PROJECTS, "A missing or null projectId is always fine."),
  detach: cite(
    SEED_PROJECTS,
    "Deleting a project does not delete the generations or assets that were attached to it; they simply stop being grouped under it."
  ),
  listBack: cite(
    SEED_PROJECTS,
    "Projects let you group related generations and assets together so they appear under one project in the Studio — and so you can list them back out from the API."
  ),
  getAsset: cite(SEED_ASSET, "Retrieve a specific asset by ID."),
  assetFields: cite(SEED_ASSET, "Asset retrieved successfully", {
    note: "the page lists the answer's fields under it: id, createdAt, updatedAt, type and visibility, then name, url, size, " +
      "format, inputType, durationSeconds, thumbnailUrl, width and height, each with its type"
  }),
  assetNotFound: cite(SEED_ASSET, "404\nNot Found Error"),
  unauthorized: cite(SEED_ASSET, "401\nUnauthorized Error"),
  timestamps: cite(NOTES, "`createdAt`, `updatedAt` (ISO datetimes)", { url: `${API}/projects-api/get` }),
  projectShape: cite(
    NOTES,
    "Project (seed 000 + INF): `id` (uuid), `name`, `visibility` (USER | ORGANIZATION), `mode` (CREATOR; other",
    { url: `${API}/projects-api/get` }
  ),
  errorBody: cite(NOTES, "Error body (SDK `GenerationError`): `{statusCode, message}`", { url: `${API}/models-api/list` }),
  badRequest: cite(NOTES, STATUSES),
  notFound: cite(NOTES, STATUSES),
  envelope: cite(NOTES, "INF: the same as assets, `{items, nextCursor}`.", { url: `${API}/projects-api/list` }),
  limits: cite(NOTES, "`limit` (1–100)", {
    url: `${API}/assets-api/list`,
    note: "the notes give the asset list's bounds; the project list, whose envelope is the assets' (INF), is read as having the same"
  }),
  organizationVisible: cite(
    SEED_PROJECTS,
    "visibility defaults to USER (visible only to the key owner) and mode to CREATOR; both are optional.",
    { note: "ORGANIZATION, the other visibility (USER | ORGANIZATION), widens it from the key owner to the whole organization" }
  ),
  assetShape: cite(
    NOTES,
    "Asset: `id`, `createdAt`, `updatedAt`, `name?`, `url?`, `size?` (bytes), `format?` (\"mp4\", \"wav\"), `type`",
    { url: `${API}/assets-api/list` }
  ),
  assetList: cite(
    NOTES,
    "`projectId?`, `limit` (1–100), `cursor`, `searchQuery` (name), `sortBy` (AssetSort), `types` (comma list of AUDIO,VIDEO,IMAGE) → `{items, nextCursor?, totalCount?}`",
    { url: `${API}/assets-api/list` }
  ),
  generationShape: cite(
    NOTES,
    "Generation: `id`, `createdAt`, `status` (PENDING | PROCESSING | COMPLETED | FAILED | REJECTED), `model`",
    { url: `${API}/generate-api/get` }
  ),
  generationFilters: cite(NOTES, "list; filters `status` (multi), `ids` (multi)", { url: `${API}/generate-api/list` }),
  models: cite(NOTES, "ModelInfo: `id`, `name`, `type`, `version`, `description?`, `deprecatedAt?`.", { url: `${API}/models-api/list` }),
  cost: cite(NOTES, "estimate: `{estimatedFrameCount, estimatedGenerationCost}`", { url: `${API}/generate-api/estimate-cost` }),
  webhook: cite(NOTES, "Webhook: when a generation carries `webhookUrl`, sync.so POSTs a GenerationNotification when it ends:", {
    url: `${API}/webhooks-payload-reference/webhooks/generation-status-update`
  })
}

const check = forDialect("sync")

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/** Creates a project (deleted at the end of the run) and answers the exchange and the body. */
const createProject = (body: Record<string, unknown>, as: Who = "primary") =>
  Effect.gen(function*() {
    const h = yield* Harness
    const exchange = yield* h.request({ method: "POST", path: "/v2/projects", json: body, as })
    yield* Expect.ok(exchange)
    const id = yield* Expect.string(exchange, "id")
    yield* h.defer(`delete sync project ${id}`, h.request({ method: "DELETE", path: `/v2/projects/${id}`, as }))
    const project = yield* Expect.object(exchange)
    return { exchange, id, project }
  })

export const newProject = (label: string, extra: Record<string, unknown> = {}, as: Who = "primary") =>
  Effect.flatMap(Harness, (h) => createProject({ name: h.unique(label), ...extra }, as))

const getProject = (id: string, as: Who = "primary") =>
  Effect.flatMap(Harness, (h) => h.request({ path: `/v2/projects/${id}`, as }))

/**
 * One project as every route answers it: the create, a read, an update (of its name) and the
 * list — each answer with where it came from, and the project's id and final name.
 */
const projectAnswers = (label: string) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const first = h.unique(label)
    const { exchange: created, id, project } = yield* createProject({ name: first, visibility: "ORGANIZATION" })
    const read = yield* getProject(id)
    yield* Expect.status(read, 200)
    const name = h.unique(`${label}-${token()}`)
    const updated = yield* h.request({ method: "PATCH", path: `/v2/projects/${id}`, json: { name } })
    yield* Expect.status(updated, 200)
    const listed = yield* h.request({ path: "/v2/projects", query: { searchQuery: name } })
    yield* Expect.status(listed, 200)
    const item = (yield* listItems(listed)).find((p) => p["id"] === id)
    if (item === undefined) return yield* Expect.fail("the project is not in the list", listed)
    return [
      { where: "the create answer", exchange: created, project, id, name: first },
      { where: "the GET answer", exchange: read, project: yield* Expect.object(read), id, name: first },
      { where: "the PATCH answer", exchange: updated, project: yield* Expect.object(updated), id, name },
      { where: "the list item", exchange: listed, project: item, id, name }
    ]
  })

export const mediaUrl = (tag: string, kind: string) => `https://example.com/projectkit-conformance/${tag}/${kind}`

/** A generation request whose input URLs carry `tag`, so the generation can be found in lists. */
const generationBody = (tag: string, extra: Record<string, unknown> = {}) => ({
  model: "lipsync-2",
  input: [{ type: "video", url: mediaUrl(tag, "video.mp4") }, { type: "audio", url: mediaUrl(tag, "audio.wav") }],
  ...extra
})

/** Generations cannot be deleted through the API: the suite creates as few as it can. */
const createGeneration = (extra: Record<string, unknown> = {}, as: Who = "primary") =>
  Effect.gen(function*() {
    const h = yield* Harness
    const exchange = yield* h.request({ method: "POST", path: "/v2/generate", json: generationBody(token(), extra), as })
    return exchange
  })

/** Whether a generation whose inputs carry `tag` exists, by the list of generations. */
const generationExists = (tag: string) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const exchange = yield* h.request({ path: "/v2/generations" })
    yield* Expect.ok(exchange)
    const items = yield* listItems(exchange)
    return { exchange, exists: JSON.stringify(items).includes(tag) }
  })

/**
 * Registers an asset. INF: the route (`POST /v2/assets`) is not in the documents; a server
 * without it cannot be checked for the asset rules, so those checks are skipped there.
 */
const registerAsset = (extra: Record<string, unknown> = {}, as: Who = "primary") =>
  Effect.gen(function*() {
    const h = yield* Harness
    const exchange = yield* h.request({
      method: "POST",
      path: "/v2/assets",
      as,
      json: { url: mediaUrl(token(), "clip.mp4"), type: "VIDEO", name: h.unique("asset"), ...extra }
    })
    if (exchange.response.status === 404 || exchange.response.status === 405) {
      return yield* Expect.skip("the server has no POST /v2/assets to register an asset (the route is not documented)")
    }
    return exchange
  })

const registeredAsset = (extra: Record<string, unknown> = {}) =>
  Effect.gen(function*() {
    const exchange = yield* registerAsset(extra)
    yield* Expect.ok(exchange)
    const id = yield* Expect.string(exchange, "id")
    return { exchange, id, asset: yield* Expect.object(exchange) }
  })

/** The sync.so error body: `{statusCode, message}` with the response's status. */
export const errorBody = (exchange: Exchange) =>
  Effect.gen(function*() {
    const body = yield* Expect.object(exchange)
    yield* Expect.equal(body["statusCode"], exchange.response.status, "the error body's statusCode", exchange)
    const message = body["message"]
    yield* Expect.that(
      typeof message === "string" || (Array.isArray(message) && message.every((m) => typeof m === "string")),
      "the error body has no message",
      exchange
    )
  })

/** Every project of a search, page by page, with the exchanges. */
const allPages = (query: Record<string, string | number>) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const pages: Array<ReadonlyArray<Record<string, unknown>>> = []
    let cursor: string | undefined
    let last: Exchange | undefined
    do {
      const exchange = yield* h.request({ path: "/v2/projects", query: { ...query, ...(cursor ? { cursor } : {}) } })
      last = exchange
      yield* Expect.ok(exchange)
      pages.push(yield* listItems(exchange))
      const next = nextCursor(exchange)
      if (next !== undefined && next === cursor) return yield* Expect.fail("the next cursor is the cursor just used", exchange)
      cursor = next
      if (pages.length > 50) return yield* Expect.fail("the pages never end", exchange)
    } while (cursor !== undefined)
    return { pages, last: last! }
  })

const ids = (items: ReadonlyArray<Record<string, unknown>>) => items.map((item) => item["id"])

// ---------------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------------

const projects: ReadonlyArray<Check> = [
  check("SYNC-PROJ-001", "Creating a project with only a name returns its id", S.returnsId, Effect.gen(function*() {
    const { exchange, id } = yield* newProject("only-name")
    yield* Expect.that(id.length > 0, "the id is empty", exchange)
  })),
  check("SYNC-PROJ-002", "visibility defaults to USER", S.defaults, Effect.gen(function*() {
    const { exchange, id } = yield* newProject("default-visibility")
    const read = yield* getProject(id)
    yield* Expect.ok(read)
    yield* Expect.equal((yield* Expect.object(exchange))["visibility"], "USER", "visibility in the create response", exchange)
    yield* Expect.equal((yield* Expect.object(read))["visibility"], "USER", "visibility read back", read)
  })),
  check("SYNC-PROJ-003", "mode defaults to CREATOR", S.defaults, Effect.gen(function*() {
    const { exchange, id } = yield* newProject("default-mode")
    const read = yield* getProject(id)
    yield* Expect.ok(read)
    yield* Expect.equal((yield* Expect.object(exchange))["mode"], "CREATOR", "mode in the create response", exchange)
    yield* Expect.equal((yield* Expect.object(read))["mode"], "CREATOR", "mode read back", read)
  })),
  check("SYNC-PROJ-004", "visibility and mode, when sent, are kept", S.defaults, Effect.gen(function*() {
    const { exchange, id } = yield* newProject("explicit", { visibility: "ORGANIZATION", mode: "CREATOR" })
    yield* Expect.equal((yield* Expect.object(exchange))["visibility"], "ORGANIZATION", "visibility", exchange)
    const read = yield* getProject(id)
    yield* Expect.equal((yield* Expect.object(read))["visibility"], "ORGANIZATION", "visibility read back", read)
  })),
  check("SYNC-PROJ-005", "A project without a name is refused (4xx) and not created", S.nameRequired, Effect.gen(function*() {
    const h = yield* Harness
    const tag = token()
    const exchange = yield* h.request({ method: "POST", path: "/v2/projects", json: { visibility: "ORGANIZATION", description: tag } })
    if (exchange.response.status < 300) {
      const id = Expect.isRecord(exchange.response.json) ? exchange.response.json["id"] : undefined
      if (typeof id === "string") yield* h.defer(`delete sync project ${id}`, h.request({ method: "DELETE", path: `/v2/projects/${id}` }))
    }
    yield* Expect.status(exchange, 400, 422)
  })),
  check("SYNC-PROJ-006", "A project is read back by its id", S.getOne, Effect.gen(function*() {
    const h = yield* Harness
    const name = h.unique("read-back")
    const { id } = yield* createProject({ name })
    const read = yield* getProject(id)
    yield* Expect.status(read, 200)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["id"], id, "id", read)
    yield* Expect.equal(body["name"], name, "name", read)
  })),
  check("SYNC-PROJ-007", "PATCH of the name leaves visibility and mode as they were", S.patch, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* newProject("patch-name", { visibility: "ORGANIZATION" })
    const renamed = h.unique("renamed")
    const patched = yield* h.request({ method: "PATCH", path: `/v2/projects/${id}`, json: { name: renamed } })
    yield* Expect.status(patched, 200)
    const read = yield* getProject(id)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["name"], renamed, "name after PATCH", read)
    yield* Expect.equal(body["visibility"], "ORGANIZATION", "visibility after a PATCH that did not send it", read)
    yield* Expect.equal(body["mode"], "CREATOR", "mode after a PATCH that did not send it", read)
  })),
  check("SYNC-PROJ-008", "PATCH of visibility leaves the name as it was", S.patch, Effect.gen(function*() {
    const h = yield* Harness
    const name = h.unique("patch-visibility")
    const { id } = yield* createProject({ name })
    const patched = yield* h.request({ method: "PATCH", path: `/v2/projects/${id}`, json: { visibility: "ORGANIZATION" } })
    yield* Expect.status(patched, 200)
    const read = yield* getProject(id)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["visibility"], "ORGANIZATION", "visibility after PATCH", read)
    yield* Expect.equal(body["name"], name, "name after a PATCH that did not send it", read)
  })),
  check("SYNC-PROJ-009", "A deleted project is gone (404)", S.remove, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* newProject("delete-me")
    const deleted = yield* h.request({ method: "DELETE", path: `/v2/projects/${id}` })
    yield* Expect.ok(deleted)
    const read = yield* getProject(id)
    yield* Expect.status(read, 404)
  })),
  check("SYNC-PROJ-010", "An unknown project id is a 404", S.notFound, Effect.gen(function*() {
    const read = yield* getProject(crypto.randomUUID())
    yield* Expect.status(read, 404)
  })),
  check("SYNC-PROJ-011", "A created project is in the project list", S.list, Effect.gen(function*() {
    const h = yield* Harness
    const name = h.unique(`listed-${token()}`)
    const { id } = yield* createProject({ name })
    const { pages, last } = yield* allPages({ searchQuery: name })
    yield* Expect.that(pages.flat().some((p) => p["id"] === id), "the new project is not in the list", last)
  })),
  // SYNC-PROJ-012 ("A create answers 201 Created") was retired: no document gives the create's
  // status — the seed says only that it returns the new project's id (SYNC-PROJ-001).
  check(
    "SYNC-PROJ-013",
    "Every project answer has createdAt and updatedAt date-times: create, read, update and list",
    S.timestamps,
    Effect.gen(function*() {
      const answers = yield* projectAnswers("timestamps")
      for (const { exchange, project, where } of answers) {
        yield* Expect.fields(project, { createdAt: "date-time", updatedAt: "date-time" }, where, exchange)
      }
    }),
    { profile: "extended", asserts: "fields" }
  ),
  check("SYNC-PROJ-014", "An unknown mode or visibility is refused (400)", S.projectShape, Effect.gen(function*() {
    const h = yield* Harness
    for (const body of [{ name: h.unique("bad-mode"), mode: "EDITOR" }, { name: h.unique("bad-vis"), visibility: "EVERYONE" }]) {
      const exchange = yield* h.request({ method: "POST", path: "/v2/projects", json: body })
      if (exchange.response.status < 300) {
        const id = (exchange.response.json as Record<string, unknown> | undefined)?.["id"]
        if (typeof id === "string") yield* h.defer(`delete sync project ${id}`, h.request({ method: "DELETE", path: `/v2/projects/${id}` }))
      }
      yield* Expect.status(exchange, 400)
    }
  }), { profile: "extended" }),
  check("SYNC-PROJ-015", "A PATCH or DELETE of an unknown project is a 404", S.notFound, Effect.gen(function*() {
    const h = yield* Harness
    const id = crypto.randomUUID()
    yield* Expect.status(yield* h.request({ method: "PATCH", path: `/v2/projects/${id}`, json: { name: "x" } }), 404)
    yield* Expect.status(yield* h.request({ method: "DELETE", path: `/v2/projects/${id}` }), 404)
  }), { profile: "extended" }),
  check(
    "SYNC-PROJ-016",
    "Every project answer has its id, name, visibility and mode: create, read, update and list",
    S.projectShape,
    Effect.gen(function*() {
      for (const { exchange, id, name, project, where } of yield* projectAnswers("shape")) {
        yield* Expect.fields(project, { id: "string", name: "string", visibility: ["USER", "ORGANIZATION"], mode: "string" }, where, exchange)
        yield* Expect.values(project, { id, name, visibility: "ORGANIZATION", mode: "CREATOR" }, where, exchange)
      }
    }),
    { profile: "extended", asserts: "fields" }
  )
]

// ---------------------------------------------------------------------------------------------
// The project list
// ---------------------------------------------------------------------------------------------

const lists: ReadonlyArray<Check> = [
  check("SYNC-LIST-001", "limit bounds each page and the cursors walk every project exactly once", S.paginated, Effect.gen(function*() {
    const h = yield* Harness
    const tag = token()
    const created: Array<string> = []
    for (let i = 0; i < 5; i++) created.push((yield* createProject({ name: h.unique(`page-${tag}`) })).id)
    const { last, pages } = yield* allPages({ searchQuery: tag, limit: 2 })
    yield* Expect.that(pages.every((page) => page.length <= 2), `a page has more than limit=2 items`, last)
    yield* Expect.that(pages.length >= 3, `5 projects at limit=2 came in ${pages.length} page(s)`, last)
    const seen = ids(pages.flat())
    yield* Expect.that(new Set(seen).size === seen.length, "a project came twice across the pages", last)
    yield* Expect.that(created.every((id) => seen.includes(id)), "a project never came across the pages", last)
  })),
  check("SYNC-LIST-002", "searchQuery filters projects by name", S.paginated, Effect.gen(function*() {
    const h = yield* Harness
    const [a, b] = [token(), token()]
    const wanted = [(yield* createProject({ name: h.unique(`search-${a}`) })).id, (yield* createProject({ name: h.unique(`search-${a}`) })).id]
    const other = (yield* createProject({ name: h.unique(`search-${b}`) })).id
    const { last, pages } = yield* allPages({ searchQuery: a })
    const found = pages.flat()
    yield* Expect.that(wanted.every((id) => ids(found).includes(id)), "a project whose name matches is missing", last)
    yield* Expect.that(!ids(found).includes(other), "a project whose name does not match was listed", last)
    yield* Expect.that(
      found.every((p) => String(p["name"]).toLowerCase().includes(a)),
      "a listed project's name does not contain the searchQuery",
      last
    )
  })),
  check("SYNC-LIST-003", "sortBy=name orders the list by name", S.paginated, Effect.gen(function*() {
    const tag = token()
    for (const letter of ["c", "a", "d", "b"]) yield* createProject({ name: `${(yield* Harness).prefix} sort-${tag} ${letter}` })
    const { last, pages } = yield* allPages({ searchQuery: `sort-${tag}`, sortBy: "name" })
    const names = pages.flat().map((p) => String(p["name"]))
    yield* Expect.equal(names.length, 4, "projects listed", last)
    yield* Expect.that(monotonic(names) && names[0] !== names[3], `not ordered by name: ${names.join(", ")}`, last)
  })),
  check("SYNC-LIST-004", "sortBy=updatedAt orders the list by last update", S.paginated, Effect.gen(function*() {
    const h = yield* Harness
    const tag = token()
    const created: Array<string> = []
    for (let i = 0; i < 3; i++) {
      created.push((yield* createProject({ name: h.unique(`updated-${tag}`) })).id)
      yield* Effect.sleep("5 millis")
    }
    yield* Effect.sleep("5 millis")
    yield* Expect.ok(yield* h.request({ method: "PATCH", path: `/v2/projects/${created[0]}`, json: { name: h.unique(`updated-${tag}`) } }))
    const { last, pages } = yield* allPages({ searchQuery: `updated-${tag}`, sortBy: "updatedAt" })
    const items = pages.flat()
    const times = items.map((p) => Date.parse(String(p["updatedAt"])))
    yield* Expect.that(monotonic(times), "not ordered by updatedAt", last)
    const order = ids(items)
    yield* Expect.that(
      order[0] === created[0] || order[order.length - 1] === created[0],
      "the project updated last is neither first nor last",
      last
    )
  })),
  check("SYNC-LIST-005", "A list answers {items, nextCursor}, the last page without a nextCursor", S.envelope, Effect.gen(function*() {
    const h = yield* Harness
    const tag = token()
    yield* createProject({ name: h.unique(`envelope-${tag}`) })
    const exchange = yield* h.request({ path: "/v2/projects", query: { searchQuery: tag, limit: 10 } })
    yield* Expect.status(exchange, 200)
    yield* Expect.list(exchange, "items")
    const body = yield* Expect.object(exchange)
    yield* Expect.that(body["nextCursor"] === undefined || body["nextCursor"] === null, "the only page has a nextCursor", exchange)
  }), { profile: "extended" }),
  check("SYNC-LIST-006", "A tampered cursor is refused (400)", S.badRequest, Effect.gen(function*() {
    const h = yield* Harness
    const exchange = yield* h.request({ path: "/v2/projects", query: { cursor: "not-a-cursor!" } })
    yield* Expect.status(exchange, 400)
  }), { profile: "extended" }),
  check("SYNC-LIST-007", "limit outside 1–100 is refused (400)", S.limits, Effect.gen(function*() {
    const h = yield* Harness
    for (const limit of [0, 101]) yield* Expect.status(yield* h.request({ path: "/v2/projects", query: { limit } }), 400)
  }), { profile: "extended" }),
  check("SYNC-LIST-008", "An unknown sortBy is refused (400)", S.badRequest, Effect.gen(function*() {
    const h = yield* Harness
    yield* Expect.status(yield* h.request({ path: "/v2/projects", query: { sortBy: "colour" } }), 400)
  }), { profile: "extended" })
]

// ---------------------------------------------------------------------------------------------
// Attaching generations and assets
// ---------------------------------------------------------------------------------------------

const projectIdOf = (exchange: Exchange) =>
  Effect.map(Expect.object(exchange), (body) => body["projectId"])

const attachment: ReadonlyArray<Check> = [
  check("SYNC-ATT-001", "A generation without projectId is created", S.optional, Effect.gen(function*() {
    yield* Expect.ok(yield* createGeneration())
  })),
  check("SYNC-ATT-002", "A generation without projectId echoes projectId null", S.echo, Effect.gen(function*() {
    const exchange = yield* createGeneration()
    yield* Expect.ok(exchange)
    yield* Expect.equal(yield* projectIdOf(exchange), null, "projectId", exchange)
  })),
  check("SYNC-ATT-003", "A generation filed under a project echoes its projectId, also when read back", S.echo, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* newProject("gen-parent")
    const exchange = yield* createGeneration({ projectId: id })
    yield* Expect.ok(exchange)
    yield* Expect.equal(yield* projectIdOf(exchange), id, "projectId", exchange)
    const read = yield* h.request({ path: `/v2/generate/${yield* Expect.string(exchange, "id")}` })
    yield* Expect.status(read, 200)
    yield* Expect.equal(yield* projectIdOf(read), id, "projectId read back", read)
  })),
  check("SYNC-ATT-004", "A generation with an unknown projectId is rejected with 422", S.rejected, Effect.gen(function*() {
    const exchange = yield* createGeneration({ projectId: crypto.randomUUID() })
    yield* Expect.status(exchange, 422)
  })),
  check("SYNC-ATT-005", "A generation rejected for its projectId is not created", S.rejected, Effect.gen(function*() {
    const h = yield* Harness
    const tag = token()
    const exchange = yield* h.request({
      method: "POST",
      path: "/v2/generate",
      json: generationBody(tag, { projectId: crypto.randomUUID() })
    })
    yield* Expect.clientError(exchange)
    const { exchange: listed, exists } = yield* generationExists(tag)
    yield* Expect.that(!exists, "the rejected generation was created anyway", listed)
  })),
  check("SYNC-ATT-006", "A generation filed under another organization's project is rejected with 422", S.rejected, Effect.gen(function*() {
    const { id } = yield* newProject("foreign-parent", { visibility: "ORGANIZATION" }, "secondary")
    const exchange = yield* createGeneration({ projectId: id })
    yield* Expect.status(exchange, 422)
  }), { requires: ["secondOrganization"] }),
  check("SYNC-ATT-007", "A generation with projectId null is created and echoes null", S.nullFine, Effect.gen(function*() {
    const exchange = yield* createGeneration({ projectId: null })
    yield* Expect.ok(exchange)
    yield* Expect.equal(yield* projectIdOf(exchange), null, "projectId", exchange)
  })),
  check("SYNC-ATT-008", "Deleting a project does not delete its generations", S.detach, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* newProject("gen-detach")
    const created = yield* createGeneration({ projectId: id })
    yield* Expect.ok(created)
    const generationId = yield* Expect.string(created, "id")
    yield* Expect.ok(yield* h.request({ method: "DELETE", path: `/v2/projects/${id}` }))
    const read = yield* h.request({ path: `/v2/generate/${generationId}` })
    yield* Expect.status(read, 200)
  })),
  check("SYNC-ATT-009", "A generation of a deleted project is no longer grouped under it", S.detach, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* newProject("gen-ungroup")
    const created = yield* createGeneration({ projectId: id })
    yield* Expect.ok(created)
    const generationId = yield* Expect.string(created, "id")
    yield* Expect.ok(yield* h.request({ method: "DELETE", path: `/v2/projects/${id}` }))
    const read = yield* h.request({ path: `/v2/generate/${generationId}` })
    yield* Expect.ok(read)
    const projectId = yield* projectIdOf(read)
    yield* Expect.that(projectId !== id, "the generation is still filed under the deleted project", read)
  })),
  check("SYNC-ATT-010", "An asset without projectId is created and echoes projectId null", S.echo, Effect.gen(function*() {
    const exchange = yield* registerAsset()
    yield* Expect.ok(exchange)
    yield* Expect.equal(yield* projectIdOf(exchange), null, "projectId", exchange)
  })),
  check("SYNC-ATT-011", "An asset filed under a project echoes its projectId", S.echo, Effect.gen(function*() {
    const { id } = yield* newProject("asset-parent")
    const exchange = yield* registerAsset({ projectId: id })
    yield* Expect.ok(exchange)
    yield* Expect.equal(yield* projectIdOf(exchange), id, "projectId", exchange)
  })),
  check("SYNC-ATT-012", "An asset with an unknown projectId is rejected with 422 and not created", S.rejected, Effect.gen(function*() {
    const h = yield* Harness
    const name = h.unique(`asset-rejected-${token()}`)
    const exchange = yield* registerAsset({ projectId: crypto.randomUUID(), name })
    yield* Expect.status(exchange, 422)
    const listed = yield* h.request({ path: "/v2/assets", query: { searchQuery: name } })
    yield* Expect.ok(listed)
    const items = yield* listItems(listed)
    yield* Expect.that(!items.some((a) => a["name"] === name), "the rejected asset was created anyway", listed)
  })),
  check("SYNC-ATT-013", "An asset filed under another organization's project is rejected with 422", S.rejected, Effect.gen(function*() {
    const { id } = yield* newProject("foreign-asset-parent", { visibility: "ORGANIZATION" }, "secondary")
    const exchange = yield* registerAsset({ projectId: id })
    yield* Expect.status(exchange, 422)
  }), { requires: ["secondOrganization"] }),
  check("SYNC-ATT-014", "An asset with projectId null is created and echoes null", S.nullFine, Effect.gen(function*() {
    const exchange = yield* registerAsset({ projectId: null })
    yield* Expect.ok(exchange)
    yield* Expect.equal(yield* projectIdOf(exchange), null, "projectId", exchange)
  })),
  check("SYNC-ATT-015", "Deleting a project does not delete its assets; they stop being grouped under it", S.detach, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* newProject("asset-detach")
    const { id: assetId } = yield* registeredAsset({ projectId: id })
    yield* Expect.ok(yield* h.request({ method: "DELETE", path: `/v2/projects/${id}` }))
    const read = yield* h.request({ path: `/v2/assets/${assetId}` })
    yield* Expect.status(read, 200)
    yield* Expect.that((yield* projectIdOf(read)) !== id, "the asset is still filed under the deleted project", read)
  })),
  check("SYNC-ATT-016", "The assets of a project are listed back by projectId", S.listBack, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* newProject("asset-list")
    const { id: inside } = yield* registeredAsset({ projectId: id })
    const { id: outside } = yield* registeredAsset()
    const listed = yield* h.request({ path: "/v2/assets", query: { projectId: id } })
    yield* Expect.status(listed, 200)
    const found = ids(yield* listItems(listed))
    yield* Expect.that(found.includes(inside), "the project's asset is not listed under it", listed)
    yield* Expect.that(!found.includes(outside), "an asset of no project is listed under the project", listed)
  }))
]

// ---------------------------------------------------------------------------------------------
// Assets, generations, authentication, isolation, errors
// ---------------------------------------------------------------------------------------------

const others: ReadonlyArray<Check> = [
  check("SYNC-ASSET-001", "An asset is read back by its id", S.getAsset, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* registeredAsset()
    const read = yield* h.request({ path: `/v2/assets/${id}` })
    yield* Expect.status(read, 200)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["id"], id, "id", read)
    yield* Expect.that(Expect.isDateTime(body["createdAt"]) && Expect.isDateTime(body["updatedAt"]), "createdAt/updatedAt are not date-times", read)
    yield* Expect.that(["AUDIO", "VIDEO", "IMAGE"].includes(String(body["type"])), "type is not AUDIO, VIDEO or IMAGE", read)
    yield* Expect.that(["USER", "ORGANIZATION"].includes(String(body["visibility"])), "visibility is not USER or ORGANIZATION", read)
  })),
  check("SYNC-ASSET-002", "An unknown asset id is a 404", S.assetNotFound, Effect.gen(function*() {
    const h = yield* Harness
    yield* Expect.status(yield* h.request({ path: `/v2/assets/${crypto.randomUUID()}` }), 404)
  })),
  check("SYNC-AUTH-001", "A request without x-api-key is a 401", S.unauthorized, Effect.gen(function*() {
    const h = yield* Harness
    yield* Expect.status(yield* h.request({ path: "/v2/projects", as: "anonymous" }), 401)
    yield* Expect.status(yield* h.request({ path: `/v2/assets/${crypto.randomUUID()}`, as: "anonymous" }), 401)
  })),
  check("SYNC-AUTH-002", "A request with an unknown x-api-key is a 401 and creates nothing", S.unauthorized, Effect.gen(function*() {
    const h = yield* Harness
    const name = h.unique(`intruder-${token()}`)
    const exchange = yield* h.request({
      method: "POST",
      path: "/v2/projects",
      as: "anonymous",
      headers: { "x-api-key": `invalid-${token()}` },
      json: { name }
    })
    yield* Expect.status(exchange, 401)
    const { last, pages } = yield* allPages({ searchQuery: name })
    yield* Expect.that(pages.flat().length === 0, "the unauthenticated create was stored", last)
  })),
  check("SYNC-ISO-001", "Another organization cannot read, list, change or delete a project", S.mustReference, Effect.gen(function*() {
    const h = yield* Harness
    const name = h.unique(`isolated-${token()}`)
    const { id } = yield* createProject({ name, visibility: "ORGANIZATION" })
    yield* Expect.status(yield* getProject(id, "secondary"), 404)
    const listed = yield* h.request({ path: "/v2/projects", as: "secondary", query: { searchQuery: name } })
    yield* Expect.ok(listed)
    yield* Expect.that(!ids(yield* listItems(listed)).includes(id), "another organization lists the project", listed)
    yield* Expect.status(yield* h.request({ method: "PATCH", path: `/v2/projects/${id}`, as: "secondary", json: { name: "taken" } }), 404)
    yield* Expect.status(yield* h.request({ method: "DELETE", path: `/v2/projects/${id}`, as: "secondary" }), 404)
    const read = yield* getProject(id)
    yield* Expect.status(read, 200)
    yield* Expect.equal((yield* Expect.object(read))["name"], name, "name after another organization's PATCH", read)
  }), { requires: ["secondOrganization"] }),
  check("SYNC-ISO-002", "Another organization cannot read a generation or an asset", S.mustReference, Effect.gen(function*() {
    const h = yield* Harness
    const generation = yield* createGeneration()
    yield* Expect.ok(generation)
    const generationId = yield* Expect.string(generation, "id")
    yield* Expect.status(yield* h.request({ path: `/v2/generate/${generationId}`, as: "secondary" }), 404)
    const asset = yield* registerAsset({ visibility: "ORGANIZATION" })
    yield* Expect.ok(asset)
    yield* Expect.status(yield* h.request({ path: `/v2/assets/${yield* Expect.string(asset, "id")}`, as: "secondary" }), 404)
  }), { requires: ["secondOrganization"] }),
  check("SYNC-VIS-001", "A USER project is visible only to the key owner", S.defaults, Effect.gen(function*() {
    const h = yield* Harness
    const name = h.unique(`private-${token()}`)
    const { id } = yield* createProject({ name })
    yield* Expect.status(yield* getProject(id, "member"), 404)
    const listed = yield* h.request({ path: "/v2/projects", as: "member", query: { searchQuery: name } })
    yield* Expect.ok(listed)
    yield* Expect.that(!ids(yield* listItems(listed)).includes(id), "another user of the organization lists a USER project", listed)
  }), { requires: ["member"] }),
  check("SYNC-VIS-002", "An ORGANIZATION project is visible to the organization's other users", S.organizationVisible, Effect.gen(function*() {
    const { id } = yield* newProject("shared", { visibility: "ORGANIZATION" })
    yield* Expect.status(yield* getProject(id, "member"), 200)
  }), { requires: ["member"] }),
  check("SYNC-GEN-001", "A generation with a webhookUrl is notified when it ends", S.webhook, Effect.gen(function*() {
    const h = yield* Harness
    if (Option.isNone(h.webhooks)) return yield* Expect.skip("no webhook receiver")
    const receiver = h.webhooks.value
    const tag = `sync-${token()}`
    const created = yield* createGeneration({ webhookUrl: receiver.url(tag) })
    yield* Expect.ok(created)
    const id = yield* Expect.string(created, "id")
    const deliveries = yield* receiver.deliveries(tag)
    yield* Expect.that(deliveries.length > 0, `no notification arrived in ${receiver.waitMs} ms`, created)
    const body = deliveries[0]!.json
    yield* Expect.that(Expect.isRecord(body) && body["id"] === id, `the notification is not about the generation: ${deliveries[0]!.body.slice(0, 200)}`, created)
    // The notification is the generation: its documented fields, ended.
    yield* Expect.fields(body, { ...generationFields, status: ["COMPLETED", "FAILED"] }, "the notification", created)
    yield* Expect.values(body, { model: "lipsync-2" }, "the notification", created)
  }), { profile: "extended", requires: ["webhooks"], asserts: "option" }),
  check("SYNC-ERR-001", "Errors answer {statusCode, message} with the HTTP status", S.errorBody, Effect.gen(function*() {
    const h = yield* Harness
    yield* errorBody(yield* getProject(crypto.randomUUID()))
    yield* errorBody(yield* h.request({ path: "/v2/projects", as: "anonymous" }))
    yield* errorBody(yield* createGeneration({ projectId: crypto.randomUUID() }))
  }), { profile: "extended" }),
  check("SYNC-ERR-002", "A malformed JSON body is a 400, not a 500, and creates nothing", S.badRequest, Effect.gen(function*() {
    const h = yield* Harness
    const name = h.unique(`malformed-${token()}`)
    const exchange = yield* h.request({ method: "POST", path: "/v2/projects", body: `{"name": "${name}"` })
    yield* Expect.status(exchange, 400)
    const { last, pages } = yield* allPages({ searchQuery: name })
    yield* Expect.that(pages.flat().length === 0, "the malformed request created a project", last)
  })),
  check("SYNC-ERR-003", "A field of the wrong type is a 400", S.badRequest, Effect.gen(function*() {
    const h = yield* Harness
    yield* Expect.status(yield* h.request({ method: "POST", path: "/v2/projects", json: { name: 42 } }), 400)
    const { id } = yield* newProject("typed")
    yield* Expect.status(yield* h.request({ method: "PATCH", path: `/v2/projects/${id}`, json: { visibility: 7 } }), 400)
  }))
]

// ---------------------------------------------------------------------------------------------
// Every documented field and request option of assets, generations, models and estimates
// ---------------------------------------------------------------------------------------------

/** Get Asset's fields (seed 002): five always there, the rest typed when there. */
const assetFields: Expect.Shape = {
  id: "string",
  createdAt: "date-time",
  updatedAt: "date-time",
  type: ["AUDIO", "VIDEO", "IMAGE"],
  visibility: ["USER", "ORGANIZATION"],
  name: Expect.optional("string"),
  url: Expect.optional("string"),
  size: Expect.optional("integer"),
  format: Expect.optional("string"),
  inputType: Expect.optional(["UPLOAD", "URL", "RECORD", "TTS", "EXTRACT", "PLATFORM_IMPORT"]),
  durationSeconds: Expect.optional("number"),
  thumbnailUrl: Expect.optional("string"),
  width: Expect.optional("integer"),
  height: Expect.optional("integer")
}

/** An asset registered with every optional field, to see each come back as sent. */
const fullAsset = (tag: string) => ({
  url: mediaUrl(tag, "full.mp4"),
  type: "VIDEO",
  size: 1_048_576,
  format: "mp4",
  durationSeconds: 12.5,
  thumbnailUrl: mediaUrl(tag, "thumb.jpg"),
  width: 1280,
  height: 720
})

/** Every asset of a query, page by page. */
const allAssets = (query: Record<string, string | number>) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const pages: Array<ReadonlyArray<Record<string, unknown>>> = []
    let cursor: string | undefined
    let last: Exchange | undefined
    do {
      const exchange = yield* h.request({ path: "/v2/assets", query: { ...query, ...(cursor ? { cursor } : {}) } })
      last = exchange
      yield* Expect.status(exchange, 200)
      pages.push(yield* listItems(exchange))
      const next = nextCursor(exchange)
      if (next !== undefined && next === cursor) return yield* Expect.fail("the next cursor is the cursor just used", exchange)
      cursor = next
      if (pages.length > 50) return yield* Expect.fail("the pages never end", exchange)
    } while (cursor !== undefined)
    return { pages, last: last! }
  })

/** A generation's documented fields (SDK), `projectId` echoed or null (seed 000). */
export const generationFields: Expect.Shape = {
  id: "string",
  createdAt: "date-time",
  status: ["PENDING", "PROCESSING", "COMPLETED", "FAILED", "REJECTED"],
  model: "string",
  input: "array",
  outputUrl: Expect.optional("string"),
  outputDuration: Expect.optional("number"),
  error: Expect.optional("string")
}

const generations: ReadonlyArray<Check> = [
  check("SYNC-ASSET-003", "Get Asset answers every documented field, typed, as registered", S.assetFields, Effect.gen(function*() {
    const h = yield* Harness
    const name = h.unique("full-asset")
    const sent = fullAsset(token())
    const { id } = yield* registeredAsset({ ...sent, name })
    const read = yield* h.request({ path: `/v2/assets/${id}` })
    yield* Expect.status(read, 200)
    yield* Expect.fields(read.response.json, assetFields, "the GET answer", read)
    yield* Expect.values(read.response.json, { id, name, ...sent }, "the GET answer", read)
  }), { asserts: "fields" }),
  check("SYNC-ASSET-004", "The register answer and the asset list carry the same documented fields", S.assetShape, Effect.gen(function*() {
    const h = yield* Harness
    const name = h.unique(`listed-asset-${token()}`)
    const sent = fullAsset(token())
    const { exchange, id, asset } = yield* registeredAsset({ ...sent, name })
    yield* Expect.fields(asset, { ...assetFields, projectId: Expect.nullable("string") }, "the register answer", exchange)
    yield* Expect.values(asset, { name, ...sent }, "the register answer", exchange)
    const { last, pages } = yield* allAssets({ searchQuery: name })
    const item = pages.flat().find((a) => a["id"] === id)
    if (item === undefined) return yield* Expect.fail("the asset is not in the list", last)
    yield* Expect.fields(item, { ...assetFields, projectId: Expect.nullable("string") }, "the list item", last)
    yield* Expect.values(item, { name, ...sent }, "the list item", last)
  }), { asserts: "fields" }),
  check("SYNC-ASSET-005", "GET /v2/assets?types= lists only assets of those types", S.assetList, Effect.gen(function*() {
    const h = yield* Harness
    const tag = token()
    const { id: audio } = yield* registeredAsset({ name: h.unique(`types-${tag}`), type: "AUDIO", url: mediaUrl(tag, "a.wav") })
    const { id: video } = yield* registeredAsset({ name: h.unique(`types-${tag}`), type: "VIDEO", url: mediaUrl(tag, "v.mp4") })
    const { last, pages } = yield* allAssets({ searchQuery: `types-${tag}`, types: "AUDIO,IMAGE" })
    const found = pages.flat()
    yield* Expect.that(ids(found).includes(audio), "the AUDIO asset is not listed for types=AUDIO,IMAGE", last)
    yield* Expect.that(!ids(found).includes(video), "a VIDEO asset is listed for types=AUDIO,IMAGE", last)
    yield* Expect.that(found.every((a) => a["type"] === "AUDIO" || a["type"] === "IMAGE"), "an asset of another type is listed", last)
  }), { asserts: "option" }),
  check("SYNC-ASSET-006", "GET /v2/assets?searchQuery= finds assets by name", S.assetList, Effect.gen(function*() {
    const h = yield* Harness
    const [a, b] = [token(), token()]
    const { id: wanted } = yield* registeredAsset({ name: h.unique(`find-${a}`) })
    const { id: other } = yield* registeredAsset({ name: h.unique(`find-${b}`) })
    const { last, pages } = yield* allAssets({ searchQuery: a })
    const found = pages.flat()
    yield* Expect.that(ids(found).includes(wanted), "the asset whose name matches is not listed", last)
    yield* Expect.that(!ids(found).includes(other), "an asset whose name does not match is listed", last)
  }), { asserts: "option" }),
  check("SYNC-ASSET-007", "GET /v2/assets?sortBy=nameAsc and nameDesc order assets by name", S.assetList, Effect.gen(function*() {
    const h = yield* Harness
    const tag = token()
    for (const letter of ["c", "a", "b"]) yield* registeredAsset({ name: `${h.prefix} sort-${tag} ${letter}` })
    for (const [sortBy, expected] of [["nameAsc", ["a", "b", "c"]], ["nameDesc", ["c", "b", "a"]]] as const) {
      const { last, pages } = yield* allAssets({ searchQuery: `sort-${tag}`, sortBy })
      const letters = pages.flat().map((asset) => String(asset["name"]).slice(-1))
      yield* Expect.equal(letters, expected, `the assets' order for sortBy=${sortBy}`, last)
    }
  }), { asserts: "option" }),
  check("SYNC-ASSET-008", "GET /v2/assets: limit bounds each page and the cursors walk every asset once", S.assetList, Effect.gen(function*() {
    const h = yield* Harness
    const tag = token()
    const registered: Array<string> = []
    for (let i = 0; i < 3; i++) registered.push((yield* registeredAsset({ name: h.unique(`page-${tag}`) })).id)
    const { last, pages } = yield* allAssets({ searchQuery: `page-${tag}`, limit: 1 })
    yield* Expect.that(pages.every((page) => page.length <= 1), "a page has more than limit=1 items", last)
    const seen = ids(pages.flat())
    yield* Expect.that(new Set(seen).size === seen.length, "an asset came twice across the pages", last)
    yield* Expect.that(registered.every((id) => seen.includes(id)), "an asset never came across the pages", last)
  }), { asserts: "option" }),
  check(
    "SYNC-GEN-002",
    "Every generation answer has its documented fields: create, read and list",
    S.generationShape,
    Effect.gen(function*() {
      const h = yield* Harness
      const { id: projectId } = yield* newProject("gen-fields")
      const created = yield* createGeneration({ projectId })
      yield* Expect.ok(created)
      const id = yield* Expect.string(created, "id")
      const read = yield* h.request({ path: `/v2/generate/${id}` })
      yield* Expect.status(read, 200)
      const listed = yield* h.request({ path: "/v2/generations", query: { ids: id } })
      yield* Expect.status(listed, 200)
      const item = (yield* listItems(listed)).find((g) => g["id"] === id)
      if (item === undefined) return yield* Expect.fail("the generation is not in GET /v2/generations", listed)
      for (const [where, exchange, body] of [
        ["the create answer", created, created.response.json],
        ["the GET answer", read, read.response.json],
        ["the list item", listed, item]
      ] as const) {
        yield* Expect.fields(body, { ...generationFields, projectId: Expect.nullable("string") }, where, exchange)
        yield* Expect.values(body, { id, model: "lipsync-2", projectId }, where, exchange)
      }
    }), { asserts: "fields" }
  ),
  check("SYNC-GEN-003", "GET /v2/generations filters by ids and by status", S.generationFilters, Effect.gen(function*() {
    const h = yield* Harness
    const first = yield* Expect.string(yield* createGeneration(), "id")
    const second = yield* Expect.string(yield* createGeneration(), "id")
    const one = yield* h.request({ path: "/v2/generations", query: { ids: first } })
    yield* Expect.status(one, 200)
    yield* Expect.equal(ids(yield* listItems(one)), [first], "the generations listed for ids=<first>", one)
    const both = yield* h.request({ path: "/v2/generations", query: { ids: `${first},${second}` } })
    yield* Expect.status(both, 200)
    yield* Expect.equal([...ids(yield* listItems(both))].sort(), [first, second].sort(), "the generations listed for ids=<first>,<second>", both)
    // A status neither has (a new generation is never REJECTED for valid input): none of them, and only that status.
    const rejected = yield* h.request({ path: "/v2/generations", query: { status: "REJECTED" } })
    yield* Expect.status(rejected, 200)
    const listed = yield* listItems(rejected)
    yield* Expect.that(listed.every((g) => g["status"] === "REJECTED"), "a generation of another status is listed for status=REJECTED", rejected)
    yield* Expect.that(!ids(listed).includes(first) && !ids(listed).includes(second), "a new generation is listed as REJECTED", rejected)
  }), { asserts: "option" }),
  check("SYNC-MODEL-001", "GET /v2/models answers each model's id, name, type and version", S.models, Effect.gen(function*() {
    const h = yield* Harness
    const listed = yield* h.request({ path: "/v2/models" })
    yield* Expect.status(listed, 200)
    const models = yield* Expect.array(listed)
    yield* Expect.that(models.length > 0, "no model is listed", listed)
    for (const model of models) {
      yield* Expect.fields(model, {
        id: "string",
        name: "string",
        type: "string",
        version: "string",
        description: Expect.optional("string"),
        deprecatedAt: Expect.optional("string")
      }, "a listed model", listed)
    }
    yield* Expect.that(models.some((m) => Expect.isRecord(m) && m["id"] === "lipsync-2"), "lipsync-2, the documents' model, is not listed", listed)
  }), { asserts: "fields" }),
  check("SYNC-COST-001", "A cost estimate answers estimatedFrameCount and estimatedGenerationCost", S.cost, Effect.gen(function*() {
    const h = yield* Harness
    const estimate = yield* h.request({ method: "POST", path: "/v2/analyze/cost", json: generationBody(token()) })
    yield* Expect.status(estimate, 200, 201)
    // The SDK answers a list of estimates; a single one is read as a list of one.
    const json = estimate.response.json
    const estimates = Array.isArray(json) ? json : [json]
    yield* Expect.that(estimates.length > 0, "the answer has no estimate", estimate)
    for (const item of estimates) {
      yield* Expect.fields(item, { estimatedFrameCount: "number", estimatedGenerationCost: "number" }, "the estimate", estimate)
    }
  }), { asserts: "fields" })
]

export const checks: ReadonlyArray<Check> = [...projects, ...lists, ...attachment, ...others, ...generations]

/**
 * Deletes every project of the run still there (named with its prefix): what per-resource cleanups
 * could not know of, e.g. a project created by a request the run was interrupted in.
 */
export const sweep = (as: Who) =>
  Effect.gen(function*() {
    const h = yield* Harness
    for (let page = 0; page < 20; page++) {
      const listed = yield* h.request({ path: "/v2/projects", as, query: { searchQuery: h.prefix, limit: 100 } })
      if (listed.response.status !== 200) return
      const mine = (yield* listItems(listed)).filter((p) => String(p["name"]).startsWith(h.prefix))
      if (mine.length === 0) return
      for (const p of mine) yield* h.request({ method: "DELETE", path: `/v2/projects/${String(p["id"])}`, as })
    }
  })
