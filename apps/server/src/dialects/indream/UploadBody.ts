/**
 * An upload's body as it arrives, read from the `node:http` request under the platform's, so that
 * a refusal can be answered while the client is still sending. The platform's own body stream
 * destroys the request when its reader stops early, which cuts the connection: the client sees a
 * socket error instead of the 413. Here, once the reader stops before the end (over the limit,
 * storage failed), the rest of the body is read and dropped, so the answer goes out at once and
 * the client, still writing, finishes its request and reads it; the connection stays usable.
 * Node's `requestTimeout` still bounds a body that never ends.
 */
import * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as NodeStream from "@effect/platform-node/NodeStream"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type * as Http from "node:http"

/** Drops what is left of `incoming`'s body, if anything is. */
const drain = (incoming: Http.IncomingMessage) => {
  if (incoming.readableEnded || incoming.destroyed) return
  incoming.on("data", () => undefined)
  incoming.resume()
}

/** `request`'s body, piece by piece as it arrives; what the reader leaves unread is drained. */
export const stream = (
  request: HttpServerRequest.HttpServerRequest
): Stream.Stream<Uint8Array, ProjectsError.Validation> => {
  const incoming = NodeHttpServerRequest.toIncomingMessage(request)
  return NodeStream.fromReadable<ProjectsError.Validation, Uint8Array>(
    () => incoming,
    (error) =>
      ProjectsError.Validation.single(
        [],
        `The upload's body could not be read: ${error instanceof Error ? error.message : String(error)}`
      ),
    { closeOnDone: false }
  ).pipe(Stream.ensuring(Effect.sync(() => drain(incoming))))
}

/**
 * Keeps the connection of a request whose body `stream` reads: the server closes the connection
 * after a 413 to a streamed body (`Fallback.ts`: elsewhere the rest is not read, so the connection
 * cannot carry another request), and closing it while the client is still sending resets it: the
 * client sees EPIPE or ECONNRESET, not the 413. Here the rest is drained, so the connection stays
 * (unless the client asked to close it). To be run before the body is read.
 */
export const keepConnection = HttpApp.appendPreResponseHandler((request, response) =>
  Effect.succeed(
    response.headers["connection"] === "close" && request.headers["connection"]?.toLowerCase() !== "close"
      ? HttpServerResponse.setHeader(response, "connection", "keep-alive")
      : response
  )
)
