/**
 * Creating sync.so projects answers the same whether the creates of one turn are committed
 * together (the group commit: one transaction on the server's SQLite, multi-row INSERTs of up to 32
 * rows on PostgreSQL) or one statement each (the option off): many creates at once (40: more than
 * one PostgreSQL group) are each stored and found as answered, searchable at
 * once; a create for an organization deleted meanwhile fails alone, as the foreign key the error
 * mapping knows (`Dialect.referencesMissingOrganization`), while the others of its turn land; and a
 * create inside a caller's transaction is one of its statements (rolled back with it).
 */
import { describe, expect, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Database from "../../src/Database.js"
import { referencesMissingOrganization } from "../../src/Dialect.js"
import * as SyncProjectStore from "../../src/dialects/sync/SyncProjectStore.js"
import * as TestDatabase from "../support/TestDatabase.js"

const database = Layer.unwrapScoped(Effect.map(TestDatabase.database, (location) => Database.layer(location)))

const organization = (id: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`INSERT INTO organizations (id, name, webhook_secret, created_at) VALUES (${id}, ${id}, 'secret', 0)`)

describe.each([true, false])(`sync project creates on ${TestDatabase.backend}, group commit %s`, (groupCommit) => {
  const services = Layer.effect(SyncProjectStore.SyncProjectStore, SyncProjectStore.makeWith({ groupCommit })).pipe(
    Layer.provideMerge(database)
  )

  it.scoped("stores every one of many concurrent creates as answered, searchable at once", () =>
    Effect.gen(function*() {
      const store = yield* SyncProjectStore.SyncProjectStore
      yield* organization("org-a")
      const caller = { orgId: "org-a", userId: "user-a" }
      const made = yield* Effect.all(
        Array.from({ length: 40 }, (_, i) =>
          store.createProject(caller, { name: `Project ${i}`, visibility: i % 2 === 0 ? "USER" : "ORGANIZATION", mode: "CREATOR" })),
        { concurrency: "unbounded" }
      )
      expect(new Set(made.map((row) => row.id)).size).toBe(40)
      for (const row of made) expect(yield* store.getProject(caller, row.id)).toEqual(row)
      const listed = yield* store.listProjects(caller, { limit: 100 })
      expect(listed.items.map((row) => row.id).sort()).toEqual(made.map((row) => row.id).sort())
      const searched = yield* store.listProjects(caller, { limit: 100, searchQuery: "project 3" })
      expect(searched.items.map((row) => row.name).sort()).toEqual(["Project 3", "Project 30", "Project 31", "Project 32", "Project 33", "Project 34", "Project 35", "Project 36", "Project 37", "Project 38", "Project 39"])
    }).pipe(Effect.provide(services)))

  it.scoped("writes a turn's creates in multi-row statements of at most 32 rows on PostgreSQL, one statement each with the option off", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      // The statements the store sends through `sql.unsafe` (SQLite's group commit writes on its
      // connection directly, so none there): their row counts.
      const inserts: Array<number> = []
      const counting = new Proxy(sql, {
        get: (target, property, receiver) =>
          property === "unsafe"
            ? (text: string, params?: ReadonlyArray<unknown>) => {
              if (text.startsWith("INSERT INTO sync_projects")) inserts.push((params?.length ?? 0) / 9)
              return target.unsafe(text, params)
            }
            : Reflect.get(target, property, receiver)
      })
      const store = yield* SyncProjectStore.makeWith({ groupCommit }).pipe(Effect.provideService(SqlClient.SqlClient, counting))
      yield* organization("org-g")
      const caller = { orgId: "org-g", userId: "user-a" }
      yield* Effect.all(
        Array.from({ length: 40 }, (_, i) => store.createProject(caller, { name: `G${i}`, visibility: "USER", mode: "CREATOR" })),
        { concurrency: "unbounded" }
      )
      expect((yield* store.listProjects(caller, { limit: 100 })).items).toHaveLength(40)
      if (!groupCommit) expect(inserts).toEqual(Array.from({ length: 40 }, () => 1))
      else if (TestDatabase.backend === "sqlite") expect(inserts).toEqual([])
      else {
        expect(inserts.reduce((sum, rows) => sum + rows, 0)).toBe(40)
        expect(Math.max(...inserts)).toBeLessThanOrEqual(32)
        expect(inserts.length).toBeLessThan(40)
      }
    }).pipe(Effect.provide(services)))

  it.scoped("fails only the create whose organization is gone; the others of its turn land", () =>
    Effect.gen(function*() {
      const store = yield* SyncProjectStore.SyncProjectStore
      yield* organization("org-live")
      const live = { orgId: "org-live", userId: "user-a" }
      const gone = { orgId: "org-gone", userId: "user-a" }
      const exits = yield* Effect.all(
        [live, gone, live].map((caller, i) => Effect.exit(store.createProject(caller, { name: `P${i}`, visibility: "USER", mode: "CREATOR" }))),
        { concurrency: "unbounded" }
      )
      expect(exits.map(Exit.isSuccess)).toEqual([true, false, true])
      const failure = exits[1]!
      if (Exit.isSuccess(failure) || failure.cause._tag !== "Fail") throw new Error("expected the create to fail")
      expect(referencesMissingOrganization(failure.cause.error)).toBe(true)
      const listed = yield* store.listProjects(live, { limit: 10 })
      expect(listed.items.map((row) => row.name).sort()).toEqual(["P0", "P2"])
    }).pipe(Effect.provide(services)))

  it.scoped("creates inside the caller's transaction, rolled back with it", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const store = yield* SyncProjectStore.SyncProjectStore
      yield* organization("org-t")
      const caller = { orgId: "org-t", userId: "user-a" }
      const kept = yield* sql.withTransaction(store.createProject(caller, { name: "Kept", visibility: "USER", mode: "CREATOR" }))
      const undone: Array<string> = []
      const rolledBack = yield* sql.withTransaction(
        Effect.flatMap(store.createProject(caller, { name: "Undone", visibility: "USER", mode: "CREATOR" }), (row) => {
          undone.push(row.id)
          return Effect.fail("undo" as const)
        })
      ).pipe(Effect.flip)
      expect(rolledBack).toBe("undo")
      expect(Option.isSome(yield* store.findProject(caller, kept.id))).toBe(true)
      expect(Option.isNone(yield* store.findProject(caller, undone[0]!))).toBe(true)
    }).pipe(Effect.provide(services)))
})
