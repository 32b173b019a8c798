/**
 * `f` of the request being answered, in one step of the request's fiber: the platform router's
 * middleware reads the request first on every request it sees, and `Effect.flatMap` of the
 * `HttpServerRequest` tag takes three steps for it (issue 28: the platform router's answers are
 * mostly such steps).
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

export const withRequest = <A, E, R>(
  f: (request: HttpServerRequest.HttpServerRequest) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R | HttpServerRequest.HttpServerRequest> =>
  Effect.withFiberRuntime<A, E, R | HttpServerRequest.HttpServerRequest>((fiber) =>
    f(Context.unsafeGet(fiber.currentContext as Context.Context<HttpServerRequest.HttpServerRequest>, HttpServerRequest.HttpServerRequest))
  )
