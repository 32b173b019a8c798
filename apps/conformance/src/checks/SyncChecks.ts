/**
 * sync.so v2 checks, from seed 000 (projects), seed 002 (Get Asset) and the notes in
 * providers/sync.md. Paths are relative to the dialect's base URL (e.g. `https://api.sync.so`).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type Check, type Exchange, forDialect, type Source } from "../Check.js"
import * as Expect from "../Expect.js"
import { Harness, type Who } from "../Harness.js"
import { listItems, monotonic, nextCursor, token } from "../internal/common.js"

const SEED_PROJECTS = "seeds/000_86ea530f0552be1f.txt"
const SEED_ASSET = "seeds/002_ca4c5324aa88fbe4.txt"
const NOTES = "providers/sync.md"

const from = (document: string, sentence: string): Source => ({ document, sentence })

const S = {
  returnsId: from(SEED_PROJECTS, "POST /v2/projects returns the new project’s id."),
  defaults: from(
    SEED_PROJECTS,
    "visibility defaults to USER (visible only to the key owner) and mode to CREATOR; both are optional."
  ),
  nameRequired: from(SEED_PROJECTS, "A project is lightweight — only a name is required."),
  getOne: from(SEED_PROJECTS, "Get oneGET /v2/projects/{id}"),
  list: from(SEED_PROJECTS, "ListGET /v2/projects"),
  remove: from(SEED_PROJECTS, "DeleteDELETE /v2/projects/{id}"),
  patch: from(SEED_PROJECTS, "PATCH only changes the fields you send."),
  paginated: from(
    SEED_PROJECTS,
    "GET /v2/projects is cursor-paginated (limit, cursor) and supports searchQuery (by name) and sortBy (updatedAt or name)."
  ),
  optional: from(
    SEED_PROJECTS,
    "The field is optional on both endpoints — omit it and the work simply isn’t grouped under a project."
  ),
  echo: from(
    SEED_PROJECTS,
    "The generation and asset responses echo back the projectId they were filed under (or null when none was given)."
  ),
  mustReference: from(SEED_PROJECTS, "projectId must reference a project in your organization."),
  rejected: from(
    SEED_PROJECTS,
    "If it doesn’t (wrong id, or a project from another org), the create request is rejected with 422 Unprocessable Entity — the generation or asset is not created."
  ),
  nullFine: from(SEED_PROJECTS, "A missing or null projectId is always fine."),
  detach: from(
    SEED_PROJECTS,
    "Deleting a project does not delete the generations or assets that were attached to it; they simply stop being grouped under it."
  ),
  listBack: from(
    SEED_PROJECTS,
    "Projects let you group related generations and assets together so they appear under one project in the Studio — and so you can list them back out from the API."
  ),
  getAsset: from(SEED_ASSET, "Retrieve a specific asset by ID."),
  assetNotFound: from(SEED_ASSET, "Not Found Error"),
  unauthorized: from(SEED_ASSET, "Unauthorized Error"),
  apiKey: from(SEED_ASSET, "API Key authentication via header"),
  timestamps: from(NOTES, "`createdAt`, `updatedAt` (ISO datetimes)"),
  onlyCreator: from(NOTES, "accept only CREATOR until known"),
  errorBody: from(NOTES, "Error body (SDK `GenerationError`): `{statusCode, message}`"),
  statuses: from(NOTES, "Statuses the official client distinguishes: 400 BadRequest, 401 Unauthorized, 402 PaymentRequired,"),
  envelope: from(NOTES, "INF: the same as assets, `{items, nextCursor}`."),
  limits: from(NOTES, "`limit` (1–100)"),
  assetRoute: from(NOTES, "INF: `POST /v2/assets` with `{name?, url, type, projectId?}`"),
  webhook: from(NOTES, "Webhook: when a generation carries `webhookUrl`, sync.so POSTs a GenerationNotification when it ends:")
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

const newProject = (label: string, extra: Record<string, unknown> = {}, as: Who = "primary") =>
  Effect.flatMap(Harness, (h) => createProject({ name: h.unique(label), ...extra }, as))

const getProject = (id: string, as: Who = "primary") =>
  Effect.flatMap(Harness, (h) => h.request({ path: `/v2/projects/${id}`, as }))

const mediaUrl = (tag: string, kind: string) => `https://example.com/projectkit-conformance/${tag}/${kind}`

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
const errorBody = (exchange: Exchange) =>
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
  check("SYNC-PROJ-010", "An unknown project id is a 404", S.statuses, Effect.gen(function*() {
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
  check("SYNC-PROJ-012", "A create answers 201 Created", S.returnsId, Effect.gen(function*() {
    const { exchange } = yield* newProject("created-status")
    yield* Expect.status(exchange, 201)
  }), { profile: "extended" }),
  check("SYNC-PROJ-013", "A project has createdAt and updatedAt date-times", S.timestamps, Effect.gen(function*() {
    const { exchange, project } = yield* newProject("timestamps")
    yield* Expect.that(Expect.isDateTime(project["createdAt"]), "createdAt is not a date-time", exchange)
    yield* Expect.that(Expect.isDateTime(project["updatedAt"]), "updatedAt is not a date-time", exchange)
  }), { profile: "extended" }),
  check("SYNC-PROJ-014", "An unknown mode or visibility is refused (400)", S.onlyCreator, Effect.gen(function*() {
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
  check("SYNC-PROJ-015", "A PATCH or DELETE of an unknown project is a 404", S.statuses, Effect.gen(function*() {
    const h = yield* Harness
    const id = crypto.randomUUID()
    yield* Expect.status(yield* h.request({ method: "PATCH", path: `/v2/projects/${id}`, json: { name: "x" } }), 404)
    yield* Expect.status(yield* h.request({ method: "DELETE", path: `/v2/projects/${id}` }), 404)
  }), { profile: "extended" })
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
  check("SYNC-LIST-006", "A tampered cursor is refused (400)", S.paginated, Effect.gen(function*() {
    const h = yield* Harness
    const exchange = yield* h.request({ path: "/v2/projects", query: { cursor: "not-a-cursor!" } })
    yield* Expect.status(exchange, 400)
  }), { profile: "extended" }),
  check("SYNC-LIST-007", "limit outside 1–100 is refused (400)", S.limits, Effect.gen(function*() {
    const h = yield* Harness
    for (const limit of [0, 101]) yield* Expect.status(yield* h.request({ path: "/v2/projects", query: { limit } }), 400)
  }), { profile: "extended" }),
  check("SYNC-LIST-008", "An unknown sortBy is refused (400)", S.paginated, Effect.gen(function*() {
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
  check("SYNC-AUTH-002", "A request with an unknown x-api-key is a 401 and creates nothing", S.apiKey, Effect.gen(function*() {
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
  check("SYNC-VIS-002", "An ORGANIZATION project is visible to the organization's other users", S.defaults, Effect.gen(function*() {
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
    const status = (body as Record<string, unknown>)["status"]
    yield* Expect.that(status === "COMPLETED" || status === "FAILED", `the notification's status is ${String(status)}`, created)
  }), { profile: "extended", requires: ["webhooks"] }),
  check("SYNC-ERR-001", "Errors answer {statusCode, message} with the HTTP status", S.errorBody, Effect.gen(function*() {
    const h = yield* Harness
    yield* errorBody(yield* getProject(crypto.randomUUID()))
    yield* errorBody(yield* h.request({ path: "/v2/projects", as: "anonymous" }))
    yield* errorBody(yield* createGeneration({ projectId: crypto.randomUUID() }))
  }), { profile: "extended" }),
  check("SYNC-ERR-002", "A malformed JSON body is a 400, not a 500, and creates nothing", S.statuses, Effect.gen(function*() {
    const h = yield* Harness
    const name = h.unique(`malformed-${token()}`)
    const exchange = yield* h.request({ method: "POST", path: "/v2/projects", body: `{"name": "${name}"` })
    yield* Expect.status(exchange, 400)
    const { last, pages } = yield* allPages({ searchQuery: name })
    yield* Expect.that(pages.flat().length === 0, "the malformed request created a project", last)
  })),
  check("SYNC-ERR-003", "A field of the wrong type is a 400", S.statuses, Effect.gen(function*() {
    const h = yield* Harness
    yield* Expect.status(yield* h.request({ method: "POST", path: "/v2/projects", json: { name: 42 } }), 400)
    const { id } = yield* newProject("typed")
    yield* Expect.status(yield* h.request({ method: "PATCH", path: `/v2/projects/${id}`, json: { visibility: 7 } }), 400)
  }))
]

export const checks: ReadonlyArray<Check> = [...projects, ...lists, ...attachment, ...others]

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
