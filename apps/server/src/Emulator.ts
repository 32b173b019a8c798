/**
 * The reference server started from code, for test suites: `startServer(options)` for anyone
 * (a Promise of a running server, `close()` to stop it), `Emulator.layer(options)` and
 * `Emulator.make(options)` (a scoped resource) for Effect users. Both listen on a free port by
 * default, keep their data in memory, log only warnings, and give the URLs, the admin token and
 * the control plane's operations (organizations, reset, snapshots) as calls.
 */
import * as HttpServer from "@effect/platform/HttpServer"
import type { SqlError } from "@effect/sql/SqlError"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Dialect from "./Dialect.js"
import * as Dialects from "./dialects/index.js"
import { randomSecret } from "./internal/ids.js"
import { type Organization, Organizations } from "./Organizations.js"
import * as Server from "./Server.js"
import { type Snapshot, type SnapshotConflict, type SnapshotInvalid, Snapshots } from "./Snapshots.js"

export interface StartOptions extends Partial<Omit<Server.ServerConfig, "port" | "database" | "adminToken">> {
  /** The port to listen on; 0 (the default) picks a free one, so parallel test workers never collide. */
  readonly port?: number | undefined
  /** ":memory:" (the default), a SQLite file, or a `postgres://` URL. */
  readonly data?: string | undefined
  /** The control plane's admin token; generated when absent. */
  readonly adminToken?: string | undefined
  /** The lowest level logged; "Warning" by default, "None" for silence. */
  readonly logLevel?: LogLevel.Literal | undefined
}

/** A running server, for Effect users: its addresses and the control plane's operations. */
export interface EmulatorService {
  /** The base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** Each dialect's base URL by its name. */
  readonly dialectUrls: Readonly<Record<string, string>>
  readonly adminToken: string
  /** A new organization, with its credentials (shown only now: they are stored hashed). */
  readonly createOrganization: (name: string) => Effect.Effect<Organization, SqlError>
  /** Deletes an organization and everything it owns; false if there is none. */
  readonly deleteOrganization: (id: string) => Effect.Effect<boolean, SqlError>
  /** Empties an organization, keeping its credentials; false if there is none. */
  readonly resetOrganization: (id: string) => Effect.Effect<boolean, SqlError>
  /** Deletes every organization. */
  readonly reset: Effect.Effect<void, SqlError>
  /** Everything stored, or one organization's part (undefined if there is no such organization). */
  readonly exportState: (organization?: string) => Effect.Effect<Snapshot | undefined, SqlError>
  /** Loads a snapshot: a whole-server one replaces everything, a one-organization one that organization. */
  readonly importState: (snapshot: unknown) => Effect.Effect<void, SnapshotInvalid | SnapshotConflict | SqlError>
}

export class Emulator extends Context.Tag("@projectkit/server/Emulator")<Emulator, EmulatorService>() {}

/** The server's configuration for `options`, with the defaults of a test server. */
export const configOf = (options: StartOptions): Server.ServerConfig => {
  const { adminToken, data, logLevel: _logLevel, port, ...rest } = options
  return {
    host: "127.0.0.1",
    maxBodyBytes: 16 * 1024 * 1024,
    ...rest,
    port: port ?? 0,
    database: data ?? ":memory:",
    adminToken: Redacted.make(adminToken ?? `pk_admin_${randomSecret()}`)
  }
}

/** Each of `dialects`' base URL on `url` (the default dialects' unless told). */
export const dialectUrls = (
  url: string,
  dialects: ReadonlyArray<Dialect.Dialect> = Dialects.all
): Readonly<Record<string, string>> => Object.fromEntries(dialects.map((dialect) => [dialect.name, `${url}${dialect.prefix}`]))

/** The base URL `server` answers on (a wildcard host as loopback). */
export const urlOf = (server: HttpServer.HttpServer): string => {
  const address = server.address
  if (address._tag !== "TcpAddress") throw new Error("the server listens on a TCP address")
  const host = address.hostname === "0.0.0.0" || address.hostname === "::" ? "127.0.0.1" : address.hostname
  return `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`
}

/** A server started for the life of the scope (stopped, its port and database closed, when it closes). */
export const make = (options: StartOptions = {}): Effect.Effect<EmulatorService, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const config = configOf(options)
    const context = yield* Layer.build(Server.layer(config))
    const organizations = Context.get(context, Organizations)
    const snapshots = Context.get(context, Snapshots)
    const url = urlOf(Context.get(context, HttpServer.HttpServer))
    const service: EmulatorService = {
      url,
      dialectUrls: dialectUrls(url, Context.get(context, Dialect.Dialects)),
      adminToken: Redacted.value(config.adminToken),
      createOrganization: organizations.create,
      deleteOrganization: organizations.remove,
      resetOrganization: snapshots.empty,
      reset: organizations.reset,
      exportState: snapshots.exportState,
      importState: (snapshot) => Effect.asVoid(snapshots.importState(snapshot))
    }
    return service
  }).pipe(Effect.provide(Logger.minimumLogLevel(LogLevel.fromLiteral(options.logLevel ?? "Warning"))))

/** The server as a Layer: started when built, stopped when released. */
export const layer = (options: StartOptions = {}): Layer.Layer<Emulator, unknown> => Layer.scoped(Emulator, make(options))

/** A running server, for Promise users. Every call rejects with the error itself (`_tag`, `message`). */
export interface RunningServer {
  readonly url: string
  readonly dialectUrls: Readonly<Record<string, string>>
  readonly adminToken: string
  readonly createOrganization: (name: string) => Promise<Organization>
  /** Deletes an organization and everything it owns; false if there is none. */
  readonly deleteOrganization: (id: string) => Promise<boolean>
  /** Empties an organization, keeping its credentials; false if there is none. */
  readonly resetOrganization: (id: string) => Promise<boolean>
  readonly reset: () => Promise<void>
  readonly exportState: (options?: { readonly organization?: string | undefined }) => Promise<Snapshot | undefined>
  readonly importState: (snapshot: unknown) => Promise<void>
  /** Stops the server: no connection, timer or database handle is left open. */
  readonly close: () => Promise<void>
}

/** `effect`'s value, or a rejection with its error as it is (not wrapped in a fiber failure). */
const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromiseExit(effect).then((exit) => {
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  })

/**
 * Starts a server: `await startServer({ port: 0, data: ":memory:" })`. Resolves once it answers;
 * rejects if it cannot start (a port in use, a database that does not answer, a bad snapshot).
 */
export const startServer = async (options: StartOptions = {}): Promise<RunningServer> => {
  const scope = Effect.runSync(Scope.make())
  const started = await Effect.runPromiseExit(Scope.extend(make(options), scope))
  if (Exit.isFailure(started)) {
    await Effect.runPromise(Scope.close(scope, started))
    throw Cause.squash(started.cause)
  }
  const emulator = started.value
  let closing: Promise<void> | undefined
  return {
    url: emulator.url,
    dialectUrls: emulator.dialectUrls,
    adminToken: emulator.adminToken,
    createOrganization: (name) => run(emulator.createOrganization(name)),
    deleteOrganization: (id) => run(emulator.deleteOrganization(id)),
    resetOrganization: (id) => run(emulator.resetOrganization(id)),
    reset: () => run(emulator.reset),
    exportState: (options) => run(emulator.exportState(options?.organization)),
    importState: (snapshot) => run(emulator.importState(snapshot)),
    close: () => closing ??= Effect.runPromise(Scope.close(scope, Exit.void))
  }
}
