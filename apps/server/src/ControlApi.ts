/**
 * The control plane's contract, on the reserved prefix `/__projectkit`: health for anyone;
 * organizations, snapshots, the request journal and faults for the holder of the admin token.
 * Never mixed into the emulated routes. Each group carries its shared errors and the admin check
 * once. Organizations' credentials, member options and settings are the registered dialects'
 * (`make`), declared by them as data (`ControlSchemas.DialectDeclaration`).
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as Schema from "effect/Schema"
import {
  type DialectDeclaration,
  Fault,
  FaultInput,
  JournalEntry,
  JournalSettings,
  organizationSchemas,
  Snapshot
} from "./ControlSchemas.js"

/** The control plane's errors: `{error, message}`. */
export class ControlUnauthorized extends Schema.Class<ControlUnauthorized>("ControlUnauthorized")(
  { error: Schema.Literal("unauthorized"), message: Schema.String },
  HttpApiSchema.annotations({ status: 401 })
) {}

export class ControlNotFound extends Schema.Class<ControlNotFound>("ControlNotFound")(
  { error: Schema.Literal("not_found"), message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

export class ControlBadRequest extends Schema.Class<ControlBadRequest>("ControlBadRequest")(
  { error: Schema.Literal("bad_request"), message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

export class ControlConflict extends Schema.Class<ControlConflict>("ControlConflict")(
  { error: Schema.Literal("conflict"), message: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {}

export class ControlInternal extends Schema.Class<ControlInternal>("ControlInternal")(
  { error: Schema.Literal("internal"), message: Schema.String },
  HttpApiSchema.annotations({ status: 500 })
) {}

export class AdminAuth extends HttpApiMiddleware.Tag<AdminAuth>()("@projectkit/server/AdminAuth", {
  failure: ControlUnauthorized,
  security: { admin: HttpApiSecurity.bearer }
}) {}

const healthFields = {
  version: Schema.String,
  dialects: Schema.Array(Schema.String),
  /** "sqlite" or "postgres". */
  storage: Schema.String,
  /** The SQLite file, or the PostgreSQL URL without its password. */
  location: Schema.String,
  /** How long the storage took to answer a trivial statement (at most `healthTimeoutMillis`). */
  storageLatencyMs: Schema.Number
}

/** How long health waits for the storage before it says the storage does not answer. */
export const healthTimeoutMillis = 2_000

export const Health = Schema.Struct({ status: Schema.Literal("ok"), ...healthFields }).annotations({
  description: "The server answers, and so does its storage"
})

/** 503: the storage did not answer within `healthTimeoutMillis`, or failed; a load balancer takes the instance out. */
export class HealthUnavailable extends Schema.Class<HealthUnavailable>("HealthUnavailable")(
  { status: Schema.Literal("unavailable"), ...healthFields, error: Schema.String },
  HttpApiSchema.annotations({ status: 503, description: "The storage does not answer" })
) {}

export const CreateOrganization = Schema.Struct({
  name: Schema.Trim.pipe(Schema.compose(Schema.NonEmptyString, { strict: true }), Schema.maxLength(200))
})

export const ImportResult = Schema.Struct({
  /** How many organizations the snapshot held, now stored. */
  organizations: Schema.Int
}).annotations({ identifier: "ImportResult" })

export const RequestList = Schema.Struct({
  /** Whether the journal is recording; when off the list is what it kept before. */
  enabled: Schema.Boolean,
  requests: Schema.Array(JournalEntry)
}).annotations({ identifier: "RequestList" })

export const FaultList = Schema.Struct({ faults: Schema.Array(Fault) }).annotations({ identifier: "FaultList" })

const organizationPath = Schema.Struct({ id: Schema.String })

/** Health: for anyone, load balancers included. */
export class HealthGroup extends HttpApiGroup.make("health")
  .add(HttpApiEndpoint.get("health", "/health").addSuccess(Health).addError(HealthUnavailable))
  .prefix("/__projectkit")
{}

/** Organizations of `dialects`: made, given members, switched, emptied, deleted. */
export const organizationsGroup = (dialects: ReadonlyArray<DialectDeclaration>) => {
  const { Member, MemberOptions, Organization, OrganizationSettings, SettingsPatch } = organizationSchemas(dialects)
  return HttpApiGroup.make("organizations")
    .add(
      HttpApiEndpoint.post("createOrganization", "/orgs")
        .setPayload(CreateOrganization)
        .addSuccess(Organization, { status: 201 })
    )
    .add(
      // Another user of the organization, with keys of their own: what USER visibility is about.
      HttpApiEndpoint.post("addMember", "/orgs/:id/members")
        .setPath(organizationPath)
        // Each dialect's options for the member, e.g. a role in the organization's projects.
        .setUrlParams(MemberOptions)
        .addSuccess(Member, { status: 201 })
        .addError(ControlNotFound)
    )
    .add(
      // What the emulated providers decide per account, e.g. a dialect's runtime access.
      HttpApiEndpoint.patch("updateOrganization", "/orgs/:id")
        .setPath(organizationPath)
        .setPayload(SettingsPatch)
        .addSuccess(OrganizationSettings)
        .addError(ControlNotFound)
    )
    .add(
      // Everything the organization owns goes with it; its credentials stop working at once.
      HttpApiEndpoint.del("deleteOrganization", "/orgs/:id")
        .setPath(organizationPath)
        .addSuccess(HttpApiSchema.NoContent)
        .addError(ControlNotFound)
    )
    .add(
      // Empties one organization (projects of every dialect, their jobs, tokens and webhooks) and
      // keeps it, its members and their credentials: tests that each own an organization reset
      // their own without touching the others'.
      HttpApiEndpoint.post("resetOrganization", "/orgs/:id/reset")
        .setPath(organizationPath)
        .addSuccess(HttpApiSchema.NoContent)
        .addError(ControlNotFound)
    )
    .add(HttpApiEndpoint.post("reset", "/reset").addSuccess(HttpApiSchema.NoContent))
    .addError(ControlInternal)
    .middleware(AdminAuth)
    .prefix("/__projectkit")
}

/** Snapshots: everything stored, or one organization's part, out and back in. */
export class SnapshotsGroup extends HttpApiGroup.make("snapshots")
  .add(
    // Everything stored, or one organization's part (`?org=`): one versioned JSON document.
    HttpApiEndpoint.get("exportState", "/export")
      .setUrlParams(Schema.Struct({ org: Schema.optional(Schema.String) }))
      .addSuccess(Snapshot)
      .addError(ControlNotFound)
  )
  .add(
    // A snapshot from `GET /export`: a whole-server one replaces every organization, a
    // one-organization one replaces that organization. Refused whole (400 malformed or of
    // another version, 409 clashing with stored data): nothing changes.
    HttpApiEndpoint.post("importState", "/import")
      .setPayload(Schema.Unknown.annotations({
        title: "Snapshot",
        description: "A document as `GET /__projectkit/export` answers it (see the Snapshot schema)"
      }))
      .addSuccess(ImportResult)
      .addError(ControlBadRequest)
      .addError(ControlConflict)
  )
  .addError(ControlInternal)
  .middleware(AdminAuth)
  .prefix("/__projectkit")
{}

/** The request journal: the latest requests to the dialects, and whether and how it records them. */
export class JournalGroup extends HttpApiGroup.make("journal")
  .add(
    // The latest requests to the dialects, newest first (the journal must be on: `PUT /journal`).
    HttpApiEndpoint.get("listRequests", "/requests")
      .setUrlParams(Schema.Struct({
        org: Schema.optional(Schema.String),
        dialect: Schema.optional(Schema.String),
        method: Schema.optional(Schema.String),
        /** The path exactly, or a prefix when it ends with `*`. */
        path: Schema.optional(Schema.String),
        limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 100_000)))
      }))
      .addSuccess(RequestList)
  )
  .add(HttpApiEndpoint.del("clearRequests", "/requests").addSuccess(HttpApiSchema.NoContent))
  .add(HttpApiEndpoint.get("journalSettings", "/journal").addSuccess(JournalSettings))
  .add(
    HttpApiEndpoint.put("configureJournal", "/journal")
      .setPayload(Schema.partialWith(JournalSettings, { exact: true }))
      .addSuccess(JournalSettings)
  )
  .middleware(AdminAuth)
  .prefix("/__projectkit")
{}

/** Injected faults: requests delayed or answered with an error instead of their handler. */
export class FaultsGroup extends HttpApiGroup.make("faults")
  .add(
    HttpApiEndpoint.post("addFault", "/faults")
      .setPayload(FaultInput)
      .addSuccess(Fault, { status: 201 })
      .addError(ControlBadRequest)
  )
  .add(
    // Every fault, or the ones affecting `org` (its own and the global ones).
    HttpApiEndpoint.get("listFaults", "/faults")
      .setUrlParams(Schema.Struct({ org: Schema.optional(Schema.String) }))
      .addSuccess(FaultList)
  )
  .add(
    // Every fault, or `org`'s own.
    HttpApiEndpoint.del("clearFaults", "/faults")
      .setUrlParams(Schema.Struct({ org: Schema.optional(Schema.String) }))
      .addSuccess(HttpApiSchema.NoContent)
  )
  .add(
    HttpApiEndpoint.del("deleteFault", "/faults/:id")
      .setPath(Schema.Struct({ id: Schema.String }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(ControlNotFound)
  )
  .middleware(AdminAuth)
  .prefix("/__projectkit")
{}

/** The control plane of a server serving `dialects`. */
export const make = (dialects: ReadonlyArray<DialectDeclaration>) =>
  HttpApi.make("control")
    .add(HealthGroup)
    .add(organizationsGroup(dialects))
    .add(SnapshotsGroup)
    .add(JournalGroup)
    .add(FaultsGroup)
