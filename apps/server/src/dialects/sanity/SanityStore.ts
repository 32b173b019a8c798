/**
 * Sanity's storage and rules: projects, CORS origins, datasets, copy jobs, embeddings settings,
 * tokens and tags of each organization. Every statement is confined to the caller's organization
 * (and a project token to its project): another organization's project answers exactly as an
 * unknown one. Refusals carry the status and message the dialect answers with.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { SanityApi } from "@projectkit/sanity"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Crypto from "node:crypto"
import { sanityToken } from "../../internal/ids.js"

/** Who is calling, as the bearer token says. */
export interface Who {
  readonly orgId: string
  readonly userId: string
  readonly role: SanityApi.RoleName
  /** A project token is confined to its project. */
  readonly projectId: string | null
  readonly isRobot: boolean
  /** A project token's label. */
  readonly label?: string
}

/** A rule said no: answered with `status` in Sanity's error body. */
export class Refusal extends Data.TaggedError("Refusal")<{
  readonly status: 400 | 403 | 404 | 409
  readonly message: string
}> {}

const refuse = (status: Refusal["status"], message: string) => Effect.fail(new Refusal({ status, message }))

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

export interface DatasetRow {
  readonly project_id: string
  readonly name: string
  readonly acl_mode: string
  readonly created_by: string | null
  readonly created_at: number
  readonly embeddings_enabled: number
  readonly embeddings_projection: string | null
  readonly embeddings_status: string
}

export interface TagRow {
  readonly id: string
  readonly project_id: string
  readonly name: string
  readonly title: string
  readonly description: string | null
  readonly metadata: string
  readonly created_at: number
  readonly updated_at: number
}

export interface TokenRow {
  readonly id: string
  readonly label: string
  readonly role: string
  readonly project_user_id: string
  readonly created_at: number
}

