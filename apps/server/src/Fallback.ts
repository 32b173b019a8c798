/**
 * Renders the failures no handler rendered — a request that does not decode, an unknown route, a
 * malformed or oversized body, a defect — in the error format of the dialect whose base path the
 * request is under, so no client ever sees a framework's error shape or an empty 500.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as MediaTypes from "./internal/mediaTypes.js"
import * as StorageOutage from "./internal/storageOutage.js"
import * as Untrusted from "./internal/untrusted.js"
import { withRequest } from "./internal/withRequest.js"

/** How one dialect writes an error body. */
export interface DialectErrors {
  /** The base path the dialect is mounted under, e.g. "/sync"; "" for the rest. */
  readonly prefix: string
  readonly body: (status: number, message: string) => unknown
  /** Its contract, whose document says which media types each body may be sent in (415 otherwise). */
  readonly contract?: MediaTypes.Mount["contract"] | undefined
}

export interface Failure {
  readonly status: number
  readonly message: string
  /** Seconds the client should wait before retrying (a `Retry-After` header). */
  readonly retryAfter?: number | undefined
}

export const tooLarge: Failure = { status: 413, message: "The request body is too large" }
export const notJson: Failure = { status: 400, message: "The request body is not valid JSON" }
export const internalError: Failure = { status: 500, message: "Internal server error" }
/** The storage cannot be reached: a 503 the client may retry (see `internal/storageOutage.ts`). */
export const storageUnavailable: Failure = {
  status: 503,
  message: StorageOutage.message,
  retryAfter: StorageOutage.retryAfterSeconds
}

/**
 * The 503 of a request that failed because the storage cannot be reached, whether the failure
 * arrived as an error or as a defect (authentication reads credentials with `orDie`).
 */
export const storageOutage = (cause: Cause.Cause<unknown>): Option.Option<Failure> => {
  const failure = Cause.failureOption(cause)
  const error = Option.isSome(failure) ? failure.value : Option.getOrUndefined(Cause.dieOption(cause))
  return error !== undefined && StorageOutage.isUnreachable(error) ? Option.some(storageUnavailable) : Option.none()
}
/** A body in a media type its route's document does not declare. */
export const unsupportedMediaType = (contentType: string, declared: ReadonlyArray<string>): Failure => ({
  status: 415,
  message: `Unsupported Media Type: the body is ${MediaTypes.essence(contentType) || "of no media type"}; ` +
    `this route accepts ${declared.join(" or ")}`
})
/** Text the server never accepts (see `internal/untrusted.ts`): a 400 saying where. */
export const refused = (refused: Untrusted.Refused): Failure => ({ status: 400, message: refused.message })

type Issue = { readonly path: ReadonlyArray<PropertyKey>; readonly message: string }

/** The longest a refused value is echoed back: a 15 MB name must not make a 15 MB error body. */
export const maxEchoedCharacters = 120

/** `message` with each quoted value in it (the value a decoder refused) cut to `maxEchoedCharacters`. */
export const cutEchoes = (message: string): string =>
  message.replace(/"(?:[^"\\]|\\.)*"/g, (quoted) =>
    quoted.length <= maxEchoedCharacters + 2
      ? quoted
      : `${quoted.slice(0, maxEchoedCharacters + 1)}…" (${quoted.length - 2} characters)`)

/**
 * One line per problem. An optional field that is present but wrong fails both sides of its
 * union ("Expected undefined" being the other): that half says nothing to the caller, so it goes.
 * Refused values are echoed cut (`cutEchoes`), and a body with many problems names the first ten.
 */
export const issuesMessage = (issues: ReadonlyArray<Issue>) => {
  const key = (issue: Issue) => issue.path.map(String).join(".")
  const explained = new Set(issues.filter((issue) => !issue.message.startsWith("Expected undefined")).map(key))
  return issues
    .filter((issue) => !(issue.message.startsWith("Expected undefined") && explained.has(key(issue))))
    .slice(0, 10)
    .map((issue) => cutEchoes(issue.path.length === 0 ? issue.message : `${key(issue)}: ${issue.message}`))
    .join("; ")
}

