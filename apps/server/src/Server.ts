/**
 * The reference server as one Layer: storage, tenancy, the control plane and every dialect, served
 * over `node:http`. Interrupting it (SIGINT/SIGTERM through `NodeRuntime.runMain`) stops accepting
 * connections, lets in-flight requests finish, stops the background workers and closes the database.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import type * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpLayerRouter from "@effect/platform/HttpLayerRouter"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as OpenApi from "@effect/platform/OpenApi"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import type * as Redacted from "effect/Redacted"
import { createServer, type IncomingMessage } from "node:http"
import type * as Net from "node:net"
import * as CompiledApi from "./compiled/CompiledApi.js"
import * as ControlPlane from "./ControlPlane.js"
import { AdminAuthLive, AdminToken, ServerInfo } from "./ControlPlane.js"
import * as Database from "./Database.js"
import * as Dialect from "./Dialect.js"
import * as Dialects from "./dialects/index.js"
import * as Fallback from "./Fallback.js"
import * as Faults from "./Faults.js"
import * as Journal from "./Journal.js"
import * as Home from "./Home.js"
import * as Compression from "./internal/compression.js"
import * as Migrations from "./Migrations.js"
import * as Organizations from "./Organizations.js"
import * as Proxy from "./Proxy.js"
import * as Revocations from "./Revocations.js"
import * as ServerApi from "./ServerApi.js"
import * as Snapshots from "./Snapshots.js"
import * as Studio from "./Studio.js"
import * as StudioControl from "./StudioControl.js"
import * as StudioEvents from "./StudioEvents.js"
import * as Traffic from "./Traffic.js"
import * as PublicUrl from "./PublicUrl.js"
import * as Webhooks from "./Webhooks.js"

export const VERSION = "0.0.0"

export interface ServerConfig extends Dialects.DialectsConfig {
  readonly port: number
  readonly host: string
  /** A SQLite file, ":memory:", or a `postgres://` URL. */
  readonly database: string
  readonly adminToken: Redacted.Redacted
  /** The largest request body accepted; larger ones get 413. */
  readonly maxBodyBytes: number
  readonly webhooks?: Webhooks.WebhookConfig | undefined
  /** The URL clients reach the server at behind a proxy, for the URLs it hands out; by default each request's `Host`. */
  readonly publicUrl?: string | undefined
  /** Log every request (method, url, status); off by default. */
  readonly logRequests?: boolean | undefined
  /**
   * Serve the API through its compiled routes (the default), or false: through the platform's
   * HttpApi router alone, slower, which the compiled routes must match response for response.
   */
  readonly compiledRoutes?: boolean | undefined
  /** Bounds on connections, so slow or idle clients cannot exhaust the server (see `defaultConnections`). */
  readonly connections?: Partial<ConnectionLimits> | undefined
  /** The request journal's settings at start (off by default; the control plane can change them). */
  readonly journal?: Partial<Journal.JournalSettings> | undefined
  /** Milliseconds added before every dialect request is handled; 0 by default. */
  readonly latencyMs?: number | undefined
  /**
   * Dialects answered by an upstream instead of emulated (`--proxy`), their exchanges journaled
   * (the journal is then on, keeping bodies: `Proxy.recordingJournal`).
   */
  readonly proxy?: ReadonlyArray<Proxy.Upstream> | undefined
  /** A snapshot (`Snapshots`) loaded before the server listens: a request never sees the data without it. */
  readonly snapshot?: unknown
  /**
   * The dialects served: `dialects/index.ts`'s list by default. A test may register more (each
   * configured under its `configKey` of this configuration, as a listed one is).
   */
  readonly dialects?: ReadonlyArray<Dialect.Dialect> | undefined
}

/** How many connections the server holds, and how long it waits for a slow or idle one. */
export interface ConnectionLimits {
  /** Connections held at once; one more is closed on arrival (Node's `server.maxConnections`). */
  readonly maxConnections: number
  /** How long a client may take to send a request's headers (slowloris): then 408 and closed. */
  readonly headersTimeoutMs: number
  /** How long a client may take to send a whole request, body included: then 408 and closed. */
  readonly requestTimeoutMs: number
  /** How long an idle keep-alive connection is kept open between requests. */
  readonly keepAliveTimeoutMs: number
}

/**
 * Node's defaults wait 300 s for a request body and keep no count of connections: ~20,000 slow
 * clients exhausted the file descriptors and every other client was refused. These bound both,
 * with room for a large body on a slow link (16 MB at ~1 Mbit/s fits in 120 s).
 */
