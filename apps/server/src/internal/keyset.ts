/**
 * Keyset pagination, written once for every list of every dialect: a page is the rows after the
 * cursor's position in the list's order (`(key, id) > (value, id)`, served by an `(…, key, id)`
 * index), one more than the page is read to know whether a next page exists, and the next cursor
 * is the last row's position, signed for the list it was made for.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Pagination from "@projectkit/core/Pagination"
import type { Validation } from "@projectkit/core/ProjectsError"
import * as Effect from "effect/Effect"

/**
 * Cursors of the server's lists. The secret is fixed: a cursor only has to be opaque and
 * tamper-evident, since every query is confined to the caller's organization anyway; a fixed
 * secret keeps cursors valid across restarts and across instances sharing one database.
 */
export const cursors = Pagination.makeCursorCodec("projectkit-server-cursor-v1")

/** `LIKE` pattern matching `text` anywhere, with the wildcards in `text` escaped (ESCAPE '\'). */
export const containsPattern = (text: string): string =>
  `%${Pagination.searchKey(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** A list's order: its key (a column, or an expression of the row), then `id`, both one way. */
export interface Order {
  readonly key: string
  readonly direction: "asc" | "desc"
}

/** Where a page starts: the order key and id of the last row of the previous page. */
export type Position = Pagination.CursorPosition

/** A page of rows, and the cursor of the next page (null on the last). */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | null
}

/** The SQL of a keyset page in `order`, after `after`: the `AND (key, id) > (…)` and the `ORDER BY`. */
export const clauses = (sql: SqlClient.SqlClient, order: Order, after: Position | undefined) => {
  const key = sql.literal(order.key)
  const direction = sql.literal(order.direction === "asc" ? "ASC" : "DESC")
  const comparison = sql.literal(order.direction === "asc" ? ">" : "<")
  return {
    /** `AND (key, id) > (value, id)` (`<` descending), or nothing on the first page. */
    after: after === undefined ? sql`` : sql`AND (${key}, id) ${comparison} (${after.value}, ${after.id})`,
    orderBy: sql`ORDER BY ${key} ${direction}, id ${direction}`
  }
}

/**
 * One page of a list: `read` gets the position to read after (none on the first page) and how
 * many rows to read, `position` gives a row's place in the order. A cursor made for another
 * `scope` (another list, filter or caller) or altered fails with `Validation`.
 */
export const page = <Row, E, R>(options: {
  readonly scope: string
  readonly cursor: string | undefined
  readonly limit: number
  readonly read: (after: Position | undefined, limit: number) => Effect.Effect<ReadonlyArray<Row>, E, R>
  readonly position: (row: Row) => Position
}): Effect.Effect<Page<Row>, E | Validation, R> =>
  Effect.gen(function*() {
    const after = options.cursor === undefined ? undefined : yield* cursors.decode(options.scope, options.cursor)
    const rows = yield* options.read(after, options.limit + 1)
    const items = rows.slice(0, options.limit)
    const last = items[items.length - 1]
    return {
      items,
      nextCursor: rows.length > options.limit && last !== undefined
        ? cursors.encode(options.scope, options.position(last))
        : null
    }
  })

/** A BIGINT of a row as a number: PostgreSQL answers BIGINT columns as strings, and a cursor must compare as a number. */
export const int = (value: number | string | bigint): number => Number(value)

