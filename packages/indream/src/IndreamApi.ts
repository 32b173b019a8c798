/**
 * Indream's Open API v1 on the wire, as one `HttpApi`: the reference server implements it,
 * `IndreamClient` derives its client from it, and the OpenAPI document comes from it.
 *
 * Source: the official OpenAPI 3.1 document (`../shared/providers/indream/openapi.yaml`, shipped by
 * `@indreamai/client` 1.0.0): its 19 operations, each with its `operationId`, path, parameters and
 * their limits, request bodies, `{data, meta}` envelopes, statuses, `x-api-key` security and
 * problem-details errors. Where the document is silent, the choice is marked INF. A test checks
 * this contract's document against the official one.
 *
 * Beyond the document, every operation with a body may answer 413 (the server's body limit, see
 * `ContractDocument`) and 415 (a body in a media type it does not declare), and any route may
 * answer 400 for a request breaking a rule every route holds.
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
import * as IndreamErrors from "./IndreamErrors.js"

export {
  BadRequest,
  Conflict,
  Forbidden,
  InternalError,
  NotFound,
  PayloadTooLarge,
  TooManyRequests,
  Unauthorized,
  UnprocessableContent
} from "./IndreamErrors.js"

// ---------------------------------------------------------------------------------------------
// Authentication and runtime access
// ---------------------------------------------------------------------------------------------

/** Who an API key belongs to, as the server resolves it. */
export class IndreamPrincipal extends Context.Tag("@projectkit/indream/IndreamPrincipal")<
  IndreamPrincipal,
  {
    readonly organizationId: string
    /** The user the key acts for: limits (2 active exports) are per user. */
    readonly userId: string
    /** The key itself: export tasks record it as `createdByApiKeyId`. */
    readonly apiKeyId: string
  }
>() {}

/** DOC: `components/securitySchemes/ApiKeyAuth`, the `x-api-key` header. */
export const apiKey = HttpApiSecurity.apiKey({ key: "x-api-key", in: "header" })

/** An API key is enough: `GET /v1/editor/capabilities` and `POST /v1/editor/validate` (DOC). */
export class IndreamAuth extends HttpApiMiddleware.Tag<IndreamAuth>()("@projectkit/indream/IndreamAuth", {
  failure: IndreamErrors.Unauthorized,
  provides: IndreamPrincipal,
  security: { apiKey }
}) {}

/**
 * Every other route also needs runtime access (DOC: "This endpoint requires eligible OpenAPI
 * resource access"; every such route declares 403): 403 `OPEN_API_RUNTIME_ACCESS_FORBIDDEN`.
 */
export class IndreamRuntimeAuth extends HttpApiMiddleware.Tag<IndreamRuntimeAuth>()(
  "@projectkit/indream/IndreamRuntimeAuth",
  {
    failure: Schema.Union(IndreamErrors.Unauthorized, IndreamErrors.Forbidden),
    provides: IndreamPrincipal,
    security: { apiKey }
  }
) {}

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

/**
 * An id the server generates, as a response field: text, documented as a uuid. Read as any text so
 * a client never fails on a server whose ids are not uuids; refused only where a request sends it.
 */
const ResponseId = Schema.String.annotations({ jsonSchema: { type: "string", format: "uuid" } })

/**
 * DOC: path and header ids are `format: uuid`. INF: another text is a 400 (the document lists one).
 * A function, so each place gets its own annotation: the document's path parameters are amended
 * (`ContractDocument`), a header must not be.
 */
const uuid = () => Schema.UUID.annotations({ description: "A UUID", jsonSchema: { type: "string", format: "uuid" } })
export const Uuid = uuid()

/** A time, sent as an ISO 8601 string. */
const Timestamp = Schema.DateTimeUtc.annotations({ jsonSchema: { type: "string", format: "date-time" } })

