/**
 * Indream's Open API errors, in one place: how each looks on the wire (a problem-details body
 * `{type, title, status, detail, errorCode}` with its status), what it means in projectkit's core
 * terms for the client (`table.toCore`), how the reference server answers a core error
 * (`table.fromCore`), and the body of a failure no endpoint describes — bad JSON, an unknown route,
 * a body too large — (`table.body`).
 *
 * Sources: openapi.yaml (`components/schemas/Problem`: `type`, `title`, `status`, `detail`
 * required, `errorCode` optional; its example `{type: "FORBIDDEN", title: "Forbidden", status: 403,
 * detail, errorCode: "OPEN_API_RUNTIME_ACCESS_FORBIDDEN"}`; the codes
 * `OPEN_API_PROJECT_SYNC_RATE_LIMITED`, `OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED`,
 * `ASSET_REFERENCED`); the official client's tests (`type` `UNAUTHORIZED` with `OPEN_API_KEY_INVALID`,
 * `UNPROCESSABLE_CONTENT` with `EDITOR_SCHEMA_INVALID`, `RATE_LIMITED` with
 * `OPEN_API_REQUEST_LIMIT_EXCEEDED`; a body without `type` and `title` is not a problem). Every
 * other `type`, `title` and `errorCode` below is INF, in the same style.
 */
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { ErrorTable, WireError } from "@projectkit/http"
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"

// ---------------------------------------------------------------------------------------------
// The error codes
// ---------------------------------------------------------------------------------------------

/**
 * Every `errorCode` projectkit sends, with where it comes from. The document names four (DOC); the
 * official client's tests three more (CLIENT); the rest are INF.
 */
export const ErrorCode = {
  /** INF: a request that does not decode (a parameter out of its limits, a malformed body). */
  RequestInvalid: "OPEN_API_REQUEST_INVALID",
  /** INF: a `pageCursor` this list did not hand out. */
  PageCursorInvalid: "OPEN_API_PAGE_CURSOR_INVALID",
  /** INF: no `x-api-key` header. */
  ApiKeyMissing: "OPEN_API_KEY_MISSING",
  /** CLIENT: an unknown API key. */
  ApiKeyInvalid: "OPEN_API_KEY_INVALID",
  /** DOC: the account has no runtime access (every route but capabilities and validate). */
  RuntimeAccessForbidden: "OPEN_API_RUNTIME_ACCESS_FORBIDDEN",
  /** INF: the 404s, by resource. */
  ProjectNotFound: "OPEN_API_PROJECT_NOT_FOUND",
  AssetNotFound: "OPEN_API_ASSET_NOT_FOUND",
  ExportNotFound: "OPEN_API_EXPORT_NOT_FOUND",
  RouteNotFound: "OPEN_API_ROUTE_NOT_FOUND",
  /** DOC: `DELETE /v1/assets/{assetId}` while an active record (a binding, a saved state) uses it. */
  AssetReferenced: "ASSET_REFERENCED",
  /** INF: an `Idempotency-Key` already used with another request payload. */
  IdempotencyKeyReused: "OPEN_API_IDEMPOTENCY_KEY_REUSED",
  /** INF: any other conflict with the current state. */
  Conflict: "OPEN_API_CONFLICT",
  /** INF: a body over the server's limit. */
  PayloadTooLarge: "OPEN_API_PAYLOAD_TOO_LARGE",
  /** CLIENT: `editorState` fails the v1 JSON Schema (see `IndreamEditorState` for the finer codes). */
  EditorSchemaInvalid: "EDITOR_SCHEMA_INVALID",
  /** DOC: more than 2 active Open API export tasks for the user. */
  ExportConcurrencyLimitExceeded: "OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED",
  /** INF: a `projectId` (e.g. `x-project-id`, a project export) that is not a project of the caller's. */
  ProjectReferenceInvalid: "OPEN_API_PROJECT_REFERENCE_INVALID",
  /** INF: a request the server will not carry out as sent (an unsupported combination). */
  Unprocessable: "OPEN_API_UNPROCESSABLE",
  /** DOC: `POST /v1/projects/{projectId}/sync` over its rate; `Retry-After` says when to retry. */
  ProjectSyncRateLimited: "OPEN_API_PROJECT_SYNC_RATE_LIMITED",
  /** CLIENT: any other rate limit. */
  RequestLimitExceeded: "OPEN_API_REQUEST_LIMIT_EXCEEDED",
  /** INF: a failure of the server. */
  InternalError: "OPEN_API_INTERNAL_ERROR",
  /** INF: the server's storage is unavailable for now. */
  ServiceUnavailable: "OPEN_API_SERVICE_UNAVAILABLE"
} as const
export type ErrorCode = typeof ErrorCode[keyof typeof ErrorCode]

