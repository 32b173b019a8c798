/**
 * Reference servers started for a test, by the library's `startServer`: on an in-memory SQLite
 * database, or, when PROJECTKIT_TEST_DATABASE_URL names a PostgreSQL database, each in a schema of
 * its own there (dropped by `stopAll`).
 */
import { type RunningServer, startServer, type StartOptions } from "@projectkit/server"
import Pg from "pg"

const postgresUrl: string | undefined = process.env["PROJECTKIT_TEST_DATABASE_URL"] || undefined

/** The backend the servers run on, for test names. */
export const backend = postgresUrl === undefined ? "sqlite" : "postgres"

const administer = async (url: string, statement: string) => {
  const client = new Pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

export interface Servers {
  readonly start: (options?: StartOptions) => Promise<RunningServer>
  readonly stopAll: () => Promise<void>
}

export const make = (): Servers => {
  const running: Array<RunningServer> = []
  const schemas: Array<string> = []
  return {
    start: async (options = {}) => {
      let data = ":memory:"
      if (postgresUrl !== undefined) {
        const schema = `replay_${crypto.randomUUID().replaceAll("-", "")}`
        await administer(postgresUrl, `CREATE SCHEMA ${schema}`)
        schemas.push(schema)
        const scoped = new URL(postgresUrl)
        scoped.searchParams.set("options", `-c search_path=${schema},public`)
        data = scoped.toString()
      }
      const server = await startServer({ logLevel: "None", ...options, data })
      running.push(server)
      return server
    },
    stopAll: async () => {
      for (const server of running.splice(0).reverse()) await server.close()
      for (const schema of schemas.splice(0)) await administer(postgresUrl!, `DROP SCHEMA ${schema} CASCADE`)
    }
  }
}

/** A JSON request: its status and body text. */
export const send = async (url: string, init: { method?: string; headers?: Record<string, string>; json?: unknown } = {}) => {
  const response = await fetch(url, {
    method: init.method ?? "GET",
    headers: { ...(init.json === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) })
  })
  const text = await response.text()
  return { status: response.status, text, json: text === "" ? undefined : JSON.parse(text) as Record<string, unknown> }
}
