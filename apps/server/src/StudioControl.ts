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
import type { Caller } from "./Organizations.js"
import { ServerApi } from "./ServerApi.js"
import { StudioEvents } from "./StudioEvents.js"
import type { DialectViews, OrganizationSummary, RecordInput } from "./StudioSchemas.js"
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

/**
 * The Studio's service over `dialects` (each that declares a `studio`, its views built here with
 * `config`): what the routes answer, failing with the control plane's errors.
 */
export const make = (dialects: ReadonlyArray<Dialect.Dialect>, config: Readonly<Record<string, unknown>> = {}) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient

    const built: Array<BuiltDialect> = []
    for (const dialect of dialects) {
      if (dialect.studio === undefined) continue
      built.push({ name: dialect.name, title: dialect.studio.title, views: yield* dialect.studio.views(config[dialect.configKey]) })
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

    return {
      /** Every dialect's views, as each describes them. */
      views: { served: dialects.map((dialect) => dialect.name), dialects: described },
      organizations: Effect.map(organizations(), (list) => ({ organizations: list })).pipe(Effect.catchAll(internal)),
      /** One organization's records in one dialect's views. */
      viewData: (orgId: string, dialectName: string) =>
        Effect.gen(function*() {
          const dialect = yield* dialectNamed(dialectName)
          const [organization] = yield* organizations(orgId)
          if (organization === undefined) return yield* notFound(`No organization ${orgId}`)
          const views = yield* Effect.forEach(dialect.views, (view) =>
            Effect.map(view.list(orgId), (records) => ({ id: view.description.id, records })))
          return { organization, dialect: dialect.name, views }
        }).pipe(Effect.catchTags({ SqlError: internal, ParseError: internal })),
      create: (orgId: string, dialectName: string, viewId: string, input: RecordInput) =>
        Effect.gen(function*() {
          const view = yield* viewNamed(dialectName, viewId)
          if (view.create === undefined) return yield* noSuchAction(view, "creation")
          const caller = yield* firstUser(orgId)
          if (Option.isNone(caller)) return yield* notFound(`No organization ${orgId}`)
          return yield* view.create(caller.value, input)
        }).pipe(Effect.catchTags({ SqlError: internal, Validation: (error) => badRequest(error.message) })),
      rename: (orgId: string, dialectName: string, viewId: string, id: string, name: string) =>
        Effect.gen(function*() {
          const view = yield* viewNamed(dialectName, viewId)
          if (view.rename === undefined) return yield* noSuchAction(view, "renaming")
          return yield* view.rename(orgId, id, name).pipe(
            Effect.catchTag("NotFound", () => noSuchRecord(orgId, view, id))
          )
        }).pipe(Effect.catchTags({ SqlError: internal, Validation: (error) => badRequest(error.message) })),
      remove: (orgId: string, dialectName: string, viewId: string, id: string) =>
        Effect.gen(function*() {
          const view = yield* viewNamed(dialectName, viewId)
          if (view.remove === undefined) return yield* noSuchAction(view, "deletion")
          yield* view.remove(orgId, id).pipe(Effect.catchTag("NotFound", () => noSuchRecord(orgId, view, id)))
        }).pipe(Effect.catchTag("SqlError", internal))
    }
  })

/** The Studio's routes over `dialects`, configured with `config`. */
export const layer = (dialects: ReadonlyArray<Dialect.Dialect>, config: Readonly<Record<string, unknown>> = {}) =>
  CompiledApi.group(ServerApi, "studio", (handlers) =>
    Effect.gen(function*() {
      const studio = yield* make(dialects, config)
      const events = yield* StudioEvents
      return handlers
        .handle("listOrganizations", () => studio.organizations)
        .handle("listViews", () => Effect.succeed(studio.views))
        .handle("viewData", ({ path }) => studio.viewData(path.id, path.dialect))
        .handle("createRecord", ({ path, payload }) => studio.create(path.id, path.dialect, path.view, payload))
        .handle("renameRecord", ({ path, payload }) =>
          studio.rename(path.id, path.dialect, path.view, path.record, payload.name))
        .handle("deleteRecord", ({ path }) => studio.remove(path.id, path.dialect, path.view, path.record))
        .handle("studioEventsTicket", () => Effect.sync(() => events.issueTicket()))
    }))
