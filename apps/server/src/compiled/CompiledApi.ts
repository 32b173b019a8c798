/**
 * The server's `HttpApi` served straight on `node:http`, with each endpoint compiled once at start:
 * its path into a route table, its schemas into synchronous decoders and encoders, its middleware
 * into one Effect. A request then costs one fiber running the middleware and the handler, instead
 * of the platform's per-request pipeline (a scope, a router, Effect-based decoding and encoding,
 * response conversion), which measured at over half of a GET's time (see bench/).
 *
 * The `HttpApi` definition stays the one source of truth: handlers are written with `group`, a
 * drop-in for `HttpApiBuilder.group` that also registers them here, and the platform's own
 * `HttpApp` is still built and serves everything not compiled — the OpenAPI and Swagger routes,
 * raw (`handleRaw`) and multipart endpoints, unknown routes, HEAD. Behaviour is the platform's:
 * the same decoding, middleware order, statuses, pre-response handlers and client-abort
 * interruption; failures are rendered as `Fallback` renders them, in each dialect's format.
 * What compiled routes do not give a handler is a per-request `Scope`: none of the handlers here
 * needs one, and one that did would fail loudly with the service missing.
 */
import * as Cookies from "@effect/platform/Cookies"
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import { HttpApiDecodeError } from "@effect/platform/HttpApiError"
import type * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import type * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpMethod from "@effect/platform/HttpMethod"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as ParseResult from "effect/ParseResult"
import * as Runtime from "effect/Runtime"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Http from "node:http"
import type * as Net from "node:net"
import * as Fallback from "../Fallback.js"
import { recentlySeen } from "../internal/recentlySeen.js"
import * as Untrusted from "../internal/untrusted.js"
import * as Decoding from "./decoding.js"
import * as Encoding from "./encoding.js"
import { RequestServices } from "./services.js"
import { NodeRequest, readBody } from "./nodeRequest.js"
import * as PlatformHandler from "./platformHandler.js"
import { normalizeQuery, parseQuery, RouteTable } from "./routes.js"

// ---------------------------------------------------------------------------------------------
// registration
// ---------------------------------------------------------------------------------------------

// The platform types handlers per endpoint; here they are data, whatever their endpoint.
type AnyItem = HttpApiBuilder.Handlers.Item<unknown, unknown>
type AnyHandlers = HttpApiBuilder.Handlers<unknown, unknown, unknown, HttpApiEndpoint.HttpApiEndpoint.Any>

/** The handlers of one group, with the context their layer was built in. */
interface GroupHandlers {
  readonly group: HttpApiGroup.HttpApiGroup.AnyWithProps
  readonly items: ReadonlyArray<AnyItem>
  readonly context: Context.Context<never>
}

/** The handlers `group` registered, for this server instance. */
export class Registry extends Context.Tag("@projectkit/server/CompiledApi/Registry")<Registry, {
  readonly add: (handlers: GroupHandlers) => void
  readonly groups: ReadonlyArray<GroupHandlers>
}>() {
  static readonly layer = Layer.sync(Registry, () => {
    const groups: Array<GroupHandlers> = []
    return { add: (handlers) => void groups.push(handlers), groups }
  })
}

/**
 * `HttpApiBuilder.group`, with the handlers also registered for compilation: the same arguments,
 * the same layer, which additionally needs the `Registry`.
 */
export const group = <
  ApiId extends string,
  Groups extends HttpApiGroup.HttpApiGroup.Any,
  ApiError,
  ApiR,
  const Name extends HttpApiGroup.HttpApiGroup.Name<Groups>,
  Return
>(
  api: HttpApi.HttpApi<ApiId, Groups, ApiError, ApiR>,
  groupName: Name,
  build: (
    handlers: HttpApiBuilder.Handlers.FromGroup<ApiError, ApiR, HttpApiGroup.HttpApiGroup.WithName<Groups, Name>>
  ) => HttpApiBuilder.Handlers.ValidateReturn<Return>
): Layer.Layer<
  HttpApiGroup.ApiGroup<ApiId, Name>,
  HttpApiBuilder.Handlers.Error<Return>,
  | Exclude<HttpApiBuilder.Handlers.Context<Return> | HttpApiGroup.HttpApiGroup.MiddlewareWithName<Groups, Name>, Scope.Scope>
  | Registry
