/**
 * `EditorClient` against the reference server over real HTTP: every endpoint and every rule of the
 * editor dialect.
 */
import { describe, expect, layer } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import * as Retry from "@projectkit/core/Retry"
import type { EditorApi } from "@projectkit/editor"
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Crypto from "node:crypto"
import { editorClientFor, type EditorOrg, makeEditorOrg, rawEditor, setRuntimeAccess } from "../support/EditorOrg.js"
import * as ServerClock from "../support/ServerClock.js"
import { request, layer as testServer } from "../support/TestServer.js"
import { expectedSignature, pendingDeliveries, receiver } from "../support/WebhookReceiver.js"

const MiB = 1024 * 1024

const server = testServer({
  maxBodyBytes: 12 * MiB,
  editor: {
    maxStateBytes: 6 * MiB,
    // Slow to refill (one every 2 s), so a test sees the limit however slow the machine is.
    syncRateLimit: { limit: 5, window: "10 seconds", burst: 5 },
    exports: { queued: "100 millis", rendering: "300 millis", pollInterval: "20 millis" }
  },
  webhooks: { retryBaseDelay: "100 millis", maxAttempts: 5, timeout: "2 seconds", pollInterval: "20 millis" }
})

/** Polls an export task until it has ended. */
const ended = (org: TestOrg, taskId: string) =>
  org.client.exports.get(taskId).pipe(
    eventually({ until: (task) => task.status === "completed" || task.status === "failed" })
  )

const millis = (time: DateTime.Utc) => DateTime.toEpochMillis(time)

/** Syncs until the project's budget is spent: the first rejection. */
const exhaust = (org: TestOrg, projectId: string, from: number) =>
  Effect.gen(function*() {
    for (let version = from; version < from + 50; version++) {
      const outcome = yield* Effect.either(org.client.sync(projectId, version))
      if (outcome._tag === "Left") return { error: outcome.left, lastAdmitted: version - 1 }
    }
    return yield* Effect.dieMessage("the sync rate limit never applied")
  })

// The typed client's sync, shortened.
const withSync = (org: EditorOrg) => ({
  ...org,
  client: {
    ...org.client,
    sync: (projectId: string, stateVersion: number, editorState: EditorApi.EditorState = { version: stateVersion }) =>
      org.client.projects.sync(projectId, { editorState, stateVersion })
  }
})

/** An organization whose client does not retry, so tests see every answer as it is. */
type TestOrg = ReturnType<typeof withSync>

const makeOrg = (name: string) => Effect.map(makeEditorOrg(name, Retry.noRetries), withSync)

const makeOrgClient = (apiKey: string) => editorClientFor(apiKey, Retry.noRetries)

