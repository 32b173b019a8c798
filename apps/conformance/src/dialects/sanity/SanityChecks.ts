/**
 * Sanity management Projects API checks, from seed 003 (the Projects API reference) and the notes
 * in providers/sanity.md (recorded traffic, official clients; their inferences go to `extended`).
 * Paths are relative to the API host (e.g. `https://api.sanity.io`); the version comes first.
 */
import * as Effect from "effect/Effect"
import { type Check, type Exchange, forDialect } from "../../Check.js"
import * as Expect from "../../Expect.js"
import { Harness, type RequestOptions, type Who } from "../../Harness.js"
import { token } from "../../internal/common.js"
import { cite } from "./SanitySources.js"

const SEED = "seeds/003_a94817e391f0b551.txt"
const NOTES = "providers/sanity.md"

/** Sanity's older Projects API page, which the notes' DOC facts come from. */
const PROJECTS_API = "https://www.sanity.io/docs/projects-api"

/** The fields the seed lists under each answer that is a project (the list, the create, the read). */
const PROJECT_FIELDS = "- idstring\n- displayNamestring\n- studioHoststring | null\n- organizationIdstring | null\n- metadataobject\n" +
  "Show child attributes\n- colorstring\n- isBlockedboolean\n- isDisabledboolean\n- activityFeedEnabledboolean\n" +
  "- createdAtstring (date-time)\n- membersarray"

/** The notes' project-scoped user, verbatim. */
const PROJECT_USER = "**User** (project-scoped): `{id, projectId, displayName, familyName|null, givenName|null, middleName|null, " +
  "imageUrl|null, createdAt, updatedAt, isCurrentUser, sanityUserId?, provider?}`"

/** The notes' row of `/users/{id}`, verbatim. */
const USER_LOOKUP = "`GET /users/{userId}` / `GET /users/me` / `GET /users/{id1},{id2}` | – | User / CurrentUser / `User \\| User[]`"

/** How a request names its project for `/users/{id}`, as the official client does. */
const PROJECT_NAMED = "@sanity/client configured with a projectId and useProjectHostname: false sends X-Sanity-Project-ID " +
  "(sanity-io/client src/http/requestOptions.ts), which names the project as the project host {projectId}.api.sanity.io " +
  "does; users.getById(id) then reads GET /users/{id} of that project"

/** The notes' row of a job's event stream, verbatim. */
const JOB_EVENTS = "`GET /jobs/{jobId}/listen` | – | SSE: `event: welcome data:{\"listener_id\":…}`, " +
  "`event: job data:{\"job_id\",\"state\",\"progress\"}`; CLI also handles `done`, `channel_error`"

/** How the CLI opens a job's event stream. */
const CLI_LISTENS = "the Sanity CLI follows a copy job with a bare `new EventSource(url)` on {client url}/jobs/{jobId}/listen " +
  "(sanity-io/cli services/datasets.ts, followCopyJobProgress), with no Authorization header"

/** Sanity's Jobs API page, which the notes' row of a job's event stream comes from. */
const JOBS_API = "https://www.sanity.io/docs/jobs-api"