/** The failures this module renders; anything else is a declared error, rendered by the API. */
export const classify = (error: unknown): Option.Option<Failure> => {
  if (!Predicate.hasProperty(error, "_tag")) return Option.none()
  switch (error._tag) {
    case "HttpApiDecodeError": {
      const issues = Predicate.hasProperty(error, "issues") && Array.isArray(error.issues) ? error.issues : []
      return Option.some({ status: 400, message: issuesMessage(issues) || "The request is not valid" })
    }
    case "RouteNotFound":
      return Option.some({ status: 404, message: "No such route" })
    case "RequestError": {
      const cause = Predicate.hasProperty(error, "cause") ? error.cause : undefined
      return Option.some(cause instanceof Error && cause.message === "maxBytes exceeded" ? tooLarge : notJson)
    }
  }
  return Option.none()
}

/** The error body of `failure` for a request to `url`, in the format of the dialect serving it. */
export const renderer = (dialects: ReadonlyArray<DialectErrors>) => {
  // Longest prefix first, so "/sync" wins over "".
  const ordered = [...dialects].sort((a, b) => b.prefix.length - a.prefix.length)
  return (url: string, failure: Failure): unknown => {
    const dialect = ordered.find((d) => d.prefix === "" || url === d.prefix || url.startsWith(`${d.prefix}/`)) ?? ordered[0]!
    return dialect.body(failure.status, failure.message)
  }
}

/**
 * The 415 of a request whose body is in a media type its route's document does not declare, for
 * both routers. A request without a body, or without a Content-Type (read as the route's first
 * declared type, as before), is not refused here; nor is an upload of raw bytes, whatever its type.
 */
type RequestHeaders = Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

const declaredBodiesOf = (dialects: ReadonlyArray<DialectErrors>) =>
  MediaTypes.declaredBodies(
    dialects.flatMap((dialect) => dialect.contract === undefined ? [] : [{ prefix: dialect.prefix, contract: dialect.contract }])
  )

/** The 415 of a body sent in a media type `declared` (a route's document) does not list. */
const refuseUndeclared = (declared: ReadonlyArray<string>, headers: RequestHeaders): Failure | undefined => {
  const contentType = headers["content-type"]
  if (typeof contentType !== "string" || headers["content-length"] === "0") return undefined
  // A route taking raw bytes (application/octet-stream: an upload) takes them in any media type,
  // which it records as the upload's type.
  return !declared.includes("application/octet-stream") && !declared.includes(MediaTypes.essence(contentType))
    ? unsupportedMediaType(contentType, declared)
    : undefined
}

export const mediaTypeCheck = (dialects: ReadonlyArray<DialectErrors>) => {
  const declaredBodies = declaredBodiesOf(dialects)
  return (method: string, url: string, headers: RequestHeaders): Failure | undefined => {
    if (typeof headers["content-type"] !== "string") return undefined
    const query = url.indexOf("?")
    const declared = declaredBodies.byPath(method, query === -1 ? url : url.slice(0, query))
    return declared === undefined ? undefined : refuseUndeclared(declared, headers)
  }
}

/**
 * `mediaTypeCheck` for a route already matched (`method` and its full `path`, `/sync/v2/projects/:id`),
 * its document's media types found once: the check of that route's requests, or undefined when its
 * document declares no body (nothing to refuse). For the compiled routes, which know their route.
 */
export const routeMediaTypeCheck = (dialects: ReadonlyArray<DialectErrors>) => {
  const declaredBodies = declaredBodiesOf(dialects)
  return (method: string, path: string): ((headers: RequestHeaders) => Failure | undefined) | undefined => {
    const declared = declaredBodies.byRoute(method, path)
    return declared === undefined ? undefined : (headers) => refuseUndeclared(declared, headers)
  }
}

/**
 * A route that accepts more than the server's body limit (a multipart upload whose own limits are
 * larger), by request: its limit in bytes, or undefined for the server's.
 */
