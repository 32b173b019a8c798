/**
 * Group commit on the server's own SQLite: writes requested during one turn of the event loop are
 * committed together, in one transaction, once that turn's I/O callbacks have run (`setImmediate`).
 *
 * Why: a commit is most of what a small insert costs there. Each one appends every page it touched
 * to the WAL (checksummed, one `pwrite` per frame) and flushes the FTS5 trigram table's pending
 * terms into a segment of their own, which its automerge then folds into the others. Requests that
 * arrive together (20 connections creating at once) touch the same pages: written in one commit,
 * the table's and the indexes' last pages and the trigram segment are written once, not once per
 * request. Measured with the real schema: about a third less per insert at 5 to 20 per commit.
 *
 * What a caller sees does not change: its write is committed before its effect succeeds, so a read
 * after it (from this instance or another one on the file) sees it; a write that fails fails only
 * its own caller: when the shared transaction fails, every write of the group is tried again in a
 * transaction of its own, and each caller gets its own answer. An interrupted caller's write that
 * has not started yet is dropped, as a statement not yet run would be.
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type { DirectStatements, SqliteDirect } from "./sqlite.js"

/** Writes of one kind, committed in groups. */
export interface GroupCommit<Row> {
  /** Writes `row` with the next group; succeeds once it is committed. */
  readonly write: (row: Row) => Effect.Effect<void, SqlError>
}

interface Waiting<Row> {
  readonly row: Row
  readonly resume: (exit: Exit.Exit<void, SqlError>) => void
}

/**
 * Groups of writes on `direct`'s connection: `writeRows` writes the rows of a group (or of one
 * caller, when a group is retried write by write) in the order they were requested, all or none.
 */
export const make = <Row>(
  direct: SqliteDirect,
  writeRows: (statements: DirectStatements, rows: ReadonlyArray<Row>) => void
): GroupCommit<Row> => {
  let waiting: Array<Waiting<Row>> = []

  /** Each write of `group` in a transaction of its own, each caller answered by its own. */
  const commitEach = (group: ReadonlyArray<Waiting<Row>>) => {
    for (const each of group) {
      Effect.runCallback(direct.transaction((statements) => writeRows(statements, [each.row])), { onExit: each.resume })
    }
  }

  const flush = () => {
    const group = waiting
    waiting = []
    if (group.length === 0) return
    if (group.length === 1) return commitEach(group)
    Effect.runCallback(
      direct.transaction((statements) => writeRows(statements, group.map((each) => each.row))),
      {
        onExit: (exit) => {
          if (Exit.isSuccess(exit)) for (const each of group) each.resume(Exit.void)
          // Rolled back whole: which write failed (a foreign key, a unique id) is each one's to
          // learn, and the others must not fail for it.
          else commitEach(group)
        }
      }
    )
  }

  return {
    write: (row) =>
      Effect.async<void, SqlError>((resume) => {
        const entry: Waiting<Row> = { row, resume }
        if (waiting.length === 0) setImmediate(flush)
        waiting.push(entry)
        return Effect.sync(() => {
          const index = waiting.indexOf(entry)
          if (index >= 0) waiting.splice(index, 1)
        })
      })
  }
}
