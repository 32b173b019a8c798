/**
 * Compatibility with the official client: `@sync.so/sdk`, pointed at the reference server by its
 * `baseUrl` and otherwise unchanged, creates, gets and lists generations and lists and gets assets.
 * The SDK has no call to register an asset, so assets are registered with `SyncClient` first.
 */
import { describe, expect, layer } from "@effect/vitest"
import { SyncClient as OfficialClient, SyncError } from "@sync.so/sdk"
import * as Effect from "effect/Effect"
import { makeSyncOrg } from "../support/SyncOrg.js"
import { TestServer, layer as testServer } from "../support/TestServer.js"

const server = testServer({
  generations: { pending: "50 millis", processing: "100 millis", pollInterval: "20 millis" }
})

const officialClient = (apiKey: string) =>
  Effect.map(TestServer, ({ baseUrl }) => new OfficialClient({ apiKey, baseUrl: `${baseUrl}/sync` }))

const input = [
  { type: "video" as const, url: "https://assets.sync.so/docs/example-video.mp4" },
  { type: "audio" as const, url: "https://assets.sync.so/docs/example-audio.wav" }
]

layer(server, { excludeTestServices: true })("@sync.so/sdk against the reference server", (it) => {
  describe("generations", () => {
    it.effect("creates, gets and lists a generation, and sees it complete", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("sdk generations")
        const sdk = yield* officialClient(org.apiKey)
        const created = yield* Effect.promise(() =>
          sdk.generations.create({ input, model: "lipsync-2", options: { sync_mode: "loop" } })
        )
        expect(created.status).toBe("PENDING")
        expect(created.model).toBe("lipsync-2")

        const fetched = yield* Effect.promise(() => sdk.generations.get(created.id))
        expect(fetched.id).toBe(created.id)

        const listed = yield* Effect.promise(() => sdk.generations.list())
        expect(listed.map((generation) => generation.id)).toContain(created.id)

        const completed = yield* Effect.promise(async () => {
          for (let attempt = 0; attempt < 200; attempt++) {
            const current = await sdk.generations.get(created.id)
            if (current.status === "COMPLETED") return current
            await new Promise((resolve) => setTimeout(resolve, 25))
          }
          throw new Error("the generation never completed")
        })
        expect(completed.outputUrl).toEqual(expect.any(String))
        const [cost] = yield* Effect.promise(() => sdk.generations.estimateCost({ input, model: "lipsync-2" }))
        expect(cost).toBeDefined()
      }))

    it.effect("surfaces the server's errors as the SDK's own errors", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("sdk errors")
        const sdk = yield* officialClient(org.apiKey)
        const missing = yield* Effect.promise(() =>
          sdk.generations.get("00000000-0000-4000-8000-000000000000", { maxRetries: 0 }).then(
            () => undefined,
            (error: unknown) => error
          )
        )
        expect(missing).toBeInstanceOf(SyncError)
        expect((missing as SyncError).statusCode).toBe(404)

        const intruder = yield* officialClient("sk-not-a-key")
        const refused = yield* Effect.promise(() =>
          intruder.generations.list(undefined, { maxRetries: 0 }).then(() => undefined, (error: unknown) => error)
        )
        expect((refused as SyncError).statusCode).toBe(401)
      }))
  })

  describe("assets", () => {
    it.effect("lists with filters and gets an asset with every documented field", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("sdk assets")
        const sdk = yield* officialClient(org.apiKey)
        const project = yield* org.client.projects.create({ name: "Assets" })
        const video = yield* org.client.assets.create({
          type: "VIDEO",
          url: "https://assets.sync.so/docs/example-video.mp4",
          name: "Interview take 1",
          projectId: project.id,
          durationSeconds: 12.5,
          width: 1920,
          height: 1080
        })
        yield* org.client.assets.create({ type: "AUDIO", url: "https://assets.sync.so/docs/example-audio.wav", name: "Voice" })

        const fetched = yield* Effect.promise(() => sdk.assets.get(video.id))
        expect(fetched).toMatchObject({ id: video.id, type: "VIDEO", name: "Interview take 1", width: 1920, height: 1080 })

        const all = yield* Effect.promise(() => sdk.assets.list())
        expect(all.items.map((asset) => asset.id)).toContain(video.id)
        expect(all.items).toHaveLength(2)

        const filtered = yield* Effect.promise(() => sdk.assets.list({ projectId: project.id, types: ["VIDEO"] }))
        expect(filtered.items.map((asset) => asset.id)).toEqual([video.id])
      }))
  })
})