const S = {
  authenticated: cite(NOTES, "401 missing/invalid token", {
    url: PROJECTS_API,
    note: "all requests must be authenticated (the seed); one without a valid token is a 401"
  }),
  roles: cite(SEED, "Managing projects requires the Administrator or Developer role, or equivalent."),
  list: cite(SEED, `A list of projects.\n${PROJECT_FIELDS}`),
  created: cite(SEED, `Project created successfully.\n${PROJECT_FIELDS}`),
  details: cite(SEED, `Project details.\n${PROJECT_FIELDS}`),
  partialPatch: cite(
    NOTES,
    "`PATCH /projects/{pid}` | partial `{displayName?, studioHost?, metadata?:{color?, externalStudioHost?, cliInitializedAt?, initialTemplate?}, isDisabledByUser?, activityFeedEnabled?}`",
    { url: PROJECTS_API }
  ),
  deleted: cite(SEED, "Project deleted successfully."),
  corsList: cite(SEED, "A list of CORS entries.\n- idinteger\n- originstring\n- allowCredentialsboolean\n- createdAtstring (date-time)"),
  corsDelete: cite(SEED, "Deletes a specific CORS origin for a project."),
  datasets: cite(SEED, "Returns a list of all datasets for the project."),
  dataset: cite(SEED, "Returns the details of a specific dataset by name."),
  aclDefault: cite(SEED, "The ACL mode to set for the new dataset. Defaults to public."),
  datasetUpdate: cite(SEED, "Updates a specific dataset in the project."),
  copy: cite(SEED, "Copies a dataset to a new dataset."),
  copyFields: cite(
    SEED,
    "- idstringExample:\n123456 - statestringExample:\npending - createdAtstring (date-time)Example:\n2021-01-01T00:00:00Z - " +
      "updatedAtstring (date-time)Example:\n2021-01-01T00:00:00Z - sourceDatasetstringExample:\nmy-dataset - targetDatasetstringExample:\nmy-dataset-copy"
  ),
  copyOffset: cite(SEED, "Start position in list."),
  copyLimit: cite(SEED, "Number of items to return."),
  copyState: cite(SEED, "Comma separated list of job states."),
  copyOrder: cite(NOTES, "limit default 10, max 1000 (OFF CLI help), newest first."),
  features: cite(SEED, "Returns a list of active features for the project."),
  permissions: cite(SEED, "Returns a list of permissions for the project."),
  tokenHidden: cite(SEED, "This endpoint does not reveal the actual token, only details about the token."),
  tokenDelete: cite(SEED, "Deletes a token for the project."),
  tagCreate: cite(SEED, "Datasets cannot be assigned at tag creation."),
  tagDelete: cite(SEED, "The tag must not be assigned to any datasets."),
  tagTitle: cite(SEED, "The title of the tag."),
  tagDescription: cite(SEED, "The description of the tag.", {
    note: "what a tag is created with comes back when the tags are listed (the list's shape is not documented)"
  }),
  embeddingsPut: cite(SEED, "Updates the settings for the embeddings index for a dataset."),
  createEmbeddings: cite(SEED, "The settings for the embeddings index for the dataset."),
  embeddingsStatus: cite(SEED, "The status of the embeddings index. (ready, updating, error)", {
    note: "both the GET and the PUT answer list enabled, projection and status"
  }),
  studioHost: cite(SEED, "Your studio hostname for deployment on Sanity's hosted service: https://"),
  externalStudioHost: cite(SEED, "The external studio hostname for deployment on a custom domain.", {
    note: "it is set under metadata, and read back there"
  }),
  activityFeed: cite(SEED, "- isDisabledByUserboolean\n- activityFeedEnabledboolean\nResponses\nProject updated successfully.", {
    note: "the update takes activityFeedEnabled, which every project answer lists"
  }),
  userFields: cite(
    SEED,
    "- idstring\n- sanityUserIdstring\n- projectIdstring\n- displayNamestring\n- familyNamestring\n- givenNamestring\n" +
      "- imageUrlstring\n- createdAtstring (date-time)\n- updatedAtstring (date-time)",
    { note: "familyName, givenName and imageUrl may be null for a user without them (Sanity's own client types them so)" }
  ),
  userMe: cite(SEED, "If authenticated with a user token, you can substitute \"me\" for the user ID."),
  versions: cite(NOTES, "accept any `v1`/`vX`/`vYYYY-MM-DD`"),
  statuses: cite(NOTES, "POST project/CORS/token and PUT dataset ⇒ 201; everything else 200; deletes return `{deleted:true}`"),
  boom: cite(NOTES, "Format (Boom style): `{\"statusCode\":401,\"error\":\"Unauthorized\",\"message\":\"Session not found\""),
  displayNameRequired: cite(NOTES, "`{displayName (req), organizationId?, metadata?, subscription?:{planId}}`", {
    url: PROJECTS_API,
    note: "a create without its required displayName is invalid input, a 400 (\"400 invalid input\" in the notes' errors)"
  }),
  patchAnswer: cite(NOTES, "`metadata.<key>: null` removes a key | 200 Project |"),
  listOptions: cite(NOTES, "`includeMembers=false`, `includeFeatures=false`, `organizationId=…`, `onlyExplicitMembership=true`"),
  datasetName: cite(NOTES, "1–64 chars, only `a-z 0-9 - _`, must **begin and end** with a lowercase letter or number.", {
    url: "https://www.sanity.io/docs/datasets"
  }),
  datasetItem: cite(
    NOTES,
    "**Dataset** (list item): `{\"name\":\"production\",\"aclMode\":\"public\",\"createdAt\":\"…\",\"createdByUserId\":\"ppU8ETCCO\",\"tags\":[]}` (REC)"
  ),
  datasetAnswer: cite(NOTES, "`DatasetResponse = {datasetName, aclMode}`"),
  corsAnswer: cite(NOTES, "`{origin (req), allowCredentials (bool; omittable)}` | **201** CorsOrigin"),
  tokenAnswer: cite(NOTES, "**201** `{id, key, roles:[{name,title}], label, projectUserId}` – `key` returned only once"),
  tokenItem: cite(
    NOTES,
    "**Token**: list item `{\"id\":\"sii0T92aURyS7K\",\"label\":\"acc test\",\"projectUserId\":\"pvnQhWn0k\",\"createdAt\":\"…\",\"roles\":[{\"name\":\"developer\",\"title\":\"Developer\"}]}` (REC)"
  ),
  nullDelete: cite(NOTES, "`metadata.<key>: null` removes a key"),
  defaultCors: cite(NOTES, "a CORS entry `http://localhost:3333` with `allowCredentials:true` exists at creation", {
    url: "https://www.sanity.io/docs/cors"
  }),
  corsRevive: cite(NOTES, "re-POSTing a previously deleted origin **revives the same id**"),
  projectUser: cite(NOTES, PROJECT_USER, {
    note: `${PROJECT_NAMED}: the user is the project's, answered with its projectId; "me" is still the caller; without the ` +
      "header the same id is still found"
  }),
  projectMembersOnly: cite(NOTES, PROJECT_USER, {
    note: `${PROJECT_NAMED}: the users are the project's members, so a user of the organization who is not one (a robot ` +
      "of another of its projects) is a 404 there, and found with its own project"
  }),
  projectUserList: cite(NOTES, USER_LOOKUP, {
    note: `${PROJECT_NAMED}: several comma-joined ids answer the list of those among the project's members, each a ` +
      "project-scoped User with its projectId"
  }),
  projectUnknown: cite(NOTES, PROJECT_USER, {
    note: `${PROJECT_NAMED}: a project that does not exist is a 404, for an id and for "me" alike; INF (the reference ` +
      "server; the notes have no message text for a 404): its message is \"Project not found\""
  }),
  projectHidden: cite(NOTES, PROJECT_USER, {
    note: `${PROJECT_NAMED}: another organization's project is as if it did not exist — a 404 "Project not found" (INF), ` +
      "like an unknown one"
  }),
  jobEvents: cite(NOTES, JOB_EVENTS, {
    url: JOBS_API,
    note: `${CLI_LISTENS}: an existing job's stream answers 200 text/event-stream without a token, its first event welcome`
  }),
  jobEventsUnknown: cite(NOTES, JOB_EVENTS, {
    url: JOBS_API,
    note: `${CLI_LISTENS}; INF (the reference server): an unknown job is a 404 in Sanity's error body, token or not`
  }),
  jobEventsToken: cite(NOTES, JOB_EVENTS, {
    url: JOBS_API,
    note: `${CLI_LISTENS}; INF (the reference server): a token, when one is sent, is still checked — an invalid one is a ` +
      "401 — and the caller's own token opens the stream"
  }),
  jobEventsIsolated: cite(NOTES, JOB_EVENTS, {
    url: JOBS_API,
    note: `${CLI_LISTENS}; INF (the reference server): a token, when sent, confines the job to its organization — to ` +
      "another organization's token the job is a 404, like an unknown one"
  })
}

