/**
 * sync.so's errors, in one place: how they look on the wire, what they mean in projectkit's core
 * terms (wire → core, for `SyncClient`), and how the reference server answers a core error
 * (core → wire, for its handlers and its fallback).
 *
 * Every body is `{message, statusCode, errorCode?, suggestion?, field?}` (the Errors section of every
 * page of https://sync.so/docs/api-reference, e.g. assets-api/delete: "errorCode: Stable,
 * machine-readable error code … The full catalog … GET /v2/errors"), `message` being a list when
 * several fields are invalid (NestJS style). The server sends an `errorCode` on every error, each one
 * in `SyncErrorCatalog` with its `suggestion`; `field` names the request field at fault, when one is.
 *
 * How a sync.so 422 is built and sent: a generation or asset filed under a `projectId` that is not
 * a project of the caller's organization (unknown, or another organization's: they answer alike)
 * makes the server's store fail with the core `InvalidReference` (`SyncStore`'s `createFiled`). The
 * handler's effect is piped through `Dialect.answer(SyncErrors.table)`, which hands it to
 * `fromCore` below; its `InvalidReference` entry builds an `UnprocessableEntity`, and the contract
 * (every endpoint that files work declares that class) sends it with the 422 annotated on the
 * class, as `{"statusCode":422,"message":"projectId … does not reference a project in your organization"}`.
 * `SyncClient` reads that body back, through `toCore`, as the same `InvalidReference`.
 */
import type * as ProjectsError from "@projectkit/core/ProjectsError"
import {
  Conflict as CoreConflict,
  Forbidden as CoreForbidden,
  InvalidReference,
  NotFound as CoreNotFound,
  ProviderFailure,
  Unauthorized as CoreUnauthorized,
  Validation
} from "@projectkit/core/ProjectsError"
import { ErrorTable, WireError } from "@projectkit/http"
import * as Schema from "effect/Schema"
import * as SyncErrorCatalog from "./SyncErrorCatalog.js"

// ---------------------------------------------------------------------------------------------
// The wire error classes
// ---------------------------------------------------------------------------------------------

/** sync.so's error body with `status`; `message` is a list when several fields are invalid. */
const errorBody = <Status extends number>(status: Status) => ({
  message: Schema.Union(Schema.String, Schema.Array(Schema.String)),
  statusCode: Schema.Literal(status),
  errorCode: Schema.optional(Schema.String),
  suggestion: Schema.optional(Schema.String),
  field: Schema.optional(Schema.String)
})

/** The coded part of a body: `code`, its suggested fix from the catalog, and the field at fault if any. */
export const coded = (code: SyncErrorCatalog.ErrorCode, field?: string) => ({
  errorCode: code,
  suggestion: SyncErrorCatalog.describe(code).suggestion,
  ...(field === undefined ? {} : { field })
})

export class BadRequest extends WireError.Class<BadRequest>("@projectkit/sync/BadRequest")(400, errorBody(400), {
  description: "The request is malformed or a field is invalid"
}) {}

export class Unauthorized extends WireError.Class<Unauthorized>("@projectkit/sync/Unauthorized")(401, errorBody(401), {
  description: "The x-api-key header is missing or unknown"
}) {}

export class PaymentRequired extends WireError.Class<PaymentRequired>("@projectkit/sync/PaymentRequired")(
  402,
  errorBody(402),
  { description: "The organization has no credit left" }
) {}

/**
 * Known credentials that may not do this: an asset the caller can see but does not own (assets-api/delete:
 * "An asset you can view but not delete returns a 403 with errorCode asset_forbidden").
 */
export class Forbidden extends WireError.Class<Forbidden>("@projectkit/sync/Forbidden")(403, errorBody(403), {
  description: "The caller may see the resource but not do this to it"
}) {}

export class NotFound extends WireError.Class<NotFound>("@projectkit/sync/NotFound")(404, errorBody(404), {
  description: "No such resource in the caller's organization"
}) {}

/**
 * The resource's state forbids the request: deleting a generation that is not in a terminal state
 * (generate-api/delete: "returns 409 (errorCode generation_not_deletable_while_processing)").
 */
export class Conflict extends WireError.Class<Conflict>("@projectkit/sync/Conflict")(409, errorBody(409), {
  description: "The resource's current state does not allow this"
}) {}

