/**
 * sync.so v2 on the wire, as one `HttpApi`: the reference server implements it, `SyncClient`
 * derives its client from it, and the OpenAPI document comes from it.
 *
 * Sources, strongest first: the seed pages (projects; Get Asset), the official SDK `@sync.so/sdk`
 * 0.3.0 (generated from sync.so's API definition), then inferences marked INF. Response schemas
 * ignore fields they do not know, so new fields of the real service do not break the client.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as Multipart from "@effect/platform/Multipart"
import * as OpenApi from "@effect/platform/OpenApi"
import { ContractDocument } from "@projectkit/http"
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { ErrorCatalogEntry } from "./SyncErrorCatalog.js"
import {
  BadRequest,
  Conflict,
  Forbidden,
  InternalServerError,
  NotFound,
  PayloadTooLarge,
  TooManyRequests,
  Unauthorized,
  UnprocessableEntity
} from "./SyncErrors.js"

// ---------------------------------------------------------------------------------------------
// Errors: the wire error classes live in `SyncErrors`, with what they mean both ways; re-exported
// here so the contract reads whole (`SyncApi.NotFound`, …).
// ---------------------------------------------------------------------------------------------

export {
  BadRequest,
  Conflict,
  Forbidden,
  InternalServerError,
  NotFound,
  PaymentRequired,
  PayloadTooLarge,
  type SyncWireError,
  TooManyRequests,
  Unauthorized,
  UnprocessableEntity
} from "./SyncErrors.js"

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

/** Who an `x-api-key` belongs to, as the server resolves it. */
export class SyncPrincipal extends Context.Tag("@projectkit/sync/SyncPrincipal")<
  SyncPrincipal,
  { readonly organizationId: string; readonly userId: string }
>() {}

/** `x-api-key` authentication; a missing or unknown key is a 401. */
export class SyncAuth extends HttpApiMiddleware.Tag<SyncAuth>()("@projectkit/sync/SyncAuth", {
  failure: Unauthorized,
  provides: SyncPrincipal,
  security: { apiKey: HttpApiSecurity.apiKey({ in: "header", key: "x-api-key" }) }
}) {}

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

export const Visibility = Schema.Literal("USER", "ORGANIZATION")
export type Visibility = typeof Visibility.Type

/** A page size, 1 to 100 (SDK, for assets; INF: the same for projects). */
export const Limit = Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 100)).annotations({
  // A query parameter is text; the document says which text: an integer from 1 to 100.
  jsonSchema: { type: "integer", minimum: 1, maximum: 100, description: "A page size, an integer from 1 to 100" }
})

/** A list's cursor: only a `nextCursor` this list answered is accepted (another is a 400). */
const Cursor = Schema.String.annotations({
  description: "The nextCursor of the previous page of this same list (same filters and sort); any other value is refused with 400"
})

/** The JSON Schema of each value of a multi-valued parameter: its literals, when it has some. */
const itemJsonSchema = (item: Schema.Schema.Any): object => {
  const literals = AST.isUnion(item.ast) ? item.ast.types : [item.ast]
  return literals.every(AST.isLiteral)
    ? { type: "string", enum: literals.map((literal) => (literal as AST.Literal).literal) }
    : { type: "string" }
}

/**
 * A multi-valued query parameter, as clients send it: repeated (`status=A&status=B`), comma
 * separated (`types=VIDEO,AUDIO`, the documents' form) or a JSON array (`status=["A","B"]`, what
 * the official SDK sends). Decodes to the list of values; encodes as repeated parameters.
 */
export const MultiValue = <A extends string, I extends string>(item: Schema.Schema<A, I>) => {
  const items = itemJsonSchema(item)
  return Schema.transform(
    Schema.Union(Schema.String, Schema.Array(Schema.String)),
    Schema.Array(item),
    {
      strict: false,
      decode: (raw) =>
        (typeof raw === "string" ? [raw] : raw).flatMap((value) => {
          const text = value.trim()
          if (text.startsWith("[")) {
            try {
              const parsed: unknown = JSON.parse(text)
              if (Array.isArray(parsed)) return parsed.map(String)
            } catch {
              // not JSON: read it as a comma list below, and let the item schema judge it
            }
          }
          return text.split(",").map((part) => part.trim().replace(/^"(.*)"$/, "$1")).filter((part) => part !== "")
        }),
      encode: (values) => values
    }
  ).annotations({
    jsonSchema: {
      // The single-string form may be a list itself (comma separated, JSON): only the array's items are enumerated.
      anyOf: [{ type: "string" }, { type: "array", items }],
      description: "Repeated (a=X&a=Y), comma separated (a=X,Y) or a JSON array (a=[\"X\",\"Y\"])"
    }
  })
}

const Url = Schema.String.pipe(
  Schema.filter((value) => URL.canParse(value) || "must be an absolute URL", {
    identifier: "Url",
    description: "An absolute URL",
    jsonSchema: { format: "uri" },
    arbitrary: () => (fc) => fc.webUrl()
  })
)

