/**
 * The schemas of the control plane's contract (`ControlApi.ts`, `StudioApi.ts`): what its routes
 * take and answer, defined here, on the contract's side, so that no contract imports a service
 * (the services import these instead). Organizations' credentials, member options and settings
 * are each dialect's own: they are built from the registered dialects' declarations
 * (`DialectDeclaration`, pure data), so nothing here names a provider.
 */
import * as Schema from "effect/Schema"

// ---------------------------------------------------------------------------------------------
// Organizations, as each registered dialect declares its part of them
// ---------------------------------------------------------------------------------------------

/** What the control plane's contract needs to know of a dialect (a part of `Dialect`). */
export interface DialectDeclaration<Name extends string = string, Field extends string = string> {
  /** Its name: the key of its credentials in an organization's `credentials`. */
  readonly name: Name
  /** The credential it issues each user: the field holding it under `credentials.<name>` (e.g. "apiKey", "token"). */
  readonly credential: { readonly field: Field }
  /**
   * Options a new member takes for it (query parameters of `POST /orgs/:id/members`, each
   * optional), answered back with the member as settled: e.g. a role in its projects.
   */
  readonly memberFields?: Schema.Struct.Fields | undefined
  /**
   * Organization-wide switches it reads (`PATCH /orgs/:id`), by name, each the column of
   * `organizations` its migrations add (boolean, stored 0/1).
   */
  readonly settings?: Readonly<Record<string, string>> | undefined
}

/** The organization's schemas for `dialects`, in their order. */
export const organizationSchemas = (dialects: ReadonlyArray<DialectDeclaration>) => {
  const credentials: Record<string, Schema.Struct<{ [field: string]: typeof Schema.String }>> = {}
  const memberFields: Record<string, Schema.Struct.Field> = {}
  const settings: Record<string, typeof Schema.Boolean> = {}
  for (const dialect of dialects) {
    credentials[dialect.name] = Schema.Struct({ [dialect.credential.field]: Schema.String })
    Object.assign(memberFields, dialect.memberFields)
    for (const name of Object.keys(dialect.settings ?? {})) settings[name] = Schema.Boolean
  }
  const Credentials = Schema.Struct(credentials)
  const Organization = Schema.Struct({
    id: Schema.String,
    name: Schema.String,
    credentials: Credentials,
    /** Signs the organization's webhooks (see Webhooks.ts): receivers verify with it. */
    webhookSecret: Schema.String
  })
  /** Another user of an organization, with credentials of their own, and each dialect's member fields. */
  const Member = Schema.Struct({
    userId: Schema.String,
    organizationId: Schema.String,
    credentials: Credentials,
    ...memberFields
  })
  /** What a new member may be given: each dialect's member fields, each optional. */
  const MemberOptions = Schema.partial(Schema.Struct(memberFields))
  /** What the control plane may change of an organization: each dialect's switches, each optional (those left out stay). */
  const SettingsPatch = Schema.partial(Schema.Struct(settings))
  const OrganizationSettings = Schema.Struct({ id: Schema.String, ...settings })
  return { Credentials, Organization, Member, MemberOptions, SettingsPatch, OrganizationSettings }
}

/** Credentials of any dialects: dialect name → field → secret (shown once, when issued). */
export type AnyCredentials = Readonly<Record<string, Readonly<Record<string, string>>>>

/** The credentials of each of `Dialects`: its name → its credential's field → the secret. */
export type CredentialsOf<Dialects extends DialectDeclaration> = {
  readonly [D in Dialects as D["name"]]: { readonly [F in D["credential"]["field"]]: string }
}

export interface Organization<Credentials extends AnyCredentials = AnyCredentials> {
  readonly id: string
  readonly name: string
  readonly credentials: Credentials
  readonly webhookSecret: string
}

export type Member<Credentials extends AnyCredentials = AnyCredentials> = {
  readonly userId: string
  readonly organizationId: string
  readonly credentials: Credentials
} & {
  /** Each dialect's member fields, as settled (e.g. a role). */
  readonly [field: string]: unknown
}

