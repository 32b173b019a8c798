/**
 * The control plane's handlers and its admin-token check.
 */
import * as CompiledApi from "./compiled/CompiledApi.js"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Crypto from "node:crypto"
import {
  AdminAuth,
  ControlBadRequest,
  ControlConflict,
  ControlInternal,
  ControlNotFound,
  ControlUnauthorized,
  HealthUnavailable,
  healthTimeoutMillis
} from "./ControlApi.js"
import { Database } from "./Database.js"
import { Organizations } from "./Organizations.js"
import type * as ServerApi from "./ServerApi.js"
import { Faults } from "./Faults.js"
import { Journal } from "./Journal.js"
import { Snapshots } from "./Snapshots.js"

/** The token that opens the control plane's admin routes. */
export class AdminToken extends Context.Tag("@projectkit/server/AdminToken")<AdminToken, Redacted.Redacted>() {}

/** What the health route reports. */
export class ServerInfo extends Context.Tag("@projectkit/server/ServerInfo")<ServerInfo, {
  readonly version: string
  readonly dialects: ReadonlyArray<string>
}>() {}

const internal = (cause: unknown) =>
  Effect.zipRight(
    Effect.logError("control plane failure", cause),
    Effect.fail(new ControlInternal({ error: "internal", message: "The server failed; see its log" }))
  )

const noSuchOrganization = (id: string) =>
  Effect.fail(new ControlNotFound({ error: "not_found", message: `No organization ${id}` }))

/** Constant-time comparison, so the admin token cannot be guessed byte by byte from timings. */
const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && Crypto.timingSafeEqual(x, y)
}

export const AdminAuthLive = Layer.effect(
  AdminAuth,
  Effect.map(AdminToken, (token) =>
    AdminAuth.of({
      admin: (sent) =>
        sameSecret(Redacted.value(sent), Redacted.value(token))
          ? Effect.void
          : Effect.fail(new ControlUnauthorized({ error: "unauthorized", message: "A valid admin token is required" }))
    }))
)

