/**
 * Versioned schema migrations, applied in order on start. The SQL is portable between SQLite and
 * PostgreSQL: times are epoch milliseconds in BIGINT columns, JSON documents are TEXT.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import type * as Dialect from "./Dialect.js"
import * as Dialects from "./dialects/index.js"
import { hashSecret } from "./internal/ids.js"
import { statements } from "./internal/migration.js"

/** The server's own tables: organizations, their credentials, webhook deliveries. */
const serverMigrations = {
  "0001_organizations": statements(
    `CREATE TABLE organizations (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      webhook_secret TEXT NOT NULL,
      created_at BIGINT NOT NULL
    )`,
    // One row per credential, in the form of the dialect it serves (an API key, a token, …).
    `CREATE TABLE credentials (
      secret TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      dialect TEXT NOT NULL,
      user_id TEXT NOT NULL,
      created_at BIGINT NOT NULL
    )`,
    `CREATE INDEX credentials_by_org ON credentials(org_id)`
  ),
  "0003_webhooks": statements(
    `CREATE TABLE webhook_deliveries (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      dialect TEXT NOT NULL,
      url TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      next_attempt_at BIGINT,
      last_response_status INTEGER,
      last_error TEXT,
      created_at BIGINT NOT NULL,
      delivered_at BIGINT
    )`,
    `CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending'`
  ),
  // GCRA state per (rule, tenant), shared by every server instance on the database (`RateLimits`).
  // The id of the first dialect with a rate limit, which created it: a database has it from then.
  "0004_rate_limits": statements(`CREATE TABLE IF NOT EXISTS rate_limits (
    key TEXT PRIMARY KEY,
    tat TEXT NOT NULL
  )`),
  // The headers a receiver asked for (an Indream export's `callbackHeaders`), sent with each attempt.
  "0019_webhook_headers": statements(`ALTER TABLE webhook_deliveries ADD COLUMN headers TEXT`)
}

/**
 * Credentials stored as their SHA-256 only (see `hashSecret`): each is shown once, when issued.
 * The secrets stored before are hashed in place, so they keep working.
 */
const hashedCredentials = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ secret: string }>`SELECT secret FROM credentials`
  for (const row of rows) yield* sql`UPDATE credentials SET secret = ${hashSecret(row.secret)} WHERE secret = ${row.secret}`
  yield* sql.unsafe(`ALTER TABLE credentials RENAME COLUMN secret TO secret_hash`)
})

/** Migration id → migration: the server's, or one dialect's (`Dialect.migrations`). */
export type Migrations = Readonly<Record<string, Effect.Effect<void, SqlError, SqlClient.SqlClient>>>

/**
 * Every migration, the server's and each of `dialects`' (each dialect keeps its own in its
 * folder). Ids are one sequence across all of them, and must keep growing in the order they land:
 * the Migrator runs only ids above the last one applied.
 */
export const make = (dialects: ReadonlyArray<Dialect.Dialect>): Migrations => {
  const all: Record<string, Effect.Effect<void, SqlError, SqlClient.SqlClient>> = { ...serverMigrations }
  for (const dialect of dialects) {
    for (const [id, migration] of Object.entries(dialect.migrations)) {
      // Two migrations under one id: one would silently never run.
      if (id in all) throw new Error(`Migration ${id} of the ${dialect.name} dialect is declared twice`)
      all[id] = migration
    }
  }
  all["0008_hashed_credentials"] = hashedCredentials
  return all
}

/** The number of the last of `migrations`: a database migrated by them has its tables as of it. */
export const latest = (migrations: Migrations): number =>
  Math.max(...Object.keys(migrations).map((id) => Number(id.split("_")[0])))

/** The migrations of the dialects the server serves by default (`dialects/index.ts`). */
export const migrations: Migrations = make(Dialects.all)
