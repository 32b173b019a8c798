/**
 * The management routes `@sanity/client` has no method for, reached as Sanity's own tools reach
 * them: `client.request({uri, method, body, query})` — on the global API (`useGlobalApi: true`, no
 * project header; the CLI's `cors` and old `tokens` commands) or the project host (the client names
 * the project by `X-Sanity-Project-ID`; the CLI's dataset copy, features). CORS origins, tokens,
 * tags, features, permissions, dataset copy with its jobs, and embeddings settings, each answered
 * as the documents (../../../../shared/providers/sanity.md, the Projects API reference) say. Each
 * scenario runs with @sanity/client 7.28 and 8.15, as in officialClient.test.ts.
 */
import { describe, expect, layer } from "@effect/vitest"
import type { Vitest } from "@effect/vitest"
import type { SanityClient } from "@sanity/client"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import * as OfficialClientProcess from "../support/OfficialClientProcess.js"
import type { OfficialClient } from "../support/OfficialSanity.js"
import { call, official, refusal } from "../support/OfficialSanity.js"
import { addSanityMember, makeSanityOrg } from "../support/SanityOrg.js"
import type { ServerClock } from "../support/ServerClock.js"
import type { TestServer } from "../support/TestServer.js"
import { layer as testServer } from "../support/TestServer.js"

const server = testServer({
  sanity: { copyPending: "300 millis", copyRunning: "300 millis", embeddingsUpdating: "500 millis", pollInterval: "20 millis" }
})

/** Sanity's (Boom's) error body. */
const boom = (statusCode: number, error: string) => ({ statusCode, error, message: expect.any(String) })

/** `client.request` on the global API, as the CLI sends management calls. */
const global = <A>(client: SanityClient, options: { uri: string; method?: string; body?: unknown; query?: Record<string, string> }) =>
  call(() => client.request<A>({ ...options, useGlobalApi: true }))

const refusedGlobal = (client: SanityClient, options: { uri: string; method?: string; body?: unknown }) =>
  refusal(() => client.request({ ...options, useGlobalApi: true }))

const setUp = (name: string) =>
  Effect.gen(function*() {
    const org = yield* makeSanityOrg(name)
    const project = yield* org.client.projects.create({ displayName: name })
    const client = yield* official(org.token, project.id)
    return { org, projectId: project.id, client }
  })

interface CorsOrigin {
  readonly id: number
  readonly origin: string
  readonly allowCredentials: boolean
  readonly createdAt: string
  readonly updatedAt: string | null
  readonly deletedAt: string | null
  readonly projectId: string
}

interface CopyJob {
  readonly id: string
  readonly state: string
  readonly sourceDataset: string
  readonly targetDataset: string
  readonly withHistory: boolean
  readonly createdAt: string
  readonly updatedAt: string
}