const check = forDialect("sanity")

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/** The API version requests are made under unless `--sanity-api-version` says otherwise. */
export const apiVersion = "v2021-06-07"

/** A request under the configured API version (`/v2021-06-07/...`). */
const api = (options: RequestOptions) =>
  Effect.flatMap(Harness, (h) => h.request({ ...options, path: `/${h.options["apiVersion"] ?? apiVersion}${options.path}` }))

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

/** The fields the seed lists for a project, in every answer that is one. */
const projectFields: Expect.Shape = {
  id: "string",
  displayName: "string",
  studioHost: Expect.nullable("string"),
  organizationId: Expect.nullable("string"),
  metadata: "object",
  isBlocked: "boolean",
  isDisabled: "boolean",
  activityFeedEnabled: "boolean",
  createdAt: "date-time",
  members: "array"
}

const corsFields: Expect.Shape = { id: "integer", origin: "string", allowCredentials: "boolean", createdAt: "date-time" }

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
  check("SAN-PROJ-001", "Creating a project answers it with every documented field", S.created, Effect.gen(function*() {
    const { displayName, exchange, project } = yield* createProject({ metadata: { color: "#123456" } })
    yield* Expect.fields(project, projectFields, "the create answer", exchange)
    yield* Expect.values(project, { displayName, metadata: { color: "#123456" } }, "the create answer", exchange)
  }), { asserts: "fields" }),
  check("SAN-PROJ-002", "A project is read back with the documented fields", S.details, Effect.gen(function*() {
    const { displayName, id } = yield* createProject({ metadata: { color: "#112233" } })
    const read = yield* api({ path: `/projects/${id}` })
    yield* Expect.status(read, 200)
    const body = yield* Expect.object(read)
    yield* Expect.equal(body["id"], id, "id", read)
    yield* Expect.equal(body["displayName"], displayName, "displayName", read)
    yield* Expect.fields(body, projectFields, "the GET answer", read)
    yield* Expect.equal((body["metadata"] as Record<string, unknown>)["color"], "#112233", "metadata.color", read)
  }), { asserts: "fields" }),
  check("SAN-PROJ-003", "A created project is in the list of projects, with every documented field", S.list, Effect.gen(function*() {
    const { displayName, id } = yield* createProject()
    const listed = yield* api({ path: "/projects" })
    yield* Expect.status(listed, 200)
    const item = (yield* arrayOf(listed)).find((p) => p["id"] === id)
    if (item === undefined) return yield* Expect.fail("the new project is not listed", listed)
    yield* Expect.fields(item, projectFields, "the list item", listed)
    yield* Expect.values(item, { displayName }, "the list item", listed)
  }), { asserts: "fields" }),
  check("SAN-PROJ-004", "PATCH changes what it is sent and keeps the rest", S.partialPatch, Effect.gen(function*() {
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
  check("SAN-PROJ-006", "A project without a displayName is refused with 400", S.displayNameRequired, Effect.gen(function*() {
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
  check("SAN-PROJ-007", "Creates answer 201 and deletes {deleted: true}", S.statuses, Effect.gen(function*() {
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
    yield* Expect.fields(entry, corsFields, "the listed entry", listed)
    yield* Expect.values(entry, { origin, allowCredentials: false }, "the listed entry", listed)
  }), { asserts: "fields" }),
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
  check("SAN-DS-008", "A dataset's copy jobs are listed newest first", S.copyOrder, Effect.gen(function*() {
    const { id, jobs, name } = yield* copyJobs(2)
    const listed = yield* api({ path: `/projects/${id}/datasets/${name}/copy` })
    yield* Expect.status(listed, 200)
    const ids = (yield* arrayOf(listed)).map((j) => j["id"])
    yield* Expect.equal(ids.filter((j) => jobs.includes(String(j))), [jobs[1], jobs[0]], "the copy jobs, newest first", listed)
  }), { profile: "extended", asserts: "fields" }),
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

/** A project's dataset with `count` copy jobs, oldest first; skipped where copying is not on the plan. */
const copyJobs = (count: number) =>
  Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id)
    const jobs: Array<string> = []
    const targets: Array<string> = []
    for (let i = 0; i < count; i++) {
      const target = datasetName()
      const started = yield* api({ method: "PUT", path: `/projects/${id}/datasets/${name}/copy`, json: { targetDataset: target } })
      if (started.response.status === 402 || started.response.status === 403) {
        return yield* Expect.skip("copying datasets is a Business/Enterprise feature this project does not have")
      }
      yield* Expect.ok(started)
      jobs.push(yield* Expect.string(started, "jobId"))
      targets.push(target)
    }
    return { id, name, jobs, targets }
  })

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

// ---------------------------------------------------------------------------------------------
// Every documented field and request option
// ---------------------------------------------------------------------------------------------

/** Creates a project, PATCHes it with `patch`, and answers the PATCH and a read after it. */
const patched = (patch: Record<string, unknown>) =>
  Effect.gen(function*() {
    const { id } = yield* createProject()
    const update = yield* api({ method: "PATCH", path: `/projects/${id}`, json: patch })
    yield* Expect.status(update, 200)
    const read = yield* api({ path: `/projects/${id}` })
    yield* Expect.status(read, 200)
    return { id, update, read, project: yield* Expect.object(read) }
  })

const documented: ReadonlyArray<Check> = [
  check("SAN-PROJ-010", "A PATCH answers the updated project, with every documented field", S.patchAnswer, Effect.gen(function*() {
    const h = yield* Harness
    const displayName = h.unique("patched")
    const { update } = yield* patched({ displayName })
    yield* Expect.fields(update.response.json, projectFields, "the PATCH answer", update)
    yield* Expect.values(update.response.json, { displayName }, "the PATCH answer", update)
  }), { profile: "extended", asserts: "fields" }),
  check("SAN-PROJ-011", "studioHost set by PATCH is the project's studioHost", S.studioHost, Effect.gen(function*() {
    const studioHost = `pkc-${token()}`
    const { project, read } = yield* patched({ studioHost })
    yield* Expect.values(project, { studioHost }, "the project after the PATCH", read)
  }), { asserts: "option" }),
  check("SAN-PROJ-012", "activityFeedEnabled set by PATCH is the project's activityFeedEnabled", S.activityFeed, Effect.gen(function*() {
    const { project, read } = yield* patched({ activityFeedEnabled: false })
    yield* Expect.values(project, { activityFeedEnabled: false }, "the project after the PATCH", read)
  }), { asserts: "option" }),
  check("SAN-PROJ-013", "metadata.externalStudioHost set by PATCH is kept in the project's metadata", S.externalStudioHost, Effect.gen(function*() {
    const externalStudioHost = `https://${token()}.example.com`
    const { project, read } = yield* patched({ metadata: { color: "#654321", externalStudioHost } })
    yield* Expect.values(project, { metadata: { color: "#654321", externalStudioHost } }, "the project after the PATCH", read)
  }), { profile: "extended", asserts: "option" }),
  check("SAN-PROJ-014", "GET /projects?includeMembers=false leaves the members out", S.listOptions, Effect.gen(function*() {
    const { id } = yield* createProject()
    const without = yield* api({ path: "/projects", query: { includeMembers: "false" } })
    yield* Expect.status(without, 200)
    const item = (yield* arrayOf(without)).find((p) => p["id"] === id)
    if (item === undefined) return yield* Expect.fail("the new project is not listed", without)
    yield* Expect.that(!("members" in item), "the project is listed with its members despite includeMembers=false", without)
  }), { profile: "extended", asserts: "option" }),
  check("SAN-CORS-004", "Adding a CORS origin answers the entry with its documented fields", S.corsAnswer, Effect.gen(function*() {
    const { id } = yield* createProject()
    const origin = `https://${token()}.example.com`
    const added = yield* api({ method: "POST", path: `/projects/${id}/cors`, json: { origin, allowCredentials: true } })
    yield* Expect.status(added, 201)
    yield* Expect.fields(added.response.json, corsFields, "the POST answer", added)
    yield* Expect.values(added.response.json, { origin, allowCredentials: true }, "the POST answer", added)
  }), { profile: "extended", asserts: "fields" }),
  check("SAN-DS-009", "An aclMode given at creation is the dataset's", S.aclDefault, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { exchange, name } = yield* createDataset(id, { aclMode: "private" })
    yield* Expect.values(exchange.response.json, { aclMode: "private" }, "the create answer", exchange)
    const listed = yield* api({ path: `/projects/${id}/datasets` })
    yield* Expect.status(listed, 200)
    const dataset = (yield* arrayOf(listed)).find((d) => d["name"] === name)
    yield* Expect.equal(dataset?.["aclMode"], "private", "aclMode listed", listed)
  }), { asserts: "option" }),
  check("SAN-DS-010", "limit bounds the copy jobs listed", S.copyLimit, Effect.gen(function*() {
    const { id, name } = yield* copyJobs(2)
    const one = yield* api({ path: `/projects/${id}/datasets/${name}/copy`, query: { limit: 1 } })
    yield* Expect.status(one, 200)
    yield* Expect.equal((yield* arrayOf(one)).length, 1, "jobs listed with limit=1", one)
  }), { asserts: "option" }),
  check("SAN-DS-011", "offset skips the first copy jobs", S.copyOffset, Effect.gen(function*() {
    const { id, name } = yield* copyJobs(2)
    const all = yield* api({ path: `/projects/${id}/datasets/${name}/copy` })
    yield* Expect.status(all, 200)
    const skipped = yield* api({ path: `/projects/${id}/datasets/${name}/copy`, query: { offset: 1 } })
    yield* Expect.status(skipped, 200)
    const ids = (yield* arrayOf(all)).map((j) => j["id"])
    yield* Expect.equal((yield* arrayOf(skipped)).map((j) => j["id"]), ids.slice(1), "the jobs listed with offset=1", skipped)
  }), { asserts: "option" }),
  check("SAN-DS-012", "state filters the copy jobs by a comma-separated list of states", S.copyState, Effect.gen(function*() {
    const { id, jobs, name } = yield* copyJobs(1)
    // No job of a new copy is terminated: none listed for it, and only terminated ones at all.
    const terminated = yield* api({ path: `/projects/${id}/datasets/${name}/copy`, query: { state: "terminated" } })
    yield* Expect.status(terminated, 200)
    const listed = yield* arrayOf(terminated)
    yield* Expect.that(listed.every((j) => j["state"] === "terminated"), "a job of another state is listed for state=terminated", terminated)
    // Every state the notes know of (pending, running, completed, terminating, terminated, failed), comma-separated.
    const any = yield* api({
      path: `/projects/${id}/datasets/${name}/copy`,
      query: { state: "pending,running,completed,failed,terminating,terminated" }
    })
    yield* Expect.status(any, 200)
    yield* Expect.that((yield* arrayOf(any)).some((j) => j["id"] === jobs[0]), "the job is not listed for a list of every state", any)
  }), { asserts: "option" }),
  check("SAN-DS-013", "A copy job is listed with its documented fields", S.copyFields, Effect.gen(function*() {
    const { id, jobs, name, targets } = yield* copyJobs(1)
    const listed = yield* api({ path: `/projects/${id}/datasets/${name}/copy` })
    yield* Expect.status(listed, 200)
    const job = (yield* arrayOf(listed)).find((j) => j["id"] === jobs[0])
    if (job === undefined) return yield* Expect.fail("the copy job is not listed", listed)
    yield* Expect.fields(job, {
      id: "string",
      state: "string",
      createdAt: "date-time",
      updatedAt: "date-time",
      sourceDataset: "string",
      targetDataset: "string"
    }, "the listed job", listed)
    yield* Expect.values(job, { sourceDataset: name, targetDataset: targets[0] }, "the listed job", listed)
  }), { asserts: "fields" }),
  check("SAN-DS-014", "A listed dataset has its name, aclMode, createdAt, createdByUserId and tags", S.datasetItem, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id)
    const listed = yield* api({ path: `/projects/${id}/datasets` })
    yield* Expect.status(listed, 200)
    const dataset = (yield* arrayOf(listed)).find((d) => d["name"] === name)
    if (dataset === undefined) return yield* Expect.fail("the dataset is not listed", listed)
    yield* Expect.fields(dataset, {
      name: "string",
      aclMode: ["public", "private", "custom"],
      createdAt: "date-time",
      createdByUserId: "string",
      tags: "array"
    }, "the listed dataset", listed)
  }), { profile: "extended", asserts: "fields" }),
  check("SAN-DS-015", "Creating and updating a dataset answer {datasetName, aclMode}", S.datasetAnswer, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { exchange, name } = yield* createDataset(id)
    yield* Expect.values(exchange.response.json, { datasetName: name, aclMode: "public" }, "the create answer", exchange)
    const update = yield* api({ method: "PATCH", path: `/projects/${id}/datasets/${name}`, json: { aclMode: "private" } })
    yield* Expect.status(update, 200)
    yield* Expect.values(update.response.json, { datasetName: name, aclMode: "private" }, "the PATCH answer", update)
  }), { profile: "extended", asserts: "fields" }),
  check("SAN-EMB-003", "Embeddings answers, PUT and GET, have enabled, projection and a status of ready, updating or error", S.embeddingsStatus, Effect.gen(function*() {
    const { id } = yield* createProject()
    const { name } = yield* createDataset(id)
    const path = `/projects/${id}/datasets/${name}/settings/embeddings`
    const put = yield* api({ method: "PUT", path, json: { enabled: true, projection: "{title}" } })
    yield* Expect.status(put, 200)
    const read = yield* api({ path })
    yield* Expect.status(read, 200)
    const shape: Expect.Shape = { enabled: "boolean", projection: "string", status: ["ready", "updating", "error"] }
    yield* Expect.fields(put.response.json, shape, "the PUT answer", put)
    yield* Expect.values(put.response.json, { enabled: true, projection: "{title}" }, "the PUT answer", put)
    yield* Expect.fields(read.response.json, shape, "the GET answer", read)
  }), { asserts: "fields" }),
  check("SAN-USER-002", "A project user has every documented field", S.userFields, Effect.gen(function*() {
    const { id } = yield* createProject()
    const read = yield* api({ path: `/projects/${id}/users/me` })
    yield* Expect.status(read, 200)
    yield* Expect.fields(read.response.json, {
      id: "string",
      sanityUserId: "string",
      projectId: "string",
      displayName: "string",
      familyName: Expect.nullable("string"),
      givenName: Expect.nullable("string"),
      imageUrl: Expect.nullable("string"),
      createdAt: "date-time",
      updatedAt: "date-time"
    }, "the user", read)
    yield* Expect.values(read.response.json, { projectId: id }, "the user", read)
  }), { asserts: "fields" }),
  check("SAN-TOK-004", "Creating a token answers its id, key, label, roles and projectUserId", S.tokenAnswer, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* createProject()
    const label = h.unique("token-fields")
    const created = yield* api({ method: "POST", path: `/projects/${id}/tokens`, json: { label, roleName: "viewer" } })
    yield* Expect.status(created, 201)
    const key = yield* Expect.string(created, "key")
    yield* h.secret(key)
    yield* Expect.fields(created.response.json, { id: "string", key: "string", label: "string", roles: "array", projectUserId: "string" }, "the create answer", created)
    yield* Expect.values(created.response.json, { label }, "the create answer", created)
    const roles = (created.response.json as Record<string, unknown>)["roles"] as ReadonlyArray<unknown>
    yield* Expect.that(roles.some((r) => Expect.isRecord(r) && r["name"] === "viewer"), "the token's roles do not name viewer", created)
  }), { profile: "extended", asserts: "fields" }),
  check("SAN-TOK-005", "A listed token has its id, label, projectUserId, createdAt and roles", S.tokenItem, Effect.gen(function*() {
    const h = yield* Harness
    const { id } = yield* createProject()
    const { tokenId } = yield* createToken(id, "viewer")
    const listed = yield* api({ path: `/projects/${id}/tokens` })
    yield* Expect.status(listed, 200)
    const item = (yield* arrayOf(listed)).find((t) => t["id"] === tokenId)
    if (item === undefined) return yield* Expect.fail("the token is not listed", listed)
    yield* Expect.fields(item, { id: "string", label: "string", projectUserId: "string", createdAt: "date-time", roles: "array" }, "the listed token", listed)
    yield* Expect.that(item["label"] !== undefined && String(item["label"]).startsWith(h.prefix), "the listed token has another label", listed)
  }), { profile: "extended", asserts: "fields" }),
  check("SAN-TAG-004", "A tag's description and metadata are kept", S.tagDescription, Effect.gen(function*() {
    const { id } = yield* createProject()
    const tag = `tag-${token()}`
    const description = `described ${token()}`
    yield* Expect.ok(yield* api({ method: "POST", path: `/projects/${id}/tags`, json: { name: tag, title: "Described", description, metadata: { color: "blue" } } }))
    const listed = yield* api({ path: `/projects/${id}/tags` })
    yield* Expect.status(listed, 200)
    const found = (yield* arrayOf(listed)).find((t) => t["name"] === tag)
    yield* Expect.values(found, { title: "Described", description, metadata: { color: "blue" } }, "the listed tag", listed)
  }), { profile: "extended", asserts: "option" })
]

