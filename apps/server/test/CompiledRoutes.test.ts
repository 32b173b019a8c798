/**
 * The compiled routes answer exactly as the platform's HttpApi router does: one scripted session
 * per dialect — successes, every kind of bad input, missing and wrong credentials, a rate limit
 * with its Retry-After, raw uploads, unknown routes — is played against a server on compiled routes
 * and one on the platform's router alone, and the two transcripts (status, content type, the
 * headers clients read, body) must be equal once generated ids, keys and times are masked.
 */
import { IndreamEditorState } from "@projectkit/indream"
import * as HttpServer from "@effect/platform/HttpServer"
import * as Duration from "effect/Duration"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Server from "../src/Server.js"
import { RouteTable } from "../src/compiled/routes.js"

const adminToken = "compiled-admin-token"

const start = async (compiledRoutes: boolean) => {
  const runtime = ManagedRuntime.make(
    Server.layer({
      port: 0,
      host: "127.0.0.1",
      database: ":memory:",
      adminToken: Redacted.make(adminToken),
      maxBodyBytes: 64 * 1024,
      compiledRoutes,
      indream: { syncRateLimit: { limit: 1, window: Duration.minutes(10), burst: 2 } }
    }).pipe(Layer.provide(Logger.minimumLogLevel(LogLevel.Error)))
  )
  const server = await runtime.runPromise(HttpServer.HttpServer)
  const address = server.address
  if (address._tag !== "TcpAddress") throw new Error("expected a TCP address")
  return { runtime, baseUrl: `http://127.0.0.1:${address.port}` }
}

interface Exchange {
  readonly request: string
  readonly status: number
  readonly contentType: string | null
  readonly retryAfter: string | null
  readonly body: unknown
}

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g
const isoTime = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g
/** Generated values differ between two servers: ids, keys, tokens, cursors, times. */
const mask = (text: string) =>
  text.replace(uuid, "<uuid>").replace(isoTime, "<time>").replace(/"(sk|ek|sk_|pk|ed|sa)[_-]?[A-Za-z0-9_-]{12,}"/g, "\"<secret>\"")
    .replace(/projectkit user [0-9a-f]+/g, "projectkit user <generated>")
    .replace(/"(nextCursor|nextPageCursor|pageCursor|fileUrl|outputUrl|fileKey|cursor|projectId|taskId|id|assetId|token|key|apiKey|secret|webhookSecret|userId|createdBy)":"[^"]*"/g, "\"$1\":\"<generated>\"")

