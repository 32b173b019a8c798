/**
 * Snapshots through their real path (the control plane over HTTP, servers started with
 * `startServer`), on SQLite, or on PostgreSQL when PROJECTKIT_TEST_DATABASE_URL is set: the round
 * trip is exact, imported credentials keep working, one organization is replaced alone, and a
 * snapshot that cannot be imported changes nothing. Also: every table the migrations create is
 * either in snapshots or deliberately not, so a new table cannot be forgotten.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { afterAll, describe, expect, it } from "vitest"
import * as Database from "../src/Database.js"
import * as Dialects from "../src/dialects/index.js"
import { type RunningServer, startServer } from "../src/Emulator.js"
import * as Snapshots from "../src/Snapshots.js"
import { frozenLifecycles, type OrgCredentials, populate, visible } from "./support/Populate.js"
import * as TestDatabase from "./support/TestDatabase.js"

const running: Array<RunningServer> = []
const drops: Array<() => Promise<void>> = []
afterAll(async () => {
  await Promise.all(running.map((server) => server.close()))
  await Promise.all(drops.map((drop) => drop()))
})

/** A fresh database for one server: in memory, or a PostgreSQL schema of its own. */
const freshDatabase = async () => {
  if (TestDatabase.postgresUrl === undefined) return ":memory:"
  const schema = await TestDatabase.createSchema(TestDatabase.postgresUrl)
  drops.push(schema.drop)
  return schema.url
}

const start = async () => {
  const server = await startServer({ data: await freshDatabase(), ...frozenLifecycles })
  running.push(server)
  return server
}

const control = async (server: RunningServer, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${server.url}/__projectkit${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
  })
  const text = await response.text()
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) as Record<string, unknown> }
}

