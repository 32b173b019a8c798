/**
 * The Studio's views come from the registered dialects alone: a fourth dialect, defined here with
 * a table and one view, appears beside the others (described, filled with one organization's
 * records and none of another's, its records created through its own action) with no change to
 * `StudioControl` or to the Studio, which draws whatever views it is described. On both backends.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Database from "../../src/Database.js"
import * as Dialect from "../../src/Dialect.js"
import * as Dialects from "../../src/dialects/index.js"
import { Organizations, layer as organizationsLayer } from "../../src/Organizations.js"
import * as StudioControl from "../../src/StudioControl.js"
import { decodeRows, type DialectStudio, StoredNumber } from "../../src/StudioView.js"
import * as TestDatabase from "../support/TestDatabase.js"

const NoteRow = Schema.Struct({ id: Schema.String, body: Schema.String, created_at: StoredNumber })

/** The fourth dialect's Studio: one view of its notes, which the Studio may create. */
const fourthStudio: DialectStudio = {
  title: "Fourth",
  views: () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const notes = decodeRows(NoteRow)
      return [{
        description: {
          id: "notes",
          title: "Notes",
          layout: "table",
          columns: [
            { key: "body", label: "Body", kind: "text" },
            { key: "createdAt", label: "Created", kind: "time" }
          ],
          actions: { create: { label: "Add note", fields: [{ key: "name", label: "New note" }] } }
        },
        list: (orgId) =>
          Effect.map(
            Effect.flatMap(sql`SELECT id, body, created_at FROM fourth_notes WHERE org_id = ${orgId} ORDER BY created_at, id`, notes),
            (rows) =>
              rows.map((row) => ({
                id: row.id,
                title: row.body,
                inFlight: false,
                cells: { body: row.body, createdAt: row.created_at }
              }))
          ),
        create: (caller, input) =>
          Effect.gen(function*() {
            const id = `note-${input.name.length}-${caller.userId.slice(0, 8)}`
            yield* sql`INSERT INTO fourth_notes (id, org_id, body, created_at) VALUES (${id}, ${caller.orgId}, ${input.name}, ${1})`
            return { id, title: input.name, inFlight: false, cells: { body: input.name, createdAt: 1 } }
          })
      }]
    })
}

/**
 * A test-only dialect: its own table and Studio view. Its routes and error table are not what this
 * test is about, so they are the first registered dialect's.
 */
const fourth: Dialect.Dialect = {
  ...Dialects.all[0]!,
  name: "fourth",
  prefix: "/fourth",
  migrations: {},
  tables: [{ name: "fourth_notes", key: ["id"], owner: "org_id" }],
  studio: fourthStudio
}

const onFreshDatabase = <A, E>(effect: Effect.Effect<A, E, Organizations | SqlClient.SqlClient>) =>
  Effect.gen(function*() {
    const location = yield* TestDatabase.database
    return yield* effect.pipe(Effect.provide(organizationsLayer.pipe(
      Layer.provideMerge(Database.layer(location)),
      Layer.provide(Layer.succeed(Dialect.Dialects, [...Dialects.all, fourth]))
    )))
  }).pipe(Effect.scoped)

describe(`Studio views (${TestDatabase.backend})`, () => {
  it.effect("list a fourth dialect's records beside the others', one organization at a time", () =>
    onFreshDatabase(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE fourth_notes (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`
      const organizations = yield* Organizations
      const mine = yield* organizations.create("Mine")
      const theirs = yield* organizations.create("Theirs")
      const studio = yield* StudioControl.make([...Dialects.all, fourth])

      expect(studio.views.served).toEqual([...Dialects.all.map((d) => d.name), "fourth"])
      expect(studio.views.dialects.map((tab) => tab.dialect)).toEqual([...Dialects.all.map((d) => d.name), "fourth"])
      expect(studio.views.dialects.at(-1)).toMatchObject({ title: "Fourth", views: [{ id: "notes", layout: "table" }] })

      const created = yield* studio.create(mine.id, "fourth", "notes", { name: "Written in the Studio" })
      expect(created).toMatchObject({ title: "Written in the Studio" })
      const data = yield* studio.viewData(mine.id, "fourth")
      expect(data).toMatchObject({ organization: { id: mine.id, name: "Mine", members: 1 }, dialect: "fourth" })
      expect(data.views).toEqual([{
        id: "notes",
        records: [{ id: created.id, title: "Written in the Studio", inFlight: false, cells: { body: "Written in the Studio", createdAt: 1 } }]
      }])
      expect((yield* studio.viewData(theirs.id, "fourth")).views).toEqual([{ id: "notes", records: [] }])

      // What the view does not offer, or does not have, is not found.
      const refused = yield* Effect.flip(studio.remove(mine.id, "fourth", "notes", created.id))
      expect(refused).toMatchObject({ error: "not_found" })
      expect(yield* Effect.flip(studio.viewData(mine.id, "fifth"))).toMatchObject({ error: "not_found" })
      expect(yield* Effect.flip(studio.create(mine.id, "fourth", "drafts", { name: "x" }))).toMatchObject({ error: "not_found" })
      expect(yield* Effect.flip(studio.create("nope", "fourth", "notes", { name: "x" }))).toMatchObject({ error: "not_found" })
    })))
})
