/**
 * A fourth dialect that exists only for tests: "notes", a provider with one resource, to prove
 * that a provider is registered in one place. Everything the server needs of it is here — its
 * contract, error table, tables, credential (an `x-notes-key` header), member rows, banner lines
 * and Layer — and a test registers it with one list entry (`Server.layer({ dialects })`).
 * It is written as a provider's folder would be, in one file for brevity.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as SqlClient from "@effect/sql/SqlClient"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import { ErrorTable, WireError } from "@projectkit/http"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as CompiledApi from "../../src/compiled/CompiledApi.js"
import * as Dialect from "../../src/Dialect.js"
import { randomId, randomSecret } from "../../src/internal/ids.js"
import { statements } from "../../src/internal/migration.js"
import { Organizations } from "../../src/Organizations.js"
import { type DialectStudio, recordsOf } from "../../src/StudioView.js"

// The provider's package: its errors and its contract.

export class Unauthorized extends WireError.Class<Unauthorized>("@test/notes/Unauthorized")(401, {
  code: Schema.Literal("unauthorized"),
  detail: Schema.String
}) {}

export class Failed extends WireError.Class<Failed>("@test/notes/Failed")(500, {
  code: Schema.Literal("failed"),
  detail: Schema.String
}) {}

type NotesWireError = Unauthorized | Failed

/** A refused key answers 401; anything else the provider's 500. */
interface ByTag extends ErrorTable.ByTag<NotesWireError> {
  readonly Unauthorized: Unauthorized
}

const errors = ErrorTable.make<NotesWireError, ProjectsError.ProjectsError, ByTag>({
  provider: "notes",
  classes: [Unauthorized, Failed],
  toCore: (error) => new ProjectsError.ProviderFailure({ provider: "notes", status: error.code === "failed" ? 500 : 401, body: error }),
  // One tag answered apart from the rest: TypeScript cannot relate the generic tag to its entry.
  fromCore: <E extends ProjectsError.ProjectsError>(error: E) =>
    (error._tag === "Unauthorized"
      ? new Unauthorized({ code: "unauthorized", detail: "Unknown notes key" })
      : new Failed({ code: "failed", detail: error.message })) as ByTag[E["_tag"]],
  body: (status, message) => ({ code: status === 401 ? "unauthorized" : "failed", detail: message })
})

export class NotesCaller extends Context.Tag("@test/notes/NotesCaller")<NotesCaller, { readonly orgId: string }>() {}

export class NotesAuth extends HttpApiMiddleware.Tag<NotesAuth>()("@test/notes/NotesAuth", {
  failure: Unauthorized,
  provides: NotesCaller,
  security: { key: HttpApiSecurity.apiKey({ in: "header", key: "x-notes-key" }) }
}) {}

export const Note = Schema.Struct({ id: Schema.String, text: Schema.String, tags: Schema.Array(Schema.String) })

export class NotesApi extends HttpApi.make("notes").add(
  HttpApiGroup.make("notes")
    .add(
      HttpApiEndpoint.post("create", "/v1/notes")
        .setPayload(Schema.Struct({ text: Schema.String, tags: Schema.Array(Schema.String) }))
        .addSuccess(Note, { status: 201 })
    )
    .add(HttpApiEndpoint.get("list", "/v1/notes").addSuccess(Schema.Array(Note)))
    .addError(Failed)
    .middleware(NotesAuth)
) {}

// The server's folder: tables, handlers, and the dialect record.

const prefix = "/notes"
const mounted = NotesApi.prefix(prefix)
const answer = Dialect.answer(errors)

const migrations = {
  "0900_notes": statements(
    `CREATE TABLE notes_members (
      user_id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      created_at BIGINT NOT NULL
    )`,
    `CREATE TABLE notes_items (
      id TEXT PRIMARY KEY,
      org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      text TEXT NOT NULL,
      created_at BIGINT NOT NULL
    )`,
    `CREATE TABLE notes_tags (
      item_id TEXT NOT NULL REFERENCES notes_items(id) ON DELETE CASCADE,
      label TEXT NOT NULL,
      PRIMARY KEY (item_id, label)
    )`
  )
}

