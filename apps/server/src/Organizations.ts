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
import { randomId, randomSecret } from "./internal/ids.js"

export const Credentials = Schema.Struct({
  sync: Schema.Struct({ apiKey: Schema.String })
})

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
  credentials: Credentials
})
export type Member = typeof Member.Type

/** Who is calling: an organization, and the user whose credential it is. */
export interface Caller {
  readonly orgId: string
  readonly userId: string
}

export interface OrganizationsService {
  readonly create: (name: string) => Effect.Effect<Organization, SqlError>
  /** A new user of the organization with their own credentials; none if there is no such organization. */
  readonly addMember: (orgId: string) => Effect.Effect<Option.Option<Member>, SqlError>
  /** The caller a credential of `dialect` belongs to, if any. */
  readonly authenticate: (dialect: "sync", secret: string) => Effect.Effect<Option.Option<Caller>, SqlError>
  /** The secret that signs this organization's webhooks. */
  readonly webhookSecret: (orgId: string) => Effect.Effect<Option.Option<string>, SqlError>
  /** The oldest organization with its credentials: the demo one the server made on first start. */
  readonly oldest: Effect.Effect<Option.Option<Organization>, SqlError>
  /** Deletes every organization and, through the cascades, everything they own. */
  readonly reset: Effect.Effect<void, SqlError>
}

export class Organizations extends Context.Tag("@projectkit/server/Organizations")<
  Organizations,
  OrganizationsService
>() {}

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  /** Credentials for a new user of `orgId`. INF: sync.so keys are opaque; "sk-" makes them recognisable in logs. */
  const issueCredentials = (orgId: string, userId: string, now: number) =>
    Effect.gen(function*() {
      const apiKey = `sk-${randomSecret()}`
      yield* sql`INSERT INTO credentials (secret, org_id, dialect, user_id, created_at)
        VALUES (${apiKey}, ${orgId}, 'sync', ${userId}, ${now})`
      return { sync: { apiKey } }
    })

  const service: OrganizationsService = {
    create: (name) =>
      sql.withTransaction(Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const id = randomId()
        const webhookSecret = `whsec_${randomSecret()}`
        yield* sql`INSERT INTO organizations (id, name, webhook_secret, created_at)
          VALUES (${id}, ${name}, ${webhookSecret}, ${now})`
        const credentials = yield* issueCredentials(id, randomId(), now)
        return { id, name, credentials, webhookSecret }
      })),
    addMember: (orgId) =>
      sql.withTransaction(Effect.gen(function*() {
        const exists = yield* sql`SELECT id FROM organizations WHERE id = ${orgId}`
        if (exists.length === 0) return Option.none()
        const userId = randomId()
        const credentials = yield* issueCredentials(orgId, userId, yield* Clock.currentTimeMillis)
        return Option.some({ userId, organizationId: orgId, credentials })
      })),
    authenticate: (dialect, secret) =>
      Effect.map(
        sql<{ org_id: string; user_id: string }>`SELECT org_id, user_id FROM credentials
          WHERE secret = ${secret} AND dialect = ${dialect}`,
        (rows) => Option.map(Option.fromNullable(rows[0]), (row) => ({ orgId: row.org_id, userId: row.user_id }))
      ),
    webhookSecret: (orgId) =>
      Effect.map(
        sql<{ webhook_secret: string }>`SELECT webhook_secret FROM organizations WHERE id = ${orgId}`,
        (rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.webhook_secret)
      ),
    oldest: Effect.map(
      sql<{ id: string; name: string; secret: string; webhook_secret: string }>`SELECT o.id, o.name, c.secret,
          o.webhook_secret FROM organizations o
        JOIN credentials c ON c.org_id = o.id AND c.dialect = 'sync'
        ORDER BY o.created_at, o.id LIMIT 1`,
      (rows) =>
        Option.map(Option.fromNullable(rows[0]), (row) => ({
          id: row.id,
          name: row.name,
          credentials: { sync: { apiKey: row.secret } },
          webhookSecret: row.webhook_secret
        }))
    ),
    reset: Effect.asVoid(sql`DELETE FROM organizations`)
  }
  return service
})

export const layer = Layer.effect(Organizations, make)
