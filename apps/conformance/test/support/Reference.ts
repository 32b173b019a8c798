/**
 * The reference server in-process on a free loopback port — on an in-memory SQLite database, or,
 * when PROJECTKIT_TEST_DATABASE_URL names a PostgreSQL database (as in CI), in a schema of its own
 * there, dropped afterwards — and the
 * organizations the suite needs, made through its control plane: a first one with another user,
 * a second one (isolation), and one without Indream's runtime access.
 */
import { Server } from "@projectkit/server"
import * as HttpServer from "@effect/platform/HttpServer"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import Pg from "pg"
import type { Dialect } from "../../src/Check.js"
import * as Registration from "../../src/Dialect.js"
import { dialects as suiteDialects } from "../../src/dialects/index.js"
import type * as Runner from "../../src/Runner.js"

type Credentials = Record<string, Record<string, string>>

interface Org {
  readonly id: string
  readonly credentials: Credentials
  /** The organization's webhook signing secret (the control plane answers it on create). */
  readonly webhookSecret?: string
}

export interface ReferenceInfo {
  readonly baseUrl: string
  /** The dialects the server says it serves (its health endpoint). */
  readonly dialects: ReadonlyArray<Dialect>
  readonly first: Org
  readonly member: { readonly credentials: Credentials }
  readonly second: Org
  readonly ineligible: Org
}

/** The dialects this build of the reference server serves; the others' tests are skipped. */
export const served: ReadonlyArray<string> = Server.dialects.map((dialect) => dialect.name)

export class Reference extends Context.Tag("test/Reference")<Reference, ReferenceInfo>() {}

const adminToken = "conformance-admin-token"

const control = async (baseUrl: string, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${baseUrl}/__projectkit${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  if (!response.ok) throw new Error(`control plane ${method} ${path}: ${response.status} ${await response.text()}`)
  return response.json() as Promise<Record<string, unknown>>
}

const provision = (baseUrl: string) =>
  Effect.promise(async () => {
    const health = await (await fetch(`${baseUrl}/__projectkit/health`)).json() as { dialects: Array<Dialect> }
    const first = await control(baseUrl, "POST", "/orgs", { name: "conformance first" }) as unknown as Org
    const member = await control(baseUrl, "POST", `/orgs/${first.id}/members`) as unknown as { credentials: Credentials }
    const second = await control(baseUrl, "POST", "/orgs", { name: "conformance second" }) as unknown as Org
    const ineligible = await control(baseUrl, "POST", "/orgs", { name: "conformance ineligible" }) as unknown as Org
    await control(baseUrl, "PATCH", `/orgs/${ineligible.id}`, { indreamRuntimeAccess: false })
    return { baseUrl, dialects: health.dialects, first, member, second, ineligible }
  })

const postgresUrl: string | undefined = process.env["PROJECTKIT_TEST_DATABASE_URL"] || undefined

/** Runs one statement as the test database's owner. */
const administer = (url: string, statement: string) =>
  Effect.promise(async () => {
    const client = new Pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(statement)
    } finally {
      await client.end()
    }
  })

/** `:memory:`, or a fresh PostgreSQL schema that lives as long as the enclosing scope. */
const database = Effect.suspend(() => {
  if (postgresUrl === undefined) return Effect.succeed(":memory:")
  const schema = `conformance_${crypto.randomUUID().replaceAll("-", "")}`
  const scoped = new URL(postgresUrl)
  scoped.searchParams.set("options", `-c search_path=${schema},public`)
  return Effect.as(
    Effect.acquireRelease(
      administer(postgresUrl, `CREATE SCHEMA ${schema}`),
      () => administer(postgresUrl, `DROP SCHEMA ${schema} CASCADE`)
    ),
    scoped.toString()
  )
})

const serverOn = (database: string, compiledRoutes: boolean) =>
  Server.layer({
    port: 0,
    compiledRoutes,
    host: "127.0.0.1",
    database,
    adminToken: Redacted.make(adminToken),
    maxBodyBytes: 1024 * 1024,
    // Short lifecycles, so that webhook checks do not wait for seconds.
    generations: { pending: "50 millis", processing: "150 millis", pollInterval: "25 millis" },
    indream: { exports: { pending: "50 millis", processing: "200 millis", pollInterval: "25 millis" } },
    webhooks: { retryBaseDelay: "100 millis", maxAttempts: 3, timeout: "2 seconds", pollInterval: "25 millis" }
  }).pipe(Layer.provide(Logger.minimumLogLevel(LogLevel.Warning)))

