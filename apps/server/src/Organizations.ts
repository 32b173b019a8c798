/**
 * Tenancy: organizations and their credentials, one credential per dialect in that dialect's own
 * form. Every emulated route resolves its caller to an organization here first, and every query
 * after that is confined to it.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as ControlSchemas from "./ControlSchemas.js"
import type { OrganizationSettings } from "./ControlSchemas.js"
import * as Dialect from "./Dialect.js"
import type * as Dialects from "./dialects/index.js"
import { hashSecret, randomId, randomSecret } from "./internal/ids.js"
import { Revocations } from "./Revocations.js"

export type { OrganizationSettings } from "./ControlSchemas.js"

/** A user's credentials: one per registered dialect, typed as the listed ones' (`dialects/index.ts`). */
export type Credentials = Dialects.Credentials

/** An organization as made, with its first user's credentials (shown only now: they are stored hashed). */
export type Organization = ControlSchemas.Organization<Credentials>

/** Another user of an organization, with credentials of their own and each dialect's member fields. */
export type Member = ControlSchemas.Member<Credentials>

/**
 * A dialect's name, as credentials are filed under it: the name of a registered dialect
 * (`Dialect.Dialects`; `dialects/index.ts` by default, and whatever a test registers besides).
 */
export type DialectName = Dialect.Dialect["name"]

/** Who is calling: an organization, and the user whose credential it is. */
export interface Caller {
  readonly orgId: string
  readonly userId: string
}

/** A caller as authentication finds it, with what the organization may do. */
export interface Authenticated extends Caller {
  /** The organization's switches (`Dialect.settings`), by name: e.g. whether it may use a dialect's routes. */
  readonly settings: Readonly<Record<string, boolean>>
}

