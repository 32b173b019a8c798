/**
 * A dialect is registered once: this test declares a fourth one — a small notes API served by a
 * server of its own, below — in one definition, adds it to the list, and shows that the command
 * line takes its options (flags and environment), lists them in its help, and runs its checks
 * with the credentials and settings they give, with no other file of the suite knowing of it.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import { mkdtempSync, readFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { forDialect } from "../src/Check.js"
import { cliFor, type Outcome, RunOutcome } from "../src/Cli.js"
import type { Dialect } from "../src/Dialect.js"
import { dialects } from "../src/dialects/index.js"
import * as Expect from "../src/Expect.js"
import { Harness, type Who } from "../src/Harness.js"
import type * as Report from "../src/Report.js"
import { citing } from "../src/Sources.js"

// ---------------------------------------------------------------------------------------------
// The fourth dialect: one definition
// ---------------------------------------------------------------------------------------------

const documents = { "notes.md": { title: "The notes API (a test's own)" } } as const
const cite = citing(documents)
const check = forDialect("notes")

/** A request to the notes under the configured API version. */
const notes = (options: { readonly method?: string; readonly path?: string; readonly as?: Who; readonly json?: unknown }) =>
  Effect.flatMap(Harness, (h) => h.request({ ...options, path: `/${h.options["apiVersion"]}/notes${options.path ?? ""}` }))

const createNote = Effect.gen(function*() {
  const h = yield* Harness
  const created = yield* notes({ method: "POST", json: { text: h.unique("note") } })
  yield* Expect.status(created, 201)
  return String((created.response.json as { id: unknown }).id)
})

const notesDialect: Dialect = {
  name: "notes",
  idPrefix: "NOTE",
  baseUrlDescription: "The notes API base URL",
  credentials: [
    { credential: "primary", flag: "notes-key", description: "A notes key of the first organization" },
    { credential: "secondary", flag: "notes-key-2", description: "A notes key of a second organization" }
  ],
  settings: [{ setting: "apiVersion", flag: "notes-api-version", description: "The notes API version", default: "v1" }],
  authenticate: (credential) => ({ "x-notes-key": credential }),
  documents,
  checks: [
    check("NOTE-LIST-001", "A created note is listed", cite("notes.md", "A note is listed once created."), Effect.gen(function*() {
      const id = yield* createNote
      const listed = yield* notes({})
      yield* Expect.status(listed, 200)
      if (!JSON.stringify(listed.response.json).includes(id)) yield* Expect.fail(`note ${id} is not listed`, listed)
    })),
    check("NOTE-ISO-001", "Another organization cannot read a note", cite("notes.md", "Notes are private."), Effect.gen(function*() {
      const id = yield* createNote
      yield* Expect.status(yield* notes({ path: `/${id}`, as: "secondary" }), 404)
    }), { requires: ["secondOrganization"] })
  ],
  probe: (settings) => ({ path: `/${settings["apiVersion"]}/notes` }),
  sweep: (as) =>
    Effect.gen(function*() {
      const h = yield* Harness
      const listed = yield* notes({ as })
      const items = (listed.response.json as { items: Array<{ id: string; text: string }> }).items
      for (const note of items.filter((item) => item.text.startsWith(h.prefix))) yield* notes({ method: "DELETE", path: `/${note.id}`, as })
    })
}

/** The suite's dialects and the fourth: its one list entry. */
const registered: ReadonlyArray<Dialect> = [...dialects, notesDialect]

// ---------------------------------------------------------------------------------------------
// The notes server: notes per key, under /notes/<version>/notes
// ---------------------------------------------------------------------------------------------

interface Seen {
  readonly method: string
  readonly path: string
  readonly key: string | undefined
}

const notesServer = (keys: ReadonlyArray<string>, version: string) =>
  Effect.acquireRelease(
    Effect.async<{ readonly root: string; readonly seen: Array<Seen>; readonly close: () => void }>((resume) => {
      const seen: Array<Seen> = []
      const stored = new Map<string, Map<string, string>>(keys.map((key) => [key, new Map()]))
      let serial = 0
      const server = createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const key = typeof req.headers["x-notes-key"] === "string" ? req.headers["x-notes-key"] : undefined
          const path = new URL(req.url ?? "/", "http://notes").pathname
          seen.push({ method: req.method ?? "GET", path, key })
          const answer = (status: number, body?: unknown) => {
            res.writeHead(status, { "content-type": "application/json" })
            res.end(body === undefined ? "" : JSON.stringify(body))
          }
          const own = key === undefined ? undefined : stored.get(key)
          if (own === undefined) return answer(401, { message: "unknown key" })
          const base = `/notes/${version}/notes`
          if (path === base && req.method === "GET") {
            return answer(200, { items: [...own].map(([id, text]) => ({ id, text })) })
          }
          if (path === base && req.method === "POST") {
            const id = `note-${++serial}`
            own.set(id, (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text: string }).text)
            return answer(201, { id })
          }
          const id = path.startsWith(`${base}/`) ? path.slice(base.length + 1) : undefined
          const text = id === undefined ? undefined : own.get(id)
          if (id === undefined || text === undefined) return answer(404, { message: "no such note" })
          if (req.method === "DELETE") {
            own.delete(id)
            return answer(204)
          }
          return answer(200, { id, text })
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ root: `http://127.0.0.1:${port}`, seen, close: () => server.close() }))
      })
    }),
    (server) => Effect.sync(server.close)
  )

