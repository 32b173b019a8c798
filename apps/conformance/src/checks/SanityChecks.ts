/**
 * Sanity management Projects API checks, from seed 003 (the Projects API reference) and the notes
 * in providers/sanity.md (recorded traffic, official clients; their inferences go to `extended`).
 * Paths are relative to the API host (e.g. `https://api.sanity.io`); the version comes first.
 */
import * as Effect from "effect/Effect"
import { type Check, type Exchange, forDialect, type Source } from "../Check.js"
import * as Expect from "../Expect.js"
import { Harness, type RequestOptions, type Who } from "../Harness.js"
import { token } from "../internal/common.js"

const SEED = "seeds/003_a94817e391f0b551.txt"
const NOTES = "providers/sanity.md"

const from = (document: string, sentence: string): Source => ({ document, sentence })

const S = {
  authenticated: from(SEED, "All requests must be authenticated."),
  roles: from(SEED, "Managing projects requires the Administrator or Developer role, or equivalent."),
  list: from(SEED, "A list of projects."),
  created: from(SEED, "Project created successfully."),
  displayName: from(SEED, "The display name of the project."),
  details: from(SEED, "Project details."),
  updated: from(SEED, "Project updated successfully."),
  deleted: from(SEED, "Project deleted successfully."),
  corsList: from(SEED, "Returns a list of all CORS origins for a specific project."),
  corsDelete: from(SEED, "Deletes a specific CORS origin for a project."),
  datasets: from(SEED, "Returns a list of all datasets for the project."),
  dataset: from(SEED, "Returns the details of a specific dataset by name."),
  aclDefault: from(SEED, "The ACL mode to set for the new dataset. Defaults to public."),
  datasetUpdate: from(SEED, "Updates a specific dataset in the project."),
  copy: from(SEED, "Copies a dataset to a new dataset."),
  features: from(SEED, "Returns a list of active features for the project."),
  permissions: from(SEED, "Returns a list of permissions for the project."),
  tokenHidden: from(SEED, "This endpoint does not reveal the actual token, only details about the token."),
  tokenCreate: from(SEED, "Creates a new token for the project."),
  tokenDelete: from(SEED, "Deletes a token for the project."),
  datasetTags: from(SEED, "Returns a list of tags for the dataset."),
  tagCreate: from(SEED, "Datasets cannot be assigned at tag creation."),
  tagDelete: from(SEED, "The tag must not be assigned to any datasets."),
  tagAssign: from(SEED, "Assigns a tag to a dataset."),
  tagRemove: from(SEED, "Removes a tag from a dataset."),
  embeddingsGet: from(SEED, "Returns the settings for the embeddings index for a dataset."),
  embeddingsPut: from(SEED, "Updates the settings for the embeddings index for a dataset."),
  createEmbeddings: from(SEED, "The settings for the embeddings index for the dataset."),
  tagTitle: from(SEED, "The title of the tag."),
  copyHistory: from(SEED, "List copy jobs history for a dataset."),
  copyPaging: from(SEED, "Number of items to return."),
  userMe: from(SEED, "If authenticated with a user token, you can substitute \"me\" for the user ID."),
  versions: from(NOTES, "accept any `v1`/`vX`/`vYYYY-MM-DD`"),
  status201: from(NOTES, "POST project/CORS/token and PUT dataset ⇒ 201"),
  boom: from(NOTES, "Format (Boom style): `{\"statusCode\":401,\"error\":\"Unauthorized\",\"message\":\"Session not found\""),
  datasetName: from(NOTES, "1–64 chars, only `a-z 0-9 - _`, must **begin and end** with a lowercase letter or number."),
  nullDelete: from(NOTES, "`metadata.<key>: null` removes a key"),
  defaultCors: from(NOTES, "a CORS entry `http://localhost:3333` with `allowCredentials:true` exists at creation"),
  corsRevive: from(NOTES, "re-POSTing a previously deleted origin **revives the same id**"),
  deletedBody: from(NOTES, "deletes return `{deleted:true}`")
}

const check = forDialect("sanity")

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/** A request under the configured API version (`/v2021-06-07/...`). */
const api = (options: RequestOptions) =>
  Effect.flatMap(Harness, (h) => h.request({ ...options, path: `/${h.options["apiVersion"] ?? "v2021-06-07"}${options.path}` }))