/**
 * The reference server and its organizations, serving the API through its compiled routes (the
 * default) or, with `compiledRoutes: false`, through the platform's HttpApi router alone — which
 * must answer exactly the same (`--platform-router`).
 */
export const layerWith = (options: { readonly compiledRoutes: boolean }) =>
  Layer.effect(
    Reference,
    Effect.flatMap(HttpServer.HttpServer, (server) => {
      const address = server.address
      if (address._tag !== "TcpAddress") return Effect.dieMessage("expected a TCP address")
      return provision(`http://127.0.0.1:${address.port}`)
    })
  ).pipe(Layer.provide(Layer.unwrapScoped(Effect.map(database, (url) => serverOn(url, options.compiledRoutes)))))

/** The reference server as it runs by default: its compiled routes. */
export const layer = layerWith({ compiledRoutes: true })

/** The dialect's secret in a credentials record (`apiKey`, or Sanity's `token`). */
const secretOf = (credentials: Credentials, dialect: Dialect): Option.Option<string> => {
  const entry = credentials[dialect]
  return Option.fromNullable(entry?.["apiKey"] ?? entry?.["token"])
}

/** A dialect's settings as they are when not given: their defaults. */
const defaultSettings = (dialect: Registration.Dialect): Record<string, string> =>
  Object.fromEntries((dialect.settings ?? []).map((setting) => [setting.setting, setting.default]))

/** A run configuration for the reference server at `baseUrl` (itself, or a proxy in front of it). */
export const runConfig = (
  info: ReferenceInfo,
  dialects: ReadonlyArray<Dialect>,
  overrides: Partial<Runner.RunConfig> & { readonly baseUrl?: string } = {}
): Runner.RunConfig => {
  const root = overrides.baseUrl ?? info.baseUrl
  const target = (dialect: Registration.Dialect): Runner.DialectConfig => ({
    baseUrl: `${root}/${dialect.name}`,
    credentials: {
      primary: secretOf(info.first.credentials, dialect.name),
      secondary: secretOf(info.second.credentials, dialect.name),
      member: secretOf(info.member.credentials, dialect.name),
      ineligible: secretOf(info.ineligible.credentials, dialect.name),
      webhookSecret: Option.fromNullable(info.first.webhookSecret)
    },
    options: defaultSettings(dialect)
  })
  return {
    dialects,
    profile: "extended",
    filter: [],
    targets: Object.fromEntries(suiteDialects.map((dialect) => [dialect.name, target(dialect)])),
    requestTimeout: "5 seconds",
    webhooks: { host: "127.0.0.1", waitMs: 3_000 },
    checkTimeout: "15 seconds",
    lifecycleTimeout: "10 seconds",
    ...overrides
  }
}

/**
 * The projects each organization can see, per dialect, straight from the server: the list the
 * dialect's preflight probe reads (its first page of projects), a page of up to 100 where it is paged.
 */
export const projectsLeft = (info: ReferenceInfo, dialects: ReadonlyArray<Dialect> = served as ReadonlyArray<Dialect>) =>
  Effect.promise(async () => {
    const left: Array<string> = []
    for (const org of [info.first, info.second]) {
      for (const name of dialects) {
        const dialect = Registration.named(suiteDialects, name)
        const probe = dialect.probe(defaultSettings(dialect))
        const url = new URL(`${info.baseUrl}/${name}${probe.path}`)
        for (const [key, value] of Object.entries(probe.query ?? {})) {
          if (value !== undefined) url.searchParams.set(key, key === "limit" ? "100" : key === "pageSize" ? "50" : String(value))
        }
        const secret = Option.getOrElse(secretOf(org.credentials, name), () => "")
        const body = await (await fetch(url, { headers: dialect.authenticate(secret) })).json() as unknown
        const items = Array.isArray(body) ? body : (body as { items?: Array<unknown>; data?: Array<unknown> }).items ??
          (body as { data: Array<unknown> }).data
        for (const item of items) left.push(`${name}: ${JSON.stringify(item).slice(0, 120)}`)
      }
    }
    return left
  })