export type LargerBodies = (request: { readonly method: string; readonly url: string; readonly contentType: string }) =>
  number | undefined

/** A 413 to a streamed body ends its connection (`Connection: close`). */
const closeAfterTooLarge: HttpApp.PreResponseHandler = (_request, response) =>
  Effect.succeed(response.status === 413 ? HttpServerResponse.setHeader(response, "connection", "close") : response)

export const layer = (dialects: ReadonlyArray<DialectErrors>, maxBodyBytes: number, largerBodies?: LargerBodies) => {
  const render = renderer(dialects)
  const checkMediaType = mediaTypeCheck(dialects)
  const respond = (failure: Failure) =>
    Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
      HttpServerResponse.unsafeJson(render(request.url, failure), {
        status: failure.status,
        ...(failure.retryAfter === undefined ? {} : { headers: { "retry-after": String(failure.retryAfter) } })
      }))
  const limited = (app: HttpApp.Default) =>
    withRequest((request) => {
      // Refuse by the declared length before reading anything: reading past the limit would have
      // to reset the connection, and the client would never see the 413.
      const length = request.headers["content-length"]
      // A request with neither a length nor a chunked encoding has no body (RFC 9112 §6.3): there
      // is nothing to limit, and setting the limit costs a fiber-local change on every GET.
      if (length === undefined && request.headers["transfer-encoding"] === undefined) return app
      const unsupported = checkMediaType(request.method, request.url, request.headers)
      if (unsupported !== undefined) return respond(unsupported)
      // A streamed body refused past a limit is not read to its end: the connection cannot carry
      // another request, and a client that reused it would see a reset. Say so with the 413.
      const bounded = limitedBody(app, request, length)
      return length === undefined ? Effect.zipRight(HttpApp.appendPreResponseHandler(closeAfterTooLarge), bounded) : bounded
    })
  /** `app` within the request's body limit, a JSON body checked for refused text first. */
  const limitedBody = (app: HttpApp.Default, request: HttpServerRequest.HttpServerRequest, length: string | undefined) => {
    const contentType = (request.headers["content-type"] ?? "").toLowerCase()
    const limit = Math.max(maxBodyBytes, largerBodies?.({ method: request.method, url: request.url, contentType }) ?? 0)
    if (Number(length ?? 0) > limit) return respond(tooLarge)
    const bounded = HttpIncomingMessage.withMaxBodySize(app, Option.some(limit))
    if (!(request.headers["content-type"] ?? "application/json").toLowerCase().includes("application/json")) return bounded
    // A JSON body is checked before the app parses it (the text is read once: the request caches it).
    return HttpIncomingMessage.withMaxBodySize(
      // As the framework reads bodies: a failed read is a defect, classified below.
      Effect.flatMap(Effect.orDie(request.text), (text) => {
        if (text === "") return bounded
        const parsed = Untrusted.parseJson(text)
        if (Either.isRight(parsed) || parsed.left === "NotJson") return bounded
        return respond(refused(parsed.left))
      }),
      Option.some(maxBodyBytes)
    )
  }
  return HttpApiBuilder.middleware((app) =>
    Effect.catchAllCause(limited(app), (cause) => {
      // The storage out of reach: a 503, said in the log (and so in the request log and journal).
      const outage = storageOutage(cause)
      if (Option.isSome(outage)) return Effect.zipRight(Effect.logWarning("storage unavailable: answered 503", cause), respond(outage.value))
      // A declared error is rendered by the API itself; an interruption is not ours to answer.
      const failure = Cause.failureOption(cause)
      if (Option.isSome(failure) && Option.isNone(classify(failure.value))) return Effect.failCause(cause)
      if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause)
      // The framework reads request bodies with `orDie`: a malformed body arrives as a defect.
      const known = Option.orElse(Option.flatMap(failure, classify), () => Option.flatMap(Cause.dieOption(cause), classify))
      if (Option.isSome(known)) return respond(known.value)
      return Effect.zipRight(Effect.logError("unhandled failure", cause), respond(internalError))
    })
  )
}