/**
 * Where a webhook is delivered: an absolute http(s) URL, nothing else (a `file:` or other scheme
 * would never be called; refused up front with 400 rather than accepted and never delivered).
 */
export const WebhookUrl = Schema.String.pipe(
  Schema.filter((value) => (/^https?:\/\//i.test(value) && URL.canParse(value)) || "must be an absolute http(s) URL", {
    identifier: "WebhookUrl",
    description: "An absolute http or https URL",
    jsonSchema: { format: "uri", pattern: "^[Hh][Tt][Tt][Pp][Ss]?://" },
    arbitrary: () => (fc) => fc.webUrl()
  })
)

const Id = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))

// ---------------------------------------------------------------------------------------------
// Projects (seed 000)
// ---------------------------------------------------------------------------------------------

/** Only CREATOR is known (seed 000); other modes are refused until they are documented. */
export const ProjectMode = Schema.Literal("CREATOR")

/**
 * INF: a name must not be blank and has 255 characters at most; the server stores it trimmed.
 * (Checked, not transformed, so a client sends what it is given and the server decides.)
 */
export const ProjectName = Schema.String.pipe(
  Schema.filter((name) => name.trim().length > 0 || "name must not be blank", {
    jsonSchema: { pattern: "\\S", description: "Not blank; stored without surrounding whitespace" }
  }),
  Schema.maxLength(255)
)

export const Project = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  visibility: Visibility,
  mode: ProjectMode,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}).annotations({ identifier: "Project" })
export type Project = typeof Project.Type

export const CreateProjectRequest = Schema.Struct({
  name: ProjectName,
  /** Default USER: visible only to the key's owner. */
  visibility: Schema.optional(Visibility),
  /** Default CREATOR. */
  mode: Schema.optional(ProjectMode)
}).annotations({ identifier: "CreateProjectRequest" })

export const UpdateProjectRequest = Schema.Struct({
  name: Schema.optional(ProjectName),
  visibility: Schema.optional(Visibility),
  mode: Schema.optional(ProjectMode)
}).annotations({ identifier: "UpdateProjectRequest" })

/** INF: the documents name `sortBy` (updatedAt or name) but no direction: names A→Z, times newest first. */
export const ProjectSort = Schema.Literal("updatedAt", "name")

export const ListProjectsParams = Schema.Struct({
  limit: Schema.optional(Limit),
  cursor: Schema.optional(Cursor),
  searchQuery: Schema.optional(Schema.String),
  sortBy: Schema.optional(ProjectSort)
})

/** INF: the project list envelope is not documented; it is the assets one. */
export const ProjectList = Schema.Struct({
  items: Schema.Array(Project),
  nextCursor: Schema.optional(Schema.NullOr(Schema.String))
}).annotations({ identifier: "ProjectList" })

// ---------------------------------------------------------------------------------------------
// Assets (seed 002, SDK)
// ---------------------------------------------------------------------------------------------

export const AssetType = Schema.Literal("AUDIO", "VIDEO", "IMAGE")
export const AssetInputType = Schema.Literal("UPLOAD", "URL", "RECORD", "TTS", "EXTRACT", "PLATFORM_IMPORT")
export const AssetSort = Schema.Literal(
  "nameAsc",
  "nameDesc",
  "dateAsc",
  "dateDesc",
  "durationAsc",
  "durationDesc",
  "sizeAsc",
  "sizeDesc",
  "kindAsc",
  "kindDesc"
)
export type AssetSort = typeof AssetSort.Type

/** `projectId` is echoed, or null (seed 000); a response without it is read as null. */
const FiledUnder = Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null })

export const Asset = Schema.Struct({
  id: Schema.String,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  type: AssetType,
  visibility: Visibility,
  name: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  size: Schema.optional(Schema.Number),
  format: Schema.optional(Schema.String),
  inputType: Schema.optional(AssetInputType),
  durationSeconds: Schema.optional(Schema.Number),
  thumbnailUrl: Schema.optional(Schema.String),
  width: Schema.optional(Schema.Number),
  height: Schema.optional(Schema.Number),
  projectId: FiledUnder
}).annotations({ identifier: "Asset" })
export type Asset = typeof Asset.Type

const NonNegativeInt = Schema.Number.pipe(Schema.int(), Schema.nonNegative())

/**
 * Registering an asset by URL. INF: the create route is not in our sources (seed 000 only says
 * an asset is "registered" with an optional `projectId`); `POST /v2/assets` with the asset's
 * metadata, the media staying where `url` points. `visibility` defaults to ORGANIZATION, as in
 * the seed's example asset.
 */
