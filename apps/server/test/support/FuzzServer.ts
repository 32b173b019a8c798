/**
 * A test server for the fuzz test: `TestServer`'s, with its storage exposed (`SqlClient`) so the
 * test can tell whether a request changed anything stored, and with every lifecycle slowed to a day
 * so that nothing but the requests themselves changes it (no generation, export or copy job moves
 * on, no webhook is sent to the hosts generated URLs name).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Crypto from "node:crypto"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestDatabase from "./TestDatabase.js"
import { serverLayer, testServer } from "./TestServer.js"

/** The body limit of the fuzzed server (a body over it is a 413), small so that huge bodies stay cheap. */
export const maxBodyBytes = 256 * 1024

const day = "1 day"

export const layer = Layer.unwrapScoped(Effect.map(TestDatabase.database, (database) =>
  Layer.provideMerge(
    testServer,
    serverLayer({
      database,
      maxBodyBytes,
      generations: { pending: day, processing: day, pollInterval: "1 hour" },
      indream: { exports: { pending: day, processing: day, pollInterval: "1 hour" } },
      sanity: { copyPending: day, copyRunning: day, embeddingsUpdating: day, pollInterval: "1 hour" }
    })
  )))

/** The server's own bookkeeping of applied migrations: not data a request may change. */
const bookkeeping = /migration/i

/**
 * A digest of everything stored: every row of every table (rows sorted, so the order a backend
 * returns them in does not matter). Equal digests: nothing stored changed.
 */
export const fingerprint: Effect.Effect<string, never, SqlClient.SqlClient> = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const tables = yield* sql.onDialectOrElse({
    pg: () =>
      sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    orElse: () => sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
  })
  const hash = Crypto.createHash("sha256")
  for (const { name } of [...tables].sort((a, b) => a.name.localeCompare(b.name))) {
    if (bookkeeping.test(name)) continue
    const rows = yield* sql.unsafe<Record<string, unknown>>(`SELECT * FROM ${name}`)
    const lines = rows.map((row) =>
      JSON.stringify(row, (_key, value: unknown) =>
        typeof value === "bigint" ? value.toString() : value instanceof Uint8Array ? Buffer.from(value).toString("hex") : value)
    ).sort()
    hash.update(`${name}\n${lines.join("\n")}\n`)
  }
  return hash.digest("hex")
}).pipe(Effect.orDie)
