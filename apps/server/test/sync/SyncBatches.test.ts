/**
 * Issue 18 on the wire: Create Generation with Files (multipart `POST /v2/generate`) and the Batch
 * API (`POST /v2/batch`, `GET /v2/batch/{id}`, `GET /v2/batch`, the results file), as the
 * official SDK and any HTTP client send them. Runs on SQLite and on PostgreSQL
 * (`PROJECTKIT_TEST_DATABASE_URL`), on the compiled router and on the platform's
 * (`PROJECTKIT_TEST_ROUTER=platform`).
 */
import { describe, expect, layer } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import { makeSyncOrg } from "../support/SyncOrg.js"
import { TestServer, request, layer as testServer } from "../support/TestServer.js"
import { expectedSignature, pendingDeliveries, receiver } from "../support/WebhookReceiver.js"

const server = testServer({
  generations: { pending: "50 millis", processing: "100 millis", pollInterval: "20 millis" },
  webhooks: { retryBaseDelay: "50 millis", maxAttempts: 3, timeout: "2 seconds", pollInterval: "20 millis" }
})

const video = { type: "video" as const, url: "https://assets.sync.so/docs/example-video.mp4" }
const audio = { type: "audio" as const, url: "https://assets.sync.so/docs/example-audio.wav" }

/** `fetch` with a form, answering status and parsed body. */
const post = (path: string, apiKey: string, form: FormData) =>
  Effect.flatMap(TestServer, ({ baseUrl }) =>
    Effect.promise(async () => {
      const response = await fetch(`${baseUrl}${path}`, { method: "POST", headers: { "x-api-key": apiKey }, body: form })
      const text = await response.text()
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // keep the text
      }
      return { status: response.status, body: body as Record<string, unknown> }
    }))

const get = (path: string, apiKey: string) => request(path, { headers: { "x-api-key": apiKey } })

const bytes = (size: number) => new Uint8Array(size).fill(7)

/** A form as the SDK's `generations.createWithFiles` sends it. */
const generationForm = (fields: {
  readonly video?: Blob
  readonly audio?: Blob
  readonly model?: string
  readonly input?: ReadonlyArray<unknown>
  readonly projectId?: string
  readonly extra?: Record<string, string | Blob>
}) => {
  const form = new FormData()
  if (fields.video !== undefined) form.append("video", fields.video, "take.mp4")
  if (fields.audio !== undefined) form.append("audio", fields.audio, "voice.wav")
  if (fields.model !== undefined) form.append("model", fields.model)
  for (const item of fields.input ?? []) form.append("input", JSON.stringify(item))
  if (fields.projectId !== undefined) form.append("projectId", fields.projectId)
  for (const [name, value] of Object.entries(fields.extra ?? {})) form.append(name, value)
  return form
}

const line = (index: number, payload: Record<string, unknown> = { model: "lipsync-2", input: [video, audio] }) =>
  JSON.stringify({ request_id: `req-${index}`, endpoint: "/v2/generate", payload })

const jsonl = (lines: ReadonlyArray<string>) => new Blob([lines.join("\n") + "\n"], { type: "application/jsonl" })

const batchForm = (file: Blob | undefined, fields: Record<string, string> = {}) => {
  const form = new FormData()
  if (file !== undefined) form.append("input", file, "batch.jsonl")
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  return form
}

const twenty = (payload?: (index: number) => Record<string, unknown> | undefined) =>
  Array.from({ length: 20 }, (_, index) => line(index + 1, payload?.(index + 1)))

/** A batch as GET /v2/batch/{id} answers it (sync.so's BatchResponse). */
interface Batch {
  readonly id: string
  readonly created_at: string
  readonly status: string
  readonly metrics: {
    readonly total_generations: number
    readonly success_count: number
    readonly failed_count: number
    readonly pending_count: number
  }
  readonly webhookUrl: string | null
  readonly outputUrl: string
}

/** Polls GET /v2/batch/{id} until `done`. */
const waitFor = (apiKey: string, id: string, done: (batch: Batch) => boolean) =>
  get(`/sync/v2/batch/${id}`, apiKey).pipe(
    Effect.map((current) => current.body as Batch),
    eventually({ until: done, what: `batch ${id}` })
  )