export const CreateAssetRequest = Schema.Struct({
  url: Url,
  type: AssetType,
  name: Schema.optional(Schema.String.pipe(Schema.maxLength(255))),
  visibility: Schema.optional(Visibility),
  size: Schema.optional(NonNegativeInt),
  format: Schema.optional(Schema.String.pipe(Schema.maxLength(32))),
  durationSeconds: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  thumbnailUrl: Schema.optional(Url),
  width: Schema.optional(NonNegativeInt),
  height: Schema.optional(NonNegativeInt),
  projectId: Schema.optional(Schema.NullOr(Schema.String))
}).annotations({ identifier: "CreateAssetRequest" })

export const ListAssetsParams = Schema.Struct({
  projectId: Schema.optional(Schema.String),
  limit: Schema.optional(Limit),
  cursor: Schema.optional(Cursor),
  searchQuery: Schema.optional(Schema.String),
  sortBy: Schema.optional(AssetSort),
  types: Schema.optional(MultiValue(AssetType))
})

/**
 * The largest upload the server takes. INF: sync.so caps single uploads at 5 GB (create-upload:
 * "Single uploads are capped at 5GB"); the reference server keeps uploads in its database, so it
 * takes at most 64 MiB — a larger `size` is refused with 400 at `POST /v2/assets/upload`.
 */
export const maxUploadBytes = 64 * 1024 * 1024

/** How long an upload URL stays valid, in seconds (INF: the page names `expiresIn`, not its value). */
export const uploadExpiresInSeconds = 3600

/** Create Upload URL (assets-api/create-upload): the file's name, MIME type and size in bytes. */
export const CreateAssetUploadRequest = Schema.Struct({
  fileName: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(255)),
  contentType: Schema.String.pipe(Schema.pattern(/^[\w.+-]+\/[\w.+-]+$/), Schema.maxLength(255)),
  size: Schema.Number.pipe(Schema.int(), Schema.between(1, maxUploadBytes))
}).annotations({ identifier: "CreateAssetUploadRequest" })

/** Where to PUT the bytes (no key, the same Content-Type), the URL to register, and for how long. */
export const AssetUpload = Schema.Struct({
  uploadUrl: Schema.String,
  url: Schema.String,
  expiresIn: Schema.Number
}).annotations({ identifier: "AssetUpload" })

/** Update Asset (assets-api/update): only the fields sent change. */
export const UpdateAssetRequest = Schema.Struct({
  name: Schema.optional(Schema.String.pipe(Schema.maxLength(255))),
  visibility: Schema.optional(Visibility),
  durationSeconds: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  size: Schema.optional(NonNegativeInt),
  format: Schema.optional(Schema.String.pipe(Schema.maxLength(32))),
  width: Schema.optional(NonNegativeInt),
  height: Schema.optional(NonNegativeInt)
}).annotations({ identifier: "UpdateAssetRequest" })

/** Delete Asset's answer (assets-api/delete): the id of the deleted asset. */
export const DeletedAsset = Schema.Struct({ id: Schema.String }).annotations({ identifier: "DeletedAsset" })

/** Find Uploaded Asset's query (assets-api/find-uploaded). */
export const FindUploadedParams = Schema.Struct({
  contentSha256: Schema.String.pipe(Schema.pattern(/^[a-f0-9]{64}$/)),
  type: AssetType
})

/** Find Uploaded Asset's answer: the newest match, or null. */
export const FoundUpload = Schema.Struct({ asset: Schema.NullOr(Asset) }).annotations({ identifier: "FoundUploadedAsset" })

/** Attach Asset to Project (projects/attach-asset). */
export const AttachProjectAssetRequest = Schema.Struct({ assetId: Schema.String.pipe(Schema.minLength(1)) })
  .annotations({ identifier: "AttachProjectAssetRequest" })

export const AssetList = Schema.Struct({
  items: Schema.Array(Asset),
  nextCursor: Schema.optional(Schema.NullOr(Schema.String)),
  totalCount: Schema.optional(Schema.Number)
}).annotations({ identifier: "PaginatedAssetsResponse" })

// ---------------------------------------------------------------------------------------------
// Generations (SDK; projectId from seed 000)
// ---------------------------------------------------------------------------------------------

export const Model = Schema.Literal("lipsync-2", "lipsync-1.9.0-beta", "lipsync-2-pro", "react-1", "sync-3")
export type Model = typeof Model.Type

export const GenerationStatus = Schema.Literal("PENDING", "PROCESSING", "COMPLETED", "FAILED", "REJECTED")
export type GenerationStatus = typeof GenerationStatus.Type

const Segments = Schema.Array(Schema.Array(Schema.Number))

/** A media input names its media by `url` or by `assetId`. */
const locatable = <A extends { readonly url?: string | undefined; readonly assetId?: string | undefined }, I, R>(
  self: Schema.Schema<A, I, R>
) =>
  self.pipe(
    Schema.filter((input) => input.url !== undefined || input.assetId !== undefined || "needs url or assetId", {
      // (In `allOf`: a bare `anyOf` would replace the object's own schema in the document.)
      jsonSchema: { allOf: [{ anyOf: [{ required: ["url"] }, { required: ["assetId"] }] }] }
    })
  )

