/**
 * Organizations' data, table by table: snapshots (one versioned JSON document of everything
 * stored, for all organizations or one) and emptying one organization while keeping its
 * credentials. The tables are the server's own (below) and each dialect's (`Dialect.tables`), so a
 * new dialect brings its tables with it. What a dialect keeps outside the database (files beside
 * a SQLite file, `Dialect.outside`) travels as rows of one of its tables, and goes when its
 * organization is emptied.
 *
 * A snapshot holds what is stored, as it is stored: credentials as their hashes (the secrets were
 * shown once, when issued), so an imported organization's credentials keep working and a snapshot
 * lets nobody call the API. Rate-limit budgets and the request journal are not data: they refill
 * and restart.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { format, Row, Snapshot, version } from "./ControlSchemas.js"
import * as Dialect from "./Dialect.js"
import * as Migrations from "./Migrations.js"
import { Organizations } from "./Organizations.js"

// The document's schemas live with the control plane's contract, which answers them.
export { format, Row, Snapshot, Value, version } from "./ControlSchemas.js"

/**
 * The last migration of this server with its default dialects: a snapshot holds rows of the
 * tables as they are after it (a server with other dialects has its own, see `make`).
 */
export const schemaVersion = Migrations.latest(Migrations.migrations)

/** The server's own tables, before every dialect's: the organization, its users' credentials, its webhooks. */
export const serverTables: ReadonlyArray<Dialect.Table> = [
  { name: "organizations", key: ["id"], owner: "id", keptOnReset: true },
  { name: "credentials", key: ["secret_hash"], owner: "org_id", keptOnReset: true },
  { name: "webhook_deliveries", key: ["id"], owner: "org_id" }
]

/** A snapshot that cannot be imported as it is: nothing was changed. */
export class SnapshotInvalid extends Schema.TaggedError<SnapshotInvalid>()("SnapshotInvalid", {
  message: Schema.String
}) {}

/** A snapshot whose rows clash with what is stored (or with each other): nothing was changed. */
export class SnapshotConflict extends Schema.TaggedError<SnapshotConflict>()("SnapshotConflict", {
  message: Schema.String
}) {}

export interface SnapshotsService {
  /** Everything stored, or `orgId`'s part of it (none if there is no such organization). */
  readonly exportState: (orgId?: string) => Effect.Effect<Snapshot | undefined, SqlError>
  /**
   * Loads `document` (unknown input, checked here) in one transaction: a whole-server snapshot
   * replaces every organization; a one-organization snapshot replaces that organization only.
   */
  readonly importState: (
    document: unknown
  ) => Effect.Effect<{ readonly organizations: number }, SnapshotInvalid | SnapshotConflict | SqlError>
  /** Deletes what `orgId` made, keeping it, its users and their credentials; false if there is no such organization. */
  readonly empty: (orgId: string) => Effect.Effect<boolean, SqlError>
}

export class Snapshots extends Context.Tag("@projectkit/server/Snapshots")<Snapshots, SnapshotsService>() {}

/** Rows inserted per statement: well under SQLite's and PostgreSQL's limits on parameters. */
const parametersPerStatement = 5_000

/** Orders rows by `key`, the same way on both backends (code units, not a collation). */
const byKey = (key: ReadonlyArray<string>) => (a: Row, b: Row): number => {
  for (const column of key) {
    const x = a[column] ?? null
    const y = b[column] ?? null
    if (x === y) continue
    if (x === null) return -1
    if (y === null) return 1
    if (typeof x === "number" && typeof y === "number") return x - y
    return String(x) < String(y) ? -1 : 1
  }
  return 0
}

const storedValue = (table: string, column: string, value: unknown): Row[string] => {
  if (value === null || value === undefined) return null
  if (typeof value === "string" || typeof value === "number") return value
  if (typeof value === "bigint") return Number(value)
  // No column the server writes holds anything else; a new kind must be added here on purpose.
  throw new Error(`${table}.${column} holds a ${typeof value}, which snapshots do not carry`)
}

const decodeSnapshot = Schema.decodeUnknownEither(Snapshot, { onExcessProperty: "error" })

/** The tables of the server and of `dialects`, parents before children. */
export const tablesOf = (dialects: ReadonlyArray<Dialect.Dialect>): ReadonlyArray<Dialect.Table> => [
  ...serverTables,
  ...dialects.flatMap((dialect) => dialect.tables ?? [])
]