/** DOC: every success body is `{data, meta}`; `meta` is an open object. */
export const Meta = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** DOC: a list's `meta` carries `nextPageCursor`, a string or null (or absent) on the last page. */
export const ListMeta = Schema.Struct(
  { nextPageCursor: Schema.optional(Schema.NullOr(Schema.String)) },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

/** `{data, meta}` around `data`. */
export const envelope = <A, I, R>(data: Schema.Schema<A, I, R>, identifier: string) =>
  Schema.Struct({ data, meta: Meta }).annotations({ identifier })

/** `{data: [...], meta: {nextPageCursor}}` around `item`. */
export const listEnvelope = <A, I, R>(item: Schema.Schema<A, I, R>, identifier: string) =>
  Schema.Struct({ data: Schema.Array(item), meta: ListMeta }).annotations({ identifier })

/** A query parameter is text; the document says which text: an integer from 1 to `maximum`. */
const pageSize = (maximum: number, byDefault: number) =>
  Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, maximum)).annotations({
    jsonSchema: { type: "integer", minimum: 1, maximum, default: byDefault }
  })

/** DOC: `pageSize` 1–50, default 20 (projects, exports). */
export const PageSize = pageSize(50, 20)
/** DOC: `pageSize` 1–100, default 80 (project assets). */
export const PageSizeAssets = pageSize(100, 80)

/** DOC: `pageCursor`. INF: only a `nextPageCursor` this same list answered is accepted; another is a 400. */
export const PageCursor = Schema.String.annotations({
  description: "The meta.nextPageCursor of the previous page of this same list"
})

/** DOC: `Idempotency-Key`, optional. INF: 1 to 255 characters. */
export const IdempotencyHeaders = Schema.Struct({
  "idempotency-key": Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(255)))
})

// ---------------------------------------------------------------------------------------------
// editorState
// ---------------------------------------------------------------------------------------------

/**
 * DOC: `editorState`, the v1 JSON Schema (`schemas/editor-state.v1.schema.json`). The contract
 * decodes any JSON object; whether it is a valid v1 state is `IndreamEditorState.validate`'s call,
 * which the server makes on create, sync, exports and validate (422 `EDITOR_*` when it is not).
 */
export const EditorState = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
  identifier: "EditorStateV1",
  description: "Indream editor state v1: an object valid against " +
    "https://api.indream.ai/schemas/editor-state.v1.schema.json and the semantic rules of POST /v1/editor/validate"
})
export type EditorState = typeof EditorState.Type

/** DOC: `stateVersion` is a string of at most 32 characters. */
export const StateVersion = Schema.String.pipe(Schema.maxLength(32))

// ---------------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------------

const Title = Schema.String.pipe(Schema.maxLength(120))
const Description = Schema.NullOr(Schema.String.pipe(Schema.maxLength(500)))

/** DOC: `ProjectSummary`, what lists and create answer (no `editorState`). */
export const ProjectSummary = Schema.Struct({
  projectId: ResponseId,
  title: Schema.String,
  description: Schema.NullOr(Schema.String),
  createdAt: Timestamp,
  updatedAt: Timestamp
}).annotations({ identifier: "ProjectSummary" })
export type ProjectSummary = typeof ProjectSummary.Type

/** DOC: `ProjectDetail`, the summary with the latest persisted `editorState` and its `stateVersion`. */
export const ProjectDetail = Schema.Struct({
  ...ProjectSummary.fields,
  editorState: EditorState,
  stateVersion: Schema.String
}).annotations({ identifier: "ProjectDetail" })
export type ProjectDetail = typeof ProjectDetail.Type

/** DOC: `ProjectMetadata`, what a patch answers. */
export const ProjectMetadata = Schema.Struct({
  projectId: ResponseId,
  title: Schema.String,
  description: Schema.NullOr(Schema.String),
  updatedAt: Timestamp
}).annotations({ identifier: "ProjectMetadata" })
export type ProjectMetadata = typeof ProjectMetadata.Type

/**
 * DOC: `CreateProjectRequest`. INF: without `title` the project is titled "Untitled project";
 * without `stateVersion` the server assigns one.
 */
export const CreateProjectRequest = Schema.Struct({
  title: Schema.optional(Title),
  description: Schema.optional(Description),
  editorState: EditorState,
  stateVersion: Schema.optional(StateVersion)
}).annotations({ identifier: "CreateProjectRequest" })
export type CreateProjectRequest = typeof CreateProjectRequest.Type