const createProject = (extra: Record<string, unknown> = {}, as: Who = "primary") =>
  Effect.gen(function*() {
    const h = yield* Harness
    const displayName = h.unique("project")
    const exchange = yield* api({ method: "POST", path: "/projects", json: { displayName, ...extra }, as })
    yield* Expect.ok(exchange)
    const id = yield* Expect.string(exchange, "id")
    yield* h.defer(`delete Sanity project ${id}`, api({ method: "DELETE", path: `/projects/${id}`, as }).pipe(Effect.provideService(Harness, h)))
    return { exchange, id, displayName, project: yield* Expect.object(exchange) }
  })

/** A dataset name under the Sanity rule (lowercase letters, digits, `-`, `_`). */
const datasetName = () => `pkc-${token()}`

const createDataset = (projectId: string, body?: Record<string, unknown>) =>
  Effect.gen(function*() {
    const name = datasetName()
    const exchange = yield* api({ method: "PUT", path: `/projects/${projectId}/datasets/${name}`, ...(body ? { json: body } : {}) })
    yield* Expect.ok(exchange)
    return { name, exchange }
  })

const arrayOf = (exchange: Exchange) =>
  Effect.map(Expect.array(exchange), (items) => items.filter(Expect.isRecord))

const boom = (exchange: Exchange) =>
  Effect.gen(function*() {
    const body = yield* Expect.object(exchange)
    yield* Expect.equal(body["statusCode"], exchange.response.status, "the error body's statusCode", exchange)
    yield* Expect.that(typeof body["error"] === "string", "the error body has no error phrase", exchange)
    yield* Expect.that(typeof body["message"] === "string", "the error body has no message", exchange)
  })

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

