/**
 * The Sanity dialect's storage of projects and what belongs to a project itself: its members (the
 * organization's people and the project's robots), CORS origins and project tokens. SQL only: rows
 * out, and `NotFound` / `Conflict` carrying Sanity's message where a row is missing or taken; who
 * may do what is `SanityAccess`'s, what input is acceptable `SanityInput`'s.
 *
 * Every read is confined to the caller's organization, and a project token's to its project:
 * another organization's project answers exactly as an unknown one.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as ProjectsError from "@projectkit/core/ProjectsError"
import type { SanityApi } from "@projectkit/sanity"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Crypto from "node:crypto"
import { hashSecret } from "../../internal/ids.js"
import { sanityToken } from "./SanityTokens.js"
import type { Who } from "./SanityAccess.js"

export interface ProjectRow {
  readonly id: string
  readonly org_id: string
  readonly display_name: string
  readonly studio_host: string | null
  readonly metadata: string
  readonly is_disabled_by_user: number
  readonly activity_feed_enabled: number
  readonly created_at: number
  readonly updated_at: number
}

export interface MemberRow {
  readonly id: string
  readonly role: string
  readonly is_robot: boolean
  readonly label: string | null
  readonly created_at: number
}

export interface CorsRow {
  readonly id: number
  readonly project_id: string
  readonly origin: string
  readonly allow_credentials: number
  readonly created_at: number
  readonly updated_at: number
  readonly deleted_at: number | null
}

export interface TokenRow {
  readonly id: string
  readonly label: string
  readonly role: string
  readonly project_user_id: string
  readonly created_at: number
}

/** What a PATCH writes to a project (made and checked by `SanityInput.projectChange`). */
export interface ProjectChange {
  readonly displayName: string
  readonly metadata: Record<string, unknown>
  /** A studio host to set (the project has none yet), or undefined to leave it as it is. */
  readonly studioHost: string | undefined
  readonly isDisabledByUser: boolean
  readonly activityFeedEnabled: boolean
}