/** DOC: `PatchProjectRequest`, only `title` and `description`; `description: null` clears it. */
export const PatchProjectRequest = Schema.Struct({
  title: Schema.optional(Title),
  description: Schema.optional(Description)
}).annotations({ identifier: "PatchProjectRequest" })
export type PatchProjectRequest = typeof PatchProjectRequest.Type

/**
 * DOC: `SyncProjectRequest`. INF: `stateVersion` is the client's own label of the state, stored
 * and echoed; without one the server assigns a new one. An older one is not refused (each sync
 * replaces): ordering is the client's business — the `Autosaver` keeps it.
 */
export const SyncProjectRequest = Schema.Struct({
  editorState: EditorState,
  stateVersion: Schema.optional(StateVersion)
}).annotations({ identifier: "SyncProjectRequest" })
export type SyncProjectRequest = typeof SyncProjectRequest.Type

/** DOC: `SyncProjectResponseData`. */
export const SyncProjectResult = Schema.Struct({
  projectId: ResponseId,
  stateVersion: Schema.String,
  updatedAt: Timestamp
}).annotations({ identifier: "SyncProjectResponseData" })
export type SyncProjectResult = typeof SyncProjectResult.Type

/** DOC: `DeleteProjectEnvelope`'s data. */
export const DeletedProject = Schema.Struct({ projectId: ResponseId, deleted: Schema.Boolean })

export const ListProjectsParams = Schema.Struct({
  pageSize: Schema.optional(PageSize),
  pageCursor: Schema.optional(PageCursor)
})
export type ListProjectsParams = typeof ListProjectsParams.Type

const ProjectPath = Schema.Struct({ projectId: Uuid })
const AssetPath = Schema.Struct({ assetId: Uuid })
const ProjectAssetPath = Schema.Struct({ projectId: Uuid, assetId: Uuid })

// ---------------------------------------------------------------------------------------------
// Assets and uploads
// ---------------------------------------------------------------------------------------------

/**
 * DOC: `Asset`. `fileUrl` goes to `assets[*].remoteUrl` and `fileKey` to `assets[*].remoteKey` in
 * an editorState.
 */
export const Asset = Schema.Struct({
  assetId: ResponseId,
  /** INF: `image`, `video`, `audio`, `gif`, `lottie` or `file` from the MIME type. */
  type: Schema.String,
  source: Schema.NullOr(Schema.String),
  filename: Schema.String,
  mimetype: Schema.String,
  size: Schema.NullOr(Schema.Number.pipe(Schema.int())),
  fileUrl: Schema.String,
  fileKey: Schema.String,
  width: Schema.NullOr(Schema.Number),
  height: Schema.NullOr(Schema.Number),
  duration: Schema.NullOr(Schema.Number)
}).annotations({ identifier: "Asset" })
export type Asset = typeof Asset.Type

/** DOC: `AssetEnvelope`, what upload and asset detail answer. */
export const AssetEnvelope = envelope(Asset, "AssetEnvelope")

export const ListProjectAssetsParams = Schema.Struct({
  pageSize: Schema.optional(PageSizeAssets),
  pageCursor: Schema.optional(PageCursor)
})
export type ListProjectAssetsParams = typeof ListProjectAssetsParams.Type

/** DOC: `AddProjectAssetRequest`. */
export const AddProjectAssetRequest = Schema.Struct({ assetId: Uuid }).annotations({ identifier: "AddProjectAssetRequest" })

/** DOC: `ProjectAssetBindingEnvelope`'s data. */
export const ProjectAssetBinding = Schema.Struct({ projectId: ResponseId, assetId: ResponseId })
/** DOC: `DeleteProjectAssetEnvelope`'s data. */
export const DeletedProjectAsset = Schema.Struct({ projectId: ResponseId, assetId: ResponseId, deleted: Schema.Boolean })
/** DOC: `DeleteAssetEnvelope`'s data. */
export const DeletedAsset = Schema.Struct({ assetId: ResponseId, deleted: Schema.Boolean })

/**
 * DOC: `x-file-name` (1–512, required) and `x-project-id` (uuid, optional: also bind the asset to
 * that project). The file's MIME type is the request's `Content-Type`.
 */
