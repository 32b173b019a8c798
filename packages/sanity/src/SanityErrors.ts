/**
 * How Sanity's errors look, in one place: its wire error classes, and what each means in
 * projectkit's core terms, both ways.
 *
 * Sanity answers errors in Boom's shape, `{statusCode, error, message}` (REC-equivalent: issue
 * sanity-io/sanity#2985), `error` being the status's reason phrase, sometimes with an
 * `errorCode` (`SIO-401-ANF` on a 401).
 *
 * - wire → core (`table.toCore`, used by `SanityClient`): a 400 is `Validation`, a 401
 *   `Unauthorized`, a 403 `Forbidden` (its message kept as the description), a 404 `NotFound`
 *   naming what the call was about, a 409 `Conflict`, a 429 or 500 a `ProviderFailure`. The
 *   client decodes each error body into the class declared for its status (the contract declares
 *   them all), and `Adapter.call(table)` fails the call with `toCore` of it: a Sanity 403 reaches
 *   `@projectkit/sanity` users as that `Forbidden`;
 * - core → wire (`table.fromCore`, used by the reference server's handlers): the body Sanity
 *   sends for each core error;
 * - `table.body`: a failure below the contract (bad JSON, an unknown route, a body too large, a
 *   defect) in Sanity's shape, for the server's fallback.
 */
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { ErrorTable, WireError } from "@projectkit/http"
import * as Schema from "effect/Schema"

// ---------------------------------------------------------------------------------------------
// The wire errors
// ---------------------------------------------------------------------------------------------

const errorBody = <Status extends number>(status: Status) => ({
  statusCode: Schema.Literal(status),
  error: Schema.String,
  message: Schema.String,
  /** e.g. `SIO-401-ANF` on a 401 (REC-equivalent); absent on most errors. */
  errorCode: Schema.optional(Schema.String)
})

export class BadRequest extends WireError.Class<BadRequest>("@projectkit/sanity/BadRequest")(400, errorBody(400), {
  description: "The input is invalid (a dataset name, a CORS origin, …)"
}) {}

export class Unauthorized extends WireError.Class<Unauthorized>("@projectkit/sanity/Unauthorized")(401, errorBody(401), {
  description: "No token, or a token Sanity does not know"
}) {}

export class Forbidden extends WireError.Class<Forbidden>("@projectkit/sanity/Forbidden")(403, errorBody(403), {
  description: "The token's role lacks the grant (managing needs administrator or developer)"
}) {}

export class NotFound extends WireError.Class<NotFound>("@projectkit/sanity/NotFound")(404, errorBody(404), {
  description: "No such resource for this token (another organization's answers the same)"
}) {}

export class Conflict extends WireError.Class<Conflict>("@projectkit/sanity/Conflict")(409, errorBody(409), {
  description: "INF: the resource exists already, or is in use"
}) {}

export class TooManyRequests extends WireError.Class<TooManyRequests>("@projectkit/sanity/TooManyRequests")(
  429,
  errorBody(429),
  { description: "Rate limited" }
) {}

export class InternalServerError extends WireError.Class<InternalServerError>("@projectkit/sanity/InternalServerError")(
  500,
  errorBody(500)
) {}

export type SanityWireError =
  | BadRequest
  | Unauthorized
  | Forbidden
  | NotFound
  | Conflict
  | TooManyRequests
  | InternalServerError

/** The reason phrase Sanity (Boom) writes in `error` for a status. */
export const reasonPhrase = (status: number): string => {
  switch (status) {
    case 400:
      return "Bad Request"
    case 401:
      return "Unauthorized"
    case 402:
      return "Payment Required"
    case 403:
      return "Forbidden"
    case 404:
      return "Not Found"
    case 405:
      return "Method Not Allowed"
    case 409:
      return "Conflict"
    case 413:
      return "Request Entity Too Large"
    case 415:
      return "Unsupported Media Type"
    case 429:
      return "Too Many Requests"
    case 503:
      return "Service Unavailable"
    default:
      return status >= 500 ? "Internal Server Error" : "Bad Request"
  }
}

/** Sanity's error body for `status` (framework failures: bad JSON, an unknown route, 413, 500). */
export const body = (status: number, message: string) => ({ statusCode: status, error: reasonPhrase(status), message })

/** REC-equivalent (issue sanity-io/sanity#2985): what a 401 says, for a missing token and an unknown one alike. */
const sessionNotFound = { message: "Session not found", errorCode: "SIO-401-ANF" } as const