// ---------------------------------------------------------------------------------------------
// The command line, with the fourth dialect registered
// ---------------------------------------------------------------------------------------------

/** Runs the command in-process for `registered`; answers its outcome and what it printed. */
const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const outcome = yield* Ref.make<Outcome>("not run")
    const printed: Array<string> = []
    const recording: Console.Console = {
      ...(yield* Effect.console),
      log: (...lines) => Effect.sync(() => void printed.push(lines.join(" "))),
      error: (...lines) => Effect.sync(() => void printed.push(lines.join(" ")))
    }
    yield* cliFor(registered)(["node", "projectkit-conformance", ...args]).pipe(
      Effect.provideService(RunOutcome, outcome),
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.withConsole(recording)
    )
    return { outcome: yield* Ref.get(outcome), printed: printed.join("\n") }
  })

describe("a fourth dialect, registered in one definition and one list entry", () => {
  it.effect("has its options in the help, beside the suite's", () =>
    Effect.gen(function*() {
      const { printed } = yield* run(["--help"])
      for (const option of ["--notes-base-url", "--notes-key", "--notes-key-2", "--notes-api-version", "PROJECTKIT_CONFORMANCE_NOTES_KEY_2"]) {
        expect(printed).toContain(option)
      }
      expect(printed).toContain("/notes unless its own base URL is given")
      for (const dialect of dialects) expect(printed).toContain(`--${dialect.name}-base-url`)
    }))

  it.effect("runs its checks with the credentials and settings its flags and environment give", () =>
    Effect.gen(function*() {
      const server = yield* notesServer(["key-one", "key-two"], "v2")
      const dir = mkdtempSync(join(tmpdir(), "pkc-notes-"))
      const { outcome } = yield* run(
        ["--dialect", "notes", "--base-url", server.root, "--notes-key", "key-one", "--notes-api-version", "v2", "--json-report", join(dir, "r.json")],
        { PROJECTKIT_CONFORMANCE_NOTES_KEY_2: "key-two" }
      )
      const report = JSON.parse(readFileSync(join(dir, "r.json"), "utf8")) as Report.Report
      expect(report.checks.map((c) => [c.id, c.status, c.message ?? ""])).toEqual([
        ["NOTE-LIST-001", "passed", ""],
        ["NOTE-ISO-001", "passed", ""]
      ])
      expect(outcome).toBe("passed")
      expect(report.dialects).toEqual(["notes"])
      expect(report.config.targets["notes"]).toMatchObject({ baseUrl: `${server.root}/notes`, options: { apiVersion: "v2" } })
      // The checks reached its server, under the version given, as each organization.
      expect(server.seen.some((s) => s.method === "POST" && s.path === "/notes/v2/notes" && s.key === "key-one")).toBe(true)
      expect(server.seen.some((s) => s.method === "GET" && s.path.startsWith("/notes/v2/notes/") && s.key === "key-two")).toBe(true)
      // And its sweep left nothing of the run.
      expect(server.seen.filter((s) => s.method === "DELETE").length).toBe(2)
    }).pipe(Effect.scoped))

  it.effect("without its credential, its checks are skipped naming its option, and the run is unchecked", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "pkc-notes-"))
      const { outcome, printed } = yield* run(["--dialect", "notes", "--json-report", join(dir, "r.json")])
      expect(outcome).toBe("unchecked")
      const report = JSON.parse(readFileSync(join(dir, "r.json"), "utf8")) as Report.Report
      expect(report.checks.map((c) => c.unconfigured)).toEqual(["--notes-key", "--notes-key"])
      expect(printed).toContain("nothing was checked of notes")
    }))

  it.effect("a refused key stops the run before any check, naming its option", () =>
    Effect.gen(function*() {
      const server = yield* notesServer(["key-one"], "v1")
      const { outcome, printed } = yield* run(["--dialect", "notes", "--notes-base-url", `${server.root}/notes`, "--notes-key", "wrong"])
      expect(outcome).toBe("rejected")
      expect(printed).toContain("notes: the server refused the credential (--notes-key)")
      expect(server.seen.map((s) => `${s.method} ${s.path}`)).toEqual(["GET /notes/v1/notes"])
    }).pipe(Effect.scoped))
})
