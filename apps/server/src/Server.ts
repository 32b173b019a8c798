/**
 * The reference server as one Layer: storage, tenancy, the control plane and every dialect, served
 * over `node:http`. Interrupting it (SIGINT/SIGTERM through `NodeRuntime.runMain`) stops accepting
 * connections, lets in-flight requests finish, stops the background workers and closes the database.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import { createServer } from "node:http"
import { AdminAuthLive, AdminToken, ControlPlaneLive, ServerInfo } from "./ControlPlane.js"
import * as Database from "./Database.js"
import * as Fallback from "./Fallback.js"
import * as Organizations from "./Organizations.js"
import { ServerApi } from "./ServerApi.js"

export const VERSION = "0.0.0"

export interface ServerConfig {
  readonly port: number
  readonly host: string
  /** A SQLite file, or ":memory:". */
  readonly database: string
  readonly adminToken: Redacted.Redacted
  /** The largest request body accepted; larger ones get 413. */
  readonly maxBodyBytes: number
}

export const dialects = [
  { prefix: "", body: (_status: number, message: string) => ({ error: _status >= 500 ? "internal" : "bad_request", message }) }
] satisfies ReadonlyArray<Fallback.DialectErrors>

/** Everything but the HTTP listener: the API with its handlers and services. */
export const layerApi = (config: Omit<ServerConfig, "port" | "host">) =>
  HttpApiBuilder.api(ServerApi).pipe(
    Layer.provide(ControlPlaneLive),
    Layer.provide(AdminAuthLive),
    Layer.provideMerge(Organizations.layer),
    Layer.provideMerge(Database.layerSqlite(config.database)),
    Layer.provide(Layer.succeed(AdminToken, config.adminToken)),
    Layer.provide(Layer.succeed(ServerInfo, { version: VERSION, dialects: dialects.map((d) => d.prefix.slice(1)).filter(Boolean) }))
  )

export const layer = (config: ServerConfig) =>
  HttpApiBuilder.serve().pipe(
    Layer.provide(Fallback.layer(dialects, config.maxBodyBytes)),
    Layer.provideMerge(layerApi(config)),
    HttpServer.withLogAddress,
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: config.port, host: config.host }))
  )
