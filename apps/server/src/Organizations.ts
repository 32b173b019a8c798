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
import * as Schema from "effect/Schema"
import { editorKey, hashSecret, randomId, randomSecret, sanityToken, syncKey } from "./internal/ids.js"

export const Credentials = Schema.Struct({
  sync: Schema.Struct({ apiKey: Schema.String }),
  editor: Schema.Struct({ apiKey: Schema.String }),
  /** A Sanity bearer token of the user, who is a member of the organization's Sanity projects with `sanityRole`. */
  sanity: Schema.Struct({ token: Schema.String })
})
export type Credentials = typeof Credentials.Type

export type Dialect = keyof Credentials

/** The role a user holds in the organization's Sanity projects (REC, DOC role names). */
export const SanityRole = Schema.Literal("administrator", "developer", "editor", "viewer")
export type SanityRole = typeof SanityRole.Type

export const Organization = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  credentials: Credentials,
  /** Signs the organization's webhooks (see Webhooks.ts): receivers verify with it. */
  webhookSecret: Schema.String
})
export type Organization = typeof Organization.Type

/** Another user of an organization, with credentials of their own. */
export const Member = Schema.Struct({
  userId: Schema.String,
  organizationId: Schema.String,
  credentials: Credentials,
  sanityRole: SanityRole
})
export type Member = typeof Member.Type

/** Who is calling: an organization, and the user whose credential it is. */
export interface Caller {
  readonly orgId: string
  readonly userId: string
}

/** A caller as authentication finds it, with what the organization may do. */
export interface Authenticated extends Caller {
  /** Whether the organization may use the editor's project routes (SEED: runtime OpenAPI access). */
  readonly editorRuntimeAccess: boolean
}

/** What the control plane may change of an organization. */
export const OrganizationSettings = Schema.Struct({
  id: Schema.String,
  editorRuntimeAccess: Schema.Boolean
})
export type OrganizationSettings = typeof OrganizationSettings.Type

export interface OrganizationsService {
  readonly create: (name: string) => Effect.Effect<Organization, SqlError>
  /** A new user of the organization with their own credentials; none if there is no such organization. */
  readonly addMember: (
    orgId: string,
    options?: { readonly sanityRole?: SanityRole | undefined }
  ) => Effect.Effect<Option.Option<Member>, SqlError>
  /** The caller a credential of `dialect` belongs to, if any. */
  readonly authenticate: (dialect: Dialect, secret: string) => Effect.Effect<Option.Option<Authenticated>, SqlError>
  /**
   * `lookup`, a dialect's own resolution of its credentials to callers (Sanity's: a person's role,
   * project tokens), behind a cache like `authenticate`'s: what it finds is kept as long, and
   * forgotten with everything else whenever credentials change. Each call makes a cache of its own:
   * call it once, when the dialect's authentication is built.
   */
  readonly cachedLookup: <A>(
    lookup: (secret: string) => Effect.Effect<Option.Option<A>, SqlError>
  ) => (secret: string) => Effect.Effect<Option.Option<A>, SqlError>
  /**
   * `change`, a change to credentials made outside this module (a Sanity project token deleted,
   * alone or with its project), with every cached credential forgotten as for this module's own
   * changes, so the next request on this instance sees it.
   */
  readonly changingCredentials: <A, E, R>(change: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Grants or withdraws the editor's runtime access; none if there is no such organization. */
  readonly setEditorRuntimeAccess: (
    orgId: string,
    enabled: boolean
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
 * instances sharing a PostgreSQL database see it within this time. Only found credentials are kept,
 * so a new one works at once everywhere.
 */
export const authenticationTtlMillis = 1_000
/** Past this many entries the cache starts over, so a flood of distinct keys cannot grow it without bound. */
const authenticationCacheSize = 10_000

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  // Every cache of found credentials (`authenticate`'s and each `cachedLookup`'s), forgotten together.
  const caches = new Set<Map<string, unknown>>()
  // Bumped by every change: a lookup that began before a change does not store what it read.
  let generation = 0
  const invalidate = Effect.sync(() => {
    generation++
    for (const cache of caches) cache.clear()
  })
  /** A cache of found credentials: `lookup` (made only on a miss) for `key`, its finding kept for a while. */
  const cache = <A>() => {
    const entries = new Map<string, { readonly found: A; readonly until: number }>()
    caches.add(entries)
    return (key: string, lookup: () => Effect.Effect<Option.Option<A>, SqlError>) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const hit = entries.get(key)
        if (hit !== undefined && hit.until > now) return Effect.succeed(Option.some(hit.found))
        const started = generation
        return Effect.tap(lookup(), (found) => {
          if (Option.isNone(found) || generation !== started) return
          if (entries.size >= authenticationCacheSize) entries.clear()
          entries.set(key, { found: found.value, until: now + authenticationTtlMillis })
        })
      })
  }
  const authenticated = cache<Authenticated>()
  // Before (nothing read before the change is served after it) and after (nor read during it).
  const forget = <A, E, R>(change: Effect.Effect<A, E, R>) => Effect.ensuring(Effect.zipRight(invalidate, change), invalidate)
  const lookup = (dialect: Dialect, secret: string) =>
    Effect.map(
      sql<{ org_id: string; user_id: string; editor_runtime_access: number }>`SELECT c.org_id, c.user_id,
          o.editor_runtime_access
        FROM credentials c JOIN organizations o ON o.id = c.org_id
        WHERE c.secret_hash = ${hashSecret(secret)} AND c.dialect = ${
        // INF: until the editor dialect goes, Indream's x-api-key is the organization's editor key,
        // asked for under either name (the request journal and faults ask by the dialect's name).
        (dialect as string) === "indream" ? "editor" : dialect}`,
      (rows): Option.Option<Authenticated> =>
        Option.map(Option.fromNullable(rows[0]), (row) => ({
          orgId: row.org_id,
          userId: row.user_id,
          editorRuntimeAccess: Number(row.editor_runtime_access) === 1
        }))
    )
  /** One credential per dialect for `userId`, stored hashed: the returned secrets are all there will ever be. */
  const issueKeys = (orgId: string, userId: string, now: number) =>
    Effect.gen(function*() {
      const credentials: Credentials = {
        sync: { apiKey: syncKey() },
        editor: { apiKey: editorKey() },
        sanity: { token: sanityToken() }
      }
      const secrets = { sync: credentials.sync.apiKey, editor: credentials.editor.apiKey, sanity: credentials.sanity.token }
      for (const [dialect, secret] of Object.entries(secrets)) {
        yield* sql`INSERT INTO credentials (secret_hash, org_id, dialect, user_id, created_at)
          VALUES (${hashSecret(secret)}, ${orgId}, ${dialect}, ${userId}, ${now})`
      }
      return credentials
    })
  /** A new user of `orgId`: credentials in every dialect, and a member of its Sanity projects with `sanityRole`. */
  const issueCredentials = (orgId: string, userId: string, now: number, sanityRole: SanityRole) =>
    Effect.gen(function*() {
      const credentials = yield* issueKeys(orgId, userId, now)
      yield* sql`INSERT INTO sanity_members (user_id, org_id, role, created_at)
        VALUES (${userId}, ${orgId}, ${sanityRole}, ${now})`
      return credentials
    })