layer(server, { excludeTestServices: true })("editor dialect through EditorClient", (it) => {
  describe("projects", () => {
    it.effect("creates with a title, reads metadata and the saved editorState", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("create")
        const bare = yield* org.client.projects.create({ title: "  Launch video  " })
        expect(bare).toMatchObject({ title: "Launch video", description: null, stateVersion: 0, editorState: null })
        expect(millis(bare.createdAt)).toBe(millis(bare.updatedAt))
        expect(yield* org.client.projects.get(bare.projectId)).toEqual(bare)
        const state = { tracks: [{ id: "t1", clips: [{ start: 0, end: 4.5 }] }], fps: 30 }
        const full = yield* org.client.projects.create({ title: "Trailer", description: "30 s cut", editorState: state })
        expect(yield* org.client.projects.get(full.projectId)).toMatchObject({
          title: "Trailer",
          description: "30 s cut",
          stateVersion: 0,
          editorState: state
        })
      }))

    it.effect("PATCH changes title and description only, never editorState or stateVersion", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("patch")
        const created = yield* org.client.projects.create({ title: "Before", description: "first" })
        yield* org.client.sync(created.projectId, 3, { scene: "saved" })
        yield* ServerClock.advance("1 second")
        const renamed = yield* org.client.projects.update(created.projectId, { title: "After" })
        expect(renamed).toMatchObject({ title: "After", description: "first", stateVersion: 3 })
        expect(millis(renamed.updatedAt)).toBeGreaterThanOrEqual(millis(created.updatedAt) + 1000)
        // Fields PATCH does not own are ignored, even when sent.
        const raw = yield* rawEditor(org, `/v1/projects/${created.projectId}`, {
          method: "PATCH",
          body: JSON.stringify({ description: "second", editorState: { scene: "overwritten" }, stateVersion: 99 })
        })
        expect(raw.status).toBe(200)
        const project = yield* org.client.projects.get(created.projectId)
        expect(project).toMatchObject({ title: "After", description: "second", stateVersion: 3, editorState: { scene: "saved" } })
        const cleared = yield* org.client.projects.update(created.projectId, { description: null })
        expect(cleared.description).toBeNull()
        // An empty PATCH changes nothing, not even updatedAt.
        const untouched = yield* org.client.projects.update(created.projectId, {})
        expect(untouched).toEqual(cleared)
        expect((yield* org.client.projects.get(created.projectId)).editorState).toEqual({ scene: "saved" })
      }))

    it.effect("sync replaces editorState and stateVersion, never title or description", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("sync")
        const created = yield* org.client.projects.create({ title: "Kept", description: "also kept", editorState: { a: 1, b: 2 } })
        const result = yield* org.client.sync(created.projectId, 7, { c: 3 })
        expect(result).toMatchObject({ projectId: created.projectId, stateVersion: 7 })
        const raw = yield* rawEditor(org, `/v1/projects/${created.projectId}/sync`, {
          method: "POST",
          body: JSON.stringify({ editorState: { d: 4 }, stateVersion: 8, title: "Changed?", description: "Changed?" })
        })
        expect(raw.status).toBe(200)
        const project = yield* org.client.projects.get(created.projectId)
        // Replaced, not merged.
        expect(project).toMatchObject({ title: "Kept", description: "also kept", stateVersion: 8, editorState: { d: 4 } })
        expect(millis(project.updatedAt)).toBe(millis(DateTime.unsafeMake((raw.body as { updatedAt: string }).updatedAt)))
        // INF: each sync replaces, so the server does not refuse a lower version (ordering is the client's).
        yield* org.client.sync(created.projectId, 2, { e: 5 })
        expect(yield* org.client.projects.get(created.projectId)).toMatchObject({ stateVersion: 2, editorState: { e: 5 } })
      }))

    it.effect("deletes; the project is then unknown to every project route", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("delete")
        const created = yield* org.client.projects.create({ title: "Doomed" })
        yield* org.client.projects.delete(created.projectId)
        for (
          const attempt of [
            org.client.projects.get(created.projectId),
            org.client.projects.update(created.projectId, { title: "x" }),
            org.client.sync(created.projectId, 1),
            org.client.projects.delete(created.projectId),
            org.client.assets.list(created.projectId),
            org.client.exports.fromProject(created.projectId)
          ]
        ) {
          expect(yield* Effect.flip(attempt)).toMatchObject({ _tag: "NotFound", resource: "project", id: created.projectId })
        }
        const raw = yield* rawEditor(org, `/v1/projects/${created.projectId}`)
        expect(raw).toMatchObject({ status: 404, body: { code: "OPEN_API_PROJECT_NOT_FOUND", message: expect.any(String) } })
      }))

    it.effect("lists with search, each sort, and cursors that visit every project once", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("list")
        const titles = ["delta", "Alpha", "charlie", "bravo", "echo", "alphabet", "Foxtrot"]
        const created: Array<EditorApi.Project> = []
        for (const title of titles) created.push(yield* org.client.projects.create({ title }))
        const all = (params: Parameters<typeof org.client.projects.stream>[0]) =>
          Effect.map(Stream.runCollect(org.client.projects.stream(params)), (items) => Chunk.toReadonlyArray(items).map((p) => p.title))
        expect(yield* all({ limit: 2 })).toEqual([...titles].reverse())
        expect(yield* all({ limit: 3, sortBy: "title" })).toEqual(["Alpha", "Foxtrot", "alphabet", "bravo", "charlie", "delta", "echo"])
        expect(yield* all({ limit: 3, sortBy: "createdAt", order: "asc" })).toEqual(titles)
        yield* ServerClock.advance("1 second")
        yield* org.client.sync(created[2]!.projectId, 1)
        expect((yield* all({ sortBy: "updatedAt" }))[0]).toBe("charlie")
        expect(yield* all({ search: "ALPHA", sortBy: "title" })).toEqual(["Alpha", "alphabet"])
        const first = yield* org.client.projects.list({ limit: 5 })
        expect(first.items).toHaveLength(5)
        // Lists carry metadata, not the (possibly large) state.
        expect(first.items[0]).not.toHaveProperty("editorState")
        const last = yield* org.client.projects.list({ limit: 5, cursor: first.nextCursor! })
        expect(last.items).toHaveLength(2)
        expect(last.nextCursor).toBeNull()
        expect((yield* Effect.flip(org.client.projects.list({ cursor: first.nextCursor!, sortBy: "title" })))._tag).toBe("Validation")
      }))
  })

  describe("sync rate limit", () => {
    it.effect("over the per-project limit: 429 OPEN_API_PROJECT_SYNC_RATE_LIMITED with Retry-After, and nothing stored", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("rate limit")
        const project = yield* org.client.projects.create({ title: "Busy" })
        const other = yield* org.client.projects.create({ title: "Quiet" })
        const { error, lastAdmitted } = yield* exhaust(org, project.projectId, 1)
        expect(error).toMatchObject({ _tag: "RateLimited" })
        expect(Duration.toMillis((error as { retryAfter: Duration.Duration }).retryAfter)).toBeGreaterThanOrEqual(1000)
        expect(lastAdmitted).toBeGreaterThanOrEqual(5)
        const rejected = yield* rawEditor(org, `/v1/projects/${project.projectId}/sync`, {
          method: "POST",
          body: JSON.stringify({ editorState: { rejected: true }, stateVersion: 100 })
        })
        expect(rejected.status).toBe(429)
        expect(rejected.body).toEqual({ code: "OPEN_API_PROJECT_SYNC_RATE_LIMITED", message: expect.any(String) })
        expect(rejected.headers.get("retry-after")).toMatch(/^[1-9]\d*$/)
        // Nothing of a rejected call is stored.
        const stored = yield* org.client.projects.get(project.projectId)
        expect(stored).toMatchObject({ stateVersion: lastAdmitted, editorState: { version: lastAdmitted } })
        // The limit is per project: another project of the same account still syncs, and an
        // admitted sync carries no Retry-After.
        const admitted = yield* rawEditor(org, `/v1/projects/${other.projectId}/sync`, {
          method: "POST",
          body: JSON.stringify({ editorState: { other: true }, stateVersion: 1 })
        })
        expect(admitted.status).toBe(200)
        expect(admitted.headers.get("retry-after")).toBeNull()
        // Metadata updates are not autosave traffic: not limited.
        yield* org.client.projects.update(project.projectId, { title: "Still editable" })
        // After Retry-After (on the server's clock, moved rather than waited for), the same request is admitted.
        yield* ServerClock.advance(Duration.seconds(Number(rejected.headers.get("retry-after"))))
        expect((yield* org.client.sync(project.projectId, 101)).stateVersion).toBe(101)
      }), { timeout: 30_000 })

    it.effect("the client's default policy waits out Retry-After and then succeeds", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("client retries")
        const project = yield* org.client.projects.create({ title: "Retried" })
        yield* exhaust(org, project.projectId, 1)
        const patient = yield* editorClientFor(org.apiKey)
        const saved = yield* patient.projects.sync(project.projectId, { editorState: { late: true }, stateVersion: 42 })
        expect(saved.stateVersion).toBe(42)
        expect((yield* patient.projects.get(project.projectId)).editorState).toEqual({ late: true })
      }), { timeout: 30_000 })
  })

  describe("authentication and runtime access", () => {
    it.effect("without runtime OpenAPI access every project route is 403 OPEN_API_RUNTIME_ACCESS_FORBIDDEN", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("runtime access")
        const project = yield* org.client.projects.create({ title: "Existing", editorState: { a: 1 } })
        yield* setRuntimeAccess(org, false)
        const id = project.projectId
        const routes: ReadonlyArray<[string, string, string | undefined]> = [
          ["POST", "/v1/projects", "{\"title\":\"x\"}"],
          ["GET", "/v1/projects", undefined],
          ["GET", `/v1/projects/${id}`, undefined],
          ["PATCH", `/v1/projects/${id}`, "{\"title\":\"x\"}"],
          ["POST", `/v1/projects/${id}/sync`, "{\"editorState\":{},\"stateVersion\":1}"],
          ["DELETE", `/v1/projects/${id}`, undefined],
          ["POST", `/v1/projects/${id}/assets`, "{\"name\":\"a\",\"url\":\"https://example.com/a.mp4\"}"],
          ["GET", `/v1/projects/${id}/assets`, undefined],
          ["POST", `/v1/projects/${id}/exports`, "{}"],
          // Even a request that would not decode: access is decided first.
          ["POST", `/v1/projects/${id}/sync`, "{\"stateVersion\":\"x\"}"]
        ]
        for (const [method, path, body] of routes) {
          const response = yield* rawEditor(org, path, { method, ...(body === undefined ? {} : { body }) })
          expect({ method, path, status: response.status, body: response.body }).toEqual({
            method,
            path,
            status: 403,
            body: { code: "OPEN_API_RUNTIME_ACCESS_FORBIDDEN", message: expect.any(String) }
          })
        }
        expect(yield* Effect.flip(org.client.projects.get(id))).toMatchObject({ _tag: "Forbidden", reason: "AccessDisabled" })
        // INF: stateless exports are not project routes, so they stay available.
        const task = yield* org.client.exports.fromState({ editorState: { a: 1 } })
        expect(task.projectId).toBeUndefined()
        // Nothing changed meanwhile; access restored, everything is back.
        yield* setRuntimeAccess(org, true)
        expect(yield* org.client.projects.get(id)).toMatchObject({ title: "Existing", editorState: { a: 1 } })
        expect((yield* org.client.projects.list()).items).toHaveLength(1)
      }))

    it.effect("a missing or unknown bearer key is 401 OPEN_API_UNAUTHORIZED", () =>
      Effect.gen(function*() {
        const missing = yield* request("/editor/v1/projects")
        expect(missing).toMatchObject({ status: 401, body: { code: "OPEN_API_UNAUTHORIZED", message: expect.any(String) } })
        const unknown = yield* request("/editor/v1/exports", { headers: { authorization: "Bearer ek_nope" } })
        expect(unknown).toMatchObject({ status: 401, body: { code: "OPEN_API_UNAUTHORIZED" } })
        const org = yield* makeOrg("auth")
        const impostor = yield* makeOrgClient(`${org.apiKey}x`)
        expect(yield* Effect.flip(impostor.projects.list())).toMatchObject({ _tag: "Unauthorized" })
        expect(yield* Effect.flip(impostor.exports.list())).toMatchObject({ _tag: "Unauthorized" })
      }))

    it.effect("another account's project and task answer exactly like unknown ids", () =>
      Effect.gen(function*() {
        const a = yield* makeOrg("tenant a")
        const b = yield* makeOrg("tenant b")
        const project = yield* a.client.projects.create({ title: "A's", editorState: { a: 1 } })
        const task = yield* a.client.exports.fromProject(project.projectId)
        const foreign = yield* rawEditor(b, `/v1/projects/${project.projectId}`)
        const unknown = yield* rawEditor(b, `/v1/projects/${Crypto.randomUUID()}`)
        expect(foreign.status).toBe(404)
        expect((foreign.body as { code: string }).code).toBe((unknown.body as { code: string }).code)
        expect(yield* Effect.flip(b.client.sync(project.projectId, 1))).toMatchObject({ _tag: "NotFound" })
        expect(yield* Effect.flip(b.client.exports.get(task.taskId))).toMatchObject({ _tag: "NotFound", resource: "export" })
        expect((yield* b.client.exports.list({ projectId: project.projectId })).items).toEqual([])
        expect((yield* b.client.projects.list()).items).toEqual([])
        expect((yield* a.client.projects.get(project.projectId)).editorState).toEqual({ a: 1 })
      }))
  })

  describe("exports", () => {
    it.effect("a project export renders the saved state: queued → rendering with progress → completed, with projectId", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("project export")
        const project = yield* org.client.projects.create({ title: "Render me" })
        // Nothing saved yet: nothing to render.
        expect(yield* Effect.flip(org.client.exports.fromProject(project.projectId))).toMatchObject({ _tag: "Validation" })
        yield* org.client.sync(project.projectId, 1, { tracks: [] })
        const task = yield* org.client.exports.fromProject(project.projectId, { format: "webm" })
        expect(task).toMatchObject({ status: "queued", progress: 0, format: "webm", projectId: project.projectId })
        const seen: Array<string> = []
        const progress: Array<number> = []
        const done = yield* org.client.exports.get(task.taskId).pipe(
          Effect.tap((t) => Effect.sync(() => (seen.push(t.status), progress.push(t.progress)))),
          eventually({ until: (t) => t.status === "completed", every: "10 millis" })
        )
        expect([...new Set(seen)]).toEqual(["queued", "rendering", "completed"])
        expect(progress).toEqual([...progress].sort((x, y) => x - y))
        expect(progress.some((p) => p > 0 && p < 100)).toBe(true)
        expect(done).toMatchObject({ progress: 100, projectId: project.projectId, outputUrl: expect.stringMatching(/\.webm$/) })
        expect(done.error).toBeUndefined()
      }), { timeout: 30_000 })

    it.effect("a stateless export renders the state sent, without a project; a failing render fails", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("stateless export")
        const task = yield* org.client.exports.fromState({ editorState: { tracks: [{ text: "hello" }] } })
        expect(task).toMatchObject({ status: "queued", format: "mp4" })
        expect(task).not.toHaveProperty("projectId")
        const done = yield* ended(org, task.taskId)
        expect(done).toMatchObject({ status: "completed", outputUrl: expect.stringMatching(/^https:\/\//) })
        expect(done).not.toHaveProperty("projectId")
        const failing = yield* org.client.exports.fromState({ editorState: { note: "projectkit-fail" } })
        expect(yield* ended(org, failing.taskId)).toMatchObject({ status: "failed", error: expect.any(String) })
        expect((yield* ended(org, failing.taskId)).outputUrl).toBeUndefined()
        // The same task structure either way (plus projectId for a project's).
        const project = yield* org.client.projects.create({ title: "p", editorState: { x: 1 } })
        const projectTask = yield* org.client.exports.fromProject(project.projectId)
        const { projectId, ...rest } = projectTask
        expect(projectId).toBe(project.projectId)
        expect(Object.keys(rest).sort()).toEqual(Object.keys(task).sort())
      }), { timeout: 30_000 })

    it.effect("lists newest first, filtered by project and by status, with cursors", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("export list")
        const one = yield* org.client.projects.create({ title: "one", editorState: { n: 1 } })
        const two = yield* org.client.projects.create({ title: "two", editorState: { n: 2 } })
        const a = yield* org.client.exports.fromProject(one.projectId)
        const b = yield* org.client.exports.fromProject(two.projectId)
        const c = yield* org.client.exports.fromState({ editorState: { n: 3 } })
        const d = yield* org.client.exports.fromProject(one.projectId)
        const ids = (tasks: ReadonlyArray<EditorApi.ExportTask>) => tasks.map((t) => t.taskId)
        expect(ids((yield* org.client.exports.list()).items)).toEqual([d.taskId, c.taskId, b.taskId, a.taskId])
        const ofOne = (yield* org.client.exports.list({ projectId: one.projectId })).items
        expect(ids(ofOne)).toEqual([d.taskId, a.taskId])
        expect(ofOne.every((t) => t.projectId === one.projectId)).toBe(true)
        expect(ids((yield* org.client.exports.list({ projectId: two.projectId })).items)).toEqual([b.taskId])
        const streamed = yield* Stream.runCollect(org.client.exports.stream({ limit: 1 }))
        expect(ids(Chunk.toReadonlyArray(streamed))).toEqual([d.taskId, c.taskId, b.taskId, a.taskId])
        for (const task of [a, b, c, d]) yield* ended(org, task.taskId)
        expect(ids((yield* org.client.exports.list({ projectId: one.projectId, status: "completed" })).items)).toEqual([
          d.taskId,
          a.taskId
        ])
        expect((yield* org.client.exports.list({ status: "queued" })).items).toEqual([])
        expect(yield* Effect.flip(org.client.exports.get(Crypto.randomUUID()))).toMatchObject({ _tag: "NotFound", resource: "export" })
      }), { timeout: 30_000 })

    it.effect("task history stays after the project is deleted, still naming it", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("history")
        const project = yield* org.client.projects.create({ title: "Short-lived", editorState: { a: 1 } })
        const task = yield* org.client.exports.fromProject(project.projectId)
        yield* ended(org, task.taskId)
        yield* org.client.projects.delete(project.projectId)
        expect(yield* Effect.flip(org.client.projects.get(project.projectId))).toMatchObject({ _tag: "NotFound" })
        expect(yield* org.client.exports.get(task.taskId)).toMatchObject({ status: "completed", projectId: project.projectId })
        expect((yield* org.client.exports.list({ projectId: project.projectId })).items.map((t) => t.taskId)).toEqual([task.taskId])
        // A task still rendering when its project goes finishes anyway.
        const again = yield* org.client.projects.create({ title: "Gone mid-render", editorState: { b: 2 } })
        const running = yield* org.client.exports.fromProject(again.projectId)
        yield* org.client.projects.delete(again.projectId)
        expect(yield* ended(org, running.taskId)).toMatchObject({ status: "completed", projectId: again.projectId })
      }), { timeout: 30_000 })

    it.effect("delivers the export webhook signed, with projectId, retrying a receiver that failed", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("webhooks")
        const hook = yield* receiver(1)
        const project = yield* org.client.projects.create({ title: "Hooked", editorState: { a: 1 } })
        const task = yield* org.client.exports.fromProject(project.projectId, { webhookUrl: hook.url })
        const failing = yield* org.client.exports.fromState({ editorState: { x: "projectkit-fail" }, webhookUrl: hook.url })
        yield* Effect.sync(() => hook.received.filter((r) => r.status === 204).length).pipe(
          eventually({ until: (n) => n >= 2 })
        )
        for (const delivery of hook.received) {
          expect(delivery.headers["webhook-signature"]).toBe(expectedSignature(org.webhookSecret, delivery))
          expect(Math.abs(Number(delivery.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60)
        }
        // The first attempt got a 500 and was retried with the same id.
        const [first] = hook.received
        const bodies = hook.received.map((r) => JSON.parse(r.body) as { event: string; task: { taskId: string; projectId?: string } })
        const retried = hook.received.filter((r) => r.headers["webhook-id"] === first!.headers["webhook-id"])
        expect(retried.map((r) => r.status)).toEqual([500, 204])
        const completed = bodies.find((b) => b.task.taskId === task.taskId)
        expect(completed).toMatchObject({
          event: "export.completed",
          task: { taskId: task.taskId, status: "completed", projectId: project.projectId, progress: 100 }
        })
        expect(bodies.find((b) => b.task.taskId === failing.taskId)).toMatchObject({ event: "export.failed", task: { status: "failed" } })
        // No delivery of the organization is still pending: nothing more can arrive.
        yield* pendingDeliveries(org.id).pipe(eventually({ until: (pending) => pending === 0 }))
        expect(hook.received).toHaveLength(3)
      }).pipe(Effect.scoped), { timeout: 30_000 })
  })

  describe("assets", () => {
    it.effect("uploads bytes and registers URLs to a project; an export may refer to them, and only to them", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("assets")
        const project = yield* org.client.projects.create({ title: "With media" })
        const bytes = new Uint8Array(Crypto.randomBytes(64 * 1024))
        const uploaded = yield* org.client.assets.upload(project.projectId, bytes, "intro.mp4")
        // Sent as octet-stream: the type comes from the name.
        expect(uploaded).toMatchObject({ projectId: project.projectId, name: "intro.mp4", size: bytes.length, contentType: "video/mp4" })
        const typed = yield* rawEditor(org, `/v1/projects/${project.projectId}/assets/upload?name=logo.png`, {
          method: "POST",
          body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
          headers: { "content-type": "image/png" }
        })
        expect(typed).toMatchObject({ status: 201, body: { name: "logo.png", contentType: "image/png", size: 4 } })
        const registered = yield* org.client.assets.register(project.projectId, {
          name: "music",
          url: "https://example.com/music.mp3",
          contentType: "audio/mpeg"
        })
        expect(registered).toMatchObject({ url: "https://example.com/music.mp3", size: null, contentType: "audio/mpeg" })
        const untyped = yield* org.client.assets.register(project.projectId, { name: "clip", url: "https://example.com/v/clip.webm?x=1" })
        expect(untyped.contentType).toBe("video/webm")
        const listed = yield* org.client.assets.list(project.projectId)
        expect(listed.map((a) => a.assetId)).toEqual([
          uploaded.assetId,
          (typed.body as { assetId: string }).assetId,
          registered.assetId,
          untyped.assetId
        ])

        // A state that refers to the project's assets renders.
        yield* org.client.sync(project.projectId, 1, {
          tracks: [{ clips: [{ assetId: uploaded.assetId }, { assetId: registered.assetId }] }]
        })
        const task = yield* org.client.exports.fromProject(project.projectId)
        expect(yield* ended(org, task.taskId)).toMatchObject({ status: "completed" })

        // One that names an asset the project lacks is refused, and no task is created.
        const elsewhere = yield* org.client.projects.create({ title: "Other" })
        const foreign = yield* org.client.assets.register(elsewhere.projectId, { name: "x", url: "https://example.com/x.mp4" })
        const missing = Crypto.randomUUID()
        for (const assetId of [missing, foreign.assetId]) {
          yield* org.client.sync(project.projectId, 2, { tracks: [{ clips: [{ assetId }] }] })
          expect(yield* Effect.flip(org.client.exports.fromProject(project.projectId))).toMatchObject({
            _tag: "InvalidReference",
            id: assetId,
            ids: [assetId],
            message: `editorState refers to assets that project ${project.projectId} does not have: ${assetId}`
          })
        }
        const raw = yield* rawEditor(org, `/v1/projects/${project.projectId}/exports`, { method: "POST", body: "{}" })
        expect(raw).toMatchObject({ status: 422, body: { code: "OPEN_API_ASSET_REFERENCE_INVALID", assetIds: [foreign.assetId] } })
        expect((yield* org.client.exports.list({ projectId: project.projectId })).items).toHaveLength(1)

        // A stateless export may refer to any asset of the account, and to nothing else.
        const stateless = yield* org.client.exports.fromState({ editorState: { clips: [{ assetId: foreign.assetId }] } })
        expect(stateless.projectId).toBeUndefined()
        expect(yield* Effect.flip(org.client.exports.fromState({ editorState: { clips: [{ assetId: missing }] } }))).toMatchObject({
          _tag: "InvalidReference",
          id: missing,
          ids: [missing],
          message: `editorState refers to assets that your account does not have: ${missing}`
        })
        // Another account's asset is as unknown as a made-up id.
        const other = yield* makeOrg("assets, elsewhere")
        expect(yield* Effect.flip(other.client.exports.fromState({ editorState: { assetId: uploaded.assetId } }))).toMatchObject({
          _tag: "InvalidReference"
        })
        expect(yield* Effect.flip(other.client.assets.list(project.projectId))).toMatchObject({ _tag: "NotFound" })
      }), { timeout: 30_000 })
  })

  describe("large states and bad input", () => {
    it.effect("a multi-MB editorState is stored whole; over the limit is 413 in the editor's format, storing nothing", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("large")
        const project = yield* org.client.projects.create({ title: "Big timeline" })
        const big = { frames: Array.from({ length: 5 * 1024 }, (_, i) => ({ i, data: "x".repeat(1024) })) }
        expect(JSON.stringify(big).length).toBeGreaterThan(5 * MiB)
        yield* org.client.sync(project.projectId, 1, big)
        expect((yield* org.client.projects.get(project.projectId)).editorState).toEqual(big)

        // Over the editorState limit (6 MiB here) but under the body limit: refused by the dialect.
        const tooBig = { blob: "y".repeat(7 * MiB) }
        expect(yield* Effect.flip(org.client.sync(project.projectId, 2, tooBig))).toMatchObject({ _tag: "Validation", reason: "TooLarge" })
        const raw = yield* rawEditor(org, `/v1/projects/${project.projectId}/sync`, {
          method: "POST",
          body: JSON.stringify({ editorState: tooBig, stateVersion: 3 })
        })
        expect(raw).toMatchObject({ status: 413, body: { code: "OPEN_API_PAYLOAD_TOO_LARGE", message: expect.any(String) } })
        const created = yield* rawEditor(org, "/v1/projects", {
          method: "POST",
          body: JSON.stringify({ title: "too big", editorState: tooBig })
        })
        expect(created.status).toBe(413)
        const stateless = yield* rawEditor(org, "/v1/exports", { method: "POST", body: JSON.stringify({ editorState: tooBig }) })
        expect(stateless.status).toBe(413)
        // Over the server's body limit: refused before it is read, in the same format.
        const huge = yield* rawEditor(org, `/v1/projects/${project.projectId}/sync`, {
          method: "POST",
          body: JSON.stringify({ editorState: { blob: "z".repeat(13 * MiB) }, stateVersion: 4 })
        })
        expect(huge).toMatchObject({ status: 413, body: { code: "OPEN_API_PAYLOAD_TOO_LARGE", message: expect.any(String) } })
        const stored = yield* org.client.projects.get(project.projectId)
        expect(stored.stateVersion).toBe(1)
        expect(stored.editorState).toEqual(big)
        expect((yield* org.client.projects.list()).items).toHaveLength(1)
        expect((yield* org.client.exports.list()).items).toEqual([])
      }), { timeout: 30_000 })

    it.effect("bad input gets a 4xx in the editor's {code, message} format and changes nothing", () =>
      Effect.gen(function*() {
        const org = yield* makeOrg("bad input")
        const project = yield* org.client.projects.create({ title: "Kept", editorState: { kept: true } })
        const id = project.projectId
        const cases: ReadonlyArray<[string, string, string | undefined, number]> = [
          ["POST", "/v1/projects", "{\"title\":", 400],
          ["POST", "/v1/projects", "{}", 400],
          ["POST", "/v1/projects", "{\"title\":\"   \"}", 400],
          ["POST", "/v1/projects", "{\"title\":42}", 400],
          ["POST", "/v1/projects", "{\"title\":\"x\",\"editorState\":[1,2]}", 400],
          ["POST", "/v1/projects", "{\"title\":\"x\",\"editorState\":\"text\"}", 400],
          ["POST", "/v1/projects", "[1,2]", 400],
          ["PATCH", `/v1/projects/${id}`, "{\"title\":null}", 400],
          ["PATCH", `/v1/projects/${id}`, "{\"description\":7}", 400],
          ["POST", `/v1/projects/${id}/sync`, "{\"stateVersion\":1}", 400],
          ["POST", `/v1/projects/${id}/sync`, "{\"editorState\":{}}", 400],
          ["POST", `/v1/projects/${id}/sync`, "{\"editorState\":{},\"stateVersion\":-1}", 400],
          ["POST", `/v1/projects/${id}/sync`, "{\"editorState\":{},\"stateVersion\":1.5}", 400],
          ["POST", `/v1/projects/${id}/sync`, "{\"editorState\":null,\"stateVersion\":1}", 400],
          ["POST", `/v1/projects/${id}/exports`, "{\"format\":\"avi\"}", 400],
          ["POST", `/v1/projects/${id}/exports`, "{\"webhookUrl\":\"not a url\"}", 400],
          ["POST", `/v1/projects/${id}/assets`, "{\"name\":\"a\",\"url\":\"nope\"}", 400],
          ["POST", "/v1/exports", "{}", 400],
          ["POST", "/v1/exports", "{\"editorState\":{},\"format\":\"mov\"}", 400],
          ["GET", "/v1/projects?limit=0", undefined, 400],
          ["GET", "/v1/projects?limit=101", undefined, 400],
          ["GET", "/v1/projects?sortBy=name", undefined, 400],
          ["GET", "/v1/projects?cursor=garbage", undefined, 400],
          ["GET", "/v1/exports?status=done", undefined, 400],
          ["GET", "/v1/exports?cursor=garbage", undefined, 400],
          ["GET", "/v1/projects/no-such-id", undefined, 404],
          ["GET", `/v1/projects/${"x".repeat(300)}`, undefined, 404],
          ["POST", "/v1/projects/no-such-id/sync", "{\"editorState\":{},\"stateVersion\":1}", 404],
          ["GET", "/v1/exports/no-such-id", undefined, 404],
          ["GET", "/v1/nothing-here", undefined, 404]
        ]
        for (const [method, path, body, status] of cases) {
          const response = yield* rawEditor(org, path, { method, ...(body === undefined ? {} : { body }) })
          expect({ method, path: path.slice(0, 60), body, status: response.status }).toEqual({
            method,
            path: path.slice(0, 60),
            body,
            status
          })
          expect(response.body).toEqual({ code: expect.stringMatching(/^OPEN_API_[A-Z_]+$/), message: expect.any(String) })
        }
        const empty = yield* rawEditor(org, `/v1/projects/${id}/assets/upload`, {
          method: "POST",
          body: new Uint8Array(0),
          headers: { "content-type": "video/mp4" }
        })
        expect(empty).toMatchObject({ status: 400, body: { code: "OPEN_API_VALIDATION_FAILED" } })
        expect(yield* org.client.projects.get(id)).toEqual(project)
        expect((yield* org.client.projects.list()).items).toHaveLength(1)
        expect((yield* org.client.exports.list()).items).toEqual([])
        expect(yield* org.client.assets.list(id)).toEqual([])
      }))
  })

  describe("documentation", () => {
    it.effect("serves the dialect's OpenAPI document and docs page", () =>
      Effect.gen(function*() {
        const spec = yield* request("/editor/openapi.json")
        expect(spec.status).toBe(200)
        const doc = spec.body as { servers: Array<{ url: string }>; paths: Record<string, unknown> }
        expect(doc.servers).toEqual([{ url: "/editor" }])
        expect(Object.keys(doc.paths).sort()).toEqual([
          "/v1/exports",
          "/v1/exports/{taskId}",
          "/v1/projects",
          "/v1/projects/{projectId}",
          "/v1/projects/{projectId}/assets",
          "/v1/projects/{projectId}/assets/upload",
          "/v1/projects/{projectId}/exports",
          "/v1/projects/{projectId}/sync"
        ])
        expect(JSON.stringify(doc)).toContain("OPEN_API_PROJECT_SYNC_RATE_LIMITED")
        expect(JSON.stringify(doc)).not.toContain("/sync/v2")
        expect((yield* request("/editor/docs")).status).toBe(200)
      }))
  })
})
