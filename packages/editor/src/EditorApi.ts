/**
 * The editor Open API v1 on the wire, as one `HttpApi`: the reference server implements it,
 * `EditorClient` derives its client from it, and the OpenAPI document comes from it.
 *
 * Source: the seed page (projects, autosave `sync`, exports, rate limits, runtime access). It names
 * the routes and rules but no field types: everything else is INF, our reasoned choice, kept the
 * same in contract, server, client and conformance suite (see ../shared/providers/editor.md).
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as OpenApi from "@effect/platform/OpenApi"
import { ContractDocument } from "@projectkit/http"
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"
import * as EditorErrors from "./EditorErrors.js"

// ---------------------------------------------------------------------------------------------
// Errors: defined with their mappings in `EditorErrors`; re-exported so `EditorApi.NotFound` etc.
// name them beside the endpoints that declare them.
// ---------------------------------------------------------------------------------------------

export {
  InternalError,
  NotFound,
  PayloadTooLarge,
  RuntimeAccessForbidden,
  SyncRateLimited,
  Unauthorized,
  UnknownAssetReference,
  ValidationFailed
} from "./EditorErrors.js"

// ---------------------------------------------------------------------------------------------
// Authentication and runtime access
// ---------------------------------------------------------------------------------------------

/** Who a bearer key belongs to, as the server resolves it. */
export class EditorPrincipal extends Context.Tag("@projectkit/editor/EditorPrincipal")<
  EditorPrincipal,
  { readonly organizationId: string; readonly userId: string }
>() {}

/** INF: `Authorization: Bearer <api key>`; a missing or unknown key is a 401. */
export class EditorAuth extends HttpApiMiddleware.Tag<EditorAuth>()("@projectkit/editor/EditorAuth", {
  failure: EditorErrors.Unauthorized,
  provides: EditorPrincipal,
  security: { bearer: HttpApiSecurity.bearer }
}) {}

/**
 * The same, for project routes, which also need runtime OpenAPI access (SEED): an account without
 * it gets 403 OPEN_API_RUNTIME_ACCESS_FORBIDDEN on every one of them.
 */
export class EditorRuntimeAuth extends HttpApiMiddleware.Tag<EditorRuntimeAuth>()("@projectkit/editor/EditorRuntimeAuth", {
  failure: Schema.Union(EditorErrors.Unauthorized, EditorErrors.RuntimeAccessForbidden),
  provides: EditorPrincipal,
  security: { bearer: HttpApiSecurity.bearer }
}) {}

// ---------------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------------

/**
 * The editor's document: a JSON object, stored as sent. INF: an object, not any JSON value — the
 * seed calls it a "full editorState payload", and with `Schema.Unknown` a body that left the field
 * out would decode as `undefined` and be "saved" as nothing.
 */
export const EditorState = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
  identifier: "EditorState",
  description: "The editor's document, any JSON object. Assets are referred to as `\"assetId\": \"<id>\"` " +
    "anywhere inside it. At most the server's documented limit (10 MiB by default) of UTF-8 JSON; larger gets 413."
})
export type EditorState = typeof EditorState.Type

const Title = Schema.String.pipe(
  Schema.filter((title) => title.trim().length > 0 || "title must not be blank", { jsonSchema: { pattern: "\\S" } }),
  Schema.maxLength(500)
)
const Description = Schema.String.pipe(Schema.maxLength(5000))
const StateVersion = Schema.Number.pipe(Schema.int(), Schema.nonNegative())

/** A project without its state: what lists and metadata updates answer. */
export const ProjectSummary = Schema.Struct({
  projectId: Schema.String,
  title: Schema.String,
  description: Schema.NullOr(Schema.String),
  /** The version of the last synced state; 0 before the first sync. */
  stateVersion: StateVersion,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}).annotations({ identifier: "ProjectSummary" })
export type ProjectSummary = typeof ProjectSummary.Type

/** SEED: the full project, metadata and the latest persisted `editorState` (null before any). */
export const Project = Schema.Struct({
  ...ProjectSummary.fields,
  editorState: Schema.NullOr(EditorState)
}).annotations({ identifier: "Project" })
export type Project = typeof Project.Type

export const CreateProjectRequest = Schema.Struct({
  title: Title,
  description: Schema.optional(Description),
  editorState: Schema.optional(EditorState)
}).annotations({ identifier: "CreateProjectRequest" })

