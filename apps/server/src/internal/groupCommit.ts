/**
 * Group commit: writes requested during one turn of the event loop are committed together, once
 * that turn's I/O callbacks have run (`setImmediate`), by one `commit` of their rows (all or none).
 *
 * Why, on the server's own SQLite: a commit is most of what a small insert costs there. Each one
 * appends every page it touched to the WAL (checksummed, one `pwrite` per frame) and flushes the
 * FTS5 trigram table's pending terms into a segment of their own, which its automerge then folds
 * into the others. Requests that arrive together (20 connections creating at once) touch the same
 * pages: written in one commit, the table's and the indexes' last pages and the trigram segment
 * are written once, not once per request. Measured with the real schema: about a third less per
 * insert at 5 to 20 per commit.
 *
 * Why, on PostgreSQL: a statement is a round trip (a pool checkout, a socket write whose loopback
 * delivery Node's `writev` pays for, a wakeup and a reply to parse) and a commit (a WAL record
 * flushed to disk); one multi-row INSERT of a group pays each once for all its rows.
 *
 * What a caller sees does not change: its write is committed before its effect succeeds, so a read
 * after it (from this instance or another one on the database) sees it; a write that fails fails
 * only its own caller: when a group's commit fails, every write of the group is tried again alone,
 * and each caller gets its own answer. Only when the storage cannot be reached at all (an outage,
 * whose outcome for a statement in flight is unknown) does every caller of the group get that
 * failure, as each would have on its own. An interrupted caller's write that has not started yet
 * is dropped, as a statement not yet run would be.
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import type { DirectStatements, SqliteDirect } from "./sqlite.js"
import * as StorageOutage from "./storageOutage.js"

/** Writes of one kind, committed in groups. */
export interface GroupCommit<Row> {
  /** Writes `row` with the next group; succeeds once it is committed. */
  readonly write: (row: Row) => Effect.Effect<void, SqlError>
}

export interface Options<Row> {
  /** Writes `rows` (a group's, or one caller's when a group is retried write by write) in the order given, all or none. */
  readonly commit: (rows: ReadonlyArray<Row>) => Effect.Effect<void, SqlError>
  /**
   * The most rows of one commit: a turn's writes past it make further groups, committed
   * concurrently (on PostgreSQL, one multi-row statement each). Unbounded by default.
   */
  readonly maxGroup?: number | undefined
}

interface Waiting<Row> {
  readonly row: Row
  /** The caller's runtime: the group's commit runs with the first caller's services and settings (tracing). */
  readonly runtime: Runtime.Runtime<never>
  readonly resume: (exit: Exit.Exit<void, SqlError>) => void
}

/** Groups of writes, each group written by `options.commit`. */
export const make = <Row>(options: Options<Row>): GroupCommit<Row> => {
  const maxGroup = Math.max(1, options.maxGroup ?? Number.POSITIVE_INFINITY)
  let waiting: Array<Waiting<Row>> = []

  const run = (group: ReadonlyArray<Waiting<Row>>, onExit: (exit: Exit.Exit<void, SqlError>) => void) =>
    Runtime.runCallback(group[0]!.runtime)(options.commit(group.map((each) => each.row)), { onExit })

  /** Each write of `group` committed alone, each caller answered by its own. */
  const commitEach = (group: ReadonlyArray<Waiting<Row>>) => {
    for (const each of group) run([each], each.resume)
  }

  const commitGroup = (group: ReadonlyArray<Waiting<Row>>) => {
    if (group.length === 1) return commitEach(group)
    run(group, (exit) => {
      if (Exit.isSuccess(exit)) for (const each of group) each.resume(Exit.void)
      // The storage is out of reach: whether the commit happened is unknown, and a write tried
      // again could only fail the same way (or, had it landed, as a duplicate).
      else if (Option.exists(Cause.failureOption(exit.cause), StorageOutage.isUnreachable)) for (const each of group) each.resume(exit)
      // Rolled back whole: which write failed (a foreign key, a unique id) is each one's to
      // learn, and the others must not fail for it.
      else commitEach(group)
    })
  }

  const flush = () => {
    const turn = waiting
    waiting = []
    for (let at = 0; at < turn.length; at += maxGroup) commitGroup(turn.slice(at, at + maxGroup))
  }

  return {
    write: (row) =>
      // The caller's runtime read in the step that waits (`Effect.runtime` then `flatMap` would take two more).
      Effect.withFiberRuntime<void, SqlError>((fiber, status) =>
        Effect.async<void, SqlError>((resume) => {
          const runtime = Runtime.make({ context: fiber.currentContext, fiberRefs: fiber.getFiberRefs(), runtimeFlags: status.runtimeFlags })
          const entry: Waiting<Row> = { row, runtime, resume }
          if (waiting.length === 0) setImmediate(flush)
          waiting.push(entry)
          return Effect.sync(() => {
            const index = waiting.indexOf(entry)
            if (index >= 0) waiting.splice(index, 1)
          })
        }))
  }
}

/**
 * Groups of writes on the server's own SQLite, `direct`'s connection: `writeRows` writes the rows
 * given synchronously, in one transaction per group.
 */
export const onSqlite = <Row>(
  direct: SqliteDirect,
  writeRows: (statements: DirectStatements, rows: ReadonlyArray<Row>) => void
): GroupCommit<Row> => make({ commit: (rows) => direct.transaction((statements) => writeRows(statements, rows)) })