export interface CopyJobRow {
  readonly id: string
  readonly project_id: string
  readonly source_dataset: string
  readonly target_dataset: string
  readonly with_history: number
  readonly acl_mode: string
  readonly state: string
  readonly author_id: string
  readonly created_at: number
  readonly updated_at: number
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

/** Read and write access to project settings: administrators and developers (DOC). */
export const manages = (role: SanityApi.RoleName) => role === "administrator" || role === "developer"

const readGrants = [
  "sanity.project/read",
  "sanity.project.cors/read",
  "sanity.project.datasets/read",
  "sanity.project.members/read",
  "sanity.project.tags/read"
]
const writeGrants = ["sanity.document/create", "sanity.document/update", "sanity.document/delete"]
const manageGrants = [
  "sanity.project/update",
  "sanity.project/delete",
  "sanity.project.cors/create",
  "sanity.project.cors/delete",
  "sanity.project.datasets/create",
  "sanity.project.datasets/update",
  "sanity.project.datasets/delete",
  "sanity.project.tags/create",
  "sanity.project.tags/update",
  "sanity.project.tags/delete",
  "sanity.project.tokens/read",
  "sanity.project.tokens/create",
  "sanity.project.tokens/delete"
]

/** INF: the grant names follow the one 403 message seen (issue sanity-io/sanity#4504). */
export const permissionsOf = (role: SanityApi.RoleName): ReadonlyArray<string> =>
  manages(role)
    ? [...readGrants, ...writeGrants, ...manageGrants]
    : role === "editor" || role === "contributor"
    ? [...readGrants, ...writeGrants]
    : readGrants

/** The real message of a 403 (issue sanity-io/sanity#4504), typo included. */
const requireGrant = (who: Who, grant: string) =>
  manages(who.role)
    ? Effect.void
    : refuse(403, `User is missing one of the follow grants ${grant} to perform this operation`)

/**
 * DOC: 1–64 characters, only a-z, 0-9, `-` and `_`, beginning and ending with a lowercase letter
 * or a number.
 */
export const validDatasetName = (name: string) => /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/.test(name)

const checkDatasetName = (name: string) =>
  validDatasetName(name)
    ? Effect.void
    : refuse(
      400,
      `Invalid dataset name "${name}": names are 1-64 characters, only lowercase letters, numbers, ` +
        `underscores and dashes, and must begin and end with a lowercase letter or number`
    )

/** OFF CLI: a projection is a GROQ projection, `{…}`. */
const checkProjection = (projection: string | undefined) =>
  projection === undefined || /^\s*\{[\s\S]*\}\s*$/.test(projection)
    ? Effect.void
    : refuse(400, `Invalid projection: must be a GROQ projection such as "{title, author}"`)

/**
 * DOC /cors: `protocol://hostname[:port]`, `*` wildcards allowed in the host and port; the CLI's
 * specials `*`, `null` and `file:///*` verbatim. INF: anything else (a path, a bare host) is a 400.
 */
export const normalizeOrigin = (origin: string): Option.Option<string> => {
  const text = origin.trim()
  if (text === "*" || text === "null" || text === "file:///*") return Option.some(text)
  const match = /^([a-z][a-z0-9+.-]*):\/\/((?:\*|[a-z0-9-]+)(?:\.(?:\*|[a-z0-9-]+))*|\[[0-9a-f:]+\])(?::(\d{1,5}|\*))?\/?$/i
    .exec(text)
  if (match === null || match[1]!.toLowerCase() === "file") return Option.none()
  const protocol = match[1]!.toLowerCase()
  const port = match[3]
  // Default ports are not part of an origin (OFF CLI normalisation).
  const keepPort = port !== undefined && !(protocol === "http" && port === "80") && !(protocol === "https" && port === "443")
  return Option.some(`${protocol}://${match[2]!.toLowerCase()}${keepPort ? `:${port}` : ""}`)
}

/** Project ids look like `pib5ji3x` (REC): 8 lowercase letters and digits. */
const randomAlnum = (length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789") =>
  Array.from(Crypto.randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join("")
const mixedCase = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

export const hashToken = (token: string) => Crypto.createHash("sha256").update(token).digest("hex")

/** Roles a project token may have (REC: `deploy-studio`; OFF: roles that apply to robots). */
const robotRoles: ReadonlySet<string> = new Set(["administrator", "developer", "editor", "viewer", "contributor", "deploy-studio"])

const projectColumns = `id, org_id, display_name, studio_host, metadata, is_disabled_by_user, activity_feed_enabled,
  created_at, updated_at`
const datasetColumns = `project_id, name, acl_mode, created_by, created_at, embeddings_enabled, embeddings_projection,
  embeddings_status`
const jobColumns = `id, project_id, source_dataset, target_dataset, with_history, acl_mode, state, author_id,
  created_at, updated_at`

export interface LifecycleDurations {
  /** How long a copy job stays pending, then running. */
  readonly copyPending: number
  readonly copyRunning: number
  /** How long an embeddings index stays `updating`. */
  readonly embeddingsUpdating: number
}

export const make = (durations: LifecycleDurations) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const projects = sql.literal(projectColumns)
    const datasets = sql.literal(datasetColumns)
    const jobs = sql.literal(jobColumns)

    const scope = (who: Who) => who.projectId === null ? sql`` : sql`AND id = ${who.projectId}`

    // -------------------------------------------------------------------------------------------
    // Authentication
    // -------------------------------------------------------------------------------------------

    const authenticate = (token: string): Effect.Effect<Option.Option<Who>, SqlError> =>
      Effect.gen(function*() {
        const people = yield* sql<{ org_id: string; user_id: string; role: SanityApi.RoleName }>`
          SELECT c.org_id, c.user_id, m.role FROM credentials c JOIN sanity_members m ON m.user_id = c.user_id
          WHERE c.secret = ${token} AND c.dialect = 'sanity'`
        const person = people[0]
        if (person !== undefined) {
          return Option.some({ orgId: person.org_id, userId: person.user_id, role: person.role, projectId: null, isRobot: false })
        }
        const robots = yield* sql<{ org_id: string; project_id: string; role: SanityApi.RoleName; project_user_id: string; label: string }>`
          SELECT org_id, project_id, role, project_user_id, label FROM sanity_tokens WHERE secret_hash = ${hashToken(token)}`
        return Option.map(Option.fromNullable(robots[0]), (robot) => ({
          orgId: robot.org_id,
          userId: robot.project_user_id,
          role: robot.role,
          projectId: robot.project_id,
          isRobot: true,
          label: robot.label
        }))
      })

    // -------------------------------------------------------------------------------------------
    // Projects
    // -------------------------------------------------------------------------------------------

    const findProject = (who: Who, id: string) =>
      Effect.map(
        sql<ProjectRow>`SELECT ${projects} FROM sanity_projects WHERE id = ${id} AND org_id = ${who.orgId} ${scope(who)}`,
        (rows) => Option.fromNullable(rows[0])
      )

    /** INF: the message of a 404 for a project. */
    const project = (who: Who, id: string) =>
      Effect.flatMap(findProject(who, id), Option.match({
        onNone: () => refuse(404, `Project not found`),
        onSome: Effect.succeed
      }))

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
        return [
          ...people.map((p): MemberRow => ({ id: p.user_id, role: p.role, is_robot: false, label: null, created_at: Number(p.created_at) })),
          ...robots.map((r): MemberRow => ({
            id: r.project_user_id,
            role: r.role,
            is_robot: true,
            label: r.label,
            created_at: Number(r.created_at)
          }))
        ]
      })