// ---------------------------------------------------------------------------------------------
// Users of a project named by X-Sanity-Project-ID (as @sanity/client's users.getById sends it)
// ---------------------------------------------------------------------------------------------

/** `GET /users/{ids}`, naming a project by `X-Sanity-Project-ID` when given one. */
const users = (ids: string, projectId?: string, as: Who = "primary") =>
  api({ path: `/users/${ids}`, as, ...(projectId === undefined ? {} : { headers: { "x-sanity-project-id": projectId } }) })

/** The caller's id, as the member of a new project marked isCurrentUser. */
const currentMember = (project: Record<string, unknown>, exchange: Exchange) => {
  const members = project["members"]
  const me = Array.isArray(members) ? members.filter(Expect.isRecord).find((m) => m["isCurrentUser"] === true) : undefined
  return me !== undefined && typeof me["id"] === "string"
    ? Effect.succeed(me["id"])
    : Expect.fail("the new project has no member marked isCurrentUser", exchange)
}

/** A robot of the project: the projectUserId of a new token of it. */
const robotOf = (projectId: string) =>
  Effect.flatMap(createToken(projectId, "viewer"), ({ created }) => Expect.string(created, "projectUserId"))

/** The notes' project-scoped user. */
const projectUserFields: Expect.Shape = {
  id: "string",
  projectId: "string",
  displayName: "string",
  familyName: Expect.nullable("string"),
  givenName: Expect.nullable("string"),
  middleName: Expect.nullable("string"),
  imageUrl: Expect.nullable("string"),
  createdAt: "date-time",
  updatedAt: "date-time",
  isCurrentUser: "boolean"
}