/** The control plane's handlers, group by group, for `api` (`ServerApi.control` of the registered dialects). */
export const layer = (api: ReturnType<typeof ServerApi.control>) => {
  const HealthLive = CompiledApi.group(api, "health", (handlers) =>
    Effect.gen(function*() {
      const database = yield* Database
      const info = yield* ServerInfo
      const sql = yield* SqlClient.SqlClient
      // Health says whether the storage answers, within a bounded time: an instance whose database
      // is gone answers 503, which a load balancer understands, instead of 200 and then 500s.
      const health = Effect.gen(function*() {
        const start = yield* Clock.currentTimeMillis
        const probe = yield* sql`SELECT 1 AS ok`.pipe(
          // A connection attempt cannot be interrupted: the answer must not wait for it to give up.
          Effect.disconnect,
          Effect.timeoutFail({
            duration: Duration.millis(healthTimeoutMillis),
            onTimeout: () => `no answer within ${healthTimeoutMillis} ms`
          }),
          Effect.mapError((error) => typeof error === "string" ? error : "the storage failed (see the log)"),
          Effect.tapError(() => Effect.logWarning("health: the storage does not answer")),
          Effect.either
        )
        const fields = {
          version: info.version,
          dialects: info.dialects,
          storage: database.kind,
          location: database.location,
          storageLatencyMs: (yield* Clock.currentTimeMillis) - start
        }
        return Either.isRight(probe)
          ? { status: "ok" as const, ...fields }
          : yield* Effect.fail(new HealthUnavailable({ status: "unavailable", ...fields, error: probe.left }))
      })
      return handlers.handle("health", () => health)
    }))

  const OrganizationsLive = CompiledApi.group(api, "organizations", (handlers) =>
    Effect.gen(function*() {
      const organizations = yield* Organizations
      const snapshots = yield* Snapshots
      return handlers
        .handle("createOrganization", ({ payload }) => Effect.catchAll(organizations.create(payload.name), internal))
        .handle("addMember", ({ path, urlParams }) =>
          organizations.addMember(path.id, urlParams).pipe(
            Effect.catchAll(internal),
            Effect.flatMap(Option.match({
              onNone: () => noSuchOrganization(path.id),
              onSome: Effect.succeed
            }))
          ))
        .handle("updateOrganization", ({ path, payload }) =>
          organizations.updateSettings(path.id, payload).pipe(
            Effect.catchAll(internal),
            Effect.flatMap(Option.match({ onNone: () => noSuchOrganization(path.id), onSome: Effect.succeed }))
          ))
        .handle("deleteOrganization", ({ path }) =>
          organizations.remove(path.id).pipe(
            Effect.catchAll(internal),
            Effect.flatMap((removed) => removed ? Effect.void : noSuchOrganization(path.id))
          ))
        .handle("resetOrganization", ({ path }) =>
          snapshots.empty(path.id).pipe(
            Effect.catchAll(internal),
            Effect.flatMap((emptied) => emptied ? Effect.void : noSuchOrganization(path.id))
          ))
        .handle("reset", () => Effect.catchAll(organizations.reset, internal))
    }))

  const SnapshotsLive = CompiledApi.group(api, "snapshots", (handlers) =>
    Effect.map(Snapshots, (snapshots) =>
      handlers
        .handle("exportState", ({ urlParams }) =>
          snapshots.exportState(urlParams.org).pipe(
            Effect.catchAll(internal),
            Effect.flatMap((snapshot) =>
              snapshot === undefined ? noSuchOrganization(urlParams.org ?? "") : Effect.succeed(snapshot)
            )
          ))
        .handle("importState", ({ payload }) =>
          snapshots.importState(payload).pipe(
            Effect.catchTags({
              SnapshotInvalid: (error) => Effect.fail(new ControlBadRequest({ error: "bad_request", message: error.message })),
              SnapshotConflict: (error) => Effect.fail(new ControlConflict({ error: "conflict", message: error.message })),
              SqlError: internal
            })
          ))))

  const JournalLive = CompiledApi.group(api, "journal", (handlers) =>
    Effect.map(Journal, (journal) =>
      handlers
        .handle("listRequests", ({ urlParams }) =>
          Effect.sync(() => ({
            enabled: journal.enabled(),
            requests: journal.list({
              organization: urlParams.org,
              dialect: urlParams.dialect,
              method: urlParams.method,
              path: urlParams.path,
              limit: urlParams.limit
            })
          })))
        .handle("clearRequests", () => Effect.sync(() => journal.clear()))
        .handle("journalSettings", () => Effect.sync(() => journal.settings()))
        .handle("configureJournal", ({ payload }) => Effect.sync(() => journal.configure(payload)))))

  const FaultsLive = CompiledApi.group(api, "faults", (handlers) =>
    Effect.gen(function*() {
      const info = yield* ServerInfo
      const faults = yield* Faults
      return handlers
        .handle("addFault", ({ payload }) => {
          if (!info.dialects.includes(payload.dialect)) {
            return Effect.fail(new ControlBadRequest({
              error: "bad_request",
              message: `dialect: "${payload.dialect}" is none of ${info.dialects.join(", ")}`
            }))
          }
          if (payload.status === undefined && payload.latencyMs === undefined) {
            return Effect.fail(new ControlBadRequest({
              error: "bad_request",
              message: "A fault needs a status to answer, a latencyMs to wait, or both"
            }))
          }
          return Effect.sync(() => faults.add(payload))
        })
        .handle("listFaults", ({ urlParams }) => Effect.sync(() => ({ faults: faults.list(urlParams.org) })))
        .handle("clearFaults", ({ urlParams }) => Effect.sync(() => faults.clear(urlParams.org)))
        .handle("deleteFault", ({ path }) =>
          faults.remove(path.id)
            ? Effect.void
            : Effect.fail(new ControlNotFound({ error: "not_found", message: `No fault ${path.id}` })))
    }))

  return Layer.mergeAll(HealthLive, OrganizationsLive, SnapshotsLive, JournalLive, FaultsLive)
}
