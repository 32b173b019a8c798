/**
 * The server's PostgreSQL `SqlClient`: `@effect/sql`'s own `SqlClient.make` (so the `sql` tag,
 * `withTransaction`, savepoints, `onDialectOrElse` and the Migrator behave as everywhere else)
 * over a `pg` pool, whose connections send the statements whose plans do not depend on their
 * parameters as named (prepared) statements.
 *
 * Why not `@effect/sql-pg`: it sends every statement unnamed, and PostgreSQL then parses, analyses
 * and plans it again each time: ~130–230 µs of its CPU per statement, against ~40 µs for a named
 * one whose plan is cached, measured on the server's own GET and list statements. On the two cores
 * the server, PostgreSQL and the load share, that was most of the difference from a hand-written
 * `node:http` + `pg` server.
 *
 * Which statements are named (`nameable`): those with parameters (so they already use the extended
 * protocol: one statement per text, never a script) that start with SELECT, INSERT, UPDATE, DELETE
 * or WITH, and have no pattern match (`LIKE`, `ILIKE`, `SIMILAR TO`). A pattern's selectivity is
 * what the search's plan rests on (see search.ts): with a cached, generic plan PostgreSQL would
 * plan every term alike, so those statements stay unnamed and are planned for their own values.
 * DDL (the migrations) never has parameters, so it is never named. Up to `namedLimit` distinct
 * texts are named (the first ones seen; the server has a few hundred statement shapes at most);
 * any text past that runs unnamed, so the prepared statements per connection stay bounded.
 *
 * Where statements run: a transaction's on the pool connection it holds; the named reads outside
 * transactions on a few pipelined connections shared by all (pgLanes.ts: no checkout per
 * statement, and statements in flight together travel and are answered together); every other on
 * a pool connection taken for that statement. `maxConnections` counts both.
 *
 * What this relies on:
 * - `pg` keeps a connection's prepared statements by name (`{ name, text, values }`), parses a name
 *   once per connection and records it only once PostgreSQL has parsed it (pg ≥ 8.16: a statement
 *   that failed to parse is parsed again next time). A name must always mean one text: each name is
 *   given to one text for the life of the process.
 * - `pg` sends every parameter untyped: PostgreSQL infers the parameter types from the text alone,
 *   the same way for a named statement as for an unnamed one, so one text never needs two names.
 * - A named statement's plan is revalidated by PostgreSQL after DDL on its tables, except when its
 *   result's columns change type ("cached plan must not change result type", SQLSTATE 0A000, e.g.
 *   a migration of another instance while this one runs): such a text is unnamed from then on and,
 *   outside a transaction, run again at once.
 * - A statement runs to its end even if the fiber that sent it is interrupted (its connection goes
 *   back to the pool when it finishes); the server's statements are short.
 * - No statement outside a transaction relies on its connection's session (SET, session advisory
 *   locks, temporary tables): consecutive ones may run on different connections, as with any pool.
 * - `pg`'s pipeline mode (pg ≥ 8.23) answers each statement on a shared connection with its own
 *   result or error, as each ends with its own Sync.
 * - `executeStream` gives all the rows at once (the server streams nothing from the database).
 * - With tracing off, a statement skips `@effect/sql`'s per-statement span and scope: see
 *   directStatements.ts.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import Pg from "pg"
import * as DirectStatements from "./directStatements.js"
import * as Lanes from "./pgLanes.js"
import type { Done, Query } from "./pgLanes.js"

export interface PgOptions {
  readonly url: Redacted.Redacted
  /** The most connections the pool holds. */
  readonly maxConnections: number
  readonly idleTimeout: Duration.DurationInput
  readonly connectTimeout: Duration.DurationInput
  readonly applicationName: string
  readonly types?: Pg.CustomTypesConfig | undefined
  /** Whether statements may be named (prepared); `true` by default. `false`: every statement unnamed, as `@effect/sql-pg` sends them. */
  readonly namedStatements?: boolean | undefined
  /** How many distinct statement texts are named at most; 500 by default. */
  readonly namedLimit?: number | undefined
  /**
   * How many of the `maxConnections` are pipelined connections shared by the named statements
   * outside transactions; 2 by default (at most `maxConnections - 1`), 0 for none.
   */
  readonly pipelinedConnections?: number | undefined
}