export interface OrganizationSettings {
  readonly id: string
  readonly [setting: string]: boolean | string
}

// ---------------------------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------------------------

/** What a snapshot document says it is. */
export const format = "projectkit-snapshot"
/** The version of the document's shape this server writes and reads. */
export const version = 1

/** A stored value: every column the server writes is text, a number or null. */
export const Value = Schema.Union(Schema.String, Schema.Number, Schema.Null)
export const Row = Schema.Record({ key: Schema.String, value: Value })
export type Row = typeof Row.Type

export const Snapshot = Schema.Struct({
  format: Schema.Literal(format),
  version: Schema.Literal(version),
  /** The migration the rows were stored after: a server imports only snapshots of its own schema. */
  schema: Schema.Int,
  /** Set when the snapshot holds one organization: importing it replaces that organization alone. */
  organization: Schema.optional(Schema.String),
  /** Table name → its rows (column → value), in primary-key order. A table left out has no rows. */
  tables: Schema.Record({ key: Schema.String, value: Schema.Array(Row) })
}).annotations({ identifier: "Snapshot", description: "Everything the server stores, or one organization's part of it" })
export type Snapshot = typeof Snapshot.Type

// ---------------------------------------------------------------------------------------------
// The request journal
// ---------------------------------------------------------------------------------------------

export const JournalEntry = Schema.Struct({
  /** The request's id: its `x-request-id` header, or one the server gave it (sent back in that header). */
  requestId: Schema.String,
  /** When it arrived (ISO 8601). */
  time: Schema.String,
  /** The dialect whose base path it was under (its name), or null. */
  dialect: Schema.NullOr(Schema.String),
  /** The organization its credential belongs to, or null (none, unknown, or a credential of the provider's own such as a project token). */
  organization: Schema.NullOr(Schema.String),
  method: Schema.String,
  /** The path, without the query. */
  path: Schema.String,
  /** The query string without its "?", or "", with the values of parameters named like credentials masked. */
  query: Schema.String,
  /** The status answered; 0 if the client went away first. */
  status: Schema.Number,
  /** From its arrival to the end of the answer, injected latency included. */
  durationMs: Schema.Number,
  /** The injected fault that answered or delayed it, if any. */
  fault: Schema.NullOr(Schema.String),
  /**
   * The request's headers as sent (name, value), credentials masked when recorded (see
   * `internal/masking.ts`): the journal never holds a secret. At most 50, each cut to a length.
   */
  requestHeaders: Schema.optional(Schema.Array(Schema.Tuple(Schema.String, Schema.String))),
  /** The response's headers, masked and bounded the same way. */
  responseHeaders: Schema.optional(Schema.Array(Schema.Tuple(Schema.String, Schema.String))),
  /** Whether some headers above were dropped or cut. */
  headersTruncated: Schema.optional(Schema.Boolean),
  /** With body capture on: the request body as text, cut to the journal's `bodyBytes`. */
  requestBody: Schema.optional(Schema.String),
  /** With body capture on: the response body as text, cut to the journal's `bodyBytes`. */
  responseBody: Schema.optional(Schema.String),
  /** Whether a body above was cut. */
  bodiesTruncated: Schema.optional(Schema.Boolean)
}).annotations({ identifier: "JournalEntry" })
export type JournalEntry = typeof JournalEntry.Type

export const JournalSettings = Schema.Struct({
  enabled: Schema.Boolean,
  /** How many of the latest requests are kept. */
  size: Schema.Int.pipe(Schema.between(1, 100_000)),
  /** How many bytes of each body are kept; 0 keeps none. */
  bodyBytes: Schema.Int.pipe(Schema.between(0, 1024 * 1024))
}).annotations({ identifier: "JournalSettings" })
export type JournalSettings = typeof JournalSettings.Type

export const RequestList = Schema.Struct({
  /** Whether the journal is recording; when off the list is what it kept before. */
  enabled: Schema.Boolean,
  requests: Schema.Array(JournalEntry)
}).annotations({ identifier: "RequestList" })

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

