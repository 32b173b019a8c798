/**
 * The rate limiter's state in the database, so that every server instance on it shares one budget
 * per tenant: each decision reads its key and writes it back only if no other decision changed it
 * meanwhile.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as RateLimit from "@projectkit/core/RateLimit"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Sqlite from "./internal/sqlite.js"

/** PostgreSQL's TEXT cannot hold NUL, which core's keys use as a separator: escaped, injectively. */
export const storedKey = (key: string) => key.replace(/\\/g, "\\\\").replace(/\u0000/g, "\\0")

type Decide<A> = (
  state: Option.Option<RateLimit.RateLimitState>,
  nowMillis: number
) => readonly [A, Option.Option<RateLimit.RateLimitState>]

/**
 * One decision on `stored`: its state read, `f` applied, and the new state written only if the row
 * still holds what was read (compare-and-set on the TAT, or an insert only where there is no row);
 * none when another decision changed it in between. A refusal changes nothing and writes nothing.
 */
const decideOnce = <A>(sql: SqlClient.SqlClient, stored: string, f: Decide<A>): Effect.Effect<Option.Option<A>, SqlError> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const rows = yield* sql<{ tat: string }>`SELECT tat FROM rate_limits WHERE key = ${stored}`
    const read = rows[0]?.tat
    const [answer, next] = f(Option.map(Option.fromNullable(read), (tat) => BigInt(tat)), now)
    const written = Option.isSome(next) ? next.value.toString() : undefined
    if (written === read) return Option.some(answer)
    const changed = read === undefined
      ? yield* sql`INSERT INTO rate_limits (key, tat) VALUES (${stored}, ${written!}) ON CONFLICT (key) DO NOTHING RETURNING key`
      : written === undefined
      ? yield* sql`DELETE FROM rate_limits WHERE key = ${stored} AND tat = ${read} RETURNING key`
      : yield* sql`UPDATE rate_limits SET tat = ${written} WHERE key = ${stored} AND tat = ${read} RETURNING key`
    return changed.length > 0 ? Option.some(answer) : Option.none()
  })

/**
 * Any SQL backend. First optimistically, without a transaction: two round trips for an admitted
 * request, one for a refused one, where a transaction holding the key's lock takes five (BEGIN,
 * lock, read, write, COMMIT). Two decisions on one key at once can never both spend the same
 * budget: the second one's write finds the state changed. That one (contention on the key) then
 * decides again under the key's lock (an advisory lock on PostgreSQL, the database's write lock on
 * SQLite), so decisions that keep colliding queue instead of retrying against each other; its
 * write is still conditional, since a newcomer's optimistic first attempt takes no lock.
 */
const modifySql = (sql: SqlClient.SqlClient): RateLimit.RateLimiterStoreService["modify"] => <A>(key: string, f: Decide<A>) => {
  const stored = storedKey(key)
  const locked = sql.withTransaction(Effect.zipRight(
    sql.onDialectOrElse({
      pg: () => sql`SELECT pg_advisory_xact_lock(hashtext(${stored}))`,
      orElse: () => sql`UPDATE rate_limits SET tat = tat WHERE key = ${stored}`
    }),
    decideOnce(sql, stored, f).pipe(Effect.repeat({ until: Option.isSome }), Effect.map(Option.getOrThrow))
  ))
  return Effect.flatMap(decideOnce(sql, stored, f), Option.match({ onSome: Effect.succeed, onNone: () => locked })).pipe(
    // The limiter cannot answer without its state: the request fails as the server's fault.
    Effect.orDie
  )
}

/**
 * The server's own SQLite client: the same decision in one synchronous transaction, without
 * `@effect/sql`'s per-transaction and per-statement machinery, which costs more than the rest of
 * a request. `BEGIN IMMEDIATE` takes the write lock before the read, so nothing can change between.
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