/** SEED: only `title` and `description`; anything else sent is ignored. `description: null` clears it. */
export const UpdateProjectRequest = Schema.Struct({
  title: Schema.optional(Title),
  description: Schema.optional(Schema.NullOr(Description))
}).annotations({ identifier: "UpdateProjectRequest" })

/**
 * SEED: replaces `editorState` and `stateVersion`, nothing else. INF: `stateVersion` is the
 * client's own counter, echoed back; the server does not refuse an older one (each sync
 * replaces), so ordering is the client's business — the `Autosaver` guarantees it.
 */
export const SyncRequest = Schema.Struct({
  editorState: EditorState,
  stateVersion: StateVersion
}).annotations({ identifier: "SyncRequest" })

export const SyncResult = Schema.Struct({
  projectId: Schema.String,
  stateVersion: StateVersion,
  updatedAt: Schema.DateTimeUtc
}).annotations({ identifier: "SyncResult" })
export type SyncResult = typeof SyncResult.Type

const Limit = Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 100)).annotations({
  // A query parameter is text; the document says which text: an integer from 1 to 100.
  jsonSchema: { type: "integer", minimum: 1, maximum: 100, description: "A page size, an integer from 1 to 100" }
})

/** A list's cursor: only a `nextCursor` this list answered is accepted (another is a 400). */
const Cursor = Schema.String.annotations({
  description: "The nextCursor of the previous page of this same list (same filters and sort); any other value is refused with 400"
})

export const ProjectSort = Schema.Literal("title", "createdAt", "updatedAt")
export const Order = Schema.Literal("asc", "desc")

/** INF: the list is cursor-paginated; search by title; sort by title or either time, either way. */
export const ListProjectsParams = Schema.Struct({
  limit: Schema.optional(Limit),
  cursor: Schema.optional(Cursor),
  search: Schema.optional(Schema.String),
  sortBy: Schema.optional(ProjectSort),
  order: Schema.optional(Order)
})

export const ProjectList = Schema.Struct({
  items: Schema.Array(ProjectSummary),
  nextCursor: Schema.NullOr(Schema.String)
}).annotations({ identifier: "ProjectList" })

// ---------------------------------------------------------------------------------------------
// Assets
// ---------------------------------------------------------------------------------------------

export const Asset = Schema.Struct({
  assetId: Schema.String,
  projectId: Schema.String,
  name: Schema.String,
  contentType: Schema.String,
  /** Bytes; null for an asset registered by URL. */
  size: Schema.NullOr(Schema.Number),
  /** Where the media is: the URL it was registered with, or the server's copy of an upload. */
  url: Schema.String,
  createdAt: Schema.DateTimeUtc
}).annotations({ identifier: "Asset" })
export type Asset = typeof Asset.Type

/**
 * INF: an asset is uploaded as the raw body (any non-JSON content type, `name` in the query) or
 * registered by URL with a JSON body.
 */
export const RegisterAssetRequest = Schema.Struct({
  name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(255)),
  url: Schema.String.pipe(Schema.filter((url) => URL.canParse(url) || "must be an absolute URL", {
    description: "An absolute URL",
    jsonSchema: { format: "uri" },
    arbitrary: () => (fc) => fc.webUrl()
  })),
  contentType: Schema.optional(Schema.String)
}).annotations({ identifier: "RegisterAssetRequest" })

/** An upload's bytes, as the body: at least one (an empty upload is refused with 400). */
export const UploadBody = HttpApiSchema.Uint8Array().annotations({
  jsonSchema: { type: "string", format: "binary", minLength: 1 },
  arbitrary: () => (fc) => fc.uint8Array({ minLength: 1, maxLength: 4096 })
})

export const UploadAssetParams = Schema.Struct({
  name: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(255)))
})

export const AssetList = Schema.Struct({ items: Schema.Array(Asset) }).annotations({ identifier: "AssetList" })

// ---------------------------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------------------------

export const ExportStatus = Schema.Literal("queued", "rendering", "completed", "failed")
export type ExportStatus = typeof ExportStatus.Type

export const ExportFormat = Schema.Literal("mp4", "webm", "gif")

/** SEED: project exports return the same task structure as stateless ones, plus `projectId`. */
export const ExportTask = Schema.Struct({
  taskId: Schema.String,
  status: ExportStatus,
  /** 0–100. */
  progress: Schema.Number,
  format: ExportFormat,
  outputUrl: Schema.optional(Schema.String),
  error: Schema.optional(Schema.String),
  projectId: Schema.optional(Schema.String),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}).annotations({ identifier: "ExportTask" })
