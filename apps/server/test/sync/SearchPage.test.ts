/**
 * `searchPage` chooses an access path per query (SQLite: FTS5 candidates or the ordered index;
 * PostgreSQL: ordered windows, then the pg_trgm candidates). Whatever it chooses, every page —
 * its rows, their order, and so the cursor built from its last row — is the plain LIKE's, for
 * every sort of the project list, through every page. The organization here is large enough for
 * each path: a term in 20 % of the names (over SQLite's 500-candidate cap, fills PostgreSQL's first
 * window), 2 % (PostgreSQL's second window), one late in the order only (the windows find nothing,
 * then many candidates), one match and none; keys with ties, duplicate names, hidden rows.
 */
import { expect, layer } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Database from "../../src/Database.js"
import { containsPattern } from "../../src/internal/keyset.js"
import { searchPage } from "../../src/internal/search.js"
import * as TestDatabase from "../support/TestDatabase.js"

interface Row {
  readonly id: string
  readonly name: string
  readonly created_at: number
  readonly updated_at: number
}

const count = 3_000
const orders = [
  { key: "created_at", direction: "desc" },
  { key: "updated_at", direction: "desc" },
  { key: "name", direction: "asc" }
] as const

const database = Layer.unwrapScoped(Effect.map(TestDatabase.database, (location) => Database.layer(location)))

/** `i`'s name: a unique number, a tag in 20 % and one in 2 % of the names, a marker only late in the order. */
const nameOf = (i: number) =>
  `Item ${String(i).padStart(5, "0")}${i % 5 === 0 ? " common" : ""}${i % 50 === 7 ? " Medium" : ""}${
    i < 300 ? " lateword" : ""
  }${i % 97 === 0 ? " twin" : ""}`

const seed = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  for (const org of ["org-search", "org-other"]) {
    yield* sql`INSERT INTO organizations (id, name, webhook_secret, created_at) VALUES (${org}, ${org}, 'secret', 0)`
  }
  const rows = Array.from({ length: count }, (_, i) => {
    // Every tenth row is another member's, hidden from "user-a"; ties in both times.
    const name = i % 97 === 0 ? "Twin name" : nameOf(i)
    return {
      id: `p-${String((i * 7_919) % 10_007).padStart(5, "0")}-${i}`,
      org_id: "org-search",
      owner_id: i % 10 === 3 ? "user-b" : "user-a",
      name,
      name_search: name.toLowerCase(),
      visibility: i % 10 === 3 ? "USER" : "ORGANIZATION",
      mode: "CREATOR",
      created_at: Math.floor(i / 3),
      updated_at: (i * 7_919) % 1_000
    }
  })
  rows.push(...Array.from({ length: 200 }, (_, i) => ({
    id: `q-${i}`,
    org_id: "org-other",
    owner_id: "user-c",
    name: `Other common lateword ${i}`,
    name_search: `other common lateword ${i}`,
    visibility: "ORGANIZATION",
    mode: "CREATOR",
    created_at: count + i,
    updated_at: count + i
  })))
  for (let from = 0; from < rows.length; from += 500) {
    yield* sql`INSERT INTO sync_projects ${sql.insert(rows.slice(from, from + 500))}`
  }
  yield* sql.onDialectOrElse({ pg: () => sql`ANALYZE sync_projects`, orElse: () => Effect.void })
})

layer(database, { timeout: 120_000 })(`searchPage on ${TestDatabase.backend}`, (it) => {
  it.effect("every page is the plain LIKE's page, for every term and sort, through every cursor", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* seed
      const where = sql`org_id = ${"org-search"} AND (visibility = 'ORGANIZATION' OR owner_id = ${"user-a"})`
      const select = sql`id, name, created_at, updated_at`
      const terms = ["common", "medium", "lateword", "item 01234", "nothing here", "twin", "00", "em 0"]
      let pages = 0
      for (const order of orders) {
        const key = sql.literal(order.key)
        const direction = sql.literal(order.direction === "asc" ? "ASC" : "DESC")
        const comparison = sql.literal(order.direction === "asc" ? ">" : "<")
        for (const term of terms) {
          for (const size of [7, 50]) {
            let after: { readonly value: string | number; readonly id: string } | undefined
            const seen: Array<string> = []
            do {
              const page = yield* searchPage<Row>(sql, {
                table: "sync_projects",
                column: "name_search",
                trigrams: "sync_projects_search",
                select,
                where,
                order,
                after,
                limit: size + 1
              }, term)
              const plain = yield* sql<Row>`SELECT ${select} FROM sync_projects WHERE ${where}
                AND name_search LIKE ${containsPattern(term)} ESCAPE '\\'
                ${after === undefined ? sql`` : sql`AND (${key}, id) ${comparison} (${after.value}, ${after.id})`}
                ORDER BY ${key} ${direction}, id ${direction} LIMIT ${size + 1}`
              expect({ order: order.key, term, size, after, ids: page.map((row) => row.id) })
                .toEqual({ order: order.key, term, size, after, ids: plain.map((row) => row.id) })
              pages++
              const items = page.slice(0, size)
              seen.push(...items.map((row) => row.id))
              const last = items[items.length - 1]
              after = page.length > size && last !== undefined
                ? { value: order.key === "name" ? last.name : Number(last[order.key]), id: last.id }
                : undefined
            } while (after !== undefined)
            // Every match, once, and no other project.
            const expected = [...Array(count).keys()]
              .filter((i) => i % 10 !== 3)
              .filter((i) => (i % 97 === 0 ? "Twin name" : nameOf(i)).toLowerCase().includes(term))
            expect(new Set(seen).size).toBe(seen.length)
            expect(seen.length).toBe(expected.length)
          }
        }
      }
      expect(pages).toBeGreaterThan(100)
    }))
})
