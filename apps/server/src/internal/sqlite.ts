/**
 * The server's SQLite `SqlClient`: `@effect/sql`'s own `SqlClient.make` (so the `sql` tag,
 * `withTransaction`, savepoints, `onDialectOrElse` and the Migrator behave as everywhere else)
 * over one better-sqlite3 connection, with as little as possible between a statement and SQLite.
 *
 * Why not `@effect/sql-sqlite-node`: it looks up prepared statements in an Effect `Cache` and takes
 * the connection's semaphore in a scope for every statement, about 70 µs per statement, which is
 * most of the time of a GET. better-sqlite3 is synchronous, so a statement cannot interleave with
 * another one on the connection; the only thing to guard is a transaction, which spans yields:
 * while one is open, statements of other fibers wait until it ends, and transactions take turns.
 * Whether a statement may run is decided in the same synchronous step that runs it.
 *
 * Opt-in fast path (`directStatements`, which the server turns on): with tracing off, a statement
 * skips `@effect/sql`'s per-statement span and scope too, through `internal/directStatements.ts`,
 * the one fenced module (shared with the PostgreSQL client) that relies on `@effect/sql`'s internals.
 * Every test of this client runs with the option off, on with tracing on, and on with tracing off
 * (test/SqliteClient.test.ts), so an `@effect/sql` upgrade that changes what it relies on is caught
 * there too.
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import Sqlite from "better-sqlite3"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Direct from "./directStatements.js"

export interface SqliteOptions {
  /** A file path, or `:memory:`. */
  readonly filename: string
  /** How many prepared statements are kept, least recently used evicted first; 500 by default. */
  readonly prepareCacheSize?: number | undefined
  /**
   * With tracing off, run statements without `@effect/sql`'s per-statement span and scope (~15 µs
   * of CPU each, a tenth of a GET's): see the module's comment. Off by default.
   */
  readonly directStatements?: boolean | undefined
}

