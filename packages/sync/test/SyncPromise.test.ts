/**
 * `createSyncClient` against the reference server: the neutral projects and all of `SyncClient` as
 * Promises of plain values, the core errors rejected as themselves; and its options (`fetch`,
 * `timeoutMs`, `retry`, a signal per call) against a scripted server.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import { afterAll } from "vitest"
import { createSyncClient, ProjectsError, SyncClient } from "../src/index.js"
import { referenceServer } from "./support/referenceServer.js"

const server = referenceServer()
const client = createSyncClient({ baseUrl: `${server.url}/sync`, apiKey: server.credentials.sync.apiKey })
afterAll(() => client.close())

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then((value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)}`), (error: unknown) => error)

/** The members of a service, or of its Promise face, as a tree of names. */
const surface = (service: object): unknown =>
  Object.fromEntries(
    Object.entries(service).sort(([a], [b]) => a.localeCompare(b)).map(([key, member]) => [
      key,
      typeof member === "object" && member !== null && !Effect.isEffect(member) && !Predicate.hasProperty(member, Stream.StreamTypeId)
        ? surface(member)
        : "member"
    ])
  )

describe("createSyncClient", () => {
  it("has every member of SyncClient under client.sync, and the neutral Projects under client.projects", async () => {
    const service = await Effect.runPromise(
      SyncClient.make({ apiKey: "k" }).pipe(Effect.provide(FetchHttpClient.layer))
    )
    expect(surface(client.sync)).toEqual(surface(service))
    // `capabilities` is a value of the service and a method of the client (the service lives in the runtime).
    const projects = SyncClient.makeProjects(service)
    expect(Object.keys(client.projects).sort()).toEqual(Object.keys(projects).sort())
  })

  it("creates, reads, changes, lists (for await) and deletes projects, in plain values", async () => {
    const tag = `promise-${Date.now()}`
    const created = await client.projects.create({ name: `${tag} b` })
    expect(created).toMatchObject({ name: `${tag} b`, provider: "sync", raw: { name: `${tag} b`, visibility: "USER" } })
    expect(created.createdAt).toMatch(isoTime)
    expect((created.raw as { createdAt: unknown }).createdAt).toBe(created.createdAt)
    await client.projects.create({ name: `${tag} a` })
    await client.projects.create({ name: `${tag} c` })
    expect(await client.projects.get(created.id)).toEqual(created)
    const renamed = await client.projects.update(created.id, { name: `${tag} d` })
    expect(renamed.name).toBe(`${tag} d`)

    const page = await client.projects.listPage({ search: tag, sortBy: "name", limit: 2 })
    expect(page.items.map((p) => p.name)).toEqual([`${tag} a`, `${tag} c`])
    expect(page.nextCursor).toEqual(expect.any(String))
    const names: Array<string> = []
    for await (const project of client.projects.list({ search: tag, sortBy: "name", pageSize: 1 })) names.push(project.name)
    expect(names).toEqual([`${tag} a`, `${tag} c`, `${tag} d`])

    await client.projects.delete(created.id)
    const missing = await rejectionOf(client.projects.get(created.id))
    expect(missing).toBeInstanceOf(ProjectsError.NotFound)
    expect(missing).toMatchObject({ _tag: "NotFound", resource: "project", id: created.id })
    // No description on sync.so: refused, not dropped.
    expect(await rejectionOf(client.projects.create({ name: "x", description: "y" }))).toBeInstanceOf(ProjectsError.Unsupported)
  })

  it("gives sync.so's own calls: projects, generations (a 422 as InvalidReference), assets, models", async () => {
    const project = await client.sync.projects.create({ name: "own terms", visibility: "ORGANIZATION" })
    expect(project).toMatchObject({ name: "own terms", visibility: "ORGANIZATION", mode: "CREATOR" })
    expect(project.createdAt).toMatch(isoTime)
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

  it("rejects a wrong key with Unauthorized", async () => {
    await using wrong = createSyncClient({ baseUrl: `${server.url}/sync`, apiKey: "sk-wrong" })
    expect(await rejectionOf(wrong.projects.listPage())).toBeInstanceOf(ProjectsError.Unauthorized)
  })
})

// ---------------------------------------------------------------------------------------------
// Options, against a scripted server
// ---------------------------------------------------------------------------------------------

/** A server answering each request with the next scripted answer (`"hang"`: never); counts requests. */
const scripted = async (answers: ReadonlyArray<{ status: number; body: unknown } | "hang">) => {
  let seen = 0
  const aborted: Array<number> = []
  const http = Http.createServer((req, res) => {
    const index = seen++
    const answer = answers[Math.min(index, answers.length - 1)]!
    req.resume()
    if (answer === "hang") {
      res.on("close", () => aborted.push(index))
      return
    }
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body))
  })
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve))
  const { port } = http.address() as { port: number }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen: () => seen,
    aborted,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve())
        http.closeAllConnections()
      })
  }
}