> => {
  const register = (handlers: AnyHandlers) =>
    Effect.flatMap(Effect.context<never>(), (context) =>
      Effect.map(Registry, (registry) => {
        registry.add({ group: handlers.group, items: Chunk.toReadonlyArray(handlers.handlers), context })
        return handlers
      }))
  const registered = HttpApiBuilder.group(api, groupName, (handlers) => {
    const built = build(handlers) as unknown as AnyHandlers | Effect.Effect<AnyHandlers, unknown, unknown>
    return (Effect.isEffect(built) ? Effect.flatMap(built, register) : register(built)) as never
  })
  return registered as unknown as Layer.Layer<
    HttpApiGroup.ApiGroup<ApiId, Name>,
    HttpApiBuilder.Handlers.Error<Return>,
    | Exclude<HttpApiBuilder.Handlers.Context<Return> | HttpApiGroup.HttpApiGroup.MiddlewareWithName<Groups, Name>, Scope.Scope>
    | Registry
  >
}

/**
 * The text top-level member `name` of `request`'s JSON body arrived as, when it is an object or an
 * array and a compiled route read the body (`Untrusted.JsonSource`); undefined otherwise (the
 * platform's router reads its bodies itself). A handler that stores a large member as JSON text
 * uses it to skip serialising the parsed member again; it must give the same answers without it.
 */
export const jsonMemberText = (request: HttpServerRequest.HttpServerRequest, name: string): string | undefined =>
  request instanceof NodeRequest ? request.jsonSource?.memberText(name) : undefined

// ---------------------------------------------------------------------------------------------
// compilation
// ---------------------------------------------------------------------------------------------

/** A response ready to write: a status, a content type, and the bytes or text of the body. */
interface Reply {
  readonly status: number
  readonly contentType?: string | undefined
  readonly body?: string | Uint8Array | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
}

type Outcome = Reply | HttpServerResponse.HttpServerResponse

/** A request body that could not be turned into a payload: rendered like `Fallback` does. */
class BodyInvalid {
  readonly _tag = "BodyInvalid"
  constructor(readonly failure: Fallback.Failure) {}
}

/** What a compiled route reads of its request, in the context of the fiber answering it. */
interface RequestInput {
  /** The services of the fiber answering the request: the route's, and the request's own. */
  readonly services: Map<string, unknown>
  readonly request: NodeRequest
  /** Where the answer goes. */
  readonly response: Http.ServerResponse
  readonly params: Record<string, string>
  readonly query: Record<string, string | Array<string>>
}
const RequestInput = Context.GenericTag<RequestInput>("@projectkit/server/CompiledApi/RequestInput")

interface CompiledRoute {
  readonly readsBody: boolean
  /** The 415 of a body in a media type the route's document does not declare (`Fallback`), if it declares any. */
  readonly checkMediaType?: ((headers: Http.IncomingHttpHeaders) => Fallback.Failure | undefined) | undefined
  readonly context: Context.Context<never>
  /** Answers the request in the fiber's context (see `RequestInput`). */
  readonly run: Effect.Effect<Outcome, unknown>
  /** The declared error `error` as a reply, if it is one of the endpoint's. */
  readonly encodeError: (error: unknown) => Reply | undefined
}

/** A compiled route in the listener's table: with its media-type check and its whole answer (`programOf`). */
interface ServedRoute extends CompiledRoute {
  readonly program: Effect.Effect<void>
}

const decodeFailure = (error: ParseResult.ParseError) =>
  new HttpApiDecodeError({
    issues: ParseResult.ArrayFormatter.formatErrorSync(error),
    message: ParseResult.TreeFormatter.formatErrorSync(error)
  })

// The contracts' schemas need no services: decoding and encoding them is synchronous.
const decoder = (schema: Schema.Schema.Any) => {
  const decode = Decoding.decoder(schema as Schema.Schema<unknown, unknown, never>)
  return (input: unknown): Either.Either<unknown, HttpApiDecodeError> => {
    const decoded = decode(input)
    return Either.isLeft(decoded) ? Either.left(decodeFailure(decoded.left)) : Either.right(decoded.right)
  }
}

const textOf = (body: Uint8Array | undefined) => body === undefined ? "" : new TextDecoder().decode(body)

/** The payload of a request with a body, as the platform reads it for each content type. */
const bodyPayload = (request: NodeRequest): Either.Either<unknown, BodyInvalid> => {
  const contentType = request.headers["content-type"]?.toLowerCase().trim() ?? "application/json"
  if (contentType.includes("application/json")) {
    const text = textOf(request.body)
    if (text === "") return Either.right(null)
    return Either.match(Untrusted.parseJsonWithSource(text), {
      onLeft: (refused) => Either.left(new BodyInvalid(refused === "NotJson" ? Fallback.notJson : Fallback.refused(refused))),
      onRight: ({ source, value }) => {
        request.jsonSource = source
        return Either.right(value)
      }
    })
  }
  if (contentType.includes("x-www-form-urlencoded")) {
    return Either.right(UrlParams.toRecord(UrlParams.fromInput(new URLSearchParams(textOf(request.body)))))
  }
  if (contentType.startsWith("text/")) return Either.right(textOf(request.body))
  return Either.right(request.body ?? new Uint8Array(0))
}

