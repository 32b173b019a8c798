/** A migration that runs each DDL statement in turn. */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

export const statements = (...ddl: ReadonlyArray<string>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => Effect.forEach(ddl, (statement) => sql.unsafe(statement), { discard: true }))
