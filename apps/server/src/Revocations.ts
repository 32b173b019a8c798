/**
 * Revocation seen by every instance at once (issue 29). Each instance keeps the credentials it has
 * resolved for a moment (`Organizations`); a change that withdraws a credential or a right (a token
 * or robot deleted, an organization reset or deleted, runtime access withdrawn, a role changed) must
 * reach every instance's cache before it is acknowledged. On PostgreSQL, where several instances
 * share one database, the change is announced with `NOTIFY` on a channel all of them `LISTEN` on.
 * Each instance drops its caches whole when an announcement reaches it and then acknowledges it on
 * a second channel; the announcing instance waits for an acknowledgement from every listening
 * connection it counted before announcing (its own included). PostgreSQL handing the announcement
 * to a connection is not enough: the other process may not have read it yet when the announcing
 * one answers, and its next request would still find the cache. Every instance drops its caches and again whenever its listening connection is lost and made again
 * (what was announced meanwhile is unknown); while it is not listening, its caches are not used.
 * On SQLite several processes may share one file: there each check of a cache first asks the
 * connection whether another one has committed since (`PRAGMA data_version`, answered from memory),
 * and drops the caches whole if so; in memory, one process owns the data and nothing is needed.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type Pg from "pg"
import { randomId } from "./internal/ids.js"
import { isPostgresUrl } from "./internal/location.js"
import * as Sqlite from "./internal/sqlite.js"

export interface RevocationsService {
  /**
   * Tells every instance, this one included, to forget the credentials it has cached; done once
   * every listening instance has been handed the announcement (or it could not be: then no
   * instance uses its cache until it listens again).
   */
  readonly announce: Effect.Effect<void>
  /**
   * Whether a cache of credentials may be used now: on PostgreSQL, only while listening; on a
   * SQLite file, always, after dropping it if another process has written to the file since.
   */
  readonly cacheUsable: () => boolean
  /** `forget` runs on every announcement, and whenever listening stops or starts again. */
  readonly onRevoked: (forget: () => void) => void
}

export class Revocations extends Context.Tag("@projectkit/server/Revocations")<Revocations, RevocationsService>() {}

/** The channel every instance sharing a database listens on. */
export const channel = "projectkit_revocations"

/** Where each instance says it has dropped its caches for an announcement: `<announcement>|<instance>`. */
export const acknowledgements = "projectkit_revocations_ack"

/** The `application_name` of each instance's listening connection (as `pg_stat_activity` shows it). */
export const listenerName = "projectkit-revocations"

/** How long an announcement waits for every acknowledgement before giving up on it. */
const acknowledgementTimeout = Duration.seconds(2)
/** How soon a lost listening connection is made again. */
const reconnectDelay = Duration.millis(100)

/** One process owns the data (SQLite in memory): nothing to tell anyone. */
export const layerLocal: Layer.Layer<Revocations> = Layer.succeed(Revocations, {
  announce: Effect.void,
  cacheUsable: () => true,
  onRevoked: () => undefined
})

/**
 * A SQLite file other processes may write too: a commit by any of them changes the connection's
 * `data_version`, and then every cache is dropped before it is used.
 */
export const layerSqliteFile: Layer.Layer<Revocations, never, SqlClient.SqlClient> = Layer.effect(
  Revocations,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const forgetters: Array<() => void> = []
    let seen: number | undefined
    // Read synchronously, from memory, on every authenticated request: a client without that
    // access (not this server's own) gets no cache rather than a statement per request.
    const direct = Option.getOrUndefined(Sqlite.direct(sql))
    const cacheUsable = () => {
      if (direct === undefined) return false
      let version = Number.NaN
      try {
        version = direct.dataVersion()
      } catch {
        // A file that cannot say whether it changed cannot be trusted to have not.
      }
      if (version !== seen) {
        seen = version
        for (const forget of forgetters) forget()
      }
      return Number.isFinite(version)
    }
    return { announce: Effect.void, cacheUsable, onRevoked: (forget) => void forgetters.push(forget) }
  })
)

