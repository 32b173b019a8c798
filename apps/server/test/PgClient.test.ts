/**
 * The server's own PostgreSQL `SqlClient` (src/internal/pg.ts): statements, errors and
 * transactions as `@effect/sql` gives them, which statements are sent named (prepared) and which
 * are not, and a named statement that PostgreSQL can no longer use. Every test runs on each path:
 * statements named or all unnamed, and run directly (tracing off, as the server runs) or through
 * `@effect/sql`'s own statement path (tracing on). Needs PROJECTKIT_TEST_DATABASE_URL.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import { describe, expect, it as vitest } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import type { Connection } from "@effect/sql/SqlConnection"
import * as Statement from "@effect/sql/Statement"
import { makeCompiler } from "@effect/sql-pg/PgClient"
import * as Deferred from "effect/Deferred"
import { eventually } from "@projectkit/core/Eventually"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import * as Database from "../src/Database.js"
import * as PgClient from "../src/internal/pg.js"
import { searchPage } from "../src/internal/search.js"
import * as TestDatabase from "./support/TestDatabase.js"

const url = TestDatabase.postgresUrl

/** A client on a fresh schema of the test database, closed (and the schema dropped) with the scope. */
const client = (options: Partial<PgClient.PgOptions> = {}) =>
  Effect.flatMap(TestDatabase.freshSchema(url!), (location) =>
    PgClient.make({
      url: Redacted.make(location),
      maxConnections: 4,
      idleTimeout: "30 seconds",
      connectTimeout: "10 seconds",
      applicationName: "projectkit-test",
      ...options
    }).pipe(Effect.provide(Reactivity.layer)))