export const VideoInput = Schema.Struct({
  type: Schema.Literal("video"),
  url: Schema.optional(Url),
  assetId: Schema.optional(Id),
  segments_secs: Schema.optional(Segments),
  segments_frames: Schema.optional(Segments)
}).pipe(locatable)

export const AudioInput = Schema.Struct({
  type: Schema.Literal("audio"),
  url: Schema.optional(Url),
  assetId: Schema.optional(Id),
  refId: Schema.optional(Schema.String)
}).pipe(locatable)

export const TextInput = Schema.Struct({
  type: Schema.Literal("text"),
  provider: Schema.Struct({
    name: Schema.Literal("elevenlabs"),
    voiceId: Schema.String,
    script: Schema.String,
    stability: Schema.optional(Schema.Number),
    similarityBoost: Schema.optional(Schema.Number)
  }),
  refId: Schema.optional(Schema.String)
})

/**
 * An image to animate (INF: the create-with-files page's `image` file, "only supported with
 * sync-3"; its JSON item is read by analogy with video and audio).
 */
export const ImageInput = Schema.Struct({
  type: Schema.Literal("image"),
  url: Schema.optional(Url),
  assetId: Schema.optional(Id)
}).pipe(locatable)

export const Input = Schema.Union(VideoInput, AudioInput, TextInput, ImageInput).annotations({ identifier: "Input" })
export type Input = typeof Input.Type

export const GenerationOptions = Schema.Struct({
  sync_mode: Schema.optional(Schema.Literal("bounce", "loop", "cut_off", "silence", "remap")),
  model_mode: Schema.optional(Schema.Literal("lips", "face", "head")),
  prompt: Schema.optional(Schema.Literal("happy", "sad", "angry", "disgusted", "surprised", "neutral")),
  temperature: Schema.optional(Schema.Number.pipe(Schema.between(0, 1))),
  active_speaker_detection: Schema.optional(Schema.Struct({
    auto_detect: Schema.optional(Schema.Boolean),
    frame_number: Schema.optional(Schema.Number),
    coordinates: Schema.optional(Schema.Array(Schema.Number)),
    bounding_boxes: Schema.optional(Schema.Array(Schema.NullOr(Schema.Array(Schema.Number))))
  })),
  occlusion_detection_enabled: Schema.optional(Schema.Boolean)
}).annotations({ identifier: "GenerationOptions" })

export const GenerationSegment = Schema.Struct({
  startTime: Schema.Number,
  endTime: Schema.Number,
  audioInput: Schema.Struct({
    refId: Schema.String,
    startTime: Schema.optional(Schema.Number),
    endTime: Schema.optional(Schema.Number)
  })
})

export const CreateGenerationRequest = Schema.Struct({
  model: Model,
  input: Schema.NonEmptyArray(Input),
  options: Schema.optional(GenerationOptions),
  segments: Schema.optional(Schema.Array(GenerationSegment)),
  webhookUrl: Schema.optional(WebhookUrl),
  outputFileName: Schema.optional(Schema.String.pipe(Schema.maxLength(255))),
  projectId: Schema.optional(Schema.NullOr(Schema.String))
}).annotations({ identifier: "CreateGenerationDto" })
export type CreateGenerationRequest = typeof CreateGenerationRequest.Type

export const Generation = Schema.Struct({
  id: Schema.String,
  createdAt: Schema.DateTimeUtc,
  status: GenerationStatus,
  model: Model,
  input: Schema.Array(Input),
  options: Schema.optional(GenerationOptions),
  segments: Schema.optional(Schema.Array(GenerationSegment)),
  outputUrl: Schema.optional(Schema.String),
  outputDuration: Schema.optional(Schema.Number),
  segmentOutputUrl: Schema.optional(Schema.String),
  error: Schema.optional(Schema.String),
  error_code: Schema.optional(Schema.String),
  /**
   * The failure's code from the catalog (generate-api/get and generate-api/delete: "errorCode: Stable,
   * machine-readable error code if the generation failed … GET /v2/errors"), beside the older `error_code`.
   */
  errorCode: Schema.optional(Schema.String),
  webhookUrl: Schema.optional(Schema.String),
  projectId: FiledUnder
}).annotations({ identifier: "Generation" })
export type Generation = typeof Generation.Type

export const ListGenerationsParams = Schema.Struct({
  status: Schema.optional(MultiValue(GenerationStatus)),
  ids: Schema.optional(MultiValue(Schema.String))
})

export const EstimatedGenerationCost = Schema.Struct({
  estimatedFrameCount: Schema.Number,
  estimatedGenerationCost: Schema.Number
}).annotations({ identifier: "EstimatedGenerationCost" })

// ---------------------------------------------------------------------------------------------
// Generations with files (https://sync.so/docs/api-reference/api/generate-api/create-with-files)
// ---------------------------------------------------------------------------------------------