    const insertCors = (projectId: string, origin: string, allowCredentials: boolean, now: number) =>
      sql`INSERT INTO sanity_cors (id, project_id, origin, origin_key, allow_credentials, created_at, updated_at, deleted_at)
        VALUES (${Crypto.randomInt(1_000_000, 2_147_483_647)}, ${projectId}, ${origin}, ${origin.toLowerCase()},
          ${allowCredentials ? 1 : 0}, ${now}, ${now}, NULL)`

    const createProject = (who: Who, input: typeof SanityApi.CreateProjectRequest.Type) =>
      Effect.gen(function*() {
        if (!manages(who.role) || who.isRobot) {
          return yield* refuse(403, "User is missing one of the follow grants sanity.organization.projects/create to perform this operation")
        }
        // Another organization's id answers as an unknown one.
        if (input.organizationId !== undefined && input.organizationId !== who.orgId) {
          return yield* refuse(403, "User is missing one of the follow grants sanity.organization.projects/create to perform this operation")
        }
        const now = yield* Clock.currentTimeMillis
        const id = randomAlnum(8)
        yield* sql`INSERT INTO sanity_projects (id, org_id, display_name, studio_host, metadata, is_disabled_by_user,
            activity_feed_enabled, created_at, updated_at)
          VALUES (${id}, ${who.orgId}, ${input.displayName.trim()}, NULL, ${JSON.stringify(input.metadata ?? {})}, 0, 1,
            ${now}, ${now})`
        // A new project answers CORS for the local studio (REC, DOC /cors).
        yield* insertCors(id, "http://localhost:3333", true, now)
        return yield* project(who, id)
      }).pipe(sql.withTransaction)

    const updateProject = (who: Who, id: string, patch: typeof SanityApi.UpdateProjectRequest.Type) =>
      Effect.gen(function*() {
        // Lock the row first (a no-op write): a PATCH racing this one on another instance waits,
        // then merges into what this one wrote, instead of both merging into the same old metadata.
        yield* sql`UPDATE sanity_projects SET updated_at = updated_at WHERE id = ${id}`
        const current = yield* project(who, id)
        yield* requireGrant(who, "sanity.project/update")
        const metadata = JSON.parse(current.metadata) as Record<string, unknown>
        for (const [key, value] of Object.entries(patch.metadata ?? {})) {
          if (value === null) delete metadata[key]
          else metadata[key] = value
        }
        // 3P: the colour is lowercase hex; uppercase is refused.
        const color = metadata.color
        if (patch.metadata?.color !== undefined && patch.metadata.color !== null &&
          (typeof color !== "string" || !/^#[0-9a-f]{3}([0-9a-f]{3})?$/.test(color))) {
          return yield* refuse(400, "metadata.color must be a lowercase hex colour, e.g. #ff0000")
        }
        let studioHost = current.studio_host
        const now = Math.max(yield* Clock.currentTimeMillis, Number(current.updated_at))
        if (patch.studioHost !== undefined && patch.studioHost !== current.studio_host) {
          // 3P: a studio host is set once.
          if (current.studio_host !== null) return yield* refuse(400, "The studio host of a project cannot be changed")
          if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(patch.studioHost)) {
            return yield* refuse(400, "Invalid studio host: lowercase letters, numbers and dashes")
          }
          const taken = yield* sql`SELECT id FROM sanity_projects WHERE studio_host = ${patch.studioHost}`
          if (taken.length > 0) return yield* refuse(409, `Studio host "${patch.studioHost}" is already taken`)
          studioHost = patch.studioHost
          // 3P: setting the studio host adds its URL to the CORS origins.
          const origin = `https://${studioHost}.sanity.studio`
          const existing = yield* sql`SELECT id FROM sanity_cors WHERE project_id = ${id} AND origin_key = ${origin}`
          if (existing.length === 0) yield* insertCors(id, origin, true, now)
        }
        yield* sql`UPDATE sanity_projects SET
            display_name = ${patch.displayName?.trim() ?? current.display_name},
            studio_host = ${studioHost},
            metadata = ${JSON.stringify(metadata)},
            is_disabled_by_user = ${patch.isDisabledByUser === undefined ? current.is_disabled_by_user : patch.isDisabledByUser ? 1 : 0},
            activity_feed_enabled = ${patch.activityFeedEnabled === undefined ? current.activity_feed_enabled : patch.activityFeedEnabled ? 1 : 0},
            updated_at = ${now}
          WHERE id = ${id}`
        return yield* project(who, id)
      }).pipe(sql.withTransaction)

