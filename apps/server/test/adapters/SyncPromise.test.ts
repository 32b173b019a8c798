/**
 * `createSyncClient` against the reference server: the Promise client contract, then sync.so's own
 * calls as Promises of plain values, the core errors rejected as themselves.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { rejectionOf, suite } from "@projectkit/core/PromiseClientSuite"
import { createSyncClient, ProjectsError, SyncClient } from "@projectkit/sync"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { useReferenceServer } from "../support/ReferenceServer.js"

const server = useReferenceServer()
const connect = (apiKey = server().credentials.sync.apiKey) => createSyncClient({ baseUrl: `${server().url}/sync`, apiKey })

suite("createSyncClient → reference server", {
  provider: "sync",
  client: () => connect(),
  refused: () => connect("sk-wrong"),
  own: {
    key: "sync",
    service: async () => {
      const service = await Effect.runPromise(SyncClient.make({ apiKey: "k" }).pipe(Effect.provide(FetchHttpClient.layer)))
      return { own: service, projects: SyncClient.makeProjects(service) }
    }
  }
})

describe("createSyncClient: sync.so's own calls", () => {
  let client: ReturnType<typeof connect>
  beforeAll(() => {
    client = connect()
  })
  afterAll(() => client.close())

  it("neutral projects carry sync.so's record as raw", async () => {
    const created = await client.projects.create({ name: "raw record" })
    expect(created).toMatchObject({ provider: "sync", raw: { name: "raw record", visibility: "USER" } })
    expect((created.raw as { createdAt: unknown }).createdAt).toBe(created.createdAt)
  })

  it("projects, generations (a 422 as InvalidReference), assets, models", async () => {
    const project = await client.sync.projects.create({ name: "own terms", visibility: "ORGANIZATION" })
    expect(project).toMatchObject({ name: "own terms", visibility: "ORGANIZATION", mode: "CREATOR" })
    expect(project.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    const input = [
      { type: "video", url: "https://assets.sync.so/docs/example-video.mp4" },
      { type: "audio", url: "https://assets.sync.so/docs/example-audio.wav" }
    ] as const
    const generation = await client.sync.generations.create({ model: "lipsync-2", projectId: project.id, input })
    expect(generation).toMatchObject({ status: "PENDING", projectId: project.id })
    expect(await client.sync.generations.get(generation.id)).toMatchObject({ id: generation.id })

    const invalid = await rejectionOf(client.sync.generations.create({ model: "lipsync-2", projectId: "no-such-project", input }))
    expect(invalid).toBeInstanceOf(ProjectsError.InvalidReference)
    expect(invalid).toMatchObject({ _tag: "InvalidReference", field: "projectId", id: "no-such-project" })

    await client.sync.assets.create({ url: "https://example.com/a.mp4", type: "VIDEO", projectId: project.id })
    await client.sync.assets.create({ url: "https://example.com/b.mp4", type: "VIDEO", projectId: project.id })
    const assets: Array<string | null> = []
    for await (const asset of client.sync.assets.stream({ projectId: project.id, limit: 1 })) assets.push(asset.projectId)
    expect(assets).toEqual([project.id, project.id])
    expect((await client.sync.models.list()).length).toBeGreaterThan(0)
    const own: Array<string> = []
    for await (const each of client.sync.projects.stream({ searchQuery: "own terms" })) own.push(each.id)
    expect(own).toContain(project.id)
  })
})
