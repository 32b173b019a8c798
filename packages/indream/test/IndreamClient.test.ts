/**
 * `IndreamClient` and `createIndreamClient` against the contract served in process (a fixture,
 * see support/contractServer.ts): every operation, what goes on the wire (paths, `x-api-key`,
 * `Idempotency-Key`, the upload's headers and Content-Type), envelopes opened, problems read as
 * the core errors, and the core `Projects` contract suite over the neutral mapping.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Projects from "@projectkit/core/Projects"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { suite } from "@projectkit/core/ProjectsSuite"
import * as Retry from "@projectkit/core/Retry"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { createIndreamClient, IndreamClient, IndreamEditorState } from "../src/index.js"
import { basicKey, makeFixture, runtimeKey } from "./support/contractServer.js"
import { examples } from "./support/indreamDocuments.js"

const baseUrl = "https://indream.test"

/** `IndreamClient` over the fixture's `fetch` (or one that wraps it). */
const clientLayer = (fetch: typeof globalThis.fetch, apiKey = runtimeKey, retryPolicy: Retry.RetryPolicy = Retry.noRetries) =>
  IndreamClient.layer({ apiKey, baseUrl, retryPolicy }).pipe(
    Layer.provide(FetchHttpClient.layer),
    Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch))
  )

const withClient = <A, E>(
  use: (client: IndreamClient.IndreamClientService, fixture: ReturnType<typeof makeFixture>) => Effect.Effect<A, E, never>,
  apiKey = runtimeKey
) =>
  Effect.gen(function*() {
    const fixture = makeFixture()
    yield* Effect.addFinalizer(() => Effect.promise(fixture.dispose))
    const client = yield* Effect.provide(IndreamClient.IndreamClient, clientLayer(fixture.fetch, apiKey))
    return yield* use(client, fixture)
  })

const validState = () => examples("valid").find((example) => example.file === "editor-state.valid.json")!.state
const invalidState = () => examples("invalid").find((example) => example.file === "editor-state.invalid.effect.json")!.state
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])
const exportOptions = { fps: 30, ratio: "16:9", scale: 1, format: "mp4" } as const