export const UploadHeaders = Schema.Struct({
  "x-file-name": Schema.String.pipe(Schema.minLength(1), Schema.maxLength(512)),
  "x-project-id": Schema.optional(uuid())
})

/**
 * DOC: the file's bytes as the raw body. INF: an empty body is refused with 400. Declared as
 * `application/octet-stream` as the document does; a real upload sends the file's own MIME type.
 */
export const UploadBody = HttpApiSchema.Uint8Array().annotations({
  jsonSchema: { type: "string", format: "binary" },
  arbitrary: () => (fc) => fc.uint8Array({ minLength: 1, maxLength: 4096 })
})

// ---------------------------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------------------------

/** DOC: the statuses of a task; terminal ones are `COMPLETED`, `FAILED`, `CANCELED` (official client). */
export const ExportStatus = Schema.Literal("PENDING", "PROCESSING", "COMPLETED", "FAILED", "PAUSED", "CANCELED")
export type ExportStatus = typeof ExportStatus.Type
export const terminalStatuses: ReadonlySet<ExportStatus> = new Set(["COMPLETED", "FAILED", "CANCELED"])

export const Fps = Schema.Literal(30, 60)
export const Ratio = Schema.Literal("16:9", "9:16", "1:1", "4:3", "3:4", "custom")
export const ExportFormat = Schema.Literal("mp4", "webm")
const Scale = Schema.Number.pipe(Schema.between(0.6, 8))
const CompositionSide = Schema.Number.pipe(Schema.int(), Schema.between(50, 1920))

/**
 * DOC: `callbackUrl`, at most 1024 characters. INF: an absolute http(s) URL — the server only
 * delivers to those, so another is refused up front (400) rather than accepted and never called.
 */
export const CallbackUrl = Schema.String.pipe(
  Schema.maxLength(1024),
  Schema.filter((url) => (/^https?:\/\//i.test(url) && URL.canParse(url)) || "must be an absolute http(s) URL", {
    description: "An absolute http or https URL",
    jsonSchema: { format: "uri", pattern: "^[Hh][Tt][Tt][Pp][Ss]?://" },
    arbitrary: () => (fc) => fc.webUrl()
  })
)

/** DOC: `callbackHeaders`, sent with every webhook delivery of the task. */
export const CallbackHeaders = Schema.Record({ key: Schema.String, value: Schema.String })

const exportOptions = {
  /** DOC: dedup key when no `Idempotency-Key` is sent. */
  clientTaskId: Schema.optional(Schema.String.pipe(Schema.maxLength(128))),
  fps: Fps,
  ratio: Ratio,
  scale: Scale,
  format: ExportFormat,
  callbackUrl: Schema.optional(CallbackUrl),
  callbackHeaders: Schema.optional(CallbackHeaders)
}

/** DOC: `CreateExportRequest`, a stateless export of the `editorState` sent. */
export const CreateExportRequest = Schema.Struct({
  ...exportOptions,
  editorState: EditorState,
  stateVersion: Schema.optional(StateVersion),
  compositionWidth: Schema.optional(CompositionSide),
  compositionHeight: Schema.optional(CompositionSide)
}).annotations({ identifier: "CreateExportRequest" })
export type CreateExportRequest = typeof CreateExportRequest.Type

/** DOC: `CreateProjectExportRequest`, an export of the project's latest persisted state. */
export const CreateProjectExportRequest = Schema.Struct(exportOptions).annotations({
  identifier: "CreateProjectExportRequest"
})
export type CreateProjectExportRequest = typeof CreateProjectExportRequest.Type

/** DOC: `CreateExportResponseData`, what both create routes answer. */
export const CreatedExport = Schema.Struct({
  taskId: Schema.String,
  projectId: Schema.optional(Schema.NullOr(ResponseId)),
  createdAt: Timestamp,
  durationSeconds: Schema.Number,
  billedStandardSeconds: Schema.Number.pipe(Schema.int()),
  chargedCredits: Schema.String,
  chargedCreditPool: Schema.optional(Schema.String)
}).annotations({ identifier: "CreateExportResponseData" })
export type CreatedExport = typeof CreatedExport.Type

