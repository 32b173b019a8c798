/**
 * The handlers of `StudioApi`: organizations listed, and every registered dialect's Studio views
 * (`Dialect.studio`) served — described, filled with one organization's records, and their
 * records created, renamed and deleted through the view's own actions, which go through the
 * dialect's own store as a user of the organization would over the API (so the API sees every
 * change at once). This module knows no dialect by name: it loops over the ones it is given.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as CompiledApi from "./compiled/CompiledApi.js"
import { ControlBadRequest, ControlInternal, ControlNotFound } from "./ControlApi.js"
import type * as Dialect from "./Dialect.js"
import type { DialectsConfig } from "./dialects/index.js"
import type { Caller } from "./Organizations.js"
import { ServerApi } from "./ServerApi.js"
import { StudioEvents } from "./StudioEvents.js"
import type { DialectViews, OrganizationSummary } from "./StudioModel.js"
import type { StudioView } from "./StudioView.js"

const internal = (cause: unknown) =>
  Effect.zipRight(
    Effect.logError("studio control failure", cause),
    Effect.fail(new ControlInternal({ error: "internal", message: "The server failed; see its log" }))
  )

const notFound = (message: string) => Effect.fail(new ControlNotFound({ error: "not_found", message }))

const badRequest = (message: string) => Effect.fail(new ControlBadRequest({ error: "bad_request", message }))

interface OrganizationRow {
  readonly id: string
  readonly name: string
  readonly created_at: number | string
  readonly members: number | string
}

const summary = (row: OrganizationRow): OrganizationSummary => ({
  id: row.id,
  name: row.name,
  createdAt: Number(row.created_at),
  members: Number(row.members)
})

/** One dialect's tab, its views built. */
interface BuiltDialect {
  readonly name: string
  readonly title: string
  readonly views: ReadonlyArray<StudioView>
}

/** The Studio's routes over `dialects` (each that declares a `studio`), configured with `config`. */
export const layer = (dialects: ReadonlyArray<Dialect.Dialect>, config: DialectsConfig = {}) =>
  CompiledApi.group(ServerApi, "studio", (handlers) =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const events = yield* StudioEvents

      const built: Array<BuiltDialect> = []
      for (const dialect of dialects) {
        if (dialect.studio === undefined) continue
        built.push({ name: dialect.name, title: dialect.studio.title, views: yield* dialect.studio.views(config) })
      }
      const described: ReadonlyArray<DialectViews> = built.map((dialect) => ({
        dialect: dialect.name,
        title: dialect.title,
        views: dialect.views.map((view) => view.description)
      }))

      // An organization's users are the holders of its credentials, whichever dialect issued them.
      const organizations = (id?: string) =>
        Effect.map(
          sql<OrganizationRow>`SELECT o.id, o.name, o.created_at,
              (SELECT COUNT(DISTINCT c.user_id) FROM credentials c WHERE c.org_id = o.id) AS members
            FROM organizations o ${id === undefined ? sql`` : sql`WHERE o.id = ${id}`}
            ORDER BY o.created_at, o.id`,
          (rows) => rows.map(summary)
        )

      /** The organization's first user: who makes the records created in the Studio. */
      const firstUser = (orgId: string) =>
        Effect.map(
          sql<{ user_id: string }>`SELECT user_id FROM credentials WHERE org_id = ${orgId}
            ORDER BY created_at, user_id LIMIT 1`,
          (rows) => Option.map(Option.fromNullable(rows[0]), (row): Caller => ({ orgId, userId: row.user_id }))
        )

      const dialectNamed = (name: string) =>
        Option.match(Option.fromNullable(built.find((dialect) => dialect.name === name)), {
          onNone: () => notFound(`No dialect ${name} has views in the Studio`),
          onSome: Effect.succeed
        })

      const viewNamed = (dialectName: string, id: string) =>
        Effect.flatMap(dialectNamed(dialectName), (dialect) =>
          Option.match(Option.fromNullable(dialect.views.find((view) => view.description.id === id)), {
            onNone: () => notFound(`No view ${id} in the ${dialect.title} tab`),
            onSome: Effect.succeed
          }))

      const noSuchRecord = (orgId: string, view: StudioView, id: string) =>
        notFound(`No ${view.description.title.toLowerCase()} record ${id} in organization ${orgId}`)

      const noSuchAction = (view: StudioView, action: string) =>
        notFound(`The ${view.description.title} view offers no ${action}`)

      return handlers
        .handle("listOrganizations", () =>
          Effect.map(organizations(), (list) => ({ organizations: list })).pipe(Effect.catchAll(internal)))
        .handle("listViews", () => Effect.succeed({ dialects: described }))
        .handle("viewData", ({ path }) =>
          Effect.gen(function*() {
            const dialect = yield* dialectNamed(path.dialect)
            const [organization] = yield* organizations(path.id)
            if (organization === undefined) return yield* notFound(`No organization ${path.id}`)
            const views = yield* Effect.forEach(dialect.views, (view) =>
              Effect.map(view.list(path.id), (records) => ({ id: view.description.id, records })))
            return { organization, dialect: dialect.name, views }
          }).pipe(Effect.catchTags({ SqlError: internal, ParseError: internal })))
        .handle("createRecord", ({ path, payload }) =>
          Effect.gen(function*() {
            const view = yield* viewNamed(path.dialect, path.view)
            if (view.create === undefined) return yield* noSuchAction(view, "creation")
            const caller = yield* firstUser(path.id)
            if (Option.isNone(caller)) return yield* notFound(`No organization ${path.id}`)
            return yield* view.create(caller.value, payload)
          }).pipe(Effect.catchTags({ SqlError: internal, Validation: (error) => badRequest(error.message) })))
        .handle("renameRecord", ({ path, payload }) =>
          Effect.gen(function*() {
            const view = yield* viewNamed(path.dialect, path.view)
            if (view.rename === undefined) return yield* noSuchAction(view, "renaming")
            return yield* view.rename(path.id, path.record, payload.name).pipe(
              Effect.catchTag("NotFound", () => noSuchRecord(path.id, view, path.record))
            )
          }).pipe(Effect.catchTags({ SqlError: internal, Validation: (error) => badRequest(error.message) })))
        .handle("deleteRecord", ({ path }) =>
          Effect.gen(function*() {
            const view = yield* viewNamed(path.dialect, path.view)
            if (view.remove === undefined) return yield* noSuchAction(view, "deletion")
            yield* view.remove(path.id, path.record).pipe(
              Effect.catchTag("NotFound", () => noSuchRecord(path.id, view, path.record))
            )
          }).pipe(Effect.catchTag("SqlError", internal)))
        .handle("studioEventsTicket", () => Effect.sync(() => events.issueTicket()))
    }))