    const deleteProject = (who: Who, id: string) =>
      Effect.gen(function*() {
        yield* project(who, id)
        yield* requireGrant(who, "sanity.project/delete")
        yield* sql`DELETE FROM sanity_projects WHERE id = ${id}`
      }).pipe(sql.withTransaction)

    // -------------------------------------------------------------------------------------------
    // CORS
    // -------------------------------------------------------------------------------------------

    const listCors = (who: Who, projectId: string) =>
      Effect.zipRight(
        project(who, projectId),
        sql<CorsRow>`SELECT id, project_id, origin, allow_credentials, created_at, updated_at, deleted_at FROM sanity_cors
          WHERE project_id = ${projectId} AND deleted_at IS NULL ORDER BY created_at, id`
      )

    const corsById = (projectId: string, id: number) =>
      Effect.map(
        sql<CorsRow>`SELECT id, project_id, origin, allow_credentials, created_at, updated_at, deleted_at FROM sanity_cors
          WHERE project_id = ${projectId} AND id = ${id}`,
        (rows) => rows[0]!
      )

    const createCors = (who: Who, projectId: string, input: typeof SanityApi.CreateCorsRequest.Type) =>
      Effect.gen(function*() {
        yield* project(who, projectId)
        yield* requireGrant(who, "sanity.project.cors/create")
        const origin = Option.getOrUndefined(normalizeOrigin(input.origin))
        if (origin === undefined) {
          return yield* refuse(400, `Invalid origin "${input.origin}": expected protocol://hostname[:port]`)
        }
        const now = yield* Clock.currentTimeMillis
        const allow = input.allowCredentials ?? false
        const existing = yield* sql<{ id: number; deleted_at: number | null }>`SELECT id, deleted_at FROM sanity_cors
          WHERE project_id = ${projectId} AND origin_key = ${origin.toLowerCase()}`
        const row = existing[0]
        if (row !== undefined && row.deleted_at === null) return yield* refuse(409, `Origin ${origin} already exists`)
        if (row !== undefined) {
          // REC: re-adding a deleted origin revives it, with its id and first creation date.
          yield* sql`UPDATE sanity_cors SET deleted_at = NULL, allow_credentials = ${allow ? 1 : 0}, updated_at = ${now},
            origin = ${origin} WHERE id = ${row.id}`
          return yield* corsById(projectId, Number(row.id))
        }
        const id = Crypto.randomInt(1_000_000, 2_147_483_647)
        yield* sql`INSERT INTO sanity_cors (id, project_id, origin, origin_key, allow_credentials, created_at, updated_at, deleted_at)
          VALUES (${id}, ${projectId}, ${origin}, ${origin.toLowerCase()}, ${allow ? 1 : 0}, ${now}, ${now}, NULL)`
        return yield* corsById(projectId, id)
      }).pipe(sql.withTransaction)

    const deleteCors = (who: Who, projectId: string, id: number) =>
      Effect.gen(function*() {
        yield* project(who, projectId)
        yield* requireGrant(who, "sanity.project.cors/delete")
        const now = yield* Clock.currentTimeMillis
        const rows = yield* sql`UPDATE sanity_cors SET deleted_at = ${now}, updated_at = ${now}
          WHERE project_id = ${projectId} AND id = ${id} AND deleted_at IS NULL RETURNING id`
        if (rows.length === 0) return yield* refuse(404, `CORS origin not found`)
      })

    // -------------------------------------------------------------------------------------------
    // Datasets
    // -------------------------------------------------------------------------------------------

    const findDataset = (projectId: string, name: string) =>
      Effect.map(
        sql<DatasetRow>`SELECT ${datasets} FROM sanity_datasets WHERE project_id = ${projectId} AND name = ${name}`,
        (rows) => Option.fromNullable(rows[0])
      )