/**
 * The core `RateLimited.rule`s a server store uses for Indream's two documented limits, so that
 * `fromCore` answers each with its own status and code.
 */
export const RateLimitRule = {
  /** 429 `OPEN_API_PROJECT_SYNC_RATE_LIMITED` with `Retry-After`. */
  projectSync: "indream/project-sync",
  /** 422 `OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED`: a limit on active tasks, not on a rate. */
  exportConcurrency: "indream/export-concurrency"
} as const

// ---------------------------------------------------------------------------------------------
// The wire errors
// ---------------------------------------------------------------------------------------------

/**
 * The problem-details `type` and `title` for each status. `FORBIDDEN`/`Forbidden` is the
 * document's example; `UNAUTHORIZED`, `UNPROCESSABLE_CONTENT`, `RATE_LIMITED` the client tests';
 * INF: the others, in the same style.
 */
export const problemKinds: Readonly<Record<number, { readonly type: string; readonly title: string }>> = {
  400: { type: "BAD_REQUEST", title: "Bad request" },
  401: { type: "UNAUTHORIZED", title: "Unauthorized" },
  403: { type: "FORBIDDEN", title: "Forbidden" },
  404: { type: "NOT_FOUND", title: "Not found" },
  405: { type: "METHOD_NOT_ALLOWED", title: "Method not allowed" },
  409: { type: "CONFLICT", title: "Conflict" },
  413: { type: "PAYLOAD_TOO_LARGE", title: "Payload too large" },
  415: { type: "UNSUPPORTED_MEDIA_TYPE", title: "Unsupported media type" },
  422: { type: "UNPROCESSABLE_CONTENT", title: "Unprocessable content" },
  429: { type: "RATE_LIMITED", title: "Too many requests" },
  500: { type: "INTERNAL_ERROR", title: "Internal server error" },
  503: { type: "SERVICE_UNAVAILABLE", title: "Service unavailable" }
}

/** `type` and `title` of `status` (an unlisted 4xx is a bad request, an unlisted 5xx an internal error). */
export const problemKind = (status: number): { readonly type: string; readonly title: string } =>
  problemKinds[status] ?? (status >= 500 ? problemKinds[500]! : problemKinds[400]!)

/**
 * The problem-details body with `status` fixed. `type` and `title` are read as any text (a real
 * server may use its own words); `errorCode` is optional on the wire (the document does not
 * require it) but projectkit's server always sends it.
 */
const problem = <Status extends number>(status: Status) => ({
  type: Schema.String,
  title: Schema.String,
  status: Schema.Literal(status),
  detail: Schema.String,
  errorCode: Schema.optional(Schema.String)
})

export class BadRequest extends WireError.Class<BadRequest>("@projectkit/indream/BadRequest")(400, problem(400), {
  description: "The request is malformed: a parameter out of its limits, a body that does not decode, an unknown cursor"
}) {}

export class Unauthorized extends WireError.Class<Unauthorized>("@projectkit/indream/Unauthorized")(
  401,
  problem(401),
  { description: "The x-api-key header is missing or unknown" }
) {}

export class Forbidden extends WireError.Class<Forbidden>("@projectkit/indream/Forbidden")(403, problem(403), {
  description: "The account is not eligible for this Open API route (OPEN_API_RUNTIME_ACCESS_FORBIDDEN)"
}) {}

export class NotFound extends WireError.Class<NotFound>("@projectkit/indream/NotFound")(404, problem(404), {
  description: "No such project, asset or export task for the caller"
}) {}