export class UnprocessableEntity extends WireError.Class<UnprocessableEntity>("@projectkit/sync/UnprocessableEntity")(
  422,
  errorBody(422),
  { description: "projectId does not reference a project of the caller's organization; nothing was created" }
) {}

/**
 * A body or file larger than accepted: a generation's file of 20 MB or more (create-with-files:
 * "Only files below 20MB are supported"), a batch file over 5 MB (create batch), a body over the
 * server's limit. INF: sync.so documents the limits, not the answer; 413 in its error body.
 */
export class PayloadTooLarge extends WireError.Class<PayloadTooLarge>("@projectkit/sync/PayloadTooLarge")(
  413,
  { ...errorBody(413), message: Schema.String },
  { description: "The body is larger than the server accepts" }
) {}

export class TooManyRequests extends WireError.Class<TooManyRequests>("@projectkit/sync/TooManyRequests")(
  429,
  errorBody(429),
  { description: "Rate limited; see Retry-After" }
) {}

export class InternalServerError extends WireError.Class<InternalServerError>("@projectkit/sync/InternalServerError")(
  500,
  errorBody(500)
) {}

/** Every error body a sync.so endpoint may answer with. */
export type SyncWireError =
  | BadRequest
  | Unauthorized
  | PaymentRequired
  | Forbidden
  | NotFound
  | Conflict
  | UnprocessableEntity
  | PayloadTooLarge
  | TooManyRequests
  | InternalServerError

// ---------------------------------------------------------------------------------------------
// wire → core (the client)
// ---------------------------------------------------------------------------------------------

/** What a sync.so error body means in core terms (transport failures and 429s aside). */
export type SyncCoreError =
  | ProjectsError.NotFound
  | ProjectsError.Unauthorized
  | ProjectsError.Forbidden
  | ProjectsError.Conflict
  | ProjectsError.InvalidReference
  | ProjectsError.Validation
  | ProjectsError.ProviderFailure

const messages = (message: string | ReadonlyArray<string>): ReadonlyArray<string> =>
  typeof message === "string" ? [message] : message

/** The core error a sync.so error body stands for, a call about `subject` having failed with it. */
const toCore = (error: SyncWireError, subject: ErrorTable.Subject): SyncCoreError => {
  switch (error.statusCode) {
    case 400:
      return new Validation({ issues: messages(error.message).map((message) => ({ path: [], message })) })
    case 401:
      return new CoreUnauthorized({ reason: "InvalidCredentials", description: messages(error.message).join("; ") })
    case 403:
      return new CoreForbidden({ reason: "Other", description: messages(error.message).join("; ") })
    case 404:
      return new CoreNotFound({ resource: subject.resource, id: subject.id ?? "" })
    case 409:
      return new CoreConflict({ description: messages(error.message).join("; ") })
    case 422:
      return new InvalidReference({ field: "projectId", id: subject.projectId ?? "" })
    case 413:
      return new Validation({ issues: [{ path: [], message: error.message }], reason: "TooLarge" })
    // No credit, a 429 that reached the contract (the transport turns those it sees into
    // `RateLimited`), a server failure: the provider failed, its body kept as it came.
    case 402:
    case 429:
    case 500:
      return new ProviderFailure({ provider: "sync", status: error.statusCode, body: error })
  }
}

// ---------------------------------------------------------------------------------------------
// core → wire (the reference server)
// ---------------------------------------------------------------------------------------------

/**
 * The wire error answering each core error. sync.so documents no 413; where a core error has no
 * class of its own, the closest one that says why answers it (see `fromCore`).
 */
export interface ByTag extends ErrorTable.ByTag<SyncWireError> {
  readonly NotFound: NotFound
  readonly Unauthorized: Unauthorized
  readonly Forbidden: Forbidden
  readonly RateLimited: TooManyRequests
  readonly InvalidReference: UnprocessableEntity
  readonly Validation: BadRequest
  readonly Conflict: Conflict
  readonly Unsupported: BadRequest
  readonly ProviderFailure: InternalServerError
}

type Answers = {
  readonly [Tag in keyof ByTag]: (error: Extract<ProjectsError.ProjectsError, { readonly _tag: Tag }>) => ByTag[Tag]
}

/** The message of an `x-api-key` refusal, by what was wrong with it. */
const unauthorizedMessage = {
  MissingCredentials: "Missing API key: send it in the x-api-key header",
  InvalidCredentials: "Invalid API key"
} as const

