/**
 * The server's own SQLite `SqlClient` (src/internal/sqlite.ts): statements and errors as
 * `@effect/sql` gives them, and transactions on its single connection kept apart from every other
 * fiber's statements.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import { describe, expect, it as vitest } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import Sqlite from "better-sqlite3"
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import * as Statement from "@effect/sql/Statement"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SqliteClient from "../src/internal/sqlite.js"

/** `effect` on a fresh database of `memory` with a table `t (id INTEGER PRIMARY KEY, name TEXT)`. */
const withTableOn = (memory: Layer.Layer<SqlClient.SqlClient, SqlError>) =>
<A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)`
    return yield* effect
  }).pipe(Effect.provide(memory))

const names = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) => Effect.map(sql<{ name: string }>`SELECT name FROM t ORDER BY id`, (rows) => rows.map((row) => row.name))
)

const insert = (id: number, name: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql`INSERT INTO t ${sql.insert({ id, name })}`)

/** Lets every other runnable fiber run for a while, without the clock. */
const settle = Effect.repeatN(Effect.yieldNow(), 50)

const temporaryFile = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "pk-sqlite-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
).pipe(Effect.map((dir) => Path.join(dir, "test.db")))

/**
 * Every test runs three times: without `directStatements`, statements go through `@effect/sql`'s
 * own path (a span and a scope each); with it and tracing on, still; with it and tracing off, as
 * the server runs, the client runs them directly.
 */
describe.each([
  ["through @effect/sql's statement path (directStatements off)", false, false],
  ["through @effect/sql's statement path (directStatements on, tracing on)", true, true],
  ["run directly (directStatements on, tracing off)", true, false]
])("SqliteClient, statements %s", (_path, directStatements, tracing) => {
  const memory = SqliteClient.layer({ filename: ":memory:", directStatements })
  const withTable = withTableOn(memory)
  const traced = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.withTracerEnabled(effect, tracing)
  const it = {
    effect: <A, E>(name: string, test: () => Effect.Effect<A, E>) => vitest.effect(name, () => traced(test())),
    scoped: <A, E>(name: string, test: () => Effect.Effect<A, E, Scope.Scope>) => vitest.scoped(name, () => traced(test())),
    live: <A, E>(name: string, test: () => Effect.Effect<A, E>) => vitest.live(name, () => traced(test()))
  }

  it.effect("opens a span per statement exactly when tracing is on", () =>
    Effect.gen(function*() {
      const spans: Array<string> = []
      const recording = Tracer.make({
        span: (name, parent, context, links, startTime, kind, options) => {
          spans.push(name)
          return Effect.runSync(Effect.map(Effect.tracer, (native) => native.span(name, parent, context, links, startTime, kind, options)))
        },
        context: (f) => f()
      })
      const sql = yield* SqlClient.SqlClient
      expect(yield* Effect.withTracer(sql<{ n: number }>`SELECT ${1} AS n`, recording)).toEqual([{ n: 1 }])
      expect(spans).toEqual(tracing ? ["sql.execute"] : [])
    }).pipe(Effect.provide(memory)))

  it.effect("applies a statement transformer", () =>
    withTable(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* insert(1, "one")
      yield* insert(2, "two")
      const onlyTwo = Statement.withTransformer(
        sql<{ name: string }>`SELECT name FROM t ORDER BY id`,
        (_statement, sql) => Effect.succeed(sql`SELECT name FROM t WHERE id = ${2}`)
      )
      expect(yield* onlyTwo).toEqual([{ name: "two" }])
    })))

  it.effect("runs statements with parameters, raw, values and unprepared", () =>
    withTable(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* insert(1, "one")
      yield* insert(2, "two")
      const rows = yield* sql<{ id: number; name: string }>`SELECT id, name FROM t WHERE id = ${2}`
      expect(rows).toEqual([{ id: 2, name: "two" }])
      expect(yield* sql`SELECT id, name FROM t ORDER BY id`.values).toEqual([[1, "one"], [2, "two"]])
      // The statement prepared for `.values` still gives objects afterwards.
      expect(yield* sql`SELECT id, name FROM t ORDER BY id`).toEqual([{ id: 1, name: "one" }, { id: 2, name: "two" }])
      const raw = yield* sql`UPDATE t SET name = ${"uno"} WHERE id = ${1}`.raw
      expect(raw).toMatchObject({ changes: 1 })
      expect(yield* sql`UPDATE t SET name = name || '!' RETURNING name`).toEqual([{ name: "uno!" }, { name: "two!" }])
      expect(yield* sql`SELECT count(*) AS n FROM t`.unprepared).toEqual([{ n: 2 }])
      expect(yield* sql.unsafe<{ n: number }>("SELECT ? + ? AS n", [1, 2])).toEqual([{ n: 3 }])
      // What the direct path runs an `unsafe` statement with, uncompiled (directStatements.ts).
      expect(sql.unsafe("SELECT ? + ? AS n", [1, 2]).compile()).toEqual(["SELECT ? + ? AS n", [1, 2]])
      expect(yield* sql`SELECT name FROM t WHERE ${sql.in("id", [1, 2])} ORDER BY id`).toHaveLength(2)
      expect(yield* Stream.runCollect(sql<{ id: number }>`SELECT id FROM t ORDER BY id`.stream).pipe(
        Effect.map((chunk) => Array.from(chunk, (row) => row.id))
      )).toEqual([1, 2])
      expect(sql.onDialectOrElse({ sqlite: () => "sqlite", orElse: () => "other" })).toBe("sqlite")
    })))

  it.effect("makes rows as better-sqlite3 does, also after the schema changes under a prepared statement", () =>
    withTable(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const plain = new Sqlite(":memory:")
      const both = (statement: string) =>
        Effect.map(sql.unsafe(statement), (rows) => {
          expect(rows).toEqual(plain.prepare(statement).all())
          return rows
        })
      plain.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
      for (const statement of ["INSERT INTO t (id, name) VALUES (1, 'one')", "INSERT INTO t (id, name) VALUES (2, 'two')"]) {
        yield* sql.unsafe(statement)
        plain.exec(statement)
      }
      // A later column of the same name wins; none, none at all.
      expect(yield* both("SELECT id, name, name || '!' AS name, 3 AS id FROM t ORDER BY id")).toEqual([
        { id: 3, name: "one!" },
        { id: 3, name: "two!" }
      ])
      expect(yield* both("SELECT * FROM t WHERE id > 9")).toEqual([])
      expect(yield* both("SELECT * FROM t ORDER BY id")).toEqual([{ id: 1, name: "one" }, { id: 2, name: "two" }])
      // The same statements, prepared before each change, see the table as it is now.
      for (const change of ["ALTER TABLE t ADD COLUMN size INTEGER", "ALTER TABLE t RENAME COLUMN name TO title"]) {
        yield* sql.unsafe(change)
        plain.exec(change)
        yield* both("SELECT * FROM t ORDER BY id")
      }
      expect(yield* sql`SELECT * FROM t WHERE id = ${1}`).toEqual([{ id: 1, title: "one", size: null }])
      plain.close()
    })))

  it.effect("keeps working past the prepared-statement cache's capacity", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 10; i++) {
          expect(yield* sql.unsafe<{ n: number }>(`SELECT ${i} AS n`)).toEqual([{ n: i }])
        }
      }
    }).pipe(Effect.provide(SqliteClient.layer({ filename: ":memory:", prepareCacheSize: 3, directStatements }))))

  it.effect("fails with an SqlError carrying SQLite's error", () =>
    withTable(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const syntax = yield* Effect.flip(sql`SELEC 1`)
      expect(syntax).toBeInstanceOf(SqlError)
      expect(syntax.cause).toMatchObject({ code: "SQLITE_ERROR" })
      yield* insert(1, "one")
      const duplicate = yield* Effect.flip(insert(1, "again"))
      expect(duplicate).toBeInstanceOf(SqlError)
      expect(duplicate.cause).toMatchObject({ code: "SQLITE_CONSTRAINT_PRIMARYKEY" })
      // A statement that failed leaves the connection usable.
      expect(yield* names).toEqual(["one"])
    })))

  it.scoped("reports a locked database as SQLITE_BUSY in the SqlError's cause", () =>
    Effect.gen(function*() {
      const file = yield* temporaryFile
      const sql = yield* SqliteClient.make({ filename: file, directStatements }).pipe(Effect.provide(Reactivity.layer))
      yield* sql`CREATE TABLE t (id INTEGER PRIMARY KEY)`
      yield* sql`PRAGMA busy_timeout = 0`
      const other = new Sqlite(file)
      yield* Effect.addFinalizer(() => Effect.sync(() => other.close()))
      other.exec("BEGIN IMMEDIATE")
      const busy = yield* Effect.flip(sql`INSERT INTO t (id) VALUES (1)`)
      expect(busy.cause).toMatchObject({ code: "SQLITE_BUSY" })
      other.exec("ROLLBACK")
      yield* sql`INSERT INTO t (id) VALUES (1)`
    }))

  it.scoped("takes the write lock when a transaction begins, so another process's commit cannot fail its later write", () =>
    Effect.gen(function*() {
      // Two server processes on one file: with a deferred BEGIN, a transaction that reads, sees
      // another connection commit, and then writes fails at once with SQLITE_BUSY (its snapshot
      // cannot be upgraded, and no busy_timeout waits for that). BEGIN IMMEDIATE makes the other
      // writer wait (here: fail fast, as its busy_timeout is 0) and this transaction commit.
      const file = yield* temporaryFile
      const sql = yield* SqliteClient.make({ filename: file, directStatements }).pipe(Effect.provide(Reactivity.layer))
      yield* sql`PRAGMA journal_mode = WAL`
      yield* sql`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)`
      const other = new Sqlite(file)
      yield* Effect.addFinalizer(() => Effect.sync(() => other.close()))
      other.pragma("busy_timeout = 0")
      let otherWrote = true
      yield* sql.withTransaction(Effect.gen(function*() {
        const before = yield* sql<{ n: number }>`SELECT COUNT(*) AS n FROM t`
        try {
          other.prepare("INSERT INTO t (id, name) VALUES (1, 'other process')").run()
        } catch (error) {
          expect(error).toMatchObject({ code: "SQLITE_BUSY" })
          otherWrote = false
        }
        yield* sql`INSERT INTO t (id, name) VALUES (${before[0]!.n + 10}, 'this process')`
      }))
      expect(otherWrote).toBe(false)
      expect(yield* sql<{ name: string }>`SELECT name FROM t`).toEqual([{ name: "this process" }])
    }))

  it.effect("gives integers beyond 2^53 as bigint only under SafeIntegers", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const query = sql<{ n: unknown }>`SELECT 9007199254740993 AS n`
      const safe = yield* Effect.provideService(query, SqlClient.SafeIntegers, true)
      expect(safe).toEqual([{ n: 9007199254740993n }])
      // The cached statement is not left in safe-integer mode.
      const plain = yield* query
      expect(typeof plain[0]?.n).toBe("number")
    }).pipe(Effect.provide(memory)))

  it.scoped("works on a file, and closes it when the scope closes", () =>
    Effect.gen(function*() {
      const file = yield* temporaryFile
      const scope = yield* Scope.make()
      const sql = yield* SqliteClient.make({ filename: file, directStatements }).pipe(Effect.provide(Reactivity.layer), Scope.extend(scope))
      yield* sql`PRAGMA journal_mode = WAL`
      yield* sql`CREATE TABLE t (id INTEGER PRIMARY KEY)`
      yield* sql`INSERT INTO t (id) VALUES (1)`
      expect(Fs.existsSync(`${file}-wal`)).toBe(true)
      yield* Scope.close(scope, Exit.void)
      // The last connection to close checkpoints and removes the WAL file.
      expect(Fs.existsSync(`${file}-wal`)).toBe(false)
      const reader = new Sqlite(file, { readonly: true })
      expect(reader.prepare("SELECT id FROM t").all()).toEqual([{ id: 1 }])
      reader.close()
    }))

  it.effect("rolls a failed transaction back and commits a successful one", () =>
    withTable(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const failed = yield* Effect.exit(sql.withTransaction(Effect.zipRight(insert(1, "lost"), Effect.fail("boom"))))
      expect(failed).toEqual(Exit.fail("boom"))
      expect(yield* names).toEqual([])
      yield* sql.withTransaction(Effect.zipRight(insert(2, "kept"), insert(3, "kept too")))
      expect(yield* names).toEqual(["kept", "kept too"])
    })))

  it.effect("nests transactions as savepoints", () =>
    withTable(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql.withTransaction(Effect.gen(function*() {
        yield* insert(1, "outer")
        yield* sql.withTransaction(Effect.zipRight(insert(2, "inner, rolled back"), Effect.fail("inner"))).pipe(
          Effect.ignore
        )
        yield* sql.withTransaction(Effect.gen(function*() {
          yield* insert(3, "inner, kept")
          yield* sql.withTransaction(Effect.zipRight(insert(4, "innermost, rolled back"), Effect.fail("innermost"))).pipe(
            Effect.ignore
          )
        }))
      }))
      expect(yield* names).toEqual(["outer", "inner, kept"])
      // A failing outer transaction takes its committed savepoints with it.
      const failed = yield* Effect.exit(sql.withTransaction(Effect.gen(function*() {
        yield* sql.withTransaction(insert(5, "savepoint of a failed transaction"))
        return yield* Effect.fail("outer")
      })))
      expect(Exit.isFailure(failed)).toBe(true)
      expect(yield* names).toEqual(["outer", "inner, kept"])
    })))

  it.effect("runs another fiber's statement after an open transaction ends, never inside it", () =>
    withTable(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const opened = yield* Deferred.make<void>()
      const finish = yield* Deferred.make<void>()
      const transaction = yield* Effect.fork(sql.withTransaction(Effect.gen(function*() {
        yield* insert(1, "in the transaction")
        yield* Deferred.succeed(opened, undefined)
        yield* Deferred.await(finish)
        return yield* Effect.fail("roll back")
      })))
      yield* Deferred.await(opened)
      const write = yield* Effect.fork(insert(2, "outside"))
      const read = yield* Effect.fork(names)
      yield* settle
      // Both wait while the transaction is open: they would otherwise see or join its write.
      expect(Option.isNone(yield* Fiber.poll(write))).toBe(true)
      expect(Option.isNone(yield* Fiber.poll(read))).toBe(true)
      yield* Deferred.succeed(finish, undefined)
      expect(yield* Fiber.await(transaction)).toEqual(Exit.fail("roll back"))
      yield* Fiber.join(write)
      // Had the plain statements run inside the transaction, the rollback would have taken the
      // outside write and the read would have seen the transaction's row.
      expect(yield* Fiber.join(read)).toEqual(["outside"])
      expect(yield* names).toEqual(["outside"])
    })))

  it.effect("serializes concurrent transactions", () =>
    withTable(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* insert(1, "0")
      const log: Array<string> = []
      const increment = (n: number) =>
        sql.withTransaction(Effect.gen(function*() {
          log.push(`begin ${n}`)
          const [row] = yield* sql<{ name: string }>`SELECT name FROM t WHERE id = 1`
          yield* settle
          yield* sql`UPDATE t SET name = ${String(Number(row?.name) + 1)} WHERE id = 1`
          log.push(`end ${n}`)
        }))
      yield* Effect.all([increment(1), increment(2), increment(3), increment(4)], { concurrency: "unbounded" })
      expect(yield* names).toEqual(["4"])
      // No transaction began while another was open.
      for (let i = 0; i < log.length; i += 2) {
        expect(log[i]?.replace("begin", "end")).toBe(log[i + 1])
      }
    })))

  it.effect("leaves the connection usable after a failed or interrupted transaction", () =>
    withTable(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* Effect.exit(sql.withTransaction(Effect.zipRight(insert(1, "lost"), Effect.die("defect"))))
      const opened = yield* Deferred.make<void>()
      const stuck = yield* Effect.fork(sql.withTransaction(Effect.zipRight(
        Effect.zipRight(insert(2, "interrupted"), Deferred.succeed(opened, undefined)),
        Effect.never
      )))
      yield* Deferred.await(opened)
      const waiting = yield* Effect.fork(insert(3, "waited"))
      yield* Fiber.interrupt(stuck)
      yield* Fiber.join(waiting)
      yield* sql.withTransaction(insert(4, "next"))
      expect(yield* names).toEqual(["waited", "next"])
    })))

  it.effect("ends a transaction whose COMMIT fails, so later statements run outside it", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`PRAGMA foreign_keys = ON`
      yield* sql`CREATE TABLE parent (id INTEGER PRIMARY KEY)`
      yield* sql`CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`
      // The deferred foreign key fails the COMMIT itself, which SqlClient.make turns into a defect.
      const exit = yield* Effect.exit(sql.withTransaction(sql`INSERT INTO child (id, parent_id) VALUES (1, 99)`))
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
      yield* sql`INSERT INTO parent (id) VALUES (1)`
      yield* sql.withTransaction(sql`INSERT INTO child (id, parent_id) VALUES (2, 1)`)
      expect(yield* sql`SELECT id FROM child`).toEqual([{ id: 2 }])
      expect(yield* sql`SELECT id FROM parent`).toEqual([{ id: 1 }])
    }).pipe(Effect.provide(memory)))

  it.effect("lets a waiting statement be interrupted", () =>
    withTable(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const opened = yield* Deferred.make<void>()
      const finish = yield* Deferred.make<void>()
      const transaction = yield* Effect.fork(sql.withTransaction(
        Effect.zipRight(Deferred.succeed(opened, undefined), Deferred.await(finish))
      ))
      yield* Deferred.await(opened)
      const waiting = yield* Effect.fork(insert(1, "never"))
      yield* settle
      yield* Fiber.interrupt(waiting)
      yield* Deferred.succeed(finish, undefined)
      yield* Fiber.join(transaction)
      yield* settle
      expect(yield* names).toEqual([])
    })))
  it.live("completes every statement and transaction while fibers yield every few steps", () =>
    withTable(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* insert(1, "0")
      const increment = sql.withTransaction(Effect.gen(function*() {
        const [row] = yield* sql<{ name: string }>`SELECT name FROM t WHERE id = 1`
        yield* sql`UPDATE t SET name = ${String(Number(row?.name) + 1)} WHERE id = 1`
      }))
      const work = Array.from({ length: 200 }, (_, i) => i % 2 === 0 ? increment : names)
      // Frequent yields interleave the transactions' and the reads' steps every which way (a
      // transaction may end while a statement is between deciding to wait and waiting): every one
      // must still run, and no increment be lost. (Effect 3 itself stalls below ~10 ops.)
      yield* Effect.all(work, { concurrency: "unbounded", discard: true }).pipe(
        Effect.withMaxOpsBeforeYield(10),
        Effect.timeoutFail({ duration: "10 seconds", onTimeout: () => "a statement never ran" })
      )
      expect(yield* names).toEqual(["100"])
    })))
  describe("direct transactions", () => {
    const direct = Effect.map(SqlClient.SqlClient, (sql) => Option.getOrThrow(SqliteClient.direct(sql)))

    it.effect("commit, or roll back when the function throws", () =>
      withTable(Effect.gen(function*() {
        const { transaction } = yield* direct
        const count = yield* transaction((db) => {
          db.run("INSERT INTO t (id, name) VALUES (?, ?)", [1, "kept"])
          return db.all("SELECT count(*) AS n FROM t")[0]?.["n"]
        })
        expect(count).toBe(1)
        const error = yield* Effect.flip(transaction((db) => {
          db.run("INSERT INTO t (id, name) VALUES (?, ?)", [2, "lost"])
          db.run("INSERT INTO t (id, name) VALUES (?, ?)", [1, "duplicate"])
        }))
        expect(error).toBeInstanceOf(SqlError)
        expect(error.cause).toMatchObject({ code: "SQLITE_CONSTRAINT_PRIMARYKEY" })
        expect(yield* names).toEqual(["kept"])
      })))

    it.effect("wait for another fiber's open transaction instead of running inside it", () =>
      withTable(Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const { transaction } = yield* direct
        const opened = yield* Deferred.make<void>()
        const finish = yield* Deferred.make<void>()
        const other = yield* Effect.fork(sql.withTransaction(Effect.gen(function*() {
          yield* insert(1, "rolled back")
          yield* Deferred.succeed(opened, undefined)
          yield* Deferred.await(finish)
          return yield* Effect.fail("roll back")
        })))
        yield* Deferred.await(opened)
        const waiting = yield* Effect.fork(transaction((db) => {
          db.run("INSERT INTO t (id, name) VALUES (?, ?)", [2, "direct"])
          return db.all("SELECT name FROM t ORDER BY id").map((row) => row["name"])
        }))
        yield* settle
        expect(Option.isNone(yield* Fiber.poll(waiting))).toBe(true)
        yield* Deferred.succeed(finish, undefined)
        yield* Fiber.await(other)
        expect(yield* Fiber.join(waiting)).toEqual(["direct"])
        expect(yield* names).toEqual(["direct"])
      })))

    it.effect("nest as a savepoint inside the caller's own transaction", () =>
      withTable(Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const { transaction } = yield* direct
        yield* sql.withTransaction(Effect.gen(function*() {
          yield* insert(1, "outer")
          yield* transaction((db) => db.run("INSERT INTO t (id, name) VALUES (?, ?)", [2, "direct, kept"]))
          yield* Effect.ignore(transaction((db) => {
            db.run("INSERT INTO t (id, name) VALUES (?, ?)", [3, "direct, rolled back"])
            throw new Error("inner")
          }))
        }))
        expect(yield* names).toEqual(["outer", "direct, kept"])
        yield* Effect.ignore(sql.withTransaction(Effect.gen(function*() {
          yield* transaction((db) => db.run("INSERT INTO t (id, name) VALUES (?, ?)", [4, "taken by the outer rollback"]))
          return yield* Effect.fail("outer")
        })))
        expect(yield* names).toEqual(["outer", "direct, kept"])
      })))
  })
})