export class Conflict extends WireError.Class<Conflict>("@projectkit/indream/Conflict")(409, problem(409), {
  description: "ASSET_REFERENCED (the asset is still used), or an Idempotency-Key reused with another payload"
}) {}

export class PayloadTooLarge extends WireError.Class<PayloadTooLarge>("@projectkit/indream/PayloadTooLarge")(
  413,
  problem(413),
  { description: "The body (an upload, an editorState) is larger than the server accepts" }
) {}

/**
 * INF: a JSON body sent in another media type (the document declares `application/json` only):
 * refused at the server's door, in the problem format, before any handler.
 */
export class UnsupportedMediaType extends WireError.Class<UnsupportedMediaType>("@projectkit/indream/UnsupportedMediaType")(
  415,
  problem(415),
  { description: "The body's Content-Type is not one the operation declares" }
) {}

export class UnprocessableContent extends WireError.Class<UnprocessableContent>(
  "@projectkit/indream/UnprocessableContent"
)(422, problem(422), {
  description: "editorState fails the v1 schema or a semantic rule (EDITOR_*), a reference does not resolve, or " +
    "OPEN_API_EXPORT_CONCURRENCY_LIMIT_EXCEEDED; nothing was stored"
}) {}

export class TooManyRequests extends WireError.Class<TooManyRequests>("@projectkit/indream/TooManyRequests")(
  429,
  problem(429),
  { description: "OPEN_API_PROJECT_SYNC_RATE_LIMITED: back off for Retry-After seconds, then retry" }
) {}

export class InternalError extends WireError.Class<InternalError>("@projectkit/indream/InternalError")(
  500,
  problem(500)
) {}

/** Every error class of Indream, by status. */
export const classes = [
  BadRequest,
  Unauthorized,
  Forbidden,
  NotFound,
  Conflict,
  PayloadTooLarge,
  UnprocessableContent,
  TooManyRequests,
  InternalError
] as const

/** Every error Indream answers with. */
export type IndreamWireError = InstanceType<typeof classes[number]>

/** The fields of a problem of `status` with `errorCode` and `detail`. */
export const problemBody = <Status extends number>(status: Status, errorCode: string, detail: string) => ({
  ...problemKind(status),
  status,
  detail,
  errorCode
})

/** `DELETE /v1/assets/{assetId}` refused: the asset is still used (DOC: 409 `ASSET_REFERENCED`). */
export const assetReferenced = (assetId: string, usedBy?: string): Conflict =>
  new Conflict(problemBody(
    409,
    ErrorCode.AssetReferenced,
    `Asset ${assetId} is still referenced${usedBy === undefined ? "" : ` by ${usedBy}`}; remove those references first`
  ))

/** INF: an `Idempotency-Key` used before with another request payload: 409, nothing is done. */
export const idempotencyKeyReused = (): Conflict =>
  new Conflict(problemBody(
    409,
    ErrorCode.IdempotencyKeyReused,
    "This Idempotency-Key was already used with a different request payload"
  ))

// ---------------------------------------------------------------------------------------------
// How they read
// ---------------------------------------------------------------------------------------------

/** The code of an error the framework raised (decoding, routing, body limits) rather than a handler. */
export const codeForStatus = (status: number): ErrorCode => {
  switch (status) {
    case 400:
      return ErrorCode.RequestInvalid
    case 401:
      return ErrorCode.ApiKeyInvalid
    case 403:
      return ErrorCode.RuntimeAccessForbidden
    case 404:
      return ErrorCode.RouteNotFound
    case 409:
      return ErrorCode.Conflict
    case 413:
      return ErrorCode.PayloadTooLarge
    case 422:
      return ErrorCode.Unprocessable
    case 429:
      return ErrorCode.RequestLimitExceeded
    case 503:
      return ErrorCode.ServiceUnavailable
    default:
      return status >= 500 ? ErrorCode.InternalError : ErrorCode.RequestInvalid
  }
}

