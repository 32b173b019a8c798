/**
 * The server's storage: one `SqlClient`, migrated on start. SQLite (a file by default, or
 * `:memory:`) is the embedded default; the SQL is kept portable so PostgreSQL can follow.
 */
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { migrations } from "./Migrations.js"

export interface DatabaseInfo {
  /** "sqlite" or "postgres": what `/__projectkit/health` reports. */
  readonly kind: "sqlite"
  /** Where the data lives, without secrets. */
  readonly location: string
}

export class Database extends Context.Tag("@projectkit/server/Database")<Database, DatabaseInfo>() {}

const migrate = Migrator.make({})({ loader: Migrator.fromRecord(migrations), table: "projectkit_migrations" })

/** SQLite in `filename` (its folder is created), or in memory for `:memory:`. */
export const layerSqlite = (filename: string): Layer.Layer<Database | SqlClient.SqlClient, unknown> => {
  const client = Layer.unwrapEffect(Effect.sync(() => {
    if (filename !== ":memory:") Fs.mkdirSync(Path.dirname(Path.resolve(filename)), { recursive: true })
    return SqliteClient.layer({ filename })
  }))
  const tuned = Layer.effectDiscard(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    // WAL (set by the client) with synchronous=NORMAL keeps every committed write through a
    // process kill; only an OS crash may lose the last transactions, which an emulator can afford.
    yield* sql.unsafe("PRAGMA synchronous = NORMAL")
    yield* sql.unsafe("PRAGMA foreign_keys = ON")
    yield* sql.unsafe("PRAGMA busy_timeout = 5000")
    yield* migrate
  }))
  return Layer.merge(
    Layer.succeed(Database, { kind: "sqlite", location: filename }),
    Layer.provideMerge(tuned, client)
  )
}
