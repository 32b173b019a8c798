/**
 * A dataset's backups (issue 26, what `sanity backups list|download` read): turning backups on takes
 * one at once of the documents the dataset holds (its deployed schemas), listed newest first with
 * `limit`/`after`/`before`; a backup lists its files a page at a time, each a URL that answers the
 * document with no token, and the archive's documents are what was stored when it was taken.
 */
import { describe, expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { makeSanityOrg } from "../support/SanityOrg.js"
import { layer as testServer, request } from "../support/TestServer.js"

const server = testServer()

const setUp = (name: string) =>
  Effect.gen(function*() {
    const org = yield* makeSanityOrg(name)
    const project = yield* org.client.projects.create({ displayName: name })
    yield* org.client.datasets.create(project.id, "production", { aclMode: "public" })
    return { org, projectId: project.id }
  })

/** A file's URL as the server lists it, fetched as the CLI does: no token. */
const download = (url: string) => request(new URL(url).pathname)

layer(server, { excludeTestServices: true })("Sanity backups", (it) => {
  describe("taken when turned on", () => {
    it.effect("hold the dataset's documents then, each downloadable with no token", () =>
      Effect.gen(function*() {
        const { org, projectId } = yield* setUp("backups")
        const settings = org.client.datasetSettings
        yield* settings.deploySchemas(projectId, "production", {
          schemas: [
            { workspace: { name: "default" }, schema: [{ name: "post", type: "document" }] },
            { workspace: { name: "blog" }, schema: [{ name: "page", type: "document" }] }
          ]
        })
        expect(yield* settings.backups(projectId, "production")).toEqual({ backups: [] })
        expect(yield* settings.setBackups(projectId, "production", true)).toEqual({ enabled: true })
        // Turning it on again takes none.
        yield* settings.setBackups(projectId, "production", true)
        const [taken, ...others] = (yield* settings.backups(projectId, "production")).backups
        expect(others).toEqual([])
        expect(taken).toEqual({ id: expect.any(String), createdAt: expect.stringMatching(/Z$/) })

        const details = yield* settings.backup(projectId, "production", taken!.id)
        expect(details).toMatchObject({ id: taken!.id, createdAt: taken!.createdAt, totalFiles: 2, nextCursor: null })
        const stored = yield* settings.schemas(projectId, "production")
        expect(stored.map((document) => document._id).sort()).toEqual(["_.schemas.blog", "_.schemas.default"])
        expect(details.files.map((file) => [file.name, file.type])).toEqual(stored.map((document) => [`${document._id}.json`, "document"]))
        for (const [index, file] of details.files.entries()) {
          const got = yield* download(file.url)
          expect(got.status).toBe(200)
          expect(got.body).toEqual(JSON.parse(JSON.stringify(stored[index])))
          // One line: what the CLI writes to data.ndjson as it came.
          const [key, name] = new URL(file.url).pathname.split("/").slice(-2)
          expect(yield* org.client.datasetSettings.backupDocument(key!, name!)).toEqual(got.body)
        }

        // Later changes are not in it.
        yield* settings.deleteSchema(projectId, "production", "_.schemas.blog")
        const blog = details.files.find((file) => file.name === "_.schemas.blog.json")!
        expect((yield* download(blog.url)).body).toMatchObject({ _id: "_.schemas.blog" })
      }))

    it.effect("are listed newest first, with limit, after and before; off then on takes another", () =>
      Effect.gen(function*() {
        const { org, projectId } = yield* setUp("backups listed")
        const settings = org.client.datasetSettings
        yield* settings.setBackups(projectId, "production", true)
        yield* settings.setBackups(projectId, "production", false)
        yield* settings.setBackups(projectId, "production", true)
        const all = (yield* settings.backups(projectId, "production")).backups
        expect(all).toHaveLength(2)
        expect(all[0]!.createdAt >= all[1]!.createdAt).toBe(true)
        expect((yield* settings.backups(projectId, "production", { limit: 1 })).backups).toEqual([all[0]])
        expect((yield* settings.backups(projectId, "production", { before: "2000-01-01" })).backups).toEqual([])
        expect((yield* settings.backups(projectId, "production", { after: "2000-01-01" })).backups).toEqual(all)
        expect(yield* Effect.flip(settings.backups(projectId, "production", { after: "yesterday-ish" })))
          .toMatchObject({ _tag: "Validation" })
      }))
  })

  describe("refusals", () => {
    it.effect("an unknown backup, another organization's, a bad cursor or file: 4xx in Sanity's body", () =>
      Effect.gen(function*() {
        const { org, projectId } = yield* setUp("backups refused")
        const settings = org.client.datasetSettings
        yield* settings.setBackups(projectId, "production", true)
        const [taken] = (yield* settings.backups(projectId, "production")).backups
        expect(yield* Effect.flip(settings.backup(projectId, "production", "missing"))).toMatchObject({ _tag: "NotFound" })
        expect(yield* Effect.flip(settings.backup(projectId, "production", taken!.id, "x"))).toMatchObject({ _tag: "Validation" })
        const stranger = yield* makeSanityOrg("backups stranger")
        expect(yield* Effect.flip(stranger.client.datasetSettings.backup(projectId, "production", taken!.id)))
          .toMatchObject({ _tag: "NotFound" })
        expect(yield* request("/sanity/v2025-08-29/backup-files/nokey/0")).toMatchObject({
          status: 404,
          body: { statusCode: 404, error: "Not Found", message: "Backup file not found" }
        })
        // No documents: no file 0.
        const details = yield* settings.backup(projectId, "production", taken!.id)
        expect(details).toMatchObject({ totalFiles: 0, files: [], nextCursor: null })
      }))
  })
})