export const defaultConnections: ConnectionLimits = {
  maxConnections: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000
}

/** A `node:http` server with `limits` set. */
const createBoundedServer = (limits: ConnectionLimits) => () => {
  const server = createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // How often Node checks the two timeouts above (30 s by default): a tenth of the shorter one,
    // so a slow client is cut close to its deadline.
    connectionsCheckingInterval: Math.max(50, Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10)
  })
  server.maxConnections = limits.maxConnections
  // Node's two timeouts start with a request's first byte: a client that connects and says nothing
  // would hold its connection forever. It gets the headers' deadline too, as an idle timeout (which
  // its bytes reset) until its first request arrives. Not by a `data` listener on the socket: that
  // makes Node hand every chunk to JavaScript instead of its parser reading the socket directly,
  // ~2 µs more per request (issue 28).
  const awaitingFirstRequest = new WeakSet<Net.Socket>()
  server.on("connection", (socket: Net.Socket) => {
    awaitingFirstRequest.add(socket)
    socket.setTimeout(limits.headersTimeoutMs, () => socket.destroy())
  })
  server.prependListener("request", (request: IncomingMessage) => {
    if (awaitingFirstRequest.delete(request.socket)) request.socket.setTimeout(0)
  })
  return server
}

/**
 * A dialect's OpenAPI document at `<prefix>/openapi.json` and its Swagger UI at `<prefix>/docs`,
 * describing the dialect alone, with its base path as the server, so a generated client or the
 * docs' "try it out" work against this server unchanged. Both are made on their first request and
 * kept: made at start, the four documents and pages (~2 MB each) took a fifth of the start's time
 * and ~15 MB that most runs, a test suite's, never use.
 */
const layerDocs = <Id extends string, Groups extends HttpApiGroup.HttpApiGroup.Any, E, R>(
  prefix: `/${string}`,
  contract: HttpApi.HttpApi<Id, Groups, E, R>,
  // The control plane's paths carry their prefix already: its server is the root.
  serverUrl: string = prefix
) =>
  HttpApiBuilder.Router.use((router) =>
    Effect.gen(function*() {
      const api = contract.annotate(OpenApi.Servers, [{ url: serverUrl }])
      const openApi = yield* Effect.cached(Effect.sync(() => HttpServerResponse.unsafeJson(OpenApi.fromApi(api))))
      // The platform's Swagger page, served by a router of its own, built on first use in the
      // server's scope. Its module (~2 MB of Swagger UI) is loaded then too.
      const scope = yield* Effect.scope
      const swagger = yield* Effect.cached(
        Effect.promise(() => import("@effect/platform/HttpApiSwagger")).pipe(
          Effect.flatMap((HttpApiSwagger) =>
            HttpLayerRouter.toHttpEffect(HttpApiSwagger.layerHttpLayerRouter({ api, path: `${prefix}/docs` }))
          ),
          Scope.extend(scope)
        )
      )
      yield* router.get(`${prefix}/openapi.json`, openApi)
      yield* router.get(`${prefix}/docs`, Effect.flatten(swagger))
    })
  )

/** Every dialect the server serves by default (`dialects/index.ts`). */
export const dialects: ReadonlyArray<Dialect.Dialect> = Dialects.all

/** Where each of `served` is mounted and how it writes a failure no handler describes (by its error table). */
const errorsOf = (served: ReadonlyArray<Dialect.Dialect>): ReadonlyArray<Fallback.DialectErrors> =>
  served.map((dialect) => ({ prefix: dialect.prefix, body: dialect.errors.body, contract: dialect.contract }))

/** Where each default dialect is mounted and how it writes a failure no handler describes. */
export const dialectErrors: ReadonlyArray<Fallback.DialectErrors> = errorsOf(Dialects.all)

/** The routes of `served` whose bodies may exceed the server's limit, and by how much. */
const largerBodiesOf = (served: ReadonlyArray<Dialect.Dialect>): Fallback.LargerBodies => (request) =>
  served.reduce<number | undefined>((limit, dialect) => {
    const own = dialect.largerBodies?.(request)
    return own === undefined ? limit : Math.max(own, limit ?? 0)
  }, undefined)

const controlErrors: Fallback.DialectErrors = {
  prefix: "",
  body: (status, message) => ({ error: status >= 500 ? "internal" : "bad_request", message })
}