/** Project ids look like `pib5ji3x` (REC): 8 lowercase letters and digits. */
export const randomAlnum = (length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789") =>
  Array.from(Crypto.randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join("")
export const mixedCase = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/** CORS origin ids are numbers (REC). */
const randomCorsId = () => Crypto.randomInt(1_000_000, 2_147_483_647)


const projectColumns = `id, org_id, display_name, studio_host, metadata, is_disabled_by_user, activity_feed_enabled,
  created_at, updated_at`
const corsColumns = "id, project_id, origin, allow_credentials, created_at, updated_at, deleted_at"

/** INF: the messages of Sanity's 404s for these. */
const notFound = (resource: string, id: string, description: string) =>
  Effect.fail(new ProjectsError.NotFound({ resource, id, description }))

const conflict = (description: string) => Effect.fail(new ProjectsError.Conflict({ description }))

/**
 * Takes project `projectId`'s row lock for the rest of the transaction, or fails `NotFound` when
 * the project is gone. Every check-then-write of a project's datasets, tags, origins and copy jobs
 * starts with it: on PostgreSQL (read committed) two such transactions on one project then run one
 * after the other, so the second's check sees the first's write — one winner, the others answered
 * 409 (or 404) as Sanity answers them, never a unique violation answered 500. SQLite runs one
 * writer at a time already; there the lock is a plain read.
 */
export const lockProject = (sql: SqlClient.SqlClient, projectId: string) =>
  Effect.flatMap(
    sql.onDialectOrElse({
      pg: () => sql`SELECT id FROM sanity_projects WHERE id = ${projectId} FOR UPDATE`,
      orElse: () => sql`SELECT id FROM sanity_projects WHERE id = ${projectId}`
    }),
    (rows) => rows.length === 0 ? notFound("project", projectId, "Project not found") : Effect.void
  )

const toMember = (row: { user_id: string; role: string; created_at: number }): MemberRow => ({
  id: row.user_id,
  role: row.role,
  is_robot: false,
  label: null,
  created_at: Number(row.created_at)
})

const toRobot = (row: { project_user_id: string; role: string; label: string; created_at: number }): MemberRow => ({
  id: row.project_user_id,
  role: row.role,
  is_robot: true,
  label: row.label,
  created_at: Number(row.created_at)
})

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const projects = sql.literal(projectColumns)
  const corsOrigin = sql.literal(corsColumns)

  const scope = (who: Who) => who.projectId === null ? sql`` : sql`AND id = ${who.projectId}`

  // -------------------------------------------------------------------------------------------
  // Authentication (cached by `Organizations`, see SanityHandlers)
  // -------------------------------------------------------------------------------------------

  /** The role of a person of the organization in its projects. */
  const memberRole = (orgId: string, userId: string) =>
    Effect.map(
      sql<{ role: SanityApi.RoleName }>`SELECT role FROM sanity_members WHERE org_id = ${orgId} AND user_id = ${userId}`,
      (rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.role)
    )

  /** The robot a project token stands for, confined to its project. */
  const projectToken = (token: string): Effect.Effect<Option.Option<Who>, SqlError> =>
    Effect.map(
      sql<{ org_id: string; project_id: string; role: SanityApi.RoleName; project_user_id: string; label: string }>`
        SELECT org_id, project_id, role, project_user_id, label FROM sanity_tokens WHERE secret_hash = ${hashSecret(token)}`,
      (rows) =>
        Option.map(Option.fromNullable(rows[0]), (robot) => ({
          orgId: robot.org_id,
          userId: robot.project_user_id,
          role: robot.role,
          projectId: robot.project_id,
          isRobot: true,
          label: robot.label
        }))
    )

  // -------------------------------------------------------------------------------------------
  // Projects
  // -------------------------------------------------------------------------------------------

  const project = (who: Who, id: string): Effect.Effect<ProjectRow, ProjectsError.NotFound | SqlError> =>
    Effect.flatMap(
      sql<ProjectRow>`SELECT ${projects} FROM sanity_projects WHERE id = ${id} AND org_id = ${who.orgId} ${scope(who)}`,
      (rows) => rows[0] === undefined ? notFound("project", id, "Project not found") : Effect.succeed(rows[0])
    )

  /** The caller's projects, oldest first; none when asked for another organization's. */
  const listProjects = (who: Who, organizationId: string | undefined) =>
    organizationId !== undefined && organizationId !== who.orgId
      ? Effect.succeed([])
      : sql<ProjectRow>`SELECT ${projects} FROM sanity_projects WHERE org_id = ${who.orgId} ${scope(who)}
        ORDER BY created_at, id`

  /** The organization's people (every one a member of its projects) and the project's robots. */
  const members = (who: Who, projectId: string) =>
    Effect.gen(function*() {
      const people = yield* sql<{ user_id: string; role: string; created_at: number }>`
        SELECT user_id, role, created_at FROM sanity_members WHERE org_id = ${who.orgId} ORDER BY created_at, user_id`
      const robots = yield* sql<{ project_user_id: string; role: string; label: string; created_at: number }>`
        SELECT project_user_id, role, label, created_at FROM sanity_tokens WHERE project_id = ${projectId}
        ORDER BY created_at, id`
      return [...people.map(toMember), ...robots.map(toRobot)]
    })

  const insertCors = (projectId: string, origin: string, allowCredentials: boolean, now: number, id = randomCorsId()) =>
    sql`INSERT INTO sanity_cors (id, project_id, origin, origin_key, allow_credentials, created_at, updated_at, deleted_at)
      VALUES (${id}, ${projectId}, ${origin}, ${origin.toLowerCase()}, ${allowCredentials ? 1 : 0}, ${now}, ${now}, NULL)`

  const createProject = (who: Who, input: { readonly displayName: string; readonly metadata: Record<string, unknown> }) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const id = randomAlnum(8)
      yield* sql`INSERT INTO sanity_projects (id, org_id, display_name, studio_host, metadata, is_disabled_by_user,
          activity_feed_enabled, created_at, updated_at)
        VALUES (${id}, ${who.orgId}, ${input.displayName}, NULL, ${JSON.stringify(input.metadata)}, 0, 1, ${now}, ${now})`
      // A new project answers CORS for the local studio (REC, DOC /cors).
      yield* insertCors(id, "http://localhost:3333", true, now)
      return yield* project(who, id)
    }).pipe(sql.withTransaction)

  /**
   * Changes project `id` to what `change` makes of it, in one transaction: the row is locked first
   * (a no-op write), so a PATCH racing this one on another instance waits, then merges into what
   * this one wrote instead of both merging into the same old metadata. A studio host another
   * project has is a `Conflict`; setting one adds its studio's URL to the CORS origins (3P).
   */
  const updateProject = <E>(
    who: Who,
    id: string,
    change: (current: ProjectRow) => Effect.Effect<ProjectChange, E>
  ): Effect.Effect<ProjectRow, E | ProjectsError.NotFound | ProjectsError.Conflict | SqlError> =>
    Effect.gen(function*() {
      yield* sql`UPDATE sanity_projects SET updated_at = updated_at WHERE id = ${id}`
      const current = yield* project(who, id)
      const next = yield* change(current)
      const now = Math.max(yield* Clock.currentTimeMillis, Number(current.updated_at))
      if (next.studioHost !== undefined) {
        const taken = yield* sql`SELECT id FROM sanity_projects WHERE studio_host = ${next.studioHost}`
        if (taken.length > 0) return yield* conflict(`Studio host "${next.studioHost}" is already taken`)
        const origin = `https://${next.studioHost}.sanity.studio`
        const existing = yield* sql`SELECT id FROM sanity_cors WHERE project_id = ${id} AND origin_key = ${origin}`
        if (existing.length === 0) yield* insertCors(id, origin, true, now)
      }
      yield* sql`UPDATE sanity_projects SET
          display_name = ${next.displayName},
          studio_host = ${next.studioHost ?? current.studio_host},
          metadata = ${JSON.stringify(next.metadata)},
          is_disabled_by_user = ${next.isDisabledByUser ? 1 : 0},
          activity_feed_enabled = ${next.activityFeedEnabled ? 1 : 0},
          updated_at = ${now}
        WHERE id = ${id}`
      return yield* project(who, id)
    }).pipe(sql.withTransaction)

  /** Deletes the project; of several deleting it at once, one does, the others find it gone (`NotFound`). */
  const deleteProject = (projectId: string) =>
    Effect.flatMap(
      sql`DELETE FROM sanity_projects WHERE id = ${projectId} RETURNING id`,
      (rows) => rows.length === 0 ? notFound("project", projectId, "Project not found") : Effect.void
    )

  // -------------------------------------------------------------------------------------------
  // CORS origins
  // -------------------------------------------------------------------------------------------

  const listCors = (projectId: string) =>
    sql<CorsRow>`SELECT ${corsOrigin} FROM sanity_cors WHERE project_id = ${projectId} AND deleted_at IS NULL
      ORDER BY created_at, id`

  const corsById = (projectId: string, id: number) =>
    Effect.map(sql<CorsRow>`SELECT ${corsOrigin} FROM sanity_cors WHERE project_id = ${projectId} AND id = ${id}`, (rows) => rows[0]!)

  /** Adds `origin` (normalised); one the project has is a `Conflict`, a deleted one is revived. */
  const createCors = (projectId: string, origin: string, allowCredentials: boolean) =>
    Effect.gen(function*() {
      yield* lockProject(sql, projectId)
      const now = yield* Clock.currentTimeMillis
      const existing = yield* sql<{ id: number; deleted_at: number | null }>`SELECT id, deleted_at FROM sanity_cors
        WHERE project_id = ${projectId} AND origin_key = ${origin.toLowerCase()}`
      const row = existing[0]
      if (row !== undefined && row.deleted_at === null) return yield* conflict(`Origin ${origin} already exists`)
      if (row !== undefined) {
        // REC: re-adding a deleted origin revives it, with its id and first creation date.
        yield* sql`UPDATE sanity_cors SET deleted_at = NULL, allow_credentials = ${allowCredentials ? 1 : 0},
          updated_at = ${now}, origin = ${origin} WHERE id = ${row.id}`
        return yield* corsById(projectId, Number(row.id))
      }
      const id = randomCorsId()
      yield* insertCors(projectId, origin, allowCredentials, now, id)
      return yield* corsById(projectId, id)
    }).pipe(sql.withTransaction)

  /** Soft-deletes (REC: a re-added origin keeps its id). */
  const deleteCors = (projectId: string, id: number) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const rows = yield* sql`UPDATE sanity_cors SET deleted_at = ${now}, updated_at = ${now}
        WHERE project_id = ${projectId} AND id = ${id} AND deleted_at IS NULL RETURNING id`
      if (rows.length === 0) return yield* notFound("cors origin", String(id), "CORS origin not found")
    })

  // -------------------------------------------------------------------------------------------
  // Project tokens
  // -------------------------------------------------------------------------------------------

  const listTokens = (projectId: string) =>
    sql<TokenRow>`SELECT id, label, role, project_user_id, created_at FROM sanity_tokens
      WHERE project_id = ${projectId} ORDER BY created_at, id`

  /** A new token of the project: its row, and its secret `key`, which is never stored. */
  const createToken = (who: Who, projectId: string, input: { readonly label: string; readonly roleName: string }) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const row: TokenRow = {
        id: randomAlnum(14, mixedCase),
        label: input.label,
        role: input.roleName,
        project_user_id: `p-${randomAlnum(12, mixedCase)}`,
        created_at: now
      }
      const key = sanityToken()
      yield* sql`INSERT INTO sanity_tokens (id, org_id, project_id, label, role, project_user_id, secret_hash, created_at)
        VALUES (${row.id}, ${who.orgId}, ${projectId}, ${row.label}, ${row.role}, ${row.project_user_id},
          ${hashSecret(key)}, ${now})`
      return { row, key }
    })

  const deleteToken = (projectId: string, tokenId: string) =>
    Effect.gen(function*() {
      const rows = yield* sql`DELETE FROM sanity_tokens WHERE project_id = ${projectId} AND id = ${tokenId} RETURNING id`
      if (rows.length === 0) return yield* notFound("token", tokenId, "Token not found")
    })

  // -------------------------------------------------------------------------------------------
  // Users
  // -------------------------------------------------------------------------------------------

  /** A user of the caller's organization (`me`: the caller): a person, or a robot of a project the caller sees. */
  const findUser = (who: Who, userId: string) =>
    Effect.gen(function*() {
      const id = userId === "me" ? who.userId : userId
      const people = yield* sql<{ user_id: string; role: string; created_at: number }>`SELECT user_id, role, created_at
        FROM sanity_members WHERE org_id = ${who.orgId} AND user_id = ${id}`
      if (people[0] !== undefined) return Option.some(toMember(people[0]))
      const robots = yield* sql<{ project_user_id: string; role: string; label: string; created_at: number }>`
        SELECT project_user_id, role, label, created_at FROM sanity_tokens
        WHERE org_id = ${who.orgId} AND project_user_id = ${id}
        ${who.projectId === null ? sql`` : sql`AND project_id = ${who.projectId}`}`
      return Option.map(Option.fromNullable(robots[0]), toRobot)
    })

  /** A member of the project (`me`: the caller). */
  const projectUser = (who: Who, projectId: string, userId: string) =>
    Effect.gen(function*() {
      const id = userId === "me" ? who.userId : userId
      const found = (yield* members(who, projectId)).find((member) => member.id === id)
      return found === undefined ? yield* notFound("user", id, "User not found") : found
    })

  return {
    memberRole,
    projectToken,
    project,
    listProjects,
    members,
    createProject,
    updateProject,
    deleteProject,
    listCors,
    createCors,
    deleteCors,
    listTokens,
    createToken,
    deleteToken,
    findUser,
    projectUser
  }
})

export type SanityProjectStoreService = Effect.Effect.Success<typeof make>

export class SanityProjectStore extends Context.Tag("@projectkit/server/SanityProjectStore")<
  SanityProjectStore,
  SanityProjectStoreService
>() {}

export const layer = Layer.effect(SanityProjectStore, make)