describe(`snapshots (${TestDatabase.backend})`, () => {
  it("export → import into a fresh server → export gives the same document, and imported credentials work", async () => {
    const source = await start()
    const first = await source.createOrganization("First") as OrgCredentials
    const second = await source.createOrganization("Second") as OrgCredentials
    const populatedFirst = await populate(source.url, source.adminToken, first, "1")
    await populate(source.url, source.adminToken, second, "2")

    const exported = await control(source, "GET", "/export")
    expect(exported.status).toBe(200)
    const snapshot = exported.body as Snapshots.Snapshot
    expect(snapshot).toMatchObject({ format: "projectkit-snapshot", version: 1, schema: Snapshots.schemaVersion })
    // Every table with rows, but the webhook deliveries the data made none of.
    for (const [table, rows] of Object.entries(snapshot.tables)) {
      if (table !== "webhook_deliveries") expect(rows.length, table).toBeGreaterThan(0)
    }
    // Credentials are exported as what is stored: hashes, never the secrets.
    expect(JSON.stringify(snapshot)).not.toContain(first.credentials.sync.apiKey)
    expect(JSON.stringify(snapshot)).not.toContain(populatedFirst.sanityProjectToken)

    const target = await start()
    const imported = await control(target, "POST", "/import", snapshot)
    expect(imported).toEqual({ status: 200, body: { organizations: 2 } })
    const again = await control(target, "GET", "/export")
    expect(again.body).toEqual(snapshot)
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(snapshot))

    // The credentials issued by the source work on the target, project tokens included.
    expect(await visible(target.url, first, populatedFirst)).toEqual(await visible(source.url, first, populatedFirst))
    expect(await visible(target.url, first, populatedFirst)).toMatchObject({ syncProjects: 2, sanityProjects: 1, sanityProjectToken: 200, indreamProjects: 1, indreamFile: 8 })

    // Through the Promise API too.
    expect(await target.exportState()).toEqual(snapshot)
  }, 60_000)

  it("a one-organization snapshot replaces that organization and leaves the others alone", async () => {
    const server = await start()
    const mine = await server.createOrganization("Mine") as OrgCredentials
    const other = await server.createOrganization("Other") as OrgCredentials
    const populatedMine = await populate(server.url, server.adminToken, mine, "m")
    const populatedOther = await populate(server.url, server.adminToken, other, "o")
    const otherBefore = await visible(server.url, other, populatedOther)

    const exported = await control(server, "GET", `/export?org=${mine.id}`)
    expect(exported.status).toBe(200)
    const snapshot = exported.body as Snapshots.Snapshot
    expect(snapshot.organization).toBe(mine.id)
    expect((snapshot.tables["organizations"] ?? []).map((row) => row["id"])).toEqual([mine.id])
    expect(JSON.stringify(snapshot)).not.toContain(other.id)

    // Changed after the export; the import brings it back as it was.
    await fetch(`${server.url}/sync/v2/projects`, {
      method: "POST",
      headers: { "x-api-key": mine.credentials.sync.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ name: "after the export" })
    })
    expect((await visible(server.url, mine, populatedMine)).syncProjects).toBe(3)
    expect(await control(server, "POST", "/import", snapshot)).toEqual({ status: 200, body: { organizations: 1 } })
    expect((await visible(server.url, mine, populatedMine)).syncProjects).toBe(2)
    expect((await control(server, "GET", `/export?org=${mine.id}`)).body).toEqual(snapshot)
    expect(await visible(server.url, other, populatedOther)).toEqual(otherBefore)

    // Into another server, next to its own organizations.
    const elsewhere = await start()
    const resident = await elsewhere.createOrganization("Resident") as OrgCredentials
    expect((await control(elsewhere, "POST", "/import", snapshot)).status).toBe(200)
    expect((await visible(elsewhere.url, mine, populatedMine)).syncProjects).toBe(2)
    expect((await fetch(`${elsewhere.url}/sync/v2/projects`, { headers: { "x-api-key": resident.credentials.sync.apiKey } })).status)
      .toBe(200)

    expect((await control(server, "GET", "/export?org=nope")).status).toBe(404)
  }, 60_000)

  it("refuses a malformed, foreign or clashing snapshot with a clear message and changes nothing", async () => {
    const server = await start()
    const org = await server.createOrganization("Kept") as OrgCredentials
    await populate(server.url, server.adminToken, org, "k")
    await server.createOrganization("Also kept")
    const before = (await control(server, "GET", "/export")).body as Snapshots.Snapshot

    const refusals: Array<[unknown, number, RegExp]> = [
      ["{", 400, /not valid JSON/],
      [[], 400, /JSON object/],
      [{ ...before, format: "something else" }, 400, /"format" must be "projectkit-snapshot"/],
      [{ ...before, version: 2 }, 400, /Snapshot version 2 is not supported: this server reads version 1/],
      [{ ...before, schema: 1 }, 400, /as of migration 1; this server's are as of/],
      [{ ...before, tables: { ...before.tables, nope: [] } }, 400, /Unknown table "nope"/],
      // A snapshot from before the rename (the guessed editor dialect's tables, schema 10): refused
      // by its schema, with what to do; its tables named under the current schema: unknown.
      [{ ...before, schema: 10, tables: { ...before.tables, editor_projects: [{ id: "p" }] } }, 400,
        /as of migration 10; this server's are as of \d+: export it again/],
      [{ ...before, tables: { ...before.tables, editor_projects: [{ id: "p" }] } }, 400, /Unknown table "editor_projects"/],
      [{ ...before, tables: { ...before.tables, sync_projects: [{ id: "x", color: "red" }] } }, 400, /has no column "color"/],
      [{ ...before, tables: { ...before.tables, sync_projects: [{ id: {} }] } }, 400, /malformed/],
      [{ ...before, extra: true }, 400, /malformed/],
      [{ ...before, organization: org.id }, 400, /exactly that organization's row/],
      // A row that breaks a constraint halfway through: everything before it is rolled back.
      [{ ...before, tables: { ...before.tables, sync_projects: [...(before.tables["sync_projects"] ?? []), { id: "orphan", org_id: "gone" }] } }, 409, /does not fit the stored data/]
    ]
    for (const [document, status, message] of refusals) {
      const refused = await control(server, "POST", "/import", typeof document === "string" ? document : JSON.stringify(document))
      expect(refused.status, JSON.stringify(document).slice(0, 80)).toBe(status)
      expect(refused.body?.["message"], JSON.stringify(document).slice(0, 80)).toMatch(message)
    }
    expect((await control(server, "GET", "/export")).body).toEqual(before)

    // A one-organization snapshot with another organization's row in it.
    const lone = (await control(server, "GET", `/export?org=${org.id}`)).body as Snapshots.Snapshot
    const smuggled = {
      ...lone,
      tables: { ...lone.tables, sync_projects: [...(lone.tables["sync_projects"] ?? []), { ...lone.tables["sync_projects"]![0]!, id: "smuggled", org_id: "someone-else" }] }
    }
    const refused = await control(server, "POST", "/import", smuggled)
    expect(refused).toMatchObject({ status: 400, body: { error: "bad_request", message: expect.stringMatching(/does not belong to organization/) } })
    // Without the admin token nothing is read or written.
    expect((await fetch(`${server.url}/__projectkit/export`)).status).toBe(401)
    expect((await fetch(`${server.url}/__projectkit/import`, { method: "POST", body: "{}" })).status).toBe(401)
    expect((await control(server, "GET", "/export")).body).toEqual(before)
  }, 60_000)
})

describe("snapshot tables", () => {
  // Not an organization's data: the migrations' own bookkeeping, rate-limit budgets (they refill),
  // and SQLite's name index (kept by triggers on sync_projects).
  const notData = (table: string) =>
    table === "projectkit_migrations" || table === "rate_limits" || table.startsWith("sync_projects_search")

  it("lists every table the migrations create, each once, with columns that exist", async () => {
    const tables = [...Snapshots.serverTables, ...Dialects.all.flatMap((dialect) => dialect.tables ?? [])]
    const database = await freshDatabase()
    const found = await Effect.runPromise(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const names = yield* sql.onDialectOrElse({
        pg: () => sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`,
        orElse: () => sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`
      })
      const columns = new Map<string, ReadonlyArray<string>>()
      for (const table of tables) {
        const rows = yield* sql.onDialectOrElse({
          pg: () =>
            sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name = ${table.name}`,
          orElse: () => sql<{ name: string }>`SELECT name FROM pragma_table_info(${table.name})`
        })
        columns.set(table.name, rows.map((row) => row.name))
      }
      return { names: names.map((row) => row.name), columns }
    }).pipe(Effect.provide(Database.layer(database)), Effect.scoped))
    expect(found.names.filter((name) => !notData(name)).sort()).toEqual(tables.map((table) => table.name).sort())
    for (const table of tables) {
      const columns = found.columns.get(table.name) ?? []
      for (const column of table.key) expect(columns, `${table.name}.${column}`).toContain(column)
      const owner = typeof table.owner === "string" ? table.owner : table.owner.column
      expect(columns, `${table.name}.${owner}`).toContain(owner)
      if (typeof table.owner !== "string") {
        const parent = table.owner.parent
        expect(tables.findIndex((t) => t.name === parent), `${table.name}'s parent ${parent} comes first`)
          .toBeLessThan(tables.indexOf(table))
      }
    }
  }, 60_000)
})