/** Everything but the HTTP listener: the API with its handlers, services and workers. */
export const layerApi = (config: Omit<ServerConfig, "port" | "host">) => {
  const served = config.dialects ?? Dialects.all
  // Each dialect's configuration, under its `configKey`.
  const configured: Readonly<Record<string, unknown>> = config
  return HttpApiBuilder.api(ServerApi.make(served)).pipe(
    Layer.provide([
      ControlPlane.layer(ServerApi.control(served)),
      StudioControl.layer(served, configured),
      ...served.map((dialect) => dialect.layer(configured[dialect.configKey]))
    ]),
    Layer.provide(AdminAuthLive),
    Layer.provide(PublicUrl.layer(config.publicUrl)),
    Layer.provide(config.snapshot === undefined ? Layer.empty : Layer.effectDiscard(
      Effect.flatMap(Snapshots.Snapshots, (snapshots) => snapshots.importState(config.snapshot))
    )),
    // Deliveries never follow a redirect: the signature headers would go to wherever it points.
    Layer.provide(Webhooks.layer(config.webhooks).pipe(
      Layer.provide(FetchHttpClient.layer),
      Layer.provide(Layer.succeed(FetchHttpClient.RequestInit, { redirect: "manual" }))
    )),
    Layer.provideMerge(Snapshots.layer),
    // The journal, faults and the Studio's change signal, seen by the listener (through `Traffic`'s observer) and the control plane.
    // (Proxied dialects are forwarded behind it: `Proxy.ts`.)
    Layer.provideMerge(Proxy.layer(served, config.proxy ?? []).pipe(
      Layer.provide(Traffic.layer(served, { latencyMs: config.latencyMs }))
    )),
    Layer.provideMerge(Layer.mergeAll(
      Journal.layer((config.proxy ?? []).length > 0 ? Proxy.recordingJournal(config.journal) : config.journal),
      Faults.layer,
      StudioEvents.layer
    )),
    Layer.provideMerge(Organizations.layer),
    // What dialects keep outside the database, removed and carried with organizations.
    Layer.provideMerge(Layer.effect(
      Dialect.Outside,
      Effect.flatMap(Database.Database, (database) => Dialect.outsideData(served, database))
    )),
    Layer.provideMerge(Revocations.layer(config.database)),
    Layer.provideMerge(Database.layer(config.database, { migrations: Migrations.make(served) })),
    Layer.provideMerge(Layer.succeed(Dialect.Dialects, served)),
    Layer.provide(Layer.succeed(AdminToken, config.adminToken)),
    Layer.provide(Layer.succeed(ServerInfo, { version: VERSION, dialects: served.map((d) => d.name) })),
    // One registry per server, shared by the handler groups and the listener that compiles them.
    Layer.provideMerge(CompiledApi.Registry.layer)
  )
}

export const layer = (config: ServerConfig) => {
  // With `logRequests`, every request is logged (method, url, status) by the process's logger: off
  // by default, as writing a line per request costs more than the request itself (see bench/).
  const logRequests = config.logRequests === true
  const served = config.dialects ?? Dialects.all
  const errors = [...errorsOf(served), controlErrors]
  return (logRequests ? HttpApiBuilder.serve(HttpMiddleware.logger) : HttpApiBuilder.serve()).pipe(
    Layer.provide(Layer.mergeAll(
      layerDocs("/__projectkit", ServerApi.control(served), "/"),
      Home.layer(VERSION, served),
      Studio.layer,
      // Released before the listener closes: its finalizer ends the Studio's event streams.
      StudioEvents.layerRoute,
      ...served.map((dialect) => layerDocs(dialect.prefix, dialect.contract))
    )),
    Layer.provide(Fallback.layer(errors, config.maxBodyBytes, largerBodiesOf(served))),
    // The docs pages are ~2 MB of inlined Swagger UI each: sent compressed.
    Layer.provide(Compression.layer),
    HttpServer.withLogAddress,
    // The API's endpoints are served by their compiled routes; the platform's app (given to the
    // server by `serve` above) answers the rest: docs, unknown routes, multipart and raw endpoints.
    Layer.provideMerge(CompiledApi.layerServer(
      createBoundedServer({ ...defaultConnections, ...config.connections }),
      { port: config.port, host: config.host },
      { maxBodyBytes: config.maxBodyBytes, dialects: errors, logRequests, compile: config.compiledRoutes !== false }
    )),
    Layer.provideMerge(layerApi(config)),
    // No tracer is installed, so the spans the HTTP and SQL layers open per request and statement
    // would only be built and dropped: not opening them is a large share of the per-request cost.
    Layer.locally(FiberRef.currentTracerEnabled, false),
    HttpMiddleware.withTracerDisabledWhen(() => true)
  )
}