/** One scripted session against `baseUrl`; every request goes through `send` into the transcript. */
const session = async (baseUrl: string): Promise<ReadonlyArray<Exchange>> => {
  const transcript: Array<Exchange> = []
  /** Generated values that appear in request paths, and how they are shown in the transcript. */
  const labels = new Map<string, string>()
  const label = (path: string) => {
    let shown = path.replace(uuid, "<uuid>")
    for (const [value, name] of labels) shown = shown.replaceAll(value, name)
    return shown
  }
  const send = async (method: string, path: string, headers: Record<string, string> = {}, body?: string | Uint8Array) => {
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = text === "" ? "" : JSON.parse(mask(text))
    } catch {
      parsed = mask(text)
    }
    transcript.push({
      request: `${method} ${label(path)}`,
      status: response.status,
      contentType: response.headers.get("content-type"),
      retryAfter: response.headers.get("retry-after"),
      body: parsed
    })
    return { status: response.status, json: () => JSON.parse(text) as Record<string, unknown> }
  }
  const json = { "content-type": "application/json" }

  const org = (await send("POST", "/__projectkit/orgs", { ...json, authorization: `Bearer ${adminToken}` }, JSON.stringify({ name: "Same" })))
    .json() as { credentials: { sync: { apiKey: string }; indream: { apiKey: string }; sanity: { token: string } } }
  await send("POST", "/__projectkit/orgs", { ...json, authorization: "Bearer wrong" }, "{}")

  // sync.so
  const sync = { ...json, "x-api-key": org.credentials.sync.apiKey }
  const created = (await send("POST", "/sync/v2/projects", sync, JSON.stringify({ name: " First " }))).json()
  await send("POST", "/sync/v2/projects", sync, JSON.stringify({ name: "Second", visibility: "ORGANIZATION" }))
  await send("POST", "/sync/v2/projects", sync, "{not json")
  await send("POST", "/sync/v2/projects", sync, JSON.stringify({ name: 5 }))
  await send("POST", "/sync/v2/projects", sync, JSON.stringify({ name: "x", visibility: "EVERYONE" }))
  await send("POST", "/sync/v2/projects", sync, "")
  await send("POST", "/sync/v2/projects", { ...sync, "content-type": "text/plain" }, "name=x")
  // The media types of the matched route: a form-only batch refuses JSON, a JSON route takes a charset.
  await send("POST", "/sync/v2/batch", sync, "{}")
  await send("PATCH", "/sync/v2/projects/nope", { ...sync, "content-type": "application/x-www-form-urlencoded" }, "name=x")
  await send("POST", "/sync/v2/projects", { ...sync, "content-type": "Application/JSON; charset=utf-8" }, JSON.stringify({ name: "Charset" }))
  await send("POST", "/sync/v2/projects", sync, JSON.stringify({ name: "x".repeat(70 * 1024) }))
  await send("GET", "/sync/v2/projects?limit=1", sync)
  await send("GET", "/sync/v2/projects?limit=1000", sync)
  await send("GET", "/sync/v2/projects?limit=abc&limit=2", sync)
  await send("GET", "/sync/v2/projects?cursor=not-a-cursor", sync)
  await send("GET", `/sync/v2/projects/${String(created.id)}`, sync)
  await send("GET", "/sync/v2/projects/00000000-0000-4000-8000-000000000000", sync)
  await send("GET", `/sync/v2/projects/${"x".repeat(300)}`, sync)
  await send("GET", "/sync/v2/projects/%E0%A4%A", sync)
  await send("GET", `/sync/v2/projects/${String(created.id)}`)
  await send("GET", `/sync/v2/projects/${String(created.id)}`, { "x-api-key": "sk-wrong" })
  await send("PATCH", `/sync/v2/projects/${String(created.id)}`, sync, JSON.stringify({ name: "Renamed" }))
  await send("PATCH", `/sync/v2/projects/${String(created.id)}`, sync, JSON.stringify({ mode: "NOPE" }))
  await send("DELETE", `/sync/v2/projects/${String(created.id)}`, sync)
  await send("DELETE", `/sync/v2/projects/${String(created.id)}`, sync)
  await send("GET", "/sync/v2/models", sync)
  await send("POST", "/sync/v2/generate", sync, JSON.stringify({ model: "lipsync-2" }))
  await send("GET", "/sync/v2/nowhere", sync)
  await send("PUT", "/sync/v2/projects", sync, "{}")

  // Indream
  const indream = { ...json, "x-api-key": org.credentials.indream.apiKey }
  const state = IndreamEditorState.blank()
  const project = (await send("POST", "/indream/v1/projects", indream, JSON.stringify({ title: "Cut", editorState: state }))).json()
  const projectId = String((project.data as Record<string, unknown>).projectId)
  await send("GET", "/indream/v1/projects", { "x-api-key": "ik_live_nope" })
  await send("GET", "/indream/v1/projects")
  await send("GET", `/indream/v1/projects/${projectId}`, indream)
  await send("PATCH", `/indream/v1/projects/${projectId}`, indream, JSON.stringify({ title: "Recut" }))
  for (let version = 1; version <= 4; version++) {
    await send("POST", `/indream/v1/projects/${projectId}/sync`, indream, JSON.stringify({ editorState: state, stateVersion: `v${version}` }))
  }
  await send("POST", `/indream/v1/projects/${projectId}/sync`, indream, JSON.stringify({ editorState: "nope" }))
  await send("POST", "/indream/v1/projects", { ...indream, "idempotency-key": "once" }, JSON.stringify({ title: "A", editorState: state }))
  await send("POST", "/indream/v1/projects", { ...indream, "idempotency-key": "once" }, JSON.stringify({ title: "B", editorState: state }))
  await send("POST", "/indream/v1/uploads", { ...indream, "content-type": "image/png", "x-file-name": "logo.png" }, new Uint8Array([137, 80, 78, 71]))
  await send("POST", "/indream/v1/uploads", { ...indream, "content-type": "application/octet-stream" }, new Uint8Array(0))
  await send("POST", "/indream/v1/exports", indream, JSON.stringify({ projectId: "00000000-0000-4000-8000-000000000000" }))
  await send("GET", "/indream/v1/exports?pageSize=5", indream)
  await send("GET", "/indream/v1/editor/capabilities", indream)
  await send("POST", "/indream/v1/editor/validate", indream, JSON.stringify({ editorState: { tracks: 5 } }))

  // Sanity
  const sanity = { ...json, authorization: `Bearer ${org.credentials.sanity.token}` }
  const sanityProject = (await send("POST", "/sanity/v2021-06-07/projects", sanity, JSON.stringify({ displayName: "Studio" }))).json()
  const sanityId = String(sanityProject.id)
  labels.set(sanityId, "<sanity-project>")
  await send("GET", "/sanity/v2021-06-07/projects", sanity)
  await send("GET", "/sanity/v2021-06-07/projects", { authorization: "Bearer nope" })
  await send("GET", `/sanity/v2021-06-07/projects/${sanityId}`, sanity)
  await send("PUT", `/sanity/v2021-06-07/projects/${sanityId}/datasets/production`, sanity, JSON.stringify({ aclMode: "public" }))
  await send("PUT", `/sanity/v2021-06-07/projects/${sanityId}/datasets/Bad Name!`, sanity, JSON.stringify({ aclMode: "public" }))
  await send("GET", `/sanity/v2021-06-07/projects/${sanityId}/datasets`, sanity)
  await send("POST", `/sanity/v2021-06-07/projects/${sanityId}/cors`, sanity, JSON.stringify({ origin: "http://localhost:3333", allowCredentials: true }))
  await send("POST", `/sanity/v2021-06-07/projects/${sanityId}/cors`, sanity, JSON.stringify({ origin: 3 }))
  await send("GET", "/sanity/v2021-06-07/jobs/nope", sanity)
  await send("GET", "/sanity/v2021-06-07/users/me", sanity)
  return transcript
}

