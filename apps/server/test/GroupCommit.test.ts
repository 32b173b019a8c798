/**
 * Group commit on the server's SQLite (`internal/groupCommit.ts`): the writes of one turn of the
 * event loop share one transaction; a write that fails fails only its own caller (the group is
 * tried again write by write); an interrupted caller's write is dropped; writes requested while
 * another fiber's transaction is open wait for it, and land.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import { expect, it } from "@effect/vitest"
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