    const dataset = (who: Who, projectId: string, name: string) =>
      Effect.zipRight(
        project(who, projectId),
        Effect.flatMap(findDataset(projectId, name), Option.match({
          onNone: () => refuse(404, `Dataset "${name}" not found`),
          onSome: Effect.succeed
        }))
      )

    /** The tags of the project's datasets, by dataset name. */
    const tagsByDataset = (projectId: string) =>
      Effect.map(
        sql<TagRow & { dataset_name: string }>`SELECT t.id, t.project_id, t.name, t.title, t.description, t.metadata,
            t.created_at, t.updated_at, a.dataset_name
          FROM sanity_dataset_tags a JOIN sanity_tags t ON t.id = a.tag_id
          WHERE a.project_id = ${projectId} ORDER BY a.created_at, t.name`,
        (rows) => {
          const map = new Map<string, Array<TagRow>>()
          for (const row of rows) map.set(row.dataset_name, [...(map.get(row.dataset_name) ?? []), row])
          return map
        }
      )

    const listDatasets = (who: Who, projectId: string) =>
      Effect.gen(function*() {
        yield* project(who, projectId)
        const rows = yield* sql<DatasetRow>`SELECT ${datasets} FROM sanity_datasets WHERE project_id = ${projectId}
          ORDER BY created_at, name`
        const tags = yield* tagsByDataset(projectId)
        return rows.map((row) => ({ row, tags: tags.get(row.name) ?? [] }))
      })

    const getDataset = (who: Who, projectId: string, name: string) =>
      Effect.gen(function*() {
        const row = yield* dataset(who, projectId, name)
        const tags = yield* tagsByDataset(projectId)
        return { row, tags: tags.get(name) ?? [] }
      })

    const createDataset = (
      who: Who,
      projectId: string,
      name: string,
      input: NonNullable<typeof SanityApi.CreateDatasetRequest.Type>
    ) =>
      Effect.gen(function*() {
        yield* project(who, projectId)
        yield* requireGrant(who, "sanity.project.datasets/create")
        yield* checkDatasetName(name)
        yield* checkProjection(input.embeddings?.projection)
        if (Option.isSome(yield* findDataset(projectId, name))) {
          return yield* refuse(409, `Dataset "${name}" already exists`)
        }
        const now = yield* Clock.currentTimeMillis
        const embeddings = input.embeddings?.enabled === true
        yield* sql`INSERT INTO sanity_datasets (project_id, name, acl_mode, created_by, created_at, embeddings_enabled,
            embeddings_projection, embeddings_status, embeddings_ready_at)
          VALUES (${projectId}, ${name}, ${input.aclMode ?? "public"}, ${who.userId}, ${now}, ${embeddings ? 1 : 0},
            ${input.embeddings?.projection ?? null}, ${embeddings ? "updating" : "inactive"},
            ${embeddings ? now + durations.embeddingsUpdating : null})`
        return yield* dataset(who, projectId, name)
      }).pipe(sql.withTransaction)

    const updateDataset = (
      who: Who,
      projectId: string,
      name: string,
      input: NonNullable<typeof SanityApi.UpdateDatasetRequest.Type>
    ) =>
      Effect.gen(function*() {
        const current = yield* dataset(who, projectId, name)
        yield* requireGrant(who, "sanity.project.datasets/update")
        if (input.aclMode !== undefined && input.aclMode !== current.acl_mode) {
          yield* sql`UPDATE sanity_datasets SET acl_mode = ${input.aclMode} WHERE project_id = ${projectId} AND name = ${name}`
        }
        return yield* dataset(who, projectId, name)
      })

    const deleteDataset = (who: Who, projectId: string, name: string) =>
      Effect.gen(function*() {
        yield* dataset(who, projectId, name)
        yield* requireGrant(who, "sanity.project.datasets/delete")
        yield* sql`DELETE FROM sanity_datasets WHERE project_id = ${projectId} AND name = ${name}`
      })

    // -------------------------------------------------------------------------------------------
    // Copy jobs
    // -------------------------------------------------------------------------------------------

