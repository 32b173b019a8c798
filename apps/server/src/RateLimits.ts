/**
 * The rate limiter's state in the database, so that every server instance on it shares one budget
 * per tenant: each decision reads and writes its key in one transaction.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as RateLimit from "@projectkit/core/RateLimit"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Sqlite from "./internal/sqlite.js"

/** PostgreSQL's TEXT cannot hold NUL, which core's keys use as a separator: escaped, injectively. */
export const storedKey = (key: string) => key.replace(/\\/g, "\\\\").replace(/\u0000/g, "\\0")

/** Any SQL backend: one transaction of `@effect/sql` statements. */
const modifySql = (sql: SqlClient.SqlClient): RateLimit.RateLimiterStoreService["modify"] => (key, f) =>
  sql.withTransaction(Effect.gen(function*() {
    const stored = storedKey(key)
    // Two instances deciding on one key at once must not both read the old state (that would
    // double the budget): the first statement takes the key's lock until the commit, an
    // advisory lock on PostgreSQL, the database's write lock on SQLite.
    yield* sql.onDialectOrElse({
      pg: () => sql`SELECT pg_advisory_xact_lock(hashtext(${stored}))`,
      orElse: () => sql`UPDATE rate_limits SET tat = tat WHERE key = ${stored}`
    })
    const now = yield* Clock.currentTimeMillis
    const rows = yield* sql<{ tat: string }>`SELECT tat FROM rate_limits WHERE key = ${stored}`
    const [answer, next] = f(Option.map(Option.fromNullable(rows[0]), (row) => BigInt(row.tat)), now)
    if (Option.isSome(next)) {
      yield* sql`INSERT INTO rate_limits (key, tat) VALUES (${stored}, ${next.value.toString()})
        ON CONFLICT (key) DO UPDATE SET tat = excluded.tat`
    } else {
      yield* sql`DELETE FROM rate_limits WHERE key = ${stored}`
    }
    return answer
  })).pipe(
    // The limiter cannot answer without its state: the request fails as the server's fault.
    Effect.orDie
  )

/**
 * The server's own SQLite client: the same decision in one synchronous transaction, without
 * `@effect/sql`'s per-transaction and per-statement machinery, which costs more than the rest of
 * a request. `BEGIN IMMEDIATE` takes the write lock before the read, as the UPDATE above does.
 */
const modifyDirect = (direct: Sqlite.SqliteDirect): RateLimit.RateLimiterStoreService["modify"] => (key, f) =>
  Effect.flatMap(Effect.clock, (clock) =>
    direct.transaction((db) => {
      const stored = storedKey(key)
      const tat = db.all("SELECT tat FROM rate_limits WHERE key = ?", [stored])[0]?.["tat"]
      const [answer, next] = f(
        tat === undefined || tat === null ? Option.none() : Option.some(BigInt(String(tat))),
        clock.unsafeCurrentTimeMillis()
      )
      if (Option.isSome(next)) {
        db.run(
          "INSERT INTO rate_limits (key, tat) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat",
          [stored, next.value.toString()]
        )
      } else {
        db.run("DELETE FROM rate_limits WHERE key = ?", [stored])
      }
      return answer
    })).pipe(Effect.orDie)

export const layerStoreSql: Layer.Layer<RateLimit.RateLimiterStore, never, SqlClient.SqlClient> = Layer.effect(
  RateLimit.RateLimiterStore,
  Effect.map(SqlClient.SqlClient, (sql) =>
    RateLimit.RateLimiterStore.of({
      modify: Option.match(Sqlite.direct(sql), { onSome: modifyDirect, onNone: () => modifySql(sql) })
    }))
)

/** The `RateLimiter` over the database. */
export const layer = RateLimit.layer.pipe(Layer.provide(layerStoreSql))
