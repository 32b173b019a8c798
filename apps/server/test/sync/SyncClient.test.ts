/**
 * `SyncClient` against the reference server over real HTTP: every endpoint and every rule of the
 * sync.so dialect.
 */
import { describe, expect, layer } from "@effect/vitest"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { eventually } from "@projectkit/core/Eventually"
import { type SyncApi, SyncClient } from "@projectkit/sync"
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as Crypto from "node:crypto"
import * as ServerClock from "../support/ServerClock.js"
import { addSyncMember, makeSyncOrg, type SyncOrg } from "../support/SyncOrg.js"
import { request, TestServer, layer as testServer } from "../support/TestServer.js"
import { expectedSignature, pendingDeliveries, receiver } from "../support/WebhookReceiver.js"

const server = testServer({
  generations: { pending: "100 millis", processing: "200 millis", pollInterval: "20 millis" },
  webhooks: { retryBaseDelay: "100 millis", maxAttempts: 5, timeout: "2 seconds", pollInterval: "20 millis" }
})

const video = { type: "video", url: "https://assets.sync.so/docs/example-video.mp4" } as const
const audio = { type: "audio", url: "https://assets.sync.so/docs/example-audio.wav" } as const

/** A raw request with an organization's key, for what the typed client cannot send. */
const raw = (org: SyncOrg, path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) =>
  request(`/sync${path}`, {
    ...init,
    headers: { "x-api-key": org.apiKey, "content-type": "application/json", ...init.headers }
  })

const unique = (label: string) => `${label} ${Crypto.randomUUID().slice(0, 8)}`

/** Polls a generation until it has finished. */
const finished = (org: SyncOrg, id: string) =>
  org.client.generations.get(id).pipe(
    eventually({ until: (generation) => generation.status === "COMPLETED" || generation.status === "FAILED" })
  )