/** What Sanity's 500 says: nothing about the cause, which stays in the server's log. */
const internalMessage = "An internal server error occurred"

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/**
 * The wire error that answers each core error. Sanity has no 422 and sends no 413 from its
 * contract, so:
 * - `InvalidReference` is a 400: Sanity refuses input that names something unusable as bad input;
 * - `Validation` is a 400 whatever its reason (a body too large never reaches a handler: the
 *   server's fallback answers it with `body(413, …)`);
 * - `Unsupported` is a 400: the request asks for something this service does not do, the
 *   caller's to change;
 * - `ProviderFailure` (the server's own fault, e.g. its storage failing) is Sanity's 500.
 */
export interface ByTag extends ErrorTable.ByTag<SanityWireError> {
  readonly NotFound: NotFound
  readonly Unauthorized: Unauthorized
  readonly Forbidden: Forbidden
  readonly RateLimited: TooManyRequests
  readonly InvalidReference: BadRequest
  readonly Validation: BadRequest
  readonly Conflict: Conflict
  readonly Unsupported: BadRequest
  readonly ProviderFailure: InternalServerError
}

/** What a Sanity call can fail with, in projectkit's core terms (besides transport failures). */
export type SanityCoreError =
  | ProjectsError.Validation
  | ProjectsError.Unauthorized
  | ProjectsError.Forbidden
  | ProjectsError.NotFound
  | ProjectsError.Conflict
  | ProjectsError.ProviderFailure

const toCore = (error: SanityWireError, subject: ErrorTable.Subject): SanityCoreError => {
  switch (error.statusCode) {
    case 400:
      return ProjectsError.Validation.single([], error.message)
    case 401:
      return new ProjectsError.Unauthorized({ reason: "InvalidCredentials", description: error.message })
    case 403:
      // Sanity refuses for want of a grant (its message names it): the token's role is too low.
      return new ProjectsError.Forbidden({ reason: "InsufficientRole", description: error.message })
    case 404:
      return new ProjectsError.NotFound({ resource: subject.resource, id: subject.id ?? "" })
    case 409:
      return new ProjectsError.Conflict({ description: error.message })
    case 429:
    case 500:
      return new ProjectsError.ProviderFailure({ provider: "sanity", status: error.statusCode, body: error })
  }
}

type CoreError<Tag extends ProjectsError.ProjectsError["_tag"]> = Extract<ProjectsError.ProjectsError, { readonly _tag: Tag }>

/** core → wire, one entry per core error: each builds the body Sanity sends. */
const answers: { readonly [Tag in keyof ByTag]: (error: CoreError<Tag>) => ByTag[Tag] } = {
  NotFound: (error) => new NotFound({ statusCode: 404, error: reasonPhrase(404), message: error.message }),
  Unauthorized: () => new Unauthorized({ statusCode: 401, error: reasonPhrase(401), ...sessionNotFound }),
  Forbidden: (error) => new Forbidden({ statusCode: 403, error: reasonPhrase(403), message: error.message }),
  RateLimited: (error) => new TooManyRequests({ statusCode: 429, error: reasonPhrase(429), message: error.message }),
  InvalidReference: (error) => new BadRequest({ statusCode: 400, error: reasonPhrase(400), message: error.message }),
  Validation: (error) => new BadRequest({ statusCode: 400, error: reasonPhrase(400), message: error.message }),
  Conflict: (error) => new Conflict({ statusCode: 409, error: reasonPhrase(409), message: error.message }),
  Unsupported: (error) => new BadRequest({ statusCode: 400, error: reasonPhrase(400), message: error.message }),
  ProviderFailure: () => new InternalServerError({ statusCode: 500, error: reasonPhrase(500), message: internalMessage })
}

/**
 * The answer to `error`, by its tag's entry in `answers` (which the compiler checks tag by tag;
 * indexing it by a tag known only as a union loses that link, hence the loose signature inside).
 */
function fromCore<E extends ProjectsError.ProjectsError>(error: E): ByTag[E["_tag"]]
function fromCore(error: ProjectsError.ProjectsError): SanityWireError {
  const answer = answers[error._tag] as (error: ProjectsError.ProjectsError) => SanityWireError
  return answer(error)
}

export const table = ErrorTable.make<SanityWireError, SanityCoreError, ByTag>({
  provider: "sanity",
  classes: [BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooManyRequests, InternalServerError],
  toCore,
  fromCore,
  body
})
