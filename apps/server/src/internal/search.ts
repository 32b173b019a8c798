import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { Fragment } from "@effect/sql/Statement"
import * as Pagination from "@projectkit/core/Pagination"
import * as Effect from "effect/Effect"
import * as Keyset from "./keyset.js"

/**
 * How many trigram-index candidates make a search "common" on SQLite: past this, the list reads
 * its ordered index and tests each row instead, which finds a page of a common term sooner.
 */
const candidateCap = 500

/**
 * PostgreSQL: the first ordered window holds this many rows per row wanted (1,020 for a page of
 * 50 and one more): cheap to read whole for a rare term, and enough to measure a common one.
 */
const windowPerRow = 20

/**
 * PostgreSQL: the most rows the second ordered window may read. A term that would need more
 * (rarer than about 0.5 %) has few enough trigram candidates to sort them instead.
 */
const largestWindow = 20_000

export interface SearchPageOptions {
  /** The table to select from. */
  readonly table: string
  /** Its lower-cased text column searched with `LIKE '%text%'` (`Pagination.searchKey`). */
  readonly column: string
  /** SQLite: the FTS5 trigram table over `column` (Migrations: 0007). */
  readonly trigrams: string
  /** The columns of a row, unqualified, with `id` and `order.key`. */
  readonly select: Fragment
  /** The rows of the list before the search, e.g. the caller's organization, unqualified. */
  readonly where: Fragment
  /** The list's order: `key` (a column) then `id`, both in `direction`, served by an `(…, key, id)` index. */
  readonly order: Keyset.Order
  /** The keyset position to read after (a cursor's last row). */
  readonly after: Keyset.Position | undefined
  /** How many rows to read (a page and one more, to know whether there is a next page). */
  readonly limit: number
}

/**
 * One keyset page of a list searched by name, exact in every case: the rows of `where` with
 * `column LIKE '%text%'`, after `after` in `order`, the first `limit` of them — the rows, their
 * order and so the cursors are those of the plain `LIKE`; only the access path is chosen. It is
 * the `read` of a `Keyset.page`, whose `clauses` it uses for the page's own keyset SQL.
 *
 * A common term is found soonest by reading the list's ordered index and testing each row; a rare
 * one by its trigram index's candidates, sorted. The trigram index cannot tell how common a term
 * is for free, so each backend measures it cheaply first:
 * - SQLite: with the FTS5 trigram table, a capped count of candidates (cheap there: FTS5 reads its
 *   posting lists incrementally) picks the candidates (fewer than the cap) or the ordered scan.
 * - PostgreSQL (measured with EXPLAIN ANALYZE on an organization of a million projects): a capped
 *   count through the pg_trgm GIN index costs as much as the search it would spare (a bitmap index
 *   scan reads every candidate before returning any: ~20 ms for a term in 1 % of the names), and
 *   the planner's own choice rests on a sampled estimate of the LIKE's selectivity, so with the
 *   same data it sometimes sorts a 10,000-row bitmap for a 1 % term (~35 ms and more), and for a
 *   common term whose matches all lie late in the order it reads the ordered index nearly to its
 *   end (~400 ms). Instead, in one statement: read a small window of the ordered index
 *   (`windowPerRow` rows per row wanted, ~0.5 ms); if it leaves the page short but found some
 *   matches, read on for as many rows as their density says the page needs, twice over (at most
 *   `largestWindow`), which fills the page of a 1 % term in ~3 ms; if the page is still short, the
 *   term is rare there, and the GIN index's candidates after the last match found are sorted
 *   (~1 ms for one match or none). A term common only late in the order still pays for sorting
 *   its candidates, but no longer for reading the whole index first. Terms pg_trgm cannot index
 *   (no run of three letters or digits) keep the plain LIKE and the planner's choice. A larger
 *   statistics target would only make the planner's bet likelier right, and a GIN index on
 *   (org_id, name_search) with btree_gin (not measured) would narrow the candidates to the
 *   organization but still read and sort every one of them.
 */
