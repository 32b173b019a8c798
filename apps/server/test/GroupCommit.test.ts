/**
 * Group commit (`internal/groupCommit.ts`). On the server's SQLite: the writes of one turn of the
 * event loop share one transaction; a write that fails fails only its own caller (the group is
 * tried again write by write); an interrupted caller's write is dropped; writes requested while
 * another fiber's transaction is open wait for it, and land. Over any commit (PostgreSQL's one
 * multi-row statement): a turn's writes are split into groups of at most `maxGroup`, committed
 * concurrently; a group that fails is tried again write by write, except when the storage cannot
 * be reached, which every caller of the group learns as it is, with no write tried again; each
 * commit runs with its first caller's services.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import { eventually } from "@projectkit/core/Eventually"
import { SqlError } from "@effect/sql/SqlError"
import { expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as GroupCommit from "../src/internal/groupCommit.js"
import * as SqliteClient from "../src/internal/sqlite.js"

/** A client on a new in-memory database with a table `t (id TEXT PRIMARY KEY)`, and its group commit. */
const setup = Effect.gen(function*() {
  const sql = yield* SqliteClient.make({ filename: ":memory:", directStatements: true })
  yield* sql`CREATE TABLE t (id TEXT PRIMARY KEY)`
  const direct = Option.getOrThrow(SqliteClient.direct(sql))
  const written: Array<string> = []
  const group = GroupCommit.onSqlite<string>(direct, (statements, ids) => {
    for (const id of ids) {
      written.push(id)
      if (id.startsWith("bad")) throw new Error(`refused ${id}`)
      statements.run("INSERT INTO t (id) VALUES (?)", [id])
    }
  })
  const stored = Effect.map(sql<{ id: string }>`SELECT id FROM t ORDER BY id`, (rows) => rows.map((row) => row.id))
  return { sql, group, written, stored }
}).pipe(Effect.provide(Reactivity.layer))

it.scoped("commits the writes of one turn together, and each again alone when the group fails", () =>
  Effect.gen(function*() {
    const { group, stored, written } = yield* setup
    yield* Effect.all(["a", "b", "c"].map(group.write), { concurrency: "unbounded" })
    expect(yield* stored).toEqual(["a", "b", "c"])
    // One write per row: they went in one transaction, which committed.
    expect(written).toEqual(["a", "b", "c"])

    written.length = 0
    const exits = yield* Effect.all(["d", "bad", "e"].map((id) => Effect.exit(group.write(id))), { concurrency: "unbounded" })
    expect(exits.map(Exit.isSuccess)).toEqual([true, false, true])
    expect(yield* stored).toEqual(["a", "b", "c", "d", "e"])
    // The group's transaction was rolled back at "bad", then each write tried alone.
    expect(written).toEqual(["d", "bad", "d", "bad", "e"])
    // A unique id written twice fails with the driver's own error as its cause.
    const duplicate = yield* Effect.flip(group.write("a"))
    expect(String(duplicate.cause)).toMatch(/UNIQUE constraint failed: t\.id/)
  }))

it.scoped("drops the write of a caller interrupted before its group ran", () =>
  Effect.gen(function*() {
    const { group, stored } = yield* setup
    const interrupted = yield* Effect.fork(group.write("gone"))
    const kept = yield* Effect.fork(group.write("kept"))
    // Both are waiting for their group (which runs in a later turn) when one is interrupted.
    yield* Effect.yieldNow()
    yield* Fiber.interrupt(interrupted)
    yield* Fiber.join(kept)
    expect(yield* stored).toEqual(["kept"])
  }))

it.scoped("waits for another fiber's open transaction, and lands after it", () =>
  Effect.gen(function*() {
    const { group, sql, stored } = yield* setup
    const order: Array<string> = []
    yield* sql.withTransaction(Effect.gen(function*() {
      const writer = yield* Effect.fork(Effect.tap(group.write("after"), () => Effect.sync(() => order.push("group"))))
      // The group's turn comes (its setImmediate was queued first) while this transaction is open.
      yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
      yield* sql`INSERT INTO t (id) VALUES ('inside')`
      order.push("transaction")
      return writer
    })).pipe(Effect.flatMap(Fiber.join))
    expect(order).toEqual(["transaction", "group"])
    expect(yield* stored).toEqual(["after", "inside"])
  }))

class Label extends Context.Tag("test/GroupCommit/Label")<Label, string>() {}

/**
 * A group commit over a commit that records each call's rows (and its first caller's `Label`), fails
 * a group holding a row starting with "bad" as a refused statement would, and one holding "down"
 * as an unreachable database would (a connection refused); with `gate`, every commit first waits for it.
 */
const recording = (maxGroup?: number, gate?: Deferred.Deferred<void>) => {
  const commits: Array<{ readonly rows: ReadonlyArray<string>; readonly label: string }> = []
  let started = 0
  const group = GroupCommit.make<string>({
    maxGroup,
    commit: (rows) =>
      Effect.gen(function*() {
        started++
        if (gate !== undefined) yield* Deferred.await(gate)
        commits.push({ rows, label: yield* Effect.serviceOption(Label).pipe(Effect.map(Option.getOrElse(() => "none"))) })
        if (rows.some((row) => row.startsWith("down"))) {
          return yield* new SqlError({ cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }) })
        }
        if (rows.some((row) => row.startsWith("bad"))) {
          return yield* new SqlError({ cause: Object.assign(new Error("duplicate key"), { code: "23505" }) })
        }
      })
  })
  return { group, commits, started: () => started }
}

it.effect("over any commit: a turn's writes in groups of at most maxGroup, committed at once, with the first caller's services", () =>
  Effect.gen(function*() {
    const gate = yield* Deferred.make<void>()
    const { commits, group, started } = recording(3, gate)
    const writers = yield* Effect.fork(Effect.all(
      ["a", "b", "c", "d", "e", "f", "g"].map((row, i) => group.write(row).pipe(Effect.provideService(Label, `caller ${i}`))),
      { concurrency: "unbounded" }
    ))
    // Every group's commit is under way at once (none waits for another), held at the gate.
    yield* eventually(Effect.sync(started), { until: (count) => count === 3, what: "three commits under way" })
    expect(commits).toEqual([])
    yield* Deferred.succeed(gate, undefined)
    yield* Fiber.join(writers)
    expect(commits).toEqual([
      { rows: ["a", "b", "c"], label: "caller 0" },
      { rows: ["d", "e", "f"], label: "caller 3" },
      { rows: ["g"], label: "caller 6" }
    ])
  }))

it.effect("over any commit: a refused group is tried again write by write; an unreachable storage fails its whole group once", () =>
  Effect.gen(function*() {
    const { commits, group } = recording()
    const refused = yield* Effect.all(["a", "bad", "b"].map((row) => Effect.exit(group.write(row))), { concurrency: "unbounded" })
    expect(refused.map(Exit.isSuccess)).toEqual([true, false, true])
    expect(commits.map((commit) => commit.rows)).toEqual([["a", "bad", "b"], ["a"], ["bad"], ["b"]])

    commits.length = 0
    const unreachable = yield* Effect.all(["c", "down", "d"].map((row) => Effect.flip(group.write(row))), { concurrency: "unbounded" })
    // One commit, whose failure every caller gets as it is: nothing tried again.
    expect(commits.map((commit) => commit.rows)).toEqual([["c", "down", "d"]])
    for (const error of unreachable) expect((error.cause as { code?: string }).code).toBe("ECONNREFUSED")
  }))
