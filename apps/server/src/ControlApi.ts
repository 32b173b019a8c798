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
import { Member, Organization, OrganizationSettings, SanityRole } from "./Organizations.js"

/** The control plane's errors: `{error, message}`. */
export class ControlUnauthorized extends Schema.Class<ControlUnauthorized>("ControlUnauthorized")(
  { error: Schema.Literal("unauthorized"), message: Schema.String },
  HttpApiSchema.annotations({ status: 401 })
) {}

export class ControlNotFound extends Schema.Class<ControlNotFound>("ControlNotFound")(
  { error: Schema.Literal("not_found"), message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
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
      HttpApiEndpoint.post("reset", "/reset")
        .addSuccess(HttpApiSchema.NoContent)
        .addError(ControlInternal)
        .middleware(AdminAuth)
    )
    .prefix("/__projectkit")
) {}
