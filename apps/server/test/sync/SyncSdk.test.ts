/**
 * Compatibility with the official client: `@sync.so/sdk` 0.3.0, pointed at the reference server by
 * its `baseUrl` and otherwise unchanged. Every public method of it is called here and behaves as
 * its documentation says: assets.list, assets.get, batch.create, batch.get, batch.list,
 * generations.create, createWithFiles, get, list, estimateCost, models.list (the test below checks
 * the list against the SDK's own clients). The SDK has no call to register an asset, so assets are
 * registered with `SyncClient` first.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Sync, SyncClient as OfficialClient, SyncError } from "@sync.so/sdk"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import { makeSyncOrg } from "../support/SyncOrg.js"
import { TestServer, layer as testServer } from "../support/TestServer.js"
import { receiver } from "../support/WebhookReceiver.js"

const server = testServer({
  generations: { pending: "50 millis", processing: "100 millis", pollInterval: "20 millis" },
  webhooks: { retryBaseDelay: "50 millis", maxAttempts: 3, timeout: "2 seconds", pollInterval: "20 millis" }
})

/** The rejection of `promise` (undefined when it resolves). */
const rejection = (promise: () => Promise<unknown>) =>
  Effect.promise(() => promise().then(() => undefined, (error: unknown) => error))

/** Every public method of the SDK's resource clients, as `resource.method`. */
const publicMethods = (sdk: OfficialClient): ReadonlyArray<string> =>
  (["assets", "batch", "generations", "models"] as const).flatMap((resource) => {
    const client = sdk[resource] as object
    return Object.getOwnPropertyNames(Object.getPrototypeOf(client))
      .filter((name) => name !== "constructor" && !name.startsWith("_"))
      .map((name) => `${resource}.${name}`)
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

        const completed = yield* Effect.promise(() => sdk.generations.get(created.id)).pipe(
          eventually({ until: (current) => current.status === "COMPLETED", what: "the generation's completion" })
        )
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

  it.effect("has exactly the public methods this test calls", () =>
    Effect.gen(function*() {
      const sdk = yield* officialClient("sk-any")
      expect([...publicMethods(sdk)].sort()).toEqual([
        "assets.get",
        "assets.list",
        "batch.create",
        "batch.get",
        "batch.list",
        "generations.create",
        "generations.createWithFiles",
        "generations.estimateCost",
        "generations.get",
        "generations.list",
        "models.list"
      ])
    }))

  describe("generations with files", () => {
    it.effect("createWithFiles uploads the files as assets and creates the generation", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("sdk uploads")
        const sdk = yield* officialClient(org.apiKey)
        const video = new File([new Uint8Array(4096).fill(1)], "take.mp4", { type: "video/mp4" })
        const audio = new File([new Uint8Array(1024).fill(2)], "voice.wav", { type: "audio/wav" })
        const created = yield* Effect.promise(() =>
          sdk.generations.createWithFiles(video, audio, { model: "lipsync-2", input: [], options: { sync_mode: "cut_off" } })
        )
        expect(created).toMatchObject({ status: "PENDING", model: "lipsync-2", options: { sync_mode: "cut_off" } })
        const uploaded = created.input as Array<{ type: string; assetId?: string; url?: string }>
        expect(uploaded.map((item) => item.type).sort()).toEqual(["audio", "video"])
        const asset = yield* Effect.promise(() => sdk.assets.get(uploaded.find((item) => item.type === "video")!.assetId!))
        expect(asset).toMatchObject({ type: "VIDEO", inputType: "UPLOAD", size: 4096, name: "take.mp4", format: "mp4" })

        // A URL input with a file for the audio, as the page's "combining both file and url inputs".
        const mixed = yield* Effect.promise(() =>
          sdk.generations.createWithFiles(undefined, audio, { model: "lipsync-2", input: [input[0]!] })
        )
        expect((mixed.input as Array<{ type: string }>).map((item) => item.type).sort()).toEqual(["audio", "video"])

        // Refusals arrive as the SDK's errors: a missing video is its BadRequestError.
        const refused = yield* rejection(() =>
          sdk.generations.createWithFiles(undefined, audio, { model: "lipsync-2", input: [] }, { maxRetries: 0 })
        )
        expect(refused).toBeInstanceOf(Sync.BadRequestError)
      }))
  })

  describe("batches", () => {
    const jsonl = (count: number) =>
      new File(
        [Array.from({ length: count }, (_, index) =>
          JSON.stringify({ request_id: `r${index}`, endpoint: "/v2/generate", payload: { model: "lipsync-2", input } })).join("\n")],
        "batch.jsonl",
        { type: "application/jsonl" }
      )

    it.effect("create (and a dry run), get and list a batch, which completes and notifies", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("sdk batches")
        const sdk = yield* officialClient(org.apiKey)
        const hook = yield* receiver(0)

        const validated = yield* Effect.promise(() => sdk.batch.create(jsonl(20), { dry_run: true }))
        expect(validated).toEqual({ status: "VALIDATED" })
        expect(yield* Effect.promise(() => sdk.batch.list())).toEqual([])

        const created = yield* Effect.promise(() => sdk.batch.create(jsonl(20), { webhook_url: hook.url, dry_run: false }))
        expect(created).toMatchObject({
          status: "PENDING",
          outputUrl: "",
          webhookUrl: hook.url,
          metrics: { total_generations: 20, success_count: 0, failed_count: 0, pending_count: 20 }
        })
        const id = (created as Sync.BatchResponse).id

        const fetched = yield* Effect.promise(() => sdk.batch.get(id))
        expect(fetched.id).toBe(id)
        const listed = yield* Effect.promise(() => sdk.batch.list())
        expect(listed.map((batch) => batch.id)).toEqual([id])

        const completed = yield* Effect.promise(() => sdk.batch.get(id)).pipe(
          eventually({ until: (current) => current.status === "COMPLETED", what: "the batch's completion" })
        )
        expect(completed.metrics).toEqual({ total_generations: 20, success_count: 20, failed_count: 0, pending_count: 0 })
        expect(completed.outputUrl).toMatch(new RegExp(`/sync/v2/batches/${id}/result$`))
        const byStatus = yield* Effect.promise(() => sdk.batch.list({ status: "COMPLETED" }))
        expect(byStatus.map((batch) => batch.id)).toEqual([id])
        expect(yield* Effect.promise(() => sdk.batch.list({ status: "PENDING" }))).toEqual([])
        expect(yield* Effect.promise(() => sdk.batch.list({ created_before: "2000-01-01T00:00:00Z" }))).toEqual([])

        const results = yield* Effect.promise(async () => {
          const response = await fetch(completed.outputUrl, { headers: { "x-api-key": org.apiKey } })
          return (await response.text()).trim().split("\n").map((text) => JSON.parse(text) as { request_id: string; response: { status: string } })
        })
        expect(results.map((line) => line.request_id)).toEqual(Array.from({ length: 20 }, (_, index) => `r${index}`))
        expect(results.every((line) => line.response.status === "COMPLETED")).toBe(true)

        yield* Effect.sync(() => hook.received.length).pipe(eventually({ until: (received) => received > 0 }))
        expect(JSON.parse(hook.received[0]!.body)).toMatchObject({ id, status: "COMPLETED" })
      }).pipe(Effect.scoped))

    it.effect("refusals are the SDK's own errors", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("sdk batch errors")
        const sdk = yield* officialClient(org.apiKey)
        const tooFew = yield* rejection(() => sdk.batch.create(jsonl(3), {}, { maxRetries: 0 }))
        expect(tooFew).toBeInstanceOf(Sync.BadRequestError)
        expect((tooFew as Sync.BadRequestError).body).toMatchObject({ statusCode: 400, message: expect.stringContaining("at least 20") })
        const missing = yield* rejection(() => sdk.batch.get("batch_000000000000000000000000", { maxRetries: 0 }))
        expect(missing).toBeInstanceOf(Sync.NotFoundError)
        const anonymous = yield* officialClient("sk-not-a-key")
        expect(yield* rejection(() => anonymous.batch.list({}, { maxRetries: 0 }))).toBeInstanceOf(Sync.UnauthorizedError)
      }))
  })

  describe("models", () => {
    it.effect("lists the models", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("sdk models")
        const sdk = yield* officialClient(org.apiKey)
        const models = yield* Effect.promise(() => sdk.models.list())
        expect(models.map((model) => model.id)).toEqual(expect.arrayContaining(["lipsync-2", "lipsync-2-pro", "sync-3"]))
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
