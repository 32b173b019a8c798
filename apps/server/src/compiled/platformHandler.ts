/**
 * The `node:http` handler that runs the platform's app (the `HttpApiBuilder` router: the whole API
 * with `--platform-router`, else docs, unknown routes, multipart and raw endpoints), in place of
 * `@effect/platform-node`'s `NodeHttpServer.makeHandler`. Same request object, same app wrapped
 * as `HttpApp.toHandled` wraps it, same bytes written; what differs is only what a request costs
 * (issue 28), measured with the platform router's GET:
 * - the request's fiber starts with its context built once, not by `Effect.provideService` (a
 *   copy, then a fiber-ref update compared service by service, then its undo), and it holds the
 *   four services the platform's app may ask a request for, not the server's ~25, which every
 *   service provided later on the request's way copied again;
 * - a response whose body is bytes, text or nothing is ended at once: the platform's waits for
 *   `end`'s callback, so every request's fiber suspended once more to be resumed by the scheduler
 *   after its bytes were already written;
 * - the client-abort listener is added only to a request still running when the fiber yields (most
 *   are answered before `runFork` returns), as the compiled routes do;
 * - an untraced request (all of the server's) gets its scope in its own context, not through
 *   `Scope.extend` (`toHandledUntraced`: ~25 of ~180 steps of a GET).
 * The request is the compiled routes' `NodeRequest` with the platform's on-demand body reading;
 * the response writing follows `@effect/platform-node` 0.108's `internal/httpServer` (not
 * exported) line for line but for the ends not waited for. Fenced here (README, item 9):
 * `test/PlatformHandler.test.ts` holds both to the platform's own handler, byte for byte.
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Etag from "@effect/platform/Etag"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Headers from "@effect/platform/Headers"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpPlatform from "@effect/platform/HttpPlatform"
import type * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type * as Multipart from "@effect/platform/Multipart"
import * as Path from "@effect/platform/Path"
import * as NodeMultipart from "@effect/platform-node/NodeMultipart"
import * as NodeStream from "@effect/platform-node/NodeStream"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as FiberRefs from "effect/FiberRefs"
import * as GlobalValue from "effect/GlobalValue"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Http from "node:http"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { NodeRequest } from "./nodeRequest.js"

/**
 * A `node:http` request as `HttpServerRequest`, as the platform's own: the compiled routes'
 * `NodeRequest` (headers, cookies, URL, `modify`), its body read on demand (bounded by
 * `HttpIncomingMessage.MaxBodySize`) and multipart parsed by the platform's parser, since the
 * platform's app serves multipart and raw endpoints. `response` is where
 * `NodeHttpServerRequest.toServerResponse` finds the `node:http` response.
 */
export class PlatformRequest extends NodeRequest {
  constructor(
    source: Http.IncomingMessage,
    readonly response: Http.ServerResponse,
    url?: string,
    headersOverride?: Headers.Headers,
    remoteAddressOverride?: string
  ) {
    super(source, undefined, url, headersOverride, remoteAddressOverride)
  }

  private readonly onError = (cause: unknown) => this.decodeError(cause)

  private textEffect: Effect.Effect<string, HttpServerError.RequestError> | undefined
  override get text(): Effect.Effect<string, HttpServerError.RequestError> {
    // Read once and kept: a middleware may read the body before the handler does.
    return this.textEffect ??= Effect.runSync(Effect.cached(Effect.flatMap(
      HttpIncomingMessage.MaxBodySize,
      (maxBodySize) =>
        NodeStream.toString(() => this.source, { onFailure: this.onError, maxBytes: Option.getOrUndefined(maxBodySize) })
    )))
  }

  override get stream(): Stream.Stream<Uint8Array, HttpServerError.RequestError> {
    return NodeStream.fromReadable(() => this.source, this.onError)
  }

  override get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpServerError.RequestError> {
    return Effect.flatMap(HttpIncomingMessage.MaxBodySize, (maxBodySize) =>
      NodeStream.toUint8Array(() => this.source, { onFailure: this.onError, maxBytes: Option.getOrUndefined(maxBodySize) })
    ) as unknown as Effect.Effect<ArrayBuffer, HttpServerError.RequestError>
  }

  private multipartEffect:
    | Effect.Effect<Multipart.Persisted, Multipart.MultipartError, Scope.Scope | FileSystem.FileSystem | Path.Path>
    | undefined
  override get multipart(): Effect.Effect<Multipart.Persisted, Multipart.MultipartError, Scope.Scope | FileSystem.FileSystem | Path.Path> {
    return this.multipartEffect ??= Effect.runSync(Effect.cached(NodeMultipart.persisted(this.source, this.source.headers)))
  }