export interface OrganizationsService {
  readonly create: (name: string) => Effect.Effect<Organization, SqlError>
  /**
   * A new user of the organization with their own credentials; none if there is no such
   * organization. `options` are the dialects' member options (`Dialect.memberFields`).
   */
  readonly addMember: (
    orgId: string,
    options?: Readonly<Record<string, unknown>>
  ) => Effect.Effect<Option.Option<Member>, SqlError>
  /** The caller a credential of `dialect` belongs to, if any. */
  readonly authenticate: (dialect: DialectName, secret: string) => Effect.Effect<Option.Option<Authenticated>, SqlError>
  /**
   * `lookup`, a dialect's own resolution of its credentials to callers (e.g. a person's role,
   * project tokens), behind a cache like `authenticate`'s: what it finds is kept as long, and
   * forgotten with everything else whenever credentials change. Each call makes a cache of its own:
   * call it once, when the dialect's authentication is built.
   */
  readonly cachedLookup: <A>(
    lookup: (secret: string) => Effect.Effect<Option.Option<A>, SqlError>
  ) => (secret: string) => Effect.Effect<Option.Option<A>, SqlError>
  /**
   * `change`, a change to credentials made outside this module (a dialect's project token deleted,
   * alone or with its project), with every cached credential forgotten as for this module's own
   * changes, so the next request on this instance sees it.
   */
  readonly changingCredentials: <A, E, R>(change: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /**
   * Changes the organization's switches (`Dialect.settings`, by name; those left out stay) and
   * answers them all; none if there is no such organization.
   */
  readonly updateSettings: (
    orgId: string,
    settings: Readonly<Record<string, boolean | undefined>>
  ) => Effect.Effect<Option.Option<OrganizationSettings>, SqlError>
  /** The secret that signs this organization's webhooks. */
  readonly webhookSecret: (orgId: string) => Effect.Effect<Option.Option<string>, SqlError>
  /**
   * The demo organization the start banner shows: the oldest one, its first user's credentials
   * issued anew (credentials are stored hashed, so earlier ones cannot be shown again, and stop
   * working); `name` made on the first start.
   */
  readonly demo: (name: string) => Effect.Effect<Organization, SqlError>
  /** Deletes every organization and, through the cascades, everything they own. */
  readonly reset: Effect.Effect<void, SqlError>
  /** Deletes one organization and, through the cascades, everything it owns; false if there is none. */
  readonly remove: (orgId: string) => Effect.Effect<boolean, SqlError>
}

export class Organizations extends Context.Tag("@projectkit/server/Organizations")<
  Organizations,
  OrganizationsService
>() {}

/**
 * How long a credential this instance has resolved is trusted without asking the database again:
 * authenticating is a statement per request otherwise, a large share of a GET's cost. This
 * instance forgets every entry at once whenever it changes organizations or credentials itself
 * (create, add member, runtime access, reset), so here a change is seen by the next request; other
 * instances sharing a PostgreSQL database are told before the change is acknowledged
 * (`Revocations`). Only found credentials are kept, so a new one works at once everywhere.
 */
export const authenticationTtlMillis = 1_000
/** Past this many entries the cache starts over, so a flood of distinct keys cannot grow it without bound. */
const authenticationCacheSize = 10_000

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const dialects = yield* Dialect.Dialects
  // Every switch a dialect reads: its name, and its column of `organizations`.
  const switches = dialects.flatMap((dialect) => Object.entries(dialect.settings ?? {}))
  const settingsOf = (row: Readonly<Record<string, unknown>>): Record<string, boolean> =>
    Object.fromEntries(switches.map(([name, column]) => [name, Number(row[column]) === 1 || row[column] === true]))
  const revocations = yield* Revocations
  // What dialects keep outside the database (files beside a SQLite file) goes with the
  // organizations. The server always provides it; a test of this module alone may not need it.
  const outside = Option.getOrElse(yield* Effect.serviceOption(Dialect.Outside), () => [])
  const removedOutside = (orgId: string | undefined) => Effect.forEach(outside, (data) => data.removed(orgId), { discard: true })
  // Every cache of found credentials (`authenticate`'s and each `cachedLookup`'s), forgotten together.
  const caches = new Set<Map<string, unknown>>()
  // Bumped by every change: a lookup that began before a change does not store what it read.
  let generation = 0
  const forgetAll = () => {
    generation++
    for (const cache of caches) cache.clear()
  }
  const invalidate = Effect.sync(forgetAll)
  // Another instance's change (or a lost announcement channel) empties this instance's caches too.
  revocations.onRevoked(forgetAll)
  /** A cache of found credentials: `lookup` (made only on a miss) for `key`, its finding kept for a while. */
  const cache = <A>() => {
    const entries = new Map<string, { readonly found: A; readonly until: number }>()
    caches.add(entries)
    return (key: string, lookup: () => Effect.Effect<Option.Option<A>, SqlError>) =>
      // The clock read in this step (`Clock.currentTimeMillis` would take three: issue 28).
      Effect.clockWith((clock) => {
        const now = clock.unsafeCurrentTimeMillis()
        const usable = revocations.cacheUsable()
        // A cache no announcement can reach (PostgreSQL, not listening) is not used.
        const hit = usable ? entries.get(key) : undefined
        if (hit !== undefined && hit.until > now) return Effect.succeed(Option.some(hit.found))
        const started = generation
        return Effect.tap(lookup(), (found) => {
          if (!usable || Option.isNone(found) || generation !== started) return
          if (entries.size >= authenticationCacheSize) entries.clear()
          entries.set(key, { found: found.value, until: now + authenticationTtlMillis })
        })
      })
  }
  const authenticated = cache<Authenticated>()
  // Before (nothing read before the change is served after it) and after (nor read during it);
  // announced to every instance before the change is acknowledged (see `Revocations`).
  const forget = <A, E, R>(change: Effect.Effect<A, E, R>) =>
    Effect.ensuring(Effect.zipRight(invalidate, change), Effect.zipRight(invalidate, revocations.announce))
  const lookup = (dialect: DialectName, secret: string) =>
    Effect.map(
      // `o.*`: the organization's switches are columns its dialects' migrations add.
      sql<{ cred_org_id: string; cred_user_id: string }>`SELECT c.org_id AS cred_org_id, c.user_id AS cred_user_id, o.*
        FROM credentials c JOIN organizations o ON o.id = c.org_id
        WHERE c.secret_hash = ${hashSecret(secret)} AND c.dialect = ${dialect}`,
      (rows): Option.Option<Authenticated> =>
        Option.map(Option.fromNullable(rows[0]), (row) => ({
          orgId: row.cred_org_id,
          userId: row.cred_user_id,
          settings: settingsOf(row)
        }))
    )
  /** One credential per dialect for `userId`, stored hashed: the returned secrets are all there will ever be. */
  const issueKeys = (orgId: string, userId: string, now: number) =>
    Effect.gen(function*() {
      const credentials: Record<string, Record<string, string>> = {}
      for (const dialect of dialects) {
        const secret = dialect.issueCredential()
        credentials[dialect.name] = { [dialect.credential.field]: secret }
        yield* sql`INSERT INTO credentials (secret_hash, org_id, dialect, user_id, created_at)
          VALUES (${hashSecret(secret)}, ${orgId}, ${dialect.name}, ${userId}, ${now})`
      }
      // Issued for every registered dialect: the listed ones, and any a test registers besides.
      return credentials as Record<string, Record<string, string>> as Credentials
    })
  /**
   * A new user of `orgId`: credentials in every dialect, and the rows each dialect keeps of its
   * users (`Dialect.addMember`), answered with the member fields they settled.
   */
  const issueCredentials = (member: Omit<Dialect.NewMember, "now">) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const credentials = yield* issueKeys(member.orgId, member.userId, now)
      const fields: Record<string, unknown> = {}
      for (const dialect of dialects) {
        if (dialect.addMember !== undefined) {
          Object.assign(fields, yield* Effect.provideService(dialect.addMember({ ...member, now }), SqlClient.SqlClient, sql))
        }
      }
      return { credentials, fields }
    })

  const service: OrganizationsService = {
    create: (name) =>
      forget(sql.withTransaction(Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const id = randomId()
        const webhookSecret = `whsec_${randomSecret()}`
        yield* sql`INSERT INTO organizations (id, name, webhook_secret, created_at)
          VALUES (${id}, ${name}, ${webhookSecret}, ${now})`
        const { credentials } = yield* issueCredentials({ orgId: id, userId: randomId(), first: true, options: {} })
        return { id, name, credentials, webhookSecret }
      }))),
    addMember: (orgId, options = {}) =>
      forget(sql.withTransaction(Effect.gen(function*() {
        const exists = yield* sql`SELECT id FROM organizations WHERE id = ${orgId}`
        if (exists.length === 0) return Option.none()
        const userId = randomId()
        const { credentials, fields } = yield* issueCredentials({ orgId, userId, first: false, options })
        const member: Member = { userId, organizationId: orgId, credentials, ...fields }
        return Option.some(member)
      }))),
    authenticate: (dialect, secret) => authenticated(`${dialect}:${secret}`, () => lookup(dialect, secret)),
    cachedLookup: <A>(lookup: (secret: string) => Effect.Effect<Option.Option<A>, SqlError>) => {
      const found = cache<A>()
      return (secret: string) => found(secret, () => lookup(secret))
    },
    changingCredentials: forget,
    updateSettings: (orgId, settings) => {
      const columns: Record<string, number> = {}
      for (const [name, column] of switches) {
        const value = settings[name]
        if (value !== undefined) columns[column] = value ? 1 : 0
      }
      const changed = Object.keys(columns).length === 0
        ? sql<Record<string, unknown>>`SELECT * FROM organizations WHERE id = ${orgId}`
        : sql<Record<string, unknown>>`UPDATE organizations SET ${sql.update(columns)} WHERE id = ${orgId} RETURNING *`
      return forget(Effect.map(
        changed,
        (rows) => Option.map(Option.fromNullable(rows[0]), (row): OrganizationSettings => ({ id: orgId, ...settingsOf(row) }))
      ))
    },
    webhookSecret: (orgId) =>
      Effect.map(
        sql<{ webhook_secret: string }>`SELECT webhook_secret FROM organizations WHERE id = ${orgId}`,
        (rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.webhook_secret)
      ),
    demo: (name) =>
      forget(sql.withTransaction(Effect.gen(function*() {
        const first = yield* sql<{ id: string; name: string; webhook_secret: string; user_id: string }>`
          SELECT o.id, o.name, o.webhook_secret, c.user_id FROM organizations o
          JOIN credentials c ON c.org_id = o.id
          ORDER BY o.created_at, o.id, c.created_at, c.user_id LIMIT 1`
        const org = first[0]
        if (org === undefined) return yield* service.create(name)
        // Its first user's credentials, issued anew: only their hashes were kept.
        yield* sql`DELETE FROM credentials WHERE org_id = ${org.id} AND user_id = ${org.user_id}`
        const credentials = yield* issueKeys(org.id, org.user_id, yield* Clock.currentTimeMillis)
        return { id: org.id, name: org.name, credentials, webhookSecret: org.webhook_secret }
      }))),
    reset: Effect.zipRight(forget(Effect.asVoid(sql`DELETE FROM organizations`)), removedOutside(undefined)),
    remove: (orgId) =>
      Effect.tap(
        forget(Effect.map(sql`DELETE FROM organizations WHERE id = ${orgId} RETURNING id`, (rows) => rows.length > 0)),
        (removed) => removed ? removedOutside(orgId) : Effect.void
      )
  }
  return service
})

/** Organizations, told of other instances' revocations by `Revocations` (provided by the caller). */
export const layer = Layer.effect(Organizations, make)
