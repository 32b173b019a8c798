/**
 * The editor Open API's errors, in one place: how each looks on the wire (`{code, message}`, with
 * its status), what it means in projectkit's core terms for the client (`table.toCore`), how the
 * reference server answers a core error (`table.fromCore`), and the body of a failure no endpoint
 * describes — bad JSON, an unknown route, a body too large — (`table.body`).
 *
 * Source: SEED names the codes OPEN_API_PROJECT_SYNC_RATE_LIMITED and
 * OPEN_API_RUNTIME_ACCESS_FORBIDDEN; INF: the body shape and the other codes, in the same style
 * (see ../shared/providers/editor.md).
 */
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { ErrorTable, WireError } from "@projectkit/http"
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"

// ---------------------------------------------------------------------------------------------
// The wire errors
// ---------------------------------------------------------------------------------------------

const errorBody = <const Codes extends ReadonlyArray<string>>(...codes: Codes) => ({
  code: Schema.Literal(...codes),
  message: Schema.String
})

export class ValidationFailed extends WireError.Class<ValidationFailed>("@projectkit/editor/ValidationFailed")(
  400,
  errorBody("OPEN_API_VALIDATION_FAILED")
) {}

export class Unauthorized extends WireError.Class<Unauthorized>("@projectkit/editor/Unauthorized")(
  401,
  errorBody("OPEN_API_UNAUTHORIZED"),
  { description: "The bearer API key is missing or unknown" }
) {}

export class RuntimeAccessForbidden extends WireError.Class<RuntimeAccessForbidden>("@projectkit/editor/RuntimeAccessForbidden")(
  403,
  errorBody("OPEN_API_RUNTIME_ACCESS_FORBIDDEN"),
  { description: "The account is not eligible for runtime OpenAPI access" }
) {}

export class NotFound extends WireError.Class<NotFound>("@projectkit/editor/NotFound")(
  404,
  errorBody("OPEN_API_PROJECT_NOT_FOUND", "OPEN_API_EXPORT_NOT_FOUND", "OPEN_API_ASSET_NOT_FOUND", "OPEN_API_NOT_FOUND")
) {}

export class PayloadTooLarge extends WireError.Class<PayloadTooLarge>("@projectkit/editor/PayloadTooLarge")(
  413,
  errorBody("OPEN_API_PAYLOAD_TOO_LARGE"),
  { description: "The body, or the editorState in it, is larger than the server accepts (see EditorState)" }
) {}

export class UnknownAssetReference extends WireError.Class<UnknownAssetReference>("@projectkit/editor/UnknownAssetReference")(
  422,
  { ...errorBody("OPEN_API_ASSET_REFERENCE_INVALID"), assetIds: Schema.optional(Schema.Array(Schema.String)) },
  {
    description: "The editorState to render refers to an asset the project (for a stateless export: the account) " +
      "does not have; no task was created"
  }
) {}

export class SyncRateLimited extends WireError.Class<SyncRateLimited>("@projectkit/editor/SyncRateLimited")(
  429,
  errorBody("OPEN_API_PROJECT_SYNC_RATE_LIMITED"),
  { description: "Too many syncs of this project; back off (Retry-After, in seconds) and retry with jitter" }
) {}

export class InternalError extends WireError.Class<InternalError>("@projectkit/editor/InternalError")(
  500,
  errorBody("OPEN_API_INTERNAL_ERROR")
) {}

/** Every error class of the editor, by status. */
export const classes = [
  ValidationFailed,
  Unauthorized,
  RuntimeAccessForbidden,
  NotFound,
  PayloadTooLarge,
  UnknownAssetReference,
  SyncRateLimited,
  InternalError
] as const

/** Every error the editor answers with. */
export type EditorWireError = InstanceType<typeof classes[number]>

// ---------------------------------------------------------------------------------------------
// How they read
// ---------------------------------------------------------------------------------------------

/** The code of an error the framework raised (decoding, routing, body limits) rather than a handler. */
export const codeForStatus = (status: number): string => {
  switch (status) {
    case 400:
      return "OPEN_API_VALIDATION_FAILED"
    case 401:
      return "OPEN_API_UNAUTHORIZED"
    case 403:
      return "OPEN_API_RUNTIME_ACCESS_FORBIDDEN"
    case 404:
      return "OPEN_API_NOT_FOUND"
    case 413:
      return "OPEN_API_PAYLOAD_TOO_LARGE"
    case 415:
      return "OPEN_API_UNSUPPORTED_MEDIA_TYPE"
    case 429:
      return "OPEN_API_RATE_LIMITED"
    default:
      return status >= 500 ? "OPEN_API_INTERNAL_ERROR" : "OPEN_API_BAD_REQUEST"
  }
}

/** `Retry-After` of a 429, in whole seconds: at least 1, and never earlier than the limiter allows. */
export const retryAfterSeconds = (retryAfter: Duration.Duration): number =>
  Math.max(1, Math.ceil(Duration.toMillis(retryAfter) / 1000))

const notFoundCodes: Readonly<Record<string, NotFound["code"]>> = {
  project: "OPEN_API_PROJECT_NOT_FOUND",
  export: "OPEN_API_EXPORT_NOT_FOUND",
  asset: "OPEN_API_ASSET_NOT_FOUND"
}

const notFoundNouns: Readonly<Record<string, string>> = { project: "Project", export: "Export task", asset: "Asset" }