  override get multipartStream(): Stream.Stream<Multipart.Part, Multipart.MultipartError> {
    return NodeMultipart.stream(this.source, this.source.headers)
  }

  override modify(options: { readonly url?: string; readonly headers?: Headers.Headers; readonly remoteAddress?: string }) {
    return new PlatformRequest(
      this.source,
      this.response,
      options.url ?? this.url,
      options.headers ?? this.headersOverride,
      options.remoteAddress ?? this.remoteAddressOverride
    )
  }
}

/** A response that failed while being written: whatever can still be said, said, and the cause kept. */
const failedWhileWriting = (nodeResponse: Http.ServerResponse, original: HttpServerResponse.HttpServerResponse) =>
(originalCause: Cause.Cause<unknown>) =>
  HttpServerError.causeResponse(originalCause).pipe(
    Effect.flatMap(([response, cause]) => {
      const headersSent = nodeResponse.headersSent
      if (!headersSent) nodeResponse.writeHead(response.status)
      if (!nodeResponse.writableEnded) nodeResponse.end()
      return Effect.failCause(headersSent ? Cause.sequential(originalCause, Cause.die(original)) : cause)
    })
  )

/** Writes `response` to `request`'s `node:http` response, as the platform does, ending it at once where it can. */
const handleResponse = (
  request: HttpServerRequest.HttpServerRequest,
  response: HttpServerResponse.HttpServerResponse
): Effect.Effect<void, unknown> =>
  Effect.suspend(() => {
    const nodeResponse = (request as unknown as PlatformRequest).response
    if (nodeResponse.writableEnded) return Effect.void
    let headers: Http.OutgoingHttpHeaders = response.headers
    if (!Cookies.isEmpty(response.cookies)) {
      const toSet = Cookies.toSetCookieHeaders(response.cookies)
      const previous = headers["set-cookie"]
      if (previous !== undefined) toSet.push(previous as string)
      headers = { ...headers, "set-cookie": toSet }
    }
    if (request.method === "HEAD") {
      nodeResponse.writeHead(response.status, headers)
      nodeResponse.end()
      return Effect.void
    }
    const body = response.body
    switch (body._tag) {
      case "Empty":
        nodeResponse.writeHead(response.status, headers)
        nodeResponse.end()
        return Effect.void
      case "Raw": {
        nodeResponse.writeHead(response.status, headers)
        const raw: unknown = body.body
        if (typeof raw === "object" && raw !== null && "pipe" in raw && typeof raw.pipe === "function") {
          return Effect.tryPromise({
            try: (signal) => pipeline(raw as Readable, nodeResponse, { signal, end: true }),
            catch: (cause) => new HttpServerError.ResponseError({ request, response, reason: "Decode", cause })
          }).pipe(Effect.interruptible, Effect.tapErrorCause(failedWhileWriting(nodeResponse, response)))
        }
        nodeResponse.end(raw)
        return Effect.void
      }
      case "Uint8Array":
        nodeResponse.writeHead(response.status, headers)
        nodeResponse.end(body.body)
        return Effect.void
      case "FormData":
        return Effect.suspend(() => {
          const web = new Response(body.formData)
          nodeResponse.writeHead(response.status, { ...headers, ...Object.fromEntries(web.headers) })
          return Effect.async<void, HttpServerError.ResponseError>((resume) => {
            Readable.fromWeb(web.body as never).pipe(nodeResponse)
              .on("error", (cause) =>
                resume(Effect.fail(new HttpServerError.ResponseError({ request, response, reason: "Decode", cause })))
              )
              .once("finish", () => resume(Effect.void))
          }).pipe(Effect.interruptible, Effect.tapErrorCause(failedWhileWriting(nodeResponse, response)))
        })
      case "Stream": {
        nodeResponse.writeHead(response.status, headers)
        const drainLatch = Effect.unsafeMakeLatch()
        nodeResponse.on("drain", () => drainLatch.unsafeOpen())
        return body.stream.pipe(
          Stream.orDie,
          Stream.runForEachChunk((chunk) => {
            const array = Chunk.toReadonlyArray(chunk)
            if (array.length === 0) return Effect.void
            let needDrain = false
            for (let i = 0; i < array.length; i++) {
              const written = nodeResponse.write(array[i])
              if (!written && !needDrain) {
                needDrain = true
                drainLatch.unsafeClose()
              } else if (written && needDrain) {
                needDrain = false
              }
            }
            if (!needDrain) return Effect.void
            return drainLatch.await
          }),
          Effect.interruptible,
          Effect.matchCauseEffect({
            onSuccess: () => Effect.sync(() => nodeResponse.end()),
            onFailure: failedWhileWriting(nodeResponse, response)
          })
        )
      }
    }
  })