export const searchPage = <Row extends { readonly id: string }>(
  sql: SqlClient.SqlClient,
  options: SearchPageOptions,
  text: string
): Effect.Effect<ReadonlyArray<Row>, SqlError> => {
  const table = sql.literal(options.table)
  const column = sql.literal(options.column)
  const key = Pagination.searchKey(text)
  const like = sql`AND ${column} LIKE ${Keyset.containsPattern(text)} ESCAPE '\\'`
  const { after, orderBy } = Keyset.clauses(sql, options.order, options.after)
  // PostgreSQL's statement below also compares `(key, id)` with a row a subquery found (not with a
  // cursor's position, which is all `Keyset.clauses` writes) and orders its parts by the key.
  const orderKey = sql.literal(options.order.key)
  const direction = sql.literal(options.order.direction === "asc" ? "ASC" : "DESC")
  const comparison = sql.literal(options.order.direction === "asc" ? ">" : "<")
  const page = (source: Fragment, filter: Fragment, limit: number) =>
    sql<Row>`SELECT ${options.select} FROM ${source} WHERE ${options.where} ${filter} ${after} ${orderBy}
      LIMIT ${limit}`
  if (key === "") return page(table, sql``, options.limit)
  return sql.onDialectOrElse({
    sqlite: () => {
      if ([...key].length < 3 || /[\\%_]/.test(key)) return page(table, like, options.limit)
      const trigrams = sql.literal(options.trigrams)
      const candidates = sql`SELECT rowid FROM ${trigrams} WHERE ${column} LIKE ${`%${key}%`}`
      return Effect.flatMap(
        sql<{ n: number }>`SELECT COUNT(*) AS n FROM (${candidates} LIMIT ${candidateCap})`,
        (rows) =>
          Number(rows[0]?.n ?? 0) < candidateCap
            // NOT INDEXED: read the candidates by rowid, not the organization's rows in order.
            ? page(sql`${table} NOT INDEXED`, sql`${like} AND ${table}.rowid IN (${candidates})`, options.limit)
            : page(table, like, options.limit)
      )
    },
    orElse: () => {
      // pg_trgm extracts no trigram from a term without three letters or digits in a row (it
      // splits words on everything else): its GIN index would then read every entry.
      if (!/[a-z0-9]{3}/.test(key)) return page(table, like, options.limit)
      const limit = options.limit
      const first = limit * windowPerRow
      const reverse = sql.literal(options.order.direction === "asc" ? "DESC" : "ASC")
      /** The first `limit` rows of `rows` that match, in order. */
      const matching = (rows: Fragment) =>
        sql`SELECT * FROM (${rows}) window_rows WHERE TRUE ${like} ${orderBy} LIMIT ${limit}`
      /** The next `size` rows of the list `after` a position. */
      const window = (from: Fragment, size: Fragment | number) =>
        sql`SELECT * FROM ${table} WHERE ${options.where} ${from} ${orderBy} LIMIT ${size}`
      /** The last of `rows` (key and id) in the list's order. */
      const lastOf = (rows: Fragment) =>
        sql`(SELECT ${orderKey}, id FROM (${rows}) found ORDER BY ${orderKey} ${reverse}, id ${reverse} LIMIT 1)`
      // The rows to read after the first window's last match at the density it measured, twice
      // over; none when it filled the page, found nothing, or measured a term so rare that more
      // than `largestWindow` rows would be read (its candidates are then few).
      const needed = sql`2.0 * (${limit} - COUNT(*)) * ${first} / NULLIF(COUNT(*), 0) + ${first}`
      const more = sql`(SELECT CAST(CASE WHEN COUNT(*) = 0 OR COUNT(*) >= ${limit} THEN 0
        WHEN ${needed} > ${largestWindow} THEN 0 ELSE CEIL(${needed}) END AS BIGINT) FROM search_first)`
      const foundKeys = sql`SELECT ${orderKey}, id FROM search_first UNION ALL SELECT ${orderKey}, id FROM search_more`
      // One statement, so a search costs one round trip whichever way it goes. The windows are
      // read whole only when they leave the page short: every match up to their end is then
      // found, and the rest come after the last one. The trigram index's part runs only then
      // (its condition is a one-time filter, its CTE is read lazily), and not when the first
      // window already held the rest of the list.
      return Effect.map(
        sql<Row & { readonly search_part: number }>`WITH search_first AS MATERIALIZED (
            ${matching(window(after, first))}),
          search_more AS MATERIALIZED (
            ${matching(window(sql`AND (${orderKey}, id) ${comparison} ${lastOf(sql`SELECT * FROM search_first`)}`, more))}),
          search_rest AS MATERIALIZED (
            SELECT * FROM ${table} WHERE ${options.where} ${like} ${after}
              AND ((${orderKey}, id) ${comparison} ${lastOf(foundKeys)}) IS NOT FALSE)
          SELECT ${options.select}, 1 AS search_part FROM search_first
          UNION ALL
          SELECT ${options.select}, 2 AS search_part FROM search_more
          UNION ALL
          SELECT ${options.select}, 3 AS search_part FROM (SELECT * FROM search_rest
            WHERE (SELECT COUNT(*) FROM search_first) + (SELECT COUNT(*) FROM search_more) < ${limit}
              AND EXISTS (${window(after, 1)} OFFSET ${first - 1})
            ${orderBy} LIMIT ${limit}) search_rest_page
          ORDER BY search_part, ${orderKey} ${direction}, id ${direction}`,
        (rows) => rows.slice(0, limit).map(({ search_part: _part, ...row }) => row as unknown as Row)
      )
    }
  })
}