/** The resource a 404's code names, for a client that only knows what it asked about. */
const notFoundResource = (code: NotFound["code"], asked: string): string =>
  code === "OPEN_API_EXPORT_NOT_FOUND" ? "export" : code === "OPEN_API_ASSET_NOT_FOUND" ? "asset" : asked

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/** What an editor call can fail with, in projectkit's core terms. */
export type CoreError =
  | ProjectsError.NotFound
  | ProjectsError.Unauthorized
  | ProjectsError.Forbidden
  | ProjectsError.InvalidReference
  | ProjectsError.Validation
  | ProjectsError.RateLimited
  | ProjectsError.ProviderFailure

/**
 * The wire error answering each core error. The editor has no 409 and nothing it refuses as
 * unsupported: a `Conflict` or `Unsupported` is a request the server will not carry out as sent,
 * which the editor says with its 400 (the code every other refused request gets).
 */
export type ByTag = {
  readonly NotFound: NotFound
  readonly Unauthorized: Unauthorized
  /** The editor's only 403: runtime OpenAPI access. */
  readonly Forbidden: RuntimeAccessForbidden
  /** The editor's only 429: the per-project sync limit. */
  readonly RateLimited: SyncRateLimited
  readonly InvalidReference: UnknownAssetReference
  /** 413 when `reason` is `TooLarge`, else 400. */
  readonly Validation: ValidationFailed | PayloadTooLarge
  readonly Conflict: ValidationFailed
  readonly Unsupported: ValidationFailed
  readonly ProviderFailure: InternalError
}

const toCore = (error: EditorWireError, subject: ErrorTable.Subject): CoreError => {
  if (error instanceof ValidationFailed) return ProjectsError.Validation.single([], error.message)
  if (error instanceof Unauthorized) {
    return new ProjectsError.Unauthorized({ reason: "InvalidCredentials", description: error.message })
  }
  if (error instanceof RuntimeAccessForbidden) {
    return new ProjectsError.Forbidden({ reason: "AccessDisabled", description: error.message })
  }
  if (error instanceof NotFound) {
    return new ProjectsError.NotFound({ resource: notFoundResource(error.code, subject.resource), id: subject.id ?? "" })
  }
  if (error instanceof UnknownAssetReference) {
    return new ProjectsError.InvalidReference({
      field: "editorState.assetId",
      id: error.assetIds?.[0] ?? error.message,
      ...(error.assetIds === undefined ? {} : { ids: error.assetIds }),
      description: error.message
    })
  }
  if (error instanceof PayloadTooLarge) {
    return new ProjectsError.Validation({ issues: [{ path: ["editorState"], message: error.message }], reason: "TooLarge" })
  }
  if (error instanceof SyncRateLimited) {
    // Not reached through `Adapter.call`: the transport keeps a 429 as a response error, to read
    // its Retry-After header, which this body does not carry.
    return new ProjectsError.RateLimited({ retryAfter: Duration.zero, description: error.message })
  }
  return new ProjectsError.ProviderFailure({ provider: "editor", status: 500, body: error })
}

const fromCore = (error: ProjectsError.ProjectsError): EditorWireError => {
  switch (error._tag) {
    case "NotFound": {
      const noun = notFoundNouns[error.resource]
      return new NotFound({
        code: notFoundCodes[error.resource] ?? "OPEN_API_NOT_FOUND",
        message: error.description ?? (noun === undefined ? error.message : `${noun} ${error.id} not found`)
      })
    }
    case "Unauthorized":
      return new Unauthorized({
        code: "OPEN_API_UNAUTHORIZED",
        message: error.description ??
          (error.reason === "MissingCredentials" ? "Missing API key: send it as Authorization: Bearer <key>" : "Invalid API key")
      })
    case "Forbidden":
      return new RuntimeAccessForbidden({
        code: "OPEN_API_RUNTIME_ACCESS_FORBIDDEN",
        message: error.description ?? "This account does not have runtime OpenAPI access, which project routes require"
      })
    case "RateLimited":
      return new SyncRateLimited({
        code: "OPEN_API_PROJECT_SYNC_RATE_LIMITED",
        message: error.description ??
          `Too many syncs of this project; retry after ${retryAfterSeconds(error.retryAfter)} s, with jitter`
      })
    case "InvalidReference": {
      const assetIds = error.ids ?? [error.id]
      return new UnknownAssetReference({
        code: "OPEN_API_ASSET_REFERENCE_INVALID",
        message: error.description ?? `editorState refers to assets that do not exist: ${assetIds.join(", ")}`,
        assetIds
      })
    }
    case "Validation":
      return error.reason === "TooLarge"
        ? new PayloadTooLarge({ code: "OPEN_API_PAYLOAD_TOO_LARGE", message: error.message })
        : new ValidationFailed({ code: "OPEN_API_VALIDATION_FAILED", message: error.message })
    case "Conflict":
    case "Unsupported":
      return new ValidationFailed({ code: "OPEN_API_VALIDATION_FAILED", message: error.message })
    case "ProviderFailure":
      return new InternalError({ code: "OPEN_API_INTERNAL_ERROR", message: error.description ?? "Internal server error" })
  }
}

/** The editor's errors both ways, and its body for failures below the contract. */
export const table = ErrorTable.make<EditorWireError, CoreError, ByTag>({
  provider: "editor",
  classes,
  toCore,
  fromCore: <E extends ProjectsError.ProjectsError>(error: E) => fromCore(error) as ByTag[E["_tag"]],
  body: (status, message) => ({ code: codeForStatus(status), message })
})
