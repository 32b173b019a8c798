/**
 * The control routes the Studio (`/__projectkit/studio`) reads and writes through, on the control
 * plane's prefix and behind its admin token like every other control route. Each one is confined
 * to one organization, named in its path: the Studio sees what that organization's API callers
 * could, never another organization's data, and secrets the server keeps only as hashes stay out.
 */
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import { SyncApi } from "@projectkit/sync"
import * as Schema from "effect/Schema"
import { AdminAuth, ControlBadRequest, ControlInternal, ControlNotFound } from "./ControlApi.js"
import { Row } from "./ControlSchemas.js"

export const OrganizationSummary = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  /** Milliseconds since the epoch. */
  createdAt: Schema.Number,
  /** Its users, each with credentials of their own. */
  members: Schema.Int,
  editorRuntimeAccess: Schema.Boolean
}).annotations({ identifier: "OrganizationSummary" })
export type OrganizationSummary = typeof OrganizationSummary.Type

export const OrganizationList = Schema.Struct({ organizations: Schema.Array(OrganizationSummary) }).annotations({
  identifier: "OrganizationList"
})

/**
 * One organization's data as stored, table by table (every dialect's, as a snapshot holds them),
 * without secrets or their hashes, and with large documents (`editor_state`) replaced by their
 * size when over `largeDocumentBytes`.
 */
export const OrganizationData = Schema.Struct({
  organization: OrganizationSummary,
  tables: Schema.Record({ key: Schema.String, value: Schema.Array(Row) }),
  /** Per editor project: how many `sync` calls its rate limit admits right now, of at most `burst`. */
  editorSyncBudget: Schema.Record({
    key: Schema.String,
    value: Schema.Struct({ available: Schema.Int, burst: Schema.Int, limit: Schema.Int, windowMs: Schema.Number })
  }),
  /** Per Sanity copy job: its progress (0–100) as the dialect's job events report it. */
  copyJobProgress: Schema.Record({ key: Schema.String, value: Schema.Number })
}).annotations({ identifier: "OrganizationData" })
export type OrganizationData = typeof OrganizationData.Type

/** Past this size an `editor_state` is sent as its size alone (the Studio shows smaller ones as JSON). */
export const largeDocumentBytes = 64 * 1024

const organizationPath = Schema.Struct({ id: Schema.String })
const projectPath = Schema.Struct({ id: Schema.String, projectId: Schema.String })

export const StudioProjectInput = Schema.Struct({
  name: Schema.Trim.pipe(Schema.compose(Schema.NonEmptyString, { strict: true }), Schema.maxLength(200)),
  /** ORGANIZATION unless told: a project made in the Studio is for every user of the organization. */
  visibility: Schema.optional(SyncApi.Visibility),
  mode: Schema.optional(SyncApi.ProjectMode)
})

export const StudioProjectPatch = Schema.partialWith(StudioProjectInput, { exact: true })

/** A ticket for the Studio's event stream (`GET /__projectkit/studio/events?ticket=`): good once, soon. */
export const EventsTicket = Schema.Struct({
  ticket: Schema.String,
  expiresInMs: Schema.Int
}).annotations({ identifier: "EventsTicket" })

export class StudioGroup extends HttpApiGroup.make("studio")
  .add(
    HttpApiEndpoint.get("listOrganizations", "/orgs")
      .addSuccess(OrganizationList)
      .addError(ControlInternal)
      .middleware(AdminAuth)
  )
  .add(
    HttpApiEndpoint.get("organizationData", "/orgs/:id/data")
      .setPath(organizationPath)
      .addSuccess(OrganizationData)
      .addError(ControlNotFound)
      .addError(ControlInternal)
      .middleware(AdminAuth)
  )
  .add(
    // Made by the organization's first user, as if over the sync.so API: the API sees it at once.
    HttpApiEndpoint.post("createSyncProject", "/orgs/:id/sync/projects")
      .setPath(organizationPath)
      .setPayload(StudioProjectInput)
      .addSuccess(SyncApi.Project, { status: 201 })
      .addError(ControlNotFound)
      .addError(ControlInternal)
      .middleware(AdminAuth)
  )
  .add(
    // As its owner would change it over the API.
    HttpApiEndpoint.patch("updateSyncProject", "/orgs/:id/sync/projects/:projectId")
      .setPath(projectPath)
      .setPayload(StudioProjectPatch)
      .addSuccess(SyncApi.Project)
      .addError(ControlNotFound)
      .addError(ControlBadRequest)
      .addError(ControlInternal)
      .middleware(AdminAuth)
  )
  .add(
    // As its owner would delete it over the API: its generations and assets stay, filed under no project.
    HttpApiEndpoint.del("deleteSyncProject", "/orgs/:id/sync/projects/:projectId")
      .setPath(projectPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(ControlNotFound)
      .addError(ControlInternal)
      .middleware(AdminAuth)
  )
  .add(
    // The admin token, sent as a header, exchanged for a ticket the event stream's URL can carry:
    // EventSource sends no headers, and a URL is logged.
    HttpApiEndpoint.post("studioEventsTicket", "/studio/tickets")
      .addSuccess(EventsTicket, { status: 201 })
      .middleware(AdminAuth)
  )
  .prefix("/__projectkit")
{}
