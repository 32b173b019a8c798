/**
 * The control plane's contract, on the reserved prefix `/__projectkit`: health for anyone;
 * organizations and reset for the holder of the admin token. Never mixed into the emulated routes.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as Schema from "effect/Schema"
import { Fault, FaultInput } from "./Faults.js"
import { HarDocument } from "./Har.js"
import { JournalEntry, JournalSettings } from "./Journal.js"
import { Member, Organization, OrganizationSettings, SanityRole } from "./Organizations.js"
import { Snapshot } from "./Snapshots.js"

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

export class ControlApi extends HttpApi.make("control").add(
  HttpApiGroup.make("control")
    .add(HttpApiEndpoint.get("health", "/health").addSuccess(Health).addError(HealthUnavailable))
    .add(
      HttpApiEndpoint.post("createOrganization", "/orgs")
        .setPayload(CreateOrganization)
        .addSuccess(Organization, { status: 201 })
        .addError(ControlInternal)
        .middleware(AdminAuth)
    )
    .add(
      // Another user of the organization, with keys of their own: what USER visibility is about.
      HttpApiEndpoint.post("addMember", "/orgs/:id/members")
        .setPath(Schema.Struct({ id: Schema.String }))
        // The member's role in the organization's Sanity projects (default developer).
        .setUrlParams(Schema.Struct({ sanityRole: Schema.optional(SanityRole) }))
        .addSuccess(Member, { status: 201 })
        .addError(ControlNotFound)
        .addError(ControlInternal)
        .middleware(AdminAuth)
    )
    .add(
      // What the emulated providers decide per account, e.g. the editor's runtime OpenAPI access.
      HttpApiEndpoint.patch("updateOrganization", "/orgs/:id")
        .setPath(Schema.Struct({ id: Schema.String }))
        .setPayload(Schema.Struct({ editorRuntimeAccess: Schema.Boolean }))
        .addSuccess(OrganizationSettings)
        .addError(ControlNotFound)
        .addError(ControlInternal)
        .middleware(AdminAuth)
    )
    .add(
      // Everything the organization owns goes with it; its credentials stop working at once.
      HttpApiEndpoint.del("deleteOrganization", "/orgs/:id")
        .setPath(Schema.Struct({ id: Schema.String }))
        .addSuccess(HttpApiSchema.NoContent)
        .addError(ControlNotFound)
        .addError(ControlInternal)
        .middleware(AdminAuth)
    )
    .add(
      // Empties one organization (projects of every dialect, their jobs, tokens and webhooks) and
      // keeps it, its members and their credentials: tests that each own an organization reset
      // their own without touching the others'.
      HttpApiEndpoint.post("resetOrganization", "/orgs/:id/reset")
        .setPath(Schema.Struct({ id: Schema.String }))
        .addSuccess(HttpApiSchema.NoContent)
        .addError(ControlNotFound)
        .addError(ControlInternal)
        .middleware(AdminAuth)
    )
    .add(
      HttpApiEndpoint.post("reset", "/reset")
        .addSuccess(HttpApiSchema.NoContent)
        .addError(ControlInternal)
        .middleware(AdminAuth)
    )
    .add(
      // Everything stored, or one organization's part (`?org=`): one versioned JSON document.
      HttpApiEndpoint.get("exportState", "/export")
        .setUrlParams(Schema.Struct({ org: Schema.optional(Schema.String) }))
        .addSuccess(Snapshot)
        .addError(ControlNotFound)
        .addError(ControlInternal)
        .middleware(AdminAuth)
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
        .addError(ControlInternal)
        .middleware(AdminAuth)
    )
    .add(
      // The latest requests to the dialects, newest first (the journal must be on: `PUT /journal`).
      HttpApiEndpoint.get("listRequests", "/requests")
        .setUrlParams(Schema.Struct({
          org: Schema.optional(Schema.String),
          dialect: Schema.optional(Schema.String),
          method: Schema.optional(Schema.String),
          /** The path exactly, or a prefix when it ends with `*`. */
          path: Schema.optional(Schema.String),
          limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 100_000))),
          /** `har`: the entries as a HAR 1.2 document, oldest first (by default every entry kept). */
          format: Schema.optional(Schema.Literal("json", "har"))
        }))
        .addSuccess(Schema.Union(RequestList, HarDocument))
        .middleware(AdminAuth)
    )
    .add(
      HttpApiEndpoint.del("clearRequests", "/requests")
        .addSuccess(HttpApiSchema.NoContent)
        .middleware(AdminAuth)
    )
    .add(HttpApiEndpoint.get("journalSettings", "/journal").addSuccess(JournalSettings).middleware(AdminAuth))
    .add(
      HttpApiEndpoint.put("configureJournal", "/journal")
        .setPayload(Schema.partialWith(JournalSettings, { exact: true }))
        .addSuccess(JournalSettings)
        .middleware(AdminAuth)
    )
    .add(
      HttpApiEndpoint.post("addFault", "/faults")
        .setPayload(FaultInput)
        .addSuccess(Fault, { status: 201 })
        .addError(ControlBadRequest)
        .middleware(AdminAuth)
    )
    .add(
      // Every fault, or the ones affecting `org` (its own and the global ones).
      HttpApiEndpoint.get("listFaults", "/faults")
        .setUrlParams(Schema.Struct({ org: Schema.optional(Schema.String) }))
        .addSuccess(FaultList)
        .middleware(AdminAuth)
    )
    .add(
      // Every fault, or `org`'s own.
      HttpApiEndpoint.del("clearFaults", "/faults")
        .setUrlParams(Schema.Struct({ org: Schema.optional(Schema.String) }))
        .addSuccess(HttpApiSchema.NoContent)
        .middleware(AdminAuth)
    )
    .add(
      HttpApiEndpoint.del("deleteFault", "/faults/:id")
        .setPath(Schema.Struct({ id: Schema.String }))
        .addSuccess(HttpApiSchema.NoContent)
        .addError(ControlNotFound)
        .middleware(AdminAuth)
    )
    .prefix("/__projectkit")
) {}