export const FaultInput = Schema.Struct({
  /** The dialect whose requests it affects, by name. */
  dialect: Schema.String,
  /** Only this organization's requests (found by their credential); every organization's when absent. */
  organization: Schema.optional(Schema.String),
  /** Only this method's requests (any case). */
  method: Schema.optional(Schema.String),
  /**
   * Only requests on this path, relative to the dialect's base path (e.g. "/v2/projects"): `*`
   * stands for one segment or part of one, `**` for anything.
   */
  path: Schema.optional(Schema.String.pipe(Schema.startsWith("/"), Schema.maxLength(2000))),
  /** The status answered instead of the handler's; without one the request is only delayed. */
  status: Schema.optional(Schema.Int.pipe(Schema.between(200, 599))),
  /** The JSON body answered; by default the dialect's own error body for `status`. */
  body: Schema.optional(Schema.Unknown),
  /** The `Retry-After` of a 429 or 503, in seconds (default 1). */
  retryAfterSeconds: Schema.optional(Schema.Int.pipe(Schema.between(0, 86_400))),
  /** Milliseconds to wait before answering (or before passing the request on). */
  latencyMs: Schema.optional(Schema.Int.pipe(Schema.between(0, 60_000))),
  /** The chance that a matching request is affected (default 1). */
  probability: Schema.optional(Schema.Number.pipe(Schema.between(0, 1))),
  /** How many requests it affects before it is removed (default: until deleted). */
  times: Schema.optional(Schema.Int.pipe(Schema.positive()))
}).annotations({ identifier: "FaultInput" })
export type FaultInput = typeof FaultInput.Type

export const Fault = Schema.Struct({
  id: Schema.String,
  ...FaultInput.fields,
  /** How many requests it has affected so far. */
  hits: Schema.Int,
  /** When it was added (ISO 8601). */
  createdAt: Schema.String
}).annotations({ identifier: "Fault" })
export type Fault = typeof Fault.Type

export const FaultList = Schema.Struct({ faults: Schema.Array(Fault) }).annotations({ identifier: "FaultList" })

// ---------------------------------------------------------------------------------------------
// The journal as HAR 1.2 (`GET /requests?format=har`; built in `Har.ts`)
// ---------------------------------------------------------------------------------------------

const NameValue = Schema.Struct({ name: Schema.String, value: Schema.String })

export const HarEntry = Schema.Struct({
  startedDateTime: Schema.String,
  time: Schema.Number,
  request: Schema.Struct({
    method: Schema.String,
    url: Schema.String,
    httpVersion: Schema.String,
    cookies: Schema.Array(NameValue),
    headers: Schema.Array(NameValue),
    queryString: Schema.Array(NameValue),
    postData: Schema.optional(Schema.Struct({ mimeType: Schema.String, text: Schema.String })),
    headersSize: Schema.Number,
    bodySize: Schema.Number
  }),
  response: Schema.Struct({
    status: Schema.Number,
    statusText: Schema.String,
    httpVersion: Schema.String,
    cookies: Schema.Array(NameValue),
    headers: Schema.Array(NameValue),
    content: Schema.Struct({ size: Schema.Number, mimeType: Schema.String, text: Schema.optional(Schema.String) }),
    redirectURL: Schema.String,
    headersSize: Schema.Number,
    bodySize: Schema.Number
  }),
  cache: Schema.Struct({}),
  timings: Schema.Struct({ send: Schema.Number, wait: Schema.Number, receive: Schema.Number }),
  /** The journal's request id and dialect (HAR's custom fields start with "_"). */
  _requestId: Schema.String,
  _dialect: Schema.NullOr(Schema.String)
})

export const HarDocument = Schema.Struct({
  log: Schema.Struct({
    version: Schema.Literal("1.2"),
    creator: Schema.Struct({ name: Schema.String, version: Schema.String }),
    entries: Schema.Array(HarEntry)
  })
}).annotations({ identifier: "HarDocument" })
export type HarDocument = typeof HarDocument.Type