/** DOC: `CreateExportResponseEnvelope`, what both create routes answer. */
export const CreateExportEnvelope = envelope(CreatedExport, "CreateExportResponseEnvelope")

/** DOC: `ExportTask`, the snapshot task detail, lists and webhooks carry. INF: `progress` from 0 to 100. */
export const ExportTask = Schema.Struct({
  taskId: Schema.String,
  projectId: Schema.NullOr(ResponseId),
  createdByApiKeyId: Schema.NullOr(Schema.String),
  clientTaskId: Schema.NullOr(Schema.String),
  status: ExportStatus,
  progress: Schema.Number,
  error: Schema.NullOr(Schema.String),
  outputUrl: Schema.NullOr(Schema.String),
  durationSeconds: Schema.Number,
  billedStandardSeconds: Schema.Number.pipe(Schema.int()),
  chargedCredits: Schema.String,
  callbackUrl: Schema.NullOr(Schema.String),
  createdAt: Timestamp,
  completedAt: Schema.NullOr(Timestamp)
}).annotations({ identifier: "ExportTask" })
export type ExportTask = typeof ExportTask.Type

export const ListExportsParams = Schema.Struct({
  pageSize: Schema.optional(PageSize),
  pageCursor: Schema.optional(PageCursor),
  createdByApiKeyId: Schema.optional(Uuid)
})
export type ListExportsParams = typeof ListExportsParams.Type

/** The official client's webhook events (`X-Indream-Signature` signed, see `IndreamWebhooks`). */
export const ExportWebhookEventType = Schema.Literal("EXPORT_STARTED", "EXPORT_COMPLETED", "EXPORT_FAILED")

/** The body of an export webhook: `{eventType, occurredAt, task}`. */
export const ExportWebhookEvent = Schema.Struct({
  eventType: ExportWebhookEventType,
  occurredAt: Timestamp,
  task: ExportTask
}).annotations({ identifier: "ExportWebhookEvent" })
export type ExportWebhookEvent = typeof ExportWebhookEvent.Type

// ---------------------------------------------------------------------------------------------
// Editor and materials
// ---------------------------------------------------------------------------------------------

const Strings = Schema.Array(Schema.String)
const CaptionAnimation = Schema.Struct({ id: Schema.String, type: Schema.String, label: Schema.String, preview: Schema.String })
const Params = Schema.Record({ key: Schema.String, value: Schema.Unknown })
const Preset = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  label: Schema.String,
  defaultDurationInSeconds: Schema.optional(Schema.Number),
  defaultIntensity: Schema.optional(Schema.Number),
  params: Schema.optional(Params)
})

/** DOC: `EditorCapabilities`. */
export const EditorCapabilities = Schema.Struct({
  version: Schema.String,
  animations: Strings,
  captionAnimations: Schema.Struct({
    in: Schema.Array(CaptionAnimation),
    out: Schema.Array(CaptionAnimation),
    loop: Schema.Array(CaptionAnimation)
  }),
  transitions: Strings,
  transitionPresets: Schema.Array(
    Schema.Struct({ id: Schema.String, type: Schema.String, label: Schema.String, params: Schema.optional(Params) })
  ),
  effects: Strings,
  effectPresets: Schema.Array(Preset),
  filters: Strings,
  filterPresets: Schema.Array(Preset),
  shapes: Strings,
  backgroundPresets: Schema.Struct({
    colors: Strings,
    gradients: Strings,
    images: Strings,
    blurLevels: Schema.Array(Schema.Number.pipe(Schema.int()))
  })
}).annotations({ identifier: "EditorCapabilities" })
export type EditorCapabilities = typeof EditorCapabilities.Type

/** DOC: `EditorValidationError`. `path` is a JSON pointer into `editorState` (`/` for its root). */
export const EditorValidationError = Schema.Struct({
  code: Schema.String,
  path: Schema.String,
  message: Schema.String
}).annotations({ identifier: "EditorValidationError" })
export type EditorValidationError = typeof EditorValidationError.Type

/** DOC: `EditorValidationResult`. */
export const EditorValidationResult = Schema.Struct({
  valid: Schema.Boolean,
  errors: Schema.Array(EditorValidationError)
}).annotations({ identifier: "EditorValidationResult" })
export type EditorValidationResult = typeof EditorValidationResult.Type