describe("compiled routes", () => {
  let compiled: Awaited<ReturnType<typeof start>>
  let platform: Awaited<ReturnType<typeof start>>

  beforeAll(async () => {
    ;[compiled, platform] = await Promise.all([start(true), start(false)])
  }, 60_000)

  afterAll(async () => {
    await Promise.all([compiled?.runtime.dispose(), platform?.runtime.dispose()])
  })

  it("answer every request of a session exactly as the platform's router does", async () => {
    const expected = await session(platform.baseUrl)
    const actual = await session(compiled.baseUrl)
    // The session covers what it claims: successes, client errors of each kind, a rate limit.
    const statuses = new Set(expected.map((exchange) => exchange.status))
    for (const status of [200, 201, 204, 400, 401, 404, 409, 413, 429]) expect(statuses).toContain(status)
    expect(expected.some((exchange) => exchange.retryAfter !== null)).toBe(true)
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toEqual(expected[i])
    expect(actual).toHaveLength(expected.length)
  }, 60_000)
})

describe("RouteTable", () => {
  it("prefers a static segment to a parameter, decodes parameters and refuses overlong ones", () => {
    const table = new RouteTable<string>()
    table.add("GET", "/p/:projectId/datasets/:name", "dataset")
    table.add("GET", "/p/:projectId/datasets/copy", "copy")
    table.add("GET", "/p/:id", "project")
    expect(table.match("GET", "/p/a/datasets/copy")).toEqual({ route: "copy", params: { projectId: "a" } })
    expect(table.match("GET", "/p/a/datasets/b%20c")).toEqual({ route: "dataset", params: { projectId: "a", name: "b c" } })
    expect(table.match("GET", "/p/x")).toEqual({ route: "project", params: { id: "x" } })
    expect(table.match("GET", "/p/")).toBeUndefined()
    expect(table.match("GET", `/p/${"x".repeat(101)}`)).toBeUndefined()
    expect(table.match("GET", "/p/%E0%A4%A")).toBeUndefined()
    expect(table.match("POST", "/p/x")).toBeUndefined()
    expect(table.match("GET", "/p/x/y")).toBeUndefined()
  })

  it("finds routes by their first segment, a parameter there coming after every literal one", () => {
    const table = new RouteTable<string>()
    table.add("GET", "/:version/projects/:id", "versioned")
    table.add("GET", "/sync/projects/:id", "sync")
    table.add("GET", "/other/projects/:id", "other")
    table.add("GET", "/sync/projects/:id/assets", "assets")
    table.add("GET", "/:version/things/:id", "things")
    expect(table.match("GET", "/sync/projects/1")).toEqual({ route: "sync", params: { id: "1" } })
    expect(table.match("GET", "/other/projects/1")).toEqual({ route: "other", params: { id: "1" } })
    expect(table.match("GET", "/v1/projects/1")).toEqual({ route: "versioned", params: { version: "v1", id: "1" } })
    expect(table.match("GET", "/sync/things/1")).toEqual({ route: "things", params: { version: "sync", id: "1" } })
    expect(table.match("GET", "/sync/elsewhere/1")).toBeUndefined()
    expect(table.match("GET", "/sync/projects/1/assets")).toEqual({ route: "assets", params: { id: "1" } })
    // A literal route matching but for its bad encoding refuses the path, as before: no fallback.
    expect(table.match("GET", "/sync/projects/%E0%A4%A")).toBeUndefined()
    expect(table.match("GET", "/")).toBeUndefined()
  })
})