const models = [{ id: "lipsync-2", name: "lipsync-2", type: "lipsync", version: "2" }]
const unavailable = { status: 503, body: { statusCode: 503, message: "down" } }

describe("createSyncClient options", () => {
  it("sends through the fetch given", async () => {
    const stub = await scripted([{ status: 200, body: models }])
    const urls: Array<string> = []
    const fetch: typeof globalThis.fetch = (input, init) => {
      urls.push(input instanceof Request ? input.url : String(input))
      return globalThis.fetch(input, init)
    }
    await using sync = createSyncClient({ baseUrl: stub.baseUrl, apiKey: "k", fetch })
    expect(await sync.sync.models.list()).toEqual(models)
    expect(urls).toEqual([`${stub.baseUrl}/v2/models`])
    await stub.close()
  })

  it("retry: attempts bounds the requests of one call; false sends one", async () => {
    const stub = await scripted([unavailable])
    await using three = createSyncClient({ baseUrl: stub.baseUrl, apiKey: "k", retry: { attempts: 3 } })
    expect(await rejectionOf(three.sync.models.list())).toMatchObject({ _tag: "ProviderFailure", status: 503 })
    expect(stub.seen()).toBe(3)
    await using none = createSyncClient({ baseUrl: stub.baseUrl, apiKey: "k", retry: false })
    expect(await rejectionOf(none.sync.models.list())).toBeInstanceOf(ProjectsError.ProviderFailure)
    expect(stub.seen()).toBe(4)
    expect(() => createSyncClient({ apiKey: "k", retry: { attempts: 0 } })).toThrow(RangeError)
    await stub.close()
  })

  it("timeoutMs fails an attempt that gets no answer as a transport failure, and a GET is tried again", async () => {
    const stub = await scripted(["hang", { status: 200, body: models }])
    await using sync = createSyncClient({ baseUrl: stub.baseUrl, apiKey: "k", timeoutMs: 200 })
    expect(await sync.sync.models.list()).toEqual(models)
    expect(stub.seen()).toBe(2)

    const hanging = await scripted(["hang"])
    await using once = createSyncClient({ baseUrl: hanging.baseUrl, apiKey: "k", timeoutMs: 100, retry: false })
    const error = await rejectionOf(once.sync.models.list())
    expect(error).toBeInstanceOf(ProjectsError.ProviderFailure)
    expect(error).toMatchObject({ status: 0 })
    expect((error as Error).message).toContain("no response within 100 ms")
    await Promise.all([stub.close(), hanging.close()])
  })

  it("an AbortSignal cancels the request and rejects with its reason", async () => {
    const stub = await scripted(["hang"])
    await using sync = createSyncClient({ baseUrl: stub.baseUrl, apiKey: "k" })
    const controller = new AbortController()
    const pending = rejectionOf(sync.projects.get("p1", { signal: controller.signal }))
    await new Promise((resolve) => setTimeout(resolve, 100))
    controller.abort()
    expect(await pending).toBe(controller.signal.reason)
    // The request itself was cancelled: the server saw its connection close.
    for (let i = 0; i < 50 && stub.aborted.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(stub.aborted).toEqual([0])
    await sync.close()
    expect(String(await rejectionOf(sync.projects.get("p1")))).toContain("closed")
    await stub.close()
  })
})