export const ValidateEditorStateRequest = Schema.Struct({ editorState: EditorState }).annotations({
  identifier: "ValidateEditorStateRequest"
})

/** DOC: the validate envelope's `meta` may carry `capabilitiesVersion`. */
export const ValidateEditorStateEnvelope = Schema.Struct({
  data: EditorValidationResult,
  meta: Schema.Struct(
    { capabilitiesVersion: Schema.optional(Schema.String) },
    Schema.Record({ key: Schema.String, value: Schema.Unknown })
  )
}).annotations({ identifier: "EditorValidateResponseEnvelope" })

/** DOC: `q`, an optional fuzzy keyword of at most 200 characters; without it, the full list. */
export const SearchIllustrationsParams = Schema.Struct({
  q: Schema.optional(Schema.String.pipe(Schema.maxLength(200)))
})

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

/**
 * An endpoint named and identified as the document's `operationId`, so that our document and the
 * official one name every operation alike.
 */
const operation = <Endpoint extends {
  readonly name: string
  readonly annotate: <I, S>(tag: Context.Tag<I, S>, value: S) => Endpoint
}>(endpoint: Endpoint): Endpoint => endpoint.annotate(OpenApi.Identifier, endpoint.name)

const { BadRequest, Conflict, NotFound, PayloadTooLarge, TooManyRequests, UnprocessableContent } = IndreamErrors

/** DOC tag `Projects`. */
export class ProjectsGroup extends HttpApiGroup.make("indreamProjects")
  .add(operation(
    HttpApiEndpoint.post("createProject", "/v1/projects")
      .setHeaders(IdempotencyHeaders)
      .setPayload(CreateProjectRequest)
      .addSuccess(envelope(ProjectSummary, "ProjectSummaryEnvelope"), { status: 201 })
      .addError(BadRequest)
      .addError(Conflict)
      .addError(PayloadTooLarge)
      .addError(UnprocessableContent)
      .annotate(OpenApi.Description, "Create a persistent editor project. `editorState` is required (422 when invalid, " +
        "nothing stored). `Idempotency-Key` replays the first response; another payload under a used key is a 409.")
  ))
  .add(operation(
    HttpApiEndpoint.get("listProjects", "/v1/projects")
      .setUrlParams(ListProjectsParams)
      .addSuccess(listEnvelope(ProjectSummary, "ListProjectsResponseEnvelope"))
      .addError(BadRequest)
      .annotate(OpenApi.Description, "Project summaries (no `editorState`), newest first (INF), a page at a time.")
  ))
  .add(operation(
    HttpApiEndpoint.get("getProject", "/v1/projects/:projectId")
      .setPath(ProjectPath)
      .addSuccess(envelope(ProjectDetail, "ProjectDetailEnvelope"))
      .addError(BadRequest)
      .addError(NotFound)
      .addError(UnprocessableContent)
  ))
  .add(operation(
    HttpApiEndpoint.patch("patchProject", "/v1/projects/:projectId")
      .setPath(ProjectPath)
      .setPayload(PatchProjectRequest)
      .addSuccess(envelope(ProjectMetadata, "ProjectMetadataEnvelope"))
      .addError(BadRequest)
      .addError(NotFound)
      .addError(PayloadTooLarge)
      .addError(UnprocessableContent)
      .annotate(OpenApi.Description, "Update only `title` and `description`; use sync to replace `editorState`.")
  ))
  .add(operation(
    HttpApiEndpoint.del("deleteProject", "/v1/projects/:projectId")
      .setPath(ProjectPath)
      .addSuccess(envelope(DeletedProject, "DeleteProjectEnvelope"))
      .addError(BadRequest)
      .addError(NotFound)
      .addError(UnprocessableContent)
      .annotate(OpenApi.Description, "Delete the project. INF: its export tasks and its assets remain.")
  ))
  .add(operation(
    HttpApiEndpoint.post("syncProject", "/v1/projects/:projectId/sync")
      .setPath(ProjectPath)
      .setPayload(SyncProjectRequest)
      .addSuccess(envelope(SyncProjectResult, "SyncProjectEnvelope"))
      .addError(BadRequest)
      .addError(NotFound)
      .addError(PayloadTooLarge)
      .addError(UnprocessableContent)
      .addError(TooManyRequests)
      .annotate(OpenApi.Description, "Replace the persisted editor state (autosave). Over its rate: 429 " +
        "OPEN_API_PROJECT_SYNC_RATE_LIMITED with Retry-After, and nothing is stored.")
  ))
  .middleware(IndreamRuntimeAuth)
  .annotate(OpenApi.Title, "Projects")
{}