/** A 404 whose message says the project was not found. */
const projectNotFound = (exchange: Exchange) =>
  Effect.gen(function*() {
    yield* Expect.status(exchange, 404)
    yield* boom(exchange)
    yield* Expect.equal((yield* Expect.object(exchange))["message"], "Project not found", "the 404's message", exchange)
  })

const projectUsers: ReadonlyArray<Check> = [
  check("SAN-USER-003", "With X-Sanity-Project-ID, /users/{id} answers the project's user with its projectId; \"me\" is still the caller", S.projectUser, Effect.gen(function*() {
    const { exchange, id, project } = yield* createProject()
    const me = yield* currentMember(project, exchange)
    const read = yield* users(me, id)
    yield* Expect.status(read, 200)
    yield* Expect.fields(read.response.json, projectUserFields, "the project's user", read)
    yield* Expect.values(read.response.json, { id: me, projectId: id }, "the project's user", read)
    const viaMe = yield* users("me", id)
    yield* Expect.status(viaMe, 200)
    yield* Expect.equal((yield* Expect.object(viaMe))["id"], me, "the id of \"me\" with X-Sanity-Project-ID", viaMe)
    const global = yield* users(me)
    yield* Expect.status(global, 200)
    yield* Expect.equal((yield* Expect.object(global))["id"], me, "the user's id without X-Sanity-Project-ID", global)
  }), { profile: "extended", asserts: "option" }),
  check("SAN-USER-004", "With X-Sanity-Project-ID, a user who is not the project's member is a 404", S.projectMembersOnly, Effect.gen(function*() {
    const first = yield* createProject()
    const second = yield* createProject()
    const robot = yield* robotOf(second.id)
    const outside = yield* users(robot, first.id)
    yield* Expect.status(outside, 404)
    yield* boom(outside)
    const inside = yield* users(robot, second.id)
    yield* Expect.status(inside, 200)
    yield* Expect.values(inside.response.json, { id: robot, projectId: second.id }, "the user in its own project", inside)
  }), { profile: "extended" }),
  check("SAN-USER-005", "With X-Sanity-Project-ID, comma-joined ids answer the project's users among them, each with its projectId", S.projectUserList, Effect.gen(function*() {
    const { exchange, id, project } = yield* createProject()
    const me = yield* currentMember(project, exchange)
    const robot = yield* robotOf(id)
    const other = yield* createProject()
    const outsider = yield* robotOf(other.id)
    const listed = yield* users(`${me},${robot},${outsider}`, id)
    yield* Expect.status(listed, 200)
    const found = yield* arrayOf(listed)
    yield* Expect.equal(found.map((u) => String(u["id"])).sort(), [me, robot].sort(), "the ids listed (the project's members)", listed)
    for (const user of found) {
      yield* Expect.fields(user, projectUserFields, "a listed user", listed)
      yield* Expect.values(user, { projectId: id }, "a listed user", listed)
    }
  }), { profile: "extended", asserts: "option" }),
  check("SAN-USER-006", "With X-Sanity-Project-ID naming an unknown project, /users/{id} is a 404 \"Project not found\"", S.projectUnknown, Effect.gen(function*() {
    const { exchange, project } = yield* createProject()
    const me = yield* currentMember(project, exchange)
    const unknown = `pkc${token()}`
    yield* projectNotFound(yield* users(me, unknown))
    yield* projectNotFound(yield* users("me", unknown))
  }), { profile: "extended" }),
  check("SAN-USER-007", "With X-Sanity-Project-ID naming another organization's project, /users/{id} is a 404 \"Project not found\"", S.projectHidden, Effect.gen(function*() {
    const { exchange, project } = yield* createProject()
    const me = yield* currentMember(project, exchange)
    const theirs = yield* createProject({}, "secondary")
    const theirMember = yield* currentMember(theirs.project, theirs.exchange)
    yield* projectNotFound(yield* users(me, theirs.id))
    yield* projectNotFound(yield* users(theirMember, theirs.id))
  }), { profile: "extended", requires: ["secondOrganization"] })
]

