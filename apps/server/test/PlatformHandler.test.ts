/**
 * The platform router's own `node:http` handler (`src/compiled/platformHandler.ts`) answers as
 * `@effect/platform-node`'s `NodeHttpServer.makeHandler` does: one app served by each, the same
 * requests sent to both over real sockets, and every response's status line, headers (but `Date`)
 * and body bytes compared. The app covers every body kind the platform writes, cookies, HEAD,
 * failures, bodies read as text and JSON within and over `MaxBodySize`, multipart and a stream
 * failing after its status is sent.
 */
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import type * as Net from "node:net"
import { Readable } from "node:stream"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as PlatformHandler from "../src/compiled/platformHandler.js"

/** Per server (its port), the request scopes closed so far: each request's scope closes once it is answered. */
const closedScopes = new Map<string, number>()
const closedOf = (request: HttpServerRequest.HttpServerRequest) => closedScopes.get(request.headers.host ?? "") ?? 0

const app: HttpApp.Default<unknown, HttpServerRequest.HttpServerRequest | Scope.Scope> = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  const path = request.url.split("?", 1)[0]
  switch (path) {
    case "/scoped":
    case "/ejected": {
      const host = request.headers.host ?? ""
      yield* Effect.addFinalizer(() => Effect.sync(() => closedScopes.set(host, closedOf(request) + 1)))
      // An ejected scope is not closed with the request (its closing is someone else's).
      if (path === "/ejected") HttpApp.ejectDefaultScopeClose(yield* Scope.Scope)
      return HttpServerResponse.text(`closed before: ${closedOf(request)}`)
    }
    case "/closed-scopes":
      return HttpServerResponse.text(`${closedOf(request)}`)
    case "/pre-response":
      yield* HttpApp.appendPreResponseHandler((_request, response) =>
        Effect.succeed(HttpServerResponse.setHeader(response, "x-pre-response", "seen"))
      )
      return HttpServerResponse.text("with a pre-response handler")
    case "/pre-response-fail":
      yield* HttpApp.appendPreResponseHandler((_request, response) =>
        Effect.succeed(HttpServerResponse.setHeader(response, "x-pre-response", "seen"))
      )
      return yield* Effect.fail(new Error("failed after a pre-response handler"))
    case "/json":
      return HttpServerResponse.unsafeJson({ hello: "world", method: request.method }, { status: 201 })
    case "/text":
      return HttpServerResponse.text("plain text", { headers: { "x-extra": "1" } })
    case "/empty":
      return HttpServerResponse.empty({ status: 204 })
    case "/cookies":
      return HttpServerResponse.text("with cookies").pipe(
        HttpServerResponse.setHeader("set-cookie", "raw=1"),
        HttpServerResponse.unsafeSetCookie("session", "abc", { httpOnly: true, path: "/" })
      )
    case "/raw-string":
      return HttpServerResponse.raw("raw body", { headers: { "content-type": "text/x-raw" } })
    case "/raw-readable":
      return HttpServerResponse.raw(Readable.from([Buffer.from("piped "), Buffer.from("chunks")]))
    case "/stream":
      return HttpServerResponse.stream(Stream.make("a", "b", "c").pipe(Stream.encodeText), { contentType: "text/plain" })
    case "/stream-failing":
      return HttpServerResponse.stream(
        Stream.concat(Stream.make(new TextEncoder().encode("partial")), Stream.fail("broken")),
        { contentType: "text/plain" }
      )
    case "/form":
      return HttpServerResponse.formData((() => {
        const form = new FormData()
        form.append("field", "value")
        return form
      })())
    case "/echo-text":
      return HttpServerResponse.text(yield* request.text)
    case "/echo-json":
      return HttpServerResponse.unsafeJson({ got: yield* request.json })
    case "/echo-limited":
      return yield* HttpIncomingMessage.withMaxBodySize(
        Effect.map(request.text, (text) => HttpServerResponse.text(`${text.length}`)),
        Option.some(8)
      )
    case "/multipart": {
      const form = yield* Effect.scoped(request.multipart)
      return HttpServerResponse.unsafeJson(Object.keys(form).sort())
    }
    case "/fail":
      return yield* Effect.fail(new Error("failed"))
    case "/die":
      return yield* Effect.die("died")
    default:
      return HttpServerResponse.text("not found", { status: 404 })
  }
}).pipe(Effect.provide(NodeContext.layer))

type Handler = (request: Http.IncomingMessage, response: Http.ServerResponse) => void

const listen = async (handler: Handler) => {
  const server = Http.createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { server, port: (server.address() as Net.AddressInfo).port }
}

interface Sent {
  readonly method: string
  readonly path: string
  readonly headers?: Record<string, string>
  readonly body?: string
}

/** A form's boundary is random: the same fixed one in both answers. */
const sameBoundary = (text: string) => text.replace(/formdata-undici-\d+/g, "formdata-undici-boundary")