const projects: ReadonlyArray<Check> = [
  check("SAN-PROJ-001", "Creating a project answers it with its id and displayName", S.created, Effect.gen(function*() {
    const { displayName, exchange, project } = yield* createProject()
    yield* Expect.equal(project["displayName"], displayName, "displayName", exchange)
  })),
  check("SAN-PROJ-002", "A project is read back with the documented fields", S.details, Effect.gen(function*() {
    const { displayName, id } = yield* createProject({ metadata: { color: "#112233" } })
    const read = yield* api({ path: `/projects/${id}` })
    yield* Expect.status(read, 200)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["id"], id, "id", read)
    yield* Expect.equal(body["displayName"], displayName, "displayName", read)
    for (const field of ["isBlocked", "isDisabled", "activityFeedEnabled"]) {
      yield* Expect.that(typeof body[field] === "boolean", `${field} is not a boolean`, read)
    }
    yield* Expect.that(body["studioHost"] === null || typeof body["studioHost"] === "string", "studioHost is not a string or null", read)
    yield* Expect.that(Expect.isRecord(body["metadata"]), "metadata is not an object", read)
    yield* Expect.equal((body["metadata"] as Record<string, unknown>)["color"], "#112233", "metadata.color", read)
    yield* Expect.that(Expect.isDateTime(body["createdAt"]), "createdAt is not a date-time", read)
    yield* Expect.that(Array.isArray(body["members"]), "members is not a list", read)
  })),
  check("SAN-PROJ-003", "A created project is in the list of projects", S.list, Effect.gen(function*() {
    const { id } = yield* createProject()
    const listed = yield* api({ path: "/projects" })
    yield* Expect.status(listed, 200)
    yield* Expect.that((yield* arrayOf(listed)).some((p) => p["id"] === id), "the new project is not listed", listed)
  })),
  check("SAN-PROJ-004", "PATCH changes what it is sent and keeps the rest", S.updated, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* createProject({ metadata: { color: "#445566" } })
    const renamed = h.unique("renamed")
    const patched = yield* api({ method: "PATCH", path: `/projects/${id}`, json: { displayName: renamed } })
    yield* Expect.status(patched, 200)
    const read = yield* api({ path: `/projects/${id}` })
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["displayName"], renamed, "displayName after PATCH", read)
    yield* Expect.equal((body["metadata"] as Record<string, unknown> | undefined)?.["color"], "#445566", "metadata.color after a PATCH without it", read)
  })),
  check("SAN-PROJ-005", "A deleted project is gone", S.deleted, Effect.gen(function*() {
    const { id } = yield* createProject()
    yield* Expect.status(yield* api({ method: "DELETE", path: `/projects/${id}` }), 200)
    const read = yield* api({ path: `/projects/${id}` })
    yield* Expect.that(read.response.status === 404 || read.response.status === 403, `a deleted project answered ${read.response.status}`, read)
  })),
  check("SAN-PROJ-006", "A project without a displayName is refused with 400", S.displayName, Effect.gen(function*() {
    const exchange = yield* api({ method: "POST", path: "/projects", json: { metadata: { color: "#000000" } } })
    if (exchange.response.status < 300) {
      const h = yield* Harness
      const id = (exchange.response.json as Record<string, unknown> | undefined)?.["id"]
      if (typeof id === "string") {
        yield* h.defer(`delete Sanity project ${id}`, api({ method: "DELETE", path: `/projects/${id}` }).pipe(Effect.provideService(Harness, h)))
      }
    }
    yield* Expect.status(exchange, 400)
  })),
  check("SAN-PROJ-007", "Creates answer 201 and deletes {deleted: true}", S.status201, Effect.gen(function*() {
    const { exchange, id } = yield* createProject()
    yield* Expect.status(exchange, 201)
    const deleted = yield* api({ method: "DELETE", path: `/projects/${id}` })
    yield* Expect.equal((yield* Expect.object(deleted))["deleted"], true, "deleted", deleted)
  }), { profile: "extended" }),
  check("SAN-PROJ-008", "metadata.<key>: null removes the key", S.nullDelete, Effect.gen(function*() {
    const { id } = yield* createProject({ metadata: { color: "#778899" } })
    yield* Expect.ok(yield* api({ method: "PATCH", path: `/projects/${id}`, json: { metadata: { color: null } } }))
    const read = yield* api({ path: `/projects/${id}` })
    const metadata = (yield* Expect.object(read))["metadata"]
    yield* Expect.that(!Expect.isRecord(metadata) || !("color" in metadata) || metadata["color"] === null, "metadata.color is still there", read)
  }), { profile: "extended" }),
  check("SAN-PROJ-009", "A new project allows http://localhost:3333 with credentials", S.defaultCors, Effect.gen(function*() {
    const { id } = yield* createProject()
    const listed = yield* api({ path: `/projects/${id}/cors` })
    yield* Expect.status(listed, 200)
    const entry = (yield* arrayOf(listed)).find((c) => c["origin"] === "http://localhost:3333")
    yield* Expect.that(entry?.["allowCredentials"] === true, "no http://localhost:3333 entry with allowCredentials", listed)
  }), { profile: "extended" })
]

const cors: ReadonlyArray<Check> = [
  check("SAN-CORS-001", "An added CORS origin is listed with an integer id", S.corsList, Effect.gen(function*() {
    const { id } = yield* createProject()
    const origin = `https://${token()}.example.com`
    const added = yield* api({ method: "POST", path: `/projects/${id}/cors`, json: { origin, allowCredentials: false } })
    yield* Expect.ok(added)
    const entryId = (yield* Expect.object(added))["id"]
    yield* Expect.that(Number.isInteger(entryId), "the CORS entry's id is not an integer", added)
    const listed = yield* api({ path: `/projects/${id}/cors` })
    yield* Expect.status(listed, 200)
    const entry = (yield* arrayOf(listed)).find((c) => c["id"] === entryId)
    yield* Expect.equal(entry?.["origin"], origin, "the listed origin", listed)
    yield* Expect.equal(entry?.["allowCredentials"], false, "the listed allowCredentials", listed)
  })),
  check("SAN-CORS-002", "A deleted CORS origin is no longer listed", S.corsDelete, Effect.gen(function*() {
    const { id } = yield* createProject()
    const added = yield* api({ method: "POST", path: `/projects/${id}/cors`, json: { origin: `https://${token()}.example.com` } })
    yield* Expect.ok(added)
    const entryId = (yield* Expect.object(added))["id"]
    yield* Expect.status(yield* api({ method: "DELETE", path: `/projects/${id}/cors/${String(entryId)}` }), 200)
    const listed = yield* api({ path: `/projects/${id}/cors` })
    yield* Expect.that(!(yield* arrayOf(listed)).some((c) => c["id"] === entryId), "the deleted origin is still listed", listed)
  })),
  check("SAN-CORS-003", "Re-adding a deleted origin revives the same id", S.corsRevive, Effect.gen(function*() {
    const { id } = yield* createProject()
    const origin = `https://${token()}.example.com`
    const first = yield* api({ method: "POST", path: `/projects/${id}/cors`, json: { origin } })
    yield* Expect.status(first, 201)
    const entryId = (yield* Expect.object(first))["id"]
    yield* Expect.ok(yield* api({ method: "DELETE", path: `/projects/${id}/cors/${String(entryId)}` }))
    const again = yield* api({ method: "POST", path: `/projects/${id}/cors`, json: { origin } })
    yield* Expect.status(again, 201)
    yield* Expect.equal((yield* Expect.object(again))["id"], entryId, "the revived entry's id", again)
  }), { profile: "extended" })
]