describe("IndreamClient", () => {
  it.scoped("projects: create (with Idempotency-Key), get, update, sync, list a page at a time, delete", () =>
    withClient((client, { fixture }) =>
      Effect.gen(function*() {
        const created = yield* client.projects.create(
          { title: "Launch", description: "first", editorState: validState() },
          { idempotencyKey: "create-1" }
        )
        expect(created).toMatchObject({ title: "Launch", description: "first" })
        const request = fixture.requests.at(-1)!
        expect(request).toMatchObject({ method: "POST", url: "/v1/projects" })
        expect(request.headers).toMatchObject({ "x-api-key": runtimeKey, "idempotency-key": "create-1", accept: "application/json" })
        // The same key replays the first answer: no second project.
        const replayed = yield* client.projects.create({ title: "Launch", editorState: validState() }, { idempotencyKey: "create-1" })
        expect(replayed.projectId).toBe(created.projectId)
        expect(fixture.projects.size).toBe(1)

        const detail = yield* client.projects.get(created.projectId)
        expect(detail).toMatchObject({ projectId: created.projectId, stateVersion: "1", editorState: validState() })
        expect(yield* client.projects.update(created.projectId, { description: null })).toMatchObject({ description: null, title: "Launch" })
        const synced = yield* client.projects.sync(created.projectId, { editorState: validState(), stateVersion: "7" })
        expect(synced).toMatchObject({ projectId: created.projectId, stateVersion: "7" })
        expect(fixture.requests.at(-1)).toMatchObject({ method: "POST", url: `/v1/projects/${created.projectId}/sync` })

        for (const title of ["B", "C"]) yield* client.projects.create({ title, editorState: validState() })
        const first = yield* client.projects.list({ pageSize: 2 })
        expect(first.items.map((project) => project.title)).toEqual(["C", "B"])
        expect(first.nextPageCursor).not.toBeNull()
        expect(fixture.requests.at(-1)!.url).toBe("/v1/projects?pageSize=2")
        const all = yield* Stream.runCollect(client.projects.stream({ pageSize: 1 }))
        expect(Array.from(all, (project) => project.title)).toEqual(["C", "B", "Launch"])

        expect(yield* client.projects.delete(created.projectId)).toEqual({ projectId: created.projectId, deleted: true })
        const gone = yield* Effect.flip(client.projects.get(created.projectId))
        expect(gone).toMatchObject({ _tag: "NotFound", resource: "project", id: created.projectId })
      })))

  it.scoped("an invalid editorState is refused as Validation under editorState, and nothing is stored", () =>
    withClient((client, { fixture }) =>
      Effect.gen(function*() {
        const refused = yield* Effect.flip(client.projects.create({ title: "Bad", editorState: invalidState() }))
        expect(refused).toBeInstanceOf(ProjectsError.Validation)
        expect(refused).toMatchObject({ issues: [{ path: ["editorState"], message: expect.stringContaining("effectType") }] })
        expect(fixture.projects.size).toBe(0)
        // A malformed id is refused before any request, as the server would refuse it.
        const sent = fixture.requests.length
        const malformed = yield* Effect.flip(client.projects.get("not-a-uuid"))
        expect(malformed).toMatchObject({ _tag: "Validation", issues: [{ path: ["projectId"], message: expect.stringContaining("UUID") }] })
        expect(fixture.requests.length).toBe(sent)
      })))

  it.scoped("uploads: raw bytes with the file's Content-Type, x-file-name and x-project-id; assets bound, listed, removed, deleted", () =>
    withClient((client, { fixture }) =>
      Effect.gen(function*() {
        const project = yield* client.projects.create({ title: "With assets", editorState: validState() })
        const uploaded = yield* client.assets.upload(png, { filename: "logo.png", contentType: "image/png", projectId: project.projectId })
        expect(uploaded).toMatchObject({ filename: "logo.png", mimetype: "image/png", size: png.byteLength, type: "image" })
        expect(fixture.requests.at(-1)).toMatchObject({
          method: "POST",
          url: "/v1/uploads",
          headers: { "content-type": "image/png", "x-file-name": "logo.png", "x-project-id": project.projectId, "x-api-key": runtimeKey }
        })
        expect(yield* client.assets.get(uploaded.assetId)).toEqual(uploaded)
        expect((yield* client.assets.listForProject(project.projectId)).items).toEqual([uploaded])

        // Bound to a project: deleting it is refused (409 ASSET_REFERENCED), read as Conflict.
        const referenced = yield* Effect.flip(client.assets.delete(uploaded.assetId))
        expect(referenced).toBeInstanceOf(ProjectsError.Conflict)
        expect(referenced.message).toContain(uploaded.assetId)
        expect(yield* client.assets.removeFromProject(project.projectId, uploaded.assetId)).toEqual({
          projectId: project.projectId,
          assetId: uploaded.assetId,
          deleted: true
        })
        expect((yield* client.assets.listForProject(project.projectId)).items).toEqual([])
        expect(yield* client.assets.addToProject(project.projectId, uploaded.assetId)).toEqual({
          projectId: project.projectId,
          assetId: uploaded.assetId
        })
        const streamed = yield* Stream.runCollect(client.assets.streamForProject(project.projectId, { pageSize: 1 }))
        expect(Array.from(streamed, (asset) => asset.assetId)).toEqual([uploaded.assetId])
        yield* client.assets.removeFromProject(project.projectId, uploaded.assetId)
        expect(yield* client.assets.delete(uploaded.assetId)).toEqual({ assetId: uploaded.assetId, deleted: true })
        expect(yield* Effect.flip(client.assets.get(uploaded.assetId))).toMatchObject({ _tag: "NotFound", resource: "asset" })

        // x-project-id of no project of the caller's: InvalidReference, nothing created.
        const before = fixture.assets.size
        const unknownProject = "00000000-0000-4000-8000-0000000fffff"
        const refused = yield* Effect.flip(client.assets.upload(png, { filename: "x.png", contentType: "image/png", projectId: unknownProject }))
        expect(refused).toMatchObject({ _tag: "InvalidReference", id: unknownProject })
        expect(fixture.assets.size).toBe(before)
      })))

  // Live: `wait` sleeps between polls on the real clock.
  it.scopedLive("exports: stateless and from a project, with Idempotency-Key, listed, and waited for until terminal", () =>
    withClient((client, { fixture }) =>
      Effect.gen(function*() {
        const created = yield* client.exports.create(
          { ...exportOptions, editorState: validState(), clientTaskId: "c-1", callbackUrl: "https://hooks.example/x" },
          { idempotencyKey: "export-1" }
        )
        expect(created).toMatchObject({ projectId: null, durationSeconds: 1, billedStandardSeconds: 1, chargedCredits: "1" })
        expect(fixture.requests.at(-1)!.headers["idempotency-key"]).toBe("export-1")
        const again = yield* client.exports.create({ ...exportOptions, editorState: validState() }, { idempotencyKey: "export-1" })
        expect(again.taskId).toBe(created.taskId)

        const project = yield* client.projects.create({ title: "To render", editorState: validState() })
        const fromProject = yield* client.exports.createFromProject(project.projectId, exportOptions)
        expect(fromProject.projectId).toBe(project.projectId)
        expect(fixture.requests.at(-1)).toMatchObject({ method: "POST", url: `/v1/projects/${project.projectId}/exports` })

        const task = yield* client.exports.get(created.taskId)
        expect(task).toMatchObject({ taskId: created.taskId, status: "PROCESSING", clientTaskId: "c-1", callbackUrl: "https://hooks.example/x" })
        const done = yield* client.exports.wait(fromProject.taskId, { interval: "1 millis" })
        expect(done).toMatchObject({ status: "COMPLETED", progress: 100, outputUrl: expect.stringContaining(fromProject.taskId) })
        const listed = yield* Stream.runCollect(client.exports.stream({ pageSize: 1 }))
        expect(Array.from(listed, (item) => item.taskId).sort()).toEqual([created.taskId, fromProject.taskId].sort())
        expect((yield* client.exports.list({ pageSize: 50 })).nextPageCursor).toBeNull()

        const invalid = yield* Effect.flip(client.exports.create({ ...exportOptions, editorState: invalidState() }))
        expect(invalid).toBeInstanceOf(ProjectsError.Validation)
        const noProject = yield* Effect.flip(client.exports.createFromProject("00000000-0000-4000-8000-0000000fffff", exportOptions))
        expect(noProject).toBeInstanceOf(ProjectsError.Validation)
        expect(yield* Effect.flip(client.exports.get("task-none"))).toMatchObject({ _tag: "NotFound", resource: "export" })
      })))

  it.scopedLive("wait gives up after its timeout with a ProviderFailure of status 0", () =>
    withClient((client) =>
      Effect.gen(function*() {
        const created = yield* client.exports.create({ ...exportOptions, editorState: validState() })
        const failure = yield* Effect.flip(client.exports.wait(created.taskId, { interval: "1 hour", timeout: "50 millis" }))
        expect(failure).toMatchObject({ _tag: "ProviderFailure", status: 0 })
      })))

  it.scoped("editor: capabilities, and validate answering {valid, errors} for the official examples", () =>
    withClient((client, { fixture }) =>
      Effect.gen(function*() {
        expect(yield* client.editor.capabilities()).toMatchObject({ version: "fixture-1", transitions: ["fade"] })
        expect(yield* client.editor.validate(validState())).toEqual({ valid: true, errors: [] })
        const invalid = yield* client.editor.validate(invalidState())
        expect(invalid.valid).toBe(false)
        expect(invalid.errors).toContainEqual({ code: "EDITOR_EFFECT_TYPE_INVALID", path: "/items/item-effect-1/effectType", message: expect.any(String) })
        expect(fixture.requests.at(-1)).toMatchObject({ method: "POST", url: "/v1/editor/validate" })
        expect(yield* client.illustrations.search("rocket")).toEqual(["rocket", "rocket-launch"])
        expect(fixture.requests.at(-1)!.url).toBe("/v1/illustrations?q=rocket")
        expect(yield* client.illustrations.search()).toHaveLength(3)
      })))

  it.scoped("a key without runtime access: Forbidden on runtime routes, answers on capabilities and validate", () =>
    withClient((client) =>
      Effect.gen(function*() {
        const forbidden = yield* Effect.flip(client.projects.list())
        expect(forbidden).toMatchObject({ _tag: "Forbidden", reason: "AccessDisabled", message: expect.stringContaining("not eligible") })
        expect(yield* Effect.flip(client.illustrations.search())).toMatchObject({ _tag: "Forbidden" })
        expect((yield* client.editor.capabilities()).version).toBe("fixture-1")
        expect((yield* client.editor.validate(validState())).valid).toBe(true)
      }), basicKey))

  it.scoped("an unknown key is Unauthorized", () =>
    withClient((client) =>
      Effect.gen(function*() {
        expect(yield* Effect.flip(client.editor.capabilities())).toMatchObject({ _tag: "Unauthorized", reason: "InvalidCredentials" })
      }), "key-unknown"))

  it.scoped("a 429 on sync is RateLimited with its Retry-After; a body outside the contract is a ProviderFailure", () =>
    Effect.gen(function*() {
      const fixture = makeFixture()
      yield* Effect.addFinalizer(() => Effect.promise(fixture.dispose))
      const limited: typeof globalThis.fetch = async (input, init) => {
        const request = new Request(input, init)
        if (request.url.endsWith("/sync")) {
          return new Response(
            JSON.stringify({ type: "RATE_LIMITED", title: "Too many requests", status: 429, detail: "slow down", errorCode: "OPEN_API_PROJECT_SYNC_RATE_LIMITED" }),
            { status: 429, headers: { "content-type": "application/json", "retry-after": "7" } }
          )
        }
        if (request.url.endsWith("/v1/illustrations")) {
          return new Response(JSON.stringify({ names: [] }), { status: 200, headers: { "content-type": "application/json" } })
        }
        return fixture.fetch(request)
      }
      const client = yield* Effect.provide(IndreamClient.IndreamClient, clientLayer(limited))
      const project = yield* client.projects.create({ title: "Busy", editorState: validState() })
      const refused = yield* Effect.flip(client.projects.sync(project.projectId, { editorState: validState() }))
      expect(refused).toBeInstanceOf(ProjectsError.RateLimited)
      expect(refused._tag === "RateLimited" && Duration.toMillis(refused.retryAfter)).toBe(7000)
      const unexpected = yield* Effect.flip(client.illustrations.search())
      expect(unexpected).toMatchObject({ _tag: "ProviderFailure", provider: "indream" })
    }))

  it.scoped("the neutral Projects: a project made with the blank editorState; search is Unsupported", () =>
    Effect.gen(function*() {
      const fixture = makeFixture()
      yield* Effect.addFinalizer(() => Effect.promise(fixture.dispose))
      const projects = yield* Effect.provide(Projects.Projects, clientLayer(fixture.fetch))
      const created = yield* projects.create({ name: "Neutral", description: "d" })
      expect(created).toMatchObject({ name: "Neutral", description: "d", provider: "indream" })
      expect(fixture.fixture.projects.get(created.id)?.editorState).toEqual(IndreamEditorState.blank())
      expect(IndreamEditorState.make().validate(IndreamEditorState.blank())).toEqual({ valid: true, errors: [] })
      const renamed = yield* projects.update(created.id, { name: "Renamed", description: null })
      expect(renamed).toMatchObject({ name: "Renamed", createdAt: created.createdAt })
      expect(renamed.description).toBeUndefined()
      expect(yield* Effect.flip(projects.listPage({ search: "x" }))).toBeInstanceOf(ProjectsError.Unsupported)
    }))
})

