/**
 * `createSyncClient` against the reference server: sync.so's own calls as Promises of plain values,
 * the core errors rejected as themselves (the Promise client contract: `PromiseClients.test.ts`).
 */
import { rejectionOf } from "@projectkit/core/PromiseClientSuite"
import { createSyncClient, ProjectsError } from "@projectkit/sync"
import * as Crypto from "node:crypto"
import { describe, expect, it } from "vitest"
import { useClient, useReferenceServer } from "../support/ReferenceServer.js"

const server = useReferenceServer()
const client = useClient(() => createSyncClient({ baseUrl: `${server().url}/sync`, apiKey: server().credentials.sync.apiKey }))

describe("createSyncClient: sync.so's own calls", () => {
  it("neutral projects carry sync.so's record as raw", async () => {
    const created = await client().projects.create({ name: "raw record" })
    expect(created).toMatchObject({ provider: "sync", raw: { name: "raw record", visibility: "USER" } })
    expect((created.raw as { createdAt: unknown }).createdAt).toBe(created.createdAt)
  })

  it("projects, generations (a 422 as InvalidReference), assets, models", async () => {
    const project = await client().sync.projects.create({ name: "own terms", visibility: "ORGANIZATION" })
    expect(project).toMatchObject({ name: "own terms", visibility: "ORGANIZATION", mode: "CREATOR" })
    expect(project.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    const input = [
      { type: "video", url: "https://assets.sync.so/docs/example-video.mp4" },
      { type: "audio", url: "https://assets.sync.so/docs/example-audio.wav" }
    ] as const
    const generation = await client().sync.generations.create({ model: "lipsync-2", projectId: project.id, input })
    expect(generation).toMatchObject({ status: "PENDING", projectId: project.id })
    expect(await client().sync.generations.get(generation.id)).toMatchObject({ id: generation.id })

    const invalid = await rejectionOf(client().sync.generations.create({ model: "lipsync-2", projectId: "no-such-project", input }))
    expect(invalid).toBeInstanceOf(ProjectsError.InvalidReference)
    expect(invalid).toMatchObject({ _tag: "InvalidReference", field: "projectId", id: "no-such-project" })

    await client().sync.assets.create({ url: "https://example.com/a.mp4", type: "VIDEO", projectId: project.id })
    await client().sync.assets.create({ url: "https://example.com/b.mp4", type: "VIDEO", projectId: project.id })
    const assets: Array<string | null> = []
    for await (const asset of client().sync.assets.stream({ projectId: project.id, limit: 1 })) assets.push(asset.projectId)
    expect(assets).toEqual([project.id, project.id])
    expect((await client().sync.models.list()).length).toBeGreaterThan(0)
    const own: Array<string> = []
    for await (const each of client().sync.projects.stream({ searchQuery: "own terms" })) own.push(each.id)
    expect(own).toContain(project.id)
  })

  // Issue 25's calls: an asset uploaded (URL, keyless PUT, register), found by its SHA-256, its
  // download URL serving the bytes, updated, attached and deleted; a generation at work refused
  // deletion as `Conflict`; the catalog of error codes.
  it("uploads, finds, downloads, updates, attaches and deletes an asset; refuses deleting a generation at work", async () => {
    const bytes = new Uint8Array(Crypto.randomBytes(1500))
    const asset = await client().sync.assets.upload({ bytes, name: "clip.mp4", contentType: "video/mp4" }, { type: "VIDEO" })
    expect(asset).toMatchObject({ inputType: "UPLOAD", size: 1500, format: "mp4" })
    const digest = Crypto.createHash("sha256").update(bytes).digest("hex")
    expect((await client().sync.assets.findUploaded(digest, "VIDEO"))?.id).toBe(asset.id)
    const served = await fetch(await client().sync.assets.downloadUrl(asset.id))
    expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true)
    expect(await client().sync.assets.update(asset.id, { visibility: "USER" })).toMatchObject({ id: asset.id, visibility: "USER" })
    const project = await client().sync.projects.create({ name: "promise attach" })
    await client().sync.projects.attachAsset(project.id, asset.id)
    expect((await client().sync.assets.get(asset.id)).projectId).toBe(project.id)
    expect(await client().sync.assets.delete(asset.id)).toEqual({ id: asset.id })
    expect(await rejectionOf(client().sync.assets.get(asset.id))).toBeInstanceOf(ProjectsError.NotFound)

    const generation = await client().sync.generations.create({
      model: "lipsync-2",
      input: [{ type: "video", url: "https://assets.sync.so/docs/example-video.mp4" }, { type: "audio", url: "https://assets.sync.so/docs/example-audio.wav" }]
    })
    const refused = await rejectionOf(client().sync.generations.delete(generation.id))
    // The reference server's generations may finish fast; at work, the delete is a Conflict.
    if (refused instanceof ProjectsError.Conflict) expect(refused._tag).toBe("Conflict")
    else expect((await client().sync.generations.get(generation.id)).status).toMatch(/COMPLETED|FAILED/)
    expect((await client().sync.errors.list()).some((entry) => entry.errorCode === "generation_not_deletable_while_processing")).toBe(true)
  })
})