const AuthLive = Layer.effect(
  NotesAuth,
  Effect.map(Organizations, (organizations) =>
    NotesAuth.of({
      key: (key) =>
        organizations.authenticate("notes", Redacted.value(key)).pipe(
          Effect.orDie,
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(new ProjectsError.Unauthorized({ reason: "InvalidCredentials" })),
            onSome: (caller) => Effect.succeed({ orgId: caller.orgId })
          })),
          answer
        )
    }))
)

const HandlersLive = CompiledApi.group(mounted, "notes", (handlers) =>
  Effect.map(SqlClient.SqlClient, (sql) => {
    const tagsOf = (id: string) =>
      Effect.map(sql<{ label: string }>`SELECT label FROM notes_tags WHERE item_id = ${id} ORDER BY label`, (rows) =>
        rows.map((row) => row.label))
    return handlers
      .handle("create", ({ payload }) =>
        Effect.gen(function*() {
          const { orgId } = yield* NotesCaller
          const id = randomId()
          yield* sql`INSERT INTO notes_items (id, org_id, text, created_at)
            VALUES (${id}, ${orgId}, ${payload.text}, ${yield* Clock.currentTimeMillis})`
          for (const label of payload.tags) yield* sql`INSERT INTO notes_tags (item_id, label) VALUES (${id}, ${label})`
          return { id, text: payload.text, tags: yield* tagsOf(id) }
        }).pipe(answer))
      .handle("list", () =>
        Effect.gen(function*() {
          const { orgId } = yield* NotesCaller
          const items = yield* sql<{ id: string; text: string }>`SELECT id, text FROM notes_items
            WHERE org_id = ${orgId} ORDER BY created_at, id`
          return yield* Effect.forEach(items, (item) => Effect.map(tagsOf(item.id), (tags) => ({ ...item, tags })))
        }).pipe(answer))
  }))

/** Its tab in the Studio: the organization's notes, read through a schema of its own. */
const studio: DialectStudio = {
  title: "Notes",
  views: () =>
    Effect.map(SqlClient.SqlClient, (sql) => {
      const items = recordsOf(
        Schema.Struct({ id: Schema.String, text: Schema.String }),
        (row) => ({ id: row.id, title: row.text, inFlight: false, cells: { text: row.text } })
      )
      return [{
        description: { id: "notes", title: "Notes", layout: "table", columns: [{ key: "text", label: "Text", kind: "text" }] },
        list: (orgId: string) => items(sql`SELECT id, text FROM notes_items WHERE org_id = ${orgId} ORDER BY created_at, id`)
      }]
    })
}

export const dialect: Dialect.Dialect<undefined, "notes", "notes", "key"> = {
  name: "notes",
  prefix,
  contract: NotesApi,
  errors,
  migrations,
  credential: { field: "key" },
  issueCredential: () => `nk_${randomSecret()}`,
  credentialOf: (headers) => {
    const key = headers["x-notes-key"]
    return typeof key === "string" ? key : undefined
  },
  addMember: ({ now, orgId, userId }) =>
    Effect.flatMap(SqlClient.SqlClient, (sql) =>
      Effect.as(sql`INSERT INTO notes_members (user_id, org_id, created_at) VALUES (${userId}, ${orgId}, ${now})`, {})),
  tables: [
    { name: "notes_members", key: ["user_id"], owner: "org_id", keptOnReset: true },
    { name: "notes_items", key: ["id"], owner: "org_id" },
    { name: "notes_tags", key: ["item_id", "label"], owner: { column: "item_id", parent: "notes_items" } }
  ],
  studio,
  configKey: "notes",
  // Nothing to configure.
  layer: () => HandlersLive.pipe(Layer.provide(AuthLive)),
  banner: {
    url: (base) => `  notes       ${base}/notes`,
    demoCredential: (key) => `  demo notes key      ${key}`,
    tryIt: (base, key = "<notes key>") => [`  curl -s ${base}/notes/v1/notes -H "x-notes-key: ${key}"`]
  }
}
