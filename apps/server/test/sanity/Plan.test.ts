/**
 * An organization's Sanity plan (issue 26): by default every feature the server implements, and the
 * control plane's `sanityFeature.<name>` switches mimic a smaller plan — the feature lists answer
 * it, and what it lacks is refused in Sanity's body with nothing stored.
 */
import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { makeSanityOrg, setSanityFeatures } from "../support/SanityOrg.js"
import { request } from "../support/TestServer.js"
import { layer as testServer } from "../support/TestServer.js"

const server = testServer()

/** The features one real project shows in recorded traffic (issue 26). */
const recordedPlan = [
  "activityFeed",
  "contentSourceMapping",
  "editorialAiFieldActions",
  "embeddingsIndexApi",
  "noVersionRevival",
  "privateDataset",
  "roleContributor",
  "roleDeveloper",
  "roleEditor",
  "roleViewer",
  "sanityTasks",
  "scheduledPublishing",
  "singleDocRelease",
  "studioComments",
  "supportCommunity",
  "toggle.schema.upload-pause",
  "toggle.user-application.upload-live-manifest"
]

const setUp = (name: string) =>
  Effect.gen(function*() {
    const org = yield* makeSanityOrg(name)
    const project = yield* org.client.projects.create({ displayName: name })
    yield* org.client.datasets.create(project.id, "production", { aclMode: "public" })
    /** A raw call with the organization's token, for Sanity's exact bodies. */
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      request(`/sanity${path}`, {
        method,
        headers: {
          authorization: `Bearer ${org.token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
    return { org, projectId: project.id, call }
  })

const forbidden = (feature: string) => ({
  statusCode: 403,
  error: "Forbidden",
  message: expect.stringContaining(`"${feature}"`)
})

layer(server, { excludeTestServices: true })("an organization's Sanity plan", (it) => {
  describe("by default", () => {
    it.effect("has every feature the server implements, advancedDatasetManagement included", () =>
      Effect.gen(function*() {
        const { call, org, projectId } = yield* setUp("plan default")
        const features = yield* org.client.features.list(projectId)
        expect(features).toEqual(expect.arrayContaining([...recordedPlan, "advancedDatasetManagement", "embeddingsIndex"]))
        expect(features).toHaveLength(recordedPlan.length + 2)
        expect((yield* org.client.projects.get(projectId)).features).toEqual(features)
        // The project host's list is the same.
        const here = yield* call("GET", "/v2025-09-16/features", undefined, { "x-sanity-project-id": projectId })
        expect(here).toMatchObject({ status: 200, body: features })
        // The control plane shows each switch on.
        const settings = yield* setSanityFeatures(org, {})
        expect(settings).toMatchObject({ "sanityFeature.advancedDatasetManagement": true, "sanityFeature.roleEditor": true })
      }))
  })

  describe("the recorded real plan", () => {
    it.effect("answers its list, and refuses aliases and copies without advancedDatasetManagement, storing nothing", () =>
      Effect.gen(function*() {
        const { call, org, projectId } = yield* setUp("plan recorded")
        const settings = yield* setSanityFeatures(org, { advancedDatasetManagement: false, embeddingsIndex: false })
        expect(settings).toMatchObject({ "sanityFeature.advancedDatasetManagement": false, "sanityFeature.privateDataset": true })
        expect(yield* org.client.features.list(projectId)).toEqual(recordedPlan)
        expect((yield* org.client.projects.get(projectId)).features).toEqual(recordedPlan)
        expect((yield* org.client.projects.list())[0]?.features).toEqual(recordedPlan)
        expect(yield* org.client.features.has(projectId, "advancedDatasetManagement")).toBe(false)
        expect(yield* org.client.features.has(projectId, "privateDataset")).toBe(true)

        const host = { "x-sanity-project-id": projectId }
        const alias = yield* call("PUT", "/v2025-09-16/aliases/conf", { datasetName: "production" }, host)
        expect(alias).toMatchObject({ status: 403, body: forbidden("advancedDatasetManagement") })
        expect(yield* Effect.flip(org.client.aliases.create(projectId, "conf"))).toMatchObject({ _tag: "Forbidden" })
        expect(yield* org.client.aliases.list(projectId)).toEqual([])
        const copy = yield* call("PUT", `/v2025-09-16/projects/${projectId}/datasets/production/copy`, {
          targetDataset: "copied",
          skipHistory: true
        })
        expect(copy).toMatchObject({ status: 403, body: forbidden("advancedDatasetManagement") })
        expect((yield* org.client.datasets.list(projectId)).map((d) => d.name)).toEqual(["production"])
        expect(yield* org.client.datasets.projectCopyJobs(projectId)).toEqual([])

        // Back on, the same requests pass.
        yield* setSanityFeatures(org, { advancedDatasetManagement: true })
        expect(yield* org.client.aliases.create(projectId, "conf", "production")).toEqual({ name: "conf", datasetName: "production" })
      }))
  })

  describe("a smaller plan", () => {
    it.effect("refuses private datasets, embeddings and the roles it lacks; lists only its roles", () =>
      Effect.gen(function*() {
        const { call, org, projectId } = yield* setUp("plan small")
        yield* setSanityFeatures(org, { privateDataset: false, embeddingsIndexApi: false, roleEditor: false, roleContributor: false })
        const features = yield* org.client.features.list(projectId)
        expect(features).not.toContain("privateDataset")
        expect(features).not.toContain("roleEditor")
        expect(features).toContain("roleViewer")

        const v = "/v2025-09-16/projects/" + projectId
        expect(yield* call("PUT", `${v}/datasets/secret`, { aclMode: "private" }))
          .toMatchObject({ status: 403, body: forbidden("privateDataset") })
        expect(yield* call("PATCH", `${v}/datasets/production`, { aclMode: "private" }))
          .toMatchObject({ status: 403, body: forbidden("privateDataset") })
        expect(yield* call("PUT", `${v}/datasets/indexed`, { embeddings: { enabled: true } }))
          .toMatchObject({ status: 403, body: forbidden("embeddingsIndexApi") })
        expect(yield* call("PUT", `${v}/datasets/production/settings/embeddings`, { enabled: true }))
          .toMatchObject({ status: 403, body: forbidden("embeddingsIndexApi") })
        const datasets = yield* org.client.datasets.list(projectId)
        expect(datasets.map((d) => [d.name, d.aclMode])).toEqual([["production", "public"]])
        expect((yield* org.client.datasets.getEmbeddings(projectId, "production")).enabled).toBe(false)
        // What the plan has still passes: a public dataset, embeddings off.
        expect(yield* call("PUT", `${v}/datasets/open`, { aclMode: "public" })).toMatchObject({ status: 201 })
        expect(yield* call("PUT", `${v}/datasets/production/settings/embeddings`, { enabled: false })).toMatchObject({ status: 200 })

        // Roles: the lists leave out what the plan lacks; giving one is refused.
        const roles = (yield* org.client.members.roles(projectId)).map((role) => role.name)
        expect(roles).toEqual(["administrator", "developer", "viewer", "deploy-studio"])
        expect((yield* org.client.access.roles(projectId)).data.map((role) => role.name)).toEqual(roles)
        expect(yield* call("POST", `/v2025-07-11/invitations/project/${projectId}`, { email: "a@example.com", role: "editor" }))
          .toMatchObject({ status: 403, body: forbidden("roleEditor") })
        expect(yield* call("POST", `/v2025-07-11/access/project/${projectId}/robots`, {
          label: "ci",
          memberships: [{ resourceType: "project", resourceId: projectId, roleNames: ["contributor"] }]
        })).toMatchObject({ status: 403, body: forbidden("roleContributor") })
        expect(yield* Effect.flip(org.client.tokens.create(projectId, { label: "ci", roleName: "editor" })))
          .toMatchObject({ _tag: "Forbidden" })
        expect(yield* org.client.members.invitations(projectId)).toEqual([])
        expect(yield* org.client.tokens.list(projectId)).toEqual([])
        // Roles it has pass.
        expect(yield* org.client.members.invite(projectId, { email: "b@example.com", role: "viewer" }))
          .toMatchObject({ email: "b@example.com" })
        expect(yield* org.client.tokens.create(projectId, { label: "deploy", roleName: "deploy-studio" }))
          .toMatchObject({ label: "deploy" })
      }))

    it.effect("is the organization's alone", () =>
      Effect.gen(function*() {
        const small = yield* setUp("plan small one")
        const other = yield* setUp("plan other")
        yield* setSanityFeatures(small.org, { advancedDatasetManagement: false })
        expect(yield* other.org.client.features.has(other.projectId, "advancedDatasetManagement")).toBe(true)
        expect(yield* other.org.client.aliases.create(other.projectId, "conf")).toEqual({ name: "conf", datasetName: null })
      }))
  })
})
