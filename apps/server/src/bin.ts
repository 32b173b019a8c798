#!/usr/bin/env node
/**
 * `projectkit-server`: starts the reference server. On first start it creates a demo organization,
 * and every start prints the base URLs, the admin token, the demo credentials and a working curl.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as EditorHandlers from "./dialects/editor/EditorHandlers.js"
import { randomSecret } from "./internal/ids.js"
import * as Database from "./Database.js"
import { Organizations } from "./Organizations.js"
import * as Server from "./Server.js"
import * as GenerationLifecycle from "./dialects/sync/GenerationLifecycle.js"

const port = Options.integer("port").pipe(
  Options.withAlias("p"),
  Options.withDescription("The port to listen on (env PORT)"),
  Options.withFallbackConfig(Config.integer("PORT")),
  Options.withDefault(4000)
)
const host = Options.text("host").pipe(
  Options.withDescription("The address to listen on; 0.0.0.0 for every interface (env HOST)"),
  Options.withFallbackConfig(Config.string("HOST")),
  Options.withDefault("127.0.0.1")
)
const data = Options.text("data").pipe(
  Options.withDescription(
    "The SQLite database file, :memory:, or a postgres:// URL (env PROJECTKIT_DATA, or DATABASE_URL for PostgreSQL)"
  ),
  Options.withFallbackConfig(Config.string("PROJECTKIT_DATA").pipe(
    Config.orElse(() =>
      Config.string("DATABASE_URL").pipe(
        Config.validate({ message: "DATABASE_URL must be a postgres:// URL", validation: Database.isPostgresUrl })
      )
    )
  )),
  Options.withDefault("./.projectkit/data.db")
)
const adminToken = Options.redacted("admin-token").pipe(
  Options.withDescription("The control plane's admin token (env PROJECTKIT_ADMIN_TOKEN); generated when absent"),
  Options.withFallbackConfig(Config.redacted("PROJECTKIT_ADMIN_TOKEN")),
  Options.optional
)
const maxBodyBytes = Options.integer("max-body-bytes").pipe(
  Options.withDescription("The largest request body accepted, in bytes"),
  Options.withDefault(16 * 1024 * 1024)
)

const maxConnections = Options.integer("max-connections").pipe(
  Options.withDescription("Connections held at once; more are closed on arrival"),
  Options.withDefault(Server.defaultConnections.maxConnections)
)
const headersTimeout = Options.integer("headers-timeout-ms").pipe(
  Options.withDescription("How long a client may take to send a request's headers, in milliseconds (then 408)"),
  Options.withDefault(Server.defaultConnections.headersTimeoutMs)
)
const requestTimeout = Options.integer("request-timeout-ms").pipe(
  Options.withDescription("How long a client may take to send a whole request, in milliseconds (then 408)"),
  Options.withDefault(Server.defaultConnections.requestTimeoutMs)
)
const keepAliveTimeout = Options.integer("keep-alive-timeout-ms").pipe(
  Options.withDescription("How long an idle keep-alive connection is kept open, in milliseconds"),
  Options.withDefault(Server.defaultConnections.keepAliveTimeoutMs)
)

const generationPending = Options.integer("generation-pending-ms").pipe(
  Options.withDescription("How long a sync.so generation stays PENDING, in milliseconds"),
  Options.withDefault(1000)
)
const generationProcessing = Options.integer("generation-processing-ms").pipe(
  Options.withDescription("How long a sync.so generation stays PROCESSING, in milliseconds"),
  Options.withDefault(3000)
)

const editorSyncLimit = Options.integer("editor-sync-limit").pipe(
  Options.withDescription("Editor syncs per project admitted per window, sustained; more get 429"),
  Options.withDefault(EditorHandlers.defaultSyncRateLimit.limit)
)
const editorSyncWindow = Options.integer("editor-sync-window-ms").pipe(
  Options.withDescription("The window of the editor sync rate limit, in milliseconds"),
  Options.withDefault(Duration.toMillis(EditorHandlers.defaultSyncRateLimit.window))
)
const editorSyncBurst = Options.integer("editor-sync-burst").pipe(
  Options.withDescription("How many editor syncs of one project may come at once (1: no burst)"),
  Options.withDefault(EditorHandlers.defaultSyncRateLimit.burst ?? 1)
)
const editorMaxStateBytes = Options.integer("editor-max-state-bytes").pipe(
  Options.withDescription("The largest editorState accepted, in bytes of JSON (keep it below --max-body-bytes); larger gets 413"),
  Options.withDefault(EditorHandlers.defaultMaxStateBytes)
)

const logFormat = Options.choice("log-format", ["logfmt", "json", "pretty"]).pipe(
  Options.withDescription("How log lines are written (env PROJECTKIT_LOG_FORMAT)"),
  Options.withFallbackConfig(Config.literal("logfmt", "json", "pretty")("PROJECTKIT_LOG_FORMAT")),
  Options.withDefault("logfmt" as const)
)

const logRequests = Options.boolean("log-requests").pipe(
  Options.withDescription("Log every request: method, url, status (env PROJECTKIT_LOG_REQUESTS)"),
  Options.withFallbackConfig(Config.boolean("PROJECTKIT_LOG_REQUESTS")),
  Options.withDefault(false)
)

const platformRouter = Options.boolean("platform-router").pipe(
  Options.withDescription("Serve every request through the platform's HttpApi router instead of the compiled routes (slower; for comparison)"),
  Options.withDefault(false)
)

const loggers = { logfmt: Logger.logFmt, json: Logger.json, pretty: Logger.pretty } as const

const storage = (database: string) =>
  Database.isPostgresUrl(database) ? `PostgreSQL: ${Database.redactUrl(database)}` : `SQLite: ${database}`

const banner = (
  config: Server.ServerConfig,
  demo: {
    readonly name: string
    readonly apiKey: string
    readonly editorKey: string
    readonly sanityToken: string
    readonly webhookSecret: string
  }
) => {
  const base = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.port}`
  return [
    "",
    `projectkit reference server ${Server.VERSION} on ${base} (${storage(config.database)})`,
    "",
    `  sync.so     ${base}/sync      (OpenAPI: ${base}/sync/openapi.json)`,
    `  editor      ${base}/editor    (OpenAPI: ${base}/editor/openapi.json, docs: ${base}/editor/docs)`,
    `  Sanity      ${base}/sanity    (OpenAPI: ${base}/sanity/openapi.json; @sanity/client: apiHost ${base}/sanity, useProjectHostname: false)`,
    `  control     ${base}/__projectkit  (health: ${base}/__projectkit/health)`,
    "",
    `  admin token         ${Redacted.value(config.adminToken)}`,
    `  demo organization   ${demo.name}`,
    `  demo sync.so key    ${demo.apiKey}`,
    `  demo editor key     ${demo.editorKey}   (Authorization: Bearer)`,
    `  demo Sanity token   ${demo.sanityToken}   (administrator)`,
    `  webhook secret      ${demo.webhookSecret}   (Standard Webhooks signatures)`,
    "",
    "Try it:",
    `  curl -s -X POST ${base}/sync/v2/projects -H "x-api-key: ${demo.apiKey}" -H "Content-Type: application/json" -d '{"name":"My API Project"}'`,
    `  curl -s ${base}/sync/v2/projects -H "x-api-key: ${demo.apiKey}"`,
    `  curl -s -X POST ${base}/editor/v1/projects -H "Authorization: Bearer ${demo.editorKey}" -H "Content-Type: application/json" -d '{"title":"My edit","editorState":{"tracks":[]}}'`,
    `  curl -s -X POST ${base}/sanity/v2021-06-07/projects -H "Authorization: Bearer ${demo.sanityToken}" -H "Content-Type: application/json" -d '{"displayName":"My Sanity Project"}'`,
    `  curl -s -X POST ${base}/__projectkit/orgs -H "Authorization: Bearer ${Redacted.value(config.adminToken)}" -H "Content-Type: application/json" -d '{"name":"Acme"}'`,
    "",
    "Ctrl-C stops the server; the data stays in the database.",
    ""
  ].join("\n")
}

const command = Command.make(
  "projectkit-server",
  {
    port,
    host,
    data,
    adminToken,
    maxBodyBytes,
    maxConnections,
    headersTimeout,
    requestTimeout,
    keepAliveTimeout,
    generationPending,
    generationProcessing,
    editorSyncLimit,
    editorSyncWindow,
    editorSyncBurst,
    editorMaxStateBytes,
    logFormat,
    logRequests,
    platformRouter
  },
  (options) =>
    Effect.gen(function*() {
      const config: Server.ServerConfig = {
        port: options.port,
        host: options.host,
        database: options.data,
        adminToken: Option.getOrElse(options.adminToken, () => Redacted.make(`pk_admin_${randomSecret()}`)),
        maxBodyBytes: options.maxBodyBytes,
        logRequests: options.logRequests,
        compiledRoutes: !options.platformRouter,
        connections: {
          maxConnections: options.maxConnections,
          headersTimeoutMs: options.headersTimeout,
          requestTimeoutMs: options.requestTimeout,
          keepAliveTimeoutMs: options.keepAliveTimeout
        },
        generations: {
          ...GenerationLifecycle.defaultLifecycle,
          pending: Duration.millis(options.generationPending),
          processing: Duration.millis(options.generationProcessing)
        },
        editor: {
          syncRateLimit: {
            limit: options.editorSyncLimit,
            window: Duration.millis(options.editorSyncWindow),
            burst: options.editorSyncBurst
          },
          maxStateBytes: options.editorMaxStateBytes
        }
      }
      const context = yield* Layer.build(Server.layer(config))
      const demo = yield* Context.get(context, Organizations).demo("Demo")
      yield* Console.log(banner(config, {
        name: demo.name,
        apiKey: demo.credentials.sync.apiKey,
        editorKey: demo.credentials.editor.apiKey,
        sanityToken: demo.credentials.sanity.token,
        webhookSecret: demo.webhookSecret
      }))
      return yield* Effect.never
    }).pipe(Effect.scoped, Effect.provide(loggers[options.logFormat]))
)

const cli = Command.run(command, { name: "projectkit-server", version: Server.VERSION })

cli(process.argv).pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain({ disablePrettyLogger: true }))