// ---------------------------------------------------------------------------------------------
// A copy job's event stream, which the CLI opens without a token
// ---------------------------------------------------------------------------------------------

/** `GET /jobs/{jobId}/listen` as an EventSource opens it, read up to its first event. */
const listen = (jobId: string, as: Who, headers: Readonly<Record<string, string>> = {}) =>
  api({ path: `/jobs/${jobId}/listen`, as, untilFirstEvent: true, headers: { accept: "text/event-stream", ...headers } })

/** The answer is an open event stream. */
const eventStream = (exchange: Exchange) =>
  Effect.gen(function*() {
    yield* Expect.status(exchange, 200)
    const contentType = exchange.response.headers["content-type"] ?? ""
    yield* Expect.that(contentType.startsWith("text/event-stream"), `the stream's content-type is "${contentType}", expected text/event-stream`, exchange)
  })

const jobEvents: ReadonlyArray<Check> = [
  check("SAN-JOB-001", "A copy job's event stream opens without a token, as text/event-stream starting with welcome", S.jobEvents, Effect.gen(function*() {
    const { jobs } = yield* copyJobs(1)
    const opened = yield* listen(jobs[0]!, "anonymous")
    yield* eventStream(opened)
    yield* Expect.that(/^event: ?welcome\r?$/m.test(opened.response.body.split(/\r?\n\r?\n/)[0] ?? ""), "the first event is not welcome", opened)
  }), { profile: "extended" }),
  check("SAN-JOB-002", "An unknown job's event stream is a 404 in Sanity's error body", S.jobEventsUnknown, Effect.gen(function*() {
    const unknown = `jobId-${token()}${token()}`
    const anonymous = yield* listen(unknown, "anonymous")
    yield* Expect.status(anonymous, 404)
    yield* boom(anonymous)
    const withToken = yield* listen(unknown, "primary")
    yield* Expect.status(withToken, 404)
    yield* boom(withToken)
  }), { profile: "extended" }),
  check("SAN-JOB-003", "A token sent to a job's event stream is checked: an invalid one is a 401, the caller's own opens it", S.jobEventsToken, Effect.gen(function*() {
    const { jobs } = yield* copyJobs(1)
    const invalid = yield* listen(jobs[0]!, "anonymous", { authorization: `Bearer invalid-${token()}` })
    yield* Expect.status(invalid, 401)
    yield* boom(invalid)
    yield* eventStream(yield* listen(jobs[0]!, "primary"))
  }), { profile: "extended" }),
  check("SAN-JOB-004", "Another organization's token cannot follow a job's events (404)", S.jobEventsIsolated, Effect.gen(function*() {
    const { jobs } = yield* copyJobs(1)
    const foreign = yield* listen(jobs[0]!, "secondary")
    yield* Expect.status(foreign, 404)
    yield* boom(foreign)
  }), { profile: "extended", requires: ["secondOrganization"] })
]