const datasets: ReadonlyArray<Check> = [
  check("SAN-DS-001", "A created dataset is listed", S.datasets, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id, { aclMode: "public" })
    const listed = yield* api({ path: `/projects/${id}/datasets` })
    yield* Expect.status(listed, 200)
    yield* Expect.that((yield* arrayOf(listed)).some((d) => d["name"] === name), "the dataset is not listed", listed)
  })),
  check("SAN-DS-002", "aclMode defaults to public", S.aclDefault, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { exchange, name } = yield* createDataset(id)
    yield* Expect.equal((yield* Expect.object(exchange))["aclMode"], "public", "aclMode of the new dataset", exchange)
    const listed = yield* api({ path: `/projects/${id}/datasets` })
    const dataset = (yield* arrayOf(listed)).find((d) => d["name"] === name)
    yield* Expect.equal(dataset?.["aclMode"], "public", "aclMode listed", listed)
  })),
  check("SAN-DS-003", "A dataset is read by its name", S.dataset, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id)
    const read = yield* api({ path: `/projects/${id}/datasets/${name}` })
    yield* Expect.status(read, 200)
    const body = yield* Expect.object(read)
    yield* Expect.that(body["name"] === name || body["datasetName"] === name, "the dataset read has another name", read)
  })),
  check("SAN-DS-004", "PATCH of a dataset changes its aclMode", S.datasetUpdate, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id)
    const patched = yield* api({ method: "PATCH", path: `/projects/${id}/datasets/${name}`, json: { aclMode: "private" } })
    yield* Expect.status(patched, 200)
    const listed = yield* api({ path: `/projects/${id}/datasets` })
    const dataset = (yield* arrayOf(listed)).find((d) => d["name"] === name)
    yield* Expect.equal(dataset?.["aclMode"], "private", "aclMode after PATCH", listed)
  })),
  check("SAN-DS-005", "A deleted dataset is no longer listed", S.datasets, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id)
    const deleted = yield* api({ method: "DELETE", path: `/projects/${id}/datasets/${name}` })
    yield* Expect.status(deleted, 200)
    const listed = yield* api({ path: `/projects/${id}/datasets` })
    yield* Expect.that(!(yield* arrayOf(listed)).some((d) => d["name"] === name), "the deleted dataset is listed", listed)
  })),
  check("SAN-DS-006", "An invalid dataset name is refused with 400", S.datasetName, Effect.gen(function*() {
    const { id } = yield* createProject()
    for (const name of ["Upper", "-leading", "trailing-", "x".repeat(65), "sp%20ace"]) {
      yield* Expect.status(yield* api({ method: "PUT", path: `/projects/${id}/datasets/${name}` }), 400)
    }
  }), { profile: "extended" }),
  check("SAN-DS-007", "A dataset copy starts a job", S.copy, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id)
    const target = datasetName()
    const started = yield* api({ method: "PUT", path: `/projects/${id}/datasets/${name}/copy`, json: { targetDataset: target } })
    if (started.response.status === 402 || started.response.status === 403) {
      return yield* Expect.skip("copying datasets is a Business/Enterprise feature this project does not have")
    }
    yield* Expect.status(started, 200)
    yield* Expect.string(started, "jobId")
  }), { profile: "extended" }),
  check("SAN-DS-008", "A dataset's copy jobs are listed, newest first, limit respected", S.copyHistory, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id)
    const jobs: Array<string> = []
    for (let i = 0; i < 2; i++) {
      const started = yield* api({ method: "PUT", path: `/projects/${id}/datasets/${name}/copy`, json: { targetDataset: datasetName() } })
      if (started.response.status === 402 || started.response.status === 403) {
        return yield* Expect.skip("copying datasets is a Business/Enterprise feature this project does not have")
      }
      yield* Expect.ok(started)
      jobs.push(yield* Expect.string(started, "jobId"))
    }
    const listed = yield* api({ path: `/projects/${id}/datasets/${name}/copy` })
    yield* Expect.status(listed, 200)
    const ids = (yield* arrayOf(listed)).map((j) => j["id"])
    yield* Expect.equal(ids.filter((j) => jobs.includes(String(j))), [jobs[1], jobs[0]], "the copy jobs, newest first", listed)
    const one = yield* api({ path: `/projects/${id}/datasets/${name}/copy`, query: { limit: 1 } })
    yield* Expect.status(one, 200)
    yield* Expect.equal((yield* arrayOf(one)).length, 1, "jobs listed with limit=1", one)
  }), { profile: "extended" }),
  check("SAN-EMB-001", "Embeddings settings are updated and read back", S.embeddingsPut, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id)
    const put = yield* api({
      method: "PUT",
      path: `/projects/${id}/datasets/${name}/settings/embeddings`,
      json: { enabled: true, projection: "{title}" }
    })
    yield* Expect.ok(put)
    const read = yield* api({ path: `/projects/${id}/datasets/${name}/settings/embeddings` })
    yield* Expect.status(read, 200)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["enabled"], true, "enabled", read)
    yield* Expect.equal(body["projection"], "{title}", "projection", read)
    yield* Expect.that(typeof body["status"] === "string", "status is not a string", read)
  })),
  check("SAN-EMB-002", "A dataset created with embeddings settings has them", S.createEmbeddings, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id, { embeddings: { enabled: true, projection: "{title, author}" } })
    const read = yield* api({ path: `/projects/${id}/datasets/${name}/settings/embeddings` })
    yield* Expect.status(read, 200)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["enabled"], true, "enabled", read)
    yield* Expect.equal(body["projection"], "{title, author}", "projection", read)
  })),
  check("SAN-FEAT-001", "A project's features are a list of strings", S.features, Effect.gen(function*() {
    const { id } = yield* createProject()
    const read = yield* api({ path: `/projects/${id}/features` })
    yield* Expect.status(read, 200)
    yield* Expect.that((yield* Expect.array(read)).every((f) => typeof f === "string"), "a feature is not a string", read)
  })),
  check("SAN-PERM-001", "A project's permissions are a list of strings", S.permissions, Effect.gen(function*() {
    const { id } = yield* createProject()
    const read = yield* api({ path: `/projects/${id}/permissions` })
    yield* Expect.status(read, 200)
    yield* Expect.that((yield* Expect.array(read)).every((f) => typeof f === "string"), "a permission is not a string", read)
  }))
]

