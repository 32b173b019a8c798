/**
 * A reference server on a free loopback port, for tests over real HTTP: with an in-memory SQLite
 * database, or a fresh PostgreSQL schema when PROJECTKIT_TEST_DATABASE_URL is set (TestDatabase.ts).
 * With PROJECTKIT_TEST_ROUTER=platform it serves through the platform's HttpApi router instead of
 * the compiled routes (`compiledRoutes: false`): CI runs the contract suites both ways, since the
 * compiled routes must answer exactly as the platform does (see src/compiled/README.md).
 * Its time is a `ServerClock`, which a test moves forward with `ServerClock.advance` instead of sleeping.
 */
import * as HttpServer from "@effect/platform/HttpServer"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Server from "../../src/Server.js"
import * as ServerClock from "./ServerClock.js"
import * as TestDatabase from "./TestDatabase.js"

export interface TestServerInfo {
  readonly baseUrl: string
  readonly adminToken: string
}

export class TestServer extends Context.Tag("test/TestServer")<TestServer, TestServerInfo>() {}

export const layer = (overrides: Partial<Omit<Server.ServerConfig, "port" | "host">> = {}) =>
  Layer.unwrapScoped(Effect.map(
    overrides.database === undefined ? TestDatabase.database : Effect.succeed(overrides.database),
    (database) => layerOn({ ...overrides, database })
  ))

const layerOn = (overrides: Partial<Omit<Server.ServerConfig, "port" | "host">> & { readonly database: string }) => {
  const clock = ServerClock.make()
  return Layer.merge(
    Layer.provide(testServer, serverLayer(overrides).pipe(Layer.provide(Layer.setClock(clock.clock)))),
    Layer.succeed(ServerClock.ServerClock, clock)
  )
}

const adminToken = "test-admin-token"

/** Where the server of the context listens, and its admin token. */
export const testServer = Layer.effect(
  TestServer,
  Effect.map(HttpServer.HttpServer, (server) => {
    const address = server.address
    if (address._tag !== "TcpAddress") throw new Error("expected a TCP address")
    return { baseUrl: `http://127.0.0.1:${address.port}`, adminToken }
  })
)

/**
 * The server on a free loopback port with the test admin token and `overrides`, through the
 * router `PROJECTKIT_TEST_ROUTER` names.
 */
export const serverLayer = (overrides: Partial<Omit<Server.ServerConfig, "port" | "host">> & { readonly database: string }) =>
  Server.layer({
    port: 0,
    host: "127.0.0.1",
    adminToken: Redacted.make(adminToken),
    maxBodyBytes: 1024 * 1024,
    ...(process.env.PROJECTKIT_TEST_ROUTER === "platform" ? { compiledRoutes: false } : {}),
    ...overrides
  }).pipe(
    // Request logs would drown the test output; warnings and errors still show.
    Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
  )

/** `fetch` against the test server, answering status and parsed JSON body. */
export const request = (path: string, init: RequestInit = {}) =>
  Effect.flatMap(TestServer, ({ baseUrl }) =>
    Effect.promise(async () => {
      const response = await fetch(`${baseUrl}${path}`, init)
      const text = await response.text()
      let body: unknown = text
      try {
        body = text === "" ? undefined : JSON.parse(text)
      } catch {
        // keep the text
      }
      return { status: response.status, headers: response.headers, body }
    }))

/** What the control plane answers for a new organization. */
export interface CreatedOrganization {
  readonly id: string
  readonly credentials: {
    readonly sync: { readonly apiKey: string }
    readonly indream: { readonly apiKey: string }
    readonly sanity: { readonly token: string }
  }
  readonly webhookSecret: string
}

/** A new organization on the test server, through its control plane. */
export const createOrganization = (name: string) =>
  Effect.gen(function*() {
    const { adminToken } = yield* TestServer
    const created = yield* request("/__projectkit/orgs", {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name })
    })
    if (created.status !== 201) return yield* Effect.dieMessage(`could not create an organization: ${created.status}`)
    return created.body as CreatedOrganization
  })