// What `HttpApp.toHandled` marks a request with once its response is written, and the scopes
// `HttpApp.ejectDefaultScopeClose` keeps open past the response (the same global WeakSet).
const handledSymbol = Symbol.for("@effect/platform/HttpApp/handled")
const ejectedScopes = GlobalValue.globalValue("@effect/platform/HttpApp/ejectedScopes", () => new WeakSet<Scope.Scope>())

/** A request's own services, the context its fiber starts with (see `scopedInPlace`). */
class RequestContext extends Map<string, unknown> {}

/**
 * `effect` with a new `Scope` in the request's context, closed when `effect` ends (unless ejected),
 * as `HttpApp.toHandled`'s `scoped`, but with the scope set in the request's own context: through
 * `Scope.extend` it was a context copy and a fiber-local change and its undo per request, ~25
 * steps of a platform-router GET's ~180 (issue 28).
 */
const scopedInPlace = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, Scope.Scope>> =>
  Effect.flatMap(Scope.make(), (scope) =>
    Effect.withFiberRuntime<A, E, Exclude<R, Scope.Scope>>((fiber) => {
      const services = fiber.currentContext.unsafeMap
      const scoped = services instanceof RequestContext
        ? (services.set(Scope.Scope.key, scope), effect as Effect.Effect<A, E, Exclude<R, Scope.Scope>>)
        : Scope.extend(effect, scope)
      return Effect.onExit(scoped, (exit) => ejectedScopes.has(scope) ? Effect.void : Scope.close(scope, exit))
    }))

/** Writes `response` once the pre-response handlers have seen it, marking the request handled. */
const respondTo = (
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  response: HttpServerResponse.HttpServerResponse
): Effect.Effect<HttpServerResponse.HttpServerResponse, unknown> => {
  const request = Context.unsafeGet(fiber.currentContext, HttpServerRequest.HttpServerRequest) as
    & HttpServerRequest.HttpServerRequest
    & { [handledSymbol]?: boolean }
  const handler = fiber.getFiberRef(HttpApp.currentPreResponseHandlers)
  if (handler._tag === "None") {
    request[handledSymbol] = true
    return Effect.as(handleResponse(request, response), response)
  }
  return Effect.tap(handler.value(request, response), (final) => {
    request[handledSymbol] = true
    return handleResponse(request, final)
  })
}

/**
 * `HttpApp.toHandled(app, handleResponse, middleware)` for a request the platform's tracer
 * middleware leaves untraced (`HttpMiddleware.currentTracerDisabledWhen`, as the server disables
 * it for every request), step for step but for the request's scope (`scopedInPlace`) and the
 * tracer's own step: the same writes, pre-response handlers, error responses and outcome.
 */
const toHandledUntraced = (
  app: HttpApp.Default<unknown, unknown>,
  middleware: HttpMiddleware.HttpMiddleware | undefined
): Effect.Effect<void> => {
  // Its requirements are in the context each request's fiber starts with (see `makeHandler`).
  const answer = app as Effect.Effect<HttpServerResponse.HttpServerResponse, unknown>
  const responded = Effect.withFiberRuntime<HttpServerResponse.HttpServerResponse, unknown>((fiber) =>
    Effect.flatMap(answer, (response) => respondTo(fiber, response))
  )
  const withErrorHandling = Effect.catchAllCause(responded, (cause) =>
    Effect.withFiberRuntime<HttpServerResponse.HttpServerResponse, unknown>((fiber) =>
      Effect.flatMap(HttpServerError.causeResponse(cause), ([response, cause]) =>
        Effect.zipRight(
          respondTo(fiber, response),
          Cause.isEmptyType(cause) ? Effect.succeed(response) : Effect.failCause(cause)
        ))
    ))
  const withMiddleware: Effect.Effect<unknown, unknown> = middleware === undefined
    ? withErrorHandling
    : Effect.matchCauseEffect(middleware(withErrorHandling) as Effect.Effect<HttpServerResponse.HttpServerResponse, unknown>, {
      onFailure: (cause) =>
        Effect.withFiberRuntime((fiber) => {
          const request = Context.unsafeGet(fiber.currentContext, HttpServerRequest.HttpServerRequest)
          if (handledSymbol in request) return Effect.void
          return Effect.matchCauseEffect(HttpServerError.causeResponse(cause), {
            onFailure: () => handleResponse(request, HttpServerResponse.empty({ status: 500 })),
            onSuccess: ([response]) => handleResponse(request, response)
          })
        }),
      onSuccess: (response) =>
        Effect.withFiberRuntime((fiber) => {
          const request = Context.unsafeGet(fiber.currentContext, HttpServerRequest.HttpServerRequest)
          return handledSymbol in request ? Effect.void : handleResponse(request, response)
        })
    })
  // Failing as the platform's does (a failed request's fiber ends with its cause, once answered).
  return Effect.uninterruptible(scopedInPlace(withMiddleware)) as Effect.Effect<unknown> as Effect.Effect<void>
}

