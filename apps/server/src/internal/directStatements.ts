/**
 * Statements that run straight on their connection whenever `@effect/sql`'s per-statement
 * machinery would do nothing: the one place (used by the SQLite and the PostgreSQL clients) where the
 * server reaches past `@effect/sql`'s public API, for speed.
 *
 * `@effect/sql` runs every statement inside a span (`sql.execute`) and a scope from which it takes
 * its connection. With tracing disabled (as the server runs), no statement transformer, and an
 * acquirer that needs no scope (`Effect.succeed(connection)`), the span records nothing and the
 * scope closes empty: running the statement on the connection directly gives the same answer
 * for ~40–50 µs less CPU per statement, measured on PostgreSQL under the bench's load (a fifth of
 * the Node CPU of a GET). With tracing on, or a transformer set, `@effect/sql` runs it as always.
 *
 * What this relies on (check on every `@effect/sql` upgrade; test/PgClient.test.ts runs every test
 * of the PostgreSQL client on both paths):
 * - A statement is an Effect whose `commit()` the Effect runtime calls to run it (`Effectable`):
 *   `commit` is shadowed on each statement object made here, and decides at each run.
 * - `SqlClient.make` returns the `sql` function of `Statement.make` with the client's members
 *   assigned onto it: the client made here is a new function with the same members whose template
 *   calls and `unsafe` give shadowed statements (and whose `safe` is itself).
 * - What `@effect/sql` does to `execute` a statement (StatementPrimitive.commit): compile it, take
 *   the open transaction's connection (`TransactionConnection`) or else the acquirer's, and call
 *   `connection.execute(sql, params, transformRows)`; the client has no `transformRows`.
 * - `unsafe(sql, params)` compiles to `[sql, params]` (one literal segment, placeholders left as
 *   written), so such a statement is run with them uncompiled (asserted in test/SqliteClient.test.ts
 *   and test/PgClient.test.ts).
 * - Only yielding a statement is shortened: `.raw`, `.values`, `.unprepared`, `.stream` and
 *   `.withoutTransform` go through `@effect/sql` as before.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"

type Rows = Effect.Effect<ReadonlyArray<unknown>, SqlError>
/** A statement is an Effect whose `commit` the runtime calls to run it. */
type Committable = { commit: () => Rows }

/**
 * `library` (made by `SqlClient.make` with `Effect.succeed(plain)` as its acquirer and no row
 * transforms) whose statements run directly on their connection when nothing would observe the
 * difference.
 */
export const make = (library: SqlClient.SqlClient, plain: Connection): SqlClient.SqlClient => {
  const execute = (
    statement: Statement.Statement<unknown>,
    viaLibrary: () => Rows,
    compiled: readonly [string, ReadonlyArray<unknown>] | undefined
  ): Rows =>
    Effect.withFiberRuntime((fiber) => {
      if (fiber.getFiberRef(FiberRef.currentTracerEnabled) || Option.isSome(fiber.getFiberRef(Statement.currentTransformer))) {
        return viaLibrary()
      }
      // The connection `@effect/sql` would take: the open transaction's, or the plain one.
      const open = Context.getOption(fiber.currentContext, SqlClient.TransactionConnection)
      const [sql, params] = compiled ?? statement.compile()
      return (Option.isSome(open) ? open.value[0] : plain).execute(sql, params, undefined)
    })
  const direct = <S extends Statement.Statement<unknown>>(
    statement: S,
    /** What `statement.compile()` gives, when known without compiling (an `unsafe` statement). */
    compiled?: readonly [string, ReadonlyArray<unknown>]
  ): S => {
    const committable = statement as unknown as Committable
    const viaLibrary = committable.commit
    committable.commit = () => execute(statement, () => viaLibrary.call(statement), compiled)
    return statement
  }
  const client: SqlClient.SqlClient = Object.assign(
    function sql(strings: unknown, ...args: Array<unknown>) {
      const made = (library as unknown as (...all: Array<unknown>) => unknown)(strings, ...args)
      // A template call makes a statement; `sql("name")` makes an identifier.
      return Array.isArray(strings) ? direct(made as Statement.Statement<unknown>) : made
    },
    library,
    {
      // An `unsafe` statement compiles to its text and parameters as given (one literal segment):
      // not compiled again on every run (issue 28).
      unsafe: (sql: string, params?: ReadonlyArray<unknown>) => direct(library.unsafe(sql, params), [sql, params ?? []])
    }
  ) as unknown as SqlClient.SqlClient
  return Object.assign(client, { safe: client })
}