export type ExportTask = typeof ExportTask.Type

/**
 * Where a webhook is delivered: an absolute http(s) URL, nothing else (another scheme would never
 * be called; refused up front with 400 rather than accepted and never delivered).
 */
export const WebhookUrl = Schema.String.pipe(
  Schema.filter((url) => (/^https?:\/\//i.test(url) && URL.canParse(url)) || "must be an absolute http(s) URL", {
    identifier: "WebhookUrl",
    description: "An absolute http or https URL",
    jsonSchema: { format: "uri", pattern: "^[Hh][Tt][Tt][Pp][Ss]?://" },
    arbitrary: () => (fc) => fc.webUrl()
  })
)

export const ProjectExportRequest = Schema.Struct({
  format: Schema.optional(ExportFormat),
  /** Receives `{event: "export.completed" | "export.failed", task}` when the task ends. */
  webhookUrl: Schema.optional(WebhookUrl)
}).annotations({ identifier: "ProjectExportRequest" })

export const StatelessExportRequest = Schema.Struct({
  editorState: EditorState,
  format: Schema.optional(ExportFormat),
  webhookUrl: Schema.optional(WebhookUrl)
}).annotations({ identifier: "StatelessExportRequest" })

export const ListExportsParams = Schema.Struct({
  projectId: Schema.optional(Schema.String),
  status: Schema.optional(ExportStatus),
  limit: Schema.optional(Limit),
  cursor: Schema.optional(Cursor)
})

export const ExportList = Schema.Struct({
  items: Schema.Array(ExportTask),
  nextCursor: Schema.NullOr(Schema.String)
}).annotations({ identifier: "ExportList" })

/** The body of an export webhook. */
export const ExportWebhook = Schema.Struct({
  event: Schema.Literal("export.completed", "export.failed"),
  task: ExportTask
}).annotations({ identifier: "ExportWebhook" })

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

const ProjectPath = Schema.Struct({ projectId: Schema.String })

/**
 * A group of the editor API: every endpoint of it is behind `auth` (whose failures it declares)
 * and may answer 413 (a body, or the editorState in it, too large) or 500, declared here once.
 * Group names are unique across every dialect the server mounts, hence the `editor` prefix.
 */
const group = <const Name extends `editor${string}`, Auth extends HttpApiMiddleware.HttpApiMiddleware.AnyId, Service>(
  name: Name,
  auth: Context.Tag<Auth, Service>
) => HttpApiGroup.make(name).addError(EditorErrors.PayloadTooLarge).addError(EditorErrors.InternalError).middleware(auth)