const createToken = (projectId: string, roleName: string) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const created = yield* api({ method: "POST", path: `/projects/${projectId}/tokens`, json: { label: h.unique("token"), roleName } })
    yield* Expect.ok(created)
    const key = yield* Expect.string(created, "key")
    yield* h.secret(key)
    return { created, key, tokenId: yield* Expect.string(created, "id") }
  })

const tokens: ReadonlyArray<Check> = [
  check("SAN-TOK-001", "A created token's key is answered once, never listed", S.tokenHidden, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { key, tokenId } = yield* createToken(id, "viewer")
    const listed = yield* api({ path: `/projects/${id}/tokens` })
    yield* Expect.status(listed, 200)
    const items = yield* arrayOf(listed)
    yield* Expect.that(items.some((t) => t["id"] === tokenId), "the token is not listed", listed)
    yield* Expect.that(!listed.response.body.includes(key), "the token list reveals the key", listed)
  })),
  check("SAN-TOK-002", "A deleted token is no longer listed", S.tokenDelete, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { tokenId } = yield* createToken(id, "viewer")
    yield* Expect.status(yield* api({ method: "DELETE", path: `/projects/${id}/tokens/${tokenId}` }), 200)
    const listed = yield* api({ path: `/projects/${id}/tokens` })
    yield* Expect.that(!(yield* arrayOf(listed)).some((t) => t["id"] === tokenId), "the deleted token is listed", listed)
  })),
  check("SAN-TOK-003", "A viewer token cannot manage the project (403)", S.roles, Effect.gen(function*() {
    const { displayName, id } = yield* createProject()
    const { key } = yield* createToken(id, "viewer")
    const viewer = { as: "anonymous" as const, headers: { authorization: `Bearer ${key}` } }
    const patched = yield* api({ method: "PATCH", path: `/projects/${id}`, json: { displayName: "taken over" }, ...viewer })
    yield* Expect.status(patched, 403)
    yield* Expect.status(yield* api({ method: "PUT", path: `/projects/${id}/datasets/${datasetName()}`, ...viewer }), 403)
    const read = yield* api({ path: `/projects/${id}` })
    yield* Expect.equal((yield* Expect.object(read))["displayName"], displayName, "displayName after the viewer's PATCH", read)
  }))
]