/** Status, headers as sent (but `Date`) and body bytes of `sent` against `port` (or how the connection broke). */
const exchange = (port: number, sent: Sent) =>
  new Promise<{ status: number | undefined; headers: Array<string>; body: string }>((resolve, reject) => {
    const request = Http.request({ host: "127.0.0.1", port, method: sent.method, path: sent.path, headers: sent.headers ?? {} }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("error", reject)
      response.on("end", () => {
        const headers: Array<string> = []
        for (let i = 0; i < response.rawHeaders.length; i += 2) {
          if (response.rawHeaders[i]!.toLowerCase() !== "date") headers.push(sameBoundary(`${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`))
        }
        resolve({ status: response.statusCode, headers, body: sameBoundary(Buffer.concat(chunks).toString("latin1")) })
      })
    })
    // A body over the limit is cut off by the platform: the connection's end is then the answer compared.
    request.on("error", (cause: NodeJS.ErrnoException) => resolve({ status: undefined, headers: [], body: `error ${cause.code}` }))
    request.end(sent.body)
  })

const multipartBody = [
  "--boundary",
  "Content-Disposition: form-data; name=\"title\"",
  "",
  "hello",
  "--boundary",
  "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"",
  "Content-Type: text/plain",
  "",
  "file contents",
  "--boundary--",
  ""
].join("\r\n")

const get = (path: string): Sent => ({ method: "GET", path })

const requests: ReadonlyArray<Sent> = [
  get("/json"),
  { method: "HEAD", path: "/json" },
  ...["/text", "/empty", "/cookies", "/raw-string", "/raw-readable", "/stream", "/form"].map(get),
  { method: "POST", path: "/echo-text", body: "some text" },
  { method: "POST", path: "/echo-json", headers: { "content-type": "application/json" }, body: "{\"a\":[1,2]}" },
  { method: "POST", path: "/echo-json", headers: { "content-type": "application/json" }, body: "{not json" },
  { method: "POST", path: "/echo-limited", body: "short" },
  { method: "POST", path: "/echo-limited", body: "far longer than eight bytes" },
  { method: "POST", path: "/multipart", headers: { "content-type": "multipart/form-data; boundary=boundary" }, body: multipartBody },
  ...["/fail", "/die", "/elsewhere?q=1"].map(get),
  // A request's scope closed once it is answered, an ejected one not; pre-response handlers on a success and a failure.
  ...["/scoped", "/closed-scopes", "/ejected", "/closed-scopes", "/pre-response", "/pre-response-fail"].map(get)
]

// Traced as the platform's default, untraced as the server runs (its requests take their own
// path through `toHandled` then), and untraced under a middleware (the server's request log).
describe.each([
  ["traced", false, undefined],
  ["untraced, as the server runs", true, undefined],
  ["untraced, under a middleware", true, HttpMiddleware.logger]
] as const)("the platform router's node:http handler, %s", (_name, untraced, middleware) => {
  let platform: Awaited<ReturnType<typeof listen>>
  let ours: Awaited<ReturnType<typeof listen>>

  /** `handler` made with the platform's services for node, as the server runs it (its log silenced). */
  const made = (handler: Effect.Effect<Handler, never, Layer.Layer.Success<typeof NodeHttpServer.layerContext>>) => {
    const quiet = Logger.withMinimumLogLevel(handler, LogLevel.None)
    return Effect.runPromise(Effect.provide(
      untraced ? Effect.locally(quiet, HttpMiddleware.currentTracerDisabledWhen, () => true) : quiet,
      NodeHttpServer.layerContext
    ))
  }

  beforeAll(async () => {
    platform = await listen(await made(
      middleware === undefined ? NodeHttpServer.makeHandler(app) : NodeHttpServer.makeHandler(app, middleware)
    ))
    ours = await listen(await made(PlatformHandler.makeHandler(app, middleware)))
  })

  afterAll(async () => {
    await Promise.all([platform, ours].map(({ server }) =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      })
    ))
  })

  it("answers every kind of response exactly as platform-node's handler does", async () => {
    for (const sent of requests) {
      const expected = await exchange(platform.port, sent)
      const actual = await exchange(ours.port, sent)
      expect({ sent: `${sent.method} ${sent.path}`, ...actual }).toEqual({ sent: `${sent.method} ${sent.path}`, ...expected })
    }
  })

  it("cuts a stream failing after its status was sent, as platform-node's handler does", async () => {
    const failing = (port: number) =>
      new Promise<{ status: number | undefined; body: string; complete: boolean }>((resolve) => {
        Http.get({ host: "127.0.0.1", port, path: "/stream-failing" }, (response) => {
          const chunks: Array<Buffer> = []
          response.on("data", (chunk: Buffer) => chunks.push(chunk))
          const done = () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString(), complete: response.complete })
          response.on("end", done)
          response.on("error", done)
        })
      })
    expect(await failing(ours.port)).toEqual(await failing(platform.port))
  })
})