/** Snapshots of `dialects`' tables (and the server's), as of their last migration. */
export const make = (dialects: ReadonlyArray<Dialect.Dialect>) =>
  Effect.gen(function*() {
    const tables = tablesOf(dialects)
    const schemaVersion = Migrations.latest(Migrations.make(dialects))
    const sql = yield* SqlClient.SqlClient
    const organizations = yield* Organizations
    const byName = new Map(tables.map((table) => [table.name, table]))
    // What dialects keep outside the database here (files beside a SQLite file), carried and
    // removed with their rows.
    const outside = yield* Dialect.Outside
    const removedOutside = (orgId: string | undefined) => Effect.forEach(outside, (data) => data.removed(orgId), { discard: true })

    /** The organization column of a table whose rows name their organization themselves. */
    const directOwner = (table: Dialect.Table): string => {
      if (typeof table.owner === "string") return table.owner
      const parent = byName.get(table.owner.parent)
      if (parent === undefined || typeof parent.owner !== "string") {
        throw new Error(`${table.name}: its parent ${table.owner.parent} is not a table with an organization column`)
      }
      return parent.owner
    }

    /** `table`'s rows that belong to `orgId` (a SQL condition). */
    const ownedBy = (table: Dialect.Table, orgId: string) =>
      typeof table.owner === "string"
        ? sql`${sql(table.owner)} = ${orgId}`
        : sql`${sql(table.owner.column)} IN (SELECT id FROM ${sql(table.owner.parent)} WHERE ${
          sql(directOwner(table))
        } = ${orgId})`

    const rowsOf = (table: Dialect.Table, orgId: string | undefined) =>
      Effect.map(
        orgId === undefined
          ? sql<Record<string, unknown>>`SELECT * FROM ${sql(table.name)}`
          : sql<Record<string, unknown>>`SELECT * FROM ${sql(table.name)} WHERE ${ownedBy(table, orgId)}`,
        (rows) =>
          rows.map((row): Row => {
            const stored: Record<string, Row[string]> = {}
            for (const [column, value] of Object.entries(row)) stored[column] = storedValue(table.name, column, value)
            return stored
          }).sort(byKey(table.key))
      )

    /** The columns `table` has in this database, as the migrations made them. */
    const columnsOf = (table: string) =>
      Effect.map(
        sql.onDialectOrElse({
          pg: () =>
            sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name = ${table}`,
          orElse: () => sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`
        }),
        (rows) => new Set(rows.map((row) => row.name))
      )

    const exportState = (orgId?: string) =>
      Effect.gen(function*() {
        // One transaction: on PostgreSQL a consistent view of every table, on SQLite no write in between.
        return yield* sql.withTransaction(Effect.gen(function*() {
          if (orgId !== undefined) {
            const found = yield* sql`SELECT id FROM organizations WHERE id = ${orgId}`
            if (found.length === 0) return undefined
          }
          const rows: Record<string, ReadonlyArray<Row>> = {}
          for (const table of tables) {
            let stored: ReadonlyArray<Row> = yield* rowsOf(table, orgId)
            for (const data of outside) stored = yield* data.snapshotRows(table.name, orgId, stored)
            rows[table.name] = outside.length === 0 ? stored : [...stored].sort(byKey(table.key))
          }
          const snapshot: Snapshot = {
            format,
            version,
            schema: schemaVersion,
            ...(orgId === undefined ? {} : { organization: orgId }),
            tables: rows
          }
          return snapshot
        }))
      })

    /** Why `document` cannot be imported, or what it holds; nothing is read from the database but column names. */
    const check = (document: unknown) =>
      Effect.gen(function*() {
        const head = typeof document === "object" && document !== null && !Array.isArray(document)
          ? document as Record<string, unknown>
          : undefined
        if (head === undefined) return yield* new SnapshotInvalid({ message: "A snapshot is a JSON object" })
        if (head.format !== format) {
          return yield* new SnapshotInvalid({ message: `Not a snapshot: "format" must be "${format}"` })
        }
        if (head.version !== version) {
          return yield* new SnapshotInvalid({
            message: `Snapshot version ${JSON.stringify(head.version)} is not supported: this server reads version ${version}`
          })
        }
        if (head.schema !== schemaVersion) {
          return yield* new SnapshotInvalid({
            message: `The snapshot holds tables as of migration ${JSON.stringify(head.schema)}; this server's are as of ${schemaVersion}: export it again from a server of this version`
          })
        }
        const decoded = decodeSnapshot(document)
        if (Either.isLeft(decoded)) {
          return yield* new SnapshotInvalid({
            message: `The snapshot is malformed: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left).slice(0, 500)}`
          })
        }
        const snapshot = decoded.right
        for (const name of Object.keys(snapshot.tables)) {
          if (!byName.has(name)) return yield* new SnapshotInvalid({ message: `Unknown table "${name}"` })
        }
        for (const table of tables) {
          const rows = snapshot.tables[table.name] ?? []
          if (rows.length === 0) continue
          const columns = yield* columnsOf(table.name)
          for (const row of rows) {
            for (const column of Object.keys(row)) {
              if (!columns.has(column)) {
                return yield* new SnapshotInvalid({ message: `Table "${table.name}" has no column "${column}"` })
              }
            }
          }
        }
        const orgId = snapshot.organization
        if (orgId !== undefined) {
          // Every row must be the organization's: importing one must not touch another's data.
          const orgs = snapshot.tables["organizations"] ?? []
          if (orgs.length !== 1 || orgs[0]!["id"] !== orgId) {
            return yield* new SnapshotInvalid({
              message: `A snapshot of organization ${orgId} holds exactly that organization's row`
            })
          }
          for (const table of tables) {
            const rows = snapshot.tables[table.name] ?? []
            const parentIds = typeof table.owner === "string"
              ? undefined
              : new Set((snapshot.tables[table.owner.parent] ?? []).map((row) => row["id"]))
            for (const row of rows) {
              const owned = typeof table.owner === "string"
                ? row[table.owner] === orgId
                : parentIds!.has(row[table.owner.column] ?? null)
              if (!owned) {
                return yield* new SnapshotInvalid({
                  message: `A row of "${table.name}" does not belong to organization ${orgId}`
                })
              }
            }
          }
        }
        return snapshot
      })

    const insert = (table: Dialect.Table, rows: ReadonlyArray<Row>) =>
      Effect.gen(function*() {
        if (rows.length === 0) return
        // Every row with the same columns (a missing one is NULL), as a multi-row INSERT needs.
        const columns = Array.from(new Set(rows.flatMap((row) => Object.keys(row))))
        const perStatement = Math.max(1, Math.floor(parametersPerStatement / columns.length))
        for (let from = 0; from < rows.length; from += perStatement) {
          const chunk = rows.slice(from, from + perStatement).map((row) => {
            const full: Record<string, Row[string]> = {}
            for (const column of columns) full[column] = row[column] ?? null
            return full
          })
          yield* sql`INSERT INTO ${sql(table.name)} ${sql.insert(chunk)}`
        }
      })

    const importState = (document: unknown) =>
      Effect.gen(function*() {
        const snapshot = yield* check(document)
        const orgId = snapshot.organization
        const load = Effect.gen(function*() {
          yield* orgId === undefined ? sql`DELETE FROM organizations` : sql`DELETE FROM organizations WHERE id = ${orgId}`
          for (const table of tables) yield* insert(table, snapshot.tables[table.name] ?? [])
        })
        yield* organizations.changingCredentials(sql.withTransaction(load)).pipe(
          // A duplicate key or a broken reference: the snapshot's rows clash with each other or
          // with another organization's (a studio host, a credential). Rolled back, nothing changed.
          Effect.catchTag("SqlError", (error) =>
            Effect.fail(
              new SnapshotConflict({
                message: `The snapshot does not fit the stored data, nothing was imported: ${causeMessage(error)}`
              })
            ))
        )
        yield* Effect.forEach(outside, (data) => data.imported(orgId), { discard: true })
        return { organizations: (snapshot.tables["organizations"] ?? []).length }
      })

    const empty = (orgId: string) =>
      // Project tokens go with their projects: cached credentials are forgotten.
      Effect.tap(organizations.changingCredentials(sql.withTransaction(Effect.gen(function*() {
        const found = yield* sql`SELECT id FROM organizations WHERE id = ${orgId}`
        if (found.length === 0) return false
        // Children before parents.
        for (const table of [...tables].reverse()) {
          if (table.keptOnReset !== true) yield* sql`DELETE FROM ${sql(table.name)} WHERE ${ownedBy(table, orgId)}`
        }
        return true
      }))), (emptied) => emptied ? removedOutside(orgId) : Effect.void)

    // A table whose parent has no organization column would fail on first use: fail at start instead.
    for (const table of tables) directOwner(table)
    return Snapshots.of({ exportState, importState, empty })
  })

/** The database's own words about a failed statement (a constraint, a duplicate key). */
const causeMessage = (error: SqlError): string => {
  const cause = error.cause
  return cause instanceof Error ? cause.message : error.message
}

/** The Snapshots service over the server's tables and the registered dialects' (`Dialect.Dialects`). */
export const layer = Layer.effect(Snapshots, Effect.flatMap(Dialect.Dialects, make))
