/**
 * Every tenant credential is stored as a hash (issue 14: sync.so keys, Indream keys and Sanity user
 * tokens were stored in plaintext): shown once when issued, still authenticating; secrets stored
 * before the change are hashed in place by the migration and keep working. On both backends.
 */
import * as Migrator from "@effect/sql/Migrator"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Database from "../src/Database.js"
import * as Dialects from "../src/dialects/index.js"
import { hashSecret } from "../src/internal/ids.js"
import * as SqliteClient from "../src/internal/sqlite.js"
import { migrations } from "../src/Migrations.js"
import { Organizations, layer as organizationsLayer } from "../src/Organizations.js"
import * as Revocations from "../src/Revocations.js"
import * as TestDatabase from "./support/TestDatabase.js"

/** `effect` with `Organizations` and `SqlClient` over a fresh database (a temporary file on SQLite). */
const onFreshDatabase = <A, E>(effect: (location: string) => Effect.Effect<A, E, Organizations | SqlClient.SqlClient>) =>
  Effect.gen(function*() {
    const location = yield* TestDatabase.freshLocation("pk-credentials-")
    return yield* effect(location).pipe(
      Effect.provide(organizationsLayer.pipe(Layer.provide(Revocations.layer(location)), Layer.provideMerge(Database.layer(location)), Layer.provide(Dialects.registered)))
    )
  }).pipe(Effect.scoped)

describe(`credentials at rest (${TestDatabase.backend})`, () => {
  it.live("are stored as SHA-256 hashes only, and authenticate", () =>
    onFreshDatabase(() =>
      Effect.gen(function*() {
        const organizations = yield* Organizations
        const sql = yield* SqlClient.SqlClient
        const org = yield* organizations.create("Hashed")
        const secrets = [org.credentials.sync.apiKey, org.credentials.indream.apiKey, org.credentials.sanity.token]
        const stored = (yield* sql<{ secret_hash: string }>`SELECT secret_hash FROM credentials`).map((row) => row.secret_hash)
        expect([...stored].sort()).toEqual(secrets.map(hashSecret).sort())
        // Nothing stored anywhere in the table is a secret itself.
        for (const secret of secrets) expect(JSON.stringify(yield* sql`SELECT * FROM credentials`)).not.toContain(secret)
        expect(Option.isSome(yield* organizations.authenticate("sync", org.credentials.sync.apiKey))).toBe(true)
        expect(Option.isSome(yield* organizations.authenticate("indream", org.credentials.indream.apiKey))).toBe(true)
        expect(Option.isSome(yield* organizations.authenticate("sanity", org.credentials.sanity.token))).toBe(true)
        // A hash is not a credential.
        expect(yield* organizations.authenticate("sync", hashSecret(org.credentials.sync.apiKey))).toEqual(Option.none())
      })))

  it.live("the demo organization's credentials are issued anew at each start, for the same user", () =>
    onFreshDatabase(() =>
      Effect.gen(function*() {
        const organizations = yield* Organizations
        const first = yield* organizations.demo("Demo")
        const again = yield* organizations.demo("Demo")
        expect(again.id).toBe(first.id)
        expect(again.credentials.sync.apiKey).not.toBe(first.credentials.sync.apiKey)
        expect(yield* organizations.authenticate("sync", first.credentials.sync.apiKey)).toEqual(Option.none())
        const now = yield* organizations.authenticate("sync", again.credentials.sync.apiKey)
        const before = yield* organizations.authenticate("indream", again.credentials.indream.apiKey)
        expect(Option.map(now, (caller) => caller.userId)).toEqual(Option.map(before, (caller) => caller.userId))
      })))

  it.live("secrets stored in plaintext before the migration are hashed in place and keep working", () =>
    Effect.gen(function*() {
      const location = TestDatabase.postgresUrl === undefined
        ? Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "pk-credentials-")), "data.db")
        : yield* TestDatabase.freshSchema(TestDatabase.postgresUrl)
      // The database as the previous version left it: every migration before 0008, a plaintext key.
      const before = Object.fromEntries(Object.entries(migrations).filter(([id]) => id < "0008"))
      yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* Migrator.make({})({ loader: Migrator.fromRecord(before), table: "projectkit_migrations" })
        yield* sql`INSERT INTO organizations (id, name, webhook_secret, created_at) VALUES ('o1', 'Old', 'whsec_x', 1)`
        yield* sql`INSERT INTO credentials (secret, org_id, dialect, user_id, created_at)
          VALUES ('sk-old-plaintext', 'o1', 'sync', 'u1', 1)`
      }).pipe(Effect.provide(
        Database.isPostgresUrl(location)
          ? PgClient.layer({ url: Redacted.make(location) })
          : SqliteClient.layer({ filename: location })
      ))
      // The new version migrates on start.
      yield* Effect.gen(function*() {
        const organizations = yield* Organizations
        const sql = yield* SqlClient.SqlClient
        expect(yield* sql`SELECT secret_hash FROM credentials WHERE dialect = 'sync'`).toEqual([{ secret_hash: hashSecret("sk-old-plaintext") }])
        expect(Option.map(yield* organizations.authenticate("sync", "sk-old-plaintext"), (c) => c.orgId)).toEqual(Option.some("o1"))
      }).pipe(Effect.provide(organizationsLayer.pipe(Layer.provide(Revocations.layer(location)), Layer.provideMerge(Database.layer(location)), Layer.provide(Dialects.registered))))
    }).pipe(Effect.scoped))
})