/** Encodes values of one of `schema`'s members into replies, the member chosen as a union would. */
const replies = (
  schemas: ReadonlyArray<Schema.Schema.Any>,
  statusOf: (ast: AST.AST) => number
) => {
  const members = new Set<Schema.Schema.Any>()
  for (const schema of schemas) HttpApiSchema.deunionize(members, schema)
  const encoders = Array.from(members, (member) => {
    const schema = member as Schema.Schema<unknown, unknown, never>
    const status = statusOf(schema.ast)
    const is = Schema.is(schema)
    if (HttpApiSchema.isVoid(schema.ast)) return { is, encode: () => Either.right<Reply>({ status }) }
    const encoding = HttpApiSchema.getEncoding(schema.ast)
    const encode = Encoding.encoder(schema)
    const { contentType } = encoding
    // The body's form chosen once here, not per value.
    const replyOf: (encoded: unknown) => Reply = encoding.kind === "Json"
      ? (encoded) => ({ status, contentType, body: JSON.stringify(encoded) })
      : encoding.kind === "Text"
      ? (encoded) => ({ status, contentType, body: String(encoded) })
      : encoding.kind === "Uint8Array"
      ? (encoded) => ({ status, contentType, body: encoded as Uint8Array })
      : (encoded) => ({ status, contentType, body: UrlParams.toString(UrlParams.fromInput(encoded as UrlParams.Input)) })
    return {
      is,
      encode: (value: unknown): Either.Either<Reply, ParseResult.ParseError> => {
        const encoded = encode(value)
        return Either.isLeft(encoded) ? Either.left(encoded.left) : Either.right(replyOf(encoded.right))
      }
    }
  })
  const [only] = encoders
  return (value: unknown): Either.Either<Reply, ParseResult.ParseError> | undefined => {
    const encoder = encoders.length === 1 ? only : encoders.find((candidate) => candidate.is(value))
    return encoder?.encode(value)
  }
}

/** How many credentials each security scheme keeps made (see `authenticate`). */
const recentCredentials = 256
/** The longest credential kept made: real keys and tokens are far shorter, junk is not kept. */
const longestKeptCredential = 256

/**
 * `handler` given the credential `scheme` finds in the request, read as
 * `HttpApiBuilder.securityDecode` reads it (a missing one is empty), without decoding every header
 * through a schema on each request, and handed over in the same step as it is read.
 */
const authenticate = (
  scheme: HttpApiSecurity.HttpApiSecurity,
  handler: (credential: unknown) => Effect.Effect<unknown, unknown>
): Effect.Effect<unknown, unknown> => {
  const read = (f: (input: RequestInput) => string | ReadonlyArray<string> | undefined) => {
    // The credentials recently sent, each as one `Redacted` (immutable: nothing here wipes one):
    // a `Redacted` is an entry in Effect's global WeakMap, a cost for the collector too, and
    // clients send the same credential request after request. Bounded in number (cleared whole
    // when full) and in length (at most ~128 KB per scheme, whatever clients send); a revoked
    // credential kept here only stands for the string sent, its authentication is
    // `Organizations`' to decide on every request.
    const redacted = recentlySeen((value) => Redacted.make(value), { entries: recentCredentials, longest: longestKeptCredential })
    return Effect.withFiberRuntime<unknown, unknown>((fiber) => {
      const found = f(Context.unsafeGet(fiber.currentContext, RequestInput))
      return handler(redacted(typeof found === "string" ? found : ""))
    })
  }
  switch (scheme._tag) {
    case "Bearer":
      return read(({ request }) => (request.headers.authorization ?? "").slice("Bearer ".length))
    case "ApiKey": {
      const key = scheme.in === "header" ? scheme.key.toLowerCase() : scheme.key
      return scheme.in === "header"
        ? read(({ request }) => request.headers[key])
        : scheme.in === "query"
        ? read(({ query }) => query[key])
        : read(({ request }) => request.cookies[key])
    }
    case "Basic":
      return Effect.flatMap(HttpApiBuilder.securityDecode(scheme) as Effect.Effect<unknown, never, never>, handler)
  }
}

