/**
 * `SanityClient` against the reference server over real HTTP: every endpoint and every rule of the
 * Sanity dialect (roles, naming rules, tags, copy jobs, embeddings, tokens, tenancy), and the
 * wire bodies where the typed client hides them.
 */
import { describe, expect, layer } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import type { SanityApi } from "@projectkit/sanity"
import * as Effect from "effect/Effect"
import { addSanityMember, makeSanityOrg, sanityClient, type SanityOrg } from "../support/SanityOrg.js"
import * as Http from "node:http"
import * as ServerClock from "../support/ServerClock.js"
import { request, TestServer, layer as testServer } from "../support/TestServer.js"

const server = testServer({
  // Long enough that a loaded machine still sees each state; short enough for fast tests.
  sanity: { copyPending: "300 millis", copyRunning: "300 millis", embeddingsUpdating: "500 millis", pollInterval: "20 millis" }
})

/** A raw request with a token, for what the typed client cannot send or hides. */
const raw = (
  token: string | null,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {}
) =>
  request(`/sanity${path}`, {
    ...init,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers
    }
  })

const v = "/v2021-06-07"

const newProject = (org: SanityOrg, displayName = "Project") => org.client.projects.create({ displayName })

layer(server, { excludeTestServices: true })("Sanity dialect through SanityClient", (it) => {
  describe("projects", () => {
    it.effect("creates (201) with the creator as administrator, the features, and the studio's CORS origin", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("create")
        const response = yield* raw(org.token, `${v}/projects`, { method: "POST", body: JSON.stringify({ displayName: "Raw" }) })
        expect(response.status).toBe(201)
        const created = yield* org.client.projects.create({ displayName: "  My Project  ", metadata: { integration: "manage" } })
        expect(created).toMatchObject({
          displayName: "My Project",
          studioHost: null,
          organizationId: org.id,
          isBlocked: false,
          isDisabled: false,
          isDisabledByUser: false,
          activityFeedEnabled: true,
          metadata: { integration: "manage" },
          pendingInvites: 0
        })
        expect(created.id).toMatch(/^[a-z0-9]{8}$/)
        expect(created.members).toHaveLength(1)
        expect(created.members![0]).toMatchObject({ isCurrentUser: true, isRobot: false, roles: [{ name: "administrator" }] })
        expect(created.features).toContain("privateDataset")
        expect(yield* org.client.projects.get(created.id)).toEqual(created)
        const cors = yield* org.client.cors.list(created.id)
        expect(cors.map((c) => [c.origin, c.allowCredentials])).toEqual([["http://localhost:3333", true]])
      }))

    it.effect("lists every project oldest first, as a plain array; includeMembers/includeFeatures=false leave them out", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("list")
        const first = yield* newProject(org, "First")
        yield* ServerClock.advance("1 second")
        const second = yield* newProject(org, "Second")
        const all = yield* org.client.projects.list()
        expect(all.map((p) => p.id)).toEqual([first.id, second.id])
        expect(all[0]!.members).toBeDefined()
        const light = yield* org.client.projects.list({ includeMembers: "false", includeFeatures: "false" })
        expect(light[0]!.members).toBeUndefined()
        expect(light[0]!.features).toBeUndefined()
        expect((yield* org.client.projects.list({ organizationId: org.id })).length).toBe(2)
        expect(yield* org.client.projects.list({ organizationId: "someone-else" })).toEqual([])
        const body = (yield* raw(org.token, `${v}/projects`)).body
        expect(Array.isArray(body)).toBe(true)
      }))

    it.effect("PATCH changes only the fields sent; metadata merges and `key: null` removes the key", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("patch")
        const created = yield* org.client.projects.create({ displayName: "Before", metadata: { color: "#ff0000", keep: "me" } })
        yield* ServerClock.advance("1 second")
        const renamed = yield* org.client.projects.update(created.id, { displayName: "After" })
        expect(renamed).toMatchObject({ displayName: "After", metadata: { color: "#ff0000", keep: "me" } })
        // The server's clock moved a second between the two: updatedAt is that much later, at least.
        expect(renamed.updatedAt.epochMillis).toBeGreaterThanOrEqual(created.updatedAt.epochMillis + 1000)
        const removed = yield* org.client.projects.update(created.id, { metadata: { color: null, externalStudioHost: "https://x.example" } })
        expect(removed.metadata).toEqual({ keep: "me", externalStudioHost: "https://x.example" })
        expect((yield* org.client.projects.get(created.id)).metadata).toEqual(removed.metadata)
        const flags = yield* org.client.projects.update(created.id, { isDisabledByUser: true, activityFeedEnabled: false })
        expect(flags).toMatchObject({ displayName: "After", isDisabledByUser: true, activityFeedEnabled: false })
        // Colours are lowercase hex (3P): nothing changes on a refusal.
        expect(yield* Effect.flip(org.client.projects.update(created.id, { metadata: { color: "#FF0000" } })))
          .toMatchObject({ _tag: "Validation" })
        expect((yield* org.client.projects.get(created.id)).metadata).toEqual(removed.metadata)
        const blank = yield* raw(org.token, `${v}/projects/${created.id}`, { method: "PATCH", body: "{\"displayName\":\"  \"}" })
        expect(blank.body).toMatchObject({ statusCode: 400, error: "Bad Request" })
        expect((yield* org.client.projects.get(created.id)).displayName).toBe("After")
      }))

    it.effect("a studio host is set once, is unique, and adds its URL to the CORS origins", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("studio")
        const project = yield* newProject(org)
        const host = `studio-${project.id}`
        expect((yield* org.client.projects.update(project.id, { studioHost: host })).studioHost).toBe(host)
        expect((yield* org.client.cors.list(project.id)).map((c) => c.origin)).toContain(`https://${host}.sanity.studio`)
        expect(yield* Effect.flip(org.client.projects.update(project.id, { studioHost: `${host}-2` })))
          .toMatchObject({ _tag: "Validation" })
        const other = yield* newProject(org)
        expect(yield* Effect.flip(org.client.projects.update(other.id, { studioHost: host }))).toMatchObject({ _tag: "Conflict" })
      }))

    it.effect("deletes ({deleted: true}); the project is then unknown everywhere", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("delete")
        const project = yield* newProject(org)
        yield* org.client.datasets.create(project.id, "production")
        expect(yield* org.client.projects.delete(project.id)).toEqual({ deleted: true })
        for (const attempt of <ReadonlyArray<Effect.Effect<unknown, unknown>>>[
          org.client.projects.get(project.id),
          org.client.projects.update(project.id, { displayName: "x" }),
          org.client.projects.delete(project.id),
          org.client.datasets.list(project.id)
        ]) {
          expect(yield* Effect.flip(attempt)).toMatchObject({ _tag: "NotFound" })
        }
        const body = (yield* raw(org.token, `${v}/projects/${project.id}`)).body
        expect(body).toEqual({ statusCode: 404, error: "Not Found", message: "Project not found" })
      }))
  })

  describe("authentication, roles and tenancy", () => {
    it.effect("a missing or unknown token is a 401 in Sanity's body", () =>
      Effect.gen(function*() {
        const body = { statusCode: 401, error: "Unauthorized", message: "Session not found", errorCode: "SIO-401-ANF" }
        for (const token of [null, "sk-unknown"]) {
          const response = yield* raw(token, `${v}/projects`)
          expect(response.status).toBe(401)
          expect(response.body).toEqual(body)
          expect(response.headers.get("content-type")).toContain("application/json")
        }
        const stranger = yield* sanityClient("sk-unknown")
        expect(yield* Effect.flip(stranger.projects.list())).toMatchObject({ _tag: "Unauthorized" })
      }))

    it.effect("any vYYYY-MM-DD and v1 work; another version prefix is a 400", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("versions")
        const project = yield* newProject(org)
        for (const version of ["v1", "v2021-06-07", "v2025-09-22", "vX"]) {
          expect((yield* raw(org.token, `/${version}/projects/${project.id}`)).status, version).toBe(200)
        }
        const through = yield* sanityClient(org.token, "v1")
        expect((yield* through.projects.get(project.id)).id).toBe(project.id)
        const bad = yield* raw(org.token, `/2021-06-07/projects/${project.id}`)
        expect(bad.status).toBe(400)
        expect(bad.body).toMatchObject({ statusCode: 400, error: "Bad Request" })
        expect((yield* raw(org.token, `${v}/no-such-thing`)).body).toMatchObject({ statusCode: 404, error: "Not Found" })
      }))

    it.effect("viewers and editors read but cannot manage (403); developers manage", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("roles")
        const project = yield* newProject(org)
        yield* org.client.datasets.create(project.id, "production")
        const viewer = yield* addSanityMember(org, "viewer")
        const editor = yield* addSanityMember(org, "editor")
        const developer = yield* addSanityMember(org, "developer")
        // Reads are fine for everyone.
        expect((yield* viewer.client.projects.get(project.id)).id).toBe(project.id)
        expect((yield* viewer.client.datasets.list(project.id)).map((d) => d.name)).toEqual(["production"])
        // A viewer cannot create a dataset: 403 in Sanity's body, and nothing is created.
        const refused = yield* raw(viewer.token, `${v}/projects/${project.id}/datasets/staging`, { method: "PUT", body: "{}" })
        expect(refused.status).toBe(403)
        expect(refused.body).toEqual({
          statusCode: 403,
          error: "Forbidden",
          message: "User is missing one of the follow grants sanity.project.datasets/create to perform this operation"
        })
        expect(yield* Effect.flip(viewer.client.datasets.create(project.id, "staging"))).toMatchObject({
          _tag: "Forbidden",
          reason: "InsufficientRole"
        })
        expect((yield* org.client.datasets.list(project.id)).map((d) => d.name)).toEqual(["production"])
        for (const member of [viewer, editor]) {
          for (const attempt of <ReadonlyArray<Effect.Effect<unknown, unknown>>>[
            member.client.projects.update(project.id, { displayName: "x" }),
            member.client.projects.delete(project.id),
            member.client.projects.create({ displayName: "mine" }),
            member.client.cors.create(project.id, { origin: "https://example.com" }),
            member.client.datasets.delete(project.id, "production"),
            member.client.tokens.list(project.id),
            member.client.tags.create(project.id, { name: "t", title: "T" })
          ]) {
            expect(yield* Effect.flip(attempt)).toMatchObject({ _tag: "Forbidden" })
          }
        }
        expect((yield* org.client.projects.get(project.id)).displayName).toBe("Project")
        // A developer manages.
        expect((yield* developer.client.datasets.create(project.id, "staging")).datasetName).toBe("staging")
        expect((yield* developer.client.projects.update(project.id, { displayName: "Dev" })).displayName).toBe("Dev")
        const members = (yield* org.client.projects.get(project.id)).members!
        expect(members.map((m) => m.roles![0]!.name).sort()).toEqual(["administrator", "developer", "editor", "viewer"])
        expect(members.filter((m) => m.isCurrentUser)).toHaveLength(1)
        // Permissions say the same.
        expect(yield* viewer.client.permissions(project.id)).not.toContain("sanity.project.datasets/create")
        expect(yield* developer.client.permissions(project.id)).toContain("sanity.project.datasets/create")
      }))

    it.effect("the control plane gives members a Sanity role (developer by default) and refuses unknown roles", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("control roles")
        const { adminToken } = yield* TestServer
        const add = (query: string) =>
          request(`/__projectkit/orgs/${org.id}/members${query}`, { method: "POST", headers: { authorization: `Bearer ${adminToken}` } })
        const plain = yield* add("")
        expect(plain.status).toBe(201)
        const member = plain.body as { sanityRole: string; credentials: { sanity: { token: string } } }
        expect(member.sanityRole).toBe("developer")
        expect((yield* (yield* sanityClient(member.credentials.sanity.token)).users.me).role).toBe("developer")
        const bad = yield* add("?sanityRole=owner")
        expect(bad.status).toBe(400)
        expect(bad.body).toMatchObject({ error: "bad_request" })
      }))

    it.effect("another organization's project answers exactly as an unknown one", () =>
      Effect.gen(function*() {
        const a = yield* makeSanityOrg("tenant a")
        const b = yield* makeSanityOrg("tenant b")
        const project = yield* newProject(a)
        yield* a.client.datasets.create(project.id, "production")
        const foreign = yield* raw(b.token, `${v}/projects/${project.id}`)
        const unknown = yield* raw(b.token, `${v}/projects/zzzzzzzz`)
        expect(foreign.status).toBe(404)
        expect(foreign.body).toEqual(unknown.body)
        for (const path of ["", "/datasets", "/datasets/production", "/cors", "/tags", "/features", "/permissions", "/tokens"]) {
          expect((yield* raw(b.token, `${v}/projects/${project.id}${path}`)).status, path).toBe(404)
        }
        expect((yield* raw(b.token, `${v}/projects/${project.id}/datasets/x`, { method: "PUT", body: "{}" })).status).toBe(404)
        expect((yield* raw(b.token, `${v}/projects/${project.id}`, { method: "DELETE" })).status).toBe(404)
        expect((yield* raw(b.token, `${v}/datasets`, { headers: { "x-sanity-project-id": project.id } })).status).toBe(404)
        expect(yield* b.client.projects.list()).toEqual([])
        // Nor can a project be created in another organization.
        expect(yield* Effect.flip(b.client.projects.create({ displayName: "x", organizationId: a.id })))
          .toMatchObject({ _tag: "Forbidden" })
        expect((yield* a.client.projects.list()).map((p) => p.id)).toEqual([project.id])
      }))
  })

  describe("CORS origins", () => {
    it.effect("creates (201), refuses duplicates and invalid origins, deletes by integer id, and revives on re-adding", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("cors")
        const project = yield* newProject(org)
        const response = yield* raw(org.token, `${v}/projects/${project.id}/cors`, {
          method: "POST",
          body: JSON.stringify({ origin: "https://example.com", allowCredentials: true })
        })
        expect(response.status).toBe(201)
        const created = response.body as SanityApi.CorsOrigin
        expect(created).toMatchObject({ origin: "https://example.com", allowCredentials: true, deletedAt: null, projectId: project.id })
        expect(Number.isInteger(created.id)).toBe(true)
        const wildcard = yield* org.client.cors.create(project.id, { origin: "https://*.example.org:*" })
        expect(wildcard.allowCredentials).toBe(false)
        expect((yield* org.client.cors.create(project.id, { origin: "http://localhost:80" })).origin).toBe("http://localhost")
        expect(yield* Effect.flip(org.client.cors.create(project.id, { origin: "https://example.com" })))
          .toMatchObject({ _tag: "Conflict" })
        for (const origin of ["example.com", "https://example.com/path", "file:///etc", "", "ftp//x"]) {
          expect(yield* Effect.flip(org.client.cors.create(project.id, { origin })), origin).toMatchObject({ _tag: "Validation" })
        }
        expect(yield* org.client.cors.delete(project.id, created.id)).toEqual({ id: created.id, deleted: true })
        expect((yield* org.client.cors.list(project.id)).map((c) => c.origin)).not.toContain("https://example.com")
        expect(yield* Effect.flip(org.client.cors.delete(project.id, created.id))).toMatchObject({ _tag: "NotFound" })
        // REC: the same origin again revives the same id, keeping its first creation date.
        const revived = yield* org.client.cors.create(project.id, { origin: "https://example.com", allowCredentials: false })
        expect(revived).toMatchObject({ id: created.id, createdAt: created.createdAt, allowCredentials: false })
        expect((yield* raw(org.token, `${v}/projects/${project.id}/cors/not-a-number`, { method: "DELETE" })).status).toBe(400)
      }))

    it.effect("serves the project-host form, naming the project by X-Sanity-Project-ID or by host", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("cors host")
        const project = yield* newProject(org)
        const header = { "x-sanity-project-id": project.id }
        const created = yield* raw(org.token, `${v}/cors`, {
          method: "POST",
          headers: header,
          body: JSON.stringify({ origin: "https://host.example" })
        })
        expect(created.status).toBe(201)
        const listed = (yield* raw(org.token, `${v}/cors`, { headers: header })).body as Array<SanityApi.CorsOrigin>
        expect(listed.map((c) => c.origin)).toEqual(["http://localhost:3333", "https://host.example"])
        const id = (created.body as SanityApi.CorsOrigin).id
        expect((yield* raw(org.token, `${v}/cors/${id}`, { method: "DELETE", headers: header })).body).toEqual({ id, deleted: true })
        expect((yield* raw(org.token, `${v}/cors`)).status).toBe(400)
      }))
  })

  describe("datasets", () => {
    it.effect("creates by PUT (201, aclMode, empty body), lists, gets, edits and deletes", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("datasets")
        const project = yield* newProject(org)
        const empty = yield* raw(org.token, `${v}/projects/${project.id}/datasets/production`, { method: "PUT" })
        expect(empty.status).toBe(201)
        expect(empty.body).toEqual({ datasetName: "production", aclMode: "public", description: null })
        expect(yield* org.client.datasets.create(project.id, "secret", { aclMode: "private" }))
          .toMatchObject({ datasetName: "secret", aclMode: "private" })
        const listed = yield* org.client.datasets.list(project.id)
        expect(listed.map((d) => [d.name, d.aclMode])).toEqual([["production", "public"], ["secret", "private"]])
        const me = yield* org.client.users.me
        expect(listed[0]).toMatchObject({ createdByUserId: me.id, tags: [] })
        expect(yield* org.client.datasets.get(project.id, "secret")).toEqual(listed[1])
        expect(yield* org.client.datasets.update(project.id, "secret", { aclMode: "public" }))
          .toMatchObject({ datasetName: "secret", aclMode: "public" })
        expect((yield* org.client.datasets.get(project.id, "secret")).aclMode).toBe("public")
        expect(yield* Effect.flip(org.client.datasets.create(project.id, "secret"))).toMatchObject({ _tag: "Conflict" })
        expect(yield* org.client.datasets.delete(project.id, "secret")).toEqual({ deleted: true })
        expect(yield* Effect.flip(org.client.datasets.get(project.id, "secret"))).toMatchObject({ _tag: "NotFound" })
        expect(yield* Effect.flip(org.client.datasets.delete(project.id, "secret"))).toMatchObject({ _tag: "NotFound" })
        const badAcl = yield* raw(org.token, `${v}/projects/${project.id}/datasets/x`, {
          method: "PUT",
          body: JSON.stringify({ aclMode: "secret" })
        })
        expect(badAcl.status).toBe(400)
        expect(badAcl.body).toMatchObject({ statusCode: 400, error: "Bad Request" })
        const malformed = yield* raw(org.token, `${v}/projects/${project.id}/datasets/y`, { method: "PUT", body: "{nope" })
        expect(malformed.body).toMatchObject({ statusCode: 400, error: "Bad Request" })
        expect((yield* org.client.datasets.list(project.id)).map((d) => d.name)).toEqual(["production"])
      }))

    it.effect("enforces Sanity's naming rule: 1–64 of a-z 0-9 - _, beginning and ending with a letter or number", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("names")
        const project = yield* newProject(org)
        const good = ["a", "production", "my-dataset_2", "0x", "a".repeat(64)]
        const bad = ["Production", "-start", "end-", "_start", "end_", "has space", "dots.no", "a".repeat(65), "ümlaut", "~alias"]
        for (const name of good) expect((yield* org.client.datasets.create(project.id, name)).datasetName).toBe(name)
        for (const name of bad) {
          const response = yield* raw(org.token, `${v}/projects/${project.id}/datasets/${encodeURIComponent(name)}`, {
            method: "PUT",
            body: "{}"
          })
          expect(response.status, name).toBe(400)
          expect(response.body, name).toMatchObject({ statusCode: 400, error: "Bad Request" })
        }
        expect((yield* org.client.datasets.list(project.id)).map((d) => d.name).sort()).toEqual([...good].sort())
      }))

    it.effect("serves the project-host dataset routes with X-Sanity-Project-ID", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("datasets host")
        const project = yield* newProject(org)
        const header = { "x-sanity-project-id": project.id }
        expect((yield* raw(org.token, `${v}/datasets/hosted`, { method: "PUT", headers: header })).status).toBe(201)
        expect((yield* raw(org.token, `${v}/datasets/hosted`, { method: "PATCH", headers: header, body: "{\"aclMode\":\"private\"}" })).body)
          .toEqual({ datasetName: "hosted", aclMode: "private", description: null })
        expect(((yield* raw(org.token, `${v}/datasets`, { headers: header })).body as Array<{ name: string }>).map((d) => d.name))
          .toEqual(["hosted"])
        expect((yield* raw(org.token, `${v}/features`, { headers: header })).body).toContain("privateDataset")
        expect((yield* raw(org.token, `${v}/datasets/hosted`, { method: "DELETE", headers: header })).body).toEqual({ deleted: true })
        expect((yield* raw(org.token, `${v}/datasets`)).status).toBe(400)
      }))
  })

  describe("dataset copy", () => {
    it.effect("starts a job that goes pending → running → completed and then the target dataset exists", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("copy")
        const project = yield* newProject(org)
        yield* org.client.datasets.create(project.id, "production", { aclMode: "private" })
        const started = yield* org.client.datasets.copy(project.id, "production", { targetDataset: "production-copy" })
        expect(started).toMatchObject({
          datasetName: "production-copy",
          aclMode: "private",
          message: "Starting copying dataset production to production-copy..."
        })
        const [job] = yield* org.client.datasets.copyJobs(project.id, "production")
        expect(job).toMatchObject({ id: started.jobId, state: "pending", sourceDataset: "production", targetDataset: "production-copy", withHistory: true })
        const snake = yield* org.client.jobs.get(started.jobId)
        expect(snake).toMatchObject({ id: started.jobId, state: "pending" })
        expect(Object.keys((yield* raw(org.token, `${v}/jobs/${started.jobId}`)).body as object).sort())
          .toEqual(["authors", "created_at", "id", "state", "updated_at"])
        const states = new Set<string>()
        yield* eventually(
          Effect.tap(org.client.jobs.get(started.jobId), (j) => Effect.sync(() => states.add(j.state))),
          { until: (j) => j.state === "completed" }
        )
        expect(states.has("running")).toBe(true)
        expect(yield* org.client.datasets.get(project.id, "production-copy")).toMatchObject({ aclMode: "private" })
        // The target exists now: copying to it again is refused; an unknown source is unknown.
        expect(yield* Effect.flip(org.client.datasets.copy(project.id, "production", { targetDataset: "production-copy" })))
          .toMatchObject({ _tag: "Conflict" })
        expect(yield* Effect.flip(org.client.datasets.copy(project.id, "nope", { targetDataset: "x" })))
          .toMatchObject({ _tag: "NotFound" })
        expect(yield* Effect.flip(org.client.datasets.copy(project.id, "production", { targetDataset: "Bad-" })))
          .toMatchObject({ _tag: "Validation" })
        const viewer = yield* addSanityMember(org, "viewer")
        expect(yield* Effect.flip(viewer.client.datasets.copy(project.id, "production", { targetDataset: "v" })))
          .toMatchObject({ _tag: "Forbidden" })
        // Another organization sees no job.
        const other = yield* makeSanityOrg("copy other")
        expect(yield* Effect.flip(other.client.jobs.get(started.jobId))).toMatchObject({ _tag: "NotFound" })
      }))

    it.effect("the Jobs API streams a job's events (welcome, job at each state, done) until it ends", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("listen")
        const project = yield* newProject(org)
        yield* org.client.datasets.create(project.id, "production")
        const started = yield* org.client.datasets.copy(project.id, "production", { targetDataset: "followed" })
        const events = yield* org.client.jobs.listen(started.jobId)
        expect(events[0]).toMatchObject({ event: "welcome", data: { listener_id: expect.any(String) } })
        const jobs = events.filter((e) => e.event === "job").map((e) => e.data as { job_id: string; state: string; progress: number })
        expect(jobs.map((j) => j.state)).toEqual(["pending", "running", "completed"])
        expect(jobs.every((j) => j.job_id === started.jobId)).toBe(true)
        expect(jobs.at(-1)!.progress).toBe(100)
        expect(events.at(-1)).toMatchObject({ event: "done" })
        // A finished job: its last state at once, then done.
        const again = yield* org.client.jobs.listen(started.jobId)
        expect(again.map((e) => e.event)).toEqual(["welcome", "job", "done"])
        const response = yield* raw(org.token, `${v}/jobs/${started.jobId}/listen`)
        expect(response.headers.get("content-type")).toContain("text/event-stream")
        expect(yield* Effect.flip(org.client.jobs.listen("jobId-nope"))).toMatchObject({ _tag: "NotFound" })
      }))

    it.effect("a job whose target was created meanwhile fails", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("copy race")
        const project = yield* newProject(org)
        yield* org.client.datasets.create(project.id, "production")
        const started = yield* org.client.datasets.copy(project.id, "production", { targetDataset: "taken" })
        expect(yield* Effect.flip(org.client.datasets.copy(project.id, "production", { targetDataset: "taken" })))
          .toMatchObject({ _tag: "Conflict" })
        yield* org.client.datasets.create(project.id, "taken")
        const job = yield* eventually(org.client.jobs.get(started.jobId), { until: (j) => j.state === "completed" || j.state === "failed" })
        expect(job.state).toBe("failed")
      }))

    it.effect("the history is newest first, paged by offset and limit, and filtered by state", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("copy history")
        const project = yield* newProject(org)
        yield* org.client.datasets.create(project.id, "production")
        const first = yield* org.client.datasets.copy(project.id, "production", { targetDataset: "c1", skipHistory: true })
        yield* ServerClock.advance("1 second")
        const second = yield* org.client.datasets.copy(project.id, "production", { targetDataset: "c2" })
        yield* eventually(org.client.datasets.copyJobs(project.id, "production"), { until: (jobs) => jobs.every((j) => j.state === "completed") })
        const third = yield* org.client.datasets.copy(project.id, "production", { targetDataset: "c3" })
        const all = yield* org.client.datasets.copyJobs(project.id, "production")
        expect(all.map((j) => j.id)).toEqual([third.jobId, second.jobId, first.jobId])
        expect(all[2]!.withHistory).toBe(false)
        expect((yield* org.client.datasets.copyJobs(project.id, "production", { limit: 2 })).map((j) => j.id))
          .toEqual([third.jobId, second.jobId])
        expect((yield* org.client.datasets.copyJobs(project.id, "production", { offset: 2, limit: 2 })).map((j) => j.id))
          .toEqual([first.jobId])
        expect(yield* org.client.datasets.copyJobs(project.id, "production", { offset: 3 })).toEqual([])
        // By state: jobs only move forward, so asking for the unfinished ones and then the finished
        // ones sees every job at least once, whatever the clock did in between.
        const unfinished = (yield* raw(org.token, `${v}/projects/${project.id}/datasets/production/copy?state=pending,running`))
          .body as Array<SanityApi.CopyJob>
        const finished = yield* org.client.datasets.copyJobs(project.id, "production", { state: ["completed"] })
        expect(unfinished.every((j) => j.state === "pending" || j.state === "running")).toBe(true)
        expect(finished.every((j) => j.state === "completed")).toBe(true)
        expect(finished.map((j) => j.id)).toEqual(expect.arrayContaining([second.jobId, first.jobId]))
        expect(new Set([...unfinished, ...finished].map((j) => j.id))).toEqual(new Set([first.jobId, second.jobId, third.jobId]))
        expect(unfinished.map((j) => j.id)).not.toContain(first.jobId)
        for (const query of ["limit=0", "limit=1001", "offset=-1", "state=bogus", "limit=x"]) {
          const response = yield* raw(org.token, `${v}/projects/${project.id}/datasets/production/copy?${query}`)
          expect(response.status, query).toBe(400)
        }
        // The other datasets' history is their own.
        expect(yield* org.client.datasets.copyJobs(project.id, "c1")).toEqual([])
        // The project's whole history (OFF CLI), here the same three, newest first.
        yield* org.client.datasets.create(project.id, "other")
        const fromOther = yield* org.client.datasets.copy(project.id, "other", { targetDataset: "other-copy" })
        expect((yield* org.client.datasets.projectCopyJobs(project.id, { limit: 2 })).map((j) => j.id))
          .toEqual([fromOther.jobId, third.jobId])
        expect((yield* org.client.datasets.projectCopyJobs(project.id)).map((j) => j.sourceDataset))
          .toEqual(["other", "production", "production", "production"])
      }))
  })

  describe("embeddings settings", () => {
    it.effect("are inactive by default; enabling goes updating → ready; disabling is inactive", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("embeddings")
        const project = yield* newProject(org)
        yield* org.client.datasets.create(project.id, "production")
        expect(yield* org.client.datasets.getEmbeddings(project.id, "production")).toEqual({ enabled: false, status: "inactive" })
        const updating = yield* org.client.datasets.setEmbeddings(project.id, "production", { enabled: true, projection: "{title, author}" })
        expect(updating).toEqual({ enabled: true, projection: "{title, author}", status: "updating" })
        const ready = yield* eventually(org.client.datasets.getEmbeddings(project.id, "production"), { until: (s) => s.status !== "updating" })
        expect(ready).toEqual({ enabled: true, projection: "{title, author}", status: "ready" })
        expect(yield* org.client.datasets.setEmbeddings(project.id, "production", { enabled: false }))
          .toEqual({ enabled: false, status: "inactive" })
        expect(yield* Effect.flip(org.client.datasets.setEmbeddings(project.id, "production", { enabled: true, projection: "title" })))
          .toMatchObject({ _tag: "Validation" })
        expect((yield* org.client.datasets.getEmbeddings(project.id, "production")).status).toBe("inactive")
        // A dataset created with embeddings starts indexing at once.
        yield* org.client.datasets.create(project.id, "indexed", { embeddings: { enabled: true } })
        expect((yield* org.client.datasets.getEmbeddings(project.id, "indexed")).status).toBe("updating")
        expect(yield* Effect.flip(org.client.datasets.getEmbeddings(project.id, "nope"))).toMatchObject({ _tag: "NotFound" })
        const viewer = yield* addSanityMember(org, "viewer")
        expect(yield* Effect.flip(viewer.client.datasets.setEmbeddings(project.id, "production", { enabled: true })))
          .toMatchObject({ _tag: "Forbidden" })
      }))
  })

  describe("tokens", () => {
    it.effect("create returns the secret once; the token is a project member that authenticates, confined to its project", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("tokens")
        const project = yield* newProject(org)
        const elsewhere = yield* newProject(org, "Elsewhere")
        const response = yield* raw(org.token, `${v}/projects/${project.id}/tokens`, {
          method: "POST",
          body: JSON.stringify({ label: "ci", roleName: "viewer" })
        })
        expect(response.status).toBe(201)
        const created = response.body as { id: string; key: string; label: string; projectUserId: string; roles: Array<unknown> }
        expect(created).toMatchObject({ label: "ci", roles: [{ name: "viewer", title: "Viewer" }] })
        expect(created.key.length).toBeGreaterThan(20)
        const listed = yield* org.client.tokens.list(project.id)
        expect(listed).toEqual([expect.objectContaining({ id: created.id, label: "ci", projectUserId: created.projectUserId })])
        expect(JSON.stringify((yield* raw(org.token, `${v}/projects/${project.id}/tokens`)).body)).not.toContain(created.key)
        // The robot is a member of the project.
        const members = (yield* org.client.projects.get(project.id)).members!
        expect(members).toContainEqual(expect.objectContaining({ id: created.projectUserId, isRobot: true }))
        // The token works, as a viewer, on its project only.
        const robot = yield* sanityClient(created.key)
        expect(yield* robot.users.me).toMatchObject({ id: created.projectUserId, email: null, provider: "sanity-token" })
        expect((yield* robot.projects.list()).map((p) => p.id)).toEqual([project.id])
        expect(yield* Effect.flip(robot.projects.get(elsewhere.id))).toMatchObject({ _tag: "NotFound" })
        expect(yield* Effect.flip(robot.datasets.create(project.id, "nope"))).toMatchObject({ _tag: "Forbidden" })
        // A developer token manages.
        const dev = yield* org.client.tokens.create(project.id, { label: "deploy", roleName: "developer" })
        const devClient = yield* sanityClient(dev.key)
        expect((yield* devClient.datasets.create(project.id, "by-robot")).datasetName).toBe("by-robot")
        expect((yield* org.client.datasets.get(project.id, "by-robot")).createdByUserId).toBe(dev.projectUserId)
        expect(yield* Effect.flip(org.client.tokens.create(project.id, { label: "x", roleName: "owner" })))
          .toMatchObject({ _tag: "Validation" })
        // Deleted, it no longer authenticates.
        expect(yield* org.client.tokens.delete(project.id, created.id)).toEqual({ id: created.id, deleted: true })
        expect(yield* Effect.flip(robot.projects.list())).toMatchObject({ _tag: "Unauthorized" })
        expect(yield* Effect.flip(org.client.tokens.delete(project.id, created.id))).toMatchObject({ _tag: "NotFound" })
        expect((yield* org.client.tokens.list(project.id)).map((t) => t.id)).toEqual([dev.id])
      }))
  })

  describe("tags", () => {
    it.effect("create, update, assign, list per dataset; delete is refused while assigned", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("tags")
        const project = yield* newProject(org)
        yield* org.client.datasets.create(project.id, "production")
        yield* org.client.datasets.create(project.id, "staging")
        const created = yield* org.client.tags.create(project.id, {
          name: "live",
          title: "Live",
          description: "Serving traffic",
          metadata: { tone: "positive" }
        })
        expect(created).toMatchObject({ name: "live", title: "Live", description: "Serving traffic", metadata: { tone: "positive" } })
        expect(yield* Effect.flip(org.client.tags.create(project.id, { name: "live", title: "Again" }))).toMatchObject({ _tag: "Conflict" })
        expect(yield* Effect.flip(org.client.tags.create(project.id, { name: "Not Valid", title: "x" }))).toMatchObject({ _tag: "Validation" })
        const updated = yield* org.client.tags.update(project.id, "live", { title: "Production traffic", metadata: { color: "green" } })
        expect(updated).toMatchObject({ name: "live", title: "Production traffic", description: "Serving traffic", metadata: { color: "green" } })
        expect((yield* org.client.tags.list(project.id)).map((t) => t.name)).toEqual(["live"])

        expect((yield* org.client.tags.assign(project.id, "production", "live")).name).toBe("live")
        yield* org.client.tags.assign(project.id, "production", "live")
        expect((yield* org.client.tags.listForDataset(project.id, "production")).map((t) => t.name)).toEqual(["live"])
        expect(yield* org.client.tags.listForDataset(project.id, "staging")).toEqual([])
        expect((yield* org.client.datasets.get(project.id, "production")).tags).toEqual([{ name: "live", title: "Production traffic" }])

        const refused = yield* raw(org.token, `${v}/projects/${project.id}/tags/live`, { method: "DELETE" })
        expect(refused.status).toBe(409)
        expect(refused.body).toMatchObject({ statusCode: 409, error: "Conflict" })
        expect(yield* Effect.flip(org.client.tags.delete(project.id, "live"))).toMatchObject({ _tag: "Conflict" })
        expect((yield* org.client.tags.list(project.id)).map((t) => t.name)).toEqual(["live"])

        // A rename keeps the assignment.
        yield* org.client.tags.update(project.id, "live", { name: "prod" })
        expect((yield* org.client.tags.listForDataset(project.id, "production")).map((t) => t.name)).toEqual(["prod"])
        expect(yield* org.client.tags.unassign(project.id, "production", "prod")).toEqual({ deleted: true })
        expect(yield* Effect.flip(org.client.tags.unassign(project.id, "production", "prod"))).toMatchObject({ _tag: "NotFound" })
        expect(yield* org.client.tags.delete(project.id, "prod")).toEqual({ deleted: true })
        expect(yield* org.client.tags.list(project.id)).toEqual([])
        for (const attempt of <ReadonlyArray<Effect.Effect<unknown, unknown>>>[
          org.client.tags.delete(project.id, "prod"),
          org.client.tags.update(project.id, "prod", { title: "x" }),
          org.client.tags.assign(project.id, "production", "prod"),
          org.client.tags.listForDataset(project.id, "nope")
        ]) {
          expect(yield* Effect.flip(attempt)).toMatchObject({ _tag: "NotFound" })
        }
      }))

    it.effect("deleting a dataset unassigns its tags", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("tags cascade")
        const project = yield* newProject(org)
        yield* org.client.datasets.create(project.id, "temp")
        yield* org.client.tags.create(project.id, { name: "t", title: "T" })
        yield* org.client.tags.assign(project.id, "temp", "t")
        yield* org.client.datasets.delete(project.id, "temp")
        expect(yield* org.client.tags.delete(project.id, "t")).toEqual({ deleted: true })
      }))
  })

  describe("bad input", () => {
    it.effect("wrong types, unknown enum values, malformed and oversized bodies get a 4xx in Sanity's body and change nothing", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("bad input")
        const project = yield* newProject(org)
        yield* org.client.datasets.create(project.id, "production")
        const p = `${v}/projects/${project.id}`
        const attempts: ReadonlyArray<readonly [string, string, string]> = [
          ["POST", `${v}/projects`, "{\"displayName\":42}"],
          ["POST", `${v}/projects`, "{}"],
          ["POST", `${v}/projects`, "[1,2"],
          ["PATCH", p, "{\"metadata\":\"red\"}"],
          ["PATCH", p, "{\"isDisabledByUser\":\"yes\"}"],
          ["POST", `${p}/cors`, "{\"origin\":\"https://ok.example\",\"allowCredentials\":\"true\"}"],
          ["PUT", `${p}/datasets/staging`, "{\"aclMode\":\"secret\"}"],
          ["PUT", `${p}/datasets/staging`, "{\"embeddings\":{\"enabled\":\"yes\"}}"],
          ["PATCH", `${p}/datasets/production`, "{\"aclMode\":7}"],
          ["PUT", `${p}/datasets/production/copy`, "{}"],
          ["PUT", `${p}/datasets/production/settings/embeddings`, "{\"projection\":\"{title}\"}"],
          ["POST", `${p}/tokens`, "{\"label\":\"x\"}"],
          ["POST", `${p}/tags`, "{\"name\":\"t\",\"title\":\"T\",\"metadata\":\"blue\"}"]
        ]
        for (const [method, path, body] of attempts) {
          const response = yield* raw(org.token, path, { method, body })
          expect(response.status, `${method} ${path} ${body}`).toBe(400)
          expect(response.body, `${method} ${path} ${body}`).toMatchObject({ statusCode: 400, error: "Bad Request", message: expect.any(String) })
        }
        const huge = yield* raw(org.token, `${v}/projects`, {
          method: "POST",
          body: JSON.stringify({ displayName: "x", metadata: { blob: "x".repeat(2 * 1024 * 1024) } })
        })
        expect(huge.status).toBe(413)
        expect(huge.body).toMatchObject({ statusCode: 413, error: "Request Entity Too Large" })
        expect((yield* org.client.projects.list()).map((x) => x.id)).toEqual([project.id])
        const after = yield* org.client.projects.get(project.id)
        expect(after).toMatchObject({ displayName: "Project", metadata: {}, isDisabledByUser: false })
        expect((yield* org.client.datasets.list(project.id)).map((d) => [d.name, d.aclMode])).toEqual([["production", "public"]])
        expect(yield* org.client.cors.list(project.id)).toHaveLength(1)
        expect(yield* org.client.tokens.list(project.id)).toEqual([])
        expect(yield* org.client.tags.list(project.id)).toEqual([])
      }))

    it.effect("names the project of a project-host request by its host, {projectId}.<api host>", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("host")
        const project = yield* newProject(org)
        const { baseUrl } = yield* TestServer
        const url = new URL(`${baseUrl}/sanity${v}/datasets`)
        const get = (host: string) =>
          Effect.async<{ status: number; body: string }>((resume) => {
            const req = Http.request(
              { host: url.hostname, port: url.port, path: url.pathname, headers: { host, authorization: `Bearer ${org.token}` } },
              (res) => {
                let body = ""
                res.on("data", (chunk) => body += String(chunk))
                res.on("end", () => resume(Effect.succeed({ status: res.statusCode ?? 0, body })))
              }
            )
            req.end()
          })
        const byHost = yield* get(`${project.id}.api.localhost:${url.port}`)
        expect(byHost.status).toBe(200)
        expect(JSON.parse(byHost.body)).toEqual([])
        expect((yield* get(`zzzzzzzz.api.localhost:${url.port}`)).status).toBe(404)
        expect((yield* get(`127.0.0.1:${url.port}`)).status).toBe(400)
      }))
  })

  describe("documentation", () => {
    it.effect("serves the dialect's OpenAPI document and docs page", () =>
      Effect.gen(function*() {
        const spec = yield* request("/sanity/openapi.json")
        expect(spec.status).toBe(200)
        const doc = spec.body as { servers: Array<{ url: string }>; paths: Record<string, unknown> }
        expect(doc.servers).toEqual([{ url: "/sanity" }])
        expect(Object.keys(doc.paths)).toContain("/{apiVersion}/projects/{projectId}/datasets/{name}/copy")
        expect(Object.keys(doc.paths).every((path) => path.startsWith("/{apiVersion}/"))).toBe(true)
        expect((yield* request("/sanity/docs")).status).toBe(200)
      }))
  })

  describe("features, permissions and users", () => {
    it.effect("lists features and answers one; lists the caller's permissions", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("features")
        const project = yield* newProject(org)
        const features = yield* org.client.features.list(project.id)
        expect(features).toContain("privateDataset")
        expect(yield* org.client.features.has(project.id, "privateDataset")).toBe(true)
        expect(yield* org.client.features.has(project.id, "thirdPartyLogin")).toBe(false)
        const permissions = yield* org.client.permissions(project.id)
        expect(permissions).toContain("sanity.project/read")
        expect(permissions).toContain("sanity.project/update")
      }))

    it.effect("reads the current user, users by id (one or several), and a project's users", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("users")
        const viewer = yield* addSanityMember(org, "viewer")
        const project = yield* newProject(org)
        const me = yield* org.client.users.me
        expect(me).toMatchObject({ role: "administrator", provider: "sanity" })
        expect(me.email).toContain("@")
        const them = yield* org.client.users.get(viewer.userId)
        expect(them).toMatchObject({ id: viewer.userId, isCurrentUser: false, imageUrl: null })
        const both = (yield* raw(org.token, `${v}/users/${me.id},${viewer.userId}`)).body as Array<{ id: string }>
        expect(both.map((u) => u.id).sort()).toEqual([me.id, viewer.userId].sort())
        expect(yield* org.client.users.getInProject(project.id, "me")).toMatchObject({ id: me.id, projectId: project.id, isCurrentUser: true })
        expect((yield* viewer.client.users.getInProject(project.id, me.id)).isCurrentUser).toBe(false)
        expect(yield* Effect.flip(org.client.users.get("nobody"))).toMatchObject({ _tag: "NotFound" })
        const stranger = yield* makeSanityOrg("users other")
        expect(yield* Effect.flip(stranger.client.users.get(me.id))).toMatchObject({ _tag: "NotFound" })
      }))
  })
})