/** `Retry-After` of a 429, in whole seconds: at least 1, and never earlier than the limiter allows. */
export const retryAfterSeconds = (retryAfter: Duration.Duration): number =>
  Math.max(1, Math.ceil(Duration.toMillis(retryAfter) / 1000))

const notFoundCodes: Readonly<Record<string, ErrorCode>> = {
  project: ErrorCode.ProjectNotFound,
  asset: ErrorCode.AssetNotFound,
  export: ErrorCode.ExportNotFound
}

const notFoundNouns: Readonly<Record<string, string>> = { project: "Project", asset: "Asset", export: "Export task" }

/** The resource a 404's code names, for a client that only knows what it asked about. */
const notFoundResource = (errorCode: string | undefined, asked: string): string =>
  errorCode === ErrorCode.ProjectNotFound
    ? "project"
    : errorCode === ErrorCode.AssetNotFound
    ? "asset"
    : errorCode === ErrorCode.ExportNotFound
    ? "export"
    : asked

/** The path of a Validation issue in the problem's `detail` (`editorState./tracks/0: …`). */
const isEditorStateIssue = (issue: ProjectsError.ValidationIssue) => issue.path[0] === "editorState"

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/** What an Indream call can fail with, in projectkit's core terms. */
export type CoreError =
  | ProjectsError.NotFound
  | ProjectsError.Unauthorized
  | ProjectsError.Forbidden
  | ProjectsError.InvalidReference
  | ProjectsError.Validation
  | ProjectsError.Conflict
  | ProjectsError.RateLimited
  | ProjectsError.ProviderFailure

/** The wire error answering each core error (see `fromCore`). */
export type ByTag = {
  readonly NotFound: NotFound
  readonly Unauthorized: Unauthorized
  /** Indream's only 403: runtime access. */
  readonly Forbidden: Forbidden
  /** 429, or 422 for the export concurrency limit (`RateLimitRule.exportConcurrency`). */
  readonly RateLimited: TooManyRequests | UnprocessableContent
  /** 422 `OPEN_API_PROJECT_REFERENCE_INVALID`. */
  readonly InvalidReference: UnprocessableContent
  /** 413 when `reason` is `TooLarge`; 422 `EDITOR_SCHEMA_INVALID` for issues in `editorState`; else 400. */
  readonly Validation: BadRequest | PayloadTooLarge | UnprocessableContent
  readonly Conflict: Conflict
  /** INF: Indream documents no "unsupported": a request it will not carry out as sent is a 422. */
  readonly Unsupported: UnprocessableContent
  readonly ProviderFailure: InternalError
}

const toCore = (error: IndreamWireError, subject: ErrorTable.Subject): CoreError => {
  if (error instanceof BadRequest) return ProjectsError.Validation.single([], error.detail)
  if (error instanceof Unauthorized) {
    return new ProjectsError.Unauthorized({
      reason: error.errorCode === ErrorCode.ApiKeyMissing ? "MissingCredentials" : "InvalidCredentials",
      description: error.detail
    })
  }
  if (error instanceof Forbidden) {
    return new ProjectsError.Forbidden({ reason: "AccessDisabled", description: error.detail })
  }
  if (error instanceof NotFound) {
    return new ProjectsError.NotFound({
      resource: notFoundResource(error.errorCode, subject.resource),
      id: subject.id ?? "",
      description: error.detail
    })
  }
  if (error instanceof Conflict) return new ProjectsError.Conflict({ description: error.detail })
  if (error instanceof PayloadTooLarge) {
    return new ProjectsError.Validation({ issues: [{ path: [], message: error.detail }], reason: "TooLarge" })
  }
  if (error instanceof UnprocessableContent) {
    if (error.errorCode === ErrorCode.ExportConcurrencyLimitExceeded) {
      // A limit on active tasks: retrying helps once a task ends, which no header says when.
      return new ProjectsError.RateLimited({
        retryAfter: Duration.zero,
        rule: RateLimitRule.exportConcurrency,
        description: error.detail
      })
    }
    if (error.errorCode === ErrorCode.ProjectReferenceInvalid) {
      return new ProjectsError.InvalidReference({
        field: "projectId",
        id: subject.projectId ?? subject.id ?? "",
        description: error.detail
      })
    }
    const editorState = error.errorCode?.startsWith("EDITOR_") === true
    return ProjectsError.Validation.single(editorState ? ["editorState"] : [], error.detail)
  }
  if (error instanceof TooManyRequests) {
    // Not reached through `Adapter.call`: the transport keeps a 429 as a response error, to read
    // its Retry-After header, which this body does not carry.
    return new ProjectsError.RateLimited({ retryAfter: Duration.zero, description: error.detail })
  }
  return new ProjectsError.ProviderFailure({ provider: "indream", status: error.status, body: error })
}

