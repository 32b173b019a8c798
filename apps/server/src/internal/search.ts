import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { Fragment } from "@effect/sql/Statement"
import * as Pagination from "@projectkit/core/Pagination"
import * as Effect from "effect/Effect"
import { containsPattern } from "./keyset.js"

/**
 * How many trigram-index candidates make a search "common": past this, the list reads its ordered
 * index and tests each row instead, which finds a page of a common term sooner.
 */
const candidateCap = 500

export interface ContainsSearch {
  /** The table to select from, with the access path the search needs. */
  readonly from: Fragment
  /** The `AND …` filter. */
  readonly filter: Fragment
}

/**
 * The source and the `AND …` filter of a contains-search on `column` (lower-cased text) of `table`, exact in every
 * case: `column LIKE '%text%'`. On SQLite, with the FTS5 trigram table `trigrams` over it
 * (Migrations: 0007), a selective term is looked up in the index first, so it does not scan the
 * organization's rows; a common term (or one under three characters, or with LIKE wildcards,
 * which the trigram index cannot serve) scans the ordered index, where matches come soon. On
 * PostgreSQL the pg_trgm GIN index serves the LIKE itself and the planner chooses.
 */
export const containsFilter = (
  sql: SqlClient.SqlClient,
  options: { readonly table: string; readonly column: string; readonly trigrams: string },
  text: string
): Effect.Effect<ContainsSearch, SqlError> => {
  const table = sql.literal(options.table)
  const like = { from: table, filter: sql`AND ${sql.literal(options.column)} LIKE ${containsPattern(text)} ESCAPE '\\'` }
  const key = Pagination.searchKey(text)
  if (key === "") return Effect.succeed({ from: table, filter: sql`` })
  if ([...key].length < 3 || /[\\%_]/.test(key)) return Effect.succeed(like)
  const trigrams = sql.literal(options.trigrams)
  const candidates = sql`SELECT rowid FROM ${trigrams} WHERE ${sql.literal(options.column)} LIKE ${`%${key}%`}`
  return sql.onDialectOrElse({
    sqlite: () =>
      Effect.map(
        sql<{ n: number }>`SELECT COUNT(*) AS n FROM (${candidates} LIMIT ${candidateCap})`,
        (rows) =>
          Number(rows[0]?.n ?? 0) < candidateCap
            // NOT INDEXED: read the candidates by rowid, not the organization's rows in order.
            ? { from: sql`${table} NOT INDEXED`, filter: sql`${like.filter} AND ${table}.rowid IN (${candidates})` }
            : like
      ),
    orElse: () => Effect.succeed(like)
  })
}