layer(server, { excludeTestServices: true })("sync.so: generations with files and batches", (it) => {
  describe("POST /v2/generate, multipart", () => {
    it.effect("creates the generation, its files becoming measured assets of the organization", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("uploads")
        const project = yield* org.client.projects.create({ name: "Uploads" })
        // Larger than the test server's 1 MB body limit: this route's limit is its own.
        const created = yield* post("/sync/v2/generate", org.apiKey, generationForm({
          video: new Blob([bytes(1_500_000)], { type: "video/mp4" }),
          audio: new Blob([bytes(1000)], { type: "audio/wav" }),
          model: "lipsync-2",
          input: [{ type: "video", url: "https://example.com/ignored.mp4" }],
          projectId: project.id,
          extra: { options: JSON.stringify({ sync_mode: "loop" }), outputFileName: "dubbed" }
        }))
        expect(created.status).toBe(201)
        expect(created.body).toMatchObject({ status: "PENDING", model: "lipsync-2", projectId: project.id, options: { sync_mode: "loop" } })
        const inputs = created.body.input as Array<{ type: string; assetId: string; url: string }>
        expect(inputs.map((item) => item.type).sort()).toEqual(["audio", "video"])
        const videoAsset = yield* org.client.assets.get(inputs.find((item) => item.type === "video")!.assetId)
        expect(videoAsset).toMatchObject({
          type: "VIDEO",
          inputType: "UPLOAD",
          size: 1_500_000,
          name: "take.mp4",
          format: "mp4",
          projectId: project.id
        })
        expect(videoAsset.url).toBe(inputs.find((item) => item.type === "video")!.url)
        const listed = yield* get("/sync/v2/generations", org.apiKey)
        expect((listed.body as Array<{ id: string }>).map((each) => each.id)).toEqual([created.body.id])
      }))

    it.effect("refuses a file of 20 MB with 413, and a foreign projectId with 422, creating nothing", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("upload refusals")
        const other = yield* makeSyncOrg("upload other")
        const foreign = yield* other.client.projects.create({ name: "Not yours" })
        const tooLarge = yield* post("/sync/v2/generate", org.apiKey, generationForm({
          video: new Blob([bytes(20 * 1024 * 1024)]),
          audio: new Blob([bytes(10)]),
          model: "lipsync-2"
        }))
        expect(tooLarge.status).toBe(413)
        expect(tooLarge.body).toMatchObject({ statusCode: 413, message: expect.stringContaining("20MB") })

        const refused = yield* post("/sync/v2/generate", org.apiKey, generationForm({
          video: new Blob([bytes(100)]),
          audio: new Blob([bytes(10)]),
          model: "lipsync-2",
          projectId: foreign.id
        }))
        expect(refused.status).toBe(422)
        expect(refused.body.statusCode).toBe(422)

        const missingModel = yield* post("/sync/v2/generate", org.apiKey, generationForm({ video: new Blob([bytes(10)]), input: [audio] }))
        expect(missingModel.status).toBe(400)
        const badJson = yield* post("/sync/v2/generate", org.apiKey, generationForm({ model: "lipsync-2", extra: { input: "{nope" } }))
        expect(badJson).toMatchObject({ status: 400, body: { message: "input: not valid JSON" } })
        const noVideo = yield* post("/sync/v2/generate", org.apiKey, generationForm({ model: "lipsync-2", input: [audio] }))
        expect(noVideo.status).toBe(400)
        const strayFile = yield* post("/sync/v2/generate", org.apiKey, generationForm({
          model: "lipsync-2",
          input: [video, audio],
          extra: { other: new Blob([bytes(3)]) }
        }))
        expect(strayFile.status).toBe(400)
        const anonymous = yield* post("/sync/v2/generate", "sk-not-a-key", generationForm({ model: "lipsync-2", input: [video, audio] }))
        expect(anonymous.status).toBe(401)

        expect((yield* get("/sync/v2/generations", org.apiKey)).body).toEqual([])
        expect((yield* org.client.assets.list()).items).toEqual([])
      }))

    it.effect("accepts URL inputs alone, as the JSON form does", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("upload urls")
        const created = yield* post("/sync/v2/generate", org.apiKey, generationForm({ model: "lipsync-2", input: [video, audio] }))
        expect(created.status).toBe(201)
        expect(created.body.input).toEqual([video, audio])
      }))
  })

  describe("POST /v2/batch", () => {
    it.effect("refuses malformed files with 400 naming the line, and creates nothing", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("batch refusals")
        const refusals: Array<[FormData, RegExp]> = [
          [batchForm(undefined), /input/],
          [batchForm(jsonl([])), /empty/],
          [batchForm(jsonl([...twenty().slice(0, 4), "{not json", ...twenty().slice(4)])), /line 5: not valid JSON/],
          [batchForm(jsonl([...twenty(), JSON.stringify({ request_id: "x", endpoint: "/v2/other", payload: {} })])), /line 21: endpoint/],
          [batchForm(jsonl([...twenty(), line(3)])), /line 21: request_id "req-3" is already used on line 3/],
          [batchForm(jsonl(twenty().slice(0, 19))), /at least 20/],
          [batchForm(jsonl(Array.from({ length: 501 }, (_, index) => line(index)))), /more than 500/],
          [batchForm(jsonl(twenty()), { dry_run: "maybe" }), /dry_run/],
          [batchForm(jsonl(twenty()), { webhook_url: "file:///etc/passwd" }), /webhook_url/]
        ]
        for (const [form, message] of refusals) {
          const answer = yield* post("/sync/v2/batch", org.apiKey, form)
          expect({ status: answer.status, statusCode: answer.body.statusCode }).toEqual({ status: 400, statusCode: 400 })
          expect(answer.body.message).toMatch(message)
        }
        // Above the test server's 1 MB body limit: the route's own 5 MB limit answers, as the file streams in.
        const tooLarge = yield* post("/sync/v2/batch", org.apiKey, batchForm(new Blob([bytes(5 * 1024 * 1024 + 1)])))
        expect(tooLarge).toMatchObject({ status: 413, body: { statusCode: 413, message: expect.stringContaining("5MB") } })
        // The same without a Content-Length (streamed, chunked), past every limit of the route: still 413.
        const streamed = yield* Effect.flatMap(TestServer, ({ baseUrl }) =>
          Effect.promise(async () => {
            const form = new Response(batchForm(new Blob([bytes(8 * 1024 * 1024)])))
            const response = await fetch(`${baseUrl}/sync/v2/batch`, {
              method: "POST",
              headers: { "x-api-key": org.apiKey, "content-type": form.headers.get("content-type")! },
              body: form.body,
              duplex: "half"
            } as RequestInit)
            return { status: response.status, body: await response.json() as Record<string, unknown> }
          }))
        expect(streamed).toMatchObject({ status: 413, body: { statusCode: 413 } })
        const large = yield* post("/sync/v2/batch", org.apiKey, batchForm(new Blob([bytes(2 * 1024 * 1024)])))
        expect(large.status).toBe(400)
        expect((yield* get("/sync/v2/batch", org.apiKey)).body).toEqual([])
        expect((yield* get("/sync/v2/generations", org.apiKey)).body).toEqual([])
      }))

    it.effect("validates a dry run without creating anything", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("batch dry run")
        const other = yield* makeSyncOrg("batch dry run other")
        const foreign = yield* other.client.projects.create({ name: "Not yours" })
        const valid = yield* post("/sync/v2/batch", org.apiKey, batchForm(jsonl(twenty()), { dry_run: "true" }))
        expect(valid).toEqual({ status: 200, body: { status: "VALIDATED" } })
        const invalid = yield* post(
          "/sync/v2/batch",
          org.apiKey,
          batchForm(jsonl(twenty((index) => index === 7 ? { model: "lipsync-2", input: [video, audio], projectId: foreign.id } : undefined)), {
            dry_run: "true"
          })
        )
        expect(invalid.status).toBe(400)
        expect(invalid.body.message).toMatch(/^input line 7: projectId/)
        expect((yield* get("/sync/v2/batch", org.apiKey)).body).toEqual([])
        expect((yield* get("/sync/v2/generations", org.apiKey)).body).toEqual([])
      }))

    it.effect("runs a batch to COMPLETED: metrics, failing lines, results file, signed webhook, filters, tenancy", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("batch lifecycle")
        const other = yield* makeSyncOrg("batch lifecycle other")
        const project = yield* org.client.projects.create({ name: "Batch" })
        const foreign = yield* other.client.projects.create({ name: "Not yours" })
        const hook = yield* receiver(0)
        const lines = twenty((index) =>
          index === 2
            ? { model: "lipsync-2", input: [video, audio], projectId: foreign.id }
            : index === 3
            ? { model: "not-a-model", input: [video, audio] }
            : index === 4
            ? { model: "lipsync-2", input: [{ type: "video", url: "https://example.com/projectkit-fail.mp4" }, audio] }
            : { model: "lipsync-2", input: [video, audio], projectId: project.id }
        )
        const created = yield* post("/sync/v2/batch", org.apiKey, batchForm(jsonl(["", ...lines]), { webhook_url: hook.url }))
        expect(created.status).toBe(201)
        expect(created.body).toMatchObject({
          status: "PENDING",
          webhookUrl: hook.url,
          outputUrl: "",
          metrics: { total_generations: 20, success_count: 0, failed_count: 2, pending_count: 18 }
        })
        expect(created.body.id).toMatch(/^batch_[0-9a-z]{24}$/)
        const id = created.body.id as string

        const done = yield* waitFor(org.apiKey, id, (batch) => batch.status === "COMPLETED")
        expect(done.metrics).toEqual({ total_generations: 20, success_count: 17, failed_count: 3, pending_count: 0 })
        const { baseUrl } = yield* TestServer
        expect(done.outputUrl).toBe(`${baseUrl}/sync/v2/batches/${id}/result`)

        // The accepted lines became ordinary generations, filed under their project.
        const generations = (yield* get("/sync/v2/generations", org.apiKey)).body as Array<{ projectId: string | null }>
        expect(generations).toHaveLength(18)
        expect(generations.filter((generation) => generation.projectId === project.id)).toHaveLength(17)

        const results = yield* get(`/sync/v2/batches/${id}/result`, org.apiKey)
        expect(results.status).toBe(200)
        const resultLines = String(results.body).trim().split("\n").map((text) => JSON.parse(text))
        expect(resultLines).toHaveLength(20)
        expect(resultLines[0]).toMatchObject({ request_id: "req-1", response: { status: "COMPLETED" } })
        expect(resultLines[1]).toMatchObject({ request_id: "req-2", error: { code: "invalid_project" } })
        expect(resultLines[2]).toMatchObject({ request_id: "req-3", error: { code: "validation_error" } })
        expect(resultLines[3]).toMatchObject({ request_id: "req-4", response: { status: "FAILED" } })

        // Delivered, and nothing more pending: no second delivery can arrive.
        yield* Effect.sync(() => hook.received.length).pipe(eventually({ until: (received) => received > 0 }))
        yield* pendingDeliveries(org.id).pipe(eventually({ until: (pending) => pending === 0 }))
        expect(hook.received).toHaveLength(1)
        const delivery = hook.received[0]!
        expect(delivery.headers["webhook-signature"]).toBe(expectedSignature(org.webhookSecret, delivery))
        expect(JSON.parse(delivery.body)).toMatchObject({
          id,
          status: "COMPLETED",
          metrics: { totalGenerations: 20, successCount: 17, failedCount: 3, pendingCount: 0 },
          outputUrl: done.outputUrl,
          webhookUrl: hook.url,
          createdAt: created.body.created_at,
          options: {}
        })

        expect(((yield* get("/sync/v2/batch?status=COMPLETED", org.apiKey)).body as Array<{ id: string }>).map((b) => b.id)).toEqual([id])
        expect((yield* get("/sync/v2/batch?status=PENDING", org.apiKey)).body).toEqual([])
        expect((yield* get(`/sync/v2/batch?created_after=${encodeURIComponent(String(created.body.created_at))}`, org.apiKey)).body).toEqual([])
        expect((yield* get("/sync/v2/batch?created_before=2100-01-01T00:00:00Z", org.apiKey)).body).toHaveLength(1)
        expect((yield* get("/sync/v2/batch?status=DONE", org.apiKey)).status).toBe(400)
        expect((yield* get("/sync/v2/batch?created_after=yesterday", org.apiKey)).status).toBe(400)

        expect((yield* get(`/sync/v2/batch/${id}`, other.apiKey)).status).toBe(404)
        expect((yield* get(`/sync/v2/batches/${id}/result`, other.apiKey)).status).toBe(404)
        expect((yield* get("/sync/v2/batch", other.apiKey)).body).toEqual([])
        expect((yield* get("/sync/v2/batch/batch_000000000000000000000000", org.apiKey)).status).toBe(404)
      }).pipe(Effect.scoped))

    it.effect("ends FAILED when no line succeeds", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("batch failed")
        const created = yield* post("/sync/v2/batch", org.apiKey, batchForm(jsonl(twenty(() => ({ model: "nope", input: [video, audio] })))))
        expect(created.status).toBe(201)
        expect(created.body.metrics).toEqual({ total_generations: 20, success_count: 0, failed_count: 20, pending_count: 0 })
        const done = yield* waitFor(org.apiKey, String(created.body.id), (batch) => batch.status === "FAILED")
        expect(done.outputUrl).toContain(`/sync/v2/batches/${created.body.id}/result`)
      }))
  })

  describe("through SyncClient", () => {
    it.effect("createWithFiles from a Blob, a File and bytes; 413 and 422 as core errors", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("client uploads")
        const project = yield* org.client.projects.create({ name: "Client uploads" })
        const created = yield* org.client.generations.createWithFiles({
          model: "lipsync-2",
          video: new File([bytes(2048)], "clip.mov", { type: "video/quicktime" }),
          audio: { bytes: bytes(512), name: "line.wav" },
          projectId: project.id,
          options: { sync_mode: "bounce" }
        })
        expect(created).toMatchObject({ status: "PENDING", projectId: project.id, options: { sync_mode: "bounce" } })
        const assets = yield* org.client.assets.list({ projectId: project.id, sortBy: "nameAsc" })
        expect(assets.items.map((asset) => [asset.name, asset.type, asset.size, asset.format, asset.inputType])).toEqual([
          ["clip.mov", "VIDEO", 2048, "mov", "UPLOAD"],
          ["line.wav", "AUDIO", 512, "wav", "UPLOAD"]
        ])
        const tooLarge = yield* Effect.flip(org.client.generations.createWithFiles({
          model: "lipsync-2",
          video: new Blob([bytes(20 * 1024 * 1024)]),
          input: [audio]
        }))
        expect(tooLarge).toMatchObject({ _tag: "Validation", reason: "TooLarge" })
        const foreign = yield* Effect.flip(org.client.generations.createWithFiles({
          model: "lipsync-2",
          video: new Blob([bytes(10)]),
          input: [audio],
          projectId: "00000000-0000-4000-8000-000000000000"
        }))
        expect(foreign).toMatchObject({ _tag: "InvalidReference", field: "projectId" })
      }))

    it.effect("creates batches from lines or a file, gets, lists and reads the results", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("client batches")
        const lines = Array.from({ length: 20 }, (_, index) => ({
          request_id: `c${index}`,
          endpoint: "/v2/generate" as const,
          payload: { model: "lipsync-2" as const, input: [video, audio] as const }
        }))
        expect(yield* org.client.batches.create({ input: lines, dryRun: true })).toEqual({ status: "VALIDATED" })
        const created = yield* org.client.batches.create({ input: lines })
        expect(created).toMatchObject({ status: "PENDING", metrics: { total_generations: 20, pending_count: 20 } })
        const id = (created as { id: string }).id
        expect((yield* org.client.batches.get(id)).id).toBe(id)
        const early = yield* Effect.flip(org.client.batches.results(id))
        expect(early._tag).toBe("NotFound")
        yield* waitFor(org.apiKey, id, (batch) => batch.status === "COMPLETED")
        const results = yield* org.client.batches.results(id)
        expect(results.map((line) => [line.request_id, line.response?.status])).toEqual(
          lines.map((line) => [line.request_id, "COMPLETED"])
        )
        const file = { bytes: new TextEncoder().encode(twenty().join("\n")), name: "more.jsonl" }
        const second = yield* org.client.batches.create({ input: file })
        const listed = yield* org.client.batches.list()
        expect(listed.map((batch) => batch.id)).toEqual([(second as { id: string }).id, id])
        expect((yield* org.client.batches.list({ status: "COMPLETED" })).map((batch) => batch.id)).toEqual([id])
        const refused = yield* Effect.flip(org.client.batches.create({ input: lines.slice(0, 5) }))
        expect(refused._tag).toBe("Validation")
      }))
  })
})