const tags: ReadonlyArray<Check> = [
  check("SAN-TAG-001", "A tag is created unassigned, assigned to a dataset, and removed from it", S.tagCreate, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id)
    const tag = `tag-${token()}`
    yield* Expect.ok(yield* api({ method: "POST", path: `/projects/${id}/tags`, json: { name: tag, title: "Conformance" } }))
    const before = yield* api({ path: `/projects/${id}/datasets/${name}/tags` })
    yield* Expect.status(before, 200)
    yield* Expect.that(!(yield* arrayOf(before)).some((t) => t["name"] === tag), "a new tag is already assigned", before)
    yield* Expect.ok(yield* api({ method: "PUT", path: `/projects/${id}/datasets/${name}/tags/${tag}` }))
    const assigned = yield* api({ path: `/projects/${id}/datasets/${name}/tags` })
    yield* Expect.that((yield* arrayOf(assigned)).some((t) => t["name"] === tag), "the assigned tag is not listed", assigned)
    yield* Expect.ok(yield* api({ method: "DELETE", path: `/projects/${id}/datasets/${name}/tags/${tag}` }))
    const removed = yield* api({ path: `/projects/${id}/datasets/${name}/tags` })
    yield* Expect.that(!(yield* arrayOf(removed)).some((t) => t["name"] === tag), "the removed tag is still listed", removed)
  })),
  check("SAN-TAG-002", "A tag assigned to a dataset cannot be deleted", S.tagDelete, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id)
    const tag = `tag-${token()}`
    yield* Expect.ok(yield* api({ method: "POST", path: `/projects/${id}/tags`, json: { name: tag, title: "Assigned" } }))
    yield* Expect.ok(yield* api({ method: "PUT", path: `/projects/${id}/datasets/${name}/tags/${tag}` }))
    const refused = yield* api({ method: "DELETE", path: `/projects/${id}/tags/${tag}` })
    yield* Expect.clientError(refused)
    yield* Expect.ok(yield* api({ method: "DELETE", path: `/projects/${id}/datasets/${name}/tags/${tag}` }))
    yield* Expect.ok(yield* api({ method: "DELETE", path: `/projects/${id}/tags/${tag}` }))
  }))
]

const tagUpdate: ReadonlyArray<Check> = [
  check("SAN-TAG-003", "A tag's title is updated", S.tagTitle, Effect.gen(function*() {
    const { id } = yield* createProject()
    const tag = `tag-${token()}`
    yield* Expect.ok(yield* api({ method: "POST", path: `/projects/${id}/tags`, json: { name: tag, title: "Before" } }))
    yield* Expect.ok(yield* api({ method: "PUT", path: `/projects/${id}/tags/${tag}`, json: { name: tag, title: "After" } }))
    const listed = yield* api({ path: `/projects/${id}/tags` })
    yield* Expect.status(listed, 200)
    const found = (yield* arrayOf(listed)).find((t) => t["name"] === tag)
    yield* Expect.equal(found?.["title"], "After", "the tag's title", listed)
  }), { profile: "extended" })
]