/**
 * `effect` with `value` as the `tag` service. Added in place to the request's own services (see
 * `start`) while they are the fiber's context, which spares a context copy and two fiber-local
 * changes (each comparing whole contexts) per middleware; through `provideService` otherwise.
 */
const provideTo = <A, R>(
  tag: Context.Tag<unknown, unknown>,
  effect: Effect.Effect<A, unknown, R>,
  /** `effect` when it is the route's handler: called at once with the input at hand, one step fewer. */
  handle?: (input: RequestInput) => Effect.Effect<A, unknown, R>
) =>
(value: unknown) =>
  Effect.withFiberRuntime<A, unknown, R>((fiber) => {
    const input = Context.unsafeGet(fiber.currentContext, RequestInput)
    if (fiber.currentContext.unsafeMap !== input.services) return Effect.provideService(effect, tag, value)
    input.services.set(tag.key, value)
    return handle === undefined ? effect : handle(input)
  })

type MiddlewareEntry = { readonly tag: HttpApiMiddleware.TagClassAny; readonly context: Context.Context<never> }

/** The middleware of `tags`, wrapped around `handler` in the order HttpApiBuilder applies it. */
const withMiddleware = <A>(
  entries: ReadonlyArray<MiddlewareEntry>,
  handler: Effect.Effect<A, unknown, never>,
  /** What `handler` runs, given its request's input (see `provideTo`). */
  handle?: (input: RequestInput) => Effect.Effect<A, unknown, never>
): Effect.Effect<A, unknown, never> => {
  let wrapped: Effect.Effect<A, unknown, unknown> = handler
  for (const { context, tag } of entries) {
    const implementation: unknown = Context.unsafeGet(context, tag as unknown as Context.Tag<unknown, unknown>)
    let effect: Effect.Effect<unknown, unknown, unknown>
    if (HttpApiMiddleware.isSecurity(tag)) {
      const handlers = implementation as Record<string, (credential: unknown) => Effect.Effect<unknown, unknown>>
      let security: Effect.Effect<unknown, unknown, unknown> | undefined
      for (const [key, scheme] of Object.entries(tag.security)) {
        const attempt = authenticate(scheme, handlers[key]!)
        security = security === undefined ? attempt : Effect.catchAll(security, () => attempt)
      }
      effect = security ?? Effect.void
    } else {
      effect = implementation as Effect.Effect<unknown, unknown, unknown>
    }
    const provides = tag.provides as Context.Tag<unknown, unknown> | undefined
    const previous = wrapped
    const provide = provides === undefined
      ? () => previous
      : provideTo(provides, previous, previous === handler ? handle : undefined)
    wrapped = tag.optional
      ? Effect.matchEffect(effect, { onFailure: () => previous, onSuccess: provide })
      : Effect.flatMap(effect, provide)
  }
  return wrapped as Effect.Effect<A, unknown, never>
}