/**
 * The largest file a multipart generation accepts, exclusive: "Only files below 20MB are
 * supported" (create-with-files). A file of this many bytes or more is refused with 413.
 */
export const maxGenerationFileBytes = 20 * 1024 * 1024

/** The file fields of a multipart generation, and the input type each one stands for. */
export const generationFileFields = { video: "video", audio: "audio", image: "image" } as const

const formFile = (description: string) =>
  Schema.optional(Multipart.SingleFileSchema.annotations({
    jsonSchema: { type: "string", format: "binary", description }
  }))

const jsonField = (description: string) => Schema.String.annotations({ description })

/**
 * `POST /v2/generate` as `multipart/form-data`: the same request as the JSON form, its files sent
 * as parts. The official SDK (`@sync.so/sdk` 0.3.0, `generations.createWithFiles`) sends `video`,
 * `audio`, `model`, one `input` field per input item (that item's JSON), `options` (JSON) and
 * `webhookUrl`; `image` is the page's ("only supported with sync-3"). INF: `projectId`,
 * `outputFileName` and `segments` (JSON) are read too, as in the JSON form. Each file becomes an
 * asset of the organization (inputType UPLOAD; measured and hashed, not stored) and the
 * generation's input item of its type ("the file taking precedence over the url").
 */
export const CreateGenerationWithFilesForm = Schema.Struct({
  video: formFile(`The video, below ${maxGenerationFileBytes} bytes`),
  audio: formFile(`The audio, below ${maxGenerationFileBytes} bytes`),
  image: formFile(`An image (sync-3 only), below ${maxGenerationFileBytes} bytes`),
  model: Model,
  input: Schema.optional(Schema.Union(
    jsonField("One input item as JSON (an object of the JSON form's input)"),
    Schema.Array(jsonField("One input item as JSON"))
  ).annotations({ description: "One field per input item, each holding that item as JSON" })),
  options: Schema.optional(jsonField("The options object, as JSON")),
  segments: Schema.optional(jsonField("The segments array, as JSON")),
  webhookUrl: Schema.optional(Schema.String),
  outputFileName: Schema.optional(Schema.String),
  projectId: Schema.optional(Schema.String)
}).pipe(HttpApiSchema.Multipart).annotations({ identifier: "CreateGenerationWithFilesForm" })

// ---------------------------------------------------------------------------------------------
// Batches (https://sync.so/docs/api-reference/api/batch-api/create, …/get, …/list,
// https://sync.so/docs/api-reference/guides/batch-processing)
// ---------------------------------------------------------------------------------------------

/** "Maximum file size: 5MB" (create batch): a larger `input` file is refused with 413. */
export const maxBatchFileBytes = 5 * 1024 * 1024
/** "Minimum 20 records required" (create batch). */
export const minBatchLines = 20
/** "Maximum requests per batch: 500" (create batch). */
export const maxBatchLines = 500

export const BatchStatus = Schema.Literal("PENDING", "JOBS_CREATED", "PROCESSING", "COMPLETED", "FAILED")
export type BatchStatus = typeof BatchStatus.Type

export const BatchMetrics = Schema.Struct({
  total_generations: Schema.Number,
  success_count: Schema.Number,
  failed_count: Schema.Number,
  pending_count: Schema.Number
}).annotations({ identifier: "BatchMetrics" })

export const Batch = Schema.Struct({
  id: Schema.String,
  created_at: Schema.DateTimeUtc,
  status: BatchStatus,
  metrics: BatchMetrics,
  webhookUrl: Schema.optional(Schema.NullOr(Schema.String)),
  /** Where the results are (JSON Lines), once the batch has completed; "" until then. */
  outputUrl: Schema.String
}).annotations({ identifier: "BatchResponse" })
export type Batch = typeof Batch.Type

/** What a dry run answers when every line would be accepted. */
export const BatchValidation = Schema.Struct({ status: Schema.Literal("VALIDATED") }).annotations({
  identifier: "ValidationResponse"
})

/**
 * One line of a batch's `input` file: `{"request_id", "endpoint": "/v2/generate", "payload"}`, the
 * payload a Create Generation JSON body (batch-processing guide).
 */
export const BatchLine = Schema.Struct({
  request_id: Schema.String,
  endpoint: Schema.Literal("/v2/generate"),
  payload: CreateGenerationRequest
}).annotations({ identifier: "BatchLine" })
export type BatchLine = typeof BatchLine.Type

/**
 * `POST /v2/batch`'s form (SDK `batch.create`: `input` file, `webhook_url`, `dry_run` as "true" or
 * "false"). Read as a stream by the server, so the 5 MB limit holds while the file arrives.
 */
