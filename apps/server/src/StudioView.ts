/**
 * How a dialect shows its records in the Studio: each `<Name>Dialect.ts` declares a `studio`
 * (`DialectStudio`): a tab title, and views built once with the server's services — each one a
 * description (`StudioSchemas.ViewDescription`: columns, layout, actions) and how it lists one
 * organization's records, reading its rows through a Schema of its own, so no storage name leaves
 * the dialect's folder. `StudioControl` serves every registered dialect's views and names none.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { NotFound, Validation } from "@projectkit/core/ProjectsError"
import * as Effect from "effect/Effect"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { Caller } from "./Organizations.js"
import type { RecordInput, StudioRecord, ViewDescription } from "./StudioSchemas.js"

/** One view of a dialect's records: what the Studio is told of it, and how it is filled and changed. */
export interface StudioView {
  readonly description: ViewDescription
  /** The organization's records, in the order shown (newest first, usually). */
  readonly list: (orgId: string) => Effect.Effect<ReadonlyArray<StudioRecord>, SqlError | ParseResult.ParseError>
  /** With `description.actions.create`: a record made by `caller`, as over the dialect's API. */
  readonly create?: ((caller: Caller, input: RecordInput) => Effect.Effect<StudioRecord, Validation | SqlError>) | undefined
  /** With `description.actions.rename`: the record renamed as its owner would (`NotFound` if not the organization's). */
  readonly rename?:
    | ((orgId: string, id: string, name: string) => Effect.Effect<StudioRecord, NotFound | Validation | SqlError>)
    | undefined
  /** With `description.actions.remove`: the record deleted as its owner would. */
  readonly remove?: ((orgId: string, id: string) => Effect.Effect<void, NotFound | SqlError>) | undefined
}

/** A dialect's tab in the Studio; `Config` is the dialect's own configuration (`Dialect.configKey`). */
export interface DialectStudio<Config = unknown> {
  /** The tab's title: the provider's name as people write it. */
  readonly title: string
  /**
   * Its views, built once when the server starts, with the dialect's configuration (undefined for
   * its defaults). A method: a list holds dialects of different `Config`s.
   */
  views(config: Config | undefined): Effect.Effect<ReadonlyArray<StudioView>, never, SqlClient.SqlClient>
}

/**
 * A number as stored: SQLite answers numbers, PostgreSQL a BIGINT as a string (its exact form).
 * Views read timestamps and counters through it.
 */
export const StoredNumber = Schema.Union(Schema.Number, Schema.NumberFromString)

/** An integer flag as stored (SQLite and PostgreSQL INTEGER columns: 0 or 1). */
export const StoredFlag = Schema.transform(StoredNumber, Schema.Boolean, {
  strict: true,
  decode: (stored) => stored === 1,
  encode: (flag) => (flag ? 1 : 0)
})

/** Rows as `schema` reads them: what a view's `list` decodes its SQL answer with. */
export const decodeRows = <A, I>(schema: Schema.Schema<A, I>) => Schema.decodeUnknown(Schema.Array(schema))

/**
 * A view's `list` from its statement: the rows it answers read by `schema`, each made a record by
 * `toRecord`.
 */
export const recordsOf = <A, I>(schema: Schema.Schema<A, I>, toRecord: (row: A) => StudioRecord) => {
  const decode = decodeRows(schema)
  return <E, R>(statement: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
    Effect.map(Effect.flatMap(statement, decode), (rows) => rows.map(toRecord))
}

/** The first eight characters of an id: enough to tell records apart on screen. */
export const shortId = (id: string): string => id.slice(0, 8)

/** A JSON document as a `document` cell: itself, or null when over `largeDocumentBytes`. */
export const documentCell = (json: string, largeBytes: number): { readonly document: string | null; readonly bytes: number } => {
  const bytes = new TextEncoder().encode(json).length
  return { document: bytes > largeBytes ? null : json, bytes }
}
