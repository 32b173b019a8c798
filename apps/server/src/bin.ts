#!/usr/bin/env node
/**
 * `projectkit-server`: starts the reference server. On first start it creates a demo organization,
 * and every start prints the base URLs, the admin token, the demo credentials and a working curl
 * (and, with `--ready-file`, writes them as JSON once listening, for scripts on `--port 0`).
 */
// First: it holds the young generation's growth off while every other module loads (see there).
import * as YoungGeneration from "./internal/youngGeneration.js"
import * as LoadWatch from "./internal/loadWatch.js"
import * as StartupGarbage from "./internal/startupGarbage.js"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Dialect from "./Dialect.js"
import * as Dialects from "./dialects/index.js"
import { randomSecret } from "./internal/ids.js"
import * as Database from "./Database.js"
import * as Emulator from "./Emulator.js"
import * as Har from "./Har.js"
import * as Journal from "./Journal.js"
import * as Organizations from "./Organizations.js"
import * as Proxy from "./Proxy.js"
import * as Server from "./Server.js"
import * as Snapshots from "./Snapshots.js"

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

const publicUrl = Options.text("public-url").pipe(
  Options.withDescription("The URL clients reach the server at behind a proxy, for the URLs it hands out (stored files, rendered outputs); by default each request's Host"),
  Options.optional
)

/**
 * Each dialect's own flags (`Dialect.flags`), after the server's connection flags and in the
 * dialects' order, as `--help` lists them: one option per flag, and the configuration they make
 * under the dialect's `configKey`.
 */
const dialectOptions = Options.all(Object.fromEntries(Dialects.all.flatMap((dialect) => {
  const flags = dialect.flags
  if (flags === undefined) return []
  const values = Options.all(Object.fromEntries(flags.options.map((flag) => [
    flag.name,
    Options.integer(flag.name).pipe(Options.withDescription(flag.description), Options.withDefault(flag.default))
  ])))
  return [[dialect.configKey, Options.map(values, flags.toConfig)]]
})))

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

const readyFile = Options.file("ready-file").pipe(
  Options.withDescription(
    "Once listening, write a JSON document there: url, dialectUrls, adminToken, demo credentials (for scripts and test runners; with --port 0)"
  ),
  Options.optional
)
const importFile = Options.file("import", { exists: "yes" }).pipe(
  Options.withDescription("Load a snapshot (from GET /__projectkit/export or --export-on-exit) before serving"),
  Options.optional
)
const exportOnExit = Options.file("export-on-exit").pipe(
  Options.withDescription("On Ctrl-C or SIGTERM, write a snapshot of everything stored there (load it again with --import)"),
  Options.optional
)
const latency = Options.integer("latency-ms").pipe(
  Options.withDescription("Milliseconds added before every dialect request is answered (to try timeouts and spinners)"),
  Options.withDefault(0)
)
const journal = Options.boolean("journal").pipe(
  Options.withDescription("Record the latest requests (GET /__projectkit/requests); off by default, PUT /__projectkit/journal turns it on"),
  Options.withDefault(false)
)
const journalSize = Options.integer("journal-size").pipe(
  Options.withDescription("How many of the latest requests the journal keeps"),
  Options.withDefault(Journal.defaultSettings.size)
)
const journalBodies = Options.integer("journal-bodies").pipe(
  Options.withDescription("How many bytes of each request and response body the journal keeps (0: none)"),
  Options.withDefault(0)
)

const proxy = Options.text("proxy").pipe(
  Options.withPseudoName("dialect=url"),
  Options.withDescription(
    "Forward a dialect's requests to an upstream base URL instead of emulating it, journaling each exchange (repeatable), e.g. sync=https://api.sync.so"
  ),
  Options.repeated
)
const record = Options.file("record").pipe(
  Options.withDescription("On Ctrl-C or SIGTERM, write the journaled exchanges there as HAR 1.2 (the journal is then on, keeping bodies)"),
  Options.optional
)

const loggers = { logfmt: Logger.logFmt, json: Logger.json, pretty: Logger.pretty } as const

const storage = (database: string) =>
  Database.isPostgresUrl(database) ? `PostgreSQL: ${Database.redactUrl(database)}` : `SQLite: ${database}`

/** Where the data goes when the server stops. */
const afterStop = (database: string, exportTo: string | undefined) => {
  const kept = database === ":memory:"
    ? "the data was in memory only and is gone"
    : Database.isPostgresUrl(database)
    ? "the data stays in the database"
    : `the data stays in ${database}`
  return exportTo === undefined
    ? `Ctrl-C stops the server; ${kept}.`
    : `Ctrl-C stops the server and writes a snapshot to ${exportTo}; ${kept}.`
}

interface Demo {
  readonly name: string
  readonly credentials: Organizations.Credentials
  readonly webhookSecret: string
}

