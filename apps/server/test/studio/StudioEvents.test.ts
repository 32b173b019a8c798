/**
 * The Studio's live updates and the journal's headers: the event stream behind a single-use
 * ticket, its "changed" signal, its cap, its end at shutdown (a real process, SIGTERM); and the
 * request journal's headers, every credential masked when recorded.
 */
import { describe, expect, layer } from "@effect/vitest"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, it as plainIt } from "vitest"
import * as Masking from "../../src/internal/masking.js"
import * as StudioEvents from "../../src/StudioEvents.js"
import * as ServerProcess from "../support/ServerProcess.js"
import { createSchema, postgresUrl } from "../support/TestDatabase.js"
import { createOrganization, request, TestServer, layer as testServer } from "../support/TestServer.js"

interface ServerEvent {
  readonly event: string
  readonly data: { readonly journal: number; readonly data: number }
}

/** An open event stream: its status, and its events one by one (comments skipped). */
const openStream = async (baseUrl: string, ticket: string) => {
  const abort = new AbortController()
  const response = await fetch(`${baseUrl}${StudioEvents.path}?ticket=${encodeURIComponent(ticket)}`, { signal: abort.signal })
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ""
  let ended = false
  /** The next event within `within` ms, or undefined once the stream has ended. */
  const next = async (within = 3_000): Promise<ServerEvent | undefined> => {
    const until = Date.now() + within
    for (;;) {
      const end = buffer.indexOf("\n\n")
      if (end !== -1) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (block.startsWith(":")) continue
        const field = (name: string) => block.split("\n").find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2)
        return { event: field("event") ?? "message", data: JSON.parse(field("data") ?? "null") }
      }
      if (ended) return undefined
      const left = until - Date.now()
      if (left <= 0) throw new Error(`no event within ${within} ms`)
      const read = await Promise.race([
        reader.read(),
        new Promise<"late">((resolve) => setTimeout(() => resolve("late"), left))
      ])
      if (read === "late") continue
      if (read.done) ended = true
      else buffer += decoder.decode(read.value, { stream: true })
    }
  }
  return { status: response.status, next, close: () => abort.abort() }
}

const admin = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" })

const ticket = Effect.gen(function*() {
  const { adminToken } = yield* TestServer
  const issued = yield* request("/__projectkit/studio/tickets", { method: "POST", headers: admin(adminToken) })
  expect(issued.status).toBe(201)
  return (issued.body as { ticket: string }).ticket
})