/** DOC tag `Assets`. */
export class AssetsGroup extends HttpApiGroup.make("indreamAssets")
  .add(operation(
    HttpApiEndpoint.get("listProjectAssets", "/v1/projects/:projectId/assets")
      .setPath(ProjectPath)
      .setUrlParams(ListProjectAssetsParams)
      .addSuccess(listEnvelope(Asset, "ListAssetsResponseEnvelope"))
      .addError(BadRequest)
      .addError(NotFound)
      .addError(UnprocessableContent)
  ))
  .add(operation(
    HttpApiEndpoint.post("addProjectAsset", "/v1/projects/:projectId/assets")
      .setPath(ProjectPath)
      .setPayload(AddProjectAssetRequest)
      .addSuccess(envelope(ProjectAssetBinding, "ProjectAssetBindingEnvelope"), { status: 201 })
      .addError(BadRequest)
      .addError(NotFound)
      .addError(PayloadTooLarge)
      .addError(UnprocessableContent)
      .annotate(OpenApi.Description, "Bind an existing asset to the project. INF: binding it again answers the same binding.")
  ))
  .add(operation(
    HttpApiEndpoint.del("deleteProjectAsset", "/v1/projects/:projectId/assets/:assetId")
      .setPath(ProjectAssetPath)
      .addSuccess(envelope(DeletedProjectAsset, "DeleteProjectAssetEnvelope"))
      .addError(BadRequest)
      .addError(NotFound)
      .addError(UnprocessableContent)
      .annotate(OpenApi.Description, "Remove only the project binding; the asset remains available for reuse.")
  ))
  .add(operation(
    HttpApiEndpoint.get("getAsset", "/v1/assets/:assetId")
      .setPath(AssetPath)
      .addSuccess(AssetEnvelope)
      .addError(BadRequest)
      .addError(NotFound)
  ))
  .add(operation(
    HttpApiEndpoint.del("deleteAsset", "/v1/assets/:assetId")
      .setPath(AssetPath)
      .addSuccess(envelope(DeletedAsset, "DeleteAssetEnvelope"))
      .addError(BadRequest)
      .addError(NotFound)
      .addError(Conflict)
      .annotate(OpenApi.Description, "Soft-delete the asset; 409 ASSET_REFERENCED while a project binding or a saved " +
        "editorState still uses it.")
  ))
  .middleware(IndreamRuntimeAuth)
  .annotate(OpenApi.Title, "Assets")
{}

/** DOC tag `Uploads`. */
export class UploadsGroup extends HttpApiGroup.make("indreamUploads")
  .add(operation(
    HttpApiEndpoint.post("uploadAsset", "/v1/uploads")
      .setHeaders(UploadHeaders)
      .setPayload(UploadBody)
      .addSuccess(AssetEnvelope, { status: 201 })
      .addError(BadRequest)
      .addError(PayloadTooLarge)
      .addError(UnprocessableContent)
      .annotate(OpenApi.Description, "Upload a file as the raw body (Content-Type: its MIME type; x-file-name: its name) " +
        "and create an asset; with x-project-id, also bind it to that project (422 when that is not a project of yours).")
  ))
  .middleware(IndreamRuntimeAuth)
  .annotate(OpenApi.Title, "Uploads")
{}