layer(server, { excludeTestServices: true })("sync.so dialect through SyncClient", (it) => {
  describe("projects", () => {
    it.effect("creates with only a name: visibility USER, mode CREATOR", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("defaults")
        const created = yield* org.client.projects.create({ name: "  My API Project  " })
        expect(created).toMatchObject({ name: "My API Project", visibility: "USER", mode: "CREATOR" })
        expect(DateTime.toEpochMillis(created.createdAt)).toBe(DateTime.toEpochMillis(created.updatedAt))
        expect(yield* org.client.projects.get(created.id)).toEqual(created)
        const shared = yield* org.client.projects.create({ name: "Shared", visibility: "ORGANIZATION", mode: "CREATOR" })
        expect(shared.visibility).toBe("ORGANIZATION")
      }))

    it.effect("PATCH changes only the fields sent, and an empty PATCH changes nothing", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("patch")
        const created = yield* org.client.projects.create({ name: "Before", visibility: "ORGANIZATION" })
        yield* ServerClock.advance("1 second")
        const renamed = yield* org.client.projects.update(created.id, { name: "After" })
        expect(renamed).toMatchObject({ id: created.id, name: "After", visibility: "ORGANIZATION", mode: "CREATOR" })
        expect(DateTime.toEpochMillis(renamed.updatedAt)).toBeGreaterThanOrEqual(DateTime.toEpochMillis(created.updatedAt) + 1000)
        expect(renamed.createdAt).toEqual(created.createdAt)
        const hidden = yield* org.client.projects.update(created.id, { visibility: "USER" })
        expect(hidden).toMatchObject({ name: "After", visibility: "USER" })
        const untouched = yield* org.client.projects.update(created.id, {})
        expect(untouched).toEqual(hidden)
        expect(yield* org.client.projects.get(created.id)).toEqual(hidden)
      }))

    it.effect("deletes; the project is then unknown to get, patch and delete", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("delete")
        const created = yield* org.client.projects.create({ name: "Doomed" })
        yield* org.client.projects.delete(created.id)
        for (const attempt of [
          org.client.projects.get(created.id),
          org.client.projects.update(created.id, { name: "x" }),
          org.client.projects.delete(created.id)
        ]) {
          expect(yield* Effect.flip(attempt)).toMatchObject({ _tag: "NotFound", resource: "project", id: created.id })
        }
      }))

    it.effect("lists with search, each sort, and cursors that visit every project once", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("list")
        const names = ["delta", "Alpha", "charlie", "bravo", "echo", "alphabet", "Foxtrot"]
        const created = []
        for (const name of names) created.push(yield* org.client.projects.create({ name }))
        const all = (params: Parameters<typeof org.client.projects.stream>[0]) =>
          Effect.map(Stream.runCollect(org.client.projects.stream(params)), Chunk.toReadonlyArray)
        // Default: newest created first.
        expect((yield* all({ limit: 2 })).map((p) => p.name)).toEqual([...names].reverse())
        expect((yield* all({ limit: 3, sortBy: "name" })).map((p) => p.name)).toEqual(
          ["Alpha", "Foxtrot", "alphabet", "bravo", "charlie", "delta", "echo"]
        )
        // Touch one: it moves to the front of updatedAt (newest first).
        yield* ServerClock.advance("1 second")
        yield* org.client.projects.update(created[2]!.id, { name: "charlie!" })
        expect((yield* all({ limit: 4, sortBy: "updatedAt" }))[0]!.name).toBe("charlie!")
        expect((yield* all({ searchQuery: "ALPHA", sortBy: "name" })).map((p) => p.name)).toEqual(["Alpha", "alphabet"])
        expect(yield* all({ searchQuery: "%" })).toEqual([])
        const first = yield* org.client.projects.list({ limit: 5 })
        expect(first.items).toHaveLength(5)
        expect(first.nextCursor).toBeTypeOf("string")
        const last = yield* org.client.projects.list({ limit: 5, cursor: first.nextCursor! })
        expect(last.items).toHaveLength(2)
        expect(last.nextCursor ?? null).toBeNull()
      }))

    it.effect("refuses tampered, malformed and foreign cursors with 400", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("cursors")
        for (const name of ["a", "b", "c"]) yield* org.client.projects.create({ name })
        const page = yield* org.client.projects.list({ limit: 1, sortBy: "name" })
        const cursor = page.nextCursor!
        const tampered = cursor.slice(0, -2) + (cursor.endsWith("a") ? "bb" : "aa")
        for (const params of [
          { cursor: tampered, sortBy: "name" as const },
          { cursor: "not-a-cursor" },
          { cursor, sortBy: "updatedAt" as const },
          { cursor, sortBy: "name" as const, searchQuery: "a" }
        ]) {
          expect((yield* Effect.flip(org.client.projects.list(params)))._tag).toBe("Validation")
        }
        const other = yield* makeSyncOrg("cursors, elsewhere")
        expect((yield* Effect.flip(other.client.projects.list({ cursor, sortBy: "name" })))._tag).toBe("Validation")
      }))

    it.effect("paging under concurrent writes never repeats or skips a surviving project", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("concurrent")
        const initial = []
        for (let i = 0; i < 40; i++) initial.push(yield* org.client.projects.create({ name: `p${String(i).padStart(3, "0")}` }))
        const deleted = new Set(initial.filter((_, i) => i % 3 === 0).map((p) => p.id))
        // A writer inserts and deletes while the reader pages through.
        const writer = yield* Effect.fork(Effect.gen(function*() {
          for (const id of deleted) {
            yield* org.client.projects.delete(id)
            yield* org.client.projects.create({ name: `p${Math.random().toString().slice(2, 5)}x` })
          }
        }))
        const seen: Array<string> = []
        let cursor: string | undefined
        do {
          const page = yield* org.client.projects.list({ limit: 3, sortBy: "name", ...(cursor ? { cursor } : {}) })
          seen.push(...page.items.map((p) => p.id))
          cursor = page.nextCursor ?? undefined
          yield* Effect.sleep("2 millis")
        } while (cursor !== undefined)
        yield* Fiber.join(writer)
        expect(new Set(seen).size).toBe(seen.length)
        for (const survivor of initial.filter((p) => !deleted.has(p.id))) expect(seen).toContain(survivor.id)
      }))
  })

  describe("tenancy and authentication", () => {
    it.effect("another organization's project answers exactly like an unknown id", () =>
      Effect.gen(function*() {
        const a = yield* makeSyncOrg("tenant a")
        const b = yield* makeSyncOrg("tenant b")
        const project = yield* a.client.projects.create({ name: unique("A's"), visibility: "ORGANIZATION" })
        const foreign = yield* raw(b, `/v2/projects/${project.id}`)
        const unknown = yield* raw(b, `/v2/projects/${Crypto.randomUUID()}`)
        expect(foreign.status).toBe(404)
        expect(unknown.status).toBe(404)
        expect(Object.keys(foreign.body as object)).toEqual(Object.keys(unknown.body as object))
        expect((yield* raw(b, `/v2/projects/${project.id}`, { method: "PATCH", body: "{\"name\":\"x\"}" })).status).toBe(404)
        expect((yield* raw(b, `/v2/projects/${project.id}`, { method: "DELETE" })).status).toBe(404)
        expect((yield* b.client.projects.list({})).items).toEqual([])
        expect((yield* a.client.projects.get(project.id)).name).toBe(project.name)
      }))

    it.effect("a USER project is visible to its owner only; an ORGANIZATION one to the whole organization", () =>
      Effect.gen(function*() {
        const owner = yield* makeSyncOrg("visibility")
        const colleague = yield* addSyncMember(owner)
        const mine = yield* owner.client.projects.create({ name: "Mine" })
        const ours = yield* owner.client.projects.create({ name: "Ours", visibility: "ORGANIZATION" })
        expect((yield* owner.client.projects.list({ sortBy: "name" })).items.map((p) => p.name)).toEqual(["Mine", "Ours"])
        expect((yield* colleague.client.projects.list({ sortBy: "name" })).items.map((p) => p.name)).toEqual(["Ours"])
        expect(yield* Effect.flip(colleague.client.projects.get(mine.id))).toMatchObject({ _tag: "NotFound" })
        expect(yield* Effect.flip(colleague.client.projects.delete(mine.id))).toMatchObject({ _tag: "NotFound" })
        expect((yield* colleague.client.projects.get(ours.id)).name).toBe("Ours")
        // Work can be filed under what the caller can see, and only that.
        const filed = yield* colleague.client.assets.create({ url: audio.url, type: "AUDIO", projectId: ours.id })
        expect(filed.projectId).toBe(ours.id)
        expect(yield* Effect.flip(colleague.client.assets.create({ url: audio.url, type: "AUDIO", projectId: mine.id })))
          .toMatchObject({ _tag: "InvalidReference" })
        // Assets belong to the organization: the owner sees the colleague's.
        expect((yield* owner.client.assets.get(filed.id)).id).toBe(filed.id)
      }))

    it.effect("a missing or unknown x-api-key is a 401 in sync.so's format", () =>
      Effect.gen(function*() {
        const missing = yield* request("/sync/v2/projects")
        expect(missing.status).toBe(401)
        expect(missing.body).toMatchObject({ statusCode: 401, message: expect.any(String) })
        const unknown = yield* request("/sync/v2/generations", { headers: { "x-api-key": "sk-nope" } })
        expect(unknown.status).toBe(401)
        const org = yield* makeSyncOrg("auth")
        const { baseUrl } = yield* TestServer
        const impostor = yield* SyncClient.make({ apiKey: `${org.apiKey}x`, baseUrl: `${baseUrl}/sync` }).pipe(
          Effect.provide(FetchHttpClient.layer)
        )
        expect((yield* Effect.flip(impostor.models.list))._tag).toBe("Unauthorized")
      }))
  })

  describe("bad input", () => {
    it.effect("gets a 4xx in sync.so's format and changes nothing", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("bad input")
        const project = yield* org.client.projects.create({ name: "Kept" })
        const cases: ReadonlyArray<[string, string, string | undefined, number]> = [
          ["POST", "/v2/projects", "{\"name\":", 400],
          ["POST", "/v2/projects", "{}", 400],
          ["POST", "/v2/projects", "{\"name\":\"   \"}", 400],
          ["POST", "/v2/projects", "{\"name\":42}", 400],
          ["POST", "/v2/projects", "{\"name\":\"x\",\"visibility\":\"EVERYONE\"}", 400],
          ["POST", "/v2/projects", "[1,2]", 400],
          ["PATCH", `/v2/projects/${project.id}`, "{\"mode\":\"EDITOR\"}", 400],
          ["PATCH", `/v2/projects/${project.id}`, "{\"name\":null}", 400],
          ["GET", "/v2/projects?limit=0", undefined, 400],
          ["GET", "/v2/projects?limit=101", undefined, 400],
          ["GET", "/v2/projects?limit=ten", undefined, 400],
          ["GET", "/v2/projects?sortBy=createdAt", undefined, 400],
          ["GET", "/v2/assets?types=SOUND", undefined, 400],
          ["GET", "/v2/generations?status=DONE", undefined, 400],
          ["POST", "/v2/generate", "{\"model\":\"lipsync-9\",\"input\":[]}", 400],
          ["POST", "/v2/generate", "{\"model\":\"lipsync-2\",\"input\":[{\"type\":\"video\"}]}", 400],
          ["POST", "/v2/generate", `{"model":"lipsync-2","input":[{"type":"video","url":"not a url"}]}`, 400],
          ["POST", "/v2/assets", "{\"type\":\"VIDEO\"}", 400],
          // Longer than any id the router matches.
          ["GET", `/v2/projects/${"x".repeat(300)}`, undefined, 404],
          ["GET", "/v2/projects/no-such-id", undefined, 404],
          ["GET", "/v2/generate/no-such-id", undefined, 404],
          ["GET", "/v2/assets/no-such-id", undefined, 404],
          ["GET", "/v2/nothing-here", undefined, 404],
          ["POST", "/v2/projects", `{"name":"${"x".repeat(1024 * 1024)}"}`, 413]
        ]
        for (const [method, path, body, status] of cases) {
          const response = yield* raw(org, path, { method, ...(body === undefined ? {} : { body }) })
          expect({ method, path: path.slice(0, 60), status: response.status }).toEqual({ method, path: path.slice(0, 60), status })
          expect(response.body).toMatchObject({ statusCode: status, message: expect.anything() })
        }
        expect((yield* org.client.projects.list({})).items.map((p) => p.name)).toEqual(["Kept"])
        expect(yield* org.client.generations.list()).toEqual([])
        expect((yield* org.client.assets.list()).items).toEqual([])
      }))
  })

  describe("generations", () => {
    it.effect("runs pending → processing → completed, echoing projectId or null", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("generations")
        const project = yield* org.client.projects.create({ name: "Clips" })
        const filed = yield* org.client.generations.create({ model: "lipsync-2", input: [video, audio], projectId: project.id })
        expect(filed).toMatchObject({ status: "PENDING", model: "lipsync-2", projectId: project.id, input: [video, audio] })
        const loose = yield* org.client.generations.create({ model: "lipsync-2", input: [video, audio] })
        expect(loose.projectId).toBeNull()
        const explicitNull = yield* org.client.generations.create({ model: "sync-3", input: [video, audio], projectId: null })
        expect(explicitNull.projectId).toBeNull()
        // The states are observed in order.
        const states = new Set<string>()
        const done = yield* org.client.generations.get(filed.id).pipe(
          Effect.tap((g) => Effect.sync(() => states.add(g.status))),
          eventually({ until: (g) => g.status === "COMPLETED", every: "10 millis" })
        )
        expect([...states]).toEqual(["PENDING", "PROCESSING", "COMPLETED"].filter((s) => states.has(s)))
        expect(states.has("PROCESSING")).toBe(true)
        expect(done.outputUrl).toMatch(/^https:\/\//)
        expect(done.outputDuration).toBeGreaterThan(0)
        expect(done.projectId).toBe(project.id)
      }))

    it.effect("fails a generation whose media asks for it, with an error code", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("failing")
        const created = yield* org.client.generations.create({
          model: "lipsync-2",
          input: [{ type: "video", url: "https://example.com/projectkit-fail.mp4" }, audio]
        })
        const done = yield* finished(org, created.id)
        expect(done).toMatchObject({ status: "FAILED", error: expect.any(String), error_code: expect.any(String) })
        expect(done.outputUrl).toBeUndefined()
      }))

    it.effect("an unknown or foreign projectId is a 422 and nothing is created", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("422")
        const other = yield* makeSyncOrg("422, elsewhere")
        const foreign = yield* other.client.projects.create({ name: "Theirs", visibility: "ORGANIZATION" })
        for (const projectId of [Crypto.randomUUID(), foreign.id, "not-even-a-uuid"]) {
          const generation = yield* Effect.flip(org.client.generations.create({ model: "lipsync-2", input: [video, audio], projectId }))
          expect(generation).toMatchObject({ _tag: "InvalidReference", field: "projectId", id: projectId })
          const asset = yield* Effect.flip(org.client.assets.create({ url: video.url, type: "VIDEO", projectId }))
          expect(asset).toMatchObject({ _tag: "InvalidReference", field: "projectId", id: projectId })
        }
        const response = yield* raw(org, "/v2/generate", {
          method: "POST",
          body: JSON.stringify({ model: "lipsync-2", input: [video, audio], projectId: foreign.id })
        })
        expect(response).toMatchObject({ status: 422, body: { statusCode: 422 } })
        expect(yield* org.client.generations.list()).toEqual([])
        expect((yield* org.client.assets.list()).totalCount).toBe(0)
        expect(yield* other.client.generations.list()).toEqual([])
      }))

    it.effect("lists with status and ids filters, in every form clients send them", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("list generations")
        const ok = yield* org.client.generations.create({ model: "lipsync-2", input: [video, audio] })
        const bad = yield* org.client.generations.create({
          model: "lipsync-2",
          input: [{ type: "video", url: "https://example.com/projectkit-fail.mp4" }, audio]
        })
        yield* finished(org, ok.id)
        yield* finished(org, bad.id)
        const pending = yield* org.client.generations.create({ model: "lipsync-2", input: [video, audio] })
        const ids = (gs: ReadonlyArray<SyncApi.Generation>) => gs.map((g) => g.id)
        expect(ids(yield* org.client.generations.list())).toEqual([pending.id, bad.id, ok.id])
        expect(ids(yield* org.client.generations.list({ status: ["COMPLETED"] }))).toEqual([ok.id])
        expect(ids(yield* org.client.generations.list({ status: ["COMPLETED", "FAILED"] }))).toEqual([bad.id, ok.id])
        expect(ids(yield* org.client.generations.list({ ids: [ok.id, pending.id] }))).toEqual([pending.id, ok.id])
        const asJson = yield* raw(org, `/v2/generations?status=${encodeURIComponent("[\"FAILED\"]")}`)
        expect((asJson.body as Array<{ id: string }>).map((g) => g.id)).toEqual([bad.id])
        const asCommas = yield* raw(org, "/v2/generations?status=FAILED,COMPLETED")
        expect((asCommas.body as Array<{ id: string }>).map((g) => g.id)).toEqual([bad.id, ok.id])
        expect(yield* Effect.flip(org.client.generations.get(Crypto.randomUUID()))).toMatchObject({ _tag: "NotFound" })
      }))

    it.effect("delivers the webhook signed, retrying a receiver that failed", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("webhooks")
        // The first attempt fails: the server must try again.
        const { received, url } = yield* receiver(1)
        const project = yield* org.client.projects.create({ name: "Hooked" })
        const created = yield* org.client.generations.create({
          model: "lipsync-2",
          input: [video, audio],
          projectId: project.id,
          webhookUrl: url
        })
        yield* Effect.sync(() => received.length).pipe(
          eventually({ until: (n) => n >= 2 })
        )
        const [first, second] = received
        expect(first!.headers["webhook-id"]).toBe(second!.headers["webhook-id"])
        for (const delivery of [first!, second!]) {
          expect(delivery.headers["webhook-signature"]).toBe(expectedSignature(org.webhookSecret, delivery))
        }
        expect(JSON.parse(second!.body)).toMatchObject({ id: created.id, status: "COMPLETED", projectId: project.id })
        // No delivery of the organization is still pending: nothing more can arrive.
        yield* pendingDeliveries(org.id).pipe(eventually({ until: (pending) => pending === 0 }))
        expect(received).toHaveLength(2)
      }).pipe(Effect.scoped))

    it.effect("estimates cost, and lists the models", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("cost")
        const [estimate] = yield* org.client.generations.estimateCost({
          model: "lipsync-2",
          input: [{ ...video, segments_secs: [[0, 4]] }, audio]
        })
        expect(estimate).toEqual({ estimatedFrameCount: 100, estimatedGenerationCost: expect.any(Number) })
        const asset = yield* org.client.assets.create({ url: video.url, type: "VIDEO", durationSeconds: 8 })
        const [fromAsset] = yield* org.client.generations.estimateCost({ model: "lipsync-2", input: [{ type: "video", assetId: asset.id }, audio] })
        expect(fromAsset!.estimatedFrameCount).toBe(200)
        expect(fromAsset!.estimatedGenerationCost).toBeCloseTo(estimate!.estimatedGenerationCost * 2, 6)
        const models = yield* org.client.models.list
        expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(["lipsync-2", "lipsync-2-pro", "sync-3"]))
        expect(yield* org.client.generations.list()).toEqual([])
      }))
  })

  describe("assets", () => {
    it.effect("registers an asset and reads back every field of the documented response", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("assets")
        const project = yield* org.client.projects.create({ name: "Footage" })
        const created = yield* org.client.assets.create({
          url: "https://assets.sync.so/example-video.mp4",
          type: "VIDEO",
          name: "example-video.mp4",
          size: 10485760,
          format: "mp4",
          durationSeconds: 30.5,
          thumbnailUrl: "https://assets.sync.so/thumb-example.jpg",
          width: 1920,
          height: 1080,
          projectId: project.id
        })
        const fetched = yield* raw(org, `/v2/assets/${created.id}`)
        expect(fetched.status).toBe(200)
        expect(fetched.body).toEqual({
          id: created.id,
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          type: "VIDEO",
          visibility: "ORGANIZATION",
          name: "example-video.mp4",
          url: "https://assets.sync.so/example-video.mp4",
          size: 10485760,
          format: "mp4",
          inputType: "URL",
          durationSeconds: 30.5,
          thumbnailUrl: "https://assets.sync.so/thumb-example.jpg",
          width: 1920,
          height: 1080,
          projectId: project.id
        })
        expect(yield* org.client.assets.get(created.id)).toEqual(created)
      }))

    it.effect("lists with projectId, types, search, sort and cursors", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("asset list")
        const project = yield* org.client.projects.create({ name: "Grouped" })
        const specs = [
          { name: "b-roll.mp4", type: "VIDEO", size: 300, project: true },
          { name: "voice.wav", type: "AUDIO", size: 100, project: true },
          { name: "poster.png", type: "IMAGE", size: 200, project: false },
          { name: "Voice-2.wav", type: "AUDIO", size: 50, project: false }
        ] as const
        for (const spec of specs) {
          yield* org.client.assets.create({
            url: `https://example.com/${spec.name}`,
            type: spec.type,
            name: spec.name,
            size: spec.size,
            ...(spec.project ? { projectId: project.id } : {})
          })
        }
        const names = (page: { readonly items: ReadonlyArray<SyncApi.Asset> }) => page.items.map((a) => a.name)
        expect(names(yield* org.client.assets.list({ projectId: project.id, sortBy: "nameAsc" }))).toEqual(["b-roll.mp4", "voice.wav"])
        expect(names(yield* org.client.assets.list({ types: ["AUDIO"], sortBy: "sizeAsc" }))).toEqual(["Voice-2.wav", "voice.wav"])
        expect(names(yield* org.client.assets.list({ types: ["AUDIO", "IMAGE"], sortBy: "sizeDesc" }))).toEqual(
          ["poster.png", "voice.wav", "Voice-2.wav"]
        )
        expect(names(yield* org.client.assets.list({ searchQuery: "VOICE", sortBy: "nameDesc" }))).toEqual(["voice.wav", "Voice-2.wav"])
        const first = yield* org.client.assets.list({ limit: 3, sortBy: "dateAsc" })
        expect(first.totalCount).toBe(4)
        expect(names(first)).toEqual(["b-roll.mp4", "voice.wav", "poster.png"])
        const streamed = yield* Stream.runCollect(org.client.assets.stream({ limit: 1, sortBy: "dateDesc" }))
        expect(Chunk.toReadonlyArray(streamed).map((a) => a.name)).toEqual(["Voice-2.wav", "poster.png", "voice.wav", "b-roll.mp4"])
        const fromJson = yield* raw(org, `/v2/assets?types=${encodeURIComponent("[\"IMAGE\"]")}`)
        expect((fromJson.body as { items: Array<{ name: string }> }).items.map((a) => a.name)).toEqual(["poster.png"])
      }))
  })

  describe("deleting a project", () => {
    it.effect("deletes none of its generations or assets: they stop being grouped under it", () =>
      Effect.gen(function*() {
        const org = yield* makeSyncOrg("detach")
        const project = yield* org.client.projects.create({ name: "Temporary" })
        const keep = yield* org.client.projects.create({ name: "Permanent" })
        const generation = yield* org.client.generations.create({ model: "lipsync-2", input: [video, audio], projectId: project.id })
        const asset = yield* org.client.assets.create({ url: audio.url, type: "AUDIO", projectId: project.id })
        const other = yield* org.client.assets.create({ url: audio.url, type: "AUDIO", projectId: keep.id })
        yield* org.client.projects.delete(project.id)
        expect((yield* org.client.generations.get(generation.id)).projectId).toBeNull()
        expect((yield* org.client.assets.get(asset.id)).projectId).toBeNull()
        expect((yield* org.client.assets.get(other.id)).projectId).toBe(keep.id)
        expect((yield* org.client.assets.list({ projectId: project.id })).items).toEqual([])
        expect((yield* org.client.assets.list()).totalCount).toBe(2)
        // The detached generation still runs to the end.
        expect((yield* finished(org, generation.id)).status).toBe("COMPLETED")
      }))
  })

  it.effect("the OpenAPI document and the docs page describe the sync.so dialect", () =>
    Effect.gen(function*() {
      const spec = yield* request("/sync/openapi.json")
      expect(spec.status).toBe(200)
      const paths = Object.keys((spec.body as { paths: Record<string, unknown> }).paths)
      expect(paths).toEqual(expect.arrayContaining(["/v2/projects", "/v2/projects/{id}", "/v2/generate", "/v2/assets/{id}"]))
      expect(spec.body).toMatchObject({ servers: [{ url: "/sync" }] })
      const docs = yield* request("/sync/docs")
      expect(docs.status).toBe(200)
      expect(String(docs.body)).toContain("swagger")
    }))
})