const compileRoute = (
  api: HttpApi.HttpApi.AnyWithProps,
  apiContext: Context.Context<never>,
  handlers: GroupHandlers,
  item: AnyItem
): CompiledRoute | undefined => {
  const endpoint = item.endpoint as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
  const payloadSchema = Option.getOrUndefined(endpoint.payloadSchema)
  // Raw handlers read the request themselves, and multipart bodies are streamed to disk: the
  // platform serves both.
  if (item.withFullRequest) return undefined
  if (payloadSchema !== undefined && (HttpApiSchema.getMultipart(payloadSchema.ast) !== undefined ||
    HttpApiSchema.getMultipartStream(payloadSchema.ast) !== undefined)) return undefined

  const decodePath = Option.getOrUndefined(Option.map(endpoint.pathSchema, (schema) => decoder(schema)))
  const decodePayload = payloadSchema === undefined ? undefined : decoder(payloadSchema)
  const decodeHeaders = Option.getOrUndefined(Option.map(endpoint.headersSchema, (schema) => decoder(schema)))
  const urlParamsSchema = Option.getOrUndefined(endpoint.urlParamsSchema)
  const decodeUrlParams = urlParamsSchema === undefined ? undefined : decoder(urlParamsSchema)
  const readsBody = HttpMethod.hasBody(endpoint.method)
  const encodeSuccess = replies([endpoint.successSchema], HttpApiSchema.getStatusSuccessAST)
  const encodeError = replies(
    [endpoint.errorSchema, handlers.group.errorSchema, api.errorSchema],
    HttpApiSchema.getStatusErrorAST
  )
  const middleware: Array<MiddlewareEntry> = []
  const seen = new Set<string>()
  // Group middleware first, then the endpoint's; each wraps the previous, so the last runs first.
  for (const tag of [...handlers.group.middlewares, ...endpoint.middlewares]) {
    if (seen.has(tag.key)) continue
    seen.add(tag.key)
    middleware.push({ tag, context: handlers.context })
  }
  const apiMiddleware = Array.from(api.middlewares, (tag): MiddlewareEntry => ({ tag, context: apiContext }))

  /** The handler's value as what is written: the platform's response as is, else encoded by the success schema. */
  const toOutcome = (value: unknown): Effect.Effect<Outcome, unknown> => {
    if (HttpServerResponse.isServerResponse(value)) return Effect.succeed(value)
    const reply = encodeSuccess(value)
    if (reply !== undefined && Either.isRight(reply)) return Effect.succeed(reply.right)
    return Effect.die(new Error(`the response of ${endpoint.name} does not match its schema`, {
      cause: reply === undefined ? undefined : reply.left
    }))
  }
  const handle = ({ params, query, request }: RequestInput): Effect.Effect<Outcome, unknown> => {
    const input: Record<string, unknown> = { request }
    if (decodePath !== undefined) {
      const path = decodePath(params)
      if (Either.isLeft(path)) return Effect.fail(path.left)
      input.path = path.right
    }
    if (decodePayload !== undefined) {
      const raw = readsBody ? bodyPayload(request) : Either.right(query)
      if (Either.isLeft(raw)) return Effect.fail(raw.left)
      const payload = decodePayload(raw.right)
      if (Either.isLeft(payload)) return Effect.fail(payload.left)
      input.payload = payload.right
    }
    if (decodeHeaders !== undefined) {
      const headers = decodeHeaders(request.headers)
      if (Either.isLeft(headers)) return Effect.fail(headers.left)
      input.headers = headers.right
    }
    if (decodeUrlParams !== undefined && urlParamsSchema !== undefined) {
      const urlParams = decodeUrlParams(normalizeQuery(query, urlParamsSchema.ast))
      if (Either.isLeft(urlParams)) return Effect.fail(urlParams.left)
      input.urlParams = urlParams.right
    }
    return Effect.flatMap(item.handler(input as never) as Effect.Effect<unknown, unknown>, toOutcome)
  }
  // Built once: the middleware (security decoding included) is the same Effect for every request.
  const handler = withMiddleware(
    middleware,
    Effect.withFiberRuntime<Outcome, unknown>((fiber) => handle(Context.unsafeGet(fiber.currentContext, RequestInput))),
    handle
  )
  const run = apiMiddleware.length === 0 ? handler : withMiddleware(apiMiddleware, handler)
  // The group layer's own scope is in its context: a handler must never add finalizers to it (they
  // would run at shutdown), so requests get no Scope at all (see the module's comment).
  const routeContext = Context.omit(Scope.Scope)(handlers.context) as Context.Context<never>
  return {
    readsBody,
    context: routeContext,
    encodeError: (error) => {
      const reply = encodeError(error)
      return reply !== undefined && Either.isRight(reply) ? reply.right : undefined
    },
    run: item.uninterruptible ? Effect.uninterruptible(run) : run
  }
}

// ---------------------------------------------------------------------------------------------
// responding
// ---------------------------------------------------------------------------------------------

const toServerResponse = (outcome: Outcome): HttpServerResponse.HttpServerResponse => {
  if (HttpServerResponse.isServerResponse(outcome)) return outcome
  const options = { status: outcome.status, ...(outcome.contentType === undefined ? {} : { contentType: outcome.contentType }) }
  if (outcome.body === undefined) return HttpServerResponse.empty({ status: outcome.status })
  return typeof outcome.body === "string"
    ? HttpServerResponse.text(outcome.body, options)
    : HttpServerResponse.uint8Array(outcome.body, options)
}

const writeReply = (response: Http.ServerResponse, reply: Reply): void => {
  if (reply.body === undefined) {
    response.writeHead(reply.status)
    response.end()
    return
  }
  const length = typeof reply.body === "string" ? Buffer.byteLength(reply.body) : reply.body.byteLength
  response.writeHead(reply.status, { ...reply.headers, "content-type": reply.contentType ?? "application/json", "content-length": length })
  response.end(reply.body)
}