export const CreateBatchForm = HttpApiSchema.MultipartStream(Schema.Struct({
  input: Multipart.SingleFileSchema.annotations({
    jsonSchema: {
      type: "string",
      format: "binary",
      description: `JSON Lines, one BatchLine per line: ${minBatchLines} to ${maxBatchLines} lines, at most ` +
        `${maxBatchFileBytes} bytes (413 above); blank lines are skipped`
    }
  }),
  webhook_url: Schema.optional(Schema.String),
  dry_run: Schema.optional(Schema.Literal("true", "false"))
}), {
  // A JSON Lines file is a file whatever its content type ("application/jsonl" would otherwise be
  // read as a JSON text field).
  fieldMimeTypes: []
}).annotations({ identifier: "CreateBatchForm" })

/** A datetime in a query (ISO 8601); one that does not parse is a 400. */
const QueryDateTime = Schema.DateTimeUtc.annotations({
  jsonSchema: { type: "string", format: "date-time", description: "An ISO 8601 datetime" }
})

export const ListBatchesParams = Schema.Struct({
  status: Schema.optional(BatchStatus),
  created_after: Schema.optional(QueryDateTime),
  created_before: Schema.optional(QueryDateTime)
})

/** One line of a batch's results file. */
export const BatchResultLine = Schema.Struct({
  request_id: Schema.String,
  response: Schema.optional(Generation),
  error: Schema.optional(Schema.Struct({ message: Schema.String, code: Schema.String }))
}).annotations({ identifier: "BatchResultLine" })
export type BatchResultLine = typeof BatchResultLine.Type

// ---------------------------------------------------------------------------------------------
// Models (SDK)
// ---------------------------------------------------------------------------------------------

export const ModelInfo = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  type: Schema.Literal("lipsync", "react"),
  version: Schema.String,
  description: Schema.optional(Schema.String),
  deprecatedAt: Schema.optional(Schema.String)
}).annotations({ identifier: "ModelInfo" })
export type ModelInfo = typeof ModelInfo.Type

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

/**
 * An id in a path. Its length is the router's to limit (1 to 100 characters as sent: a longer one
 * matches no route, 404), as the document says (`ContractDocument`).
 */
const IdPath = Schema.Struct({ id: Schema.String.pipe(Schema.minLength(1)) })

/**
 * A group of sync.so endpoints, with what every one of them has: the `x-api-key` (a missing or
 * unknown key is a 401) and the 429 and 500 any endpoint may answer. Each endpoint then declares
 * only the errors of its own. (Group names are unique across every dialect the server mounts,
 * hence the `sync` prefix of each. The 429 and 500 come before the middleware's 401 only so the
 * OpenAPI document lists its schemas in the order it always has.)
 */
const group = <const Name extends string>(name: Name) =>
  HttpApiGroup.make(name).addError(TooManyRequests).addError(InternalServerError).middleware(SyncAuth)

/**
 * The multipart form of `POST /v2/generate` (Create Generation with Files) as an API of its own:
 * one route cannot be declared twice, so `SyncApi` decodes the JSON form and states this one in
 * its document (below), while `SyncClient` sends it through this. The server takes a multipart
 * request to the path by its content type, before any payload is decoded.
 */
export class GenerationsWithFilesApi extends HttpApi.make("syncWithFiles")
  .add(
    group("syncGenerationsWithFiles").add(
      HttpApiEndpoint.post("create", "/v2/generate")
        .setPayload(CreateGenerationWithFilesForm)
        .addSuccess(Generation, { status: 201 })
        .addError(BadRequest)
        .addError(UnprocessableEntity)
        .addError(PayloadTooLarge)
    )
  )
{}

/** The multipart form's request body content, as the platform documents a multipart payload (schema inlined). */
const withFilesContent = (): Record<string, unknown> => {
  const spec = OpenApi.fromApi(GenerationsWithFilesApi)
  const schemas = spec.components.schemas as Record<string, unknown>
  const content = spec.paths["/v2/generate"]?.post?.requestBody?.content ?? {}
  return Object.fromEntries(Object.entries(content).filter(([type]) => type === "multipart/form-data").map(([type, media]) => {
    const ref = (media?.schema as { $ref?: string } | undefined)?.$ref
    const name = ref?.replace("#/components/schemas/", "")
    return [type, name === undefined ? media : { ...media, schema: schemas[name] }]
  }))
}

const documentFilesForm = (operation: Record<string, any>): Record<string, any> => ({
  ...operation,
  requestBody: {
    ...operation.requestBody,
    content: { ...operation.requestBody?.content, ...withFilesContent() }
  }
})