/** `HttpRouter.DefaultServices`: what the platform's app may require of a request's context. */
const defaultServices: ReadonlyArray<Context.Tag<unknown, unknown>> = [
  HttpPlatform.HttpPlatform,
  Etag.Generator,
  FileSystem.FileSystem,
  Path.Path
] as ReadonlyArray<Context.Tag<unknown, unknown>>

/**
 * A `node:http` request listener running `app` (under `middleware`) for every request, with the
 * fiber refs of the effect that makes it and the services a platform app may require of a request.
 */
export const makeHandler = <E>(
  app: HttpApp.Default<E, HttpRouter.HttpRouter.DefaultServices | HttpServerRequest.HttpServerRequest | Scope.Scope>,
  middleware?: HttpMiddleware.HttpMiddleware
): Effect.Effect<(request: Http.IncomingMessage, response: Http.ServerResponse) => void, never, HttpRouter.HttpRouter.DefaultServices> =>
  Effect.map(Effect.runtime<HttpRouter.HttpRouter.DefaultServices>(), (runtime) => {
    // Its requirements, `DefaultServices` and the request, are in the context each fiber starts with.
    const traced = HttpApp.toHandled(app, handleResponse, middleware) as unknown as Effect.Effect<void>
    const untraced = toHandledUntraced(app as HttpApp.Default<unknown, unknown>, middleware)
    // Read by the platform's tracer middleware from the fiber's refs, which are the runtime's
    // until then: the same answer here, per request.
    const tracerDisabledWhen = FiberRefs.getOrDefault(runtime.fiberRefs, HttpMiddleware.currentTracerDisabledWhen)
    // The services a request's fiber starts with: those of the runtime the app may ask for while
    // it answers. The platform's app requires only `HttpRouter.DefaultServices` of its request's
    // context (`HttpApiBuilder.httpApp`'s type: each group's handlers run with the services they
    // were built with, merged over the request's; middleware and routes keep what they use from
    // their build). The server's other ~20 services were copied into every request's context,
    // and copied and compared again by every service the request provides on its way (issue 28).
    const services = new Map<string, unknown>()
    for (const tag of defaultServices) {
      if (runtime.context.unsafeMap.has(tag.key)) services.set(tag.key, runtime.context.unsafeMap.get(tag.key))
    }
    // No fiber metrics for requests, as on the compiled routes (`CompiledApi.makeListener`).
    const requestFlags = RuntimeFlags.disable(runtime.runtimeFlags, RuntimeFlags.RuntimeMetrics)
    return (nodeRequest: Http.IncomingMessage, nodeResponse: Http.ServerResponse): void => {
      const context = new RequestContext(services)
      const request = new PlatformRequest(nodeRequest, nodeResponse)
      context.set(HttpServerRequest.HttpServerRequest.key, request)
      const fiber = Runtime.runFork(
        Runtime.make({ context: Context.unsafeMake<never>(context), fiberRefs: runtime.fiberRefs, runtimeFlags: requestFlags }),
        tracerDisabledWhen(request) ? untraced : traced
      )
      // Answered before runFork returned (most are): nothing left for the client to abandon.
      if (fiber.unsafePoll() !== null) return
      nodeResponse.on("close", () => {
        if (!nodeResponse.writableEnded) fiber.unsafeInterruptAsFork(HttpServerError.clientAbortFiberId)
      })
    }
  })