    const startCopy = (who: Who, projectId: string, name: string, input: typeof SanityApi.CopyRequest.Type) =>
      Effect.gen(function*() {
        const source = yield* dataset(who, projectId, name)
        yield* requireGrant(who, "sanity.project.datasets/create")
        yield* checkDatasetName(input.targetDataset)
        if (Option.isSome(yield* findDataset(projectId, input.targetDataset))) {
          return yield* refuse(409, `Dataset "${input.targetDataset}" already exists`)
        }
        const inFlight = yield* sql`SELECT id FROM sanity_copy_jobs WHERE project_id = ${projectId}
          AND target_dataset = ${input.targetDataset} AND state IN ('pending', 'running')`
        if (inFlight.length > 0) {
          return yield* refuse(409, `A copy to "${input.targetDataset}" is already in progress`)
        }
        const now = yield* Clock.currentTimeMillis
        const id = `jobId-${randomAlnum(20, mixedCase)}`
        yield* sql`INSERT INTO sanity_copy_jobs (id, org_id, project_id, source_dataset, target_dataset, with_history,
            acl_mode, state, author_id, created_at, updated_at, next_transition_at)
          VALUES (${id}, ${who.orgId}, ${projectId}, ${name}, ${input.targetDataset}, ${input.skipHistory === true ? 0 : 1},
            ${source.acl_mode}, 'pending', ${who.userId}, ${now}, ${now}, ${now + durations.copyPending})`
        return { jobId: id, source, target: input.targetDataset }
      }).pipe(sql.withTransaction)

    /** Copy jobs newest first, of one source dataset or (`name` undefined) of the whole project. */
    const copyJobs = (
      who: Who,
      projectId: string,
      name: string | undefined,
      query: { readonly offset: number; readonly limit: number; readonly states: ReadonlyArray<string> | undefined }
    ) =>
      Effect.gen(function*() {
        if (name === undefined) yield* project(who, projectId)
        else yield* dataset(who, projectId, name)
        const states = query.states
        return yield* sql<CopyJobRow>`SELECT ${jobs} FROM sanity_copy_jobs
          WHERE project_id = ${projectId} ${name === undefined ? sql`` : sql`AND source_dataset = ${name}`}
          ${states === undefined || states.length === 0 ? sql`` : sql`AND ${sql.in("state", states)}`}
          ORDER BY created_at DESC, id DESC LIMIT ${query.limit} OFFSET ${query.offset}`
      })

    const findJob = (who: Who, jobId: string) =>
      Effect.flatMap(
        sql<CopyJobRow>`SELECT ${jobs} FROM sanity_copy_jobs WHERE id = ${jobId} AND org_id = ${who.orgId}
          ${who.projectId === null ? sql`` : sql`AND project_id = ${who.projectId}`}`,
        (rows) => rows[0] === undefined ? refuse(404, `Job not found`) : Effect.succeed(rows[0])
      )

    // -------------------------------------------------------------------------------------------
    // Embeddings
    // -------------------------------------------------------------------------------------------

    const setEmbeddings = (who: Who, projectId: string, name: string, input: typeof SanityApi.EmbeddingsRequest.Type) =>
      Effect.gen(function*() {
        yield* dataset(who, projectId, name)
        yield* requireGrant(who, "sanity.project.datasets/update")
        yield* checkProjection(input.projection)
        const now = yield* Clock.currentTimeMillis
        // INF: enabling (or changing the projection) re-indexes: `updating`, then `ready`;
        // disabling is immediate (OFF test fixtures: `inactive`).
        yield* sql`UPDATE sanity_datasets SET embeddings_enabled = ${input.enabled ? 1 : 0},
            embeddings_projection = ${input.projection ?? null},
            embeddings_status = ${input.enabled ? "updating" : "inactive"},
            embeddings_ready_at = ${input.enabled ? now + durations.embeddingsUpdating : null}
          WHERE project_id = ${projectId} AND name = ${name}`
        return yield* dataset(who, projectId, name)
      })

    // -------------------------------------------------------------------------------------------
    // Tokens
    // -------------------------------------------------------------------------------------------

    const listTokens = (who: Who, projectId: string) =>
      Effect.gen(function*() {
        yield* project(who, projectId)
        yield* requireGrant(who, "sanity.project.tokens/read")
        return yield* sql<TokenRow>`SELECT id, label, role, project_user_id, created_at FROM sanity_tokens
          WHERE project_id = ${projectId} ORDER BY created_at, id`
      })

