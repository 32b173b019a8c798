/**
 * Where a test server keeps its data: an in-memory SQLite database, or, when
 * PROJECTKIT_TEST_DATABASE_URL names a PostgreSQL database, a schema of its own there (created for
 * the test and dropped after it), so test files running in parallel never see each other's rows.
 */
import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import Pg from "pg"

/** The PostgreSQL database the tests may use, if any. */
export const postgresUrl: string | undefined = process.env["PROJECTKIT_TEST_DATABASE_URL"] || undefined

/** The backend the test servers run on, for test names. */
export const backend = postgresUrl === undefined ? "sqlite" : "postgres"

const admin = <A>(url: string, f: (client: Pg.Client) => Promise<A>) =>
  Effect.promise(async () => {
    const client = new Pg.Client({ connectionString: url })
    await client.connect()
    try {
      return await f(client)
    } finally {
      await client.end()
    }
  })

/** A new, empty schema in the PostgreSQL database at `url`: the URL of a connection using it, and how to drop it. */
export const createSchema = async (url: string) => {
  const schema = `test_${crypto.randomUUID().replaceAll("-", "")}`
  await Effect.runPromise(admin(url, (client) => client.query(`CREATE SCHEMA ${schema}`)))
  const scoped = new URL(url)
  scoped.searchParams.set("options", `-c search_path=${schema},public`)
  return {
    url: scoped.toString(),
    drop: () => Effect.runPromise(admin(url, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`))).then(() => undefined)
  }
}

/** A fresh, empty schema in the PostgreSQL database at `url`, dropped when the scope closes. */
export const freshSchema = (url: string) =>
  Effect.map(
    Effect.acquireRelease(Effect.promise(() => createSchema(url)), (created) => Effect.promise(created.drop)),
    (created) => created.url
  )

/**
 * The database of one test server: `:memory:` on SQLite; on PostgreSQL a fresh schema, or
 * `shared`'s when several servers must share one database.
 */
export const database = Effect.suspend(() => postgresUrl === undefined ? Effect.succeed(":memory:") : freshSchema(postgresUrl))

/**
 * A database of its own, as a server's `--data` names it: a file in a new temporary folder on
 * SQLite (`prefix` names the folder), a fresh schema on PostgreSQL; removed when the scope closes.
 */
export const freshLocation = (prefix: string) =>
  Effect.suspend(() =>
    postgresUrl === undefined
      ? Effect.map(
        Effect.acquireRelease(
          Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), prefix))),
          (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
        ),
        (dir) => Path.join(dir, "data.db")
      )
      : freshSchema(postgresUrl)
  )