const scenarios = (it: Vitest.MethodsNonLive<TestServer | ServerClock | OfficialClient, true>) => {
  describe("CORS origins", () => {
    it.effect("list, add and delete on /projects/{id}/cors and on the project host's /cors", () =>
      Effect.gen(function*() {
        const { client, org, projectId } = yield* setUp("official cors")
        const uri = `/projects/${projectId}/cors`
        // A new project answers for the local studio (REC).
        const initial = yield* global<ReadonlyArray<CorsOrigin>>(client, { uri })
        expect(initial).toEqual([expect.objectContaining({ origin: "http://localhost:3333", allowCredentials: true })])

        // REC: `{id (integer), origin, allowCredentials, createdAt, updatedAt, deletedAt, projectId}`.
        const added = yield* global<CorsOrigin>(client, {
          uri,
          method: "POST",
          body: { origin: "https://example.com", allowCredentials: true }
        })
        expect(added).toEqual({
          id: expect.any(Number),
          origin: "https://example.com",
          allowCredentials: true,
          createdAt: expect.stringMatching(/Z$/),
          updatedAt: expect.stringMatching(/Z$/),
          deletedAt: null,
          projectId
        })
        expect(Number.isInteger(added.id)).toBe(true)
        // allowCredentials may be left out (REC: the CLI sends it; false when not).
        const wildcard = yield* global<CorsOrigin>(client, { uri, method: "POST", body: { origin: "https://*.example.org" } })
        expect(wildcard).toMatchObject({ origin: "https://*.example.org", allowCredentials: false })
        expect((yield* global<ReadonlyArray<CorsOrigin>>(client, { uri })).map((o) => o.origin))
          .toEqual(["http://localhost:3333", "https://example.com", "https://*.example.org"])

        expect(yield* refusedGlobal(client, { uri, method: "POST", body: { origin: "https://example.com" } }))
          .toMatchObject({ statusCode: 409, body: boom(409, "Conflict") })
        expect(yield* refusedGlobal(client, { uri, method: "POST", body: { origin: "not an origin" } }))
          .toMatchObject({ statusCode: 400, body: boom(400, "Bad Request") })

        // REC: `{id, deleted: true}`; an unknown id is a 404.
        expect(yield* global(client, { uri: `${uri}/${added.id}`, method: "DELETE" })).toEqual({ id: added.id, deleted: true })
        expect(yield* refusedGlobal(client, { uri: `${uri}/${added.id}`, method: "DELETE" }))
          .toMatchObject({ statusCode: 404, body: boom(404, "Not Found") })
        // REC: re-adding a deleted origin revives it, its id and first creation date kept.
        const revived = yield* global<CorsOrigin>(client, { uri, method: "POST", body: { origin: "https://example.com" } })
        expect(revived).toMatchObject({ id: added.id, createdAt: added.createdAt, deletedAt: null, allowCredentials: false })

        // The project host's `/cors` (OFF: the CLI's template origins), the project by header.
        const local = yield* call(() =>
          client.request<CorsOrigin>({ uri: "/cors", method: "POST", body: { origin: "http://localhost:3000", allowCredentials: true } })
        )
        expect(local).toMatchObject({ origin: "http://localhost:3000", projectId })
        expect((yield* call(() => client.request<ReadonlyArray<CorsOrigin>>({ uri: "/cors" }))).map((o) => o.id))
          .toEqual((yield* global<ReadonlyArray<CorsOrigin>>(client, { uri })).map((o) => o.id))
        expect(yield* call(() => client.request({ uri: `/cors/${local.id}`, method: "DELETE" }))).toEqual({ id: local.id, deleted: true })
        // The global form without a project header names no project on the host form: a 400.
        expect(yield* refusedGlobal(client, { uri: "/cors" })).toMatchObject({ statusCode: 400 })

        const viewer = yield* addSanityMember(org, "viewer")
        const viewing = yield* official(viewer.token, projectId)
        expect((yield* global<ReadonlyArray<CorsOrigin>>(viewing, { uri })).length).toBeGreaterThan(0)
        expect(yield* refusedGlobal(viewing, { uri, method: "POST", body: { origin: "https://viewer.example" } }))
          .toMatchObject({ statusCode: 403, body: boom(403, "Forbidden") })
      }))
  })

  describe("tokens", () => {
    it.effect("list, create (the key once) and delete; the token then works for its project only, until deleted", () =>
      Effect.gen(function*() {
        const { client, org, projectId } = yield* setUp("official tokens")
        const elsewhere = yield* org.client.projects.create({ displayName: "Elsewhere" })
        const uri = `/projects/${projectId}/tokens`
        expect(yield* global(client, { uri })).toEqual([])
        // REC: 201 `{id, key, roles: [{name, title}], label, projectUserId}`.
        const created = yield* global<{ id: string; key: string; label: string; projectUserId: string; roles: unknown }>(client, {
          uri,
          method: "POST",
          body: { label: "CI deploys", roleName: "editor" }
        })
        expect(created).toEqual({
          id: expect.any(String),
          key: expect.any(String),
          label: "CI deploys",
          projectUserId: expect.any(String),
          roles: [{ name: "editor", title: "Editor" }]
        })
        // REC: the list never shows the key again.
        const listed = yield* global<ReadonlyArray<Record<string, unknown>>>(client, { uri })
        expect(listed).toEqual([{
          id: created.id,
          label: "CI deploys",
          projectUserId: created.projectUserId,
          createdAt: expect.stringMatching(/Z$/),
          roles: [{ name: "editor", title: "Editor" }]
        }])
        expect(JSON.stringify(listed)).not.toContain(created.key)
        // The robot is a member of the project (REC).
        expect((yield* call(() => client.projects.getById(projectId))).members)
          .toContainEqual(expect.objectContaining({ id: created.projectUserId, isRobot: true }))

        // The key is a token `@sanity/client` can use, as an editor of this project only.
        const robot = yield* official(created.key, projectId)
        expect(yield* call(() => robot.users.getById("me")))
          .toMatchObject({ id: created.projectUserId, name: "CI deploys", email: null, provider: "sanity-token", role: "editor" })
        expect((yield* call(() => robot.projects.list())).map((p) => p.id)).toEqual([projectId])
        expect(yield* refusal(() => robot.projects.getById(elsewhere.id))).toMatchObject({ statusCode: 404 })
        expect(yield* refusal(() => robot.datasets.create("by-robot"))).toMatchObject({ statusCode: 403 })
        expect(yield* refusedGlobal(robot, { uri })).toMatchObject({ statusCode: 403 })

        expect(yield* refusedGlobal(client, { uri, method: "POST", body: { label: "x", roleName: "owner" } }))
          .toMatchObject({ statusCode: 400, body: boom(400, "Bad Request") })
        expect(yield* refusedGlobal(client, { uri, method: "POST", body: { roleName: "viewer" } }))
          .toMatchObject({ statusCode: 400 })

        // REC: `{id, deleted: true}`; the token stops working at once; OFF old CLI: 404 when unknown.
        expect(yield* global(client, { uri: `${uri}/${created.id}`, method: "DELETE" })).toEqual({ id: created.id, deleted: true })
        const revoked = yield* refusal(() => robot.projects.list())
        expect(revoked).toMatchObject({ statusCode: 401, body: { error: "Unauthorized", message: "Session not found" } })
        expect(yield* refusedGlobal(client, { uri: `${uri}/${created.id}`, method: "DELETE" }))
          .toMatchObject({ statusCode: 404, body: boom(404, "Not Found") })
        expect(yield* global(client, { uri })).toEqual([])

        const viewer = yield* addSanityMember(org, "viewer")
        const viewing = yield* official(viewer.token, projectId)
        expect(yield* refusedGlobal(viewing, { uri })).toMatchObject({ statusCode: 403 })
        expect(yield* refusedGlobal(viewing, { uri, method: "POST", body: { label: "v", roleName: "viewer" } }))
          .toMatchObject({ statusCode: 403 })
      }))
  })

  describe("tags", () => {
    it.effect("create, list, update; assign to a dataset, list its tags, remove; delete once unassigned", () =>
      Effect.gen(function*() {
        const { client, projectId } = yield* setUp("official tags")
        yield* call(() => client.datasets.create("production"))
        yield* call(() => client.datasets.create("staging"))
        const tags = `/projects/${projectId}/tags`
        const datasetTags = (dataset: string) => `/projects/${projectId}/datasets/${dataset}/tags`

        // DOC: `{name, title, description?, metadata?}` (3P sends metadata.tone, the seed metadata.color).
        const created = yield* global(client, {
          uri: tags,
          method: "POST",
          body: { name: "live", title: "Live", description: "Serving traffic", metadata: { tone: "positive" } }
        })
        expect(created).toMatchObject({ name: "live", title: "Live", description: "Serving traffic", metadata: { tone: "positive" } })
        expect(yield* refusedGlobal(client, { uri: tags, method: "POST", body: { name: "live", title: "Again" } }))
          .toMatchObject({ statusCode: 409, body: boom(409, "Conflict") })
        expect(yield* refusedGlobal(client, { uri: tags, method: "POST", body: { name: "Not Valid", title: "x" } }))
          .toMatchObject({ statusCode: 400 })
        expect((yield* global<ReadonlyArray<{ name: string }>>(client, { uri: tags })).map((t) => t.name)).toEqual(["live"])
        // 3P: the update is a PUT on /tags/{tagIdentifier}; the fields sent change.
        expect(yield* global(client, { uri: `${tags}/live`, method: "PUT", body: { title: "Production traffic", metadata: { color: "green" } } }))
          .toMatchObject({ name: "live", title: "Production traffic", description: "Serving traffic", metadata: { color: "green" } })

        // Assign (PUT, no body), list the dataset's tags, see them on the dataset (REC `tags`).
        expect(yield* global(client, { uri: `${datasetTags("production")}/live`, method: "PUT" })).toMatchObject({ name: "live" })
        expect((yield* global<ReadonlyArray<{ name: string }>>(client, { uri: datasetTags("production") })).map((t) => t.name))
          .toEqual(["live"])
        expect(yield* global(client, { uri: datasetTags("staging") })).toEqual([])
        expect((yield* call(() => client.datasets.list())).find((d) => d.name === "production")?.tags)
          .toEqual([{ name: "live", title: "Production traffic" }])
        // DOC: a tag must not be assigned to any dataset to be deleted.
        expect(yield* refusedGlobal(client, { uri: `${tags}/live`, method: "DELETE" }))
          .toMatchObject({ statusCode: 409, body: boom(409, "Conflict") })

        // Remove from the dataset, then delete (`{deleted: true}` both).
        expect(yield* global(client, { uri: `${datasetTags("production")}/live`, method: "DELETE" })).toEqual({ deleted: true })
        expect(yield* refusedGlobal(client, { uri: `${datasetTags("production")}/live`, method: "DELETE" }))
          .toMatchObject({ statusCode: 404 })
        expect(yield* global(client, { uri: `${tags}/live`, method: "DELETE" })).toEqual({ deleted: true })
        expect(yield* global(client, { uri: tags })).toEqual([])
        expect(yield* refusedGlobal(client, { uri: `${datasetTags("production")}/live`, method: "PUT" }))
          .toMatchObject({ statusCode: 404, body: boom(404, "Not Found") })
        expect(yield* refusedGlobal(client, { uri: datasetTags("nope") })).toMatchObject({ statusCode: 404 })
      }))
  })

  describe("features and permissions", () => {
    it.effect("features list and one feature (global and project host); permissions are the caller's grants", () =>
      Effect.gen(function*() {
        const { client, org, projectId } = yield* setUp("official features")
        const features = yield* global<ReadonlyArray<string>>(client, { uri: `/projects/${projectId}/features` })
        expect(features).toContain("privateDataset")
        expect(features.every((feature) => typeof feature === "string")).toBe(true)
        // OFF CLI (`getProjectFeatures`): the project host's `/features`.
        expect(yield* call(() => client.request<ReadonlyArray<string>>({ uri: "/features" }))).toEqual(features)
        // 3P: `true` or `false`.
        expect(yield* global(client, { uri: `/projects/${projectId}/features/privateDataset` })).toBe(true)
        expect(yield* global(client, { uri: `/projects/${projectId}/features/thirdPartyLogin` })).toBe(false)
        expect(yield* refusedGlobal(client, { uri: `/projects/zzzzzzzz/features` })).toMatchObject({ statusCode: 404 })

        const permissions = yield* global<ReadonlyArray<string>>(client, { uri: `/projects/${projectId}/permissions` })
        expect(permissions).toEqual(expect.arrayContaining(["sanity.project/read", "sanity.project/update", "sanity.project.datasets/create"]))
        const viewer = yield* addSanityMember(org, "viewer")
        const viewing = yield* official(viewer.token, projectId)
        const viewerPermissions = yield* global<ReadonlyArray<string>>(viewing, { uri: `/projects/${projectId}/permissions` })
        expect(viewerPermissions).toContain("sanity.project/read")
        expect(viewerPermissions).not.toContain("sanity.project/update")
      }))
  })

  describe("dataset copy", () => {
    it.effect("PUT …/copy starts a job; /jobs/{id} follows it to completed; the copy histories list it", () =>
      Effect.gen(function*() {
        const { client, org, projectId } = yield* setUp("official copy")
        yield* call(() => client.datasets.create("production", { aclMode: "private" }))
        // OFF CLI: the project host's `PUT /datasets/{name}/copy` with `{skipHistory, targetDataset}`.
        const started = yield* call(() =>
          client.request<{ datasetName: string; message: string; aclMode: string; jobId: string }>({
            uri: "/datasets/production/copy",
            method: "PUT",
            body: { skipHistory: true, targetDataset: "production-copy" }
          })
        )
        // DOC /copy-api: `{datasetName, message, aclMode, jobId}`.
        expect(started).toEqual({
          datasetName: "production-copy",
          message: "Starting copying dataset production to production-copy...",
          aclMode: "private",
          jobId: expect.any(String)
        })
        // DOC /jobs-api: `{id, state, authors, created_at, updated_at}`, snake_case.
        const job = yield* global<Record<string, unknown>>(client, { uri: `/jobs/${started.jobId}` })
        expect(job).toEqual({
          id: started.jobId,
          state: expect.stringMatching(/^(pending|running)$/),
          authors: [(yield* org.client.users.me).id],
          created_at: expect.stringMatching(/Z$/),
          updated_at: expect.stringMatching(/Z$/)
        })
        const states = new Set<string>()
        const done = yield* eventually(
          Effect.tap(
            call(() => client.request<{ state: string }>({ uri: `/jobs/${started.jobId}` })),
            (j) => Effect.sync(() => states.add(j.state))
          ),
          { until: (j) => j.state === "completed" || j.state === "failed" }
        )
        expect(done.state).toBe("completed")
        expect(states.has("failed")).toBe(false)
        // The target exists, with the source's acl mode.
        expect((yield* call(() => client.datasets.list())).map((d) => [d.name, d.aclMode]))
          .toEqual([["production", "private"], ["production-copy", "private"]])

        // DOC: the dataset's copy history; OFF CLI (`datasets copy --list`): the project's.
        const history = yield* global<ReadonlyArray<CopyJob>>(client, { uri: `/projects/${projectId}/datasets/production/copy` })
        expect(history).toEqual([{
          id: started.jobId,
          state: "completed",
          sourceDataset: "production",
          targetDataset: "production-copy",
          withHistory: false,
          createdAt: expect.stringMatching(/Z$/),
          updatedAt: expect.stringMatching(/Z$/),
          authors: expect.any(Array)
        }])
        const second = yield* global<{ jobId: string }>(client, {
          uri: `/projects/${projectId}/datasets/production/copy`,
          method: "PUT",
          body: { targetDataset: "production-two" }
        })
        const listed = yield* call(() =>
          client.request<ReadonlyArray<CopyJob>>({ uri: `/projects/${projectId}/datasets/copy`, query: { offset: "0", limit: "10" } })
        )
        // Newest first.
        expect(listed.map((j) => j.id)).toEqual([second.jobId, started.jobId])
        expect(listed[0]!.withHistory).toBe(true)
        const paged = yield* call(() =>
          client.request<ReadonlyArray<CopyJob>>({ uri: `/projects/${projectId}/datasets/copy`, query: { offset: "1", limit: "1" } })
        )
        expect(paged.map((j) => j.id)).toEqual([started.jobId])
        const completed = yield* global<ReadonlyArray<CopyJob>>(client, {
          uri: `/projects/${projectId}/datasets/production/copy`,
          query: { state: "completed" }
        })
        expect(completed.map((j) => j.id)).toEqual([started.jobId])

        // Refusals: the target exists (409), an unknown source (404), a bad target name (400), a viewer (403).
        expect(yield* refusal(() =>
          client.request({ uri: "/datasets/production/copy", method: "PUT", body: { targetDataset: "production-copy" } })
        )).toMatchObject({ statusCode: 409, body: boom(409, "Conflict") })
        expect(yield* refusal(() => client.request({ uri: "/datasets/nope/copy", method: "PUT", body: { targetDataset: "x" } })))
          .toMatchObject({ statusCode: 404 })
        expect(yield* refusal(() => client.request({ uri: "/datasets/production/copy", method: "PUT", body: { targetDataset: "Bad-" } })))
          .toMatchObject({ statusCode: 400, body: boom(400, "Bad Request") })
        const viewer = yield* addSanityMember(org, "viewer")
        const viewing = yield* official(viewer.token, projectId)
        expect(yield* refusal(() => viewing.request({ uri: "/datasets/production/copy", method: "PUT", body: { targetDataset: "v" } })))
          .toMatchObject({ statusCode: 403 })
        expect(yield* refusedGlobal(client, { uri: "/jobs/no-such-job" })).toMatchObject({ statusCode: 404 })
      }))

    it.effect("the job's event stream at the client's URL /jobs/{id}/listen: welcome, job at each state, done", () =>
      Effect.gen(function*() {
        const { client, org } = yield* setUp("official copy listen")
        yield* call(() => client.datasets.create("production"))
        const { jobId } = yield* call(() =>
          client.request<{ jobId: string }>({ uri: "/datasets/production/copy", method: "PUT", body: { targetDataset: "copy-1" } })
        )
        // OFF CLI (`followCopyJobProgress`): a plain EventSource on `${client.config().url}/jobs/{id}/listen`,
        // with no Authorization header: the job id is enough.
        const listen = (id: string, headers: Record<string, string> = {}) =>
          call(() =>
            fetch(`${client.config().url}/jobs/${id}/listen`, { headers: { accept: "text/event-stream", ...headers } })
              .then(async (response) => ({ status: response.status, type: response.headers.get("content-type"), text: await response.text() }))
          )
        const opened = yield* listen(jobId)
        expect(opened).toMatchObject({ status: 200, type: expect.stringContaining("text/event-stream") })
        const text = opened.text
        const events = text.split("\n\n").filter((block) => block.trim() !== "").map((block) => {
          const lines = block.split("\n")
          const event = lines.find((line) => line.startsWith("event:"))?.slice(6).trim()
          const data = JSON.parse(lines.find((line) => line.startsWith("data:"))!.slice(5)) as Record<string, unknown>
          return { event, data }
        })
        expect(events[0]).toMatchObject({ event: "welcome", data: { listener_id: expect.any(String) } })
        const jobEvents = events.filter((e) => e.event === "job")
        expect(jobEvents.at(-1)).toMatchObject({ data: { job_id: jobId, state: "completed", progress: 100 } })
        expect(events.at(-1)).toMatchObject({ event: "done" })

        // A token, when sent, is checked: the caller's own job streams; an unknown token is a 401;
        // another organization's token finds no job. An unknown job is a 404 either way.
        const withToken = yield* listen(jobId, { authorization: `Bearer ${org.token}` })
        expect(withToken.status).toBe(200)
        expect(withToken.text).toContain("event: done")
        const badToken = yield* listen(jobId, { authorization: "Bearer sk-not-a-token" })
        expect(badToken.status).toBe(401)
        expect(JSON.parse(badToken.text)).toMatchObject({ statusCode: 401, error: "Unauthorized", message: "Session not found" })
        const other = yield* makeSanityOrg("official copy listen other")
        expect((yield* listen(jobId, { authorization: `Bearer ${other.token}` })).status).toBe(404)
        const unknown = yield* listen("jobId-nothing-here")
        expect(unknown.status).toBe(404)
        expect(JSON.parse(unknown.text)).toMatchObject({ statusCode: 404, error: "Not Found" })
      }))
  })

  describe("embeddings settings through request", () => {
    it.effect("GET and PUT /projects/{id}/datasets/{name}/settings/embeddings and the project host's form", () =>
      Effect.gen(function*() {
        const { client, projectId } = yield* setUp("official embeddings request")
        yield* call(() => client.datasets.create("production"))
        const uri = `/projects/${projectId}/datasets/production/settings/embeddings`
        expect(yield* global(client, { uri })).toEqual({ enabled: false, status: "inactive" })
        // DOC: the PUT answers the settings, `status` one of ready, updating, error.
        expect(yield* global(client, { uri, method: "PUT", body: { enabled: true, projection: "{title}" } }))
          .toEqual({ enabled: true, projection: "{title}", status: "updating" })
        const ready = yield* eventually(
          call(() => client.request<{ status: string }>({ uri: "/datasets/production/settings/embeddings" })),
          { until: (settings) => settings.status === "ready" }
        )
        expect(ready).toEqual({ enabled: true, projection: "{title}", status: "ready" })
        expect(yield* refusedGlobal(client, { uri, method: "PUT", body: { projection: "{title}" } })).toMatchObject({ statusCode: 400 })
      }))
  })
}

// Every scenario runs with the workspace's @sanity/client (7.28) and with 8.15 (Node 22 child).
const client8 = await OfficialClientProcess.prepare()

layer(server, { excludeTestServices: true })("@sanity/client's request against the management API", (it) => {
  OfficialClientProcess.forBothVersions(it, client8, scenarios)
})