export class ProjectsGroup extends group("syncProjects")
  .add(
    HttpApiEndpoint.post("create", "/v2/projects")
      .setPayload(CreateProjectRequest)
      .addSuccess(Project, { status: 201 })
      .addError(BadRequest)
  )
  .add(
    HttpApiEndpoint.get("list", "/v2/projects")
      .setUrlParams(ListProjectsParams)
      .addSuccess(ProjectList)
      .addError(BadRequest)
  )
  .add(HttpApiEndpoint.get("get", "/v2/projects/:id").setPath(IdPath).addSuccess(Project).addError(NotFound))
  .add(
    HttpApiEndpoint.patch("update", "/v2/projects/:id")
      .setPath(IdPath)
      .setPayload(UpdateProjectRequest)
      .addSuccess(Project)
      .addError(BadRequest)
      .addError(NotFound)
  )
  .add(
    // projects/attach-asset: idempotent, 204; an unknown project or asset is a 404 (INF: which of
    // the page's 404 and 422 each gets), both coded.
    HttpApiEndpoint.post("attachAsset", "/v2/projects/:id/assets")
      .setPath(IdPath)
      .setPayload(AttachProjectAssetRequest)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(BadRequest)
      .addError(NotFound)
  )
  .add(
    // INF: the answer to a delete is not documented; 204 with no body.
    HttpApiEndpoint.del("delete", "/v2/projects/:id")
      .setPath(IdPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound)
  )
  .annotate(OpenApi.Title, "Projects")
{}

export class GenerationsGroup extends group("syncGenerations")
  .add(
    HttpApiEndpoint.post("create", "/v2/generate")
      .setPayload(CreateGenerationRequest)
      .addSuccess(Generation, { status: 201 })
      .addError(BadRequest)
      // An input's assetId that is not an asset of the organization (INF: 404 asset_not_found, as Get Asset).
      .addError(NotFound)
      .addError(UnprocessableEntity)
      .addError(PayloadTooLarge)
      .annotate(
        OpenApi.Description,
        "A JSON body, or multipart/form-data with the media as files (Create Generation with Files): files below " +
          `${maxGenerationFileBytes} bytes (413 otherwise), each becoming an asset of the organization (inputType UPLOAD).`
      )
      .annotate(OpenApi.Transform, documentFilesForm)
  )
  .add(HttpApiEndpoint.get("get", "/v2/generate/:id").setPath(IdPath).addSuccess(Generation).addError(NotFound))
  .add(
    // generate-api/delete: terminal states only, 409 generation_not_deletable_while_processing
    // otherwise; answers the deleted generation ("Generation deleted successfully").
    HttpApiEndpoint.del("delete", "/v2/generate/:id")
      .setPath(IdPath)
      .addSuccess(Generation)
      .addError(NotFound)
      .addError(Conflict)
      .annotate(OpenApi.Description, "Deletes a generation in a terminal state (COMPLETED, FAILED, REJECTED); 409 while it is at work")
  )
  .add(
    // generate-api/download: "an unquoted URL in a text/plain body" of a completed generation's
    // output. INF: a generation without an output yet is a 404 (generation_output_not_available).
    HttpApiEndpoint.get("download", "/v2/generations/:id/download")
      .setPath(IdPath)
      .addSuccess(HttpApiSchema.Text().annotations({ description: "The output's download URL, unquoted" }))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("list", "/v2/generations")
      .setUrlParams(ListGenerationsParams)
      .addSuccess(Schema.Array(Generation))
      .addError(BadRequest)
  )
  .add(
    // INF: an estimate creates nothing, so 200 rather than 201.
    HttpApiEndpoint.post("estimateCost", "/v2/analyze/cost")
      .setPayload(CreateGenerationRequest)
      .addSuccess(Schema.Array(EstimatedGenerationCost))
      .addError(BadRequest)
      .addError(UnprocessableEntity)
  )
  .annotate(OpenApi.Title, "Generations")
{}

export class AssetsGroup extends group("syncAssets")
  .add(
    HttpApiEndpoint.post("create", "/v2/assets")
      .setPayload(CreateAssetRequest)
      .addSuccess(Asset, { status: 201 })
      .addError(BadRequest)
      .addError(UnprocessableEntity)
  )
  .add(
    HttpApiEndpoint.get("list", "/v2/assets")
      .setUrlParams(ListAssetsParams)
      .addSuccess(AssetList)
      .addError(BadRequest)
  )
  .add(
    // assets-api/create-upload: then a PUT of the bytes to uploadUrl, then POST /v2/assets with url.
    HttpApiEndpoint.post("createUpload", "/v2/assets/upload")
      .setPayload(CreateAssetUploadRequest)
      .addSuccess(AssetUpload, { status: 201 })
      .addError(BadRequest)
  )
  .add(
    // assets-api/find-uploaded: the newest asset of this key with that digest and type, or null.
    HttpApiEndpoint.get("findUploaded", "/v2/assets/uploaded")
      .setUrlParams(FindUploadedParams)
      .addSuccess(FoundUpload)
      .addError(BadRequest)
  )
  .add(HttpApiEndpoint.get("get", "/v2/assets/:id").setPath(IdPath).addSuccess(Asset).addError(NotFound))
  .add(
    // assets-api/update: owner only (403 asset_forbidden), 404 asset_not_found.
    HttpApiEndpoint.patch("update", "/v2/assets/:id")
      .setPath(IdPath)
      .setPayload(UpdateAssetRequest)
      .addSuccess(Asset)
      .addError(BadRequest)
      .addError(Forbidden)
      .addError(NotFound)
  )
  .add(
    // assets-api/delete: owner only (403 asset_forbidden), 404 asset_not_found.
    HttpApiEndpoint.del("delete", "/v2/assets/:id")
      .setPath(IdPath)
      .addSuccess(DeletedAsset)
      .addError(Forbidden)
      .addError(NotFound)
  )
  .add(
    // assets-api/get-download-url: "Unquoted asset download URL in a text/plain body."
    HttpApiEndpoint.get("download", "/v2/assets/:id/download")
      .setPath(IdPath)
      .addSuccess(HttpApiSchema.Text().annotations({ description: "The asset's download URL, unquoted" }))
      .addError(NotFound)
  )
  .annotate(OpenApi.Title, "Assets")
{}

