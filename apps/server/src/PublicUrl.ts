/**
 * The URL clients reach the server at, when it is behind a proxy (`--public-url`): the base of
 * every URL a dialect hands out (a stored file's, a rendered output's). Without it, each request's
 * own `Host` is used. Server-wide: it is the server's address, whichever dialect builds the URL.
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export class PublicUrl extends Context.Tag("@projectkit/server/PublicUrl")<PublicUrl, string | undefined>() {}

/** `url` as the server's public URL (a trailing slash dropped), or each request's `Host` when undefined. */
export const layer = (url: string | undefined) => Layer.succeed(PublicUrl, url?.replace(/\/+$/, ""))

/** The server's URL as the client of the current request reaches it (INF: over http when only the `Host` is known). */
export const current = Effect.zipWith(
  PublicUrl,
  HttpServerRequest.HttpServerRequest,
  (configured, request) => configured ?? `http://${request.headers.host ?? "localhost"}`
)
