/**
 * What the Studio shows, as the Studio's contract (`StudioApi.ts`) sends it: organizations, and
 * each dialect's views of an organization's records — described by the dialect (a title, a layout,
 * columns typed by how they are shown, the actions it offers) and filled with records whose cells
 * follow those columns. No table or column name of any dialect's storage crosses the wire: a
 * dialect declares its views (`StudioView.ts`), and the Studio draws whatever views it is given.
 *
 * Contract side: this module imports nothing but `effect/Schema`, so the Studio's browser bundle
 * decodes every answer with these very schemas.
 */
import * as Schema from "effect/Schema"

export const OrganizationSummary = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  /** Milliseconds since the epoch. */
  createdAt: Schema.Number,
  /** Its users, each with credentials of their own. */
  members: Schema.Int
}).annotations({ identifier: "OrganizationSummary" })
export type OrganizationSummary = typeof OrganizationSummary.Type

export const OrganizationList = Schema.Struct({ organizations: Schema.Array(OrganizationSummary) }).annotations({
  identifier: "OrganizationList"
})
export type OrganizationList = typeof OrganizationList.Type

/** Past this size a JSON document is sent as its size alone (the Studio shows smaller ones). */
export const largeDocumentBytes = 64 * 1024

/**
 * How a column's cells are shown: `text` as it is, `code` monospaced, `time` (milliseconds) as the
 * reader's clock says it, `status` as a badge, `progress` (0–100) as a bar with its percentage,
 * `bytes` as a size, `document` (JSON, or null when over `largeDocumentBytes`) behind a toggle,
 * `meter` (a `Meter`) as a gauge, `paragraph` as a line of its own, `error` in red when present.
 */
export const ColumnKind = Schema.Literal(
  "text",
  "code",
  "time",
  "status",
  "progress",
  "bytes",
  "document",
  "meter",
  "paragraph",
  "error"
)
export type ColumnKind = typeof ColumnKind.Type

export const Column = Schema.Struct({
  /** The key of the records' cells it shows. */
  key: Schema.String,
  label: Schema.String,
  kind: ColumnKind
}).annotations({ identifier: "StudioColumn" })
export type Column = typeof Column.Type

/** A gauge: `value` of at most `max`, and what it means in words. */
export const Meter = Schema.Struct({ value: Schema.Number, max: Schema.Number, caption: Schema.String }).annotations({
  identifier: "StudioMeter"
})
export type Meter = typeof Meter.Type

export const Cell = Schema.Union(Schema.String, Schema.Number, Schema.Boolean, Schema.Null, Meter)
export type Cell = typeof Cell.Type

/** One record of a view, its cells keyed by the view's columns. */
export const StudioRecord = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  /** In a view filed under another (`parent`): the record it is filed under, or null for none. */
  parent: Schema.optionalWith(Schema.NullOr(Schema.String), { exact: true }),
  /** Whether it shows work the server advances on its clock, which no request announces. */
  inFlight: Schema.Boolean,
  cells: Schema.Record({ key: Schema.String, value: Cell })
}).annotations({ identifier: "StudioRecord" })
export type StudioRecord = typeof StudioRecord.Type

/** A field of the form that creates a record: `name` is the record's name, any other an option. */
export const ActionField = Schema.Struct({
  key: Schema.String,
  label: Schema.String,
  /** The values it may take, the first being the default; free text when absent. */
  choices: Schema.optionalWith(Schema.Array(Schema.String), { exact: true })
}).annotations({ identifier: "StudioActionField" })
export type ActionField = typeof ActionField.Type

/** What the Studio may do to a view's records, as a user of the organization would over the API. */
export const ViewActions = Schema.Struct({
  create: Schema.optionalWith(Schema.Struct({ label: Schema.String, fields: Schema.Array(ActionField) }), { exact: true }),
  rename: Schema.optionalWith(Schema.Boolean, { exact: true }),
  /** The question asked before deleting, `{title}` standing for the record's title. */
  remove: Schema.optionalWith(Schema.Struct({ confirm: Schema.String }), { exact: true })
}).annotations({ identifier: "StudioViewActions" })
export type ViewActions = typeof ViewActions.Type

/** An order the reader may choose: by a column's cells, or by the records' titles when `column` is absent. */
export const ViewSort = Schema.Struct({
  label: Schema.String,
  column: Schema.optionalWith(Schema.String, { exact: true }),
  descending: Schema.Boolean
})
export type ViewSort = typeof ViewSort.Type

/** One view of a dialect's records, as the dialect describes it. */
export const ViewDescription = Schema.Struct({
  /** Unique within its dialect. */
  id: Schema.String,
  title: Schema.String,
  /** `cards` (one card per record), `list` (a line each) or `table`. */
  layout: Schema.Literal("cards", "list", "table"),
  columns: Schema.Array(Column),
  /** The view (of the same dialect) whose records these are filed under: shown inside each of them. */
  parent: Schema.optionalWith(Schema.String, { exact: true }),
  /** On a parent view: the title of the section listing its children's records filed under none. */
  unfiled: Schema.optionalWith(Schema.String, { exact: true }),
  /** What an empty view says. */
  empty: Schema.optionalWith(Schema.String, { exact: true }),
  /** Whether the reader may search its records by title (and choose among `sorts`). */
  search: Schema.optionalWith(Schema.Boolean, { exact: true }),
  sorts: Schema.optionalWith(Schema.Array(ViewSort), { exact: true }),
  actions: Schema.optionalWith(ViewActions, { exact: true })
}).annotations({ identifier: "StudioViewDescription" })
export type ViewDescription = typeof ViewDescription.Type

/** A dialect's views: one tab of the Studio. */
export const DialectViews = Schema.Struct({
  dialect: Schema.String,
  title: Schema.String,
  views: Schema.Array(ViewDescription)
}).annotations({ identifier: "StudioDialectViews" })
export type DialectViews = typeof DialectViews.Type

export const StudioViews = Schema.Struct({
  /** Every dialect the server serves, with views or not (what the request journal and faults name). */
  served: Schema.Array(Schema.String),
  dialects: Schema.Array(DialectViews)
}).annotations({
  identifier: "StudioViews"
})
export type StudioViews = typeof StudioViews.Type

/** One organization's records in one dialect's views, in the views' order. */
export const DialectData = Schema.Struct({
  organization: OrganizationSummary,
  dialect: Schema.String,
  views: Schema.Array(Schema.Struct({ id: Schema.String, records: Schema.Array(StudioRecord) }))
}).annotations({ identifier: "StudioDialectData" })
export type DialectData = typeof DialectData.Type

export const RecordInput = Schema.Struct({
  name: Schema.Trim.pipe(Schema.compose(Schema.NonEmptyString, { strict: true }), Schema.maxLength(200)),
  /** The create form's other fields, by key (unknown keys or values are refused). */
  options: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), { exact: true })
}).annotations({ identifier: "StudioRecordInput" })
export type RecordInput = typeof RecordInput.Type

export const RecordRename = Schema.Struct({ name: RecordInput.fields.name }).annotations({
  identifier: "StudioRecordRename"
})
export type RecordRename = typeof RecordRename.Type

/** A ticket for the Studio's event stream (`GET /__projectkit/studio/events?ticket=`): good once, soon. */
export const EventsTicket = Schema.Struct({
  ticket: Schema.String,
  expiresInMs: Schema.Int
}).annotations({ identifier: "EventsTicket" })
export type EventsTicket = typeof EventsTicket.Type

/** What the event stream says: how many requests were journaled, and how many changed data. */
export const EventVersions = Schema.parseJson(Schema.Struct({ journal: Schema.Number, data: Schema.Number }))