/** Writes a platform response, as `@effect/platform-node` does, streaming a `Stream` body with backpressure. */
const writeServerResponse = (
  response: Http.ServerResponse,
  outcome: HttpServerResponse.HttpServerResponse
): Effect.Effect<void> => {
  const headers: Record<string, string | Array<string>> = { ...outcome.headers }
  if (!Cookies.isEmpty(outcome.cookies)) {
    const previous = headers["set-cookie"]
    headers["set-cookie"] = [...Cookies.toSetCookieHeaders(outcome.cookies), ...(previous === undefined ? [] : [previous].flat())]
  }
  const body = outcome.body
  switch (body._tag) {
    case "Empty":
      return Effect.sync(() => {
        response.writeHead(outcome.status, headers)
        response.end()
      })
    case "Uint8Array":
      return Effect.sync(() => {
        if (headers["content-type"] === undefined) headers["content-type"] = body.contentType
        response.writeHead(outcome.status, headers)
        response.end(body.body)
      })
    case "Raw":
      if (typeof body.body !== "string" && !(body.body instanceof Uint8Array)) {
        return Effect.die(new Error("raw response bodies other than text and bytes are not served by compiled routes"))
      }
      return Effect.sync(() => {
        response.writeHead(outcome.status, headers)
        response.end(body.body)
      })
    case "Stream":
      return Effect.suspend(() => {
        if (headers["content-type"] === undefined) headers["content-type"] = body.contentType
        response.writeHead(outcome.status, headers)
        const drained = Effect.unsafeMakeLatch()
        response.on("drain", () => drained.unsafeOpen())
        return body.stream.pipe(
          Stream.orDie,
          Stream.runForEachChunk((chunk) => {
            let full = false
            for (const bytes of chunk) full = !response.write(bytes)
            if (!full) return Effect.void
            drained.unsafeClose()
            return drained.await
          }),
          Effect.interruptible,
          // The status is sent: a stream failing now can only cut the body short, and be logged.
          Effect.tapErrorCause((cause) =>
            Cause.isInterruptedOnly(cause) ? Effect.void : Effect.logError("a streamed response failed", cause)
          ),
          Effect.ensuring(Effect.sync(() => response.end()))
        )
      })
    case "FormData":
      return Effect.die(new Error("FormData responses are not served by compiled routes"))
  }
}

// ---------------------------------------------------------------------------------------------
// serving
// ---------------------------------------------------------------------------------------------

export interface Options {
  /** The largest request body accepted; larger ones get 413. */
  readonly maxBodyBytes: number
  /** How each dialect writes an error body (see Fallback). */
  readonly dialects: ReadonlyArray<Fallback.DialectErrors>
  /** Log every request (method, url, status). */
  readonly logRequests: boolean
  /** False serves everything through the platform's app: the reference the compiled routes match. */
  readonly compile: boolean
}

const emptyQuery: Record<string, string | Array<string>> = {}

/**
 * What sees every request before it is routed, compiled or not: the request journal and fault
 * injection (`../Traffic.ts`). Optional; while `active()` is false a request costs that one call,
 * otherwise `observe` decides when, and whether, `route` runs (a fault may answer instead).
 */
export class Observer extends Context.Tag("@projectkit/server/CompiledApi/Observer")<Observer, {
  readonly active: () => boolean
  readonly observe: (request: Http.IncomingMessage, response: Http.ServerResponse, route: () => void) => void
}>() {}

/**
 * A `node:http` request listener serving every compiled route of the API registered in the
 * `Registry`, and passing anything else to `fallback` (the platform's handler).
 */