/** What the Sanity CLI's management commands reach (issue 26), from the notes' rows of them. */
const CLI_SOURCES = "sanity-io/cli packages/@sanity/cli/src/services"

const cliRoutes: ReadonlyArray<Check> = [
  check(
    "SAN-ALIAS-001",
    "A dataset alias is created, linked, unlinked and deleted on the project host",
    cite(NOTES, "Aliases: `GET /aliases`, `PUT /aliases/{name}` `{datasetName?}`, `PATCH /aliases/{name}` `{datasetName}`, " +
      "`PATCH /aliases/{name}/unlink` `{}`, `DELETE /aliases/{name}` → `{deleted}`", {
      note: `${CLI_SOURCES}/datasetAliases.ts: the CLI lists aliases as {name, datasetName} and prints the unlinked dataset from the unlink answer's datasetName`
    }),
    Effect.gen(function*() {
      const h = yield* Harness
      const { id } = yield* createProject()
      const { name } = yield* createDataset(id)
      const alias = `a${token()}`
      const here = (method: string, path: string, json?: unknown) =>
        h.request({ method, path: `/v2025-09-16${path}`, headers: { "x-sanity-project-id": id }, ...(json === undefined ? {} : { json }) })
      yield* Expect.ok(yield* here("PUT", `/aliases/${alias}`, { datasetName: name }))
      const listed = yield* here("GET", "/aliases")
      yield* Expect.status(listed, 200)
      const found = (yield* arrayOf(listed)).find((a) => a["name"] === alias)
      yield* Expect.equal(found?.["datasetName"], name, "the alias's datasetName", listed)
      const unlinked = yield* here("PATCH", `/aliases/${alias}/unlink`, {})
      yield* Expect.status(unlinked, 200)
      yield* Expect.equal((yield* Expect.object(unlinked))["datasetName"], name, "the dataset the alias was unlinked from", unlinked)
      const deleted = yield* here("DELETE", `/aliases/${alias}`)
      yield* Expect.status(deleted, 200)
      yield* Expect.equal((yield* Expect.object(deleted))["deleted"], true, "deleted", deleted)
      const after = yield* here("GET", "/aliases")
      yield* Expect.that(!(yield* arrayOf(after)).some((a) => a["name"] === alias), "the deleted alias is still listed", after)
    }),
    { profile: "extended" }
  ),
  check(
    "SAN-ACCESS-001",
    "The Access API creates a project's robot with its token once, and lists robots as {data, nextCursor}",
    cite(NOTES, "Cursor: Access API lists return `{data, nextCursor}`; pass `?nextCursor=<cursor>` until `null` (OFF `services/tokens.ts`).", {
      note: `${CLI_SOURCES}/tokens.ts: a created robot (201) carries its secret token; the list shows the robot without it`
    }),
    Effect.gen(function*() {
      const h = yield* Harness
      const { id } = yield* createProject()
      const label = h.unique("robot")
      const created = yield* h.request({
        method: "POST",
        path: `/v2025-07-11/access/project/${id}/robots`,
        json: { label, memberships: [{ resourceType: "project", resourceId: id, roleNames: ["viewer"] }] }
      })
      yield* Expect.status(created, 201)
      yield* Expect.string(created, "token")
      const robotId = yield* Expect.string(created, "id")
      const listed = yield* h.request({ path: `/v2025-07-11/access/project/${id}/robots` })
      yield* Expect.status(listed, 200)
      const page = yield* Expect.object(listed)
      yield* Expect.that(Array.isArray(page["data"]), "the page has no data list", listed)
      yield* Expect.that(page["nextCursor"] === null || typeof page["nextCursor"] === "string", "nextCursor is not a string or null", listed)
      const robot = (page["data"] as ReadonlyArray<unknown>).filter(Expect.isRecord).find((r) => r["id"] === robotId)
      yield* Expect.that(robot !== undefined, "the created robot is not listed", listed)
      yield* Expect.that(robot?.["token"] === undefined, "the list shows the robot's token", listed)
      yield* Expect.status(yield* h.request({ method: "DELETE", path: `/v2025-07-11/access/project/${id}/robots/${robotId}` }), 200)
    }),
    { profile: "extended" }
  ),
  check(
    "SAN-ROLES-001",
    "A project's roles are listed, the documented role names among them",
    cite(NOTES, "Role names seen: `administrator`, `developer`, `editor`, `contributor`, `viewer`, `deploy-studio` (token only)", {
      note: `${CLI_SOURCES}/projects.ts: GET /projects/{id}/roles lists them, each with appliesToUsers and appliesToRobots (the CLI filters by them)`
    }),
    Effect.gen(function*() {
      const h = yield* Harness
      const { id } = yield* createProject()
      const listed = yield* h.request({ path: `/v2025-09-22/projects/${id}/roles` })
      yield* Expect.status(listed, 200)
      const roles = yield* arrayOf(listed)
      for (const name of ["administrator", "editor", "viewer"]) {
        const role = roles.find((r) => r["name"] === name)
        yield* Expect.that(role !== undefined, `the role ${name} is not listed`, listed)
        yield* Expect.that(typeof role?.["appliesToUsers"] === "boolean", `${name}'s appliesToUsers is not a boolean`, listed)
        yield* Expect.that(typeof role?.["appliesToRobots"] === "boolean", `${name}'s appliesToRobots is not a boolean`, listed)
      }
    }),
    { profile: "extended" }
  )
]