layer(testServer({ journal: { enabled: true, bodyBytes: 0 } }))("Studio event stream", (it) => {
  it.effect("opens with a ticket bought with the admin token, good once", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* TestServer
      expect((yield* request("/__projectkit/studio/tickets", { method: "POST" })).status).toBe(401)
      expect((yield* request("/__projectkit/studio/tickets", { method: "POST", headers: admin("wrong") })).status).toBe(401)
      expect((yield* request(StudioEvents.path)).status).toBe(401)
      expect((yield* request(`${StudioEvents.path}?ticket=made-up`)).status).toBe(401)
      // The admin token itself is no ticket: it must never travel in a URL.
      const { adminToken } = yield* TestServer
      expect((yield* request(`${StudioEvents.path}?ticket=${adminToken}`)).status).toBe(401)

      const spent = yield* ticket
      const stream = yield* Effect.promise(() => openStream(baseUrl, spent))
      expect(stream.status).toBe(200)
      expect((yield* Effect.promise(() => stream.next()))?.event).toBe("ready")
      expect((yield* request(`${StudioEvents.path}?ticket=${spent}`)).status).toBe(401)
      stream.close()
    }))

  it.effect("says changed when data changes or a request is journaled, debounced", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* TestServer
      const fresh = yield* ticket
      const stream = yield* Effect.promise(() => openStream(baseUrl, fresh))
      /** Events until one satisfies `done` (a slow machine may split one burst in two signals). */
      const until = (done: (event: ServerEvent) => boolean) =>
        Effect.promise(async () => {
          for (;;) {
            const event = await stream.next()
            if (event === undefined) throw new Error("the stream ended")
            if (done(event)) return event
          }
        })
      const ready = (yield* Effect.promise(() => stream.next()))!
      expect(ready.event).toBe("ready")

      // A change through the control plane (the Studio's own, or a test's).
      const org = yield* createOrganization("Evented")
      const changed = (yield* Effect.promise(() => stream.next()))!
      expect(changed.event).toBe("changed")
      expect(changed.data.data).toBeGreaterThan(ready.data.data)

      // Three reads journaled at once: one signal for all of them.
      const sync = { "x-api-key": org.credentials.sync.apiKey }
      yield* Effect.all([1, 2, 3].map(() => request("/sync/v2/projects", { headers: sync })), { concurrency: 3 })
      const journaled = yield* until((event) => event.data.journal - changed.data.journal >= 3)
      expect(journaled.data.journal - changed.data.journal).toBe(3)
      expect(journaled.data.data).toBe(changed.data.data)

      // A write over the API: data and journal.
      yield* request("/sync/v2/projects", {
        method: "POST",
        headers: { ...sync, "content-type": "application/json" },
        body: JSON.stringify({ name: "Seen live" })
      })
      const written = yield* until((event) => event.data.journal > journaled.data.journal)
      expect(written.data.data).toBe(journaled.data.data + 1)
      // A refused write changes nothing.
      yield* request("/sync/v2/projects", { method: "POST", headers: { ...sync, "content-type": "application/json" }, body: "{}" })
      const refused = yield* until((event) => event.data.journal > written.data.journal)
      expect(refused.data.data).toBe(written.data.data)
      stream.close()
    }))

  it.effect(`holds at most ${StudioEvents.maxStreams} streams`, () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* TestServer
      const tickets = yield* Effect.all(Array.from({ length: StudioEvents.maxStreams + 1 }, () => ticket))
      const streams = yield* Effect.promise(() => Promise.all(tickets.slice(0, -1).map((t) => openStream(baseUrl, t))))
      yield* Effect.promise(() => Promise.all(streams.map((s) => s.next())))
      expect(streams.every((s) => s.status === 200)).toBe(true)
      const over = yield* request(`${StudioEvents.path}?ticket=${tickets.at(-1)}`)
      expect(over.status).toBe(503)
      for (const stream of streams) stream.close()
      // Slots come back once the streams are gone.
      const again = yield* eventually(
        Effect.flatMap(ticket, (fresh) =>
          Effect.promise(async () => {
            const stream = await openStream(baseUrl, fresh)
            stream.close()
            return stream.status
          })),
        { until: (status) => status === 200, every: "50 millis", what: "a stream's slot back" }
      )
      expect(again).toBe(200)
    }))

  it.effect("journals headers with every credential masked, and masks credential query parameters", () =>
    Effect.gen(function*() {
      const { adminToken } = yield* TestServer
      const org = yield* createOrganization("Headers")
      const key = org.credentials.sync.apiKey
      const bearer = org.credentials.indream.apiKey
      const sanityToken = org.credentials.sanity.token
      const queryToken = "q-secret-0123456789abcdefghij"
      yield* request(`/sync/v2/projects?limit=5&token=${queryToken}`, {
        headers: {
          "x-api-key": key,
          authorization: `Bearer ${bearer}`,
          cookie: "session=abcdefghijklmnopqrstuvwxyz0123456789",
          "x-sanity-project-token": sanityToken,
          "x-custom-secret": "short",
          "idempotency-key": "not-a-secret-1",
          "x-request-id": "masked-headers"
        }
      })
      const listed = yield* request("/__projectkit/requests?path=/sync/v2/projects", { headers: admin(adminToken) })
      const text = JSON.stringify(listed.body)
      for (const secret of [key, bearer, sanityToken, queryToken, "abcdefghijklmnopqrstuvwxyz0123456789", "short"]) {
        expect(text).not.toContain(secret)
      }
      const entry = (listed.body as { requests: Array<Record<string, unknown>> }).requests.find((r) => r["requestId"] === "masked-headers")!
      const sent = new Map(entry["requestHeaders"] as Array<[string, string]>)
      expect(sent.get("x-api-key")).toBe(`${key.slice(0, 4)}…${key.slice(-4)}`)
      expect(sent.get("authorization")).toBe(`Bearer ${bearer.slice(0, 4)}…${bearer.slice(-4)}`)
      expect(sent.get("cookie")).toBe(Masking.hidden)
      expect(sent.get("x-sanity-project-token")).toBe(`${sanityToken.slice(0, 4)}…${sanityToken.slice(-4)}`)
      expect(sent.get("x-custom-secret")).toBe(Masking.hidden)
      expect(sent.get("idempotency-key")).toBe("not-a-secret-1")
      expect(entry["query"]).toBe(`limit=5&token=${queryToken.slice(0, 4)}…${queryToken.slice(-4)}`)
      const answered = new Map(entry["responseHeaders"] as Array<[string, string]>)
      expect(answered.get("content-type")).toContain("application/json")
      expect(answered.get("x-request-id")).toBe("masked-headers")
      expect(entry).not.toHaveProperty("headersTruncated")

      // Many headers, or long ones: kept to the bounds, and said so.
      const many: Record<string, string> = { "x-request-id": "many-headers" }
      for (let i = 0; i < 80; i++) many[`x-filler-${i}`] = "v".repeat(i === 0 ? 5_000 : 10)
      yield* request("/sync/v2/projects", { headers: many })
      const bounded = ((yield* request("/__projectkit/requests?path=/sync/v2/projects", { headers: admin(adminToken) })).body as {
        requests: Array<Record<string, unknown>>
      }).requests.find((r) => r["requestId"] === "many-headers")!
      const kept = bounded["requestHeaders"] as Array<[string, string]>
      expect(kept).toHaveLength(Masking.maxHeaders)
      expect(Math.max(...kept.map(([, value]) => value.length))).toBeLessThanOrEqual(Masking.maxValueLength + 1)
      expect(bounded["headersTruncated"]).toBe(true)
    }))
})