const makeListener = (options: Options, fallback: (request: Http.IncomingMessage, response: Http.ServerResponse) => void) =>
  Effect.gen(function*() {
    const { api, context: apiContext } = yield* HttpApi.Api
    const registry = yield* Registry
    const runtime = yield* Effect.runtime<never>()
    const render = Fallback.renderer(options.dialects)
    const mediaTypeCheckOf = Fallback.routeMediaTypeCheck(options.dialects)
    const table = new RouteTable<ServedRoute>()
    const failureReply = (url: string, failure: Fallback.Failure): Reply => ({
      status: failure.status,
      contentType: "application/json",
      body: JSON.stringify(render(url, failure)),
      ...(failure.retryAfter === undefined ? {} : { headers: { "retry-after": String(failure.retryAfter) } })
    })

    /** The reply for a failed request, or undefined when the client went away. */
    const failed = (route: CompiledRoute, url: string, cause: Cause.Cause<unknown>): Effect.Effect<Reply | undefined> => {
      const outage = Fallback.storageOutage(cause)
      if (Option.isSome(outage)) {
        return Effect.as(Effect.logWarning("storage unavailable: answered 503", cause), failureReply(url, outage.value))
      }
      const failure = Cause.failureOption(cause)
      if (Option.isSome(failure)) {
        const error = failure.value
        if (error instanceof BodyInvalid) return Effect.succeed(failureReply(url, error.failure))
        const known = Fallback.classify(error)
        if (Option.isSome(known)) return Effect.succeed(failureReply(url, known.value))
        const declared = route.encodeError(error)
        if (declared !== undefined) return Effect.succeed(declared)
      } else if (Cause.isInterruptedOnly(cause)) {
        return Effect.succeed(undefined)
      }
      return Effect.as(Effect.logError("unhandled failure", cause), failureReply(url, Fallback.internalError))
    }

    /** Writes `outcome` to the fiber's request (`RequestInput`), through the pre-response handlers if any. */
    const respond = (outcome: Outcome) =>
      Effect.withFiberRuntime<void>((fiber) => {
        const { request, response } = Context.unsafeGet(fiber.currentContext, RequestInput)
        if (response.writableEnded) return Effect.void
        const preResponse = fiber.getFiberRef(HttpApp.currentPreResponseHandlers)
        if (Option.isNone(preResponse)) {
          if (HttpServerResponse.isServerResponse(outcome)) return writeServerResponse(response, outcome)
          writeReply(response, outcome)
          return Effect.void
        }
        return preResponse.value(request, toServerResponse(outcome)).pipe(
          Effect.flatMap((final) => writeServerResponse(response, final)),
          Effect.catchAllCause((cause) =>
            Effect.zipRight(
              Effect.logError("a pre-response handler failed", cause),
              Effect.sync(() => writeReply(response, failureReply(request.url, Fallback.internalError)))
            )
          )
        )
      })

    // Read once the response is written, not when the request starts.
    const logged = Effect.withFiberRuntime<void>((fiber) => {
      const { request, response } = Context.unsafeGet(fiber.currentContext, RequestInput)
      return Effect.annotateLogs(Effect.log("Sent HTTP response"), {
        "http.method": request.method,
        "http.url": request.url,
        "http.status": response.statusCode
      })
    })

    /**
     * A route's whole answer, built once: its effect, then the write of its outcome or failure,
     * all reading the request from the fiber's context, so a request builds no pipeline of its own.
     */
    const programOf = (route: CompiledRoute): Effect.Effect<void> => {
      const program = Effect.matchCauseEffect(route.run, {
        onSuccess: respond,
        onFailure: (cause) =>
          Effect.withFiberRuntime<void>((fiber) =>
            Effect.flatMap(
              failed(route, Context.unsafeGet(fiber.currentContext, RequestInput).request.url, cause),
              (reply) => reply === undefined ? Effect.void : respond(reply)
            )
          )
      })
      return options.logRequests ? Effect.zipRight(program, logged) : program
    }
    // Request fibers count in no metric: Effect's fiber metrics (on by default: a counter and a
    // gauge at start, a histogram, a gauge and a counter at exit, each with its labels read) are
    // read by nothing in this server and were a measurable share of a GET (issue 28).
    const requestFlags = RuntimeFlags.disable(runtime.runtimeFlags, RuntimeFlags.RuntimeMetrics)

    for (const handlers of options.compile ? registry.groups : []) {
      for (const item of handlers.items) {
        const route = compileRoute(api as unknown as HttpApi.HttpApi.AnyWithProps, apiContext, handlers, item)
        const endpoint = item.endpoint as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
        // The route's media types found once here, not by scanning every route's pattern per request.
        const checkMediaType = route?.readsBody === true ? mediaTypeCheckOf(endpoint.method, endpoint.path) : undefined
        // A path this table cannot express stays with the platform's router.
        if (route !== undefined) table.add(endpoint.method, endpoint.path, { ...route, checkMediaType, program: programOf(route) })
      }
    }

    const start = (
      route: ServedRoute,
      params: Record<string, string>,
      url: string,
      queryAt: number,
      nodeRequest: Http.IncomingMessage,
      response: Http.ServerResponse,
      body: Uint8Array | undefined
    ) => {
      const query = queryAt === -1 ? emptyQuery : parseQuery(url.slice(queryAt + 1))
      const request = new NodeRequest(nodeRequest, body)
      // The request's services over the route's, which are not copied (Context.add would copy thrice).
      const services = new RequestServices(route.context.unsafeMap)
      services.set(HttpServerRequest.HttpServerRequest.key, request)
      services.set(HttpServerRequest.ParsedSearchParams.key, query)
      services.set(RequestInput.key, { services, request, response, params, query })
      const context = Context.unsafeMake<never>(services)
      const fiber = Runtime.runFork(
        Runtime.make({ context, fiberRefs: runtime.fiberRefs, runtimeFlags: requestFlags }),
        route.program
      )
      // Most requests are answered before runFork returns (it runs the fiber at once, until it
      // waits for something): only a fiber still running can be left by its client.
      if (fiber.unsafePoll() !== null) return
      response.on("close", () => {
        if (!response.writableEnded) fiber.unsafeInterruptAsFork(HttpServerError.clientAbortFiberId)
      })
    }

    /** A reply written before any route runs (a refused URL, a body too large), logged like the others. */
    const answerNow = (nodeRequest: Http.IncomingMessage, response: Http.ServerResponse, reply: Reply) => {
      writeReply(response, reply)
      if (options.logRequests) {
        Runtime.runFork(runtime)(Effect.annotateLogs(Effect.log("Sent HTTP response"), {
          "http.method": nodeRequest.method ?? "GET",
          "http.url": nodeRequest.url ?? "/",
          "http.status": reply.status
        }))
      }
    }

    const dispatch = (nodeRequest: Http.IncomingMessage, response: Http.ServerResponse): void => {
      const url = nodeRequest.url ?? "/"
      // Every request, compiled or not: the platform's router decodes the same path and query.
      const refused = Untrusted.checkUrl(url) ?? Untrusted.checkCredentialHeaders(nodeRequest.rawHeaders)
      if (refused !== undefined) return answerNow(nodeRequest, response, failureReply(url, Fallback.refused(refused)))
      const queryAt = url.indexOf("?")
      const found = table.match(nodeRequest.method ?? "GET", queryAt === -1 ? url : url.slice(0, queryAt))
      if (found === undefined) return fallback(nodeRequest, response)
      const { params, route } = found
      if (!route.readsBody) return start(route, params, url, queryAt, nodeRequest, response, undefined)
      const unsupported = route.checkMediaType?.(nodeRequest.headers)
      if (unsupported !== undefined) return answerNow(nodeRequest, response, failureReply(url, unsupported))
      if (nodeRequest.headers["content-type"]?.toLowerCase().includes("multipart/") === true) {
        return fallback(nodeRequest, response)
      }
      readBody(nodeRequest, options.maxBodyBytes, (body) => {
        if (body === "Aborted") return void response.destroy()
        if (body === "TooLarge") return answerNow(nodeRequest, response, failureReply(url, Fallback.tooLarge))
        start(route, params, url, queryAt, nodeRequest, response, body)
      })
    }

    const observer = Option.getOrUndefined(yield* Effect.serviceOption(Observer))
    if (observer === undefined) return dispatch
    return (nodeRequest: Http.IncomingMessage, response: Http.ServerResponse): void => {
      if (!observer.active()) return dispatch(nodeRequest, response)
      observer.observe(nodeRequest, response, () => dispatch(nodeRequest, response))
    }
  })