type TransformRows = (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined

/** The holder of the connection while a transaction (or a `reserve`) is open. */
interface Holder {
  readonly _holder: true
}

const fail = (cause: unknown, message: string) => new SqlError({ cause, message })

/**
 * A prepared statement and, for a reader, the names of its columns. Readers run in raw mode (rows
 * as arrays of values) and their rows are made here with the names learnt once: better-sqlite3
 * makes each row through V8's API, property by property, with every column name looked up anew,
 * which measured at a third of a GET's statement in the server (and a quarter of a 50-row list's).
 * The names are learnt again when the width of a row changes, and after any statement of this
 * connection that may change the schema (SQLite re-prepares a statement whose table changed).
 */
interface Prepared {
  readonly sql: string
  readonly statement: Sqlite.Statement
  names: ReadonlyArray<string> | undefined
  /** When it was last used, counted in uses of the cache (which one to evict). */
  lastUsed: number
}

/** Statements after which a column list learnt before may be stale. */
const schemaChange = /^\s*(ALTER|DROP|CREATE)\b/i

/** The connection's statements, synchronously, inside `SqliteDirect.transaction`. */
export interface DirectStatements {
  readonly all: (sql: string, params?: ReadonlyArray<unknown>) => ReadonlyArray<Readonly<Record<string, unknown>>>
  readonly run: (sql: string, params?: ReadonlyArray<unknown>) => void
}

/**
 * A short read-modify-write with no yield inside, for the hot paths where the few microseconds of
 * plain better-sqlite3 matter (an Effect transaction costs ~100 µs in `@effect/sql`'s machinery).
 */
export interface SqliteDirect {
  /**
   * Runs `f` synchronously in one transaction (`BEGIN IMMEDIATE`, so another process's writer is
   * waited for up front; a savepoint inside the caller's own open transaction), once no other
   * fiber's transaction is open; rolled back if `f` throws.
   */
  readonly transaction: <A>(f: (statements: DirectStatements) => A) => Effect.Effect<A, SqlError>
  /**
   * The connection's `PRAGMA data_version`, read synchronously (from memory: no I/O): it changes
   * when another connection to the file has committed. Read on every request by the credential
   * cache's check (`Revocations`), where a statement through `@effect/sql` would cost ~10 % of a GET.
   */
  readonly dataVersion: () => number
}

const DirectId: unique symbol = Symbol.for("@projectkit/server/SqliteDirect")

/** The synchronous access of `sql` when it is this module's SQLite client. */
export const direct = (sql: SqlClient.SqlClient): Option.Option<SqliteDirect> =>
  DirectId in sql ? Option.some((sql as SqlClient.SqlClient & { readonly [DirectId]: SqliteDirect })[DirectId]) : Option.none()

/** A client over one new better-sqlite3 connection, closed with the scope. */
export const make = (
  options: SqliteOptions
): Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const db = yield* Effect.acquireRelease(
      Effect.try({
        try: () => new Sqlite(options.filename),
        catch: (cause) => fail(cause, `Failed to open the SQLite database ${options.filename}`)
      }),
      (db) => Effect.sync(() => db.close())
    )

    // Each use stamps its entry; a full cache evicts the entry with the oldest stamp, found by a
    // scan on that miss alone, so a hit is one lookup (re-inserting on every hit to keep the Map
    // in use order cost a GET a delete and an insert: issue 28).
    const capacity = Math.max(1, options.prepareCacheSize ?? 500)
    const prepared = new Map<string, Prepared>()
    let uses = 0
    const evictLeastRecentlyUsed = () => {
      let oldest: Prepared | undefined
      for (const entry of prepared.values()) if (oldest === undefined || entry.lastUsed < oldest.lastUsed) oldest = entry
      if (oldest !== undefined) prepared.delete(oldest.sql)
    }
    const prepare = (sql: string): Prepared => {
      let entry = prepared.get(sql)
      if (entry === undefined) {
        const statement = db.prepare(sql)
        // Readers answer arrays of values, made into rows here (see `Prepared`).
        if (statement.reader) statement.raw(true)
        entry = { sql, statement, names: undefined, lastUsed: 0 }
        if (prepared.size >= capacity) evictLeastRecentlyUsed()
        prepared.set(sql, entry)
      }
      entry.lastUsed = ++uses
      return entry
    }
    /** A reader's rows, as better-sqlite3 would have made them (a later column of the same name wins). */
    const rowsOf = (entry: Prepared, values: ReadonlyArray<ReadonlyArray<unknown>>): Array<Record<string, unknown>> => {
      const result = new Array<Record<string, unknown>>(values.length)
      if (values.length === 0) return result
      let names = entry.names
      if (names === undefined || names.length !== values[0]!.length) {
        names = entry.statement.columns().map((column) => column.name)
        entry.names = names
      }
      for (let index = 0; index < values.length; index++) {
        const row: Record<string, unknown> = {}
        const value = values[index]!
        for (let column = 0; column < names.length; column++) row[names[column]!] = value[column]
        result[index] = row
      }
      return result
    }
    /** A reader's rows for `params`. */
    const readAll = (entry: Prepared, params: ReadonlyArray<unknown>) =>
      rowsOf(entry, entry.statement.all(...params) as Array<Array<unknown>>)
    /**
     * A writer run with `params`. One that may change the schema makes every column list learnt
     * so far be learnt again.
     */
    const write = (entry: Prepared, params: ReadonlyArray<unknown>): Sqlite.RunResult => {
      const result = entry.statement.run(...params)
      if (schemaChange.test(entry.sql)) for (const each of prepared.values()) each.names = undefined
      return result
    }

    // The open transaction's holder, and the fibers waiting for it to end. A plain statement runs
    // only when `holder` is undefined; a transaction's statements only while it is the holder.
    let holder: Holder | undefined = undefined
    let waiters: Array<() => void> = []
    const release = (self: Holder) => {
      if (holder !== self) return
      // A COMMIT that failed (it dies in SqlClient.make) leaves SQLite inside the transaction:
      // ending it here keeps the next holder's BEGIN and everyone's statements out of it.
      if (db.inTransaction) {
        try {
          db.exec("ROLLBACK")
        } catch {
          // Nothing more can be done; the next BEGIN reports the state as an SqlError.
        }
      }
      holder = undefined
      const woken = waiters
      waiters = []
      for (const wake of woken) wake()
    }
    const mayRun = (owner: Holder | undefined) => holder === undefined || holder === owner
    /** Until `owner` may use the connection (checked again here: the fiber may have yielded since). */
    const waitTurn = (owner: Holder | undefined) =>
      Effect.async<void>((resume) => {
        const wake = () => resume(Effect.void)
        if (mayRun(owner)) return wake()
        waiters.push(wake)
        return Effect.sync(() => {
          const index = waiters.indexOf(wake)
          if (index >= 0) waiters.splice(index, 1)
        })
      })

    /** `run` in the calling fiber as soon as `owner` may use the connection. */
    const gated = <A>(
      owner: Holder | undefined,
      message: string,
      run: (fiber: Fiber.RuntimeFiber<unknown, unknown>) => A
    ): Effect.Effect<A, SqlError> => {
      const attempt: Effect.Effect<A, SqlError> = Effect.withFiberRuntime((fiber) => {
        // A holder that has ended (a fiber that outlived its transaction) counts as no holder.
        if (!mayRun(owner)) return Effect.zipRight(waitTurn(owner), attempt)
        try {
          return Effect.succeed(run(fiber))
        } catch (cause) {
          return Effect.fail(fail(cause, message))
        }
      })
      return attempt
    }

    const rows = (
      sql: string,
      params: ReadonlyArray<unknown>,
      fiber: Fiber.RuntimeFiber<unknown, unknown>,
      raw: boolean
    ): ReadonlyArray<object> => {
      const entry = prepare(sql)
      const { statement } = entry
      const safe = Context.get(fiber.currentContext, SqlClient.SafeIntegers)
      if (safe) statement.safeIntegers(true)
      try {
        if (statement.reader) return readAll(entry, params)
        const result = write(entry, params)
        // `.raw` answers what the driver answers: for a write, its changes and last row id.
        return raw ? result as unknown as ReadonlyArray<object> : []
      } finally {
        if (safe) statement.safeIntegers(false)
      }
    }

    const owners = new WeakMap<Connection, Holder>()
    const connection = (owner: Holder | undefined): Connection => {
      const made: Connection = {
        execute: (sql, params, transformRows: TransformRows) =>
          gated(owner, "Failed to execute statement", (fiber) => {
            const result = rows(sql, params, fiber, false)
            return transformRows ? transformRows(result) : result
          }),
        executeRaw: (sql, params) =>
          gated(owner, "Failed to execute statement", (fiber) => rows(sql, params, fiber, true)),
        executeValues: (sql, params) =>
          gated(owner, "Failed to execute statement", () => {
            const entry = prepare(sql)
            if (!entry.statement.reader) {
              write(entry, params)
              return []
            }
            return entry.statement.all(...params) as Array<ReadonlyArray<unknown>>
          }),
        // Cached as well: SqlClient.make sends BEGIN, COMMIT, ROLLBACK and the savepoints this way,
        // and preparing them anew was a tenth of a transaction's time.
        executeUnprepared: (sql, params, transformRows: TransformRows) =>
          gated(owner, "Failed to execute statement", (fiber) => {
            const result = rows(sql, params ?? [], fiber, false)
            return transformRows ? transformRows(result) : result
          }),
        // All rows at once: a better-sqlite3 iterator keeps the connection busy until it is done,
        // which would fail every other fiber's statement in between.
        executeStream: (sql, params, transformRows: TransformRows) =>
          Stream.fromIterableEffect(gated(owner, "Failed to execute statement", (fiber) => {
            const result = rows(sql, params, fiber, false)
            return transformRows ? transformRows(result) : result
          }))
      }
      if (owner !== undefined) owners.set(made, owner)
      return made
    }

    const plain = connection(undefined)
    const transactionAcquirer: Effect.Effect<Connection, never, Scope.Scope> = Effect.uninterruptibleMask((restore) => {
      const self: Holder = { _holder: true }
      const own = connection(self)
      const take: Effect.Effect<Connection, never, Scope.Scope> = Effect.suspend(() => {
        if (holder !== undefined) return Effect.zipRight(restore(waitTurn(self)), take)
        holder = self
        return Effect.as(Effect.addFinalizer(() => Effect.sync(() => release(self))), own)
      })
      return take
    })

    const statements: DirectStatements = {
      all: (sql, params = []) => readAll(prepare(sql), params),
      run: (sql, params = []) => void write(prepare(sql), params)
    }
    const dataVersion = db.prepare("PRAGMA data_version").pluck(true)
    const sqliteDirect: SqliteDirect = {
      dataVersion: () => Number(dataVersion.get()),
      transaction: <A>(f: (statements: DirectStatements) => A) =>
        Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (open) =>
          gated(
            Option.isSome(open) ? owners.get(open.value[0]) : undefined,
            "Failed to run a transaction",
            () => {
              // Nothing else runs until this returns, so one savepoint name is enough.
              const nested = db.inTransaction
              prepare(nested ? "SAVEPOINT projectkit_direct" : "BEGIN IMMEDIATE").statement.run()
              try {
                const result = f(statements)
                prepare(nested ? "RELEASE projectkit_direct" : "COMMIT").statement.run()
                return result
              } catch (cause) {
                if (db.inTransaction) {
                  db.exec(nested ? "ROLLBACK TO projectkit_direct; RELEASE projectkit_direct" : "ROLLBACK")
                }
                throw cause
              }
            }
          ))
    }

    const library = yield* SqlClient.make({
      acquirer: Effect.succeed(plain),
      transactionAcquirer,
      // IMMEDIATE takes the write lock up front, where busy_timeout waits for another process's
      // writer. A deferred BEGIN that reads first and then writes cannot be waited for when another
      // process committed in between: SQLite answers SQLITE_BUSY at once ("database is locked"),
      // which two instances on one file hit at start. Readers are not blocked (WAL), and this
      // process's transactions are serialized by the holder above anyway.
      beginTransaction: "BEGIN IMMEDIATE",
      compiler: Statement.makeCompilerSqlite(),
      spanAttributes: [["db.system.name", "sqlite"]]
    })

    if (options.directStatements !== true) return Object.assign(library, { [DirectId]: sqliteDirect })
    // Statements run straight on their connection when `@effect/sql`'s span and scope would do
    // nothing: the one fenced module that reaches past its public API (see there).
    const client = Direct.make(library, plain)
    Object.assign(client, { [DirectId]: sqliteDirect })
    return client
  })

/**
 * `SqlClient` on SQLite. `Reactivity` is provided here only because `SqlClient.make` requires it
 * (for `sql.reactive`, which the server does not use).
 */
export const layer = (options: SqliteOptions): Layer.Layer<SqlClient.SqlClient, SqlError> =>
  Layer.scoped(SqlClient.SqlClient, make(options)).pipe(Layer.provide(Reactivity.layer))