describe("masking", () => {
  plainIt("keeps a credential recognisable and useless", () => {
    expect(Masking.maskSecret("sk-0123456789abcdefghijklmn")).toBe("sk-0…klmn")
    expect(Masking.maskSecret("too-short-to-show-any")).toBe(Masking.hidden)
    const { headers } = Masking.makeRequestHeaders()([
      "Authorization", "Basic dXNlcjpwYXNzd29yZA==",
      "Set-Cookie", "a=b",
      "X-Api-Key", "ek_0123456789abcdefghijklmnopqrstuvwxyz",
      "Accept", "application/json"
    ])
    expect(headers).toEqual([
      ["Authorization", `Basic ${Masking.hidden}`],
      ["Set-Cookie", Masking.hidden],
      ["X-Api-Key", "ek_0…wxyz"],
      ["Accept", "application/json"]
    ])
    expect(Masking.responseHeaders({ "set-cookie": ["a=1", "b=2"], "content-length": 12 }).headers).toEqual([
      ["set-cookie", Masking.hidden],
      ["set-cookie", Masking.hidden],
      ["content-length", "12"]
    ])
    expect(Masking.maskQuery("limit=5&cursor=abc")).toBe("limit=5&cursor=abc")
    expect(Masking.maskQuery("api_key=0123456789abcdefghijklmnop&x=1")).toBe("api_key=0123…mnop&x=1")
  })
})

describe("Studio event streams at shutdown", () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
  })

  plainIt("are ended on SIGTERM: the server exits at once, open Studio or not", async () => {
    let database: string
    if (postgresUrl !== undefined) {
      const schema = await createSchema(postgresUrl)
      database = schema.url
      cleanups.push(schema.drop)
    } else {
      const folder = Fs.mkdtempSync(Path.join(Os.tmpdir(), "projectkit-events-"))
      database = Path.join(folder, "events.db")
      cleanups.push(() => Fs.rmSync(folder, { recursive: true, force: true }))
    }
    const server = await ServerProcess.start(database)
    cleanups.push(() => ServerProcess.stop(server))
    const issued = await ServerProcess.call(server.baseUrl, "/__projectkit/studio/tickets", {
      method: "POST",
      headers: { authorization: `Bearer ${ServerProcess.adminToken}` }
    })
    const streams = await Promise.all([0, 1].map(async () => {
      const again = await ServerProcess.call(server.baseUrl, "/__projectkit/studio/tickets", {
        method: "POST",
        headers: { authorization: `Bearer ${ServerProcess.adminToken}` }
      })
      return openStream(server.baseUrl, (again.body as { ticket: string }).ticket)
    }))
    expect((issued.body as { ticket: string }).ticket).toBeTypeOf("string")
    for (const stream of streams) expect((await stream.next())?.event).toBe("ready")

    const stopping = Date.now()
    server.process.kill("SIGTERM")
    const code = await Promise.race([server.exited, new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 8_000))])
    expect(code).toBe(0)
    expect(Date.now() - stopping).toBeLessThan(5_000)
    // Each stream was ended by the server, not cut.
    for (const stream of streams) expect(await stream.next(1_000)).toBeUndefined()
  }, 30_000)
})
