/**
 * A provider is registered in one place: a fourth, test-only dialect (`fourth/NotesDialect.ts`,
 * one folder-sized definition) added to the list with one entry is served, given credentials by
 * the control plane, and covered by snapshots, the per-organization reset and delete — through
 * HTTP, with no other source file knowing it. On SQLite, or PostgreSQL when
 * PROJECTKIT_TEST_DATABASE_URL is set.
 */
import { afterAll, describe, expect, it } from "vitest"
import * as Dialects from "../src/dialects/index.js"
import { type RunningServer, startServer } from "../src/Emulator.js"
import * as NotesDialect from "./fourth/NotesDialect.js"
import * as TestDatabase from "./support/TestDatabase.js"

const dialects = [...Dialects.all, NotesDialect.dialect]

const running: Array<RunningServer> = []
const drops: Array<() => Promise<void>> = []
afterAll(async () => {
  await Promise.all(running.map((server) => server.close()))
  await Promise.all(drops.map((drop) => drop()))
})

const start = async () => {
  let data = ":memory:"
  if (TestDatabase.postgresUrl !== undefined) {
    const schema = await TestDatabase.createSchema(TestDatabase.postgresUrl)
    drops.push(schema.drop)
    data = schema.url
  }
  const server = await startServer({ data, dialects })
  running.push(server)
  return server
}

/** An organization or a member, as the control plane answers them. */
interface User {
  readonly id: string
  readonly userId: string
  readonly credentials: Readonly<Record<string, Readonly<Record<string, string>>>>
}

type Rows = ReadonlyArray<Readonly<Record<string, string | number | null>>>

interface Snapshot {
  readonly tables: Readonly<Record<string, Rows>>
}

/** The column `column` of each row, sorted. */
const column = (rows: Rows | undefined, name: string) => (rows ?? []).map((row) => String(row[name])).sort()

const call = async <Body = unknown>(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: unknown
): Promise<{ readonly status: number; readonly body: Body }> => {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as Body }
}

const control = <Body = unknown>(server: RunningServer, method: string, path: string, body?: unknown) =>
  call<Body>(`${server.url}/__projectkit${path}`, method, { authorization: `Bearer ${server.adminToken}` }, body)

const organization = async (server: RunningServer, name: string) => (await control<User>(server, "POST", "/orgs", { name })).body

const exportOf = async (server: RunningServer, query = "") => (await control<Snapshot>(server, "GET", `/export${query}`)).body

const notes = (server: RunningServer, key: string, method: string, body?: unknown) =>
  call(`${server.url}/notes/v1/notes`, method, { "x-notes-key": key }, body)

describe(`a fourth dialect, registered with one list entry (${TestDatabase.backend})`, () => {
  it("gets its credential from the control plane, for every member, and its routes accept it alone", async () => {
    const server = await start()
    expect(server.dialectUrls["notes"]).toBe(`${server.url}/notes`)
    const health = await control<{ dialects: ReadonlyArray<string> }>(server, "GET", "/health")
    expect(health.body.dialects).toEqual(["sync", "sanity", "indream", "notes"])

    const org = await control<User>(server, "POST", "/orgs", { name: "Noted" })
    expect(org.status).toBe(201)
    const key = org.body.credentials["notes"]?.["key"] ?? ""
    expect(key).toMatch(/^nk_/)
    // The other dialects' credentials are issued as before.
    expect(Object.keys(org.body.credentials)).toEqual(["sync", "sanity", "indream", "notes"])

    const created = await notes(server, key, "POST", { text: "first", tags: ["b", "a"] })
    expect(created).toMatchObject({ status: 201, body: { text: "first", tags: ["a", "b"] } })
    // Another dialect's credential is not one of its own: refused in its own error format.
    expect(await notes(server, org.body.credentials["sync"]?.["apiKey"] ?? "", "GET")).toEqual({
      status: 401,
      body: { code: "unauthorized", detail: "Unknown notes key" }
    })

    const member = await control<User>(server, "POST", `/orgs/${org.body.id}/members`)
    expect(member.status).toBe(201)
    expect((await notes(server, member.body.credentials["notes"]?.["key"] ?? "", "GET")).body).toMatchObject([{ text: "first" }])
    // The Studio lists it, and shows the organization's records through its view.
    const views = await control<{ served: ReadonlyArray<string>; dialects: ReadonlyArray<{ dialect: string; title: string }> }>(
      server,
      "GET",
      "/studio/views"
    )
    expect(views.body.served).toEqual(["sync", "sanity", "indream", "notes"])
    expect(views.body.dialects.at(-1)).toMatchObject({ dialect: "notes", title: "Notes" })
    const shown = await control(server, "GET", `/orgs/${org.body.id}/views/notes`)
    expect(shown.body).toMatchObject({ dialect: "notes", views: [{ id: "notes", records: [{ title: "first", cells: { text: "first" } }] }] })
    // Its member rows: one per user, written when each was issued credentials.
    const members = (await exportOf(server, `?org=${org.body.id}`)).tables["notes_members"]
    expect(members).toHaveLength(2)
    expect(column(members, "user_id")).toContain(member.body.userId)
  })

  it("is in snapshots, and its rows go with a reset or deleted organization, the others' staying", async () => {
    const server = await start()
    const first = await organization(server, "First")
    const second = await organization(server, "Second")
    const firstKey = first.credentials["notes"]?.["key"] ?? ""
    const secondKey = second.credentials["notes"]?.["key"] ?? ""
    expect((await notes(server, firstKey, "POST", { text: "one", tags: ["x"] })).status).toBe(201)
    expect((await notes(server, secondKey, "POST", { text: "two", tags: ["y", "z"] })).status).toBe(201)

    const exported = await exportOf(server)
    expect(column(exported.tables["notes_items"], "text")).toEqual(["one", "two"])
    expect(column(exported.tables["notes_tags"], "label")).toEqual(["x", "y", "z"])

    // Into a fresh server with the same dialects: the same document, and the keys still work.
    const restored = await start()
    expect((await control(restored, "POST", "/import", exported)).status).toBe(200)
    expect(await exportOf(restored)).toEqual(exported)
    expect((await notes(restored, secondKey, "GET")).body).toMatchObject([{ text: "two", tags: ["y", "z"] }])

    // Reset: the organization's notes and their tags go; its members (and key) stay.
    expect((await control(server, "POST", `/orgs/${first.id}/reset`)).status).toBe(204)
    expect(await notes(server, firstKey, "GET")).toEqual({ status: 200, body: [] })
    const afterReset = await exportOf(server)
    expect(column(afterReset.tables["notes_items"], "text")).toEqual(["two"])
    expect(column(afterReset.tables["notes_tags"], "label")).toEqual(["y", "z"])
    expect(column(afterReset.tables["notes_members"], "org_id")).toEqual([first.id, second.id].sort())

    // Delete: everything of the organization goes, its key stops working; the other's stays.
    expect((await control(server, "DELETE", `/orgs/${second.id}`)).status).toBe(204)
    expect((await notes(server, secondKey, "GET")).status).toBe(401)
    const afterDelete = await exportOf(server)
    expect(afterDelete.tables["notes_items"]).toEqual([])
    expect(afterDelete.tables["notes_tags"]).toEqual([])
    expect(column(afterDelete.tables["notes_members"], "org_id")).toEqual([first.id])
  })
})