const access: ReadonlyArray<Check> = [
  check("SAN-USER-001", "A project member is read as a user, and \"me\" is the caller", S.userMe, Effect.gen(function*() {
    const { exchange, id, project } = yield* createProject()
    const members = project["members"]
    const me = Array.isArray(members) ? members.filter(Expect.isRecord).find((m) => m["isCurrentUser"] === true) : undefined
    if (me === undefined || typeof me["id"] !== "string") {
      return yield* Expect.fail("the new project has no member marked isCurrentUser", exchange)
    }
    const byId = yield* api({ path: `/projects/${id}/users/${me["id"]}` })
    yield* Expect.status(byId, 200)
    yield* Expect.equal((yield* Expect.object(byId))["id"], me["id"], "the user's id", byId)
    const viaMe = yield* api({ path: `/projects/${id}/users/me` })
    yield* Expect.status(viaMe, 200)
    yield* Expect.equal((yield* Expect.object(viaMe))["id"], me["id"], "the id of \"me\"", viaMe)
  }), { profile: "extended" }),
  check("SAN-VER-001", "Dated and v1 API versions are both served", S.versions, Effect.gen(function*() {
    const h = yield* Harness
    for (const version of ["v1", "v2025-02-19"]) {
      yield* Expect.status(yield* h.request({ path: `/${version}/projects` }), 200)
    }
  }), { profile: "extended" }),
  check("SAN-AUTH-001", "A request without a token is a 401", S.authenticated, Effect.gen(function*() {
    yield* Expect.status(yield* api({ path: "/projects", as: "anonymous" }), 401)
    yield* Expect.status(yield* api({ method: "POST", path: "/projects", as: "anonymous", json: { displayName: "x" } }), 401)
    yield* Expect.status(
      yield* api({ path: "/projects", as: "anonymous", headers: { authorization: `Bearer invalid-${token()}` } }),
      401
    )
  })),
  check("SAN-ERR-001", "Errors answer {statusCode, error, message}", S.boom, Effect.gen(function*() {
    yield* boom(yield* api({ path: "/projects", as: "anonymous" }))
    yield* boom(yield* api({ path: `/projects/${token()}` }))
    yield* boom(yield* api({ method: "POST", path: "/projects", json: {} }))
  }), { profile: "extended" }),
  check("SAN-ISO-001", "Another organization cannot see, change or delete a project", S.roles, Effect.gen(function*() {
    const { displayName, id } = yield* createProject()
    const hidden = (exchange: Exchange) =>
      Expect.that(
        [401, 403, 404].includes(exchange.response.status),
        `another organization's request answered ${exchange.response.status}`,
        exchange
      )
    yield* hidden(yield* api({ path: `/projects/${id}`, as: "secondary" }))
    const listed = yield* api({ path: "/projects", as: "secondary" })
    yield* Expect.ok(listed)
    yield* Expect.that(!(yield* arrayOf(listed)).some((p) => p["id"] === id), "another organization lists the project", listed)
    yield* hidden(yield* api({ method: "PATCH", path: `/projects/${id}`, json: { displayName: "taken" }, as: "secondary" }))
    yield* hidden(yield* api({ path: `/projects/${id}/datasets`, as: "secondary" }))
    yield* hidden(yield* api({ method: "DELETE", path: `/projects/${id}`, as: "secondary" }))
    const read = yield* api({ path: `/projects/${id}` })
    yield* Expect.status(read, 200)
    yield* Expect.equal((yield* Expect.object(read))["displayName"], displayName, "displayName", read)
  }), { requires: ["secondOrganization"] })
]

export const checks: ReadonlyArray<Check> = [...projects, ...cors, ...datasets, ...tokens, ...tags, ...tagUpdate, ...access]

/** Deletes every project of the run still there (named with its prefix). */
export const sweep = (as: Who) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const listed = yield* api({ path: "/projects", as })
    if (listed.response.status !== 200) return
    const mine = (yield* arrayOf(listed)).filter((p) => String(p["displayName"]).startsWith(h.prefix))
    for (const p of mine) yield* api({ method: "DELETE", path: `/projects/${String(p["id"])}`, as })
  })