type TransformRows = (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined

/** Starts with a DML keyword (after blanks): one statement PostgreSQL can prepare. */
const dml = /^\s*(?:select|insert|update|delete|with)\b/i
/**
 * A read: a SELECT without a row lock. Only reads share the pipelined connections: a write's
 * COMMIT waits for its WAL to reach the disk, and on a shared connection every statement behind
 * it would wait too, where on connections of their own concurrent commits are flushed together.
 */
const readsOnly = /^\s*select\b/i
const locks = /\bfor\s+(?:update|no\s+key\s+update|share|key\s+share)\b/i

/** A named statement: its name, and whether it only reads. */
interface Named {
  readonly name: string
  readonly reads: boolean
}

/** A pattern match: its plan depends on the pattern. */
const pattern = /\b(?:i?like|similar\s+to)\b/i

/**
 * Whether a statement is sent named: it has parameters, is DML, and matches no pattern (see the
 * header: the search's statements are planned for their own terms).
 */
export const nameable = (sql: string, params: ReadonlyArray<unknown>): boolean =>
  params.length > 0 && dml.test(sql) && !pattern.test(sql)

/** PostgreSQL's answer to a named statement whose result's columns changed type since it was prepared. */
const isStalePlan = (cause: unknown): boolean =>
  typeof cause === "object" && cause !== null && "code" in cause && cause.code === "0A000" &&
  String((cause as { message?: unknown }).message).includes("cached plan must not change result type")

/**
 * A named statement sent on a pipelined connection right behind the same name's first use, whose
 * parse failed (PostgreSQL: "prepared statement does not exist"): run again, it is parsed anew.
 */
const isUnparsed = (cause: unknown): boolean =>
  typeof cause === "object" && cause !== null && "code" in cause && cause.code === "26000"

const failure = (cause: unknown, message = "Failed to execute statement") => new SqlError({ cause, message })

/** A client over a new pool of `options.url`, ended with the scope. */
export const make = (
  options: PgOptions
): Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const named = options.namedStatements ?? true
    const laneCount = named ? Math.max(0, Math.min(options.pipelinedConnections ?? 2, options.maxConnections - 1)) : 0
    const connectionConfig: Pg.ClientConfig = {
      connectionString: Redacted.value(options.url),
      connectionTimeoutMillis: Duration.toMillis(options.connectTimeout),
      application_name: options.applicationName,
      ...(options.types === undefined ? {} : { types: options.types })
    }
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const pool = new Pg.Pool({
          ...connectionConfig,
          max: options.maxConnections - laneCount,
          idleTimeoutMillis: Duration.toMillis(options.idleTimeout)
        })
        // An idle connection's error (the server restarted, the network dropped): the pool
        // removes it; a statement's own errors reach the statement.
        pool.on("error", () => {})
        return pool
      }),
      (pool) => Effect.promise(() => pool.end()).pipe(Effect.timeoutOption("1 second"))
    )
    yield* Effect.tryPromise({
      try: () => pool.query("SELECT 1"),
      catch: (cause) => failure(cause, "Failed to connect to PostgreSQL")
    }).pipe(Effect.timeoutFail({
      duration: options.connectTimeout,
      onTimeout: () => failure(new Error("Connection timed out"), "Failed to connect to PostgreSQL")
    }))

    // Each text's name, given once for the life of the process; `null`: never named (past the
    // limit, or its plan went stale).
    const limit = Math.max(0, options.namedLimit ?? 500)
    const names = new Map<string, Named | null>()
    const nameOf = (sql: string, params: ReadonlyArray<unknown>): Named | undefined => {
      if (!named) return undefined
      const known = names.get(sql)
      if (known !== undefined) return known ?? undefined
      if (!nameable(sql, params)) return undefined
      const given = names.size < limit ? { name: `projectkit_${names.size}`, reads: readsOnly.test(sql) && !locks.test(sql) } : null
      names.set(sql, given)
      return given ?? undefined
    }

    const lanes = yield* Effect.acquireRelease(
      Effect.sync(() => Lanes.make(laneCount, connectionConfig)),
      (lanes) => Effect.promise(() => lanes.end()).pipe(Effect.timeoutOption("1 second"))
    )

    /**
     * `query` on `reserved` (a transaction's connection); a `shared` one (a named read) outside a
     * transaction on the least busy pipelined connection; any other on a connection of the pool
     * taken for this statement alone and given back when it ends. A failed statement leaves its
     * connection usable (PostgreSQL has ended the statement's implicit transaction); a connection
     * that broke reports an `error` event, and is then given back broken, so the pool drops it.
     */
    const send = (reserved: Pg.PoolClient | undefined, query: Query, shared: boolean, done: Done) => {
      if (reserved !== undefined) return void reserved.query(query as Pg.QueryConfig, done)
      if (shared && lanes.send(query, done)) return
      pool.connect((error, client, release) => {
        if (error || client === undefined) {
          return done(error ?? new Error("Failed to acquire a connection"), undefined as unknown as Pg.QueryResult)
        }
        let broken: Error | undefined
        const onError = (cause: Error) => {
          broken = cause
        }
        client.once("error", onError)
        client.query(query as Pg.QueryConfig, (error: Error | null, result: Pg.QueryResult) => {
          client.off("error", onError)
          release(broken)
          done(error, result)
        })
      })
    }

    /**
     * `sql` on `reserved` or a pooled connection, with its name when it has one, its result given
     * to `shape`. A stale plan's text is unnamed from then on and, outside a transaction, run again
     * (inside one, the failure has aborted the transaction).
     */
    const run = <A>(
      reserved: Pg.PoolClient | undefined,
      sql: string,
      params: ReadonlyArray<unknown>,
      options: { readonly rowMode?: "array"; readonly prepare: boolean },
      shape: (result: Pg.QueryResult) => A
    ): Effect.Effect<A, SqlError> =>
      Effect.async<A, SqlError>((resume) => {
        const given = options.prepare ? nameOf(sql, params) : undefined
        const query = (name: string | undefined): Query => ({
          text: sql,
          values: params as Array<unknown>,
          ...(name === undefined ? {} : { name }),
          ...(options.rowMode === undefined ? {} : { rowMode: options.rowMode })
        })
        let retried = false
        const done: Done = (error, result) => {
          if (error === null) return resume(Effect.succeed(shape(result)))
          if (given !== undefined && !retried && (isStalePlan(error) || isUnparsed(error))) {
            if (isStalePlan(error)) names.set(sql, null)
            retried = true
            if (reserved === undefined) return send(reserved, query(undefined), false, done)
          }
          resume(Effect.fail(failure(error)))
        }
        send(reserved, query(given?.name), given?.reads === true, done)
      })

    const rowsOf = (transformRows: TransformRows) => (result: Pg.QueryResult | ReadonlyArray<Pg.QueryResult>) => {
      // A script without parameters answers one result per statement, as `@effect/sql-pg` gives them.
      const rows: ReadonlyArray<any> = Array.isArray(result)
        ? result.map((each: Pg.QueryResult) => each.rows ?? [])
        : (result as Pg.QueryResult).rows ?? []
      return transformRows ? transformRows(rows) : rows
    }
    const untransformed = rowsOf(undefined)
    const prepared = { prepare: true } as const
    const unprepared = { prepare: false } as const
    const asArrays = { prepare: true, rowMode: "array" } as const

    const connection = (reserved: Pg.PoolClient | undefined): Connection => ({
      execute: (sql, params, transformRows) =>
        run(reserved, sql, params, prepared, transformRows ? rowsOf(transformRows) : untransformed),
      executeRaw: (sql, params) => run(reserved, sql, params, prepared, (result) => result),
      executeValues: (sql, params) =>
        run(reserved, sql, params, asArrays, (result) => result.rows as unknown as ReadonlyArray<ReadonlyArray<unknown>>),
      executeUnprepared: (sql, params, transformRows) =>
        run(reserved, sql, params ?? [], unprepared, transformRows ? rowsOf(transformRows) : untransformed),
      executeStream: (sql, params, transformRows) =>
        Stream.fromIterableEffect(run(reserved, sql, params, prepared, transformRows ? rowsOf(transformRows) : untransformed))
    })

    /** A connection of its own until the scope closes (a transaction's), given back broken if it broke. */
    const reserve: Effect.Effect<Connection, SqlError, Scope.Scope> = Effect.map(
      Effect.acquireRelease(
        Effect.async<{ client: Pg.PoolClient; release: () => void }, SqlError>((resume) => {
          pool.connect((error, client, release) => {
            if (error || client === undefined) {
              return resume(Effect.fail(failure(error, "Failed to acquire a connection for a transaction")))
            }
            let broken: Error | undefined
            const onError = (cause: Error) => {
              broken = cause
            }
            client.on("error", onError)
            resume(Effect.succeed({
              client,
              release: () => {
                client.off("error", onError)
                release(broken)
              }
            }))
          })
        }),
        ({ release }) => Effect.sync(release)
      ),
      ({ client }) => connection(client)
    )

    const plain = connection(undefined)
    const library = yield* SqlClient.make({
      acquirer: Effect.succeed(plain),
      transactionAcquirer: reserve,
      compiler: PgClient.makeCompiler(),
      spanAttributes: [["db.system.name", "postgresql"]]
    })
    return DirectStatements.make(library, plain)
  })

/**
 * `SqlClient` on PostgreSQL. `Reactivity` is provided here only because `SqlClient.make` requires
 * it (for `sql.reactive`, which the server does not use).
 */
export const layer = (options: PgOptions): Layer.Layer<SqlClient.SqlClient, SqlError> =>
  Layer.scoped(SqlClient.SqlClient, make(options)).pipe(Layer.provide(Reactivity.layer))
