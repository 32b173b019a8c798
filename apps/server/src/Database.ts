/**
 * The server's storage: one `SqlClient`, migrated on start. SQLite (a file by default, or
 * `:memory:`) is the embedded default; PostgreSQL (a `postgres://` URL) lets several server
 * instances share one database. The SQL of the stores is portable between the two.
 */
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Sqlite from "./internal/sqlite.js"
import * as Migrations from "./Migrations.js"
import { Database, isPostgresUrl } from "./internal/location.js"

// Defined beside the location rules, which dialects may import (this module loads them all).
export { Database, type DatabaseInfo } from "./internal/location.js"

const migrationsTable = "projectkit_migrations"

const migrator = (migrations: Migrations.Migrations) =>
  Migrator.make({})({ loader: Migrator.fromRecord(migrations), table: migrationsTable })

export { isPostgresUrl }

/** Whether `error` is SQLite's "database is locked": another process holds the lock for now. */
const isBusy = (error: unknown): boolean => {
  for (let cause: unknown = error, depth = 0; cause !== undefined && cause !== null && depth < 5; depth++) {
    if (typeof cause === "object" && "code" in cause && (cause.code === "SQLITE_BUSY" || cause.code === "SQLITE_LOCKED")) {
      return true
    }
    if (String(cause).includes("database is locked")) return true
    cause = typeof cause === "object" && "cause" in cause ? cause.cause : undefined
  }
  return false
}

class MigrationsIncomplete extends Error {
  constructor() {
    super("another process is still migrating the database")
  }
}

/**
 * Waits out another process on the same SQLite file: while it holds the lock (starting up at the
 * same moment, migrating), a step is retried for up to ~10 s instead of failing the start.
 */
const whileBusy = Schedule.intersect(Schedule.spaced("50 millis"), Schedule.recurs(200)).pipe(
  Schedule.whileInput((error: unknown) => isBusy(error) || error instanceof MigrationsIncomplete)
)

/**
 * The migrations on SQLite, safe when two processes start at once on one file: the Migrator
 * answers "already running" to the one that loses the race, which then waits until the winner's
 * migrations are committed before serving.
 */
const migrateSqlite = (migrations: Migrations.Migrations) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* migrator(migrations)
    const applied = yield* sql<{ id: number | null }>`SELECT MAX(migration_id) AS id FROM ${sql(migrationsTable)}`
    if (Number(applied[0]?.id ?? 0) < Migrations.latest(migrations)) return yield* Effect.fail(new MigrationsIncomplete())
  }).pipe(Effect.retry(whileBusy))

/** SQLite in `filename` (its folder is created), or in memory for `:memory:`. */
export const layerSqlite = (
  filename: string,
  migrations: Migrations.Migrations = Migrations.migrations
): Layer.Layer<Database | SqlClient.SqlClient, unknown> => {
  const client = Layer.unwrapEffect(Effect.sync(() => {
    if (filename !== ":memory:") Fs.mkdirSync(Path.dirname(Path.resolve(filename)), { recursive: true })
    // WAL is set below, where a busy file is waited for.
    return Sqlite.layer({ filename, directStatements: true })
  })).pipe(Layer.retry(whileBusy))
  const tuned = Layer.effectDiscard(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    // WAL with synchronous=NORMAL keeps every committed write through a
    // process kill; only an OS crash may lose the last transactions, which an emulator can afford.
    yield* sql.unsafe("PRAGMA busy_timeout = 5000")
    yield* sql.unsafe("PRAGMA journal_mode = WAL").pipe(Effect.retry(whileBusy))
    yield* sql.unsafe("PRAGMA synchronous = NORMAL")
    yield* sql.unsafe("PRAGMA foreign_keys = ON")
    yield* migrateSqlite(migrations)
  }))
  return Layer.merge(
    Layer.succeed(Database, { kind: "sqlite", location: filename }),
    Layer.provideMerge(tuned, client)
  )
}

/** `url` without its password, for logs and the health route. */
export const redactUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") parsed.password = "***"
    parsed.searchParams.delete("password")
    return parsed.toString()
  } catch {
    return "postgres://(unparsable URL)"
  }
}

export interface PgOptions {
  /** The most connections one server instance holds; several instances add up on the database. */
  readonly maxConnections?: number | undefined
}

export interface Options extends PgOptions {
  /** The migrations to run: by default the server's and its default dialects' (`Migrations.migrations`). */
  readonly migrations?: Migrations.Migrations | undefined
}

/**
 * PostgreSQL at `url`, through the server's own client (internal/pg.ts: the statements whose plans
 * do not depend on their parameters are prepared once per connection). Several instances may start
 * at once on one database: the migrations run in one transaction under a transaction-scoped
 * advisory lock, so one instance migrates and the others wait for it and then find nothing left to
 * do.
 */
export const layerPg = (url: string, options: Options = {}): Layer.Layer<Database | SqlClient.SqlClient, unknown> => {
  // INF: 10 per instance is pg's own default and well under PostgreSQL's default 100 connections
  // for a handful of instances; one request needs at most one connection at a time.
  const maxConnections = options.maxConnections ?? 10
  // Imported here, not at the top: a server on SQLite never loads `pg` (internal/postgresClient.ts).
  const client = Layer.unwrapEffect(
    Effect.promise(() => import("./internal/postgresClient.js")).pipe(
      Effect.map((postgres) => postgres.layer(url, maxConnections))
    )
  )
  const migrated = Layer.effectDiscard(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql.withTransaction(Effect.gen(function*() {
      yield* sql`SELECT pg_advisory_xact_lock(hashtext(${migrationsTable}))`
      // Created here, under the lock, in the Migrator's own shape: its existence probe would
      // otherwise fail inside this transaction and abort it.
      yield* sql`CREATE TABLE IF NOT EXISTS ${sql(migrationsTable)} (
        migration_id integer primary key,
        created_at timestamp with time zone not null default now(),
        name text not null
      )`
      yield* migrator(options.migrations ?? Migrations.migrations)
    }))
  }))
  return Layer.merge(
    Layer.succeed(Database, { kind: "postgres", location: redactUrl(url) }),
    Layer.provideMerge(migrated, client)
  )
}

/** The backend `location` names: a `postgres://` URL, or else a SQLite file (or `:memory:`). */
export const layer = (location: string, options: Options = {}): Layer.Layer<Database | SqlClient.SqlClient, unknown> =>
  isPostgresUrl(location) ? layerPg(location, options) : layerSqlite(location, options.migrations)