/**
 * Backups (OFF CLI `backups list|download`): the list, a backup's files a page at a time, and the
 * files themselves fetched with no token. A plan without backups refuses turning them on (then
 * nothing more is asked); the real service takes backups daily, so a new dataset may list none yet.
 */
const backups: ReadonlyArray<Check> = [
  check(
    "SAN-BACKUP-001",
    "A dataset's backups are listed as {backups}, each backup's files as {totalFiles, files, nextCursor}, and a file is fetched with no token",
    cite(NOTES, "Services: `services/datasets.ts`", {
      note: `${CLI_SOURCES}/backup.ts and actions/backup/fetchNextBackupPage.ts, downloadStream.ts: the CLI pages a backup's files by nextCursor and downloads each file's url without its token`
    }),
    Effect.gen(function*() {
      const h = yield* Harness
      const { id } = yield* createProject()
      const { name } = yield* createDataset(id)
      const base = `/v2025-08-29/projects/${id}/datasets/${name}`
      // A document in the dataset (a deployed schema is one), so that a backup has a file to fetch.
      yield* Expect.ok(yield* h.request({
        method: "PUT",
        path: `/v2025-03-01/projects/${id}/datasets/${name}/schemas`,
        json: { schemas: [{ workspace: { name: "default" }, schema: [{ name: "post", type: "document" }] }] }
      }))
      const enabled = yield* h.request({ method: "PUT", path: `${base}/settings/backups`, json: { enabled: true } })
      if (enabled.response.status === 402 || enabled.response.status === 403) return
      yield* Expect.status(enabled, 200)
      const listed = yield* h.request({ path: `${base}/backups` })
      yield* Expect.status(listed, 200)
      const list = (yield* Expect.object(listed))["backups"]
      yield* Expect.that(Array.isArray(list), "the answer has no backups list", listed)
      const backupsListed = (list as ReadonlyArray<unknown>).filter(Expect.isRecord)
      for (const backup of backupsListed) {
        yield* Expect.that(typeof backup["id"] === "string" && typeof backup["createdAt"] === "string", "a backup without id or createdAt", listed)
      }
      const first = backupsListed[0]
      if (first === undefined) return
      const details = yield* h.request({ path: `${base}/backups/${String(first["id"])}` })
      yield* Expect.status(details, 200)
      const page = yield* Expect.object(details)
      yield* Expect.that(typeof page["totalFiles"] === "number", "totalFiles is not a number", details)
      yield* Expect.that(Array.isArray(page["files"]), "the backup has no files list", details)
      yield* Expect.that(page["nextCursor"] === null || typeof page["nextCursor"] === "string", "nextCursor is not a string or null", details)
      const files = (page["files"] as ReadonlyArray<unknown>).filter(Expect.isRecord)
      for (const file of files) {
        yield* Expect.that(
          ["document", "file", "image"].includes(String(file["type"])) && typeof file["url"] === "string",
          "a file without a known type or a url",
          details
        )
      }
      const document = files.find((file) => file["type"] === "document")
      if (document === undefined) return
      const fetched = yield* h.request({ url: String(document["url"]), path: "", as: "anonymous" })
      yield* Expect.status(fetched, 200)
      yield* Expect.object(fetched)
    }),
    { profile: "extended" }
  )
]

export const checks: ReadonlyArray<Check> = [
  ...projects,
  ...cors,
  ...datasets,
  ...tokens,
  ...tags,
  ...tagUpdate,
  ...access,
  ...documented,
  ...projectUsers,
  ...jobEvents,
  ...cliRoutes,
  ...backups
]

/** Deletes every project of the run still there (named with its prefix). */
export const sweep = (as: Who) =>
  Effect.gen(function*() {
    const h = yield* Harness
    const listed = yield* api({ path: "/projects", as })
    if (listed.response.status !== 200) return
    const mine = (yield* arrayOf(listed)).filter((p) => String(p["displayName"]).startsWith(h.prefix))
    for (const p of mine) yield* api({ method: "DELETE", path: `/projects/${String(p["id"])}`, as })
  })
