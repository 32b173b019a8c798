/**
 * Compatibility with Sanity's official client, `@sanity/client`, pointed at the reference server
 * the way a user would (`apiHost` = the server's `/sanity`, `useProjectHostname: false`): what it
 * sends is what the real API receives, so the server must answer it as Sanity's documents say.
 *
 * This file calls every public method of the client's `projects`, `datasets` and `users` (and
 * their Observable twins); officialManagement.test.ts covers what the client reaches through
 * `client.request` (CORS, tokens, tags, features, permissions, copy jobs). Both run every scenario
 * with the workspace's client (7.28) and with 8.15, which needs Node 22 and so runs in a child
 * process (support/OfficialClientProcess.ts); 8.15 skips, saying why, only when npm cannot install
 * it.
 */
import { describe, expect, layer } from "@effect/vitest"
import type { Vitest } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import * as OfficialClientProcess from "../support/OfficialClientProcess.js"
import type { OfficialClient } from "../support/OfficialSanity.js"
import { call, lastValue, official, refusal, thrownBeforeSending } from "../support/OfficialSanity.js"
import { addSanityMember, makeSanityOrg } from "../support/SanityOrg.js"
import type { ServerClock } from "../support/ServerClock.js"
import type { TestServer } from "../support/TestServer.js"
import { layer as testServer } from "../support/TestServer.js"

const server = testServer({
  sanity: { copyPending: "300 millis", copyRunning: "300 millis", embeddingsUpdating: "500 millis", pollInterval: "20 millis" }
})

/** Sanity's (Boom's) error body. */
const boom = (statusCode: number, error: string) => ({ statusCode, error, message: expect.any(String) })