export class ProjectsGroup extends group("editorProjects", EditorRuntimeAuth)
  .add(
    HttpApiEndpoint.post("create", "/v1/projects")
      .setPayload(CreateProjectRequest)
      .addSuccess(Project, { status: 201 })
      .addError(EditorErrors.ValidationFailed)
  )
  .add(
    HttpApiEndpoint.get("list", "/v1/projects")
      .setUrlParams(ListProjectsParams)
      .addSuccess(ProjectList)
      .addError(EditorErrors.ValidationFailed)
  )
  .add(HttpApiEndpoint.get("get", "/v1/projects/:projectId").setPath(ProjectPath).addSuccess(Project).addError(EditorErrors.NotFound))
  .add(
    HttpApiEndpoint.patch("update", "/v1/projects/:projectId")
      .setPath(ProjectPath)
      .setPayload(UpdateProjectRequest)
      .addSuccess(ProjectSummary)
      .addError(EditorErrors.ValidationFailed)
      .addError(EditorErrors.NotFound)
      .annotate(OpenApi.Description, "Updates title and description only; editorState and stateVersion are left alone.")
  )
  .add(
    HttpApiEndpoint.post("sync", "/v1/projects/:projectId/sync")
      .setPath(ProjectPath)
      .setPayload(SyncRequest)
      .addSuccess(SyncResult)
      .addError(EditorErrors.ValidationFailed)
      .addError(EditorErrors.NotFound)
      .addError(EditorErrors.SyncRateLimited)
      .annotate(
        OpenApi.Description,
        "Replaces the project's editorState and stateVersion, nothing else. For periodic autosave: limited per " +
          "project; over the limit, 429 OPEN_API_PROJECT_SYNC_RATE_LIMITED with Retry-After, and nothing is stored."
      )
  )
  .add(
    HttpApiEndpoint.del("delete", "/v1/projects/:projectId")
      .setPath(ProjectPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(EditorErrors.NotFound)
  )
  .add(
    HttpApiEndpoint.post("registerAsset", "/v1/projects/:projectId/assets")
      .setPath(ProjectPath)
      .setPayload(RegisterAssetRequest)
      .addSuccess(Asset, { status: 201 })
      .addError(EditorErrors.ValidationFailed)
      .addError(EditorErrors.NotFound)
  )
  .add(
    HttpApiEndpoint.post("uploadAsset", "/v1/projects/:projectId/assets/upload")
      .setPath(ProjectPath)
      .setUrlParams(UploadAssetParams)
      .setPayload(UploadBody)
      .addSuccess(Asset, { status: 201 })
      .addError(EditorErrors.ValidationFailed)
      .addError(EditorErrors.NotFound)
      .annotate(OpenApi.Description, "The file's bytes as the body (any content type but JSON); an empty body is refused with 400.")
  )
  .add(
    HttpApiEndpoint.get("listAssets", "/v1/projects/:projectId/assets")
      .setPath(ProjectPath)
      .addSuccess(AssetList)
      .addError(EditorErrors.NotFound)
  )
  .add(
    HttpApiEndpoint.post("export", "/v1/projects/:projectId/exports")
      .setPath(ProjectPath)
      .setPayload(ProjectExportRequest)
      .addSuccess(ExportTask, { status: 202 })
      .addError(EditorErrors.ValidationFailed)
      .addError(EditorErrors.NotFound)
      .addError(EditorErrors.UnknownAssetReference)
      .annotate(
        OpenApi.Description,
        "Renders the project's latest saved editorState; the task carries projectId. A project with no saved " +
          "editorState yet is refused with 400."
      )
  )
  .annotate(OpenApi.Title, "Projects")
{}

/**
 * INF: the export routes are not project routes (SEED: "Project routes require runtime OpenAPI
 * access"), so a key is enough: an account without runtime access can still render statelessly.
 */
export class ExportsGroup extends group("editorExports", EditorAuth)
  .add(
    HttpApiEndpoint.post("create", "/v1/exports")
      .setPayload(StatelessExportRequest)
      .addSuccess(ExportTask, { status: 202 })
      .addError(EditorErrors.ValidationFailed)
      .addError(EditorErrors.UnknownAssetReference)
      .annotate(OpenApi.Description, "Renders the full editorState sent, without a project.")
  )
  .add(
    HttpApiEndpoint.get("list", "/v1/exports")
      .setUrlParams(ListExportsParams)
      .addSuccess(ExportList)
      .addError(EditorErrors.ValidationFailed)
  )
  .add(
    HttpApiEndpoint.get("get", "/v1/exports/:taskId")
      .setPath(Schema.Struct({ taskId: Schema.String }))
      .addSuccess(ExportTask)
      .addError(EditorErrors.NotFound)
  )
  .annotate(OpenApi.Title, "Exports")
{}

/** INF: the editor's answer to a body in a media type the operation does not declare, in its error body. */
export const UnsupportedMediaType = Schema.Struct({
  code: Schema.Literal("OPEN_API_UNSUPPORTED_MEDIA_TYPE"),
  message: Schema.String
}).annotations({ identifier: "UnsupportedMediaType", description: "The body's Content-Type is not one the operation declares" })

/**
 * The bodies of the refusals no endpoint declares (a request that does not decode or breaks a rule
 * every route holds; a body too large), as the document and the server's fallback write them.
 */
export const refusals: ContractDocument.Refusals = {
  badRequest: EditorErrors.ValidationFailed,
  payloadTooLarge: EditorErrors.PayloadTooLarge,
  unsupportedMediaType: UnsupportedMediaType
}

/** The editor Open API v1. Every endpoint needs a bearer key and may answer 413 or 500 (see `group`). */
export class EditorApi extends HttpApi.make("editor")
  .add(ProjectsGroup)
  .add(ExportsGroup)
  .annotate(OpenApi.Title, "Editor Open API v1 (projectkit)")
  .annotate(OpenApi.Version, "1")
  .pipe(ContractDocument.annotate(refusals))
{}
