/**
 * The PostgreSQL client the server uses for a `postgres://` location: `internal/pg.ts` configured
 * to read BIGINT and NUMERIC as SQLite gives them. `Database.ts` imports this module only when the
 * location is PostgreSQL, so a server on SQLite never loads `pg` and what it pulls in (TLS,
 * HTTP/2, the fetch implementation, worker threads: ~10 MB of an idle server's memory).
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Duration from "effect/Duration"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import Pg from "pg"
import * as PgClient from "./pg.js"

/**
 * BIGINT (int8), NUMERIC and the aggregates over them come back as JS numbers, as SQLite gives
 * them, so the stores read the same rows on both backends. Every BIGINT the server writes is an
 * epoch-millisecond time, a size or a counter, all far below 2^53.
 */
const numericOids = new Set([20, 1700])
// One function for every column (`pg` asks for each column's parser on every statement).
const asNumber = (value: string) => Number(value)
const types: Pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    numericOids.has(oid) && format !== "binary"
      ? asNumber
      : Pg.types.getTypeParser(oid, format ?? "text")) as Pg.CustomTypesConfig["getTypeParser"]
}

/** The client for `url`, holding at most `maxConnections` connections. */
export const layer = (url: string, maxConnections: number): Layer.Layer<SqlClient.SqlClient, SqlError> =>
  PgClient.layer({
    url: Redacted.make(url),
    maxConnections,
    idleTimeout: Duration.seconds(30),
    connectTimeout: Duration.seconds(10),
    applicationName: "projectkit-server",
    types
  })