/**
 * An `HttpServer` on `node:http` whose `serve` puts the compiled routes in front of the
 * platform's handler for the app it is given (`HttpApiBuilder.serve` gives it the whole API).
 */
export const layerServer = (
  evaluate: () => Http.Server,
  listen: Net.ListenOptions,
  options: Options
): Layer.Layer<
  HttpServer.HttpServer | Layer.Layer.Success<typeof NodeHttpServer.layerContext>,
  HttpServerError.ServeError,
  HttpApi.Api | Registry
> =>
  Layer.scoped(
    HttpServer.HttpServer,
    Effect.gen(function*() {
      const server = yield* Effect.acquireRelease(
        Effect.sync(evaluate),
        (server) =>
          Effect.async<void>((resume) => {
            if (!server.listening) return resume(Effect.void)
            server.close(() => resume(Effect.void))
          })
      )
      yield* Effect.async<void, HttpServerError.ServeError>((resume) => {
        const onError = (cause: Error) => resume(Effect.fail(new HttpServerError.ServeError({ cause })))
        server.once("error", onError)
        server.listen(listen, () => {
          server.off("error", onError)
          resume(Effect.void)
        })
      })
      const address = server.address() as Net.AddressInfo
      const context = yield* Effect.context<HttpApi.Api | Registry>()
      return HttpServer.make({
        address: {
          _tag: "TcpAddress",
          hostname: address.address === "::" ? "0.0.0.0" : address.address,
          port: address.port
        },
        serve: (app, middleware) =>
          Effect.gen(function*() {
            const fallback = yield* PlatformHandler.makeHandler(app as never, middleware as never)
            const listener = yield* Effect.provide(makeListener(options, fallback), context)
            yield* Effect.addFinalizer(() => Effect.sync(() => server.off("request", listener)))
            server.on("request", listener)
          }) as never
      })
    })
  ).pipe(Layer.provideMerge(NodeHttpServer.layerContext))