/** Announcements over PostgreSQL's `NOTIFY`, heard on a connection of its own to `url`. */
export const layerPg = (url: string): Layer.Layer<Revocations> =>
  Layer.scoped(
    Revocations,
    Effect.gen(function*() {
      // Imported here, not at the top: a server on SQLite never loads `pg` (idle memory, issue 28).
      const { default: PgModule } = yield* Effect.promise(() => import("pg"))
      const instance = randomId()
      const forgetters: Array<() => void> = []
      const forgetAll = () => {
        for (const forget of forgetters) forget()
      }
      /** Each announcement waiting for acknowledgements: how many, and from which instances so far. */
      const waiting = new Map<string, { readonly expected: number; readonly from: Set<string>; readonly done: Deferred.Deferred<void> }>()
      let current: Pg.Client | undefined
      let listening = false
      let sequence = 0

      const acknowledged = (payload: string) => {
        const separator = payload.lastIndexOf("|")
        const pending = waiting.get(payload.slice(0, separator))
        if (pending === undefined) return
        pending.from.add(payload.slice(separator + 1))
        if (pending.from.size >= pending.expected) Deferred.unsafeDone(pending.done, Effect.void)
      }

      /** One listening connection, until it is lost. */
      const listenOnce = Effect.async<void>((resume) => {
        const client = new PgModule.Client({ connectionString: url, application_name: listenerName })
        current = client
        let ended = false
        const end = () => {
          if (ended) return
          ended = true
          listening = false
          if (current === client) current = undefined
          // What was announced while not listening is unknown: forget everything.
          forgetAll()
          resume(Effect.void)
        }
        client.on("notification", (message) => {
          const payload = message.payload ?? ""
          if (message.channel === acknowledgements) return acknowledged(payload)
          forgetAll()
          // Dropped: say so, whoever announced it.
          client.query("SELECT pg_notify($1, $2)", [acknowledgements, `${payload}|${instance}`]).catch(() => undefined)
        })
        client.on("error", () => void client.end().catch(() => undefined).finally(end))
        client.on("end", end)
        client.connect()
          .then(() => client.query(`LISTEN ${channel}; LISTEN ${acknowledgements}`))
          .then(() => {
            // Listening again: whatever was cached before may have been revoked meanwhile.
            forgetAll()
            listening = true
          })
          .catch(() => void client.end().catch(() => undefined).finally(end))
        return Effect.sync(() => {
          ended = true
          listening = false
          void client.end().catch(() => undefined)
        })
      })
      yield* Effect.forkScoped(Effect.forever(Effect.zipRight(listenOnce, Effect.sleep(reconnectDelay))))

      const announce = Effect.suspend(() => {
        const payload = `${instance}:${++sequence}`
        return Effect.gen(function*() {
          // Dropped at once here too, whether or not the acknowledgements come.
          forgetAll()
          const client = current
          if (client === undefined || !listening) return
          // Every listening connection now; one that starts listening later drops its caches then.
          const counted = yield* Effect.either(Effect.tryPromise(() =>
            client.query<{ listeners: number }>(
              "SELECT count(*)::int AS listeners FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
              [listenerName]
            )
          ))
          if (counted._tag === "Left") return
          const done = yield* Deferred.make<void>()
          waiting.set(payload, { expected: Math.max(1, counted.right.rows[0]?.listeners ?? 1), from: new Set(), done })
          const sent = yield* Effect.either(Effect.tryPromise(() => client.query("SELECT pg_notify($1, $2)", [channel, payload])))
          if (sent._tag === "Left") return
          // Not all heard back in time: a listener in trouble drops everything when it goes, and
          // one connected but not yet listening uses no cache until it listens.
          yield* Effect.timeoutOption(Deferred.await(done), acknowledgementTimeout)
        }).pipe(Effect.ensuring(Effect.sync(() => waiting.delete(payload))))
      })

      return {
        announce,
        cacheUsable: () => listening,
        onRevoked: (forget) => void forgetters.push(forget)
      }
    })
  )

/** The revocations for the database `location` names (see `Database.layer`). */
export const layer = (location: string): Layer.Layer<Revocations, never, SqlClient.SqlClient> =>
  isPostgresUrl(location) ? layerPg(location) : location === ":memory:" ? layerLocal : layerSqliteFile
