/**
 * The errors every projectkit implementation speaks. Each is a `Schema.TaggedError`, so it can be
 * sent across process boundaries and pattern-matched with `Effect.catchTag`. On the wire each
 * dialect maps them to the provider's own error body; the `_tag` never leaves the process.
 */
import * as Duration from "effect/Duration"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/** The resource or record that was looked up and is not there (or belongs to another tenant). */
export class NotFound extends Schema.TaggedError<NotFound>("@projectkit/core/NotFound")("NotFound", {
  resource: Schema.String,
  id: Schema.String,
  /** What the provider said, when it says more than "not found" (e.g. a tag not on a dataset). */
  description: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return this.description ?? `${this.resource} ${JSON.stringify(this.id)} was not found`
  }
}

/** No credentials, or credentials the service does not know. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("@projectkit/core/Unauthorized")(
  "Unauthorized",
  {
    reason: Schema.Literal("MissingCredentials", "InvalidCredentials"),
    description: Schema.optional(Schema.String)
  }
) {
  override get message(): string {
    return this.description ??
      (this.reason === "MissingCredentials" ? "No credentials were sent" : "The credentials are not valid")
  }
}

/** Known credentials that may not do this. */
export class Forbidden extends Schema.TaggedError<Forbidden>("@projectkit/core/Forbidden")("Forbidden", {
  reason: Schema.Literal("InsufficientRole", "AccessDisabled", "Other"),
  description: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return this.description ?? `Forbidden (${this.reason})`
  }
}

/**
 * Too many requests. `retryAfter` is how long the caller must wait before the same request can be
 * admitted; it is exact when the limiter is ours, and taken from `Retry-After` otherwise.
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("@projectkit/core/RateLimited")(
  "RateLimited",
  {
    retryAfter: Schema.DurationFromMillis,
    rule: Schema.optional(Schema.String),
    description: Schema.optional(Schema.String)
  }
) {
  override get message(): string {
    return this.description ?? "Too many requests"
  }

  /** `retryAfter` in milliseconds, for code that does not use Effect's `Duration`. */
  get retryAfterMillis(): number {
    return Duration.toMillis(this.retryAfter)
  }
}

/**
 * A reference to another resource (a `projectId` on a generation, asset or export) that does not
 * resolve for the caller: unknown, or owned by another tenant. Nothing was created.
 */
export class InvalidReference extends Schema.TaggedError<InvalidReference>("@projectkit/core/InvalidReference")(
  "InvalidReference",
  {
    field: Schema.String,
    id: Schema.String,
    /** Every id that did not resolve, when there were several (`id` is the first). */
    ids: Schema.optional(Schema.Array(Schema.String)),
    description: Schema.optional(Schema.String)
  }
) {
  override get message(): string {
    return this.description ?? `${this.field} ${JSON.stringify(this.id)} does not reference a project of your organization`
  }
}

/** One problem with the input: where it is (`path`) and what is wrong. */
export const ValidationIssue = Schema.Struct({
  path: Schema.Array(Schema.Union(Schema.String, Schema.Number)),
  message: Schema.String
})
export type ValidationIssue = typeof ValidationIssue.Type

/**
 * The input is malformed: wrong types, values out of range, a tampered cursor; or, with reason
 * `TooLarge`, larger than the service accepts (an HTTP 413 where the provider has one).
 */
export class Validation extends Schema.TaggedError<Validation>("@projectkit/core/Validation")("Validation", {
  issues: Schema.Array(ValidationIssue),
  reason: Schema.optional(Schema.Literal("Invalid", "TooLarge"))
}) {
  override get message(): string {
    return this.issues
      .map((issue) => issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`)
      .join("; ")
  }

  /** A single issue, at `path`. */
  static single(path: ReadonlyArray<string | number>, message: string): Validation {
    return new Validation({ issues: [{ path, message }] })
  }

  /** Every issue a Schema decode found, with its path. */
  static fromParseError(error: ParseResult.ParseError): Validation {
    return new Validation({
      issues: ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
        path: issue.path.map((key) => typeof key === "symbol" ? String(key) : key),
        message: issue.message
      }))
    })
  }
}

/** The request conflicts with the current state (a duplicate name, an in-use resource, …). */
export class Conflict extends Schema.TaggedError<Conflict>("@projectkit/core/Conflict")("Conflict", {
  description: Schema.String
}) {
  override get message(): string {
    return this.description
  }
}

/**
 * The implementation can neither do this natively nor emulate it exactly (see `Capabilities`).
 * projectkit fails loudly rather than answer approximately.
 */
export class Unsupported extends Schema.TaggedError<Unsupported>("@projectkit/core/Unsupported")("Unsupported", {
  provider: Schema.String,
  feature: Schema.String
}) {
  override get message(): string {
    return `${this.provider} does not support ${this.feature}`
  }
}

/** The provider answered in a way no other error describes (a 5xx, an unexpected body). */
export class ProviderFailure extends Schema.TaggedError<ProviderFailure>("@projectkit/core/ProviderFailure")(
  "ProviderFailure",
  {
    provider: Schema.String,
    /** The HTTP status, or 0 when no response arrived (a transport failure). */
    status: Schema.Number,
    body: Schema.Unknown,
    description: Schema.optional(Schema.String)
  }
) {
  override get message(): string {
    return this.description ?? `${this.provider} failed with status ${this.status}`
  }
}

/** Every error the neutral `Projects` service can fail with. */
export type ProjectsError =
  | NotFound
  | Unauthorized
  | Forbidden
  | RateLimited
  | InvalidReference
  | Validation
  | Conflict
  | Unsupported
  | ProviderFailure

/** The schema of `ProjectsError`, for sending errors across process boundaries. */
export const ProjectsError: Schema.Union<[
  typeof NotFound,
  typeof Unauthorized,
  typeof Forbidden,
  typeof RateLimited,
  typeof InvalidReference,
  typeof Validation,
  typeof Conflict,
  typeof Unsupported,
  typeof ProviderFailure
]> = Schema.Union(
  NotFound,
  Unauthorized,
  Forbidden,
  RateLimited,
  InvalidReference,
  Validation,
  Conflict,
  Unsupported,
  ProviderFailure
)