  const service: OrganizationsService = {
    create: (name) =>
      forget(sql.withTransaction(Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const id = randomId()
        const webhookSecret = `whsec_${randomSecret()}`
        yield* sql`INSERT INTO organizations (id, name, webhook_secret, created_at)
          VALUES (${id}, ${name}, ${webhookSecret}, ${now})`
        // The organization's first user administers its Sanity projects.
        const credentials = yield* issueCredentials(id, randomId(), now, "administrator")
        return { id, name, credentials, webhookSecret }
      }))),
    addMember: (orgId, options = {}) =>
      forget(sql.withTransaction(Effect.gen(function*() {
        const exists = yield* sql`SELECT id FROM organizations WHERE id = ${orgId}`
        if (exists.length === 0) return Option.none()
        const userId = randomId()
        // INF: a member added without a role develops (manages projects, does not administer billing).
        const sanityRole = options.sanityRole ?? "developer"
        const credentials = yield* issueCredentials(orgId, userId, yield* Clock.currentTimeMillis, sanityRole)
        return Option.some({ userId, organizationId: orgId, credentials, sanityRole })
      }))),
    authenticate: (dialect, secret) => authenticated(`${dialect}:${secret}`, () => lookup(dialect, secret)),
    cachedLookup: <A>(lookup: (secret: string) => Effect.Effect<Option.Option<A>, SqlError>) => {
      const found = cache<A>()
      return (secret: string) => found(secret, () => lookup(secret))
    },
    changingCredentials: forget,
    setEditorRuntimeAccess: (orgId, enabled) =>
      forget(Effect.map(
        sql`UPDATE organizations SET editor_runtime_access = ${enabled ? 1 : 0} WHERE id = ${orgId} RETURNING id`,
        (rows) => rows.length === 0 ? Option.none() : Option.some({ id: orgId, editorRuntimeAccess: enabled })
      )),
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
    reset: forget(Effect.asVoid(sql`DELETE FROM organizations`)),
    remove: (orgId) =>
      forget(Effect.map(sql`DELETE FROM organizations WHERE id = ${orgId} RETURNING id`, (rows) => rows.length > 0))
  }
  return service
})

export const layer = Layer.effect(Organizations, make)
