/**
 * `createSyncClient` against the reference server: sync.so's own calls as Promises of plain values,
 * the core errors rejected as themselves (the Promise client contract: `PromiseClients.test.ts`).
 */
import { rejectionOf } from "@projectkit/core/PromiseClientSuite"
import { createSyncClient, ProjectsError } from "@projectkit/sync"
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
})
