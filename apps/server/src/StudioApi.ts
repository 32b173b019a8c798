/**
 * The control routes the Studio (`/__projectkit/studio`) reads and writes through, on the control
 * plane's prefix and behind its admin token like every other control route. Each one is confined
 * to one organization, named in its path: the Studio sees what that organization's API callers
 * could, never another organization's data, and secrets the server keeps only as hashes stay out.
 *
 * No route names a provider: each dialect describes its views (`GET /studio/views`), the records
 * of an organization are read view by view (`GET /orgs/:id/views/:dialect`), and a view's records
 * are created, renamed or deleted through the actions the view declares. The schemas are
 * `StudioSchemas`'s, which the Studio's bundle decodes with.
 */
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as Schema from "effect/Schema"
import { AdminAuth, ControlBadRequest, ControlInternal, ControlNotFound } from "./ControlApi.js"
import {
  DialectData,
  EventsTicket,
  OrganizationList,
  RecordInput,
  RecordRename,
  StudioRecord,
  StudioViews
} from "./StudioSchemas.js"

const dialectPath = Schema.Struct({ id: Schema.String, dialect: Schema.String })
const viewPath = Schema.Struct({ id: Schema.String, dialect: Schema.String, view: Schema.String })
const recordPath = Schema.Struct({ id: Schema.String, dialect: Schema.String, view: Schema.String, record: Schema.String })

export class StudioGroup extends HttpApiGroup.make("studio")
  .add(
    HttpApiEndpoint.get("listOrganizations", "/orgs")
      .addSuccess(OrganizationList)
      .addError(ControlInternal)
      .middleware(AdminAuth)
  )
  .add(
    // Every registered dialect's views, as each describes them: the Studio's tabs.
    HttpApiEndpoint.get("listViews", "/studio/views")
      .addSuccess(StudioViews)
      .middleware(AdminAuth)
  )
  .add(
    // One organization's records in one dialect's views, without secrets or their hashes.
    HttpApiEndpoint.get("viewData", "/orgs/:id/views/:dialect")
      .setPath(dialectPath)
      .addSuccess(DialectData)
      .addError(ControlNotFound)
      .addError(ControlInternal)
      .middleware(AdminAuth)
  )
  .add(
    // Made by the organization's first user, as if over the dialect's API: the API sees it at once.
    HttpApiEndpoint.post("createRecord", "/orgs/:id/views/:dialect/:view")
      .setPath(viewPath)
      .setPayload(RecordInput)
      .addSuccess(StudioRecord, { status: 201 })
      .addError(ControlNotFound)
      .addError(ControlBadRequest)
      .addError(ControlInternal)
      .middleware(AdminAuth)
  )
  .add(
    // As its owner would rename it over the API.
    HttpApiEndpoint.patch("renameRecord", "/orgs/:id/views/:dialect/:view/:record")
      .setPath(recordPath)
      .setPayload(RecordRename)
      .addSuccess(StudioRecord)
      .addError(ControlNotFound)
      .addError(ControlBadRequest)
      .addError(ControlInternal)
      .middleware(AdminAuth)
  )
  .add(
    // As its owner would delete it over the API, with whatever the dialect does to what it holds.
    HttpApiEndpoint.del("deleteRecord", "/orgs/:id/views/:dialect/:view/:record")
      .setPath(recordPath)
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
