/**
 * Migration 0033: on PostgreSQL, saved states and the copies export tasks keep are compressed with
 * LZ4 (when the server has it), which costs PostgreSQL a third of pglz's CPU per autosave; on
 * SQLite it changes nothing. Checked on the database the server's own migrations made.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Database from "../../src/Database.js"
import * as TestDatabase from "../support/TestDatabase.js"

/** `effect` with the `SqlClient` of a fresh, migrated database (a temporary file on SQLite). */
const onFreshDatabase = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
  Effect.flatMap(TestDatabase.freshLocation("pk-state-compression-"), (location) => Effect.provide(effect, Database.layer(location)))
    .pipe(Effect.scoped)

/** A JSON text of about 1 MB, as compressible as an editor state. */
const largeState = JSON.stringify({
  items: Object.fromEntries(Array.from({ length: 4_000 }, (_, i) => [`item-solid-${i}`, { type: "solid", startTicks: i * 120, color: "#111827" }]))
}).padEnd(1_000_000, " ")

describe(`saved states' compression (${TestDatabase.backend})`, () => {
  it.live("is the migration's: LZ4 on PostgreSQL when the server has it, SQLite's text unchanged", () =>
    onFreshDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const applied = yield* sql<{ name: string }>`SELECT name FROM projectkit_migrations WHERE name = 'indream_state_compression'`
      expect(applied).toHaveLength(1)
      yield* sql`INSERT INTO organizations (id, name, webhook_secret, created_at) VALUES ('o1', 'One', 'whsec_x', 1)`
      yield* sql`INSERT INTO indream_projects (id, org_id, title, description, editor_state, state_version, created_at, updated_at)
        VALUES ('p1', 'o1', 'Large', NULL, ${largeState}, '1', 1, 1)`
      const back = yield* sql<{ editor_state: string }>`SELECT editor_state FROM indream_projects WHERE id = 'p1'`
      expect(back[0]?.editor_state).toBe(largeState)
      if (TestDatabase.postgresUrl === undefined) {
        const columns = yield* sql<{ name: string; type: string }>`SELECT name, type FROM pragma_table_info('indream_projects')`
        expect(columns.find((column) => column.name === "editor_state")?.type).toBe("TEXT")
        return
      }
      const lz4 = yield* sql`SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`
      const expected = lz4.length > 0 ? "l" : ""
      const settings = yield* sql<{ table: string; compression: string }>`SELECT c.relname AS table, a.attcompression AS compression
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE a.attname = 'editor_state' AND c.relnamespace = current_schema()::regnamespace ORDER BY c.relname`
      expect(settings).toEqual([
        { table: "indream_exports", compression: expected },
        { table: "indream_projects", compression: expected }
      ])
      const stored = yield* sql<{ method: string | null }>`SELECT pg_column_compression(editor_state) AS method FROM indream_projects WHERE id = 'p1'`
      expect(stored).toEqual([{ method: lz4.length > 0 ? "lz4" : "pglz" }])
    })))
})