const banner = (
  base: string,
  config: Server.ServerConfig,
  demo: Demo | undefined,
  files: { readonly imported: string | undefined; readonly exportTo: string | undefined }
) => {
  const secret = (dialect: Dialect.Dialect) => demo === undefined ? undefined : Dialect.secretOf(dialect, demo.credentials)
  const credentials = demo === undefined
    ? [
      `  admin token         ${Redacted.value(config.adminToken)}`,
      `  organizations       imported from ${files.imported}, with their credentials as they were exported`
    ]
    : [
      `  admin token         ${Redacted.value(config.adminToken)}`,
      `  demo organization   ${demo.name}`,
      ...Dialects.all.map((dialect) => dialect.banner.demoCredential(secret(dialect) ?? "")),
      `  webhook secret      ${demo.webhookSecret}   (webhooks signed as each provider signs them)`
    ]
  return [
    "",
    `projectkit reference server ${Server.VERSION} on ${base} (${storage(config.database)})`,
    "",
    ...Dialects.all.map((dialect) => dialect.banner.url(base)),
    `  control     ${base}/__projectkit  (health: ${base}/__projectkit/health, docs: ${base}/__projectkit/docs)`,
    `  Studio      ${base}/__projectkit/studio#token=${encodeURIComponent(Redacted.value(config.adminToken))}`,
    "",
    ...credentials,
    "",
    "Try it:",
    ...Dialects.all.flatMap((dialect) => dialect.banner.tryIt(base, secret(dialect))),
    `  curl -s -X POST ${base}/__projectkit/orgs -H "Authorization: Bearer ${Redacted.value(config.adminToken)}" -H "Content-Type: application/json" -d '{"name":"Acme"}'`,
    "",
    afterStop(config.database, files.exportTo),
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
    publicUrl,
    dialectOptions,
    logFormat,
    logRequests,
    platformRouter,
    readyFile,
    importFile,
    exportOnExit,
    latency,
    journal,
    journalSize,
    journalBodies,
    proxy,
    record
  },
  (options) =>
    Effect.gen(function*() {
      const imported = Option.getOrUndefined(options.importFile)
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
        publicUrl: Option.getOrUndefined(options.publicUrl),
        ...options.dialectOptions,
        latencyMs: options.latency,
        journal: Option.isSome(options.record)
          ? Proxy.recordingJournal({ size: options.journalSize, bodyBytes: options.journalBodies })
          : { enabled: options.journal, size: options.journalSize, bodyBytes: options.journalBodies },
        proxy: yield* Effect.forEach(options.proxy, (each) => Proxy.parseUpstream(each, Server.dialects.map((d) => d.name))),
        // Read before anything starts (an unreadable file stops the start with one message), and
        // imported before the server listens.
        snapshot: imported === undefined ? undefined : yield* readSnapshot(imported)
      }
      const exportTo = Option.getOrUndefined(options.exportOnExit)
      const context = yield* Layer.build(Server.layer(config))
      const snapshots = Context.get(context, Snapshots.Snapshots)
      if (exportTo !== undefined) {
        // Added after the server's own finalizers, so it runs before them: the database is still open.
        yield* Effect.addFinalizer(() =>
          snapshots.exportState().pipe(
            Effect.flatMap((state) => Effect.sync(() => Fs.writeFileSync(exportTo, `${JSON.stringify(state)}\n`))),
            Effect.tap(() => Console.log(`Wrote a snapshot to ${exportTo}`)),
            Effect.catchAllCause((cause) => Effect.logError(`could not write a snapshot to ${exportTo}`, cause))
          )
        )
      }
      const recordTo = Option.getOrUndefined(options.record)
      if (recordTo !== undefined) {
        const journaled = Context.get(context, Journal.Journal)
        yield* Effect.addFinalizer(() =>
          Effect.sync(() => {
            const har = Har.fromJournal(journaled.list({ limit: journaled.settings().size }), {
              name: "projectkit-server",
              version: Server.VERSION
            })
            Fs.writeFileSync(recordTo, `${JSON.stringify(har, null, 2)}\n`)
            return har.log.entries.length
          }).pipe(
            Effect.flatMap((count) => Console.log(`Wrote ${count} recorded exchanges to ${recordTo}`)),
            Effect.catchAllCause((cause) => Effect.logError(`could not write the recording to ${recordTo}`, cause))
          )
        )
      }
      // An imported snapshot's organizations keep the credentials they had: no demo is shown (its
      // credentials would be issued anew, and the old ones would stop working).
      const demo = imported !== undefined ? undefined : yield* Context.get(context, Organizations.Organizations).demo("Demo")
      const url = Emulator.urlOf(Context.get(context, HttpServer.HttpServer))
      // The start's garbage, collected while the young generation is still held (see there).
      yield* Effect.sync(StartupGarbage.collect)
      yield* Console.log(banner(url, config, demo, { imported, exportTo }))
      const ready = Option.getOrUndefined(options.readyFile)
      if (ready !== undefined) {
        const document = {
          url,
          dialectUrls: Emulator.dialectUrls(url),
          adminToken: Redacted.value(config.adminToken),
          demo: demo ?? null,
          pid: process.pid
        }
        // Written whole, then renamed: a reader polling for the file never sees half of it.
        yield* Effect.sync(() => {
          Fs.writeFileSync(`${ready}.tmp`, `${JSON.stringify(document, null, 2)}\n`)
          Fs.renameSync(`${ready}.tmp`, ready)
        })
      }
      // Not before the server is first busy: an idle one's lifecycle ticks alone would double it.
      LoadWatch.whenFirstBusy(YoungGeneration.allowGrowth)
      return yield* Effect.never
    }).pipe(Effect.scoped, Effect.provide(loggers[options.logFormat]))
)

/** The snapshot in `file`, parsed; the import itself checks what it holds. */
const readSnapshot = (file: string) =>
  Effect.try({
    try: () => JSON.parse(Fs.readFileSync(file, "utf8")) as unknown,
    catch: (cause) => new Error(`--import ${file}: ${cause instanceof Error ? cause.message : String(cause)}`)
  })

const cli = Command.run(command, { name: "projectkit-server", version: Server.VERSION })

cli(process.argv).pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain({ disablePrettyLogger: true }))
