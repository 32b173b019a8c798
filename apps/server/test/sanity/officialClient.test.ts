/**
 * Compatibility with Sanity's official client, `@sanity/client`, pointed at the reference server
 * (`apiHost` = the server's `/sanity`, `useProjectHostname: false`): what it sends is what the
 * real API receives, so the server must answer it as Sanity would.
 */
import { describe, expect, layer } from "@effect/vitest"
import { createClient } from "@sanity/client"
import * as Effect from "effect/Effect"
import { makeSanityOrg } from "../support/SanityOrg.js"
import { TestServer, layer as testServer } from "../support/TestServer.js"

const official = (token: string, projectId: string) =>
  Effect.map(TestServer, ({ baseUrl }) =>
    createClient({
      projectId,
      apiHost: `${baseUrl}/sanity`,
      useProjectHostname: false,
      apiVersion: "2021-06-07",
      token,
      useCdn: false
    }))

layer(testServer(), { excludeTestServices: true })("@sanity/client against the reference server", (it) => {
  describe("projects, datasets and users", () => {
    it.effect("lists and gets projects; creates, edits, lists and deletes datasets; reads users.getById('me')", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("official client")
        const first = yield* org.client.projects.create({ displayName: "Official one" })
        const second = yield* org.client.projects.create({ displayName: "Official two" })
        const client = yield* official(org.token, first.id)

        const projects = yield* Effect.promise(() => client.projects.list())
        expect(projects.map((p) => [p.id, p.displayName])).toEqual([[first.id, "Official one"], [second.id, "Official two"]])
        const light = yield* Effect.promise(() => client.projects.list({ includeMembers: false }))
        expect(light[0]).not.toHaveProperty("members")
        const project = yield* Effect.promise(() => client.projects.getById(first.id))
        expect(project).toMatchObject({ id: first.id, displayName: "Official one", organizationId: org.id, studioHost: null })
        expect(project.members[0]).toMatchObject({ isCurrentUser: true, isRobot: false })

        // create/edit/delete go to the project host's `/datasets/{name}` (named by X-Sanity-Project-ID).
        expect(yield* Effect.promise(() => client.datasets.create("production")))
          .toMatchObject({ datasetName: "production", aclMode: "public" })
        expect(yield* Effect.promise(() => client.datasets.create("secret", { aclMode: "private" })))
          .toMatchObject({ datasetName: "secret", aclMode: "private" })
        expect(yield* Effect.promise(() => client.datasets.edit("secret", { aclMode: "public" })))
          .toMatchObject({ datasetName: "secret", aclMode: "public" })
        const datasets = yield* Effect.promise(() => client.datasets.list())
        expect(datasets.map((d) => [d.name, d.aclMode])).toEqual([["production", "public"], ["secret", "public"]])
        expect(yield* Effect.promise(() => client.datasets.delete("secret"))).toEqual({ deleted: true })
        expect((yield* Effect.promise(() => client.datasets.list())).map((d) => d.name)).toEqual(["production"])
        // The server saw the same as the typed client sees.
        expect((yield* org.client.datasets.list(first.id)).map((d) => d.name)).toEqual(["production"])

        const me = yield* Effect.promise(() => client.users.getById("me"))
        expect(me).toMatchObject({ id: (yield* org.client.users.me).id, role: "administrator", provider: "sanity" })
      }))

    it.effect("surfaces Sanity's error bodies as ClientError with the status and message", () =>
      Effect.gen(function*() {
        const org = yield* makeSanityOrg("official errors")
        const project = yield* org.client.projects.create({ displayName: "Errors" })
        const client = yield* official(org.token, project.id)
        const missing = yield* Effect.promise(() => client.projects.getById("zzzzzzzz").then(() => null, (error: unknown) => error))
        expect(missing).toMatchObject({ statusCode: 404, responseBody: expect.stringContaining("Project not found") })
        yield* Effect.promise(() => client.datasets.create("taken"))
        const duplicate = yield* Effect.promise(() => client.datasets.create("taken").then(() => null, (error: unknown) => error))
        expect(duplicate).toMatchObject({ statusCode: 409 })
        const stranger = yield* official("sk-not-a-token", project.id)
        const unauthorized = yield* Effect.promise(() => stranger.projects.list().then(() => null, (error: unknown) => error))
        expect(unauthorized).toMatchObject({ statusCode: 401 })
        expect(String((unauthorized as Error).message)).toContain("Session not found")
      }))
  })
})