    const createToken = (who: Who, projectId: string, input: typeof SanityApi.CreateTokenRequest.Type) =>
      Effect.gen(function*() {
        yield* project(who, projectId)
        yield* requireGrant(who, "sanity.project.tokens/create")
        if (!robotRoles.has(input.roleName)) return yield* refuse(400, `Invalid role "${input.roleName}"`)
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
            ${hashToken(key)}, ${now})`
        return { row, key }
      })

    const deleteToken = (who: Who, projectId: string, tokenId: string) =>
      Effect.gen(function*() {
        yield* project(who, projectId)
        yield* requireGrant(who, "sanity.project.tokens/delete")
        const rows = yield* sql`DELETE FROM sanity_tokens WHERE project_id = ${projectId} AND id = ${tokenId} RETURNING id`
        if (rows.length === 0) return yield* refuse(404, `Token not found`)
      })

    // -------------------------------------------------------------------------------------------
    // Tags
    // -------------------------------------------------------------------------------------------

    const tagColumns = sql.literal("id, project_id, name, title, description, metadata, created_at, updated_at")

    const tag = (projectId: string, identifier: string) =>
      Effect.flatMap(
        sql<TagRow>`SELECT ${tagColumns} FROM sanity_tags WHERE project_id = ${projectId} AND name = ${identifier}`,
        (rows) => rows[0] === undefined ? refuse(404, `Tag "${identifier}" not found`) : Effect.succeed(rows[0])
      )

    /** INF: tag names follow the dataset naming rule; a title is required (DOC seed: both sent). */
    const checkTag = (name: string | undefined, title: string | undefined) =>
      Effect.gen(function*() {
        if (name !== undefined && !validDatasetName(name)) {
          return yield* refuse(400, `Invalid tag name "${name}": 1-64 lowercase letters, numbers, underscores and dashes`)
        }
        if (title !== undefined && title.trim() === "") return yield* refuse(400, "A tag needs a title")
      })

    const listTags = (who: Who, projectId: string) =>
      Effect.zipRight(
        project(who, projectId),
        sql<TagRow>`SELECT ${tagColumns} FROM sanity_tags WHERE project_id = ${projectId} ORDER BY created_at, name`
      )

    const createTag = (who: Who, projectId: string, input: typeof SanityApi.CreateTagRequest.Type) =>
      Effect.gen(function*() {
        yield* project(who, projectId)
        yield* requireGrant(who, "sanity.project.tags/create")
        yield* checkTag(input.name, input.title)
        const taken = yield* sql`SELECT id FROM sanity_tags WHERE project_id = ${projectId} AND name = ${input.name}`
        if (taken.length > 0) return yield* refuse(409, `Tag "${input.name}" already exists`)
        const now = yield* Clock.currentTimeMillis
        yield* sql`INSERT INTO sanity_tags (id, project_id, name, title, description, metadata, created_at, updated_at)
          VALUES (${Crypto.randomUUID()}, ${projectId}, ${input.name}, ${input.title}, ${input.description ?? null},
            ${JSON.stringify(input.metadata ?? {})}, ${now}, ${now})`
        return yield* tag(projectId, input.name)
      }).pipe(sql.withTransaction)

    const updateTag = (who: Who, projectId: string, identifier: string, input: typeof SanityApi.UpdateTagRequest.Type) =>
      Effect.gen(function*() {
        yield* project(who, projectId)
        const current = yield* tag(projectId, identifier)
        yield* requireGrant(who, "sanity.project.tags/update")
        yield* checkTag(input.name, input.title)
        const name = input.name ?? current.name
        if (name !== current.name) {
          const taken = yield* sql`SELECT id FROM sanity_tags WHERE project_id = ${projectId} AND name = ${name}`
          if (taken.length > 0) return yield* refuse(409, `Tag "${name}" already exists`)
        }
        const now = Math.max(yield* Clock.currentTimeMillis, Number(current.updated_at))
        yield* sql`UPDATE sanity_tags SET name = ${name}, title = ${input.title ?? current.title},
            description = ${input.description === undefined ? current.description : input.description},
            metadata = ${input.metadata === undefined ? current.metadata : JSON.stringify(input.metadata)},
            updated_at = ${now}
          WHERE id = ${current.id}`
        return yield* tag(projectId, name)
      }).pipe(sql.withTransaction)

    const deleteTag = (who: Who, projectId: string, identifier: string) =>
      Effect.gen(function*() {
        yield* project(who, projectId)
        const current = yield* tag(projectId, identifier)
        yield* requireGrant(who, "sanity.project.tags/delete")
        const assigned = yield* sql<{ dataset_name: string }>`SELECT dataset_name FROM sanity_dataset_tags
          WHERE tag_id = ${current.id} ORDER BY dataset_name`
        if (assigned.length > 0) {
          return yield* refuse(
            409,
            `Tag "${identifier}" is assigned to datasets (${assigned.map((row) => row.dataset_name).join(", ")}); ` +
              `unassign it from every dataset before deleting it`
          )
        }
        yield* sql`DELETE FROM sanity_tags WHERE id = ${current.id}`
      }).pipe(sql.withTransaction)

    const datasetTags = (who: Who, projectId: string, datasetName: string) =>
      Effect.gen(function*() {
        yield* dataset(who, projectId, datasetName)
        const tags = yield* tagsByDataset(projectId)
        return tags.get(datasetName) ?? []
      })

    const assignTag = (who: Who, projectId: string, datasetName: string, identifier: string) =>
      Effect.gen(function*() {
        yield* dataset(who, projectId, datasetName)
        const current = yield* tag(projectId, identifier)
        yield* requireGrant(who, "sanity.project.tags/update")
        const now = yield* Clock.currentTimeMillis
        yield* sql`INSERT INTO sanity_dataset_tags (tag_id, project_id, dataset_name, created_at)
          VALUES (${current.id}, ${projectId}, ${datasetName}, ${now})
          ON CONFLICT (tag_id, dataset_name) DO NOTHING`
        return current
      })

    const unassignTag = (who: Who, projectId: string, datasetName: string, identifier: string) =>
      Effect.gen(function*() {
        yield* dataset(who, projectId, datasetName)
        const current = yield* tag(projectId, identifier)
        yield* requireGrant(who, "sanity.project.tags/update")
        const rows = yield* sql`DELETE FROM sanity_dataset_tags WHERE tag_id = ${current.id} AND dataset_name = ${datasetName}
          RETURNING tag_id`
        if (rows.length === 0) return yield* refuse(404, `Tag "${identifier}" is not assigned to dataset "${datasetName}"`)
      })

    // -------------------------------------------------------------------------------------------
    // Users
    // -------------------------------------------------------------------------------------------

    /** A user of the caller's organization: a person, or a robot of a project the caller sees. */
    const findUser = (who: Who, userId: string) =>
      Effect.gen(function*() {
        const id = userId === "me" ? who.userId : userId
        const people = yield* sql<{ user_id: string; role: string; created_at: number }>`SELECT user_id, role, created_at
          FROM sanity_members WHERE org_id = ${who.orgId} AND user_id = ${id}`
        if (people[0] !== undefined) {
          const person = people[0]
          return Option.some<MemberRow>({ id: person.user_id, role: person.role, is_robot: false, label: null, created_at: Number(person.created_at) })
        }
        const robots = yield* sql<{ project_user_id: string; role: string; label: string; created_at: number }>`
          SELECT project_user_id, role, label, created_at FROM sanity_tokens
          WHERE org_id = ${who.orgId} AND project_user_id = ${id}
          ${who.projectId === null ? sql`` : sql`AND project_id = ${who.projectId}`}`
        return Option.map(Option.fromNullable(robots[0]), (robot): MemberRow => ({
          id: robot.project_user_id,
          role: robot.role,
          is_robot: true,
          label: robot.label,
          created_at: Number(robot.created_at)
        }))
      })

    const projectUser = (who: Who, projectId: string, userId: string) =>
      Effect.gen(function*() {
        yield* project(who, projectId)
        const id = userId === "me" ? who.userId : userId
        const found = (yield* members(who, projectId)).find((member) => member.id === id)
        return found === undefined ? yield* refuse(404, `User not found`) : found
      })

    return {
      authenticate,
      findProject,
      project,
      listProjects,
      members,
      createProject,
      updateProject,
      deleteProject,
      listCors,
      createCors,
      deleteCors,
      listDatasets,
      getDataset,
      createDataset,
      updateDataset,
      deleteDataset,
      startCopy,
      copyJobs,
      findJob,
      dataset,
      setEmbeddings,
      listTokens,
      createToken,
      deleteToken,
      listTags,
      createTag,
      updateTag,
      deleteTag,
      datasetTags,
      assignTag,
      unassignTag,
      findUser,
      projectUser
    }
  })

export type SanityStoreService = Effect.Effect.Success<ReturnType<typeof make>>

export class SanityStore extends Context.Tag("@projectkit/server/SanityStore")<SanityStore, SanityStoreService>() {}

export const layer = (durations: LifecycleDurations) => Layer.effect(SanityStore, make(durations))