describe("createIndreamClient", () => {
  it("the same calls as Promises of plain values, errors thrown as the core errors", async () => {
    const fixture = makeFixture()
    const client = createIndreamClient({ apiKey: runtimeKey, baseUrl, fetch: fixture.fetch, retry: false })
    try {
      const project = await client.indream.projects.create({ title: "Promised", editorState: validState() })
      expect(typeof project.createdAt).toBe("string")
      const uploaded = await client.indream.assets.upload(png, { filename: "a.png", contentType: "image/png" })
      expect(uploaded.mimetype).toBe("image/png")
      const titles: Array<string> = []
      for await (const summary of client.indream.projects.stream({ pageSize: 1 })) titles.push(summary.title)
      expect(titles).toEqual(["Promised"])
      expect((await client.indream.editor.validate(invalidState())).valid).toBe(false)
      const neutral = await client.projects.get(project.projectId)
      expect(neutral.name).toBe("Promised")
      await expect(client.indream.projects.get("00000000-0000-4000-8000-0000000fffff")).rejects.toBeInstanceOf(ProjectsError.NotFound)
      await using saver = await client.autosaver({ projectId: project.projectId, interval: "1 millis", delay: "1 millis" })
      expect(await saver.savedVersion()).toBe("1")
      await saver.update(validState())
      await saver.flush()
      expect(await saver.savedVersion()).toBe("2")
      expect(fixture.fixture.projects.get(project.projectId)?.stateVersion).toBe("2")
    } finally {
      await client.close()
      await fixture.dispose()
    }
  })
})

suite(
  "IndreamClient → the contract fixture",
  Layer.unwrapScoped(
    Effect.map(
      Effect.acquireRelease(Effect.sync(makeFixture), (fixture) => Effect.promise(fixture.dispose)),
      (fixture) => clientLayer(fixture.fetch)
    )
  )
)
