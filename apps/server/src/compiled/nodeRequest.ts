/**
 * The `HttpServerRequest` the compiled routes hand to handlers and security middleware: a
 * `node:http` request whose body (if any) was read up front, bounded by the server's limit. It is
 * what the platform's own request offers a handler, minus what no compiled route uses (multipart,
 * upgrades: the routes that need them are left to the platform, see CompiledApi).
 */
import * as Cookies from "@effect/platform/Cookies"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Headers from "@effect/platform/Headers"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as Multipart from "@effect/platform/Multipart"
import type * as Path from "@effect/platform/Path"
import type * as Socket from "@effect/platform/Socket"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Http from "node:http"
import type { JsonSource } from "../internal/untrusted.js"

const empty = new Uint8Array(0)
const decoder = new TextDecoder()

export class NodeRequest extends Inspectable.Class implements HttpServerRequest.HttpServerRequest {
  readonly [HttpServerRequest.TypeId]: HttpServerRequest.TypeId = HttpServerRequest.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId

  constructor(
    readonly source: Http.IncomingMessage,
    readonly body: Uint8Array | undefined,
    readonly url: string = source.url ?? "/",
    protected readonly headersOverride?: Headers.Headers,
    protected readonly remoteAddressOverride?: string
  ) {
    super()
  }

  /** The JSON body's source, once the route has parsed it (`CompiledApi.jsonMemberText`). */
  jsonSource: JsonSource | undefined = undefined

  get originalUrl(): string {
    return this.source.url ?? "/"
  }

  get method(): HttpMethod {
    return this.source.method as HttpMethod
  }

  get headers(): Headers.Headers {
    return this.headersOverride ?? (this.source.headers as Headers.Headers)
  }

  get remoteAddress(): Option.Option<string> {
    return Option.fromNullable(this.remoteAddressOverride ?? this.source.socket.remoteAddress)
  }

  private cachedCookies: Record<string, string> | undefined
  get cookies(): Record<string, string> {
    return this.cachedCookies ??= Cookies.parseHeader(this.headers.cookie ?? "")
  }

  get text(): Effect.Effect<string, HttpServerError.RequestError> {
    return Effect.succeed(decoder.decode(this.body ?? empty))
  }

  get json(): Effect.Effect<unknown, HttpServerError.RequestError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => text === "" ? null : JSON.parse(text) as unknown,
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpServerError.RequestError> {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text)))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpServerError.RequestError> {
    const body = this.body ?? empty
    return Effect.succeed(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer)
  }

  get stream(): Stream.Stream<Uint8Array, HttpServerError.RequestError> {
    return this.body === undefined ? Stream.empty : Stream.succeed(this.body)
  }

  get multipart(): Effect.Effect<Multipart.Persisted, Multipart.MultipartError, Scope.Scope | FileSystem.FileSystem | Path.Path> {
    return Effect.dieMessage("multipart requests are served by the platform's router, not compiled routes")
  }

  get multipartStream(): Stream.Stream<Multipart.Part, Multipart.MultipartError> {
    return Stream.dieMessage("multipart requests are served by the platform's router, not compiled routes")
  }

  get upgrade(): Effect.Effect<Socket.Socket, HttpServerError.RequestError> {
    return Effect.fail(this.decodeError(undefined, "not an upgradeable request"))
  }

  modify(options: { readonly url?: string; readonly headers?: Headers.Headers; readonly remoteAddress?: string }) {
    const modified = new NodeRequest(
      this.source,
      this.body,
      options.url ?? this.url,
      options.headers ?? this.headersOverride,
      options.remoteAddress ?? this.remoteAddressOverride
    )
    modified.jsonSource = this.jsonSource
    return modified
  }

  protected decodeError(cause: unknown, description?: string) {
    return new HttpServerError.RequestError({
      request: this,
      reason: "Decode",
      cause,
      ...(description === undefined ? {} : { description })
    })
  }

  toJSON(): unknown {
    return { _id: "@effect/platform/HttpServerRequest", method: this.method, url: this.originalUrl }
  }
}

/** Why a body could not be read: larger than allowed, or the connection broke off. */
export type BodyFailure = "TooLarge" | "Aborted"

/**
 * Reads `request`'s body, at most `maxBytes` of it: a declared length over the limit is refused
 * before a byte is read, so the client sees its 413 instead of a reset connection.
 */
export const readBody = (
  request: Http.IncomingMessage,
  maxBytes: number,
  done: (result: Uint8Array | BodyFailure) => void
): void => {
  const declared = request.headers["content-length"]
  if (declared !== undefined && Number(declared) > maxBytes) return done("TooLarge")
  const chunks: Array<Buffer> = []
  let size = 0
  let settled = false
  const settle = (result: Uint8Array | BodyFailure) => {
    if (settled) return
    settled = true
    request.off("data", onData).off("end", onEnd).off("error", onError).off("aborted", onError)
    done(result)
  }
  const onData = (chunk: Buffer) => {
    size += chunk.length
    if (size > maxBytes) {
      // Whatever else arrives is drained by node:http, so the connection stays usable.
      request.resume()
      return settle("TooLarge")
    }
    chunks.push(chunk)
  }
  const onEnd = () => settle(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))
  const onError = () => settle("Aborted")
  request.on("data", onData).on("end", onEnd).on("error", onError).on("aborted", onError)
}