/** The code of a missing resource, by the resource the store names (INF beyond project and asset). */
const notFoundCodes: Readonly<Record<string, SyncErrorCatalog.ErrorCode>> = {
  Project: "project_not_found",
  Asset: "asset_not_found",
  Generation: "generation_not_found",
  "Generation output": "generation_output_not_available",
  Batch: "batch_not_found",
  "Batch results": "batch_results_not_ready"
}

/** The field an issue names (its path), when it names one. */
const fieldOf = (error: ProjectsError.Validation): string | undefined => {
  const path = error.issues[0]?.path ?? []
  return path.length === 0 ? undefined : path.join(".")
}

const answers: Answers = {
  NotFound: (error) =>
    new NotFound({
      statusCode: 404,
      message: error.description ?? `${error.resource} ${ErrorTable.echoed(error.id)} not found`,
      ...coded(notFoundCodes[error.resource] ?? "not_found")
    }),
  Unauthorized: (error) =>
    new Unauthorized({
      statusCode: 401,
      message: error.description ?? unauthorizedMessage[error.reason],
      ...coded(error.reason === "MissingCredentials" ? "missing_api_key" : "invalid_api_key")
    }),
  // The 403 of an asset the caller can see but does not own (assets-api/delete, asset_forbidden).
  Forbidden: (error) => new Forbidden({ statusCode: 403, message: error.message, ...coded("asset_forbidden") }),
  RateLimited: (error) => new TooManyRequests({ statusCode: 429, message: error.message, ...coded("rate_limit_exceeded") }),
  // The 422 of work filed under a project that is not the caller's organization's (see the header).
  InvalidReference: (error) =>
    new UnprocessableEntity({
      statusCode: 422,
      message: error.description ?? `${error.field} ${ErrorTable.echoed(error.id)} does not reference a project in your organization`,
      ...coded("project_reference_invalid", error.field)
    }),
  // Every issue on one line. sync.so has no 413 class: a `TooLarge` raised by a handler is a 400;
  // a body too large to be read at all is the fallback's 413, through `body`.
  Validation: (error) =>
    new BadRequest({ statusCode: 400, message: error.message, ...coded("invalid_request", fieldOf(error)) }),
  // The only conflict the server raises: deleting a generation still at work (generate-api/delete).
  Conflict: (error) =>
    new Conflict({ statusCode: 409, message: error.message, ...coded("generation_not_deletable_while_processing") }),
  // The request asks for what this implementation does not do: the caller's to change, a 400.
  Unsupported: (error) => new BadRequest({ statusCode: 400, message: error.message, ...coded("invalid_request") }),
  // The server's own failure (a storage failure, through `Dialect.answer`): its 500, `internal_error`
  // as errors-api/list documents it.
  ProviderFailure: (error) =>
    new InternalServerError({
      statusCode: 500,
      message: error.description ?? "Internal server error",
      ...coded("internal_error")
    })
}

/** The wire error answering `error`: its tag's entry of `answers`, typed by `ByTag`. */
const fromCore = <E extends ProjectsError.ProjectsError>(error: E): ByTag[E["_tag"]] => {
  // `answers[tag]` takes that tag's error; TypeScript cannot relate the two through a generic tag.
  const answer = answers[error._tag] as (error: ProjectsError.ProjectsError) => SyncWireError
  return answer(error) as ByTag[E["_tag"]]
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/** The code of a failure below the contract, by its status (INF: the reference names none of these). */
const statusCodes: Readonly<Record<number, SyncErrorCatalog.ErrorCode>> = {
  400: "invalid_request",
  401: "invalid_api_key",
  404: "not_found",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limit_exceeded"
}

/**
 * A failure below the contract (a body that is not JSON, an unknown route, a body too large, a
 * defect) as sync.so writes it: the same coded body, whatever the status.
 */
const body = (status: number, message: string) => ({
  message,
  statusCode: status,
  ...coded(statusCodes[status] ?? "internal_error")
})

/** sync.so's errors, both ways. */
export const table = ErrorTable.make<SyncWireError, SyncCoreError, ByTag>({
  provider: "sync",
  classes: [
    BadRequest,
    Unauthorized,
    PaymentRequired,
    Forbidden,
    NotFound,
    Conflict,
    UnprocessableEntity,
    PayloadTooLarge,
    TooManyRequests,
    InternalServerError
  ],
  toCore,
  fromCore,
  body
})