/** The statements prepared on the connection a transaction holds, by text. */
const preparedOnConnection = (sql: SqlClient.SqlClient) =>
  Effect.map(
    sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements ORDER BY prepare_time`,
    (rows) => rows.map((row) => row.statement)
  )

describe("PgClient.nameable", () => {
  vitest("names DML with parameters, and nothing else", () => {
    expect(PgClient.nameable("SELECT id FROM t WHERE id = $1", [1])).toBe(true)
    expect(PgClient.nameable("\n  insert INTO t (id) VALUES ($1)", [1])).toBe(true)
    expect(PgClient.nameable("UPDATE t SET a = $1", [1])).toBe(true)
    expect(PgClient.nameable("DELETE FROM t WHERE id = $1", [1])).toBe(true)
    expect(PgClient.nameable("WITH x AS (SELECT $1::int AS n) SELECT n FROM x", [1])).toBe(true)
    // No parameters: the simple protocol, which also runs scripts of several statements.
    expect(PgClient.nameable("SELECT 1", [])).toBe(false)
    // DDL, transaction control, session settings.
    expect(PgClient.nameable("CREATE TABLE t (id int)", [])).toBe(false)
    expect(PgClient.nameable("BEGIN", [])).toBe(false)
    expect(PgClient.nameable("SET plan_cache_mode = force_custom_plan", [])).toBe(false)
    // A pattern's selectivity decides the plan: planned for each value.
    expect(PgClient.nameable("SELECT id FROM t WHERE name LIKE $1 ESCAPE '\\'", ["%a%"])).toBe(false)
    expect(PgClient.nameable("SELECT id FROM t WHERE name ilike $1", ["%a%"])).toBe(false)
    expect(PgClient.nameable("SELECT id FROM t WHERE name SIMILAR TO $1", ["%a%"])).toBe(false)
    // A column named like a keyword is not a pattern.
    expect(PgClient.nameable("SELECT likes FROM t WHERE id = $1", [1])).toBe(true)
  })

  vitest("leaves every search statement unnamed, and a list without a term named", async () => {
    /** The statements search.ts runs for `text`, compiled as the client compiles them. */
    const statements = async (text: string, after?: { value: number; id: string }) => {
      const sent: Array<readonly [string, ReadonlyArray<unknown>]> = []
      const recording = {
        execute: (sql: string, params: ReadonlyArray<unknown>) => Effect.sync(() => (sent.push([sql, params]), []))
      } as unknown as Connection
      const sql = Statement.make(Effect.succeed(recording), makeCompiler(), [], undefined) as unknown as SqlClient.SqlClient
      await Effect.runPromise(searchPage<{ id: string }>(sql, {
        table: "sync_projects",
        column: "name_search",
        trigrams: "sync_projects_search",
        select: sql`id, name`,
        where: sql`org_id = ${"org"}`,
        order: { key: "created_at", direction: "desc" },
        after,
        limit: 51
      }, text))
      return sent
    }
    for (const term of ["tag042", "0000777", "ab", "100%_", "x y"]) {
      const sent = await statements(term, { value: 1, id: "a" })
      expect(sent.length).toBeGreaterThan(0)
      for (const [text, params] of sent) expect({ term, named: PgClient.nameable(text, params) }).toEqual({ term, named: false })
    }
    const [[page, params]] = await statements("", { value: 1, id: "a" }) as [[string, ReadonlyArray<unknown>]]
    expect(PgClient.nameable(page, params)).toBe(true)
  })
})

describe.skipIf(url === undefined).each([
  ["named statements on pipelined connections, run directly", true, 2, false],
  ["named statements on pipelined connections, through @effect/sql's statement path", true, 2, true],
  ["named statements on pooled connections, run directly", true, 0, false],
  ["named statements on pooled connections, through @effect/sql's statement path", true, 0, true],
  ["unnamed statements, run directly", false, 0, false],
  ["unnamed statements, through @effect/sql's statement path", false, 0, true]
])("PgClient, %s", (_path, named, pipelined, tracing) => {
  const it = {
    scoped: <A, E>(name: string, test: (sql: SqlClient.SqlClient) => Effect.Effect<A, E, Scope.Scope>, options: Partial<PgClient.PgOptions> = {}) =>
      vitest.scopedLive(name, () =>
        Effect.flatMap(
          client({ namedStatements: named, pipelinedConnections: pipelined, ...options }),
          (sql) => Effect.withTracerEnabled(test(sql), tracing)
        ))
  }
  const table = (sql: SqlClient.SqlClient) => sql`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)`
  const insert = (sql: SqlClient.SqlClient, id: number, name: string) => sql`INSERT INTO t ${sql.insert({ id, name })}`
  const names = (sql: SqlClient.SqlClient) =>
    Effect.map(sql<{ name: string }>`SELECT name FROM t WHERE id > ${0} ORDER BY id`, (rows) => rows.map((row) => row.name))

  it.scoped("opens a span per statement exactly when tracing is on", (sql) =>
    Effect.gen(function*() {
      const spans: Array<string> = []
      const recording = Tracer.make({
        span: (name, parent, context, links, startTime, kind, options) => {
          spans.push(name)
          return Effect.runSync(Effect.map(Effect.tracer, (native) => native.span(name, parent, context, links, startTime, kind, options)))
        },
        context: (f) => f()
      })
      expect(yield* Effect.withTracer(sql<{ n: number }>`SELECT ${1}::int AS n`, recording)).toEqual([{ n: 1 }])
      expect(spans).toEqual(tracing ? ["sql.execute"] : [])
    }))

  it.scoped("runs statements with parameters, raw, values, unprepared, unsafe and streamed", (sql) =>
    Effect.gen(function*() {
      yield* table(sql)
      yield* insert(sql, 1, "one")
      yield* insert(sql, 2, "two")
      expect(yield* sql<{ id: number; name: string }>`SELECT id, name FROM t WHERE id = ${2}`).toEqual([{ id: 2, name: "two" }])
      expect(yield* sql`SELECT id, name FROM t WHERE id > ${0} ORDER BY id`.values).toEqual([[1, "one"], [2, "two"]])
      // The same text as objects again after `.values` asked for arrays.
      expect(yield* sql`SELECT id, name FROM t WHERE id > ${0} ORDER BY id`).toEqual([{ id: 1, name: "one" }, { id: 2, name: "two" }])
      const raw = yield* sql`UPDATE t SET name = ${"uno"} WHERE id = ${1}`.raw
      expect(raw).toMatchObject({ command: "UPDATE", rowCount: 1 })
      expect(yield* sql`UPDATE t SET name = name || ${"!"} RETURNING name`).toEqual(
        expect.arrayContaining([{ name: "uno!" }, { name: "two!" }])
      )
      expect(yield* sql`SELECT count(*)::int AS n FROM t WHERE id > ${0}`.unprepared).toEqual([{ n: 2 }])
      expect(yield* sql.unsafe<{ n: number }>("SELECT $1::int + $2::int AS n", [1, 2])).toEqual([{ n: 3 }])
      // What the direct path runs an `unsafe` statement with, uncompiled (directStatements.ts).
      expect(sql.unsafe("SELECT $1::int + $2::int AS n", [1, 2]).compile()).toEqual(["SELECT $1::int + $2::int AS n", [1, 2]])
      expect(yield* sql`SELECT name FROM t WHERE ${sql.in("id", [1, 2])} ORDER BY id`).toHaveLength(2)
      expect(yield* sql`SELECT name FROM t WHERE ${sql.in("id", [1])} ORDER BY id`).toHaveLength(1)
      expect(yield* Stream.runCollect(sql<{ id: number }>`SELECT id FROM t WHERE id > ${0} ORDER BY id`.stream).pipe(
        Effect.map((chunk) => Array.from(chunk, (row) => row.id))
      )).toEqual([1, 2])
      // A script of several statements (no parameters) answers each one's rows, as @effect/sql-pg does.
      expect(yield* sql.unsafe("SELECT 1 AS a; SELECT 2 AS b")).toEqual([[{ a: 1 }], [{ b: 2 }]])
      expect(sql.onDialectOrElse({ pg: () => "pg", orElse: () => "other" })).toBe("pg")
    }))

  it.scoped("names the statements it should, once per connection, and no other", (sql) =>
    Effect.gen(function*() {
      yield* table(sql)
      yield* insert(sql, 1, "one")
      // One connection (a transaction's), to see what was prepared on it.
      const prepared = yield* sql.withTransaction(Effect.gen(function*() {
        for (let i = 0; i < 3; i++) {
          expect(yield* sql<{ name: string }>`SELECT name FROM t WHERE id = ${1}`).toEqual([{ name: "one" }])
          yield* sql`SELECT name FROM t WHERE name LIKE ${"%on%"}`
          yield* sql`SELECT name FROM t`
        }
        return yield* preparedOnConnection(sql)
      }))
      expect(prepared.filter((text) => text.includes("FROM t"))).toEqual(named ? ["SELECT name FROM t WHERE id = $1"] : [])
    }))

  it.scoped("stops naming new texts past its limit, and still runs them", (sql) =>
    Effect.gen(function*() {
      yield* table(sql)
      // Without parameters, so that it takes no name.
      yield* sql`INSERT INTO t (id, name) VALUES (1, 'one')`
      const prepared = yield* sql.withTransaction(Effect.gen(function*() {
        for (let round = 0; round < 2; round++) {
          for (let i = 0; i < 4; i++) {
            expect(yield* sql.unsafe(`SELECT ${i} AS n, name FROM t WHERE id = $1`, [1])).toEqual([{ n: i, name: "one" }])
          }
        }
        return yield* preparedOnConnection(sql)
      }))
      expect(prepared.filter((text) => text.includes("FROM t")).length).toBe(named ? 2 : 0)
    }), { namedLimit: 2 })

  it.scoped("fails with an SqlError carrying PostgreSQL's error, and stays usable", (sql) =>
    Effect.gen(function*() {
      yield* table(sql)
      const syntax = yield* Effect.flip(sql`SELEC ${1}`)
      expect(syntax).toBeInstanceOf(SqlError)
      expect(syntax.cause).toMatchObject({ code: "42601" })
      // A named statement that failed to parse (no such table yet) is parsed again next time.
      const missing = yield* Effect.flip(sql`SELECT id FROM later WHERE id = ${1}`)
      expect(missing.cause).toMatchObject({ code: "42P01" })
      yield* sql`CREATE TABLE later (id INTEGER PRIMARY KEY)`
      expect(yield* sql`SELECT id FROM later WHERE id = ${1}`).toEqual([])
      yield* insert(sql, 1, "one")
      const duplicate = yield* Effect.flip(insert(sql, 1, "again"))
      expect(duplicate.cause).toMatchObject({ code: "23505" })
      expect(yield* names(sql)).toEqual(["one"])
    }))

  it.scoped("answers a named statement whose result changed type since it was prepared", (sql) =>
    Effect.gen(function*() {
      yield* table(sql)
      yield* insert(sql, 1, "one")
      const read = sql<{ id: unknown; name: string }>`SELECT * FROM t WHERE id = ${1}`
      // Prepared on every connection of the pool (4), so the next run meets a stale one.
      yield* Effect.all(Array.from({ length: 8 }, () => read), { concurrency: "unbounded" })
      yield* sql`ALTER TABLE t ALTER COLUMN id TYPE BIGINT`
      yield* sql`ALTER TABLE t ADD COLUMN extra TEXT`
      for (let i = 0; i < 8; i++) {
        expect(yield* read).toEqual([{ id: "1", name: "one", extra: null }])
      }
    }))

  it.scoped("runs named reads outside transactions on the pipelined connections, and everything else on the pool", (sql) =>
    Effect.gen(function*() {
      yield* table(sql)
      yield* insert(sql, 1, "one")
      // The pipelined connections open on first use; until then reads take the pool.
      yield* names(sql)
      yield* Effect.sleep("100 millis")
      // The pool's one connection (the others are the pipelined ones, if any) held by a transaction.
      const opened = yield* Deferred.make<void>()
      const finish = yield* Deferred.make<void>()
      const transaction = yield* Effect.fork(sql.withTransaction(
        Effect.zipRight(Deferred.succeed(opened, undefined), Deferred.await(finish))
      ))
      yield* Deferred.await(opened)
      const read = yield* Effect.fork(names(sql))
      const write = yield* Effect.fork(insert(sql, 2, "two"))
      const shared = named && pipelined > 0
      // A read does not wait for the pool when it has pipelined connections to run on: it ends while
      // the transaction holds the pool's only connection. A write waits for that connection.
      // (Without pipelined connections the read must still be waiting after a while: an absence, which
      // only time can show; the wait decides nothing else.)
      if (shared) yield* eventually(Fiber.poll(read), { until: Option.isSome })
      else yield* Effect.sleep("200 millis").pipe(Effect.zipRight(Fiber.poll(read)), Effect.map((polled) => expect(Option.isNone(polled)).toBe(true)))
      expect(Option.isNone(yield* Fiber.poll(write))).toBe(true)
      yield* Deferred.succeed(finish, undefined)
      yield* Fiber.join(transaction)
      yield* Fiber.join(write)
      expect(yield* Fiber.join(read)).toEqual(["one"])
      expect(yield* names(sql)).toEqual(["one", "two"])
    }), { maxConnections: (named ? pipelined : 0) + 1 })

  it.scoped("survives its connections being closed by the server: statements after run on new ones", (sql) =>
    Effect.gen(function*() {
      yield* table(sql)
      yield* insert(sql, 1, "one")
      // Every connection open (pipelined ones too), then all of them ended by PostgreSQL.
      yield* Effect.all(Array.from({ length: 20 }, () => names(sql)), { concurrency: "unbounded" })
      yield* Effect.sleep("50 millis")
      yield* Effect.all(Array.from({ length: 20 }, () => names(sql)), { concurrency: "unbounded" })
      const admin = yield* client({ namedStatements: false })
      const ended = yield* admin<{ pid: number }>`SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = ${"projectkit-test-terminated"}`
      expect(ended.length).toBeGreaterThan(0)
      // Gone from PostgreSQL's side before the client is used again.
      yield* eventually(admin<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE pid IN ${admin.in(ended.map((row) => row.pid))}`, {
        until: (alive) => alive.length === 0
      })
      // A statement may still meet a connection whose end it has not seen yet: it fails, and no
      // more than that; within a few tries every statement runs again.
      const again = yield* names(sql).pipe(Effect.retry({ times: 5 }), Effect.timeout("10 seconds"))
      expect(again).toEqual(["one"])
      expect(yield* Effect.all(Array.from({ length: 20 }, () => names(sql)), { concurrency: "unbounded" })).toEqual(
        Array.from({ length: 20 }, () => ["one"])
      )
    }), { applicationName: "projectkit-test-terminated" })

  it.scoped("rolls a failed transaction back and commits a successful one, on one connection", (sql) =>
    Effect.gen(function*() {
      yield* table(sql)
      const failed = yield* Effect.exit(sql.withTransaction(Effect.zipRight(insert(sql, 1, "lost"), Effect.fail("boom"))))
      expect(failed).toEqual(Exit.fail("boom"))
      expect(yield* names(sql)).toEqual([])
      const pids = yield* sql.withTransaction(Effect.gen(function*() {
        yield* insert(sql, 2, "kept")
        const first = yield* sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`
        yield* insert(sql, 3, "kept too")
        const second = yield* sql<{ pid: number }>`SELECT pg_backend_pid() AS pid WHERE ${1} = 1`
        return [first[0]?.pid, second[0]?.pid]
      }))
      expect(pids[0]).toBe(pids[1])
      expect(yield* names(sql)).toEqual(["kept", "kept too"])
    }))

  it.scoped("nests transactions as savepoints", (sql) =>
    Effect.gen(function*() {
      yield* table(sql)
      yield* sql.withTransaction(Effect.gen(function*() {
        yield* insert(sql, 1, "outer")
        yield* sql.withTransaction(Effect.zipRight(insert(sql, 2, "inner, rolled back"), Effect.fail("inner"))).pipe(
          Effect.ignore
        )
        yield* sql.withTransaction(insert(sql, 3, "inner, kept"))
      }))
      expect(yield* names(sql)).toEqual(["outer", "inner, kept"])
    }))

  it.scoped("keeps an open transaction's writes from other fibers until it commits", (sql) =>
    Effect.gen(function*() {
      yield* table(sql)
      const opened = yield* Deferred.make<void>()
      const finish = yield* Deferred.make<void>()
      const transaction = yield* Effect.fork(sql.withTransaction(Effect.gen(function*() {
        yield* insert(sql, 1, "in the transaction")
        yield* Deferred.succeed(opened, undefined)
        yield* Deferred.await(finish)
      })))
      yield* Deferred.await(opened)
      yield* insert(sql, 2, "outside")
      expect(yield* names(sql)).toEqual(["outside"])
      yield* Deferred.succeed(finish, undefined)
      yield* Fiber.join(transaction)
      expect(yield* names(sql)).toEqual(["in the transaction", "outside"])
    }))

  it.scoped("gives its connection back after an interrupted statement or transaction", (sql) =>
    Effect.gen(function*() {
      yield* table(sql)
      // One connection: had either kept it, the statements after would wait forever.
      yield* Effect.exit(Effect.timeout(sql`SELECT pg_sleep(${0.3})`, "20 millis"))
      const opened = yield* Deferred.make<void>()
      const stuck = yield* Effect.fork(sql.withTransaction(Effect.zipRight(
        Effect.zipRight(insert(sql, 1, "interrupted"), Deferred.succeed(opened, undefined)),
        Effect.never
      )))
      yield* Deferred.await(opened)
      yield* Fiber.interrupt(stuck)
      yield* insert(sql, 2, "after")
      expect(yield* names(sql).pipe(Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => "connection kept" })))
        .toEqual(["after"])
    }), { maxConnections: 1 })

  it.scoped("runs many statements and transactions at once on a few connections", (sql) =>
    Effect.gen(function*() {
      yield* table(sql)
      yield* insert(sql, 1, "0")
      const increment = sql.withTransaction(Effect.gen(function*() {
        const [row] = yield* sql<{ name: string }>`SELECT name FROM t WHERE id = ${1} FOR UPDATE`
        yield* sql`UPDATE t SET name = ${String(Number(row?.name) + 1)} WHERE id = ${1}`
      }))
      const work = Array.from({ length: 100 }, (_, i) => i % 2 === 0 ? increment : names(sql))
      yield* Effect.all(work, { concurrency: "unbounded", discard: true })
      expect(yield* names(sql)).toEqual(["50"])
    }))
})

describe.skipIf(url === undefined)("Database.layerPg", () => {
  vitest.scoped("reads BIGINT and NUMERIC as numbers, as SQLite gives them", () =>
    Effect.gen(function*() {
      const location = yield* TestDatabase.freshSchema(url!)
      const rows = yield* Effect.flatMap(
        SqlClient.SqlClient,
        (sql) => sql<{ big: unknown; total: unknown }>`SELECT ${2}::bigint * 3 AS big, SUM(x)::numeric AS total FROM (VALUES (1), (2)) v(x)`
      ).pipe(Effect.provide(Database.layerPg(location, { maxConnections: 2 })))
      expect(rows).toEqual([{ big: 6, total: 3 }])
    }))
})