const issuesDetail = (error: ProjectsError.Validation) => error.message === "" ? "The request is not valid" : error.message

const fromCore = (error: ProjectsError.ProjectsError): IndreamWireError => {
  switch (error._tag) {
    case "NotFound": {
      const noun = notFoundNouns[error.resource]
      return new NotFound(problemBody(
        404,
        notFoundCodes[error.resource] ?? ErrorCode.RouteNotFound,
        error.description ?? (noun === undefined ? error.message : `${noun} ${ErrorTable.echoed(error.id)} not found`)
      ))
    }
    case "Unauthorized":
      return new Unauthorized(
        error.reason === "MissingCredentials"
          ? problemBody(401, ErrorCode.ApiKeyMissing, error.description ?? "Missing API key: send it in the x-api-key header")
          : problemBody(401, ErrorCode.ApiKeyInvalid, error.description ?? "Invalid API key")
      )
    case "Forbidden":
      return new Forbidden(problemBody(
        403,
        ErrorCode.RuntimeAccessForbidden,
        // The document's own words.
        error.description ?? "The current account is not eligible for this Open API route"
      ))
    case "RateLimited":
      if (error.rule === RateLimitRule.exportConcurrency) {
        return new UnprocessableContent(problemBody(
          422,
          ErrorCode.ExportConcurrencyLimitExceeded,
          error.description ?? "At most 2 Open API export tasks may be active per user; wait for one to finish"
        ))
      }
      return new TooManyRequests(
        error.rule === RateLimitRule.projectSync
          ? problemBody(
            429,
            ErrorCode.ProjectSyncRateLimited,
            error.description ??
              `Too many syncs of this project; retry after ${retryAfterSeconds(error.retryAfter)} s with a moderate frequency`
          )
          : problemBody(
            429,
            ErrorCode.RequestLimitExceeded,
            error.description ?? `Too many requests; retry after ${retryAfterSeconds(error.retryAfter)} s`
          )
      )
    case "InvalidReference":
      return new UnprocessableContent(problemBody(
        422,
        ErrorCode.ProjectReferenceInvalid,
        error.description ?? `${error.field} ${ErrorTable.echoed(error.id)} is not a project of this account`
      ))
    case "Validation":
      if (error.reason === "TooLarge") {
        return new PayloadTooLarge(problemBody(413, ErrorCode.PayloadTooLarge, issuesDetail(error)))
      }
      return error.issues.length > 0 && error.issues.every(isEditorStateIssue)
        ? new UnprocessableContent(problemBody(422, ErrorCode.EditorSchemaInvalid, issuesDetail(error)))
        : new BadRequest(problemBody(400, ErrorCode.RequestInvalid, issuesDetail(error)))
    case "Conflict":
      return new Conflict(problemBody(409, ErrorCode.Conflict, error.description))
    case "Unsupported":
      return new UnprocessableContent(problemBody(422, ErrorCode.Unprocessable, error.message))
    case "ProviderFailure":
      return new InternalError(problemBody(500, ErrorCode.InternalError, error.description ?? "Internal server error"))
  }
}

/** Indream's errors both ways, and its problem body for failures below the contract. */
export const table = ErrorTable.make<IndreamWireError, CoreError, ByTag>({
  provider: "indream",
  classes,
  toCore,
  fromCore: <E extends ProjectsError.ProjectsError>(error: E) => fromCore(error) as ByTag[E["_tag"]],
  body: (status, message) => problemBody(status, codeForStatus(status), message)
})
