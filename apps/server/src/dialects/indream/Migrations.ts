/**
 * The Indream dialect's tables: projects with their saved `editorState`, assets (soft-deleted) and
 * their bindings to projects, the bytes of uploaded files, export tasks, and the first responses
 * of `Idempotency-Key` requests. Ids are global (see `../../Migrations.ts`): the Migrator runs
 * only ids above the last one applied; 0020 leaves room for the ids other areas add meanwhile.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { hashSecret } from "../../internal/ids.js"
import { statements } from "../../internal/migration.js"

/** Whether `organizations` has the column `name` (a database from before a migration may lack it). */
const organizationsHave = (name: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql.onDialectOrElse({
        sqlite: () => sql<{ name: string }>`SELECT name FROM pragma_table_info('organizations')`,
        orElse: () =>
          sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
            WHERE table_name = 'organizations' AND table_schema = current_schema()`
      }),
      (rows) => rows.some((row) => row.name === name)
    ))

/**
 * What the provider was called before it was known to be Indream (the server's "editor" dialect,
 * served under `/editor` with its own guessed API): its users' keys become their Indream keys, so
 * they keep working; its runtime-access switch becomes Indream's; its tables, whose records had
 * the guessed shape, are dropped. A database from after the rename has none of them.
 */
const fromTheGuessedDialect = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const old = "editor"
  yield* sql`UPDATE credentials SET dialect = 'indream' WHERE dialect = ${old}`
  if (yield* organizationsHave(`${old}_runtime_access`)) {
    yield* sql.unsafe(`UPDATE organizations SET indream_runtime_access = ${old}_runtime_access`)
  }
  for (const table of ["exports", "assets", "projects"]) yield* sql.unsafe(`DROP TABLE IF EXISTS ${old}_${table}`)
})

/** Users from before the dialect (and not from the guessed one) get their Indream key now. */
const keysForEarlierUsers = (issue: () => string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const users = yield* sql<{ org_id: string; user_id: string; created_at: number }>`
      SELECT org_id, user_id, MIN(created_at) AS created_at FROM credentials GROUP BY org_id, user_id
      HAVING SUM(CASE WHEN dialect = 'indream' THEN 1 ELSE 0 END) = 0`
    for (const user of users) {
      yield* sql`INSERT INTO credentials (secret_hash, org_id, dialect, user_id, created_at)
        VALUES (${hashSecret(issue())}, ${user.org_id}, 'indream', ${user.user_id}, ${user.created_at})`
    }
  })

/** The tables, and the runtime-access switch of organizations. */
const tables = statements(
    `ALTER TABLE organizations ADD COLUMN indream_runtime_access INTEGER NOT NULL DEFAULT 1`,
    `CREATE TABLE indream_projects (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      title TEXT NOT NULL,
      description TEXT,
      editor_state TEXT NOT NULL,
      state_version TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )`,
    `CREATE INDEX indream_projects_by_created ON indream_projects(org_id, created_at, id)`,
    // An asset outlives the projects it is bound to; deleting it only marks it (DOC: soft-delete).
    `CREATE TABLE indream_assets (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      type TEXT NOT NULL,
      source TEXT,
      filename TEXT NOT NULL,
      mimetype TEXT NOT NULL,
      size BIGINT,
      file_key TEXT NOT NULL UNIQUE,
      width DOUBLE PRECISION,
      height DOUBLE PRECISION,
      duration DOUBLE PRECISION,
      created_at BIGINT NOT NULL,
      deleted_at BIGINT
    )`,
    `CREATE INDEX indream_assets_by_org ON indream_assets(org_id, created_at, id)`,
    `CREATE TABLE indream_project_assets (
      project_id TEXT NOT NULL REFERENCES indream_projects(id) ON DELETE CASCADE,
      asset_id TEXT NOT NULL REFERENCES indream_assets(id) ON DELETE CASCADE,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      created_at BIGINT NOT NULL,
      PRIMARY KEY (project_id, asset_id)
    )`,
    `CREATE INDEX indream_project_assets_by_asset ON indream_project_assets(asset_id)`,
    // A file's bytes in chunks of base64 text: every instance on a shared database reads the same
    // files, and snapshots carry them as any other row.
    `CREATE TABLE indream_files (
      file_key TEXT NOT NULL,
      seq INTEGER NOT NULL,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      data TEXT NOT NULL,
      PRIMARY KEY (file_key, seq)
    )`,
    `CREATE INDEX indream_files_by_org ON indream_files(org_id)`,
    // No foreign key on project_id: task history outlives the project (DOC: retry-safe workflows).
    `CREATE TABLE indream_exports (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      user_id TEXT NOT NULL,
      api_key_id TEXT NOT NULL,
      project_id TEXT,
      client_task_id TEXT,
      status TEXT NOT NULL,
      progress INTEGER NOT NULL,
      error TEXT,
      format TEXT NOT NULL,
      fps INTEGER NOT NULL,
      ratio TEXT NOT NULL,
      scale DOUBLE PRECISION NOT NULL,
      width INTEGER NOT NULL,
      height INTEGER NOT NULL,
      duration_seconds DOUBLE PRECISION NOT NULL,
      billed_standard_seconds INTEGER NOT NULL,
      charged_credits TEXT NOT NULL,
      callback_url TEXT,
      callback_headers TEXT,
      editor_state TEXT NOT NULL,
      output_key TEXT,
      public_base TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      completed_at BIGINT,
      next_transition_at BIGINT
    )`,
    `CREATE INDEX indream_exports_by_created ON indream_exports(org_id, created_at, id)`,
    `CREATE INDEX indream_exports_by_key ON indream_exports(org_id, api_key_id, created_at, id)`,
    `CREATE INDEX indream_exports_by_output ON indream_exports(output_key)`,
    `CREATE INDEX indream_exports_by_client_task ON indream_exports(org_id, client_task_id)`,
    `CREATE INDEX indream_exports_active ON indream_exports(org_id, user_id, status)`,
    `CREATE INDEX indream_exports_due ON indream_exports(next_transition_at) WHERE next_transition_at IS NOT NULL`,
    `CREATE TABLE indream_idempotency (
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      scope TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      request_hash TEXT NOT NULL,
      status INTEGER NOT NULL,
      body TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      PRIMARY KEY (org_id, scope, idempotency_key)
    )`
  )

/**
 * On PostgreSQL, saved states (and the copies export tasks keep) compressed with LZ4 rather than
 * the default pglz: an autosave rewrites a state of up to megabytes, and pglz spent ~5 ms of
 * PostgreSQL's CPU on each 1 MB sync, LZ4 ~1.5 ms, for 13–20 % more syncs per second on the bench's
 * two cores. Values already stored keep their compression (both are read alike). A server built
 * without LZ4 (it then lists no `lz4` among `default_toast_compression`'s values) keeps pglz;
 * SQLite stores text as it is.
 */
const stateCompression = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql.onDialectOrElse({
    pg: () =>
      Effect.gen(function*() {
        const lz4 = yield* sql<{ found: number }>`SELECT 1 AS found FROM pg_settings
          WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`
        if (lz4.length === 0) return
        yield* sql`ALTER TABLE indream_projects ALTER COLUMN editor_state SET COMPRESSION lz4`
        yield* sql`ALTER TABLE indream_exports ALTER COLUMN editor_state SET COMPRESSION lz4`
      }),
    orElse: () => Effect.void
  })
})

/** The dialect's migrations; `issue` makes the keys of users from before it. */
export const make = (issue: () => string) => ({
  "0020_indream": Effect.zipRight(tables, Effect.zipRight(fromTheGuessedDialect, keysForEarlierUsers(issue))),
  "0033_indream_state_compression": stateCompression
})