/** DOC tag `Exports`. */
export class ExportsGroup extends HttpApiGroup.make("indreamExports")
  .add(operation(
    HttpApiEndpoint.post("createProjectExport", "/v1/projects/:projectId/exports")
      .setPath(ProjectPath)
      .setHeaders(IdempotencyHeaders)
      .setPayload(CreateProjectExportRequest)
      .addSuccess(CreateExportEnvelope, { status: 201 })
      .addError(BadRequest)
      .addError(Conflict)
      .addError(PayloadTooLarge)
      .addError(UnprocessableContent)
      .annotate(OpenApi.Description, "Export the project's latest persisted state. INF: the document lists no 404 here: " +
        "an unknown project is a 422 OPEN_API_PROJECT_NOT_FOUND.")
  ))
  .add(operation(
    HttpApiEndpoint.post("createExport", "/v1/exports")
      .setHeaders(IdempotencyHeaders)
      .setPayload(CreateExportRequest)
      .addSuccess(CreateExportEnvelope, { status: 201 })
      .addError(BadRequest)
      .addError(Conflict)
      .addError(PayloadTooLarge)
      .addError(UnprocessableContent)
      .annotate(OpenApi.Description, "Stateless export of the editorState sent. Idempotency-Key replays; without it, " +
        "clientTaskId dedups; at most 2 active tasks per user (422 OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED).")
  ))
  .add(operation(
    HttpApiEndpoint.get("listExports", "/v1/exports")
      .setUrlParams(ListExportsParams)
      .addSuccess(listEnvelope(ExportTask, "ListExportsResponseEnvelope"))
      .addError(BadRequest)
  ))
  .add(operation(
    HttpApiEndpoint.get("getExport", "/v1/exports/:taskId")
      .setPath(Schema.Struct({ taskId: Schema.String }))
      .addSuccess(envelope(ExportTask, "GetExportResponseEnvelope"))
      .addError(BadRequest)
      .addError(NotFound)
  ))
  .middleware(IndreamRuntimeAuth)
  .annotate(OpenApi.Title, "Exports")
{}

/** DOC tag `Editor`: no runtime access needed. */
export class EditorGroup extends HttpApiGroup.make("indreamEditor")
  .add(operation(
    HttpApiEndpoint.get("getEditorCapabilities", "/v1/editor/capabilities")
      .addSuccess(envelope(EditorCapabilities, "EditorCapabilitiesResponseEnvelope"))
  ))
  .add(operation(
    HttpApiEndpoint.post("validateEditorState", "/v1/editor/validate")
      .setPayload(ValidateEditorStateRequest)
      .addSuccess(ValidateEditorStateEnvelope)
      .addError(BadRequest)
      .addError(PayloadTooLarge)
      .annotate(OpenApi.Description, "Validate editorState against the v1 JSON Schema and the semantic rules (keyframe " +
        "local-time bounds, no overlap within one track, transition adjacency, references to deleted assets).")
  ))
  .middleware(IndreamAuth)
  .annotate(OpenApi.Title, "Editor")
{}

/** DOC tag `Materials`: it declares 403, so runtime access is needed. */
export class MaterialsGroup extends HttpApiGroup.make("indreamMaterials")
  .add(operation(
    HttpApiEndpoint.get("searchIllustrations", "/v1/illustrations")
      .setUrlParams(SearchIllustrationsParams)
      .addSuccess(envelope(Strings, "IllustrationSearchResponseEnvelope"))
      .addError(BadRequest)
  ))
  .middleware(IndreamRuntimeAuth)
  .annotate(OpenApi.Title, "Materials")
{}

/**
 * The bodies of the refusals no endpoint declares (a request that does not decode or breaks a rule
 * every route holds; a body too large), as the document and the server's fallback write them.
 */
export const refusals: ContractDocument.Refusals = {
  badRequest: IndreamErrors.BadRequest,
  payloadTooLarge: IndreamErrors.PayloadTooLarge,
  unsupportedMediaType: IndreamErrors.UnsupportedMediaType
}

/** Indream's Open API v1: 19 operations, each behind `x-api-key`. */
export class IndreamApi extends HttpApi.make("indream")
  .add(ProjectsGroup)
  .add(AssetsGroup)
  .add(UploadsGroup)
  .add(ExportsGroup)
  .add(EditorGroup)
  .add(MaterialsGroup)
  .annotate(OpenApi.Title, "Indream Open API v1 (projectkit)")
  .annotate(OpenApi.Version, "1.0.0")
  .pipe(ContractDocument.annotate(refusals))
{}