const BatchPath = Schema.Struct({ id: Schema.String.pipe(Schema.minLength(1)) })

export class BatchesGroup extends group("syncBatches")
  .add(
    // INF: 201 for a created batch, 200 for a dry run (nothing created).
    HttpApiEndpoint.post("create", "/v2/batch")
      .setPayload(CreateBatchForm)
      .addSuccess(Batch, { status: 201 })
      .addSuccess(BatchValidation)
      .addError(BadRequest)
      .addError(PayloadTooLarge)
      .annotate(
        OpenApi.Description,
        "Creates a batch of generations from a JSON Lines file (each line validated like a Create Generation " +
          "request, projectId included; a refused payload fails that line only). With dry_run=true nothing is " +
          "created: 200 {status: VALIDATED}, or 400 naming the first failing line."
      )
  )
  .add(HttpApiEndpoint.get("get", "/v2/batch/:id").setPath(BatchPath).addSuccess(Batch).addError(NotFound))
  .add(
    HttpApiEndpoint.get("list", "/v2/batch")
      .setUrlParams(ListBatchesParams)
      .addSuccess(Schema.Array(Batch))
      .addError(BadRequest)
      .annotate(OpenApi.Description, "The caller's batches, newest first")
  )
  .add(
    // The batch's outputUrl (INF: https://api.sync.so/v2/batches/<id>/result on the real service).
    HttpApiEndpoint.get("results", "/v2/batches/:id/result")
      .setPath(BatchPath)
      .addSuccess(HttpApiSchema.Text({ contentType: "application/jsonl" }).annotations({
        description: "JSON Lines, one BatchResultLine per line of the batch's input, in its order"
      }))
      .addError(NotFound)
      .annotate(OpenApi.Description, "The results of a completed batch; 404 before it completes")
  )
  .annotate(OpenApi.Title, "Batches")
{}

export class ModelsGroup extends group("syncModels")
  .add(HttpApiEndpoint.get("list", "/v2/models").addSuccess(Schema.Array(ModelInfo)))
  .annotate(OpenApi.Title, "Models")
{}

/**
 * INF: sync.so's answer to a body in a media type the operation does not declare, in its error body.
 * (Not a class of `SyncErrors`: no endpoint fails with it, the server's door does.)
 */
export const UnsupportedMediaType = Schema.Struct({
  message: Schema.String,
  statusCode: Schema.Literal(415),
  errorCode: Schema.Literal("unsupported_media_type"),
  suggestion: Schema.String
}).annotations({ identifier: "UnsupportedMediaType", description: "The body's Content-Type is not one the operation declares" })

/**
 * The catalog of error codes (errors-api/list: "This endpoint is unauthenticated"): no `x-api-key`,
 * so outside `group`; it may still answer 429 or 500.
 */
export class ErrorsGroup extends HttpApiGroup.make("syncErrors")
  .addError(TooManyRequests)
  .addError(InternalServerError)
  .add(HttpApiEndpoint.get("list", "/v2/errors").addSuccess(Schema.Array(ErrorCatalogEntry)))
  .annotate(OpenApi.Title, "Errors")
{}

/**
 * The bodies of the refusals no endpoint declares (a request that does not decode or breaks a rule
 * every route holds; a body too large), as the document and the server's fallback write them.
 */
export const refusals: ContractDocument.Refusals = {
  badRequest: BadRequest,
  payloadTooLarge: PayloadTooLarge,
  unsupportedMediaType: UnsupportedMediaType
}

/** sync.so v2: its routes, group by group. Every endpoint needs an `x-api-key` and may answer 429 or 500. */
export class SyncApi extends HttpApi.make("sync")
  .add(ProjectsGroup)
  .add(GenerationsGroup)
  .add(AssetsGroup)
  .add(BatchesGroup)
  .add(ModelsGroup)
  .add(ErrorsGroup)
  .annotate(OpenApi.Title, "sync.so API v2 (projectkit)")
  .annotate(OpenApi.Version, "2")
  .pipe(ContractDocument.annotate(refusals))
{}