const scenarios = (it: Vitest.MethodsNonLive<TestServer | ServerClock | OfficialClient, true>) => {
  describe("projects", () => {
    it.effect("list (every option) and getById answer the documented project shape", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("official client")
        const first = yield* org.client.projects.create({ displayName: "Official one" })
        const second = yield* org.client.projects.create({ displayName: "Official two" })
        const client = yield* official(org.token, first.id)
        const me = yield* org.client.users.me

        const projects = yield* call(() => client.projects.list())
        expect(projects.map((p) => [p.id, p.displayName])).toEqual([[first.id, "Official one"], [second.id, "Official two"]])
        // DOC: id, displayName, studioHost, organizationId, metadata, isBlocked, isDisabled,
        // activityFeedEnabled, createdAt, members; the client's type adds isDisabledByUser and features.
        expect(projects[0]).toMatchObject({
          id: first.id,
          displayName: "Official one",
          studioHost: null,
          organizationId: org.id,
          metadata: {},
          isBlocked: false,
          isDisabled: false,
          isDisabledByUser: false,
          activityFeedEnabled: true,
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          features: expect.arrayContaining(["privateDataset"])
        })
        expect(projects[0]!.members).toContainEqual(expect.objectContaining({ id: me.id, isCurrentUser: true, isRobot: false }))

        const light = yield* call(() => client.projects.list({ includeMembers: false }))
        expect(light.map((p) => p.id)).toEqual([first.id, second.id])
        expect(light[0]).not.toHaveProperty("members")
        expect(light[0]).toHaveProperty("features")
        const noFeatures = yield* call(() => client.projects.list({ includeFeatures: false }))
        expect(noFeatures[0]).not.toHaveProperty("features")
        expect(noFeatures[0]).toHaveProperty("members")
        const bare = yield* call(() => client.projects.list({ includeMembers: false, includeFeatures: false }))
        expect(bare[0]).not.toHaveProperty("members")
        expect(bare[0]).not.toHaveProperty("features")
        expect((yield* call(() => client.projects.list({ organizationId: org.id }))).map((p) => p.id))
          .toEqual([first.id, second.id])
        expect(yield* call(() => client.projects.list({ organizationId: "o-someone-else" }))).toEqual([])
        // Every person of the organization is a member of its projects explicitly.
        expect((yield* call(() => client.projects.list({ onlyExplicitMembership: true }))).map((p) => p.id))
          .toEqual([first.id, second.id])

        const project = yield* call(() => client.projects.getById(second.id))
        expect(project).toMatchObject({ id: second.id, displayName: "Official two", organizationId: org.id, studioHost: null })
        expect(project.members[0]).toMatchObject({ id: me.id, isCurrentUser: true, isRobot: false })

        // The Observable twins answer the same.
        expect((yield* call(() => lastValue(client.observable.projects.list({ includeMembers: false })))).map((p) => p.id))
          .toEqual([first.id, second.id])
        expect((yield* call(() => lastValue(client.observable.projects.getById(first.id)))).displayName).toBe("Official one")
      }))

    it.effect("an unknown project, a bad token and a missing grant are ClientErrors with Sanity's body", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("official errors")
        const project = yield* org.client.projects.create({ displayName: "Errors" })
        const client = yield* official(org.token, project.id)
        const missing = yield* refusal(() => client.projects.getById("zzzzzzzz"))
        expect(missing).toMatchObject({ statusCode: 404, body: boom(404, "Not Found"), message: "Not Found - Project not found" })
        const stranger = yield* official("sk-not-a-token", project.id)
        const unauthorized = yield* refusal(() => stranger.projects.list())
        expect(unauthorized).toMatchObject({
          statusCode: 401,
          body: { statusCode: 401, error: "Unauthorized", message: "Session not found", errorCode: "SIO-401-ANF" }
        })
        expect(unauthorized.message).toBe("Unauthorized - Session not found")
        // Another organization's project is unknown, not forbidden.
        const other = yield* makeSanityOrg("official errors other")
        const theirs = yield* official(other.token, project.id)
        expect(yield* refusal(() => theirs.projects.getById(project.id))).toMatchObject({ statusCode: 404 })
      }))
  })

  describe("datasets", () => {
    it.effect("create, edit, list and delete on the project host's /datasets/{name}, named by X-Sanity-Project-ID", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("official datasets")
        const project = yield* org.client.projects.create({ displayName: "Datasets" })
        const client = yield* official(org.token, project.id)
        const me = yield* org.client.users.me

        // REC: `{datasetName, aclMode, description: null}`; aclMode defaults to public (DOC).
        expect(yield* call(() => client.datasets.create("production")))
          .toEqual({ datasetName: "production", aclMode: "public", description: null })
        expect(yield* call(() => client.datasets.create("secret", { aclMode: "private" })))
          .toMatchObject({ datasetName: "secret", aclMode: "private" })
        expect(yield* call(() => client.datasets.create("indexed", { embeddings: { enabled: true, projection: "{title}" } })))
          .toMatchObject({ datasetName: "indexed", aclMode: "public" })
        expect(yield* call(() => client.datasets.edit("secret", { aclMode: "public" })))
          .toMatchObject({ datasetName: "secret", aclMode: "public" })
        expect(yield* call(() => client.datasets.edit("secret", { aclMode: "private" })))
          .toMatchObject({ datasetName: "secret", aclMode: "private" })

        const datasets = yield* call(() => client.datasets.list())
        expect(datasets.map((d) => [d.name, d.aclMode])).toEqual([["production", "public"], ["secret", "private"], ["indexed", "public"]])
        // REC: `{name, aclMode, createdAt, createdByUserId, tags}`.
        expect(datasets[0]).toMatchObject({ name: "production", createdAt: expect.stringMatching(/Z$/), createdByUserId: me.id, tags: [] })
        expect(yield* call(() => client.datasets.delete("secret"))).toEqual({ deleted: true })
        expect((yield* call(() => client.datasets.list())).map((d) => d.name)).toEqual(["production", "indexed"])
        // The server saw the same as the typed client sees.
        expect((yield* org.client.datasets.list(project.id)).map((d) => d.name)).toEqual(["production", "indexed"])

        // The Observable twins.
        expect(yield* call(() => lastValue(client.observable.datasets.create("staging", { aclMode: "private" }))))
          .toMatchObject({ datasetName: "staging", aclMode: "private" })
        expect(yield* call(() => lastValue(client.observable.datasets.edit("staging", { aclMode: "public" }))))
          .toMatchObject({ datasetName: "staging", aclMode: "public" })
        expect((yield* call(() => lastValue(client.observable.datasets.list()))).map((d) => d.name))
          .toEqual(["production", "indexed", "staging"])
        expect(yield* call(() => lastValue(client.observable.datasets.delete("staging")))).toEqual({ deleted: true })
      }))

    it.effect("refusals: a taken name 409, an unknown dataset 404, a viewer 403, an invalid acl mode 400", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("official dataset errors")
        const project = yield* org.client.projects.create({ displayName: "Errors" })
        const client = yield* official(org.token, project.id)
        yield* call(() => client.datasets.create("taken"))
        expect(yield* refusal(() => client.datasets.create("taken"))).toMatchObject({ statusCode: 409, body: boom(409, "Conflict") })
        expect(yield* refusal(() => client.datasets.edit("nope", { aclMode: "private" })))
          .toMatchObject({ statusCode: 404, body: boom(404, "Not Found") })
        expect(yield* refusal(() => client.datasets.delete("nope"))).toMatchObject({ statusCode: 404 })
        // The client checks names itself (it throws before sending); the server checks them too.
        expect(yield* thrownBeforeSending(() => client.datasets.create("Not-Valid"))).toContain("Datasets can only contain")
        expect(yield* refusal(() => client.datasets.create("ends-with-dash-")))
          .toMatchObject({ statusCode: 400, body: boom(400, "Bad Request") })
        // An acl mode the API does not know.
        const odd = { aclMode: "secretive" } as unknown as { aclMode: "private" }
        expect(yield* refusal(() => client.datasets.create("odd", odd))).toMatchObject({ statusCode: 400 })
        const viewer = yield* addSanityMember(org, "viewer")
        const viewing = yield* official(viewer.token, project.id)
        expect((yield* call(() => viewing.datasets.list())).map((d) => d.name)).toEqual(["taken"])
        const forbidden = yield* refusal(() => viewing.datasets.create("mine"))
        expect(forbidden).toMatchObject({ statusCode: 403, body: boom(403, "Forbidden") })
        expect(forbidden.message).toContain("sanity.project.datasets/create")
        expect(yield* refusal(() => viewing.datasets.delete("taken"))).toMatchObject({ statusCode: 403 })
        // A project the token cannot see answers 404, through the header as through the path.
        const elsewhere = yield* official(org.token, "zzzzzzzz")
        expect(yield* refusal(() => elsewhere.datasets.list())).toMatchObject({ statusCode: 404 })
        expect(yield* refusal(() => elsewhere.datasets.create("x"))).toMatchObject({ statusCode: 404 })
      }))

    it.effect("getEmbeddingsSettings and editEmbeddingsSettings: inactive, updating → ready, inactive again", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("official embeddings")
        const project = yield* org.client.projects.create({ displayName: "Embeddings" })
        const client = yield* official(org.token, project.id)
        yield* call(() => client.datasets.create("production"))
        expect(yield* call(() => client.datasets.getEmbeddingsSettings("production"))).toEqual({ enabled: false, status: "inactive" })
        // The client types the answer as void; the documents give the settings back.
        const edited: unknown = yield* call(() =>
          client.datasets.editEmbeddingsSettings("production", { enabled: true, projection: "{title, author}" })
        )
        expect(edited).toEqual({ enabled: true, projection: "{title, author}", status: "updating" })
        const ready = yield* eventually(
          call(() => client.datasets.getEmbeddingsSettings("production")),
          { until: (settings) => settings.status !== "updating" }
        )
        expect(ready).toEqual({ enabled: true, projection: "{title, author}", status: "ready" })
        yield* call(() => client.datasets.editEmbeddingsSettings("production", { enabled: false }))
        expect(yield* call(() => client.datasets.getEmbeddingsSettings("production"))).toEqual({ enabled: false, status: "inactive" })
        // A dataset created with embeddings starts indexing at once.
        yield* call(() => client.datasets.create("indexed", { embeddings: { enabled: true } }))
        expect(yield* call(() => lastValue(client.observable.datasets.getEmbeddingsSettings("indexed"))))
          .toMatchObject({ enabled: true, status: expect.stringMatching(/^(updating|ready)$/) })
        yield* call(() => lastValue(client.observable.datasets.editEmbeddingsSettings("indexed", { enabled: false })))
        expect((yield* call(() => client.datasets.getEmbeddingsSettings("indexed"))).status).toBe("inactive")

        expect(yield* refusal(() => client.datasets.editEmbeddingsSettings("production", { enabled: true, projection: "title" })))
          .toMatchObject({ statusCode: 400, body: boom(400, "Bad Request") })
        expect(yield* refusal(() => client.datasets.getEmbeddingsSettings("nope"))).toMatchObject({ statusCode: 404 })
        const viewer = yield* addSanityMember(org, "viewer")
        const viewing = yield* official(viewer.token, project.id)
        expect((yield* call(() => viewing.datasets.getEmbeddingsSettings("production"))).enabled).toBe(false)
        expect(yield* refusal(() => viewing.datasets.editEmbeddingsSettings("production", { enabled: true })))
          .toMatchObject({ statusCode: 403 })
      }))
  })

  describe("configuration", () => {
    it.effect("other API versions (v1, vX, a later date) and a request tag prefix change nothing", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("official configuration")
        const project = yield* org.client.projects.create({ displayName: "Configured" })
        for (const apiVersion of ["1", "X", "2025-09-16"]) {
          const client = yield* official(org.token, project.id, apiVersion)
          expect((yield* call(() => client.projects.list())).map((p) => p.id)).toEqual([project.id])
          expect(yield* call(() => client.datasets.list())).toEqual([])
          expect((yield* call(() => client.users.getById("me"))).role).toBe("administrator")
        }
        // With `requestTagPrefix` the client adds `?tag=…` to what it sends (not to dataset calls).
        const tagged = (yield* official(org.token, project.id)).withConfig({ requestTagPrefix: "projectkit.tests" })
        expect((yield* call(() => tagged.projects.list({ includeMembers: false }))).map((p) => p.id)).toEqual([project.id])
        expect((yield* call(() => tagged.projects.getById(project.id))).id).toBe(project.id)
        expect(yield* call(() => tagged.request({ uri: `/projects/${project.id}/cors`, tag: "cors.list" })))
          .toHaveLength(1)
      }))
  })

  describe("users", () => {
    it.effect("getById: 'me' is the current user with its role; an id the project's user; several ids a list", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("official users")
        const viewer = yield* addSanityMember(org, "viewer")
        const project = yield* org.client.projects.create({ displayName: "Users" })
        const client = yield* official(org.token, project.id)
        const meId = (yield* org.client.users.me).id

        // OFF `CurrentSanityUser`: {id, name, email, profileImage, role, provider}.
        const me = yield* call(() => client.users.getById("me"))
        expect(me).toEqual({
          id: meId,
          name: expect.any(String),
          email: expect.stringContaining("@"),
          profileImage: null,
          role: "administrator",
          provider: "sanity"
        })
        // OFF `SanityUser` (DOC: the project's user): the client names the project by its header.
        const them = yield* call(() => client.users.getById(viewer.userId))
        expect(them).toEqual({
          id: viewer.userId,
          sanityUserId: viewer.userId,
          projectId: project.id,
          displayName: expect.any(String),
          familyName: null,
          givenName: null,
          middleName: null,
          imageUrl: null,
          createdAt: expect.stringMatching(/Z$/),
          updatedAt: expect.stringMatching(/Z$/),
          isCurrentUser: false,
          provider: "sanity"
        })
        // Several ids, comma-joined (OFF CLI): a list of those found.
        const both = (yield* call(() => client.users.getById(`${meId},${viewer.userId}`))) as unknown as ReadonlyArray<{ id: string }>
        expect(both.map((user) => user.id).sort()).toEqual([meId, viewer.userId].sort())
        expect(yield* call(() => lastValue(client.observable.users.getById("me")))).toMatchObject({ id: meId })
        const viewing = yield* official(viewer.token, project.id)
        expect(yield* call(() => viewing.users.getById("me"))).toMatchObject({ id: viewer.userId, role: "viewer" })

        // ROUTES, DOC: `/projects/{id}/users/{userId}` ("me" allowed), reached by `request`.
        expect(yield* call(() => client.request({ uri: `/projects/${project.id}/users/me`, useGlobalApi: true })))
          .toMatchObject({ id: meId, projectId: project.id, isCurrentUser: true })
        expect(yield* call(() => client.request({ uri: `/projects/${project.id}/users/${viewer.userId}` })))
          .toMatchObject({ id: viewer.userId, projectId: project.id, isCurrentUser: false })

        const nobody = yield* refusal(() => client.users.getById("nobody"))
        expect(nobody).toMatchObject({ statusCode: 404, body: boom(404, "Not Found") })
        // The project the header names must be one the caller sees.
        const elsewhere = yield* official(org.token, "zzzzzzzz")
        expect(yield* refusal(() => elsewhere.users.getById(viewer.userId))).toMatchObject({ statusCode: 404 })
        const other = yield* makeSanityOrg("official users other")
        const stranger = yield* official(other.token, project.id)
        expect(yield* refusal(() => stranger.users.getById(meId))).toMatchObject({ statusCode: 404 })
      }))
  })
}

// Every scenario runs with the workspace's @sanity/client (7.28) and with 8.15 (Node 22 child).
const client8 = await OfficialClientProcess.prepare()

layer(server, { excludeTestServices: true })("@sanity/client against the reference server", (it) => {
  OfficialClientProcess.forBothVersions(it, client8, scenarios)
})
